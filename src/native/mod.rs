//! Compiling the C, C++ and Cython extension modules of `[[tool.rustbackend.ext-modules]]`
//! with the system compilers, for the interpreter that runs the hook: the Python shim passes
//! that interpreter's sysconfig facts (include directory, EXT_SUFFIX, CC, CXX, CFLAGS,
//! CCSHARED, LDSHARED, LDCXXSHARED, its executable for `python -m cython`), as setuptools
//! would use them. Every translation unit of every module is compiled in parallel.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{CompileError, Error, Result};
pub mod incremental;
use crate::plan::pyproject::settings::{ExtModule, Language};
use crate::plan::Plan;
use rayon::prelude::*;

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

/// A command as one line: the key of its step, and what an error shows.
fn command_line(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
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
fn suffix(module: &ExtModule, config: &PythonConfig) -> String {
    match module.py_limited_api {
        Some(_) if cfg!(windows) => ".pyd".into(),
        Some(_) => ".abi3.so".into(),
        None => config.get("EXT_SUFFIX").to_string(),
    }
}

/// The command (program and leading arguments) sysconfig gives under `key`, or `fallback`.
fn command_words(config: &PythonConfig, key: &str, fallback: &[&str]) -> (String, Vec<String>) {
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
fn cxx_for(cc: &str) -> String {
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
fn compiler(config: &PythonConfig, language: Language) -> (String, Vec<String>) {
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
fn is_c_only_flag(flag: &str) -> bool {
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

/// One translation unit of one module.
struct Unit<'a> {
    module: &'a ExtModule,
    /// The source as the project names it (relative to the project root).
    source: &'a str,
    /// For a `.pyx`, the C or C++ file Cython writes it to (in the build directory).
    generated: Option<PathBuf>,
    /// C or C++ (for a `.pyx`, what its `# distutils: language` line says).
    language: Language,
    object: PathBuf,
}

/// Whether a `.pyx` asks for C++ in its leading comments (`# distutils: language = c++`,
/// the line setuptools' `cythonize` reads).
fn cython_wants_cxx(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with('#'))
        .any(|line| {
            let line: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            line.contains("distutils:language=c++") || line.contains("cython:language=c++")
        })
}

/// What translating and compiling share: the project, the interpreter's facts, the
/// version of Cython that translates (part of every translation's key) and the hashes read.
struct Context<'a> {
    plan: &'a Plan,
    config: &'a PythonConfig,
    root: PathBuf,
    cython_version: String,
    hashes: incremental::Hashes,
}

impl Context<'_> {
    fn no_cython(&self, what: String) -> Error {
        CompileError::NoCython {
            what,
            requirement: self.plan.pyproject.settings.cython.clone(),
        }
        .into()
    }

    /// The version of the build environment's Cython (`python -c ...`), asked once.
    fn ask_cython_version(&mut self, what: String) -> Result<()> {
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

    /// Runs `command`, which writes `output` and the dependency file `depfile`, unless the
    /// stamp of `output` says that `key` already made it from inputs that have not changed.
    /// Returns whether it ran.
    fn step(
        &self,
        command: Command,
        key: &str,
        output: &Path,
        depfile: &Path,
        what: &str,
    ) -> Result<bool> {
        if incremental::up_to_date(output, key, &self.root, &self.hashes) {
            return Ok(false);
        }
        incremental::forget(output);
        run(command, what)?;
        let inputs = incremental::read_depfile(depfile)?;
        incremental::record(output, key, &inputs, &self.root)?;
        Ok(true)
    }

    /// Translates a `.pyx` unit to C or C++ with the build environment's Cython
    /// (`python -m cython`, in the project directory on the relative path, so the generated
    /// code names the source as the project does). Returns whether it ran.
    fn translate(&self, unit: &Unit<'_>) -> Result<bool> {
        let what = format!("the extension module `{}`", unit.module.name);
        let Some(generated) = &unit.generated else {
            return Ok(false);
        };
        let mut command = Command::new(self.config.get("executable"));
        command.current_dir(&self.root).env("PWD", &self.root);
        command.args(["-m", "cython", "-3", "--depfile"]);
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
        match self.step(command, &key, generated, Path::new(&depfile), &what) {
            Err(Error::Compile(CompileError::Failed { output, .. }))
                if output.contains("No module named cython")
                    || output.contains("No module named Cython") =>
            {
                Err(self.no_cython(what))
            }
            other => other,
        }
    }

    /// Compiles one translation unit; returns whether it ran. The compiler runs in the
    /// project directory on relative paths, and the directory is mapped to `.` in the debug
    /// information: the checkout path never reaches the binary, so two checkouts of the same
    /// sources build the same bytes.
    fn compile(&self, unit: &Unit<'_>) -> Result<bool> {
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
        if let Some((major, minor)) = module.py_limited_api {
            command.arg(format!("-DPy_LIMITED_API=0x{major:02X}{minor:02X}0000"));
        }
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
fn link(
    module: &ExtModule,
    objects: &[PathBuf],
    cxx: bool,
    context: &Context<'_>,
    lib_dir: &Path,
) -> Result<Built> {
    let config = context.config;
    let what = format!("the extension module `{}`", module.name);
    let relative = module.name.replace('.', "/");
    let archive_path = format!("{relative}{}", suffix(module, config));
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

/// `-C jobs=N`: how many compilers run at once (`None`: one per core).
fn jobs(config: &PythonConfig) -> Result<Option<usize>> {
    let text = config.get("jobs").trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(Error::ConfigSetting {
            key: "jobs",
            problem: format!(
                "must be a positive number of compilers to run at once, got `{text}`; pass -C jobs=4"
            ),
        }),
    }
}

/// What an isolated build must install besides rustbackend: Cython, when a module has
/// `.pyx` sources (`tool.rustbackend.cython` pins it).
pub fn build_requirements(plan: &Plan) -> Vec<String> {
    let settings = &plan.pyproject.settings;
    let cython = settings
        .ext_modules
        .iter()
        .flat_map(|m| &m.sources)
        .any(|s| Language::of(s) == Some(Language::Cython));
    if cython {
        vec![settings.cython.clone()]
    } else {
        Vec::new()
    }
}

/// The build directory an editable install keeps between runs when `-C build-dir` names
/// none: `build/rustbackend/<interpreter ABI>` in the project (`build/` is never packed).
pub fn default_build_dir(plan: &Plan, config: &PythonConfig) -> PathBuf {
    let abi = config
        .get("EXT_SUFFIX")
        .trim_start_matches('.')
        .trim_end_matches(".so")
        .trim_end_matches(".pyd")
        .to_string();
    let abi = if abi.is_empty() { "native".into() } else { abi };
    plan.project_dir.join("build").join("rustbackend").join(abi)
}

/// The build directory `-C build-dir=DIR` names (relative to the project), if any.
pub fn chosen_build_dir(plan: &Plan, config: &PythonConfig) -> Option<PathBuf> {
    let dir = config.get("build-dir").trim();
    (!dir.is_empty()).then(|| plan.project_dir.join(dir))
}

/// Creates `dir` and, when it is new, a `.gitignore` of `*` at the top of it, so that git
/// does not show the build directory as new files.
fn prepare_build_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# written by rustbackend: its build directory\n*\n",
        )
        .map_err(|e| Error::io("write", &ignore, e))?;
    }
    Ok(())
}

/// A path inside the build directory for a project path (`..` kept from climbing out).
fn within(dir: &Path, project_path: &str) -> PathBuf {
    project_path
        .split('/')
        .fold(dir.to_path_buf(), |path, part| match part {
            ".." => path.join("__"),
            part => path.join(part),
        })
}

/// Compiles every extension module in `build_dir` (a temporary directory for a wheel, a
/// directory kept between runs for an editable install): every translation unit of every
/// module in parallel (as many at once as there are cores), each module linked into
/// `build_dir/lib` as soon as its objects are done. A step whose inputs have not changed since it last ran in `build_dir`
/// is not run again.
pub fn build_all(plan: &Plan, config: &PythonConfig, build_dir: &Path) -> Result<Vec<Built>> {
    let modules = &plan.pyproject.settings.ext_modules;
    if modules.is_empty() {
        return Ok(Vec::new());
    }
    if config.get("include").is_empty() {
        return Err(CompileError::NoInterpreterFacts.into());
    }
    if cfg!(windows) {
        let what = format!("the extension module `{}`", modules[0].name);
        return Err(CompileError::WindowsUnsupported { what }.into());
    }
    let root = plan
        .project_dir
        .canonicalize()
        .map_err(|e| Error::io("read", &plan.project_dir, e))?;
    prepare_build_dir(build_dir)?;
    let build_dir = build_dir
        .canonicalize()
        .map_err(|e| Error::io("read", build_dir, e))?;
    let mut context = Context {
        plan,
        config,
        root: root.clone(),
        cython_version: String::new(),
        hashes: incremental::Hashes::default(),
    };
    let mut units = Vec::new();
    for module in modules {
        let objects = build_dir.join("obj").join(&module.name);
        for source in &module.sources {
            let object = within(&objects, &format!("{source}.o"));
            let (language, generated) = match Language::of(source).unwrap_or(Language::C) {
                Language::Cython => {
                    if context.cython_version.is_empty() {
                        context.ask_cython_version(format!(
                            "the extension module `{}`",
                            module.name
                        ))?;
                    }
                    let path = root.join(source);
                    let text =
                        std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
                    let (language, suffix) = if module.cython_cxx || cython_wants_cxx(&text) {
                        (Language::Cxx, "cpp")
                    } else {
                        (Language::C, "c")
                    };
                    let stem = source.strip_suffix(".pyx").unwrap_or(source);
                    let generated = within(
                        &build_dir.join("gen").join(&module.name),
                        &format!("{stem}.{suffix}"),
                    );
                    (language, Some(generated))
                }
                language => (language, None),
            };
            for file in [Some(&object), generated.as_ref()].into_iter().flatten() {
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
                }
            }
            units.push(Unit {
                module,
                source,
                generated,
                language,
                object,
            });
        }
    }
    // Each module's units run in parallel (Cython first where needed, then the compiler),
    // and the module is linked as soon as its own objects are done, while other modules'
    // units keep the cores busy. Every unit runs; the first failure in source order is
    // reported.
    let context = &context;
    let lib_dir = build_dir.join("lib");
    let build_modules = || -> Vec<Result<Built>> {
        modules
            .par_iter()
            .map(|module| {
                let own: Vec<&Unit<'_>> = units
                    .iter()
                    .filter(|u| std::ptr::eq(u.module, module))
                    .collect();
                own.par_iter()
                    .map(|unit| Ok(context.translate(unit)? | context.compile(unit)?))
                    .collect::<Vec<Result<bool>>>()
                    .into_iter()
                    .collect::<Result<Vec<bool>>>()?;
                let objects: Vec<PathBuf> = own.iter().map(|u| u.object.clone()).collect();
                let cxx = own.iter().any(|u| u.language == Language::Cxx);
                link(module, &objects, cxx, context, &lib_dir)
            })
            .collect()
    };
    match jobs(config)? {
        Some(jobs) => rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| Error::io("start", "the compile workers", std::io::Error::other(e)))?
            .install(build_modules),
        None => build_modules(),
    }
    .into_iter()
    .collect()
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
        let config = PythonConfig {
            vars: [("CC".to_string(), "gcc -pthread".to_string())].into(),
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
