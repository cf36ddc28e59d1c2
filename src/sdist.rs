//! What goes into an sdist: every project file git would not ignore (minus the default
//! excludes), plus pyproject.toml, the readme, license files and module sources even when
//! ignored, and a generated PKG-INFO, all under `{name}-{version}/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::archive::{Entry, SdistWriter};
use crate::error::Result;
use crate::fileset;
use crate::metadata::MetadataFor;
use crate::plan::Plan;
use crate::pyproject::PYPROJECT;

/// The files of the sdist, relative to the project root, sorted, with PKG-INFO, and the
/// secrets that were left out.
pub fn sdist_entries(plan: &Plan, out_dir: Option<&Path>) -> Result<(Vec<Entry>, Vec<String>)> {
    let skip: Vec<PathBuf> = out_dir.map(Path::to_path_buf).into_iter().collect();
    let walk = fileset::walk(&plan.project_dir, "", "", true, &skip)?;
    let mut files: BTreeMap<String, Entry> = BTreeMap::new();
    for file in walk.files {
        files.insert(
            file.archive_path.clone(),
            Entry::file(file.archive_path, file.source),
        );
    }
    // Always present, even when gitignored: what the wheel is built from.
    files.insert(
        PYPROJECT.into(),
        Entry::bytes(PYPROJECT, plan.sdist_pyproject()?),
    );
    if let Some(readme) = plan
        .pyproject
        .project
        .readme
        .as_ref()
        .and_then(|r| r.file.clone())
    {
        files.insert(
            readme.clone(),
            Entry::file(readme.clone(), plan.project_dir.join(&readme)),
        );
    }
    for license in &plan.license_files {
        files.insert(
            license.archive_path.clone(),
            Entry::file(license.archive_path.clone(), &license.source),
        );
    }
    let modules = fileset::module_files(&plan.project_dir, &plan.layout)?;
    for file in modules.files {
        let relative = file
            .source
            .strip_prefix(&plan.project_dir)
            .unwrap_or(&file.source)
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(relative.clone(), Entry::file(relative, file.source));
    }
    files.insert(
        "PKG-INFO".into(),
        Entry::bytes("PKG-INFO", plan.metadata(MetadataFor::Sdist)),
    );
    let mut skipped = walk.skipped_secrets;
    skipped.sort();
    Ok((files.into_values().collect(), skipped))
}

/// Writes the sdist into `out_dir`.
pub fn write_sdist(plan: &Plan, entries: &[Entry], out_dir: &Path, epoch: u64) -> Result<PathBuf> {
    let base = plan.sdist_base();
    let target = out_dir.join(format!("{base}.tar.gz"));
    let mut writer = SdistWriter::create(&target, epoch)?;
    for entry in entries {
        let mut entry = entry.clone();
        entry.path = format!("{base}/{}", entry.path);
        writer.add(&entry)?;
    }
    writer.finish()
}
