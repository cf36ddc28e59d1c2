//! Inferring a wheel's tag from what it holds: the suffixes of extension modules for the
//! python and ABI tags, and the binaries' platforms combined into one platform tag.

use super::binary::{platform_of, Platform};
use super::manylinux::{manylinux_floor, policy_minor};
use super::target::{android_platform, wasm_platform_tag};
use super::WheelTag;
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

/// The ABI an extension module's file name asks for: `Some("abi3")`, `Some("abi3t")` (the
/// stable ABI of free-threaded builds, PEP 803), `Some("cp311")`, `Some("cp313t")` (a
/// free-threaded interpreter), or `None` for a plain shared library or a bare `.so`/`.pyd`.
fn extension_abi(name: &str) -> Option<String> {
    let stem = name
        .strip_suffix(".so")
        .or_else(|| name.strip_suffix(".pyd"))?;
    let suffix = stem.rsplit_once('.').map(|(_, s)| s)?;
    if suffix == "abi3" || suffix == "abi3t" {
        return Some(suffix.into());
    }
    // cpython-311-x86_64-linux-gnu, cpython-311d-darwin, cpython-313t-..., cp311-win_amd64,
    // cp313t-win_amd64
    let version = suffix
        .strip_prefix("cpython-")
        .or_else(|| suffix.strip_prefix("cp"))?;
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    let threaded = if version[digits.len()..].starts_with('t') {
        "t"
    } else {
        ""
    };
    (digits.len() >= 2).then(|| format!("cp{digits}{threaded}"))
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
/// `interpreter`, the (major, minor) of the Python running the build, and whether it is a
/// free-threaded build (for a bare `.so`/`.pyd`, which names no interpreter). `platform` is
/// the interpreter's platform string, which places what a binary does not say itself (a
/// WebAssembly module's platform, an Android binary's API level).
pub fn infer(
    binaries: &[(String, std::path::PathBuf)],
    requires_python: Option<&str>,
    limited_api: Option<u32>,
    interpreter: Option<(u32, u32, bool)>,
    platform: &str,
) -> Result<Inferred, String> {
    if binaries.is_empty() {
        return Ok(Inferred {
            tag: WheelTag::pure(),
            purelib: true,
            warnings: Vec::new(),
        });
    }
    let running = interpreter.map(|(major, minor, threaded)| {
        format!("cp{major}{minor}{}", if threaded { "t" } else { "" })
    });
    let mut full: Option<String> = None;
    let (mut abi3, mut abi3t) = (false, false);
    let mut platforms = Vec::new();
    for (path, source) in binaries {
        let name = path.rsplit('/').next().unwrap_or(path);
        match extension_abi(name) {
            Some(abi) if abi == "abi3" => abi3 = true,
            Some(abi) if abi == "abi3t" => abi3t = true,
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
    let stable_minor = limited_api
        .or_else(|| requires_python.and_then(minimum_python3_minor))
        .or(interpreter.map(|(_, minor, _)| minor));
    let (python, abi) = python_and_abi(full, abi3, abi3t, stable_minor);
    let (platform, warnings) = combine_platforms(&platforms, platform)?;
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

/// The python and ABI tags: a version-specific module's interpreter (`cp313t` is `cp313` with
/// the ABI flag `t`) wins; else the stable ABIs from `stable_minor` on (PEP 803's
/// `abi3.abi3t` from 3.15); else pure.
fn python_and_abi(
    full: Option<String>,
    abi3: bool,
    abi3t: bool,
    stable_minor: Option<u32>,
) -> (String, String) {
    match (full, abi3, abi3t) {
        (Some(cp), _, _) => (cp.trim_end_matches('t').to_string(), cp),
        (None, _, true) => {
            let minor = stable_minor.unwrap_or(15).max(15);
            (format!("cp3{minor}"), "abi3.abi3t".to_string())
        }
        (None, true, false) => (format!("cp3{}", stable_minor.unwrap_or(8)), "abi3".into()),
        (None, false, false) => ("py3".to_string(), "none".to_string()),
    }
}

/// A bare `name.so` (no interpreter suffix) is taken as an extension module when its name is
/// an identifier, as Python would import it.
fn is_extension_like(name: &str) -> bool {
    name.strip_suffix(".so")
        .is_some_and(crate::names::is_identifier)
}

/// One platform tag for all binaries; disagreeing architectures or systems are errors.
/// `target` is the interpreter's platform string (for WebAssembly and Android, see [`infer`]).
fn combine_platforms(
    platforms: &[(String, Platform)],
    target: &str,
) -> Result<(String, Vec<String>), String> {
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
        Platform::Ios {
            arch, simulator, ..
        } => {
            let mut min = (0, 0);
            for (path, platform) in platforms {
                match platform {
                    Platform::Ios {
                        arch: a,
                        min: m,
                        simulator: s,
                    } if a == arch && s == simulator => min = min.max(*m),
                    _ => return disagree(path),
                }
            }
            let sdk = if *simulator {
                "iphonesimulator"
            } else {
                "iphoneos"
            };
            Ok((format!("ios_{}_{}_{arch}_{sdk}", min.0, min.1), warnings))
        }
        Platform::Android { abi, .. } => {
            let mut api = None;
            for (path, platform) in platforms {
                match platform {
                    Platform::Android { abi: a, api: level } if a == abi => {
                        api = api.max(*level);
                    }
                    _ => return disagree(path),
                }
            }
            let api = match (api, android_platform(target)) {
                (Some(api), _) => api,
                (None, Some((api, target_abi))) if target_abi == *abi => api,
                _ => return Err(format!(
                    "`{first_path}` is an Android binary without an API level note, and the interpreter's platform (`{target}`) names none for {abi}; build it with the NDK's compiler for the target Python, or pass -C wheel-tag=..."
                )),
            };
            Ok((format!("android_{api}_{abi}"), warnings))
        }
        Platform::Wasm => {
            for (path, platform) in platforms {
                if *platform != Platform::Wasm {
                    return disagree(path);
                }
            }
            match wasm_platform_tag(target) {
                Some(tag) => Ok((tag, warnings)),
                None => Err(format!(
                    "`{first_path}` is a WebAssembly module, which does not say which Emscripten or Pyodide it is for, and the interpreter's platform (`{target}`) is not a WebAssembly one; build it with the target's Python (pyodide build, cibuildwheel), or pass -C wheel-tag=..."
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(
            extension_abi("_speedups.cpython-313t-x86_64-linux-gnu.so").as_deref(),
            Some("cp313t")
        );
        assert_eq!(
            extension_abi("_speedups.cp314t-win_amd64.pyd").as_deref(),
            Some("cp314t")
        );
        assert_eq!(
            extension_abi("_speedups.abi3t.so").as_deref(),
            Some("abi3t")
        );
        assert_eq!(
            extension_abi("_speedups.cpython-311d-darwin.so").as_deref(),
            Some("cp311")
        );
        assert_eq!(extension_abi("libfoo.so.1"), None);
    }

    #[test]
    fn minimum_python_from_requires_python() {
        assert_eq!(minimum_python3_minor(">=3.9"), Some(9));
        assert_eq!(minimum_python3_minor(">=3.8, <4"), Some(8));
        assert_eq!(minimum_python3_minor("<4"), None);
    }

    #[test]
    fn free_threaded_and_stable_abi_tags() {
        let tags = |full: Option<&str>, abi3, abi3t, minor| {
            let (python, abi) = python_and_abi(full.map(str::to_string), abi3, abi3t, minor);
            format!("{python}-{abi}")
        };
        assert_eq!(tags(Some("cp313t"), false, false, None), "cp313-cp313t");
        assert_eq!(tags(Some("cp311"), true, false, Some(9)), "cp311-cp311");
        assert_eq!(tags(None, true, false, Some(9)), "cp39-abi3");
        assert_eq!(tags(None, false, true, Some(15)), "cp315-abi3.abi3t");
        assert_eq!(tags(None, true, true, Some(16)), "cp316-abi3.abi3t");
        assert_eq!(tags(None, false, true, Some(9)), "cp315-abi3.abi3t");
        assert_eq!(tags(None, false, false, None), "py3-none");
        let tag = WheelTag::parse("cp315-abi3.abi3t-manylinux_2_17_x86_64").unwrap();
        assert_eq!(
            tag.expand(),
            [
                "cp315-abi3-manylinux_2_17_x86_64",
                "cp315-abi3t-manylinux_2_17_x86_64"
            ]
        );
    }

    #[test]
    fn no_binaries_is_pure() {
        let inferred = infer(&[], None, None, Some((3, 11, false)), "").unwrap();
        assert_eq!(inferred.tag, WheelTag::pure());
        assert!(inferred.purelib);
    }
}
