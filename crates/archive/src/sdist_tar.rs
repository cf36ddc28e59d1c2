//! The sdist's writer: a pax tar, gzipped on every core.

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tempfile::NamedTempFile;

use super::{
    copy_error, is_small, normalized_mode, open_temp_beside, persist, split_for_parallel,
    ArchiveWriter, Entry, Part,
};
use crate::gzip::ParallelGzEncoder;
use crate::{Error, Result};

/// Writes a gzip-compressed POSIX.1-2001 (pax) tar.
pub struct SdistWriter {
    target: PathBuf,
    temp: NamedTempFile,
    tar: tar::Builder<ParallelGzEncoder<BufWriter<File>>>,
    epoch: u64,
    base: String,
}

impl SdistWriter {
    /// Starts an sdist that will be renamed to `target` when finished, gzipping at `level`
    /// (0-9); every entry goes under the top directory `base`.
    pub fn create(target: &Path, base: &str, epoch: u64, level: u32) -> Result<Self> {
        let (temp, file) = open_temp_beside(target)?;
        let gz = ParallelGzEncoder::new(BufWriter::new(file), epoch, level)
            .map_err(|e| Error::io("write", target, e))?;
        let mut tar = tar::Builder::new(gz);
        tar.mode(tar::HeaderMode::Deterministic);
        Ok(SdistWriter {
            target: target.to_path_buf(),
            temp,
            tar,
            epoch,
            base: base.to_string(),
        })
    }

    /// Adds one entry, streaming it.
    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    pub fn add(&mut self, entry: &Entry) -> Result<()> {
        let opened = entry.open()?;
        self.append(entry, opened.len, opened.executable, opened.reader)
    }

    /// Appends one member: a header (with a pax record for a long or non-ASCII path), then
    /// `len` bytes from `reader`.
    fn append(
        &mut self,
        entry: &Entry,
        len: u64,
        executable: bool,
        reader: impl Read,
    ) -> Result<()> {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(len);
        header.set_mode(normalized_mode(executable));
        header.set_mtime(self.epoch);
        header.set_uid(0);
        header.set_gid(0);
        // Paths that do not fit a ustar header, or are not ASCII, go in a pax record.
        let path = format!("{}/{}", self.base, entry.path);
        if !path.is_ascii() || header.set_path(&path).is_err() {
            self.tar
                .append_pax_extensions([("path", path.as_bytes())])
                .map_err(|e| Error::io("write", &self.target, e))?;
            let short: String = path
                .chars()
                .filter(char::is_ascii)
                .rev()
                .take(99)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            header
                .set_path(short.trim_start_matches('/'))
                .map_err(|e| Error::io("write", &self.target, e))?;
        }
        header.set_cksum();
        self.tar
            .append(&header, reader)
            .map_err(|e| copy_error(&self.target, e))
    }
}

impl ArchiveWriter for SdistWriter {
    type Output = PathBuf;

    /// Adds entries in order; files smaller than [`PARALLEL_LIMIT`](super::PARALLEL_LIMIT) are read
    /// in parallel, in batches of at most [`BATCH_BYTES`](super::BATCH_BYTES), while the tar stream
    /// stays in the order given.
    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn add_all(&mut self, entries: &[Entry]) -> Result<()> {
        for part in split_for_parallel(entries)? {
            match part {
                Part::Large(entry) => self.add(entry)?,
                Part::Batch(batch) => {
                    let contents: Vec<Result<std::borrow::Cow<'_, [u8]>>> = if is_small(&batch) {
                        batch
                            .iter()
                            .map(|(entry, len, _)| entry.read_all(*len))
                            .collect()
                    } else {
                        batch
                            .par_iter()
                            .map(|(entry, len, _)| entry.read_all(*len))
                            .collect()
                    };
                    for ((entry, len, executable), data) in batch.iter().zip(contents) {
                        self.append(entry, *len, *executable, &*data?)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Finishes the archive and moves it into place.
    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn finish(self) -> Result<PathBuf> {
        let gz = self
            .tar
            .into_inner()
            .map_err(|e| Error::io("write", &self.target, e))?;
        let inner = gz
            .finish()
            .map_err(|e| Error::io("write", &self.target, e))?;
        persist(inner, self.temp, &self.target)?;
        Ok(self.target)
    }
}
