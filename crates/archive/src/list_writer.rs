//! A list writer: the paths an archive would hold, in its order, without encoding anything
//! (`rustbackend ls`). It lays paths out as the wheel and sdist writers do (RECORD last in
//! `.dist-info`; everything under the sdist's top directory), so a listing cannot drift from
//! an artifact.

use super::{ArchiveWriter, Entry};
use crate::Result;

/// Collects the archive paths of the entries it is given.
#[derive(Debug, Default)]
pub struct ListWriter {
    prefix: Option<String>,
    record: Option<String>,
    paths: Vec<String>,
}

impl ListWriter {
    /// Lists a wheel's paths, with RECORD in `dist_info` last.
    pub fn wheel(dist_info: &str) -> Self {
        ListWriter {
            record: Some(format!("{dist_info}/RECORD")),
            ..ListWriter::default()
        }
    }

    /// Lists an sdist's paths, each under the top directory `base`.
    pub fn sdist(base: &str) -> Self {
        ListWriter {
            prefix: Some(base.to_string()),
            ..ListWriter::default()
        }
    }
}

impl ArchiveWriter for ListWriter {
    /// The archive paths, in archive order.
    type Output = Vec<String>;

    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn add_all(&mut self, entries: &[Entry]) -> Result<()> {
        self.paths
            .extend(entries.iter().map(|e| match &self.prefix {
                Some(prefix) => format!("{prefix}/{}", e.path),
                None => e.path.clone(),
            }));
        Ok(())
    }

    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn finish(mut self) -> Result<Vec<String>> {
        self.paths.extend(self.record);
        Ok(self.paths)
    }
}
