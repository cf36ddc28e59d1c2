//! Compiling translation units to objects and linking a module's objects.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::toolchain::{command_line, command_words, compiler, is_c_only_flag, run, words, Abi};
use super::{incremental, Built, Context, Unit};
use crate::error::{Error, Result};
use crate::plan::pyproject::settings::{ExtModule, Language};

impl Context<'_> {
    /// Compiles one translation unit; returns whether it ran. The compiler runs in the
    /// project directory on relative paths, and the directory is mapped to `.` in the debug
    /// information: the checkout path never reaches the binary, so two checkouts of the same
    /// sources build the same bytes.
    pub(super) fn compile(&self, unit: &Unit<'_>) -> Result<bool> {
        let (config, root) = (self.config, &self.root);
        let module = unit.module;
        let what = format!("the extension module `{}`", module.name);
        let (compiler, compiler_args) = compiler(config, unit.language);
        let mut command = Command::new(&compiler);
        command.current_dir(root).env("PWD", root);
        command.args(&compiler_args);
        let flags = words(config.get("CFLAGS"));
        command.args(
            flags
                .iter()
                .filter(|f| unit.language == Language::C || !is_c_only_flag(f)),
        );
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
        command.args(Abi::of(module, config).defines(config));
        match &unit.generated {
            Some(generated) => {
                // Cython's output lives in the build directory: map that to `.` as well, and
                // let it find headers beside the `.pyx`.
                if let Some(dir) = generated.parent() {
                    command.arg(format!("-ffile-prefix-map={}=.", dir.display()));
                }
                if let Some(dir) = unit.source.rsplit_once('/').map(|(d, _)| d) {
                    command.arg(format!("-I{dir}"));
                }
                command.arg("-c").arg(generated);
            }
            None => {
                command.arg("-c").arg(unit.source);
            }
        }
        command.arg("-o").arg(&unit.object);
        command.args(&module.extra_compile_args);
        let key = command_line(&command);
        let depfile = unit.object.with_extension("d");
        command.arg("-MMD").arg("-MF").arg(&depfile);
        self.step(command, &key, &unit.object, &depfile, &what)
    }
}

/// Links one module's objects into `lib_dir/<dotted path><suffix>` unless they are what it
/// was last linked from; a module with any C++ source is linked by the C++ driver
/// (LDCXXSHARED), which brings the C++ runtime.
pub(super) fn link(
    module: &ExtModule,
    objects: &[PathBuf],
    cxx: bool,
    context: &Context<'_>,
    lib_dir: &Path,
) -> Result<Built> {
    let config = context.config;
    let what = format!("the extension module `{}`", module.name);
    let relative = module.name.replace('.', "/");
    let archive_path = format!("{relative}{}", Abi::of(module, config).suffix(config));
    let output = lib_dir.join(&archive_path);
    if let Some(parent) = output.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    let default: &[&str] = if cfg!(target_os = "macos") {
        &["cc", "-bundle", "-undefined", "dynamic_lookup"]
    } else {
        &["cc", "-shared"]
    };
    let (mut linker, linker_args) = if cxx && !config.get("LDCXXSHARED").trim().is_empty() {
        command_words(config, "LDCXXSHARED", default)
    } else {
        command_words(config, "LDSHARED", default)
    };
    if cxx && config.get("LDCXXSHARED").trim().is_empty() {
        // LDSHARED names the C compiler; its C++ sibling links the C++ runtime in.
        linker = compiler(config, Language::Cxx).0;
    }
    let mut command = Command::new(linker);
    command
        .args(linker_args)
        .args(objects)
        .arg("-o")
        .arg(&output);
    for library in &module.libraries {
        command.arg(format!("-l{library}"));
    }
    command.args(&module.extra_link_args);
    let key = command_line(&command);
    let inputs: Vec<String> = objects.iter().map(|o| o.display().to_string()).collect();
    if !incremental::up_to_date(&output, &key, &context.root, &context.hashes) {
        incremental::forget(&output);
        run(command, &what)?;
        incremental::record(&output, &key, &inputs, &context.root)?;
    }
    Ok(Built {
        archive_path,
        file: output,
    })
}
