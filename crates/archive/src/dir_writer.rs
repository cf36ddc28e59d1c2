//! A directory writer: the entries as files below a directory, for
//! `prepare_metadata_for_build_wheel`'s `.dist-info` directory. All or nothing: the files go
//! into a temporary directory beside their place, and each top-level directory is renamed
//! into place when finished.

use std::path::{Path, PathBuf};

use super::{ArchiveWriter, Contents, Entry};
use crate::{Error, Result};

/// Writes entries as files below `out_dir`.
pub struct DirWriter {
    out_dir: PathBuf,
    staging: tempfile::TempDir,
    top_level: Vec<String>,
}

impl DirWriter {
    /// Starts writing below `out_dir` (created when missing).
    pub fn create(out_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(out_dir)
            .map_err(|e| Error::io("create the output directory", out_dir, e))?;
        let staging = tempfile::Builder::new()
            .prefix(".rustbackend-")
            .tempdir_in(out_dir)
            .map_err(|e| Error::io("create a temporary directory in", out_dir, e))?;
        Ok(DirWriter {
            out_dir: out_dir.to_path_buf(),
            staging,
            top_level: Vec::new(),
        })
    }
}

impl ArchiveWriter for DirWriter {
    /// The first top-level path written.
    type Output = PathBuf;

    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn add_all(&mut self, entries: &[Entry]) -> Result<()> {
        for entry in entries {
            let top = entry.path.split('/').next().unwrap_or_default().to_string();
            if !self.top_level.contains(&top) {
                self.top_level.push(top);
            }
            let dest = self.staging.path().join(&entry.path);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
            }
            match &entry.contents {
                Contents::Bytes(data) => std::fs::write(&dest, data),
                Contents::File(source) => std::fs::copy(source, &dest).map(|_| ()),
            }
            .map_err(|e| Error::io("write", &dest, e))?;
        }
        Ok(())
    }

    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn finish(self) -> Result<PathBuf> {
        let staging = self.staging.keep();
        let mut first = None;
        for top in &self.top_level {
            let target = self.out_dir.join(top);
            if target.is_dir() {
                std::fs::remove_dir_all(&target).map_err(|e| Error::io("replace", &target, e))?;
            }
            std::fs::rename(staging.join(top), &target).map_err(|e| {
                let _ = std::fs::remove_dir_all(&staging);
                Error::io("rename the finished directory to", &target, e)
            })?;
            first.get_or_insert(target);
        }
        let _ = std::fs::remove_dir_all(&staging);
        Ok(first.unwrap_or(self.out_dir))
    }
}
