//! What goes where in a wheel: the modules at the root, then `.dist-info/` with licenses,
//! METADATA, WHEEL, entry_points.txt and RECORD last.

use std::path::{Path, PathBuf};

use crate::archive::{Entry, WheelWriter};
use crate::error::Result;
use crate::fileset;
use crate::metadata::{self, MetadataFor};
use crate::plan::Plan;

/// The tag of a pure-Python wheel.
pub const PURE_TAG: &str = "py3-none-any";

/// The `.dist-info` files other than RECORD, as (path inside the wheel, contents).
pub fn dist_info_entries(plan: &Plan, tags: &[String]) -> Vec<Entry> {
    let dist_info = plan.dist_info();
    let mut entries = Vec::new();
    for license in &plan.license_files {
        entries.push(Entry::file(
            format!("{dist_info}/licenses/{}", license.archive_path),
            &license.source,
        ));
    }
    entries.push(Entry::bytes(
        format!("{dist_info}/METADATA"),
        plan.metadata(MetadataFor::Wheel),
    ));
    entries.push(Entry::bytes(
        format!("{dist_info}/WHEEL"),
        metadata::render_wheel_file(true, tags),
    ));
    if let Some(text) = metadata::render_entry_points(&plan.pyproject.project) {
        entries.push(Entry::bytes(format!("{dist_info}/entry_points.txt"), text));
    }
    entries
}

/// Writes a wheel holding `payload` (the files outside `.dist-info`) into `out_dir`.
pub fn write_wheel(plan: &Plan, payload: &[Entry], out_dir: &Path, epoch: u64) -> Result<PathBuf> {
    let tags = vec![PURE_TAG.to_string()];
    let target = out_dir.join(plan.wheel_filename(PURE_TAG));
    let mut writer = WheelWriter::create(&target, epoch)?;
    for entry in payload.iter().chain(dist_info_entries(plan, &tags).iter()) {
        writer.add(entry)?;
    }
    writer.finish(&plan.dist_info())
}

/// The module files of a regular wheel.
pub fn module_entries(plan: &Plan) -> Result<(Vec<Entry>, Vec<String>)> {
    let walk = fileset::module_files(&plan.project_dir, &plan.layout)?;
    let entries = walk
        .files
        .iter()
        .map(|f| Entry::file(f.archive_path.clone(), &f.source))
        .collect();
    Ok((entries, walk.skipped_secrets))
}
