//! rustbackend: a Python build backend (PEP 517, PEP 660) with a Rust core.
//!
//! One data flow, one module per step:
//!
//! ```text
//! pyproject.toml --pyproject--> validated PyProject (or every diagnostic at once)
//! PyProject --layout--> modules --plan--> Plan (all names derived once)
//! Plan --fileset--> sorted file set (the only place that decides what is packed)
//! Plan --metadata--> METADATA / PKG-INFO / WHEEL / entry_points.txt text
//! file set + texts --wheel / sdist / editable--> archive writer (temp file) --rename--> artifact
//! ```
//!
//! The public functions here are the hooks, free of Python: the pyo3 module in `python.rs`
//! (behind the `python` feature) only converts arguments and errors. No ambient input is
//! read here: the caller passes the project directory, the output directory and the
//! `SOURCE_DATE_EPOCH` value.

pub mod archive;
pub mod check;
pub mod classifiers;
pub mod editable;
pub mod error;
pub mod fileset;
pub mod globs;
pub mod gzip;
pub mod layout;
pub mod license;
pub mod metadata;
pub mod names;
pub mod native;
pub mod options;
pub mod plan;
pub mod pyproject;
pub mod sdist;
pub mod tags;
pub mod version;
pub mod wheel;

#[cfg(feature = "python")]
mod python;

use std::path::{Path, PathBuf};

pub use error::{Diagnostic, Error, Report, Result};
use metadata::MetadataFor;
pub use options::BuildOptions;
pub use plan::Plan;

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

fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the output directory", dir, e))
}

/// Builds a wheel of the project in `project_dir` into `out_dir`.
///
/// With `metadata_directory` (from [`prepare_metadata`]), the wheel's METADATA is checked to
/// be identical to the one prepared there.
pub fn build_wheel(
    project_dir: &Path,
    out_dir: &Path,
    metadata_directory: Option<&Path>,
    options: &BuildOptions,
) -> Result<Built> {
    let plan = Plan::load(project_dir)?;
    if let Some(dir) = metadata_directory {
        check_prepared_metadata(&plan, dir)?;
    }
    let (mut payload, skipped) = wheel::payload_entries(&plan)?;
    // Extension modules are compiled into a temporary directory that lives until the wheel
    // is written; a stale build in the source tree is replaced by the fresh one.
    let compiled = tempfile::tempdir().map_err(|e| Error::io("create", std::env::temp_dir(), e))?;
    let config = options.python_config.clone().unwrap_or_default();
    for built in native::build_all(&plan, &config, compiled.path())? {
        payload.retain(|e| e.path != built.archive_path);
        // Among the module files (which come before the `.data` directories), in order.
        let modules_end = payload
            .iter()
            .position(|e| {
                e.path
                    .starts_with(&format!("{}-{}.data/", plan.dist_name, plan.version))
            })
            .unwrap_or(payload.len());
        let at = payload[..modules_end].partition_point(|e| e.path < built.archive_path);
        payload.insert(at, archive::Entry::file(built.archive_path, built.file));
    }
    ensure_dir(out_dir)?;
    let tag = wheel::wheel_tag(&plan, &payload, options)?;
    let path = wheel::write_wheel(&plan, &payload, &tag, out_dir, options.epoch())?;
    let mut warnings = plan.warnings;
    warnings.extend(tag.warnings);
    warnings.extend(skipped.iter().map(|p| fileset::secret_warning(p)));
    Ok(Built { path, warnings })
}

/// Builds an editable wheel (PEP 660) of the project in `project_dir` into `out_dir`.
pub fn build_editable(
    project_dir: &Path,
    out_dir: &Path,
    metadata_directory: Option<&Path>,
    options: &BuildOptions,
) -> Result<Built> {
    let plan = Plan::load(project_dir)?;
    if let Some(dir) = metadata_directory {
        check_prepared_metadata(&plan, dir)?;
    }
    let mode = options
        .editable_mode
        .unwrap_or(plan.pyproject.settings.editable_mode);
    // Extension modules are compiled next to their sources, where the editable install
    // imports them from.
    let config = options.python_config.clone().unwrap_or_default();
    native::build_all(
        &plan,
        &config,
        &plan.project_dir.join(&plan.layout.module_root),
    )?;
    let payload = editable::editable_payload(&plan, mode)?;
    ensure_dir(out_dir)?;
    let tag = wheel::wheel_tag(&plan, &payload, options)?;
    let path = wheel::write_wheel(&plan, &payload, &tag, out_dir, options.epoch())?;
    Ok(Built {
        path,
        warnings: plan.warnings,
    })
}

/// Builds the sdist of the project in `project_dir` into `out_dir`.
pub fn build_sdist(project_dir: &Path, out_dir: &Path, options: &BuildOptions) -> Result<Built> {
    let plan = Plan::load(project_dir)?;
    let (entries, sdist_warnings) = sdist::sdist_entries(&plan, Some(out_dir))?;
    ensure_dir(out_dir)?;
    let path = sdist::write_sdist(&plan, &entries, out_dir, options.epoch())?;
    let mut warnings = plan.warnings;
    warnings.extend(sdist_warnings);
    Ok(Built { path, warnings })
}

/// Writes the `.dist-info` directory (without RECORD) into `metadata_directory` and returns
/// its name, for `prepare_metadata_for_build_wheel` / `_editable`.
pub fn prepare_metadata(project_dir: &Path, metadata_directory: &Path) -> Result<Built> {
    let plan = Plan::load(project_dir)?;
    let dist_info = plan.dist_info();
    let target = metadata_directory.join(&dist_info);
    // Write into a temporary directory beside the target, then rename: all or nothing.
    ensure_dir(metadata_directory)?;
    let temp = tempfile::Builder::new()
        .prefix(".rustbackend-")
        .tempdir_in(metadata_directory)
        .map_err(|e| Error::io("create a temporary directory in", metadata_directory, e))?;
    for entry in wheel::dist_info_entries(&plan, &wheel::pure()) {
        let relative = entry
            .path
            .strip_prefix(&format!("{dist_info}/"))
            .unwrap_or(&entry.path)
            .to_string();
        let dest = temp.path().join(&relative);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        match &entry.contents {
            archive::Contents::Bytes(data) => std::fs::write(&dest, data),
            archive::Contents::File(source) => std::fs::copy(source, &dest).map(|_| ()),
        }
        .map_err(|e| Error::io("write", &dest, e))?;
    }
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| Error::io("replace", &target, e))?;
    }
    let kept = temp.keep();
    std::fs::rename(&kept, &target).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        Error::io("rename the metadata directory to", &target, e)
    })?;
    Ok(Built {
        path: target,
        warnings: plan.warnings,
    })
}

/// Which artifact [`list_artifact`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// The regular wheel.
    Wheel,
    /// The sdist.
    Sdist,
    /// The editable wheel (in the project's configured mode).
    Editable,
}

/// What an artifact would contain, without building it: (path inside the artifact, where it
/// comes from: a path relative to the project, or `<generated>`). The same selection code as
/// the build runs, so the listing cannot drift from it.
pub fn list_artifact(project_dir: &Path, kind: ArtifactKind) -> Result<Vec<(String, String)>> {
    let plan = Plan::load(project_dir)?;
    let wheel_listing = |mut entries: Vec<archive::Entry>| -> Result<Vec<archive::Entry>> {
        let tag = wheel::wheel_tag(&plan, &entries, &BuildOptions::default())?;
        entries.extend(wheel::dist_info_entries(&plan, &tag));
        entries.push(archive::Entry::bytes(
            format!("{}/RECORD", plan.dist_info()),
            "",
        ));
        Ok(entries)
    };
    let entries = match kind {
        ArtifactKind::Wheel => wheel_listing(wheel::payload_entries(&plan)?.0)?,
        ArtifactKind::Editable => wheel_listing(editable::editable_payload(
            &plan,
            plan.pyproject.settings.editable_mode,
        )?)?,
        ArtifactKind::Sdist => {
            let base = plan.sdist_base();
            let (entries, _) = sdist::sdist_entries(&plan, None)?;
            entries
                .into_iter()
                .map(|mut e| {
                    e.path = format!("{base}/{}", e.path);
                    e
                })
                .collect()
        }
    };
    Ok(entries
        .into_iter()
        .map(|entry| {
            let source = match &entry.contents {
                archive::Contents::File(source) => {
                    let relative = source.strip_prefix(project_dir).unwrap_or(source);
                    fileset::archive_path(relative)
                        .unwrap_or_else(|| relative.to_string_lossy().into_owned())
                }
                archive::Contents::Bytes(_) => "<generated>".to_string(),
            };
            (entry.path, source)
        })
        .collect())
}

/// Validates the project's pyproject.toml and layout (everything a build checks before
/// writing); returns the warnings.
pub fn check_project(project_dir: &Path) -> Result<Vec<String>> {
    Ok(Plan::load(project_dir)?.warnings)
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
            return Err(Error::Input(format!(
                "the {name} prepared in `{}` differs from what this build produces; pyproject.toml or a file it names changed between prepare_metadata_for_build_wheel and build_wheel: run the build again",
                metadata_directory.display()
            )));
        }
    }
    Ok(())
}
