//! A gzip writer that deflates on every core and still writes one ordinary gzip member.
//!
//! The input is cut into fixed [`CHUNK`]-byte pieces. Each piece is deflated on its own,
//! primed with the last 32 KiB of the piece before it (so matches reach across the cut and
//! the size stays that of a single-threaded stream), and ends on a sync flush (an empty
//! stored block that byte-aligns it), except the last, which ends the stream. The pieces
//! join into one deflate stream; their CRC-32s combine into the trailer's. The cuts depend
//! only on the input, never on the thread count, so the output is the same on any machine.
//!
//! flate2 has no parallel encoder; the gzip framing written here is RFC 1952's fixed
//! 10-byte header and 8-byte trailer, and all deflating is flate2's.

use std::io::{self, Write};

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

/// Input bytes per independently deflated piece.
pub const CHUNK: usize = 1 << 20;

/// Pieces deflated at once: bounds the memory held to about twice this many [`CHUNK`]s.
const PIECES_IN_FLIGHT: usize = 8;

/// How much of the previous piece primes the next: deflate's whole window.
const WINDOW: usize = 32 * 1024;

/// The rayon worker threads (by index, up to 64) that have deflated a piece in this
/// process: one atomic OR per megabyte, so that a test can prove an sdist is compressed on
/// more than one core ([`deflate_threads_seen`]).
static DEFLATE_THREADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many distinct threads have deflated pieces of a gzip stream in this process.
pub fn deflate_threads_seen() -> u32 {
    DEFLATE_THREADS
        .load(std::sync::atomic::Ordering::Relaxed)
        .count_ones()
}

/// A gzip writer that deflates pieces of its input in parallel (see the module docs).
pub struct ParallelGzEncoder<W: Write> {
    inner: W,
    level: u32,
    /// Full pieces waiting to be deflated.
    pending: Vec<Vec<u8>>,
    /// The piece being filled.
    current: Vec<u8>,
    /// The end of the last piece already deflated: the next piece's dictionary.
    tail: Vec<u8>,
    crc: crc32fast::Hasher,
    total: u64,
}

impl<W: Write> ParallelGzEncoder<W> {
    /// Starts a gzip member on `inner` with the given modification time (seconds since the
    /// epoch, clamped to 32 bits) and deflate level (0-9); the OS byte is 255 (unknown).
    pub fn new(mut inner: W, mtime: u64, level: u32) -> io::Result<Self> {
        let level = level.min(9);
        let extra_flags = match level {
            9 => 2,
            0 | 1 => 4,
            _ => 0,
        };
        let mtime = mtime.min(u64::from(u32::MAX)) as u32;
        let mut header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extra_flags, 255];
        header[4..8].copy_from_slice(&mtime.to_le_bytes());
        inner.write_all(&header)?;
        Ok(ParallelGzEncoder {
            inner,
            level,
            pending: Vec::new(),
            current: Vec::with_capacity(CHUNK),
            tail: Vec::new(),
            crc: crc32fast::Hasher::new(),
            total: 0,
        })
    }

    /// Deflates the pending pieces in parallel and writes them in order; `last` ends the
    /// stream with the final piece.
    fn deflate_pending(&mut self, last: bool) -> io::Result<()> {
        let pieces = std::mem::take(&mut self.pending);
        let count = pieces.len();
        let level = self.level;
        let tail = &self.tail;
        let deflate = |i: usize| {
            let dictionary = match i {
                0 => tail.as_slice(),
                _ => window_of(&pieces[i - 1]),
            };
            let thread = rayon::current_thread_index().unwrap_or(63).min(63);
            DEFLATE_THREADS.fetch_or(1 << thread, std::sync::atomic::Ordering::Relaxed);
            let mut crc = crc32fast::Hasher::new();
            crc.update(&pieces[i]);
            let out = deflate_piece(level, dictionary, &pieces[i], last && i + 1 == count)?;
            Ok((out, crc))
        };
        // One piece (a small sdist) is deflated here: starting rayon's pool would cost more.
        let outputs: Vec<io::Result<(Vec<u8>, crc32fast::Hasher)>> = if count == 1 {
            vec![deflate(0)]
        } else {
            (0..count).into_par_iter().map(deflate).collect()
        };
        for output in outputs {
            let (out, crc) = output?;
            self.inner.write_all(&out)?;
            self.crc.combine(&crc);
        }
        if let Some(piece) = pieces.last() {
            self.tail = window_of(piece).to_vec();
        }
        Ok(())
    }

    /// Ends the stream, writes the trailer and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        let current = std::mem::take(&mut self.current);
        self.pending.push(current);
        self.deflate_pending(true)?;
        let crc = self.crc.clone().finalize();
        self.inner.write_all(&crc.to_le_bytes())?;
        self.inner.write_all(&(self.total as u32).to_le_bytes())?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for ParallelGzEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(CHUNK - self.current.len());
        self.current.extend_from_slice(&buf[..n]);
        self.total += n as u64;
        if self.current.len() == CHUNK {
            let full = std::mem::replace(&mut self.current, Vec::with_capacity(CHUNK));
            self.pending.push(full);
            if self.pending.len() == PIECES_IN_FLIGHT {
                self.deflate_pending(false)?;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The last [`WINDOW`] bytes of a piece.
fn window_of(piece: &[u8]) -> &[u8] {
    &piece[piece.len().saturating_sub(WINDOW)..]
}

/// Raw-deflates one piece primed with `dictionary`, ending on a sync flush, or ending the
/// stream if `last`.
fn deflate_piece(level: u32, dictionary: &[u8], input: &[u8], last: bool) -> io::Result<Vec<u8>> {
    let mut compress = Compress::new(Compression::new(level), false);
    if !dictionary.is_empty() {
        compress
            .set_dictionary(dictionary)
            .map_err(io::Error::other)?;
    }
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(input.len() / 2 + 1024);
    loop {
        let consumed = compress.total_in() as usize;
        let status = compress
            .compress_vec(&input[consumed..], &mut out, flush)
            .map_err(io::Error::other)?;
        let all_in = compress.total_in() as usize == input.len();
        let room_left = out.len() < out.capacity();
        match status {
            Status::StreamEnd => break,
            _ if all_in && room_left && !last => break,
            _ => out.reserve(64 * 1024),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gzip(data: &[u8], level: u32) -> Vec<u8> {
        let mut encoder = ParallelGzEncoder::new(Vec::new(), 1_700_000_000, level).unwrap();
        // Odd write sizes cross piece boundaries mid-write.
        for part in data.chunks(77_777) {
            encoder.write_all(part).unwrap();
        }
        encoder.finish().unwrap()
    }

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut decoder = flate2::read::GzDecoder::new(data);
        let mut out = Vec::new();
        decoder.read_to_end(&mut out).unwrap();
        // One member only: nothing follows it.
        assert!(decoder.into_inner().is_empty());
        out
    }

    fn sample(len: usize) -> Vec<u8> {
        let mut state = 12345u64;
        (0..len)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i % 3 == 0 {
                    b'a' + (state >> 60) as u8
                } else {
                    b"{\"key\": [1, 2]}\n"[i % 16]
                }
            })
            .collect()
    }

    #[test]
    fn round_trips_across_piece_boundaries() {
        for len in [0, 1, CHUNK - 1, CHUNK + 1, 3 * CHUNK + 5] {
            let data = sample(len);
            for level in [0, 1, 6] {
                assert_eq!(gunzip(&gzip(&data, level)), data, "len {len} level {level}");
            }
        }
        let data = sample(CHUNK + 1);
        assert_eq!(gunzip(&gzip(&data, 9)), data);
        // More pieces than are deflated at once.
        let data = sample((PIECES_IN_FLIGHT + 1) * CHUNK + 17);
        assert_eq!(gunzip(&gzip(&data, 1)), data);
    }

    #[test]
    fn header_and_trailer_follow_rfc_1952() {
        let data = sample(2 * CHUNK + 3);
        let out = gzip(&data, 6);
        assert_eq!(&out[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(&out[4..8], &1_700_000_000u32.to_le_bytes());
        assert_eq!(out[9], 255);
        let n = out.len();
        assert_eq!(&out[n - 8..n - 4], &crc32fast::hash(&data).to_le_bytes());
        assert_eq!(&out[n - 4..], &(data.len() as u32).to_le_bytes());
    }

    #[test]
    fn priming_keeps_the_size_of_a_single_stream() {
        let data = sample(3 * CHUNK);
        let mut single = flate2::write::GzEncoder::new(Vec::new(), Compression::new(6));
        single.write_all(&data).unwrap();
        let single = single.finish().unwrap().len() as f64;
        let parallel = gzip(&data, 6).len() as f64;
        assert!(parallel < single * 1.01, "{parallel} vs {single}");
    }

    #[test]
    fn output_does_not_depend_on_the_thread_count() {
        let data = sample(3 * CHUNK + 99);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| gzip(&data, 6));
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| gzip(&data, 6));
        assert_eq!(one, three);
    }
}
