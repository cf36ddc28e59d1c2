//! Translating `.pyx` sources to C or C++ with the build environment's Cython.

use std::path::Path;
use std::process::Command;

use super::{Context, Deps, Origin, Unit};
use crate::error::{CompileError, Error, Result};
use crate::plan::pyproject::settings::Language;
/// Whether a `.pyx` asks for C++ in its leading comments (`# distutils: language = c++`,
/// the line setuptools' `cythonize` reads).
pub(super) fn cython_wants_cxx(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with('#'))
        .any(|line| {
            let line: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            line.contains("distutils:language=c++") || line.contains("cython:language=c++")
        })
}

impl Context<'_> {
    pub(super) fn no_cython(&self, what: String) -> Error {
        CompileError::NoCython {
            what,
            requirement: self.plan.pyproject.settings.cython.clone(),
        }
        .into()
    }

    /// The version of the build environment's Cython (`python -c ...`), asked once.
    pub(super) fn ask_cython_version(&mut self, what: String) -> Result<()> {
        let python = self.config.get("executable");
        if python.is_empty() {
            return Err(CompileError::NoInterpreterFacts.into());
        }
        let output = Command::new(python)
            .args(["-c", "import Cython; print(Cython.__version__)"])
            .output()
            .map_err(|e| CompileError::CannotRun {
                program: python.to_string(),
                what: what.clone(),
                source: e,
            })?;
        if !output.status.success() {
            return Err(self.no_cython(what));
        }
        self.cython_version = String::from_utf8_lossy(&output.stdout).trim().to_string();
        Ok(())
    }

    /// Translates a `.pyx` unit to C or C++ with the build environment's Cython
    /// (`python -m cython`, in the project directory on the relative path, so the generated
    /// code names the source as the project does). Returns whether it ran.
    pub(super) fn translate(&self, unit: &Unit<'_>) -> Result<bool> {
        let what = format!("the extension module `{}`", unit.module.name);
        let Some(generated) = &unit.generated else {
            return Ok(false);
        };
        let mut command = Command::new(self.config.get("executable"));
        command.current_dir(&self.root).env("PWD", &self.root);
        command.args(["-m", "cython"]);
        // Python 3 semantics unless the module's directives name a language level.
        let directives = &unit.module.cython_directives;
        if !directives.iter().any(|(name, _)| name == "language_level") {
            command.arg("-3");
        }
        command.arg("--depfile");
        for (name, value) in directives {
            command.arg("--directive").arg(format!("{name}={value}"));
        }
        if unit.language == Language::Cxx {
            command.arg("--cplus");
        }
        if let Some(dir) = unit.source.rsplit_once('/').map(|(d, _)| d) {
            command.arg(format!("-I{dir}"));
        }
        // The module root, so `cimport pkg.other` finds `pkg/other.pxd`.
        let module_root = &self.plan.layout.module_root;
        command.arg(format!(
            "-I{}",
            if module_root.is_empty() {
                "."
            } else {
                module_root
            }
        ));
        for dir in &unit.module.include_dirs {
            command.arg(format!("-I{dir}"));
        }
        command.arg("-o").arg(generated).arg(unit.source);
        // The interpreter's path is left out of the key: an isolated build runs in a new
        // environment each time, with the same Cython.
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let key = format!("cython {} {}", self.cython_version, args.join(" "));
        let mut depfile = generated.as_os_str().to_owned();
        depfile.push(".dep");
        let origin = Origin {
            module: &unit.module.name,
            kind: "cython",
        };
        match self.step(
            origin,
            command,
            &key,
            generated,
            Deps::File(Path::new(&depfile)),
        ) {
            Err(Error::Compile(CompileError::Failed { output, .. }))
                if output.contains("No module named cython")
                    || output.contains("No module named Cython") =>
            {
                Err(self.no_cython(what))
            }
            other => other,
        }
    }
}
