//! Compiling the C extension modules of `[[tool.rustbackend.ext-modules]]` with the system C
//! compiler, for the interpreter that runs the hook: the Python shim passes that
//! interpreter's sysconfig facts (include directory, EXT_SUFFIX, CC, CFLAGS, CCSHARED,
//! LDSHARED), as setuptools would use them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{CompileError, Error, Result};
use crate::plan::Plan;
use crate::pyproject::settings::ExtModule;

/// The facts about the target interpreter that compiling needs.
#[derive(Debug, Clone, Default)]
pub struct PythonConfig {
    /// sysconfig's variables and paths by name: `include`, `EXT_SUFFIX`, `CC`, `CFLAGS`,
    /// `CCSHARED`, `LDSHARED`.
    pub vars: HashMap<String, String>,
}

impl PythonConfig {
    fn get(&self, key: &str) -> &str {
        self.vars.get(key).map(String::as_str).unwrap_or_default()
    }
}

/// A compiled extension: where it goes in the wheel and where it was written.
#[derive(Debug, Clone)]
pub struct Built {
    /// The path inside the wheel (relative to the module root).
    pub archive_path: String,
    /// The compiled file.
    pub file: PathBuf,
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

fn run(mut command: Command, what: &str) -> Result<()> {
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
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    Err(CompileError::Failed {
        what: what.to_string(),
        status: output.status,
        command: format!("{program} {}", args.join(" ")),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
    .into())
}

/// The file-name suffix of a module: `.abi3.so` for the stable ABI, else EXT_SUFFIX.
fn suffix(module: &ExtModule, config: &PythonConfig) -> String {
    match module.py_limited_api {
        Some(_) if cfg!(windows) => ".pyd".into(),
        Some(_) => ".abi3.so".into(),
        None => config.get("EXT_SUFFIX").to_string(),
    }
}

/// Compiles one module into `out_dir/<dotted path><suffix>`.
fn compile(
    plan: &Plan,
    module: &ExtModule,
    config: &PythonConfig,
    out_dir: &Path,
) -> Result<Built> {
    let what = format!("the extension module `{}`", module.name);
    if cfg!(windows) {
        return Err(CompileError::WindowsUnsupported { what }.into());
    }
    let objects_dir =
        tempfile::tempdir().map_err(|e| Error::io("create", std::env::temp_dir(), e))?;
    let cc = words(config.get("CC"));
    let (compiler, compiler_args) = match cc.split_first() {
        Some((first, rest)) => (first.clone(), rest.to_vec()),
        None => ("cc".to_string(), Vec::new()),
    };
    // The compiler runs in the project directory on relative paths, and the directory is
    // mapped to `.` in the debug information: the checkout path never reaches the binary,
    // so two checkouts of the same sources build the same bytes.
    let root = plan
        .project_dir
        .canonicalize()
        .map_err(|e| Error::io("read", &plan.project_dir, e))?;
    let mut objects = Vec::new();
    for (i, source) in module.sources.iter().enumerate() {
        let object = objects_dir.path().join(format!("{i}.o"));
        let mut command = Command::new(&compiler);
        command.current_dir(&root).env("PWD", &root);
        command.args(&compiler_args);
        command.args(words(config.get("CFLAGS")));
        command.args(words(config.get("CCSHARED")));
        command.arg(format!("-fdebug-prefix-map={}=.", root.display()));
        command.arg(format!("-I{}", config.get("include")));
        for dir in &module.include_dirs {
            command.arg(format!("-I{dir}"));
        }
        for (name, value) in &module.define_macros {
            match value {
                Some(value) => command.arg(format!("-D{name}={value}")),
                None => command.arg(format!("-D{name}")),
            };
        }
        if let Some((major, minor)) = module.py_limited_api {
            command.arg(format!("-DPy_LIMITED_API=0x{major:02X}{minor:02X}0000"));
        }
        command.arg("-c").arg(source).arg("-o").arg(&object);
        run(command, &what)?;
        objects.push(object);
    }
    let relative = module.name.replace('.', "/");
    let archive_path = format!("{relative}{}", suffix(module, config));
    let output = out_dir.join(&archive_path);
    if let Some(parent) = output.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    let ldshared = words(config.get("LDSHARED"));
    let (linker, linker_args) = match ldshared.split_first() {
        Some((first, rest)) => (first.clone(), rest.to_vec()),
        None if cfg!(target_os = "macos") => {
            ("cc".to_string(), words("-bundle -undefined dynamic_lookup"))
        }
        None => ("cc".to_string(), vec!["-shared".to_string()]),
    };
    let mut command = Command::new(linker);
    command
        .args(linker_args)
        .args(&objects)
        .arg("-o")
        .arg(&output);
    for library in &module.libraries {
        command.arg(format!("-l{library}"));
    }
    run(command, &what)?;
    Ok(Built {
        archive_path,
        file: output,
    })
}

/// Compiles every extension module into `out_dir` (a temporary directory for a wheel, the
/// module root for an editable install).
pub fn build_all(plan: &Plan, config: &PythonConfig, out_dir: &Path) -> Result<Vec<Built>> {
    let modules = &plan.pyproject.settings.ext_modules;
    if !modules.is_empty() && config.get("include").is_empty() {
        return Err(CompileError::NoInterpreterFacts.into());
    }
    modules
        .iter()
        .map(|module| compile(plan, module, config, out_dir))
        .collect()
}
