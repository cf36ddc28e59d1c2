//! The wheel's tag and `.dist-info` files (licenses, SBOMs, METADATA, WHEEL,
//! entry_points.txt; RECORD last, by the writer), and writing a wheel's [`Manifest`].

use std::path::{Path, PathBuf};

use crate::archive::{Contents, Entry, WheelWriter};
use crate::artifact::Manifest;
use crate::error::{Error, Result};
use crate::files::walk;
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
            .map_err(|m| Error::Tag(format!("the config setting `wheel-tag`: {m}")))?;
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
    let limited_api = settings
        .ext_modules
        .iter()
        .filter_map(|m| m.py_limited_api.map(|(_, minor)| minor))
        .max();
    let mut inferred = tags::infer(
        &binaries,
        plan.pyproject.project.requires_python.as_deref(),
        limited_api,
        options.interpreter,
    )
    .map_err(Error::Tag)?;
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

/// Writes the wheel that `manifest` describes into `out_dir`.
pub fn write_wheel(
    plan: &Plan,
    manifest: &Manifest,
    out_dir: &Path,
    epoch: u64,
) -> Result<PathBuf> {
    let entries = &manifest.entries;
    walk::check_archive_paths(entries.iter().map(|e| e.path.as_str()))?;
    let tag = manifest
        .tag
        .as_ref()
        .map(|t| t.tag.file_part())
        .unwrap_or_default();
    let target = out_dir.join(plan.wheel_filename(&tag));
    let mut writer = WheelWriter::create(&target, epoch, plan.compression_level())?;
    writer.add_all(entries)?;
    writer.finish(&plan.dist_info())
}
