//! The archive writers (the wheel's zip with RECORD, the sdist's gzipped tar, a directory
//! writer and a list writer) live in their own crate, `crates/archive`, so that the release
//! profile can compile that byte work for speed and the rest for size. This stage re-exports
//! them and turns their errors into rustbackend's, with the same wording.

pub use rustbackend_archive::{
    gzip, normalized_mode, record_hash, ArchiveWriter, Contents, DirWriter, Entry, ListWriter,
    SdistWriter, TrackedWriter, WheelWriter, BATCH_BYTES, BATCH_ENTRIES, COMPRESSION_LEVEL,
    DEFAULT_EPOCH, PARALLEL_LIMIT, SERIAL_BYTES, SERIAL_ENTRIES,
};

use crate::error::{Error, FileProblem};

impl From<rustbackend_archive::Error> for Error {
    fn from(error: rustbackend_archive::Error) -> Self {
        use rustbackend_archive::Error as Archive;
        match error {
            Archive::Io {
                action,
                path,
                source,
            } => Error::Io {
                action,
                path,
                source,
            },
            Archive::Archive { path, message } => Error::Archive { path, message },
            Archive::Changed(path) => Error::File(FileProblem::Changed(path)),
            Archive::Packing(source) => Error::Packing(source),
        }
    }
}
