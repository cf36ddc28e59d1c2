//! The facts of the interpreter a build is for, and the compiler settings of the environment
//! the build runs in.

use std::collections::HashMap;

use crate::tags::TargetOs;

/// The environment variables that choose compilers and flags, as setuptools reads them:
/// the Python shim passes those that are set; the core reads no environment itself.
pub const COMPILER_ENV: &[&str] = &[
    "CC",
    "CXX",
    "CFLAGS",
    "CPPFLAGS",
    "CXXFLAGS",
    "LDSHARED",
    "LDCXXSHARED",
    "LDFLAGS",
    "ARCHFLAGS",
    "MACOSX_DEPLOYMENT_TARGET",
];

/// The facts of the interpreter a build is for: its version, and sysconfig's variables and
/// paths by name (`include`, `EXT_SUFFIX`, `CC`, `CFLAGS`, `CCSHARED`, `LDSHARED`,
/// `platform`, `executable`, ...), as the Python shim reads them or a build-details.json
/// gives them.
#[derive(Debug, Clone, Default)]
pub struct Interpreter {
    /// The (major, minor) version (for tags of extension modules without an interpreter
    /// suffix, and abi3 without requires-python).
    pub version: Option<(u32, u32)>,
    /// sysconfig's variables and paths by name.
    pub vars: HashMap<String, String>,
    /// The compiler settings of the environment (the [`COMPILER_ENV`] variables that are set).
    pub env: HashMap<String, String>,
}

impl Interpreter {
    /// The facts as the shim passes them: one map, with the version under `version`
    /// (`3.13`) and each environment variable under `env.NAME`.
    pub fn from_facts(facts: HashMap<String, String>) -> Interpreter {
        let mut interpreter = Interpreter::default();
        for (key, value) in facts {
            match key.strip_prefix("env.") {
                Some(name) => {
                    interpreter.env.insert(name.to_string(), value);
                }
                None => {
                    interpreter.vars.insert(key, value);
                }
            }
        }
        interpreter.version = interpreter
            .get("version")
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
        interpreter
    }

    /// The variable `key`, or `""` when it is unknown.
    pub fn get(&self, key: &str) -> &str {
        self.vars.get(key).map(String::as_str).unwrap_or_default()
    }

    /// The environment variable `name`, when it is set and not blank.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The system the interpreter runs on (from its platform string; the host's when the
    /// facts name none).
    pub fn os(&self) -> TargetOs {
        TargetOs::of(self.get("platform"))
    }

    /// Whether it is a free-threaded build (sysconfig's `Py_GIL_DISABLED`, PEP 703): its
    /// extension modules carry the `t` ABI flag (`cp313t`) and it has no `abi3`.
    pub fn free_threaded(&self) -> bool {
        matches!(self.get("Py_GIL_DISABLED").trim(), "1" | "True" | "true")
    }

    /// The version and whether the build is free-threaded, as tag inference takes them.
    pub fn tag_facts(&self) -> Option<(u32, u32, bool)> {
        self.version
            .map(|(major, minor)| (major, minor, self.free_threaded()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_split_into_variables_and_environment() {
        let facts: HashMap<String, String> = [
            ("version", "3.13"),
            ("CC", "gcc -pthread"),
            ("env.CC", "ccache gcc"),
            ("env.CFLAGS", " "),
            ("platform", "linux-x86_64"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let interpreter = Interpreter::from_facts(facts);
        assert_eq!(interpreter.version, Some((3, 13)));
        assert_eq!(interpreter.get("CC"), "gcc -pthread");
        assert_eq!(interpreter.env("CC"), Some("ccache gcc"));
        assert_eq!(interpreter.env("CFLAGS"), None);
        assert_eq!(interpreter.os(), TargetOs::Linux);
    }
}
