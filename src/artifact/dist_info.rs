//! The `.dist-info` directory of a wheel.

use super::{wheel, Member, Why};
use crate::plan::Plan;
use crate::tags::Inferred;

/// The `.dist-info` members (without RECORD).
pub(super) fn dist_info_members(plan: &Plan, tag: &Inferred) -> Vec<Member> {
    wheel::dist_info_entries(plan, tag)
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
