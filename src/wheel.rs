//! What goes where in a wheel: the modules at the root, `.data/` directories, then
//! `.dist-info/` with licenses, SBOMs, METADATA, WHEEL, entry_points.txt and RECORD last.

use std::path::{Path, PathBuf};

use crate::archive::{Contents, Entry, WheelWriter};
use crate::error::{Error, Result};
use crate::fileset;
use crate::metadata::{self, MetadataFor};
use crate::plan::Plan;
use crate::tags::{self, Inferred, WheelTag};
use crate::BuildOptions;

/// The tag facts of a pure-Python wheel.
pub fn pure() -> Inferred {
    Inferred {
        tag: WheelTag::pure(),
        purelib: true,
        warnings: Vec::new(),
    }
}

/// The wheel's tag: `-C wheel-tag`, else `[tool.rustbackend.wheel] tag`, else inferred from
/// the binaries among `payload`, with `python-tag` / `abi-tag` / `platform-tag` replacing
/// parts of it.
pub fn wheel_tag(plan: &Plan, payload: &[Entry], options: &BuildOptions) -> Result<Inferred> {
    let settings = &plan.pyproject.settings;
    if let Some(text) = &options.wheel_tag {
        let tag = WheelTag::parse(text)
            .map_err(|m| Error::Input(format!("the config setting `wheel-tag`: {m}")))?;
        return Ok(Inferred {
            purelib: tag.is_pure(),
            tag,
            warnings: Vec::new(),
        });
    }
    if let Some(tag) = &settings.wheel_tag {
        return Ok(Inferred {
            purelib: tag.is_pure(),
            tag: tag.clone(),
            warnings: Vec::new(),
        });
    }
    let binaries: Vec<(String, std::path::PathBuf)> = payload
        .iter()
        .filter(|e| tags::is_binary(&e.path))
        .filter_map(|e| match &e.contents {
            Contents::File(source) => Some((e.path.clone(), source.clone())),
            Contents::Bytes(_) => None,
        })
        .collect();
    let mut inferred = tags::infer(
        &binaries,
        plan.pyproject.project.requires_python.as_deref(),
        options.interpreter,
    )
    .map_err(Error::Input)?;
    let [python, abi, platform] = &settings.wheel_tag_parts;
    if let Some(python) = python {
        inferred.tag.python = python.clone();
    }
    if let Some(abi) = abi {
        inferred.tag.abi = abi.clone();
    }
    if let Some(platform) = platform {
        inferred.tag.platform = platform.clone();
    }
    Ok(inferred)
}

/// The `.dist-info` files other than RECORD.
pub fn dist_info_entries(plan: &Plan, tag: &Inferred) -> Vec<Entry> {
    let dist_info = plan.dist_info();
    let mut entries = Vec::new();
    for license in &plan.license_files {
        entries.push(Entry::file(
            format!("{dist_info}/licenses/{}", license.archive_path),
            &license.source,
        ));
    }
    for sbom in &plan.pyproject.settings.wheel_sboms {
        let name = sbom.rsplit('/').next().unwrap_or(sbom);
        entries.push(Entry::file(
            format!("{dist_info}/sboms/{name}"),
            plan.project_dir.join(sbom),
        ));
    }
    entries.push(Entry::bytes(
        format!("{dist_info}/METADATA"),
        plan.metadata(MetadataFor::Wheel),
    ));
    entries.push(Entry::bytes(
        format!("{dist_info}/WHEEL"),
        metadata::render_wheel_file(tag.purelib, &tag.tag.expand()),
    ));
    if let Some(text) = metadata::render_entry_points(&plan.pyproject.project) {
        entries.push(Entry::bytes(format!("{dist_info}/entry_points.txt"), text));
    }
    entries
}

/// Writes a wheel holding `payload` (the files outside `.dist-info`) into `out_dir`.
pub fn write_wheel(
    plan: &Plan,
    payload: &[Entry],
    tag: &Inferred,
    out_dir: &Path,
    epoch: u64,
) -> Result<PathBuf> {
    let dist_info = dist_info_entries(plan, tag);
    fileset::check_archive_paths(payload.iter().chain(&dist_info).map(|e| e.path.as_str()))?;
    let target = out_dir.join(plan.wheel_filename(&tag.tag.file_part()));
    let mut writer = WheelWriter::create(&target, epoch, plan.compression_level())?;
    writer.add_all(payload)?;
    writer.add_all(&dist_info)?;
    writer.finish(&plan.dist_info())
}

/// The files of the `.data` directories (`[tool.rustbackend.wheel.data]`), as entries
/// under `{name}-{version}.data/{key}/`.
pub fn data_entries(plan: &Plan) -> Result<(Vec<Entry>, Vec<String>)> {
    let excludes = plan.wheel_excludes()?;
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (key, dir) in &plan.pyproject.settings.wheel_data {
        let walk = fileset::walk(&plan.project_dir, dir, plan.walk_options())?;
        for file in walk.files {
            if excludes.matches(&file.archive_path) {
                continue;
            }
            let inside = fileset::strip_dir(&file.archive_path, dir);
            entries.push(Entry::file(
                format!("{}-{}.data/{key}/{inside}", plan.dist_name, plan.version),
                file.source,
            ));
        }
        skipped.extend(walk.skipped_secrets);
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((entries, skipped))
}

/// The files of a regular wheel outside `.dist-info`: modules, then `.data` directories;
/// and the secrets left out.
pub fn payload_entries(plan: &Plan) -> Result<(Vec<Entry>, Vec<String>)> {
    let walk = fileset::module_files(
        &plan.project_dir,
        &plan.layout,
        &plan.wheel_excludes()?,
        plan.walk_options(),
    )?;
    let mut entries: Vec<Entry> = walk
        .files
        .iter()
        .map(|f| Entry::file(f.archive_path.clone(), &f.source))
        .collect();
    let (data, data_skipped) = data_entries(plan)?;
    entries.extend(data);
    let mut skipped = walk.skipped_secrets;
    skipped.extend(data_skipped);
    Ok((entries, skipped))
}
