//! The ABI an extension module is built for: its file suffix and the preprocessor
//! definitions that select it.

use crate::plan::pyproject::settings::ExtModule;
use crate::request::Interpreter;

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
    /// Windows; a build-details.json's `stable_abi_suffix`), else the interpreter's
    /// EXT_SUFFIX.
    pub fn suffix(self, interpreter: &Interpreter) -> String {
        let stable = match interpreter.get("stable_abi_suffix") {
            "" if interpreter.os().is_windows() => ".pyd",
            "" => ".abi3.so",
            given => given,
        };
        match self {
            Abi::VersionSpecific => interpreter.get("EXT_SUFFIX").to_string(),
            Abi::Abi3(_) => stable.into(),
            Abi::Abi3AndAbi3t(_) => stable.replacen(".abi3.", ".abi3t.", 1),
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
        if interpreter.os().is_windows() && threaded {
            defines.push("-DPy_GIL_DISABLED=1".into());
        }
        defines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                ("platform".to_string(), "linux-x86_64".to_string()),
            ]
            .into(),
            ..Interpreter::default()
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
        // Windows, whatever the machine the build runs on: the target's facts decide.
        let windows = |threaded: bool| {
            let mut facts = interpreter(threaded, ".cp313t-win_amd64.pyd");
            facts.vars.insert("platform".into(), "win-amd64".into());
            facts
        };
        assert_eq!(Abi::Abi3AndAbi3t(15).suffix(&windows(false)), ".pyd");
        assert_eq!(
            Abi::VersionSpecific.defines(&windows(true)),
            ["-DPy_GIL_DISABLED=1"]
        );
        assert!(Abi::VersionSpecific.defines(&windows(false)).is_empty());
    }
}
