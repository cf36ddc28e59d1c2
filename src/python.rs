//! The pyo3 module `rustbackend._native`: converts arguments, runs the core with the GIL
//! released, and turns every error (and any panic) into `rustbackend.BuildError`.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::prelude::*;

use std::collections::HashMap;

use crate::native::PythonConfig;
use crate::plan::pyproject::settings::EditableMode;
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

fn options(source_date_epoch: Option<u64>) -> BuildOptions {
    BuildOptions {
        source_date_epoch,
        ..BuildOptions::default()
    }
}

fn result(built: Built) -> (String, Vec<String>) {
    (built.file_name(), built.warnings)
}

/// Builds a wheel; returns (file name, warnings). `wheel_tag` is the `wheel-tag` config
/// setting; `interpreter` the running Python's (major, minor).
#[pyfunction]
#[pyo3(signature = (project_dir, out_dir, metadata_directory=None, source_date_epoch=None, wheel_tag=None, interpreter=None, python_config=None))]
#[allow(clippy::too_many_arguments)]
fn build_wheel(
    py: Python<'_>,
    project_dir: PathBuf,
    out_dir: PathBuf,
    metadata_directory: Option<PathBuf>,
    source_date_epoch: Option<u64>,
    wheel_tag: Option<String>,
    interpreter: Option<(u32, u32)>,
    python_config: Option<HashMap<String, String>>,
) -> PyResult<(String, Vec<String>)> {
    let options = BuildOptions {
        wheel_tag,
        interpreter,
        python_config: python_config.map(|vars| PythonConfig { vars }),
        ..options(source_date_epoch)
    };
    run(py, || {
        crate::build_wheel(
            &project_dir,
            &out_dir,
            metadata_directory.as_deref(),
            &options,
        )
    })
    .map(result)
}

/// Builds an editable wheel; returns (file name, warnings). `editable_mode` is the
/// `editable-mode` config setting, if given.
#[pyfunction]
#[pyo3(signature = (project_dir, out_dir, metadata_directory=None, source_date_epoch=None, editable_mode=None, python_config=None))]
fn build_editable(
    py: Python<'_>,
    project_dir: PathBuf,
    out_dir: PathBuf,
    metadata_directory: Option<PathBuf>,
    source_date_epoch: Option<u64>,
    editable_mode: Option<String>,
    python_config: Option<HashMap<String, String>>,
) -> PyResult<(String, Vec<String>)> {
    let mode = match editable_mode.as_deref().map(|m| (m, EditableMode::parse(m))) {
        None => None,
        Some((_, Some(mode))) => Some(mode),
        Some((given, None)) => {
            return Err(build_error(
                py,
                format!("the config setting `editable-mode` must be \"pth\" or \"strict\", got `{given}`; pass -C editable-mode=strict (or pth)"),
            ))
        }
    };
    let options = BuildOptions {
        editable_mode: mode,
        python_config: python_config.map(|vars| PythonConfig { vars }),
        ..options(source_date_epoch)
    };
    run(py, || {
        crate::build_editable(
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
#[pyo3(signature = (project_dir, out_dir, source_date_epoch=None))]
fn build_sdist(
    py: Python<'_>,
    project_dir: PathBuf,
    out_dir: PathBuf,
    source_date_epoch: Option<u64>,
) -> PyResult<(String, Vec<String>)> {
    run(py, || {
        crate::build_sdist(&project_dir, &out_dir, &options(source_date_epoch))
    })
    .map(result)
}

/// Writes the .dist-info directory; returns (its name, warnings).
#[pyfunction]
fn prepare_metadata(
    py: Python<'_>,
    project_dir: PathBuf,
    metadata_directory: PathBuf,
) -> PyResult<(String, Vec<String>)> {
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
/// manifest the build writes; the wheel's extension modules are compiled for it.
#[pyfunction]
#[pyo3(signature = (project_dir, kind, interpreter=None, python_config=None))]
fn list_files(
    py: Python<'_>,
    project_dir: PathBuf,
    kind: &str,
    interpreter: Option<(u32, u32)>,
    python_config: Option<HashMap<String, String>>,
) -> PyResult<Listing> {
    let kind = match kind {
        "wheel" => crate::ArtifactKind::Wheel,
        "sdist" => crate::ArtifactKind::Sdist,
        "editable" => crate::ArtifactKind::Editable,
        other => return Err(build_error(py, format!("unknown artifact kind `{other}`"))),
    };
    let options = BuildOptions {
        interpreter,
        python_config: python_config.map(|vars| PythonConfig { vars }),
        ..BuildOptions::default()
    };
    run(py, || {
        let manifest = crate::list_artifact(&project_dir, kind, &options)?;
        let members = manifest.origins(&project_dir);
        let left_out = manifest
            .left_out
            .iter()
            .map(|(path, why)| (path.clone(), why.describe().to_string()))
            .collect();
        let tag = manifest.tag.as_ref().map(|t| t.tag.file_part());
        Ok((members, left_out, tag, manifest.warnings))
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

/// Checks a built wheel or sdist; returns the problems found (empty when sound).
#[pyfunction]
fn check_artifact(py: Python<'_>, path: PathBuf) -> PyResult<Vec<String>> {
    run(py, || Ok(crate::check::check_artifact(&path)))
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

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    install_quiet_panic_hook();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(build_editable, m)?)?;
    m.add_function(wrap_pyfunction!(build_sdist, m)?)?;
    m.add_function(wrap_pyfunction!(prepare_metadata, m)?)?;
    m.add_function(wrap_pyfunction!(list_files, m)?)?;
    m.add_function(wrap_pyfunction!(check_project, m)?)?;
    m.add_function(wrap_pyfunction!(build_requirements, m)?)?;
    m.add_function(wrap_pyfunction!(check_artifact, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
