//! The compiler and linker commands: sysconfig's CC, CXX, CFLAGS, CCSHARED, LDSHARED and
//! LDCXXSHARED as setuptools uses them, and running a step.

use std::process::Command;

use crate::error::{CompileError, Result};
use crate::plan::pyproject::settings::{ExtModule, Language};
use crate::request::Interpreter;

pub(super) fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// A command as one line: the key of its step, and what an error shows.
pub(super) fn command_line(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

pub(super) fn run(mut command: Command, what: &str) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            CompileError::NoCompiler {
                program: program.clone(),
                what: what.to_string(),
            }
        } else {
            CompileError::CannotRun {
                program: program.clone(),
                what: what.to_string(),
                source: e,
            }
        }
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(CompileError::Failed {
        what: what.to_string(),
        status: output.status,
        command: command_line(&command),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
    .into())
}

/// Which ABI a module is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abi {
    /// The interpreter's own (`cp311`, `cp313t`).
    VersionSpecific,
    /// The stable ABI from this CPython 3 minor on (`abi3`).
    Abi3(u32),
    /// Both stable ABIs at once, GIL-enabled and free-threaded (PEP 803's `abi3.abi3t`), from
    /// this minor (15 or later) on.
    Abi3AndAbi3t(u32),
}

/// The first CPython 3 minor with a stable ABI for free-threaded builds (PEP 803).
pub const FIRST_ABI3T_MINOR: u32 = 15;

impl Abi {
    /// The ABI `module` is built for on `interpreter`: its `py-limited-api`, except that a
    /// free-threaded build has no `abi3` before 3.15, so the module is built for the
    /// interpreter itself there (see [`super::abi_warnings`]).
    pub fn of(module: &ExtModule, interpreter: &Interpreter) -> Abi {
        match module.py_limited_api {
            None => Abi::VersionSpecific,
            Some((_, minor)) if minor >= FIRST_ABI3T_MINOR => Abi::Abi3AndAbi3t(minor),
            Some(_) if interpreter.free_threaded() => Abi::VersionSpecific,
            Some((_, minor)) => Abi::Abi3(minor),
        }
    }

    /// The file-name suffix: `.abi3.so` or `.abi3t.so` for the stable ABIs (`.pyd` on
    /// Windows), else the interpreter's EXT_SUFFIX.
    pub fn suffix(self, interpreter: &Interpreter) -> String {
        match self {
            Abi::VersionSpecific => interpreter.get("EXT_SUFFIX").to_string(),
            _ if cfg!(windows) => ".pyd".into(),
            Abi::Abi3(_) => ".abi3.so".into(),
            Abi::Abi3AndAbi3t(_) => ".abi3t.so".into(),
        }
    }

    /// The preprocessor definitions that select the ABI: `Py_LIMITED_API` (and
    /// `Py_TARGET_ABI3T`) for the stable ABIs; `Py_GIL_DISABLED` for a free-threaded build
    /// on Windows, whose headers leave it to the compiler (a module built without it
    /// crashes).
    pub fn defines(self, interpreter: &Interpreter) -> Vec<String> {
        let version = |minor: u32| format!("0x03{minor:02X}0000");
        let mut defines = match self {
            Abi::VersionSpecific => Vec::new(),
            Abi::Abi3(minor) => vec![format!("-DPy_LIMITED_API={}", version(minor))],
            Abi::Abi3AndAbi3t(minor) => vec![
                format!("-DPy_LIMITED_API={}", version(minor)),
                format!("-DPy_TARGET_ABI3T={}", version(minor)),
            ],
        };
        let threaded = interpreter.free_threaded() || matches!(self, Abi::Abi3AndAbi3t(_));
        if cfg!(windows) && threaded {
            defines.push("-DPy_GIL_DISABLED=1".into());
        }
        defines
    }
}

/// The command (program and leading arguments) sysconfig gives under `key`, or `fallback`.
pub(super) fn command_words(
    config: &Interpreter,
    key: &str,
    fallback: &[&str],
) -> (String, Vec<String>) {
    let words = words(config.get(key));
    match words.split_first() {
        Some((first, rest)) => (first.clone(), rest.to_vec()),
        None => (
            fallback[0].to_string(),
            fallback[1..].iter().map(|w| w.to_string()).collect(),
        ),
    }
}

/// The C++ compiler that goes with the C compiler `cc` when sysconfig names none, as
/// setuptools guesses it: `gcc` -> `g++`, `clang` -> `clang++`, `cc` -> `c++`.
pub(super) fn cxx_for(cc: &str) -> String {
    let (dir, name) = cc.rsplit_once('/').map_or(("", cc), |(d, n)| (d, n));
    let cxx = if let Some(at) = name.rfind("gcc") {
        format!("{}g++{}", &name[..at], &name[at + 3..])
    } else if let Some(at) = name.rfind("clang") {
        format!("{}clang++{}", &name[..at], &name[at + 5..])
    } else if let Some(stem) = name.strip_suffix("cc") {
        format!("{stem}c++")
    } else {
        format!("{name}++")
    };
    if dir.is_empty() {
        cxx
    } else {
        format!("{dir}/{cxx}")
    }
}

/// The compiler for `language`: sysconfig's CC or CXX (CXX derived from CC when missing).
pub(super) fn compiler(config: &Interpreter, language: Language) -> (String, Vec<String>) {
    let (cc, cc_args) = command_words(config, "CC", &["cc"]);
    match language {
        Language::C | Language::Cython => (cc, cc_args),
        Language::Cxx if !config.get("CXX").trim().is_empty() => {
            command_words(config, "CXX", &["c++"])
        }
        Language::Cxx => (cxx_for(&cc), cc_args),
    }
}

/// Whether a CFLAGS word applies to C only (a C++ compiler warns about it or refuses it).
pub(super) fn is_c_only_flag(flag: &str) -> bool {
    matches!(
        flag,
        "-Wstrict-prototypes"
            | "-Wmissing-prototypes"
            | "-Wimplicit-function-declaration"
            | "-Werror=implicit-function-declaration"
            | "-Wdeclaration-after-statement"
            | "-Werror=declaration-after-statement"
    ) || (flag.starts_with("-std=") && !flag.contains("++"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cxx_compiler_follows_the_c_compiler() {
        assert_eq!(cxx_for("gcc"), "g++");
        assert_eq!(cxx_for("gcc-12"), "g++-12");
        assert_eq!(cxx_for("/usr/bin/clang"), "/usr/bin/clang++");
        assert_eq!(cxx_for("cc"), "c++");
        assert_eq!(cxx_for("x86_64-linux-gnu-gcc"), "x86_64-linux-gnu-g++");
        assert_eq!(cxx_for("clang-17"), "clang++-17");
        let config = Interpreter {
            vars: [("CC".to_string(), "gcc -pthread".to_string())].into(),
            ..Interpreter::default()
        };
        assert_eq!(
            compiler(&config, Language::Cxx),
            ("g++".to_string(), vec!["-pthread".to_string()])
        );
    }

    #[test]
    fn the_abi_follows_the_module_and_the_interpreter() {
        let module = |limited: Option<u32>| ExtModule {
            name: "m".into(),
            sources: vec!["m.c".into()],
            include_dirs: Vec::new(),
            define_macros: Vec::new(),
            libraries: Vec::new(),
            py_limited_api: limited.map(|minor| (3, minor)),
            cython_cxx: false,
            extra_compile_args: Vec::new(),
            extra_link_args: Vec::new(),
            cython_directives: Vec::new(),
        };
        let interpreter = |threaded: bool, suffix: &str| Interpreter {
            version: Some((3, 13)),
            vars: [
                ("EXT_SUFFIX".to_string(), suffix.to_string()),
                ("Py_GIL_DISABLED".to_string(), (threaded as u8).to_string()),
            ]
            .into(),
        };
        let gil = interpreter(false, ".cpython-313-x86_64-linux-gnu.so");
        let ft = interpreter(true, ".cpython-313t-x86_64-linux-gnu.so");
        assert_eq!(Abi::of(&module(None), &ft), Abi::VersionSpecific);
        assert_eq!(Abi::of(&module(Some(9)), &gil), Abi::Abi3(9));
        // No abi3 on a free-threaded build before 3.15: built for the interpreter.
        assert_eq!(Abi::of(&module(Some(9)), &ft), Abi::VersionSpecific);
        assert_eq!(
            Abi::VersionSpecific.suffix(&ft),
            ".cpython-313t-x86_64-linux-gnu.so"
        );
        assert!(Abi::VersionSpecific.defines(&gil).is_empty());
        assert_eq!(Abi::Abi3(9).defines(&gil), ["-DPy_LIMITED_API=0x03090000"]);
        // PEP 803: both stable ABIs from 3.15 on, on either build.
        assert_eq!(Abi::of(&module(Some(15)), &ft), Abi::Abi3AndAbi3t(15));
        assert_eq!(Abi::of(&module(Some(16)), &gil), Abi::Abi3AndAbi3t(16));
        #[cfg(not(windows))]
        {
            assert_eq!(Abi::Abi3(9).suffix(&gil), ".abi3.so");
            assert_eq!(Abi::Abi3AndAbi3t(15).suffix(&gil), ".abi3t.so");
            assert_eq!(
                Abi::Abi3AndAbi3t(15).defines(&ft),
                [
                    "-DPy_LIMITED_API=0x030F0000",
                    "-DPy_TARGET_ABI3T=0x030F0000"
                ]
            );
            assert!(Abi::VersionSpecific.defines(&ft).is_empty());
        }
        #[cfg(windows)]
        {
            assert_eq!(Abi::Abi3AndAbi3t(15).suffix(&gil), ".pyd");
            assert_eq!(Abi::VersionSpecific.defines(&ft), ["-DPy_GIL_DISABLED=1"]);
        }
    }

    #[test]
    fn c_only_flags_stay_away_from_cxx() {
        assert!(is_c_only_flag("-Wstrict-prototypes"));
        assert!(is_c_only_flag("-std=c11"));
        assert!(!is_c_only_flag("-std=c++17"));
        assert!(!is_c_only_flag("-O3"));
    }
}
