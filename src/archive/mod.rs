//! Archive writers (the `rustbackend-archive` crate, compiled for speed while the rest is
//! compiled for size): the wheel's zip with RECORD, the sdist's gzipped tar, the directory
//! and list writers. Their errors become this crate's [`Error`], worded as before.

pub use rustbackend_archive::*;

use crate::error::{Error, FileProblem};

impl From<ArchiveError> for Error {
    fn from(error: ArchiveError) -> Self {
        match error {
            ArchiveError::Io {
                action,
                path,
                source,
            } => Error::io(action, path, source),
            ArchiveError::Archive { path, message } => Error::Archive { path, message },
            ArchiveError::Changed(path) => FileProblem::Changed(path).into(),
            ArchiveError::Packing(source) => Error::Packing(source),
        }
    }
}
