//! Cutting an entry list for the writers: large files streamed alone, the rest in bounded
//! batches that are read, hashed and compressed in parallel (or, when small, on the calling
//! thread).

use rayon::prelude::*;

use super::Entry;
use crate::Result;

/// Entries at least this large are streamed alone rather than compressed in parallel.
pub const PARALLEL_LIMIT: u64 = 8 * 1024 * 1024;

/// The most input bytes compressed in parallel at once: it bounds the memory that holds
/// compressed data waiting to be written.
pub const BATCH_BYTES: u64 = 32 * 1024 * 1024;

/// The most entries compressed in parallel at once.
pub const BATCH_ENTRIES: usize = 4096;

/// Fewer entries than this, holding fewer bytes than [`SERIAL_BYTES`], are read, hashed and
/// compressed on the calling thread: starting rayon's pool (threads that spin before they
/// sleep) costs more than parallel work saves on them, and a small project's whole hook
/// takes a few milliseconds.
pub const SERIAL_ENTRIES: usize = 32;

/// See [`SERIAL_ENTRIES`]: about what deflate gets through in the time the pool takes to start.
pub const SERIAL_BYTES: u64 = 32 * 1024;

/// Whether a batch is small enough to be done on the calling thread.
pub(super) fn is_small(batch: &[Sized<'_>]) -> bool {
    batch.len() < SERIAL_ENTRIES && batch.iter().map(|(_, len, _)| len).sum::<u64>() < SERIAL_BYTES
}

/// An entry with its size and executable bit, from one `stat`.
pub(super) type Sized<'a> = (&'a Entry, u64, bool);

/// A piece of an entry list as the writers take it: one entry of [`PARALLEL_LIMIT`] bytes or
/// more, streamed alone, or a batch of smaller consecutive entries, read in parallel.
pub(super) enum Part<'a> {
    Large(&'a Entry),
    Batch(Vec<Sized<'a>>),
}

/// Stats every entry in parallel and splits the list, in order, into large entries and
/// batches of at most [`BATCH_BYTES`] of input and [`BATCH_ENTRIES`] entries, so the memory
/// that a batch holds stays bounded.
pub(super) fn split_for_parallel(entries: &[Entry]) -> Result<Vec<Part<'_>>> {
    let stats: Vec<Result<(u64, bool)>> = if entries.len() < SERIAL_ENTRIES {
        entries.iter().map(Entry::stat).collect()
    } else {
        entries.par_iter().map(Entry::stat).collect()
    };
    let mut parts = Vec::new();
    let mut batch: Vec<Sized<'_>> = Vec::new();
    let mut bytes = 0;
    for (entry, stat) in entries.iter().zip(stats) {
        let (len, executable) = stat?;
        let full = batch.len() == BATCH_ENTRIES || (!batch.is_empty() && bytes + len > BATCH_BYTES);
        if (len >= PARALLEL_LIMIT || full) && !batch.is_empty() {
            parts.push(Part::Batch(std::mem::take(&mut batch)));
            bytes = 0;
        }
        if len >= PARALLEL_LIMIT {
            parts.push(Part::Large(entry));
        } else {
            bytes += len;
            batch.push((entry, len, executable));
        }
    }
    if !batch.is_empty() {
        parts.push(Part::Batch(batch));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_split_into_bounded_batches_and_large_files_in_order() {
        let big = PARALLEL_LIMIT as usize;
        let mut entries: Vec<Entry> = (0..BATCH_ENTRIES + 3)
            .map(|i| Entry::bytes(format!("s{i}"), vec![b'x'; 10]))
            .collect();
        entries.insert(2, Entry::bytes("large", vec![0u8; big]));
        entries.push(Entry::bytes("half-1", vec![0u8; big - 1]));
        entries.push(Entry::bytes("half-2", vec![0u8; big - 1]));
        entries.push(Entry::bytes("half-3", vec![0u8; big - 1]));
        entries.push(Entry::bytes("half-4", vec![0u8; big - 1]));
        entries.push(Entry::bytes("half-5", vec![0u8; big - 1]));
        let parts = split_for_parallel(&entries).unwrap();
        let shape: Vec<String> = parts
            .iter()
            .map(|part| match part {
                Part::Large(entry) => entry.path.clone(),
                Part::Batch(batch) => format!("{}x{}", batch.len(), batch[0].0.path),
            })
            .collect();
        // Order kept; a large entry stands alone; batches stop at BATCH_ENTRIES entries and
        // at BATCH_BYTES of input (a small file and three just under 8 MiB fit in 32 MiB; a
        // fourth would not).
        assert_eq!(
            shape,
            [
                "2xs0".to_string(),
                "large".to_string(),
                format!("{BATCH_ENTRIES}xs2"),
                "4xs4098".to_string(),
                "2xhalf-4".to_string(),
            ]
        );
        let total: usize = parts
            .iter()
            .map(|part| match part {
                Part::Large(_) => 1,
                Part::Batch(batch) => batch.len(),
            })
            .sum();
        assert_eq!(total, entries.len());
    }
}
