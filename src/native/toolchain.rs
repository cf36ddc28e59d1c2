//! The compilers, linkers and flags of a build, and running a step. Unix-style toolchains
//! start from sysconfig's CC, CXX, CFLAGS, CCSHARED, LDSHARED and LDCXXSHARED (or the target
//! system's defaults when a build-details.json gives none), then apply the environment's CC,
//! CXX, CFLAGS, CPPFLAGS, CXXFLAGS, LDSHARED, LDCXXSHARED, LDFLAGS and, on macOS, ARCHFLAGS
//! with setuptools' precedence and meaning. Windows uses MSVC ([`super::msvc`]).

use std::process::Command;

use super::msvc;
use crate::error::{CompileError, Result};
use crate::plan::pyproject::settings::Language;
use crate::request::Interpreter;
use crate::tags::TargetOs;

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

/// Runs a step; returns what it printed on standard output (MSVC's `/showIncludes`).
pub(super) fn run(mut command: Command, what: &str) -> Result<String> {
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
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        return Ok(stdout);
    }
    Err(CompileError::Failed {
        what: what.to_string(),
        status: output.status,
        command: command_line(&command),
        output: format!("{stdout}{}", String::from_utf8_lossy(&output.stderr)),
    }
    .into())
}

/// How compile and link commands are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// gcc, clang, zig cc and their kin: `-c`, `-o`, `-MMD`, `LDSHARED`.
    Unix,
    /// MSVC's `cl` and `link` (and `clang-cl`): `/c`, `/Fo`, `/showIncludes`, `/DLL`.
    Msvc,
}

/// Everything that decides the compile and link commands of one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    /// The system the modules are for.
    pub os: TargetOs,
    /// How commands are spelled.
    pub style: Style,
    /// The C compiler: program and leading arguments (a launcher such as `ccache gcc` too).
    pub cc: Vec<String>,
    /// The C++ compiler.
    pub cxx: Vec<String>,
    /// Flags for compiling C.
    pub cflags: Vec<String>,
    /// Flags for compiling C++.
    pub cxxflags: Vec<String>,
    /// Flags for code that goes into a shared object (`-fPIC`).
    pub ccshared: Vec<String>,
    /// The command that links a module of C objects.
    pub ldshared: Vec<String>,
    /// The command that links a module with C++ objects.
    pub ldcxxshared: Vec<String>,
    /// Environment variables the compiler and linker run with (MSVC's `INCLUDE`, `LIB`,
    /// `PATH`; `MACOSX_DEPLOYMENT_TARGET`).
    pub run_env: Vec<(String, String)>,
}

impl Toolchain {
    /// The toolchain for `interpreter`'s target, with its environment's settings applied.
    /// `what` names the module an error is about.
    pub fn for_target(interpreter: &Interpreter, what: &str) -> Result<Toolchain> {
        match interpreter.os() {
            TargetOs::Windows => msvc::toolchain(interpreter, what),
            _ => Ok(Toolchain::unix(interpreter)),
        }
    }

    /// A Unix-style toolchain: sysconfig's commands (or the target's defaults), then the
    /// environment's, as setuptools' `customize_compiler` combines them.
    pub fn unix(interpreter: &Interpreter) -> Toolchain {
        let os = interpreter.os();
        let sysconfig = |key: &str| words(interpreter.get(key));
        let env = |key: &str| interpreter.env(key).map(words);
        let or_default = |given: Vec<String>, default: &[&str]| {
            if given.is_empty() {
                default.iter().map(|w| w.to_string()).collect()
            } else {
                given
            }
        };
        let mut cc = or_default(sysconfig("CC"), &["cc"]);
        let mut cxx = sysconfig("CXX");
        let cflags = sysconfig("CFLAGS");
        let ccshared = match sysconfig("CCSHARED") {
            flags if !flags.is_empty() || interpreter.vars.contains_key("CCSHARED") => flags,
            _ if os.is_apple() || os.is_windows() => Vec::new(),
            _ => vec!["-fPIC".into()],
        };
        let link_flags: &[&str] = if os.is_apple() {
            &["-bundle", "-undefined", "dynamic_lookup"]
        } else {
            &["-shared"]
        };
        let with = |program: &[String], flags: &[&str]| -> Vec<String> {
            program
                .iter()
                .cloned()
                .chain(flags.iter().map(|f| f.to_string()))
                .collect()
        };
        let mut ldshared = or_default(sysconfig("LDSHARED"), &[]);
        if ldshared.is_empty() {
            ldshared = with(&cc, link_flags);
        }
        let mut ldcxxshared = sysconfig("LDCXXSHARED");
        // The environment: a new CC links too unless LDSHARED is given (and a new CXX links
        // C++ unless LDCXXSHARED is given).
        if let Some(new_cc) = env("CC") {
            if env("LDSHARED").is_none() {
                ldshared = replace_prefix(&ldshared, &cc, &new_cc).unwrap_or(ldshared);
            }
            cc = new_cc;
        }
        ldshared = env("LDSHARED").unwrap_or(ldshared);
        if let Some(new_cxx) = env("CXX") {
            if env("LDCXXSHARED").is_none() {
                ldcxxshared = replace_prefix(&ldcxxshared, &cxx, &new_cxx).unwrap_or(ldcxxshared);
            }
            cxx = new_cxx;
        }
        // Without a C++ compiler or linker from sysconfig or the environment, they follow
        // the C ones.
        if cxx.is_empty() {
            cxx = cxx_for(&cc);
        }
        if let Some(given) = env("LDCXXSHARED") {
            ldcxxshared = given;
        } else if ldcxxshared.is_empty() {
            ldcxxshared = replace_prefix(&ldshared, &cc, &cxx).unwrap_or(with(&cxx, link_flags));
        }
        let extra = |key: &str| env(key).unwrap_or_default();
        let mut toolchain = Toolchain {
            os,
            style: Style::Unix,
            cxxflags: env("CXXFLAGS").unwrap_or_else(|| {
                cflags
                    .iter()
                    .filter(|f| !is_c_only_flag(f))
                    .cloned()
                    .collect()
            }),
            cflags: [cflags, extra("CFLAGS")].concat(),
            ldshared: [ldshared, extra("LDFLAGS"), extra("CFLAGS")].concat(),
            ldcxxshared: [ldcxxshared, extra("LDFLAGS"), extra("CXXFLAGS")].concat(),
            cc,
            cxx,
            ccshared,
            run_env: Vec::new(),
        };
        let cppflags = extra("CPPFLAGS");
        for flags in [
            &mut toolchain.cflags,
            &mut toolchain.cxxflags,
            &mut toolchain.ldshared,
            &mut toolchain.ldcxxshared,
        ] {
            flags.extend(cppflags.iter().cloned());
        }
        if os == TargetOs::Macos {
            toolchain.apply_macos(interpreter);
        }
        toolchain
    }

    /// macOS: `ARCHFLAGS` (`-arch arm64 -arch x86_64`) replaces every `-arch` the commands
    /// carry, and `MACOSX_DEPLOYMENT_TARGET` (the environment's, else the interpreter's) is
    /// in the environment the compiler and linker run with.
    fn apply_macos(&mut self, interpreter: &Interpreter) {
        if let Some(arch_flags) = interpreter.env("ARCHFLAGS").map(words) {
            for command in [
                &mut self.cc,
                &mut self.cxx,
                &mut self.cflags,
                &mut self.cxxflags,
                &mut self.ldshared,
                &mut self.ldcxxshared,
            ] {
                *command = without_arch_flags(command);
            }
            for flags in [
                &mut self.cflags,
                &mut self.cxxflags,
                &mut self.ldshared,
                &mut self.ldcxxshared,
            ] {
                flags.extend(arch_flags.iter().cloned());
            }
        }
        let target = interpreter
            .env("MACOSX_DEPLOYMENT_TARGET")
            .unwrap_or(interpreter.get("MACOSX_DEPLOYMENT_TARGET"))
            .trim();
        if !target.is_empty() {
            self.run_env
                .push(("MACOSX_DEPLOYMENT_TARGET".into(), target.to_string()));
        }
    }

    /// The compiler (program, leading arguments) and flags for `language`.
    pub fn compiler(&self, language: Language) -> (&[String], &[String]) {
        match language {
            Language::C | Language::Cython => (&self.cc, &self.cflags),
            Language::Cxx => (&self.cxx, &self.cxxflags),
        }
    }

    /// A step's key: its command line, and the environment it runs with that changes what
    /// it makes (`MACOSX_DEPLOYMENT_TARGET`; not MSVC's `PATH`, which differs between
    /// isolated builds).
    pub fn key(&self, command_line: &str) -> String {
        let mut key = command_line.to_string();
        for (name, value) in &self.run_env {
            if name != "PATH" {
                key.push_str(&format!(" [{name}={value}]"));
            }
        }
        key
    }

    /// A command for `program` (a command's words), running with [`Toolchain::run_env`].
    pub fn command(&self, program: &[String]) -> Command {
        let mut command = Command::new(program.first().map_or("cc", String::as_str));
        command.args(program.iter().skip(1));
        command.envs(self.run_env.iter().map(|(k, v)| (k, v)));
        command
    }
}

/// `command` with `from` at its start replaced by `to`; `None` when it does not start so.
fn replace_prefix(command: &[String], from: &[String], to: &[String]) -> Option<Vec<String>> {
    command
        .strip_prefix(from)
        .map(|rest| to.iter().chain(rest).cloned().collect())
}

/// `flags` without any `-arch NAME` pair.
fn without_arch_flags(flags: &[String]) -> Vec<String> {
    let mut kept = Vec::new();
    let mut words = flags.iter();
    while let Some(word) = words.next() {
        if word == "-arch" {
            words.next();
        } else {
            kept.push(word.clone());
        }
    }
    kept
}

/// Compiler launchers that run the compiler named after them.
const LAUNCHERS: &[&str] = &["ccache", "sccache", "distcc", "icecc", "buildcache"];

/// The C++ compiler that goes with the C compiler command `cc` when sysconfig names none, as
/// setuptools guesses it: `gcc` -> `g++`, `clang` -> `clang++`, `cc` -> `c++` (behind a
/// launcher such as `ccache`, the compiler it launches).
pub(super) fn cxx_for(cc: &[String]) -> Vec<String> {
    let mut cxx = cc.to_vec();
    let launcher = cc.first().is_some_and(|first| {
        let name = first.rsplit(['/', '\\']).next().unwrap_or(first);
        LAUNCHERS.contains(&name)
    });
    if let Some(word) = cxx.get_mut(usize::from(launcher && cc.len() > 1)) {
        *word = cxx_name(word);
    }
    cxx
}

fn cxx_name(cc: &str) -> String {
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
mod tests;
