//! Why an archive could not be written. rustbackend turns each into its own `Error` with
//! the same wording (a `From` impl in its `archive` module).

use std::path::PathBuf;

/// Why an archive could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file system operation failed.
    #[error("could not {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done, such as "read" or "create".
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing an archive failed.
    #[error("could not write `{}`: {message}", path.display())]
    Archive {
        /// The archive being written.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A file whose size changed between listing and packing.
    #[error("`{}` changed while it was being packed; build again when nothing is writing to the project", .0.display())]
    Changed(PathBuf),
    /// Copying a file into an archive failed for a reason the copy itself detected (the file
    /// changed while it was packed).
    #[error("{0}")]
    Packing(#[source] std::io::Error),
}

impl Error {
    /// Wraps an I/O error with the action and path it concerns.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// The archive writers' result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
