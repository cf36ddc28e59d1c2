//! rustbackend: a Python build backend (PEP 517, PEP 660) with a Rust core.
//!
//! One data flow; each stage is a module that imports only the stages before it
//! (`tests/integration/layers.rs` checks the order):
//!
//! ```text
//! pyproject.toml --plan--> Plan: validated [project] and [tool.rustbackend] (every diagnostic
//!                          at once), the layout, the version, every name derived once
//! frontend --request--> BuildOptions: every -C setting from one table, the interpreter's facts
//! Plan + request --native--> compiled extension modules --tags--> the wheel tag
//! Plan + files + compiled --artifact--> Manifest: every entry (origin, reason), what is left
//!                          out and why; metadata renders METADATA / WHEEL / entry_points.txt
//! Manifest --archive writer--> wheel | sdist | .dist-info directory | listing (ls)
//! ```
//!
//! On top of them, [`check`] reads built artifacts back and [`migrate`] translates another
//! backend's configuration into this one's.
//!
//! Beneath the flow: [`error`] and [`names`] (the vocabulary), [`files`] (walking a tree,
//! ignore rules, globs, the default excludes), [`archive`] (encoding only) and [`tags`]
//! (the tag grammar and reading binaries), none of which knows a project.
//!
//! The public functions here are the hooks, free of Python: the pyo3 module in `python.rs`
//! (behind the `python` feature) only converts arguments and errors. No ambient input is
//! read here: the caller passes the project directory, the output directory and a
//! [`BuildOptions`] (`SOURCE_DATE_EPOCH`, config settings, the interpreter's facts).

pub mod archive;
pub mod artifact;
pub mod check;
pub mod error;
pub mod files;
pub mod metadata;
pub mod migrate;
pub mod names;
pub mod native;
pub mod plan;
pub mod request;
pub mod tags;

#[cfg(feature = "python")]
mod python;

use std::path::{Path, PathBuf};

pub use artifact::{ArtifactKind, Listing, Manifest};
pub use error::{Diagnostic, Error, Report, Result};
use metadata::MetadataFor;
pub use plan::Plan;
pub use request::BuildOptions;

/// A finished artifact and the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Built {
    /// The artifact's path.
    pub path: PathBuf,
    /// Warnings for the user.
    pub warnings: Vec<String>,
}

impl Built {
    /// The artifact's file name (what PEP 517 hooks return).
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The options for building `kind`: a wheel's interpreter facts come from `-C build-details`
/// when it is given; an sdist (which frontends pass the same settings) does not read it.
fn for_kind<'a>(
    options: &'a BuildOptions,
    project_dir: &Path,
    kind: ArtifactKind,
) -> Result<std::borrow::Cow<'a, BuildOptions>> {
    if kind == ArtifactKind::Sdist {
        return Ok(std::borrow::Cow::Borrowed(options));
    }
    options.for_project(project_dir)
}

fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the output directory", dir, e))
}

/// Builds a wheel of the project in `project_dir` into `out_dir`.
///
/// With `metadata_directory` (from [`prepare_metadata`]), the wheel's METADATA and
/// entry_points.txt are checked to be identical to the ones prepared there.
pub fn build_wheel(
    project_dir: &Path,
    out_dir: &Path,
    metadata_directory: Option<&Path>,
    options: &BuildOptions,
) -> Result<Built> {
    build(
        project_dir,
        out_dir,
        metadata_directory,
        options,
        ArtifactKind::Wheel,
    )
}

/// Builds an editable wheel (PEP 660) of the project in `project_dir` into `out_dir`.
pub fn build_editable(
    project_dir: &Path,
    out_dir: &Path,
    metadata_directory: Option<&Path>,
    options: &BuildOptions,
) -> Result<Built> {
    build(
        project_dir,
        out_dir,
        metadata_directory,
        options,
        ArtifactKind::Editable,
    )
}

/// Builds the sdist of the project in `project_dir` into `out_dir`.
pub fn build_sdist(project_dir: &Path, out_dir: &Path, options: &BuildOptions) -> Result<Built> {
    build(project_dir, out_dir, None, options, ArtifactKind::Sdist)
}

/// Every artifact's one path: plan, manifest, writer.
fn build(
    project_dir: &Path,
    out_dir: &Path,
    metadata_directory: Option<&Path>,
    options: &BuildOptions,
    kind: ArtifactKind,
) -> Result<Built> {
    let plan = Plan::load(project_dir)?;
    if let Some(dir) = metadata_directory {
        check_prepared_metadata(&plan, dir)?;
    }
    let options = &for_kind(options, project_dir, kind)?;
    let manifest = Manifest::of(&plan, kind, options, Some(out_dir))?;
    ensure_dir(out_dir)?;
    let path = manifest.write(&plan, out_dir, options.epoch())?;
    Ok(Built {
        path,
        warnings: manifest.warnings,
    })
}

/// Writes the `.dist-info` directory (without RECORD) into `metadata_directory` and returns
/// its name, for `prepare_metadata_for_build_wheel` / `_editable`: through the directory
/// writer, all or nothing.
pub fn prepare_metadata(project_dir: &Path, metadata_directory: &Path) -> Result<Built> {
    let plan = Plan::load(project_dir)?;
    let manifest = Manifest::prepared_metadata(&plan);
    let path = manifest.write_to(archive::DirWriter::create(metadata_directory)?)?;
    Ok(Built {
        path,
        warnings: manifest.warnings,
    })
}

/// What an artifact would contain, without writing it: its [`Manifest`] laid out by the list
/// writer (RECORD included for wheels, the sdist's top directory). The wheel's extension
/// modules are compiled (into a temporary directory; an editable wheel's into its build
/// directory, never next to the sources), so the listing names them and carries the real
/// tag: the same code as the build runs, so the listing cannot drift from it.
pub fn list_artifact(
    project_dir: &Path,
    kind: ArtifactKind,
    options: &BuildOptions,
) -> Result<Listing> {
    let plan = Plan::load(project_dir)?;
    let options = &for_kind(options, project_dir, kind)?;
    Manifest::of(&plan, kind, options, None)?.listing(&plan)
}

/// What an isolated build of the project must install besides rustbackend
/// (`get_requires_for_build_wheel` / `_editable`): Cython when a module has `.pyx` sources.
/// A project that does not load asks for nothing here; its build reports the problem.
pub fn build_requirements(project_dir: &Path) -> Vec<String> {
    Plan::load(project_dir)
        .map(|plan| native::build_requirements(&plan))
        .unwrap_or_default()
}

/// Validates the project: pyproject.toml, the layout, and every file the artifacts would
/// take (through the sdist's manifest, which walks what the wheel is built from too), without
/// compiling or writing anything; returns the warnings.
pub fn check_project(project_dir: &Path) -> Result<Vec<String>> {
    let plan = Plan::load(project_dir)?;
    Ok(Manifest::sdist(&plan, None)?.warnings)
}

/// Checks that METADATA and entry_points.txt in a directory from [`prepare_metadata`] are
/// what this build writes (PEP 517: the wheel's metadata must match the prepared one).
fn check_prepared_metadata(plan: &Plan, metadata_directory: &Path) -> Result<()> {
    let expected = [
        ("METADATA", Some(plan.metadata(MetadataFor::Wheel))),
        (
            "entry_points.txt",
            metadata::render_entry_points(&plan.pyproject.project),
        ),
    ];
    for (name, text) in expected {
        let path = metadata_directory.join(name);
        let prepared = match std::fs::read_to_string(&path) {
            Ok(prepared) => Some(prepared),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != "METADATA" => None,
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        if prepared != text {
            return Err(Error::PreparedMetadataChanged {
                file: name,
                directory: metadata_directory.to_path_buf(),
            });
        }
    }
    Ok(())
}
