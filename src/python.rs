//! The pyo3 module `rustbackend._native`: converts arguments, runs the core with the GIL
//! released, and turns every error (and any panic) into `rustbackend.BuildError`.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::prelude::*;

use std::collections::HashMap;

use pyo3::types::PyDict;

use crate::request::Interpreter;
use crate::{BuildOptions, Built, Error};

/// Where the last panic happened (the hook runs on any thread, a rayon worker included, so
/// this is process-wide; the message itself comes from the unwinding payload).
static PANIC_LOCATION: Mutex<Option<String>> = Mutex::new(None);

fn install_quiet_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        if let Ok(mut last) = PANIC_LOCATION.lock() {
            *last = location;
        }
    }));
}

/// The text a panic was raised with: `panic!("...")` carries a `&str` or a `String`.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

fn build_error(py: Python<'_>, message: String) -> PyErr {
    match py
        .import("rustbackend")
        .and_then(|m| m.getattr("BuildError"))
        .and_then(|cls| cls.call1((message.clone(),)))
    {
        Ok(instance) => PyErr::from_value(instance),
        Err(_) => pyo3::exceptions::PyRuntimeError::new_err(message),
    }
}

/// Runs `f` without the GIL, converting errors and panics into BuildError.
fn run<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T, Error> + Send) -> PyResult<T> {
    let outcome = py.detach(|| panic::catch_unwind(AssertUnwindSafe(f)));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(build_error(py, error.to_string())),
        Err(payload) => {
            let location = PANIC_LOCATION
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_default();
            let detail = format!("{}{location}", panic_text(payload.as_ref()));
            Err(build_error(
                py,
                format!("internal error in rustbackend ({detail}); this is a bug, please report it with the pyproject.toml that triggers it"),
            ))
        }
    }
}

/// Config settings as a frontend passes them: each value a string, or a list of strings
/// when the key was given more than once.
fn config_settings(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Vec<(String, Vec<String>)>> {
    let mut parsed = Vec::new();
    for (key, value) in settings.into_iter().flat_map(|d| d.iter()) {
        let key: String = key.str()?.extract()?;
        let values = match value.extract::<String>() {
            Ok(text) => vec![text],
            Err(_) => value.extract::<Vec<String>>().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err(format!(
                    "the config setting `{key}` must be a string or a list of strings"
                ))
            })?,
        };
        parsed.push((key, values));
    }
    parsed.sort();
    Ok(parsed)
}

/// The request of one hook: config settings, `SOURCE_DATE_EPOCH` and the interpreter's facts
/// (`version` as `major.minor`, and sysconfig's variables). A bad or unknown setting is a
/// BuildError that names it, before anything is written.
fn request(
    py: Python<'_>,
    settings: Option<&Bound<'_, PyDict>>,
    source_date_epoch: Option<u64>,
    interpreter: Option<HashMap<String, String>>,
) -> PyResult<BuildOptions> {
    let options = BuildOptions {
        source_date_epoch,
        interpreter: Interpreter::from_facts(interpreter.unwrap_or_default()),
        ..BuildOptions::default()
    };
    options
        .with_config_settings(&config_settings(settings)?)
        .map_err(|e| build_error(py, e.to_string()))
}

fn result(built: Built) -> (String, Vec<String>) {
    (built.file_name(), built.warnings)
}

/// Builds a wheel, or with `editable` the editable wheel (PEP 660); returns (file name,
/// warnings).
#[pyfunction]
#[pyo3(signature = (project_dir, out_dir, metadata_directory=None, config_settings=None, source_date_epoch=None, interpreter=None, editable=false))]
#[allow(clippy::too_many_arguments)]
fn build_wheel(
    py: Python<'_>,
    project_dir: PathBuf,
    out_dir: PathBuf,
    metadata_directory: Option<PathBuf>,
    config_settings: Option<&Bound<'_, PyDict>>,
    source_date_epoch: Option<u64>,
    interpreter: Option<HashMap<String, String>>,
    editable: bool,
) -> PyResult<(String, Vec<String>)> {
    let options = request(py, config_settings, source_date_epoch, interpreter)?;
    let build = if editable {
        crate::build_editable
    } else {
        crate::build_wheel
    };
    run(py, || {
        build(
            &project_dir,
            &out_dir,
            metadata_directory.as_deref(),
            &options,
        )
    })
    .map(result)
}

/// Builds an sdist; returns (file name, warnings).
#[pyfunction]
#[pyo3(signature = (project_dir, out_dir, config_settings=None, source_date_epoch=None))]
fn build_sdist(
    py: Python<'_>,
    project_dir: PathBuf,
    out_dir: PathBuf,
    config_settings: Option<&Bound<'_, PyDict>>,
    source_date_epoch: Option<u64>,
) -> PyResult<(String, Vec<String>)> {
    let options = request(py, config_settings, source_date_epoch, None)?;
    run(py, || crate::build_sdist(&project_dir, &out_dir, &options)).map(result)
}

/// Writes the .dist-info directory; returns (its name, warnings).
#[pyfunction]
#[pyo3(signature = (project_dir, metadata_directory, config_settings=None))]
fn prepare_metadata(
    py: Python<'_>,
    project_dir: PathBuf,
    metadata_directory: PathBuf,
    config_settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<(String, Vec<String>)> {
    request(py, config_settings, None, None)?;
    run(py, || {
        crate::prepare_metadata(&project_dir, &metadata_directory)
    })
    .map(result)
}

/// What [`list_files`] returns: (path, origin) pairs, (path, why) pairs left out, the
/// wheel tag (for wheels), and the warnings.
type Listing = (
    Vec<(String, String)>,
    Vec<(String, String)>,
    Option<String>,
    Vec<String>,
);

/// Lists what an artifact (`wheel`, `sdist` or `editable`) would contain, from the same
/// manifest the build writes, laid out by the list writer; the wheel's extension modules are
/// compiled for it (an editable wheel's into its build directory only).
#[pyfunction]
#[pyo3(signature = (project_dir, kind, config_settings=None, interpreter=None))]
fn list_files(
    py: Python<'_>,
    project_dir: PathBuf,
    kind: &str,
    config_settings: Option<&Bound<'_, PyDict>>,
    interpreter: Option<HashMap<String, String>>,
) -> PyResult<Listing> {
    let kind = match kind {
        "wheel" => crate::ArtifactKind::Wheel,
        "sdist" => crate::ArtifactKind::Sdist,
        "editable" => crate::ArtifactKind::Editable,
        other => return Err(build_error(py, format!("unknown artifact kind `{other}`"))),
    };
    let options = request(py, config_settings, None, interpreter)?;
    run(py, || {
        let listing = crate::list_artifact(&project_dir, kind, &options)?;
        let left_out = listing
            .left_out
            .iter()
            .map(|(path, why)| (path.clone(), why.describe().to_string()))
            .collect();
        Ok((listing.members, left_out, listing.tag, listing.warnings))
    })
}

/// What an isolated build must install besides rustbackend (Cython for `.pyx` sources).
#[pyfunction]
fn build_requirements(py: Python<'_>, project_dir: PathBuf) -> PyResult<Vec<String>> {
    run(py, || Ok(crate::build_requirements(&project_dir)))
}

/// Validates a project without building; returns the warnings.
#[pyfunction]
fn check_project(py: Python<'_>, project_dir: PathBuf) -> PyResult<Vec<String>> {
    run(py, || crate::check_project(&project_dir))
}

/// Checks a built wheel or sdist; returns the problems found (empty when sound) and the
/// warnings.
#[pyfunction]
fn check_artifact(py: Python<'_>, path: PathBuf) -> PyResult<(Vec<String>, Vec<String>)> {
    run(py, || {
        let found = crate::check::check_artifact(&path);
        Ok((found.problems, found.warnings))
    })
}

/// Translates another backend's configuration (`rustbackend migrate`): `facts` is the JSON
/// the front read from setup.py and setup.cfg, `answers` the values of fields the old
/// backend's metadata gave (field, JSON). Returns a dict: `backend`, `before`, `after`,
/// `refusals` (file, line, setting, why), `notes`, `ask` (field, file, line) and
/// `old_build_system` (requires, backend, backend-path).
#[pyfunction]
fn migrate<'py>(
    py: Python<'py>,
    project_dir: PathBuf,
    facts: String,
    answers: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyDict>> {
    let m = run(py, || {
        crate::migrate::migrate(&project_dir, &facts, &answers)
    })?;
    let dict = PyDict::new(py);
    dict.set_item("backend", m.backend)?;
    dict.set_item("before", m.before)?;
    dict.set_item("after", m.after)?;
    let refusals: Vec<(String, usize, String, String)> = m
        .refusals
        .into_iter()
        .map(|r| (r.origin.file, r.origin.line, r.key, r.why))
        .collect();
    dict.set_item("refusals", refusals)?;
    dict.set_item("notes", m.notes)?;
    let ask: Vec<(String, String, usize)> = m
        .ask_old_backend
        .into_iter()
        .map(|(field, o)| (field, o.file, o.line))
        .collect();
    dict.set_item("ask", ask)?;
    dict.set_item("old_build_system", m.old_build_system)?;
    Ok(dict)
}

/// pyproject.toml `text` with `globs` added to the `[tool.rustbackend]` array at `path`.
#[pyfunction]
fn migrate_add_globs(
    py: Python<'_>,
    text: String,
    path: String,
    globs: Vec<String>,
) -> PyResult<String> {
    run(py, || crate::migrate::add_globs(&text, &path, &globs))
}

/// Panics on purpose, so tests can check that a panic arrives as a BuildError with its
/// message; `on_worker` panics on a rayon worker thread, as parallel archive code would.
#[pyfunction]
#[pyo3(signature = (on_worker=false))]
fn _panic_for_test(py: Python<'_>, on_worker: bool) -> PyResult<()> {
    run(py, || -> Result<(), Error> {
        if on_worker {
            rayon::scope(|s| s.spawn(|_| panic!("test panic on a worker")));
        }
        panic!("test panic")
    })
}

/// The module holds no state a thread could race on (the core runs with the GIL released,
/// and its one shared value is behind a mutex), so a free-threaded interpreter keeps the GIL
/// disabled when it imports it.
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    install_quiet_panic_hook();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(build_sdist, m)?)?;
    m.add_function(wrap_pyfunction!(prepare_metadata, m)?)?;
    m.add_function(wrap_pyfunction!(list_files, m)?)?;
    m.add_function(wrap_pyfunction!(check_project, m)?)?;
    m.add_function(wrap_pyfunction!(build_requirements, m)?)?;
    m.add_function(wrap_pyfunction!(check_artifact, m)?)?;
    m.add_function(wrap_pyfunction!(migrate, m)?)?;
    m.add_function(wrap_pyfunction!(migrate_add_globs, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
