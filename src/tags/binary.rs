//! Reading binaries (ELF, Mach-O, PE, with goblin) for the platform facts a tag needs.

use std::path::Path;

use super::manylinux::{glibc_for_symbol_version, manylinux_floor, MANYLINUX_LIBS};
/// What one binary says about the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Platform {
    /// Linux with glibc: the architecture, the glibc version it needs (2, X), and what (if
    /// anything) keeps it from a manylinux tag.
    Linux {
        /// Architecture as used in tags (`x86_64`, `aarch64`, ...).
        arch: String,
        /// The highest `GLIBC_2.X` it requires.
        glibc_minor: u32,
        /// Why it cannot be manylinux, if it cannot.
        blocker: Option<String>,
    },
    /// Linux with musl.
    Musl {
        /// Architecture.
        arch: String,
    },
    /// macOS: architectures and the minimum OS version.
    Macos {
        /// Architectures (`x86_64`, `arm64`).
        archs: Vec<String>,
        /// Minimum macOS (major, minor).
        min: (u32, u32),
    },
    /// Windows: the platform tag (`win_amd64`, `win32`, `win_arm64`).
    Windows(String),
}

fn elf_arch(machine: u16, is_64: bool) -> Result<String, String> {
    use goblin::elf::header::*;
    Ok(match machine {
        EM_X86_64 => "x86_64",
        EM_386 => "i686",
        EM_AARCH64 => "aarch64",
        EM_PPC64 => "ppc64le",
        EM_S390 if is_64 => "s390x",
        EM_ARM => "armv7l",
        EM_RISCV if is_64 => "riscv64",
        other => return Err(format!("unsupported ELF machine {other}")),
    }
    .to_string())
}

/// The binary formats that wheels carry. goblin's own `Object` needs every goblin feature
/// (static archives and TE images too, which a wheel never holds); telling the three apart
/// by their magic bytes keeps the rest of goblin out of the backend's wheel.
enum Binary<'a> {
    Elf(Box<goblin::elf::Elf<'a>>),
    Pe(Box<goblin::pe::PE<'a>>),
    Mach(Box<goblin::mach::Mach<'a>>),
}

impl<'a> Binary<'a> {
    /// Parses `data` as ELF, PE or Mach-O (thin or fat); `None` for anything else.
    fn parse(data: &'a [u8]) -> Result<Option<Self>, goblin::error::Error> {
        const MACH_MAGICS: [u32; 6] = [
            0xfeed_face,
            0xcefa_edfe,
            0xfeed_facf,
            0xcffa_edfe,
            0xcafe_babe,
            0xbeba_feca,
        ];
        Ok(match data {
            [0x7f, b'E', b'L', b'F', ..] => {
                Some(Binary::Elf(Box::new(goblin::elf::Elf::parse(data)?)))
            }
            [b'M', b'Z', ..] => Some(Binary::Pe(Box::new(goblin::pe::PE::parse(data)?))),
            [a, b, c, d, ..] if MACH_MAGICS.contains(&u32::from_be_bytes([*a, *b, *c, *d])) => {
                Some(Binary::Mach(Box::new(goblin::mach::Mach::parse(data)?)))
            }
            _ => None,
        })
    }
}

/// Reads one binary's platform facts.
pub fn platform_of(path: &Path) -> Result<Platform, String> {
    let data = std::fs::read(path).map_err(|e| {
        format!(
            "cannot read `{}`: {}",
            path.display(),
            crate::error::io_text(&e)
        )
    })?;
    let object = Binary::parse(&data).map_err(|e| {
        format!(
            "`{}` is not a binary rustbackend can read: {e}",
            path.display()
        )
    })?;
    match object {
        Some(Binary::Elf(elf)) => {
            let arch = elf_arch(elf.header.e_machine, elf.is_64)
                .map_err(|e| format!("`{}`: {e}", path.display()))?;
            if elf
                .libraries
                .iter()
                .any(|l| l.starts_with("libc.musl") || l.starts_with("ld-musl"))
                || elf.interpreter.is_some_and(|i| i.contains("ld-musl"))
            {
                return Ok(Platform::Musl { arch });
            }
            let mut glibc_minor = manylinux_floor(&arch);
            let mut blocker = None;
            if let Some(verneed) = &elf.verneed {
                for need in verneed.iter() {
                    for aux in need.iter() {
                        let Some(version) = elf.dynstrtab.get_at(aux.vna_name) else {
                            continue;
                        };
                        if let Some(needed) = glibc_for_symbol_version(version) {
                            if needed == 99 && blocker.is_none() {
                                blocker = Some(format!("it needs the symbol version {version}, newer than any manylinux policy"));
                            }
                            glibc_minor = glibc_minor.max(needed.min(98));
                        }
                    }
                }
            }
            for library in &elf.libraries {
                if !MANYLINUX_LIBS.contains(library) && blocker.is_none() {
                    blocker = Some(format!("it links `{library}`, which manylinux wheels may not depend on (vendor it, or link it statically)"));
                }
            }
            Ok(Platform::Linux {
                arch,
                glibc_minor,
                blocker,
            })
        }
        Some(Binary::Pe(pe)) => {
            use goblin::pe::header::*;
            Ok(Platform::Windows(
                match pe.header.coff_header.machine {
                    COFF_MACHINE_X86_64 => "win_amd64",
                    COFF_MACHINE_X86 => "win32",
                    COFF_MACHINE_ARM64 => "win_arm64",
                    other => {
                        return Err(format!(
                            "`{}`: unsupported PE machine {other:#x}",
                            path.display()
                        ))
                    }
                }
                .to_string(),
            ))
        }
        Some(Binary::Mach(mach)) => {
            let mut archs = Vec::new();
            let mut min = (10, 9);
            let mut read = |macho: &goblin::mach::MachO| {
                use goblin::mach::constants::cputype::*;
                archs.push(match macho.header.cputype() {
                    CPU_TYPE_ARM64 => "arm64".to_string(),
                    CPU_TYPE_X86_64 => "x86_64".to_string(),
                    other => format!("cpu{other}"),
                });
                for command in &macho.load_commands {
                    use goblin::mach::load_command::CommandVariant;
                    let version = match &command.command {
                        CommandVariant::BuildVersion(v) => Some(v.minos),
                        CommandVariant::VersionMinMacosx(v) => Some(v.version),
                        _ => None,
                    };
                    if let Some(v) = version {
                        let found = (v >> 16, (v >> 8) & 0xff);
                        min = if found > min { found } else { min };
                    }
                }
            };
            match *mach {
                goblin::mach::Mach::Binary(macho) => read(&macho),
                goblin::mach::Mach::Fat(fat) => {
                    for arch in fat.into_iter().flatten() {
                        if let goblin::mach::SingleArch::MachO(macho) = arch {
                            read(&macho);
                        }
                    }
                }
            }
            Ok(Platform::Macos { archs, min })
        }
        _ => Err(format!(
            "`{}` is not an ELF, Mach-O or PE binary",
            path.display()
        )),
    }
}
