//! Windows: compiling with MSVC's `cl` (or `CC=clang-cl`) and linking `.pyd` files with
//! `link` against the interpreter's `libs/pythonXY.lib` (`python3.lib` for abi3), exporting
//! only the module's `PyInit_` function. The compiler is found as setuptools and cc-rs find
//! it: a Developer Command Prompt's environment first, then the installed Visual Studio
//! (with the `INCLUDE`, `LIB` and `PATH` it needs).

use std::path::Path;

use super::abi::Abi;
use super::toolchain::{words, Style, Toolchain};
use crate::error::{CompileError, Result};
use crate::plan::pyproject::settings::{ExtModule, Language};
use crate::request::Interpreter;

/// What every compile runs with: no banner, optimised, warnings on, the DLL C runtime that
/// CPython itself uses (`/MD`).
const COMPILE_FLAGS: &[&str] = &["/nologo", "/O2", "/W3", "/MD", "/DNDEBUG"];

/// What every link runs with: a DLL, its manifest embedded, no incremental state.
const LINK_FLAGS: &[&str] = &[
    "/nologo",
    "/INCREMENTAL:NO",
    "/DLL",
    "/MANIFEST:EMBED,ID=2",
    "/MANIFESTUAC:NO",
];

/// Visual Studio's name for the target's architecture (`win-amd64` → `x64`).
fn vs_arch(platform: &str) -> &'static str {
    match platform {
        "win32" => "x86",
        "win-arm64" => "arm64",
        _ => "x64",
    }
}

/// The MSVC toolchain for a Windows interpreter: `CC` (such as `clang-cl`) and `LDSHARED`
/// when set, else the found `cl.exe` and `link.exe`; `CFLAGS`, `CPPFLAGS`, `CXXFLAGS` and
/// `LDFLAGS` are added to MSVC's own flags.
pub(super) fn toolchain(interpreter: &Interpreter, what: &str) -> Result<Toolchain> {
    let env = |key: &str| interpreter.env(key).map(words);
    let extra = |key: &str| env(key).unwrap_or_default();
    let arch = vs_arch(interpreter.get("platform"));
    let mut run_env = Vec::new();
    let mut found = |tool: &str| {
        let (path, tool_env) = find(arch, tool)?;
        run_env = tool_env;
        Some(vec![path])
    };
    let cc = match env("CC") {
        Some(cc) => cc,
        None => found("cl.exe").ok_or_else(|| CompileError::NoMsvc {
            what: what.to_string(),
        })?,
    };
    let clang_cl = cc
        .iter()
        .any(|w| w.to_ascii_lowercase().contains("clang-cl"));
    let linker = match env("LDSHARED") {
        Some(linker) => linker,
        None => found("link.exe")
            .unwrap_or_else(|| vec![if clang_cl { "lld-link" } else { "link.exe" }.to_string()]),
    };
    let libs = Path::new(interpreter.get("installed_base")).join("libs");
    let mut ldshared: Vec<String> = LINK_FLAGS.iter().map(|f| f.to_string()).collect();
    ldshared.push(format!("/LIBPATH:{}", libs.display()));
    let ldshared = [linker, ldshared, extra("LDFLAGS")].concat();
    let base: Vec<String> = COMPILE_FLAGS.iter().map(|f| f.to_string()).collect();
    let cppflags = extra("CPPFLAGS");
    Ok(Toolchain {
        os: interpreter.os(),
        style: Style::Msvc,
        cxx: env("CXX").unwrap_or_else(|| cc.clone()),
        cflags: [base.clone(), extra("CFLAGS"), cppflags.clone()].concat(),
        cxxflags: [base, vec!["/EHsc".into()], extra("CXXFLAGS"), cppflags].concat(),
        cc,
        ccshared: Vec::new(),
        ldcxxshared: ldshared.clone(),
        ldshared,
        run_env,
    })
}

/// Finds an MSVC tool for `arch` and the environment it runs with.
#[cfg(windows)]
fn find(arch: &str, tool: &str) -> Option<(String, Vec<(String, String)>)> {
    let found = find_msvc_tools::find_tool(arch, tool)?;
    let env = found
        .env()
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    Some((found.path().display().to_string(), env))
}

/// Off Windows there is no Visual Studio to find (a cross build names its tools in `CC`
/// and `LDSHARED`).
#[cfg(not(windows))]
fn find(_arch: &str, _tool: &str) -> Option<(String, Vec<(String, String)>)> {
    None
}

/// The arguments that compile `source` (as `language`) to `object`, after the flags,
/// include directories and definitions; `/showIncludes` lists the headers it read (see
/// [`included_files`]).
pub(super) fn compile_args(language: Language, source: &Path, object: &Path) -> Vec<String> {
    let kind = if language == Language::Cxx {
        "/Tp"
    } else {
        "/Tc"
    };
    vec![
        "/c".into(),
        format!("{kind}{}", source.display()),
        format!("/Fo{}", object.display()),
    ]
}

/// The arguments that link `objects` into `output`: the module's only export is its
/// `PyInit_` function; the import library goes beside the objects; the interpreter's
/// library (`python313.lib`, `python313t.lib`, `python3.lib` for abi3) and the module's
/// `libraries` are named.
pub(super) fn link_args(
    module: &ExtModule,
    objects: &[std::path::PathBuf],
    output: &Path,
    interpreter: &Interpreter,
) -> Vec<String> {
    let short = module.name.rsplit('.').next().unwrap_or(&module.name);
    let threaded = if interpreter.free_threaded() { "t" } else { "" };
    let python = match (Abi::of(module, interpreter), interpreter.version) {
        (Abi::VersionSpecific, Some((major, minor))) => {
            Some(format!("python{major}{minor}{threaded}.lib"))
        }
        (Abi::VersionSpecific, None) => None,
        (Abi::Abi3(_), _) => Some("python3.lib".into()),
        (Abi::Abi3AndAbi3t(_), _) => Some(format!("python3{threaded}.lib")),
    };
    let import_lib = objects
        .first()
        .and_then(|o| o.parent())
        .unwrap_or(Path::new("."))
        .join(format!("{short}.lib"));
    let mut args = vec![format!("/EXPORT:PyInit_{short}")];
    args.extend(objects.iter().map(|o| o.display().to_string()));
    args.push(format!("/OUT:{}", output.display()));
    args.push(format!("/IMPLIB:{}", import_lib.display()));
    args.extend(python);
    args.extend(module.libraries.iter().map(|l| format!("{l}.lib")));
    args
}

/// The headers a compile read, from its `/showIncludes` output: each such line ends in an
/// absolute path after a (possibly translated) `Note: including file:` prefix. Only files in
/// the project (`root`) are kept, relative to it, as `-MMD` keeps only non-system headers.
pub(super) fn included_files(stdout: &str, root: &Path) -> Vec<String> {
    // A canonical Windows path may be verbatim (`\\?\C:\p`); the compiler prints `C:\p`.
    let root = root.display().to_string();
    let root = root
        .strip_prefix(r"\\?\")
        .unwrap_or(&root)
        .replace('\\', "/");
    let root = root.trim_end_matches('/').to_ascii_lowercase();
    let mut files: Vec<String> = Vec::new();
    for line in stdout.lines() {
        // `Note: including file:   C:\p\x.h`: the path follows a `: `.
        let Some(path) = line
            .match_indices(": ")
            .map(|(at, _)| line[at + 2..].trim())
            .find(|rest| is_absolute(rest))
        else {
            continue;
        };
        let path = path.replace('\\', "/");
        let lower = path.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix(&root).filter(|r| r.starts_with('/')) {
            let relative = path[path.len() - rest.len() + 1..].to_string();
            if !files.contains(&relative) {
                files.push(relative);
            }
        }
    }
    files
}

/// A Windows absolute path: `C:\...`, `C:/...` or `\\server\...`.
fn is_absolute(text: &str) -> bool {
    let bytes = text.as_bytes();
    (bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/'))
        || text.starts_with("\\\\")
}

#[cfg(test)]
mod tests;
