//! The wheel's zip writer: entries compressed in parallel runs and merged in order, then
//! `RECORD` with the sha256 and size of every entry as written.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use zip::write::SimpleFileOptions;

use super::{
    copy_error, is_small, normalized_mode, open_temp_beside, persist, split_for_parallel,
    ArchiveWriter, Entry, Part, Sized, DEFAULT_EPOCH,
};
use crate::{Error, Result};

/// Entries shorter than this are stored, not deflated. Deflate saves at most a few bytes on
/// them (a 70-byte module shrinks by one byte, an empty `__init__.py` grows by two), while
/// resetting the deflate state costs more than everything else done for such an entry: on
/// 20,000 small modules, storing them takes a third off the CPU time and adds 0.4% to the
/// wheel's size.
pub const STORE_BELOW: u64 = 128;

/// The zip options for an entry of `len` bytes with the given executable bit: stored when it
/// is shorter than [`STORE_BELOW`], otherwise compressed as `options` say.
fn entry_options(options: SimpleFileOptions, len: u64, executable: bool) -> SimpleFileOptions {
    let mode = 0o100_000 | normalized_mode(executable);
    let options = if len < STORE_BELOW {
        options
            .compression_method(zip::CompressionMethod::Stored)
            .compression_level(None)
    } else {
        options
    };
    options
        .external_attributes(mode << 16)
        .large_file(len >= zip::ZIP64_BYTES_THR)
}

/// The RECORD line for an entry.
fn record_line(path: &str, digest: &[u8], size: u64) -> String {
    format!("{},{},{size}\n", record_path(path), record_digest(digest))
}

/// Entries read, hashed and compressed off the writer's thread: a small zip archive of a run
/// of consecutive entries (one zip writer per run, so its deflate state is reused from entry
/// to entry) and their RECORD lines, in order.
struct PreparedRun {
    archive: Vec<u8>,
    record: String,
}

/// Compresses a run of consecutive entries, each smaller than
/// [`PARALLEL_LIMIT`](super::PARALLEL_LIMIT), into an in-memory zip archive that
/// [`WheelWriter::add_all`] merges into the wheel as it is.
fn prepare_run(
    run: &[Sized<'_>],
    options: SimpleFileOptions,
    target: &Path,
) -> Result<PreparedRun> {
    let zip_error = |e: zip::result::ZipError| Error::Archive {
        path: target.to_path_buf(),
        message: e.to_string(),
    };
    let input: u64 = run.iter().map(|(_, len, _)| len).sum();
    let buffer = std::io::Cursor::new(Vec::with_capacity(input as usize / 2 + 4096));
    let mut zip = zip::ZipWriter::new(buffer);
    let mut record = String::new();
    for &(entry, len, executable) in run {
        let data = entry.read_all(len)?;
        zip.start_file(entry.path.as_str(), entry_options(options, len, executable))
            .map_err(zip_error)?;
        zip.write_all(&data)
            .map_err(|e| Error::io("compress", target, e))?;
        record.push_str(&record_line(&entry.path, &Sha256::digest(&data), len));
    }
    let archive = zip.finish().map_err(zip_error)?.into_inner();
    Ok(PreparedRun { archive, record })
}

/// The RECORD hash field for a sha256 digest: `sha256=` and the urlsafe base64 of the digest
/// without padding.
fn record_digest(digest: &[u8]) -> String {
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    )
}

/// The RECORD hash of `data`.
pub fn record_hash(data: &[u8]) -> String {
    record_digest(&Sha256::digest(data))
}

/// Quotes a RECORD path when it holds a comma, quote or line break (CSV rules).
fn record_path(path: &str) -> String {
    if path.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", path.replace('"', "\"\""))
    } else {
        path.to_string()
    }
}

fn zip_time(epoch: u64) -> zip::DateTime {
    // Zip can record 1980-01-01 to 2107-12-31; clamp anything else.
    let secs = epoch.clamp(DEFAULT_EPOCH, 4_354_819_199) as i64;
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            zip::DateTime::try_from(time::PrimitiveDateTime::new(t.date(), t.time())).ok()
        })
        .unwrap_or_default()
}

/// A buffered file writer that knows its position, so the zip writer's many "where am I"
/// questions cost no system call and do not flush the buffer (a plain `BufWriter` flushes on
/// every seek, which doubled the system calls per entry).
pub struct TrackedWriter {
    inner: BufWriter<File>,
    position: u64,
}

impl TrackedWriter {
    fn new(file: File) -> Self {
        TrackedWriter {
            inner: BufWriter::with_capacity(1 << 20, file),
            position: 0,
        }
    }
}

impl Write for TrackedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.position += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl std::io::Seek for TrackedWriter {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        if to == std::io::SeekFrom::Current(0) {
            return Ok(self.position);
        }
        self.position = self.inner.seek(to)?;
        Ok(self.position)
    }
}

/// Writes a wheel: entries in the given order, then `RECORD` last with the hash and size of
/// every entry computed from the bytes actually written.
pub struct WheelWriter {
    target: PathBuf,
    temp: NamedTempFile,
    zip: zip::ZipWriter<TrackedWriter>,
    options: SimpleFileOptions,
    record: String,
    dist_info: String,
}

impl WheelWriter {
    /// Starts a wheel that will be renamed to `target` when finished, deflating at `level`
    /// (0-9); its RECORD goes into the `dist_info` directory.
    pub fn create(target: &Path, dist_info: &str, epoch: u64, level: u32) -> Result<Self> {
        let (temp, file) = open_temp_beside(target)?;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(i64::from(level.min(9))))
            .last_modified_time(zip_time(epoch))
            .system(zip::System::Unix);
        Ok(WheelWriter {
            target: target.to_path_buf(),
            temp,
            zip: zip::ZipWriter::new(TrackedWriter::new(file)),
            options,
            record: String::new(),
            dist_info: dist_info.to_string(),
        })
    }

    fn zip_error(&self, e: impl std::fmt::Display) -> Error {
        Error::Archive {
            path: self.target.clone(),
            message: e.to_string(),
        }
    }

    /// Adds one entry, streaming it: memory stays bounded whatever the file's size.
    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    pub fn add(&mut self, entry: &Entry) -> Result<()> {
        let mut opened = entry.open()?;
        let options = entry_options(self.options, opened.len, opened.executable);
        self.zip
            .start_file(entry.path.as_str(), options)
            .map_err(|e| self.zip_error(e))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 256 * 1024];
        let mut size: u64 = 0;
        loop {
            let n = opened
                .reader
                .read(&mut buffer)
                .map_err(|e| copy_error(&self.target, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            self.zip
                .write_all(&buffer[..n])
                .map_err(|e| self.zip_error(e))?;
            size += n as u64;
        }
        self.record
            .push_str(&record_line(&entry.path, &hasher.finalize(), size));
        Ok(())
    }
}

impl ArchiveWriter for WheelWriter {
    type Output = PathBuf;

    /// Adds entries in order. Entries are read, hashed and compressed in parallel, in batches of at
    /// most [`BATCH_BYTES`](super::BATCH_BYTES) of input (and
    /// [`BATCH_ENTRIES`](super::BATCH_ENTRIES) entries), so memory stays bounded; a file of
    /// [`PARALLEL_LIMIT`](super::PARALLEL_LIMIT) bytes or more is streamed through alone. Each
    /// batch is cut into runs of consecutive entries, each compressed into a small archive by one
    /// worker, and the runs are merged in order: the archive order is the order given.
    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn add_all(&mut self, entries: &[Entry]) -> Result<()> {
        for part in split_for_parallel(entries)? {
            let batch = match part {
                Part::Large(entry) => {
                    self.add(entry)?;
                    continue;
                }
                Part::Batch(batch) => batch,
            };
            let options = self.options;
            let runs: Vec<Result<PreparedRun>> = if is_small(&batch) {
                vec![prepare_run(&batch, options, &self.target)]
            } else {
                let run_len = batch
                    .len()
                    .div_ceil(4 * rayon::current_num_threads())
                    .max(1);
                batch
                    .par_chunks(run_len)
                    .map(|run| prepare_run(run, options, &self.target))
                    .collect()
            };
            for run in runs {
                let run = run?;
                let archive = zip::ZipArchive::new(std::io::Cursor::new(run.archive))
                    .map_err(|e| self.zip_error(e))?;
                self.zip
                    .merge_archive(archive)
                    .map_err(|e| self.zip_error(e))?;
                self.record.push_str(&run.record);
            }
        }
        Ok(())
    }

    /// Writes `RECORD` into the `.dist-info` directory and moves the wheel into place.
    // Never inlined into its caller: the caller is compiled for size (crate docs).
    #[inline(never)]
    fn finish(mut self) -> Result<PathBuf> {
        let record_name = format!("{}/RECORD", self.dist_info);
        self.record
            .push_str(&format!("{},,\n", record_path(&record_name)));
        let options = self.options.external_attributes((0o100_000 | 0o644) << 16);
        self.zip
            .start_file(record_name.as_str(), options)
            .map_err(|e| self.zip_error(e))?;
        let record = std::mem::take(&mut self.record);
        self.zip
            .write_all(record.as_bytes())
            .map_err(|e| self.zip_error(e))?;
        let inner = self.zip.finish().map_err(|e| Error::Archive {
            path: self.target.clone(),
            message: e.to_string(),
        })?;
        persist(inner, self.temp, &self.target)?;
        Ok(self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_hash_matches_known_vectors() {
        // sha256("") and sha256("hello\n"), urlsafe base64 without padding.
        assert_eq!(
            record_hash(b""),
            "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
        assert_eq!(
            record_hash(b"hello\n"),
            "sha256=WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM"
        );
    }

    #[test]
    fn record_paths_are_csv_quoted() {
        assert_eq!(record_path("a/b.py"), "a/b.py");
        assert_eq!(record_path("a,b.py"), "\"a,b.py\"");
    }

    #[test]
    fn zip_times_are_clamped_utc_dates() {
        let t = zip_time(1_700_000_000); // 2023-11-14T22:13:20Z
        assert_eq!((t.year(), t.month(), t.day()), (2023, 11, 14));
        assert_eq!((t.hour(), t.minute(), t.second()), (22, 13, 20));
        assert_eq!(zip_time(0).year(), 1980);
    }
}
