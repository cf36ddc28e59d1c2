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
    /// iOS (PEP 730): the architecture, the minimum iOS version, and whether it is built for
    /// the simulator.
    Ios {
        /// Architecture (`arm64`, `x86_64`).
        arch: String,
        /// Minimum iOS (major, minor).
        min: (u32, u32),
        /// Built for the simulator (`iphonesimulator`) rather than devices (`iphoneos`).
        simulator: bool,
    },
    /// Android (PEP 738): the ABI as tags name it and the API level the binary was built
    /// for, when it says (NDK binaries carry it in an `.note.android.ident` note).
    Android {
        /// `arm64_v8a`, `armeabi_v7a`, `x86_64` or `x86`.
        abi: String,
        /// The minimum API level.
        api: Option<u32>,
    },
    /// A WebAssembly module (Emscripten, Pyodide), which names no platform version: the tag
    /// comes from the interpreter.
    Wasm,
}

/// The Android ABI name of an ELF architecture.
fn android_abi(arch: &str) -> &str {
    match arch {
        "aarch64" => "arm64_v8a",
        "armv7l" => "armeabi_v7a",
        "i686" => "x86",
        other => other,
    }
}

/// The API level in an ELF's `.note.android.ident` note (name `Android`, type 1, the level
/// as the first 32-bit word of its description), if it has one.
fn android_api_level(elf: &goblin::elf::Elf<'_>, data: &[u8]) -> Option<u32> {
    let notes = elf.iter_note_sections(data, Some(".note.android.ident"))?;
    for note in notes.flatten() {
        if note.name == "Android" && note.n_type == 1 && note.desc.len() >= 4 {
            let word = [note.desc[0], note.desc[1], note.desc[2], note.desc[3]];
            return Some(if elf.little_endian {
                u32::from_le_bytes(word)
            } else {
                u32::from_be_bytes(word)
            });
        }
    }
    None
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
    /// Only the headers: the machine is all a tag needs (the whole PE parser is left out of
    /// the backend's wheel).
    Pe(Box<goblin::pe::header::Header<'a>>),
    Mach(Box<goblin::mach::Mach<'a>>),
    Wasm,
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
            [b'M', b'Z', ..] => Some(Binary::Pe(Box::new(goblin::pe::header::Header::parse(
                data,
            )?))),
            [a, b, c, d, ..] if MACH_MAGICS.contains(&u32::from_be_bytes([*a, *b, *c, *d])) => {
                Some(Binary::Mach(Box::new(goblin::mach::Mach::parse(data)?)))
            }
            [0, b'a', b's', b'm', ..] => Some(Binary::Wasm),
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
            // Android's libc is a bare `libc.so`; glibc's is `libc.so.6`.
            let api = android_api_level(&elf, &data);
            if api.is_some()
                || elf.libraries.contains(&"libc.so")
                || elf.interpreter.is_some_and(|i| i.starts_with("/system/bin/linker"))
            {
                let abi = android_abi(&arch).to_string();
                return Ok(Platform::Android { abi, api });
            }
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
                match pe.coff_header.machine {
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
        Some(Binary::Mach(mach)) => apple_platform(&mach).map_err(|e| format!("`{}`: {e}", path.display())),
        Some(Binary::Wasm) => Ok(Platform::Wasm),
        None => Err(format!(
            "`{}` is not an ELF, Mach-O, PE or WebAssembly binary, so rustbackend cannot tell which platform it is for; pass the tag with -C wheel-tag=... or [tool.rustbackend] wheel-tag",
            path.display()
        )),
    }
}

/// One Mach-O slice: its architecture, the Apple platform it is built for (the
/// `LC_BUILD_VERSION` platform: 1 macOS, 2 iOS, 7 iOS simulator, ...), and the minimum OS.
fn mach_slice(macho: &goblin::mach::MachO<'_>) -> (String, u32, (u32, u32)) {
    use goblin::mach::constants::cputype::*;
    use goblin::mach::load_command::CommandVariant;
    let arch = match macho.header.cputype() {
        CPU_TYPE_ARM64 => "arm64".to_string(),
        CPU_TYPE_X86_64 => "x86_64".to_string(),
        other => format!("cpu{other}"),
    };
    let (mut platform, mut min) = (1, (0, 0));
    for command in &macho.load_commands {
        let (kind, version) = match &command.command {
            CommandVariant::BuildVersion(v) => (v.platform, v.minos),
            CommandVariant::VersionMinMacosx(v) => (1, v.version),
            CommandVariant::VersionMinIphoneos(v) => (2, v.version),
            _ => continue,
        };
        platform = kind;
        min = min.max((version >> 16, (version >> 8) & 0xff));
    }
    (arch, platform, min)
}

/// The platform of a thin or fat Mach-O binary: macOS (all its slices, with the highest
/// minimum OS), or iOS (device or simulator). tvOS, watchOS and Mac Catalyst have no wheel
/// tags.
fn apple_platform(mach: &goblin::mach::Mach<'_>) -> Result<Platform, String> {
    let mut slices = Vec::new();
    match mach {
        goblin::mach::Mach::Binary(macho) => slices.push(mach_slice(macho)),
        goblin::mach::Mach::Fat(fat) => {
            for arch in fat.into_iter().flatten() {
                if let goblin::mach::SingleArch::MachO(macho) = arch {
                    slices.push(mach_slice(&macho));
                }
            }
        }
    }
    let Some((arch, platform, _)) = slices.first().cloned() else {
        return Err("a fat Mach-O binary without Mach-O slices".into());
    };
    if slices.iter().any(|(_, p, _)| *p != platform) {
        return Err("its Mach-O slices are built for different Apple platforms".into());
    }
    let min = slices.iter().map(|(_, _, m)| *m).max().unwrap_or_default();
    match platform {
        1 => Ok(Platform::Macos {
            archs: slices.into_iter().map(|(a, _, _)| a).collect(),
            min: min.max((10, 9)),
        }),
        2 | 7 if slices.len() == 1 => Ok(Platform::Ios {
            arch,
            min,
            simulator: platform == 7,
        }),
        2 | 7 => Err("a fat iOS binary: iOS wheels hold one architecture each (PEP 730)".into()),
        other => Err(format!(
            "a Mach-O binary for Apple platform {other} (tvOS, watchOS or Mac Catalyst), which has no wheel tag"
        )),
    }
}
