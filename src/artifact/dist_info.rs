//! The `.dist-info` directory of a wheel.

use super::{Member, Why};
use crate::archive::Entry;
use crate::metadata::{self, MetadataFor};
use crate::plan::Plan;
use crate::tags::Inferred;

/// The `.dist-info` members (without RECORD).
pub(super) fn dist_info_members(plan: &Plan, tag: &Inferred) -> Vec<Member> {
    dist_info_entries(plan, tag)
        .into_iter()
        .map(|entry| {
            let rest = entry.path.rsplit_once(".dist-info/").map_or("", |(_, r)| r);
            let why = if rest.starts_with("licenses/") {
                Why::License
            } else if rest.starts_with("sboms/") {
                Why::Sbom
            } else {
                Why::Metadata
            };
            Member::new(entry, why)
        })
        .collect()
}

/// The `.dist-info` files other than RECORD.
fn dist_info_entries(plan: &Plan, tag: &Inferred) -> Vec<Entry> {
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
