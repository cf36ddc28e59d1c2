//! Writing an sdist: the entries of its [`Manifest`] under `{name}-{version}/`.

use std::path::{Path, PathBuf};

use crate::archive::{Entry, SdistWriter};
use crate::artifact::Manifest;
use crate::error::Result;
use crate::plan::Plan;

/// Writes the sdist into `out_dir`.
pub fn write_sdist(
    plan: &Plan,
    manifest: &Manifest,
    out_dir: &Path,
    epoch: u64,
) -> Result<PathBuf> {
    let base = plan.sdist_base();
    let target = out_dir.join(format!("{base}.tar.gz"));
    let mut writer = SdistWriter::create(&target, epoch, plan.compression_level())?;
    let prefixed: Vec<Entry> = manifest
        .entries
        .iter()
        .map(|entry| Entry {
            path: format!("{base}/{}", entry.path),
            contents: entry.contents.clone(),
        })
        .collect();
    writer.add_all(&prefixed)?;
    writer.finish()
}
