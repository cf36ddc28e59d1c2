//! Compiling translation units to objects and linking a module's objects, with the commands
//! of the build's [`Toolchain`] (Unix-style or MSVC).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::abi::Abi;
use super::toolchain::{command_line, run, Style, Toolchain};
use super::{incremental, msvc, Built, Context, Deps, Origin, Unit};
use crate::error::{Error, Result};
use crate::plan::pyproject::settings::ExtModule;
use crate::request::Interpreter;

/// The command that compiles `unit`. It runs in the project directory `root` on relative
/// paths, and (Unix-style) the directory is mapped to `.` in the debug information: the
/// checkout path never reaches the binary, so two checkouts of the same sources build the
/// same bytes.
pub(super) fn compile_command(
    toolchain: &Toolchain,
    interpreter: &Interpreter,
    root: &Path,
    unit: &Unit<'_>,
) -> Command {
    let module = unit.module;
    let (compiler, flags) = toolchain.compiler(unit.language);
    let mut command = toolchain.command(compiler);
    command.current_dir(root).env("PWD", root);
    command.args(flags);
    command.args(&toolchain.ccshared);
    let unix = toolchain.style == Style::Unix;
    if unix {
        command.arg(format!("-fdebug-prefix-map={}=.", root.display()));
    }
    command.arg(format!("-I{}", interpreter.get("include")));
    for dir in &module.include_dirs {
        command.arg(format!("-I{dir}"));
    }
    for (name, value) in &module.define_macros {
        match value {
            Some(value) => command.arg(format!("-D{name}={value}")),
            None => command.arg(format!("-D{name}")),
        };
    }
    command.args(Abi::of(module, interpreter).defines(interpreter));
    let source = match &unit.generated {
        Some(generated) => {
            // Cython's output lives in the build directory: map that to `.` as well, and
            // let it find headers beside the `.pyx`.
            if let (true, Some(dir)) = (unix, generated.parent()) {
                command.arg(format!("-ffile-prefix-map={}=.", dir.display()));
            }
            if let Some(dir) = unit.source.rsplit_once('/').map(|(d, _)| d) {
                command.arg(format!("-I{dir}"));
            }
            generated.clone()
        }
        None => PathBuf::from(unit.source),
    };
    match toolchain.style {
        Style::Unix => {
            command.arg("-c").arg(&source).arg("-o").arg(&unit.object);
        }
        Style::Msvc => {
            command.args(msvc::compile_args(unit.language, &source, &unit.object));
        }
    }
    command.args(&module.extra_compile_args);
    command
}

impl Context<'_> {
    /// Compiles one translation unit; returns whether it ran.
    pub(super) fn compile(&self, unit: &Unit<'_>) -> Result<bool> {
        let origin = Origin {
            module: &unit.module.name,
            kind: "compile",
        };
        let mut command = compile_command(&self.toolchain, self.config, &self.root, unit);
        let key = command_line(&command);
        match self.toolchain.style {
            Style::Unix => {
                let depfile = unit.object.with_extension("d");
                command.arg("-MMD").arg("-MF").arg(&depfile);
                self.step(origin, command, &key, &unit.object, Deps::File(&depfile))
            }
            Style::Msvc => {
                command.arg("/showIncludes");
                let deps = Deps::ShowIncludes(unit.source);
                self.step(origin, command, &key, &unit.object, deps)
            }
        }
    }
}

/// The command that links `objects` into `output`: a module with any C++ source is linked
/// by the C++ driver (LDCXXSHARED), which brings the C++ runtime.
pub(super) fn link_command(
    module: &ExtModule,
    objects: &[PathBuf],
    cxx: bool,
    toolchain: &Toolchain,
    interpreter: &Interpreter,
    output: &Path,
) -> Command {
    let linker = if cxx {
        &toolchain.ldcxxshared
    } else {
        &toolchain.ldshared
    };
    let mut command = toolchain.command(linker);
    match toolchain.style {
        Style::Unix => {
            command.args(objects).arg("-o").arg(output);
            for library in &module.libraries {
                command.arg(format!("-l{library}"));
            }
            // Android (and a build-details.json that says so) link libpython itself.
            match interpreter.get("libpython") {
                "" if interpreter.os() == crate::tags::TargetOs::Android => {
                    let dir = interpreter.get("LIBDIR");
                    if !dir.is_empty() {
                        command.arg(format!("-L{dir}"));
                    }
                    command.args(super::toolchain::words(interpreter.get("LIBPYTHON")));
                }
                "" => {}
                library => {
                    command.arg(library);
                }
            }
        }
        Style::Msvc => {
            command.args(msvc::link_args(module, objects, output, interpreter));
        }
    }
    command.args(&module.extra_link_args);
    command
}

/// Links one module's objects into `lib_dir/<dotted path><suffix>` unless they are what it
/// was last linked from.
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
    let command = link_command(module, objects, cxx, &context.toolchain, config, &output);
    let key = context.toolchain.key(&command_line(&command));
    let origin = Origin {
        module: &module.name,
        kind: "link",
    };
    context.record(origin, &command, &key, &output, &Deps::None);
    let inputs: Vec<String> = objects.iter().map(|o| o.display().to_string()).collect();
    if !incremental::up_to_date(&output, &key, &context.root, &context.hashes) {
        incremental::forget(&output);
        run(command, &what)?;
        incremental::record(&output, &key, &inputs, &context.root)?;
    }
    Ok(Built {
        archive_path,
        file: output,
        steps: Vec::new(),
    })
}
