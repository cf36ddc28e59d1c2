//! What goes into an sdist: every project file git would not ignore (minus the default
//! excludes and `exclude` globs), what `[tool.rustbackend.sdist] include` asks for, plus
//! pyproject.toml, the readme, license files, SBOMs and every file the wheel is built from
//! even when ignored, and a generated PKG-INFO, all under `{name}-{version}/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::archive::{Contents, Entry, SdistWriter};
use crate::error::Result;
use crate::fileset::{self, Excludes, WalkOptions};
use crate::metadata::MetadataFor;
use crate::plan::Plan;
use crate::pyproject::PYPROJECT;
use crate::wheel;

/// The path of a file relative to the project root, `/`-separated.
fn project_relative(plan: &Plan, source: &Path) -> String {
    let relative = source.strip_prefix(&plan.project_dir).unwrap_or(source);
    crate::fileset::archive_path(relative)
        .unwrap_or_else(|| relative.to_string_lossy().into_owned())
}

/// The files of the sdist, relative to the project root, sorted, with PKG-INFO; and the
/// warnings for the user (secrets left out, ignored files included on purpose).
pub fn sdist_entries(plan: &Plan, out_dir: Option<&Path>) -> Result<(Vec<Entry>, Vec<String>)> {
    let settings = &plan.pyproject.settings;
    let skip: Vec<PathBuf> = out_dir.map(Path::to_path_buf).into_iter().collect();
    let options = WalkOptions {
        gitignore: true,
        skip_build_dirs: true,
        skip: &skip,
        ..plan.walk_options()
    };
    let walk = fileset::walk(&plan.project_dir, "", options)?;
    let excludes = plan.sdist_excludes()?;
    let mut files: BTreeMap<String, Entry> = BTreeMap::new();
    for file in walk.files {
        if !excludes.matches(&file.archive_path) {
            files.insert(
                file.archive_path.clone(),
                Entry::file(file.archive_path, file.source),
            );
        }
    }
    let mut warnings: Vec<String> = walk
        .skipped_secrets
        .iter()
        .map(|p| fileset::secret_warning(p))
        .collect();

    // Files matched by `[tool.rustbackend.sdist] include` go in even when ignored.
    if !settings.sdist_include.is_empty() {
        let includes = Excludes::new(&settings.sdist_include)?;
        let everything = WalkOptions {
            everything: true,
            skip: &skip,
            ..plan.walk_options()
        };
        for file in fileset::walk(&plan.project_dir, "", everything)?.files {
            if includes.matches(&file.archive_path) && !files.contains_key(&file.archive_path) {
                warnings.push(format!(
                    "`{}` is ignored by git, excluded by default or looks like a secret, but `tool.rustbackend.sdist.include` includes it",
                    file.archive_path
                ));
                warnings.retain(|w| *w != fileset::secret_warning(&file.archive_path));
                files.insert(
                    file.archive_path.clone(),
                    Entry::file(file.archive_path, file.source),
                );
            }
        }
    }

    // Always present, even when ignored or excluded: what the wheel is built from.
    files.insert(
        PYPROJECT.into(),
        Entry::bytes(PYPROJECT, plan.sdist_pyproject()?),
    );
    let mut needed: Vec<PathBuf> = Vec::new();
    if let Some(readme) = plan
        .pyproject
        .project
        .readme
        .as_ref()
        .and_then(|r| r.file.as_ref())
    {
        needed.push(plan.project_dir.join(readme));
    }
    needed.extend(plan.license_files.iter().map(|l| l.source.clone()));
    needed.extend(
        settings
            .wheel_sboms
            .iter()
            .map(|s| plan.project_dir.join(s)),
    );
    let (payload, _) = wheel::payload_entries(plan)?;
    needed.extend(payload.into_iter().filter_map(|e| match e.contents {
        Contents::File(source) => Some(source),
        Contents::Bytes(_) => None,
    }));
    for source in needed {
        let relative = project_relative(plan, &source);
        files.insert(relative.clone(), Entry::file(relative, source));
    }
    files.insert(
        "PKG-INFO".into(),
        Entry::bytes("PKG-INFO", plan.metadata(MetadataFor::Sdist)),
    );
    let entries: Vec<Entry> = files.into_values().collect();
    fileset::check_archive_paths(entries.iter().map(|e| e.path.as_str()))?;
    Ok((entries, warnings))
}

/// Writes the sdist into `out_dir`.
pub fn write_sdist(plan: &Plan, entries: &[Entry], out_dir: &Path, epoch: u64) -> Result<PathBuf> {
    let base = plan.sdist_base();
    let target = out_dir.join(format!("{base}.tar.gz"));
    let mut writer = SdistWriter::create(&target, epoch, plan.compression_level())?;
    let prefixed: Vec<Entry> = entries
        .iter()
        .map(|entry| Entry {
            path: format!("{base}/{}", entry.path),
            contents: entry.contents.clone(),
        })
        .collect();
    writer.add_all(&prefixed)?;
    writer.finish()
}
