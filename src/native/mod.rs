//! Compiling the C, C++ and Cython extension modules of `[[tool.rustbackend.ext-modules]]`
//! with the system compilers, for the interpreter that runs the hook: the Python shim passes
//! that interpreter's sysconfig facts (include directory, EXT_SUFFIX, CC, CXX, CFLAGS,
//! CCSHARED, LDSHARED, LDCXXSHARED, its executable for `python -m cython`), as setuptools
//! would use them. Every translation unit of every module is compiled in parallel.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{CompileError, Error, Result};
mod abi;
pub mod build_dir;
mod compile;
mod cython;
pub mod incremental;
mod msvc;
pub mod toolchain;
use crate::plan::pyproject::settings::{ExtModule, Language};
use crate::plan::Plan;
use crate::request::{BuildOptions, Interpreter};
use rayon::prelude::*;

pub use abi::Abi;
pub use build_dir::{chosen_build_dir, default_build_dir};
use build_dir::{prepare_build_dir, within};
use compile::link;
use cython::cython_wants_cxx;
use toolchain::{run, Toolchain};

/// A compiled extension: where it goes in the wheel, where it was written, and the steps
/// that made it.
#[derive(Debug, Clone)]
pub struct Built {
    /// The path inside the wheel (relative to the module root).
    pub archive_path: String,
    /// The compiled file.
    pub file: PathBuf,
    /// Its steps in the order they must run (Cython, compiles, the link), as an editable
    /// install re-runs them when their inputs change.
    pub steps: Vec<Step>,
}

/// One step of a module's build, as it can be run again without rustbackend: the command,
/// where and with what environment it runs, what it writes and where its inputs are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `cython`, `compile` or `link`.
    pub kind: &'static str,
    /// The program and its arguments (for `cython`, the interpreter's `-m cython ...`).
    pub argv: Vec<String>,
    /// The directory it runs in (the project).
    pub cwd: PathBuf,
    /// Environment variables it runs with besides the caller's.
    pub env: Vec<(String, String)>,
    /// The file it writes; its stamp is beside it ([`incremental::stamp_path`]).
    pub output: PathBuf,
    /// Its key as the stamp holds it ([`incremental::key_line`]).
    pub key_line: String,
    /// Where the inputs are listed after it runs: a make-style dependency file, or
    /// `showIncludes` (MSVC prints them).
    pub deps: String,
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

/// What translating and compiling share: the project, the interpreter's facts, the
/// toolchain, the version of Cython that translates (part of every translation's key) and
/// the hashes read.
struct Context<'a> {
    plan: &'a Plan,
    config: &'a Interpreter,
    toolchain: Toolchain,
    root: PathBuf,
    cython_version: String,
    hashes: incremental::Hashes,
    /// Every step of the build, by module (recorded whether it ran or was up to date).
    steps: std::sync::Mutex<Vec<(String, Step)>>,
}

/// Which module a step belongs to and what kind of step it is (`cython`, `compile`,
/// `link`), as the rebuild plan records it.
#[derive(Clone, Copy)]
struct Origin<'a> {
    module: &'a str,
    kind: &'static str,
}

impl Origin<'_> {
    /// What errors call the module: ``the extension module `NAME` ``.
    fn what(&self) -> String {
        format!("the extension module `{}`", self.module)
    }
}

/// Where a step's inputs are listed once it ran.
enum Deps<'a> {
    /// A make-style dependency file (`-MMD -MF`, Cython's `--depfile`).
    File(&'a Path),
    /// MSVC's `/showIncludes` lines on standard output, for this source.
    ShowIncludes(&'a str),
    /// Nothing but the inputs the caller records (a link: its objects).
    None,
}

impl Context<'_> {
    /// Runs `command`, which writes `output` and lists its inputs as `deps` says, unless the
    /// stamp of `output` says that `key` already made it from inputs that have not changed.
    /// Returns whether it ran.
    fn step(
        &self,
        origin: Origin<'_>,
        command: Command,
        key: &str,
        output: &Path,
        deps: Deps<'_>,
    ) -> Result<bool> {
        let key = &self.toolchain.key(key);
        self.record(origin, &command, key, output, &deps);
        let what = &origin.what();
        if incremental::up_to_date(output, key, &self.root, &self.hashes) {
            return Ok(false);
        }
        incremental::forget(output);
        let stdout = run(command, what)?;
        let inputs = match deps {
            Deps::File(depfile) => incremental::read_depfile(depfile)?,
            Deps::ShowIncludes(source) => {
                let mut inputs = vec![source.to_string()];
                inputs.extend(msvc::included_files(&stdout, &self.root));
                inputs
            }
            Deps::None => Vec::new(),
        };
        incremental::record(output, key, &inputs, &self.root)?;
        Ok(true)
    }

    /// Records a step for the rebuild plan, whether it runs or is up to date.
    fn record(
        &self,
        origin: Origin<'_>,
        command: &Command,
        key: &str,
        output: &Path,
        deps: &Deps<'_>,
    ) {
        let mut argv = vec![command.get_program().to_string_lossy().into_owned()];
        argv.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
        let env = command
            .get_envs()
            .filter_map(|(k, v)| {
                Some((
                    k.to_string_lossy().into_owned(),
                    v?.to_string_lossy().into_owned(),
                ))
            })
            .filter(|(k, _)| k != "PWD")
            .collect();
        let step = Step {
            kind: origin.kind,
            argv,
            cwd: self.root.clone(),
            env,
            output: output.to_path_buf(),
            key_line: incremental::key_line(key),
            deps: match deps {
                Deps::File(path) => path.display().to_string(),
                Deps::ShowIncludes(_) => "showIncludes".into(),
                Deps::None => String::new(),
            },
        };
        if let Ok(mut steps) = self.steps.lock() {
            steps.push((origin.module.to_string(), step));
        }
    }
}

/// The one warning for modules that ask for the stable ABI (`py-limited-api` before cp315)
/// on a free-threaded interpreter, which has none: they are built for the interpreter itself
/// (a `cp313t` wheel) instead of failing to compile.
pub fn abi_warnings(plan: &Plan, interpreter: &Interpreter) -> Vec<String> {
    let modules: Vec<String> = plan
        .pyproject
        .settings
        .ext_modules
        .iter()
        .filter(|m| m.py_limited_api.is_some() && Abi::of(m, interpreter) == Abi::VersionSpecific)
        .map(|m| format!("`{}`", m.name))
        .collect();
    if modules.is_empty() {
        return Vec::new();
    }
    let version = interpreter
        .version
        .map(|(major, minor)| format!(" {major}.{minor}"))
        .unwrap_or_default();
    vec![format!(
        "free-threaded CPython{version} has no stable ABI (abi3) before 3.15, so {} (py-limited-api) is built for this interpreter only, into a version-specific wheel; py-limited-api = \"cp315\" or later builds for both stable ABIs (abi3.abi3t, PEP 803)",
        modules.join(", ")
    )]
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

/// Compiles every extension module in `build_dir` (a temporary directory for a wheel, a
/// directory kept between runs for an editable install): every translation unit of every
/// module in parallel (as many at once as there are cores), each module linked into
/// `build_dir/lib` as soon as its objects are done. A step whose inputs have not changed since it last ran in `build_dir`
/// is not run again.
pub fn build_all(plan: &Plan, options: &BuildOptions, build_dir: &Path) -> Result<Vec<Built>> {
    let config = &options.interpreter;
    let modules = &plan.pyproject.settings.ext_modules;
    if modules.is_empty() {
        return Ok(Vec::new());
    }
    if config.get("include").is_empty() {
        return Err(CompileError::NoInterpreterFacts.into());
    }
    let toolchain = Toolchain::for_target(
        config,
        &format!("the extension module `{}`", modules[0].name),
    )?;
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
        toolchain,
        root: root.clone(),
        cython_version: String::new(),
        hashes: incremental::Hashes::default(),
        steps: std::sync::Mutex::new(Vec::new()),
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
    let built: Vec<Built> = match options.jobs {
        Some(jobs) => rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| Error::io("start", "the compile workers", std::io::Error::other(e)))?
            .install(build_modules),
        None => build_modules(),
    }
    .into_iter()
    .collect::<Result<_>>()?;
    let mut steps = context.steps.lock().map(|s| s.clone()).unwrap_or_default();
    // In the order they must run: Cython before the compiles, the link last.
    let rank = |kind: &str| {
        ["cython", "compile", "link"]
            .iter()
            .position(|k| *k == kind)
    };
    steps.sort_by(|(_, a), (_, b)| (rank(a.kind), &a.output).cmp(&(rank(b.kind), &b.output)));
    Ok(built
        .into_iter()
        .zip(modules)
        .map(|(mut built, module)| {
            built.steps = steps
                .iter()
                .filter(|(name, _)| *name == module.name)
                .map(|(_, step)| step.clone())
                .collect();
            built
        })
        .collect())
}
