//! Wheel tags: parsing and expanding them, and inferring them from what a wheel contains —
//! the suffixes of extension modules for the python and ABI tags, and the binaries
//! themselves (ELF, Mach-O, PE, read with goblin) for the platform tag.

use std::path::Path;

/// A wheel tag triple; each part may be a `.`-joined set (`py2.py3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelTag {
    /// Python tag(s), such as `py3` or `cp311`.
    pub python: String,
    /// ABI tag(s), such as `none`, `abi3` or `cp311`.
    pub abi: String,
    /// Platform tag(s), such as `any` or `manylinux_2_17_x86_64`.
    pub platform: String,
}

impl WheelTag {
    /// The tag of a pure-Python wheel.
    pub fn pure() -> WheelTag {
        WheelTag {
            python: "py3".into(),
            abi: "none".into(),
            platform: "any".into(),
        }
    }

    /// Parses `python-abi-platform`, checking the tag grammar.
    pub fn parse(text: &str) -> Result<WheelTag, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let [python, abi, platform] = parts[..] else {
            return Err(format!(
                "`{text}` is not a wheel tag: it needs three parts, python-abi-platform (such as py3-none-any)"
            ));
        };
        for (what, part) in [("python", python), ("ABI", abi), ("platform", platform)] {
            check_part(what, part)?;
        }
        Ok(WheelTag {
            python: python.into(),
            abi: abi.into(),
            platform: platform.into(),
        })
    }

    /// The tag as it appears in the file name (compressed sets kept).
    pub fn file_part(&self) -> String {
        format!("{}-{}-{}", self.python, self.abi, self.platform)
    }

    /// Every expanded tag, for the `Tag:` lines of WHEEL.
    pub fn expand(&self) -> Vec<String> {
        let mut tags = Vec::new();
        for python in self.python.split('.') {
            for abi in self.abi.split('.') {
                for platform in self.platform.split('.') {
                    tags.push(format!("{python}-{abi}-{platform}"));
                }
            }
        }
        tags
    }

    /// Whether this is the pure-Python tag.
    pub fn is_pure(&self) -> bool {
        self.abi == "none" && self.platform == "any"
    }
}

/// Checks one part of a tag: `.`-joined, non-empty components of lowercase letters, digits
/// and `_`.
pub fn check_part(what: &str, part: &str) -> Result<(), String> {
    let valid = !part.is_empty()
        && part.split('.').all(|c| {
            !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{part}` is not a valid {what} tag (lowercase letters, digits and `_`, several joined with `.`)"
        ))
    }
}

/// What the binaries in a wheel say about its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inferred {
    /// The tag.
    pub tag: WheelTag,
    /// Whether the wheel is pure Python (Root-Is-Purelib).
    pub purelib: bool,
    /// Warnings (such as what keeps a Linux binary from a manylinux tag).
    pub warnings: Vec<String>,
}

/// Whether an archive path names a compiled binary (extension module or shared library).
pub fn is_binary(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".so")
        || name.ends_with(".pyd")
        || name.ends_with(".dylib")
        || name.ends_with(".dll")
        || name.contains(".so.")
}

/// The interpreter tag an extension module's file name asks for: `Some("abi3")`,
/// `Some("cp311")`, or `None` for a plain shared library or a bare `.so`/`.pyd`.
fn extension_abi(name: &str) -> Option<String> {
    let stem = name
        .strip_suffix(".so")
        .or_else(|| name.strip_suffix(".pyd"))?;
    let suffix = stem.rsplit_once('.').map(|(_, s)| s)?;
    if suffix == "abi3" {
        return Some("abi3".into());
    }
    // cpython-311-x86_64-linux-gnu, cpython-311d-darwin, cp311-win_amd64
    let version = suffix
        .strip_prefix("cpython-")
        .or_else(|| suffix.strip_prefix("cp"))?;
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    (digits.len() >= 2).then(|| format!("cp{digits}"))
}

/// The lowest `3.X` allowed by a requires-python specifier set such as `>=3.9,<4`.
pub fn minimum_python3_minor(requires_python: &str) -> Option<u32> {
    requires_python
        .split(',')
        .map(str::trim)
        .filter_map(|spec| {
            spec.strip_prefix(">=")
                .or_else(|| spec.strip_prefix("~="))
                .or_else(|| spec.strip_prefix("=="))
        })
        .filter_map(|version| {
            let mut parts = version.trim().split('.');
            (parts.next()? == "3").then(|| parts.next()?.trim_end_matches('*').parse().ok())?
        })
        .max()
}

/// Infers the tag from the wheel's binaries: `binaries` are (archive path, file on disk).
/// `limited_api` is the newest `py-limited-api` minor the modules were compiled for (the
/// oldest CPython 3 an abi3 wheel serves); without it, requires-python's lower bound or
/// `interpreter`, the (major, minor) of the Python running the build.
pub fn infer(
    binaries: &[(String, std::path::PathBuf)],
    requires_python: Option<&str>,
    limited_api: Option<u32>,
    interpreter: Option<(u32, u32)>,
) -> Result<Inferred, String> {
    if binaries.is_empty() {
        return Ok(Inferred {
            tag: WheelTag::pure(),
            purelib: true,
            warnings: Vec::new(),
        });
    }
    let running = interpreter.map(|(major, minor)| format!("cp{major}{minor}"));
    let mut full: Option<String> = None;
    let mut abi3 = false;
    let mut platforms = Vec::new();
    for (path, source) in binaries {
        let name = path.rsplit('/').next().unwrap_or(path);
        match extension_abi(name) {
            Some(abi) if abi == "abi3" => abi3 = true,
            Some(cp) => match &full {
                Some(other) if *other != cp => {
                    return Err(format!(
                        "the wheel holds extension modules for two interpreters, {other} and {cp} (`{path}`); build one wheel per interpreter"
                    ))
                }
                _ => full = Some(cp),
            },
            None if name.ends_with(".pyd") || name.ends_with(".so") && !name.contains(".so.") && is_extension_like(name) => {
                full = full.or_else(|| running.clone());
            }
            None => {}
        }
        platforms.push((path.clone(), platform_of(source)?));
    }
    let (python, abi) = match (full, abi3) {
        (Some(cp), _) => (cp.clone(), cp),
        (None, true) => {
            let minor = limited_api
                .or_else(|| requires_python.and_then(minimum_python3_minor))
                .or(interpreter.map(|(_, minor)| minor))
                .unwrap_or(8);
            (format!("cp3{minor}"), "abi3".to_string())
        }
        (None, false) => ("py3".to_string(), "none".to_string()),
    };
    let (platform, warnings) = combine_platforms(&platforms)?;
    Ok(Inferred {
        tag: WheelTag {
            python,
            abi,
            platform,
        },
        purelib: false,
        warnings,
    })
}

/// A bare `name.so` (no interpreter suffix) is taken as an extension module when its name is
/// an identifier, as Python would import it.
fn is_extension_like(name: &str) -> bool {
    name.strip_suffix(".so")
        .is_some_and(crate::plan::names::is_identifier)
}

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

/// The libraries a manylinux wheel may link against (the policy's allowed set).
const MANYLINUX_LIBS: &[&str] = &[
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libc.so.6",
    "libnsl.so.1",
    "libutil.so.1",
    "libpthread.so.0",
    "libresolv.so.2",
    "libX11.so.6",
    "libXext.so.6",
    "libXrender.so.1",
    "libICE.so.6",
    "libSM.so.6",
    "libGL.so.1",
    "libgobject-2.0.so.0",
    "libgthread-2.0.so.0",
    "libglib-2.0.so.0",
    "libcrypt.so.1",
    "libexpat.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "ld-linux.so.2",
];

/// The oldest manylinux policy for an architecture: glibc 2.5 (manylinux1) on x86_64 and
/// i686, glibc 2.17 (manylinux2014) elsewhere.
pub fn manylinux_floor(arch: &str) -> u32 {
    match arch {
        "x86_64" | "i686" => 5,
        _ => 17,
    }
}

/// The glibc minors of the manylinux policies (PEP 513, 571, 599, 600) that auditwheel knows:
/// a binary needing glibc 2.14 is tagged for the next policy, manylinux_2_17, as auditwheel
/// tags it, not with a minor no build image targets.
const POLICY_GLIBC_MINORS: &[u32] = &[5, 12, 17, 24, 27, 28, 31, 34, 35, 36, 37, 38, 39, 40, 41];

/// The policy glibc minor at or above `minor` (or `minor` itself past the newest policy).
fn policy_minor(minor: u32) -> u32 {
    POLICY_GLIBC_MINORS
        .iter()
        .copied()
        .find(|p| *p >= minor)
        .unwrap_or(minor)
}

/// The number after `prefix` in a symbol version (`GLIBCXX_3.4.` + `29` -> 29; `CXXABI_1.3`
/// alone -> 0).
fn version_number(version: &str, prefix: &str) -> Option<u32> {
    let rest = version.strip_prefix(prefix)?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if rest.is_empty() {
        return Some(0);
    }
    rest.split('.').next()?.parse().ok()
}

/// The glibc minor that a symbol version of glibc, libstdc++ or libgcc_s implies: the oldest
/// manylinux policy whose distribution ships it (auditwheel's policy table); 99 for a
/// version newer than any policy; `None` for a version of another library.
fn glibc_for_symbol_version(version: &str) -> Option<u32> {
    if let Some(minor) = version_number(version, "GLIBC_2") {
        return Some(minor);
    }
    if let Some(n) = version_number(version, "GLIBCXX_3.4") {
        return Some(match n {
            0..=8 => 5,
            9..=13 => 12,
            14..=19 => 17,
            20..=22 => 24,
            23..=24 => 27,
            25 => 28,
            26..=28 => 31,
            29 => 34,
            30 => 35,
            31..=33 => 39,
            _ => 99,
        });
    }
    match version {
        "CXXABI_TM_1" => return Some(17),
        "CXXABI_FLOAT128" => return Some(24),
        _ => {}
    }
    if let Some(n) = version_number(version, "CXXABI_1.3") {
        return Some(match n {
            0..=1 => 5,
            2..=3 => 12,
            4..=7 => 17,
            8..=10 => 24,
            11 => 27,
            12 => 31,
            13 => 34,
            14..=15 => 39,
            _ => 99,
        });
    }
    let gcc: Vec<u32> = version
        .strip_prefix("GCC_")?
        .split('.')
        .map(|part| part.parse().ok())
        .collect::<Option<_>>()?;
    Some(match gcc.as_slice() {
        [3, ..] | [4, 0..=2, ..] => 5,
        [4, 3, ..] => 12,
        [4, 4..=8, ..] => 17,
        [5..=7, ..] => 27,
        [8..=12, ..] => 35,
        [13..=14, ..] => 39,
        _ => 99,
    })
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

/// One platform tag for all binaries; disagreeing architectures or systems are errors.
fn combine_platforms(platforms: &[(String, Platform)]) -> Result<(String, Vec<String>), String> {
    let mut warnings = Vec::new();
    let (first_path, first) = &platforms[0];
    let disagree = |path: &str| {
        Err(format!(
            "`{first_path}` and `{path}` are built for different platforms or architectures; a wheel holds binaries for one"
        ))
    };
    match first {
        Platform::Linux { arch, .. } => {
            let mut glibc = manylinux_floor(arch);
            let mut blocked = None;
            for (path, platform) in platforms {
                match platform {
                    Platform::Linux {
                        arch: a,
                        glibc_minor,
                        blocker,
                    } if a == arch => {
                        glibc = glibc.max(*glibc_minor);
                        if let (None, Some(why)) = (&blocked, blocker) {
                            blocked =
                                Some(format!("`{path}` cannot be in a manylinux wheel: {why}"));
                        }
                    }
                    _ => return disagree(path),
                }
            }
            match blocked {
                Some(why) => {
                    warnings.push(format!(
                        "tagged linux_{arch}, which PyPI does not accept: {why}"
                    ));
                    Ok((format!("linux_{arch}"), warnings))
                }
                None => Ok((
                    format!("manylinux_2_{}_{arch}", policy_minor(glibc)),
                    warnings,
                )),
            }
        }
        Platform::Musl { arch } => {
            for (path, platform) in platforms {
                if !matches!(platform, Platform::Musl { arch: a } if a == arch) {
                    return disagree(path);
                }
            }
            Ok((format!("musllinux_1_2_{arch}"), warnings))
        }
        Platform::Windows(tag) => {
            for (path, platform) in platforms {
                if !matches!(platform, Platform::Windows(t) if t == tag) {
                    return disagree(path);
                }
            }
            Ok((tag.clone(), warnings))
        }
        Platform::Macos { archs, .. } => {
            let mut min = (10, 9);
            for (path, platform) in platforms {
                match platform {
                    Platform::Macos { archs: a, min: m } if a == archs => min = min.max(*m),
                    _ => return disagree(path),
                }
            }
            let arch = if archs.len() > 1 {
                "universal2".to_string()
            } else {
                archs[0].clone()
            };
            // From macOS 11 on, the minor version is 0 in tags.
            let (major, minor) = if min.0 >= 11 { (min.0, 0) } else { min };
            Ok((format!("macosx_{major}_{minor}_{arch}"), warnings))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cxx_runtime_symbol_versions_imply_a_policy() {
        let of = glibc_for_symbol_version;
        assert_eq!(of("GLIBC_2.14"), Some(14));
        assert_eq!(of("GLIBC_2.2.5"), Some(2));
        assert_eq!(of("GLIBC_PRIVATE"), None);
        assert_eq!(of("GLIBCXX_3.4"), Some(5));
        assert_eq!(of("GLIBCXX_3.4.19"), Some(17));
        assert_eq!(of("GLIBCXX_3.4.21"), Some(24));
        assert_eq!(of("GLIBCXX_3.4.40"), Some(99));
        assert_eq!(of("CXXABI_1.3"), Some(5));
        assert_eq!(of("CXXABI_1.3.7"), Some(17));
        assert_eq!(of("CXXABI_1.3.9"), Some(24)); // ujson 6.1.0, as auditwheel says
        assert_eq!(of("CXXABI_1.3.13"), Some(34));
        assert_eq!(of("CXXABI_TM_1"), Some(17));
        assert_eq!(of("GCC_3.0"), Some(5));
        assert_eq!(of("GCC_4.8.0"), Some(17));
        assert_eq!(of("GCC_7.0.0"), Some(27));
        assert_eq!(of("libfoo_1.0"), None);
    }

    #[test]
    fn glibc_minors_round_up_to_a_policy() {
        assert_eq!(policy_minor(5), 5);
        assert_eq!(policy_minor(14), 17);
        assert_eq!(policy_minor(17), 17);
        assert_eq!(policy_minor(29), 31);
        assert_eq!(policy_minor(35), 35);
        assert_eq!(policy_minor(50), 50);
    }

    #[test]
    fn parses_and_expands_tags() {
        let tag =
            WheelTag::parse("py2.py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64").unwrap();
        assert_eq!(tag.expand().len(), 4);
        assert!(WheelTag::parse("py3-none").is_err());
        assert!(WheelTag::parse("py3-None-any").is_err());
        assert!(WheelTag::parse("py3--any").is_err());
        assert!(WheelTag::parse("py3-none-any").unwrap().is_pure());
    }

    #[test]
    fn reads_extension_suffixes() {
        assert_eq!(
            extension_abi("_speedups.cpython-311-x86_64-linux-gnu.so").as_deref(),
            Some("cp311")
        );
        assert_eq!(extension_abi("_speedups.abi3.so").as_deref(), Some("abi3"));
        assert_eq!(
            extension_abi("_speedups.cp312-win_amd64.pyd").as_deref(),
            Some("cp312")
        );
        assert_eq!(extension_abi("_speedups.so"), None);
        assert_eq!(extension_abi("libfoo.so.1"), None);
    }

    #[test]
    fn minimum_python_from_requires_python() {
        assert_eq!(minimum_python3_minor(">=3.9"), Some(9));
        assert_eq!(minimum_python3_minor(">=3.8, <4"), Some(8));
        assert_eq!(minimum_python3_minor("<4"), None);
    }

    #[test]
    fn no_binaries_is_pure() {
        let inferred = infer(&[], None, None, Some((3, 11))).unwrap();
        assert_eq!(inferred.tag, WheelTag::pure());
        assert!(inferred.purelib);
    }
}
