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

/// The file-name suffix of a module: `.abi3.so` for the stable ABI, else EXT_SUFFIX.
pub(super) fn suffix(module: &ExtModule, config: &Interpreter) -> String {
    match module.py_limited_api {
        Some(_) if cfg!(windows) => ".pyd".into(),
        Some(_) => ".abi3.so".into(),
        None => config.get("EXT_SUFFIX").to_string(),
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
    fn c_only_flags_stay_away_from_cxx() {
        assert!(is_c_only_flag("-Wstrict-prototypes"));
        assert!(is_c_only_flag("-std=c11"));
        assert!(!is_c_only_flag("-std=c++17"));
        assert!(!is_c_only_flag("-O3"));
    }
}
