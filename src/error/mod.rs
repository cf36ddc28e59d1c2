//! Error types; the diagnostics that carry the user's mistakes, and their renderer, are in
//! [`diagnostic`].

use std::path::PathBuf;

mod diagnostic;

pub use diagnostic::{describe_char, first_line, line_col, Diagnostic, Report};

/// Everything that can make a build fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The project's configuration is invalid; the report lists every problem.
    #[error("{0}")]
    Config(Report),
    /// A file system operation failed.
    #[error("could not {action} `{}`: {}", path.display(), io_text(source))]
    Io {
        /// What we were doing, such as "read" or "create".
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
    /// A file in the project cannot be packed as it is.
    #[error("{0}")]
    File(#[from] FileProblem),
    /// Walking the project failed while reading `path`.
    #[error("cannot read `{}`: {}", path.display(), io_text(source))]
    Walk {
        /// The file or directory being read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Walking the project failed for a reason other than I/O.
    #[error("cannot read `{}`: {message}", path.display())]
    WalkOther {
        /// The file or directory being read.
        path: PathBuf,
        /// What the walker said.
        message: String,
    },
    /// Compiling an extension module failed.
    #[error("{0}")]
    Compile(#[from] CompileError),
    /// A glob that passed the pyproject.toml checks could not be compiled.
    #[error("{0}")]
    Glob(String),
    /// A wheel tag (given, or inferred from the binaries) is not usable.
    #[error("{0}")]
    Tag(String),
    /// A config setting (`-C key=value`) has a value the build cannot use.
    #[error("the config setting `{key}` {problem}")]
    ConfigSetting {
        /// The setting, such as `jobs`.
        key: &'static str,
        /// What is wrong, with the fix.
        problem: String,
    },
    /// A config setting (`-C key=value`) that rustbackend does not have.
    #[error("unknown config setting `{key}` (from -C {key}=...); {hint}")]
    UnknownConfigSetting {
        /// The key as given.
        key: String,
        /// The closest known key, and the known keys.
        hint: String,
    },
    /// The build-details.json of `-C build-details` cannot describe the build's target.
    #[error("the build-details file `{path}` (-C build-details) {problem}")]
    BuildDetails {
        /// The path as given.
        path: String,
        /// What is wrong with it, naming the field.
        problem: String,
    },
    /// pyproject.toml could not be edited to freeze a dynamic version into the sdist.
    #[error("{0}")]
    FreezeVersion(String),
    /// A file of the metadata directory from `prepare_metadata_for_build_*` differs from
    /// what this build writes.
    #[error("the {file} prepared in `{}` differs from what this build produces; pyproject.toml or a file it names changed between prepare_metadata_for_build_wheel and build_wheel: run the build again", directory.display())]
    PreparedMetadataChanged {
        /// `METADATA` or `entry_points.txt`.
        file: &'static str,
        /// The prepared `.dist-info` directory.
        directory: PathBuf,
    },
    /// The project's path cannot be recorded by an editable install.
    #[error("the project path `{}` {problem}; move the project", path.display())]
    EditablePath {
        /// The path.
        path: PathBuf,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Copying a file into an archive failed for a reason the copy itself detected (the file
    /// changed while it was packed).
    #[error("{0}")]
    Packing(#[source] std::io::Error),
    /// `rustbackend migrate` cannot start: the old configuration cannot be read.
    #[error("{0}")]
    Migrate(String),
}

/// Why a file in the project cannot be packed.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    /// A pipe, socket or device.
    #[error("`{}` is not a regular file (a pipe, socket or device); remove it or exclude it", .0.display())]
    Special(PathBuf),
    /// A name that is not UTF-8.
    #[error("the file name `{}` is not valid UTF-8; rename it", .0.display())]
    NonUtf8Name(PathBuf),
    /// A symbolic link whose target does not exist.
    #[error("`{}` is a symbolic link whose target does not exist; remove it or fix its target", .0.display())]
    DanglingLink(PathBuf),
    /// A symbolic link that leaves the project.
    #[error("`{}` is a link to `{}`, which is outside the project; move the file into the project, or set `allow-external-links = true` under [tool.rustbackend] to pack the target's content", link.display(), target.display())]
    ExternalLink {
        /// The link.
        link: PathBuf,
        /// Where it leads.
        target: PathBuf,
    },
    /// A symbolic link that leads back to a directory above it.
    #[error("`{}` is a symbolic link loop: it leads back to `{}`; remove the link", link.display(), ancestor.display())]
    LinkLoop {
        /// The link.
        link: PathBuf,
        /// The directory it leads back to.
        ancestor: PathBuf,
    },
    /// An archive path that is absolute or holds `..` or an empty name.
    #[error("the archive path `{0}` is not a clean relative path")]
    UnsafePath(String),
    /// A name with a control character or a backslash (`what` says which).
    #[error("the file `{}` has {what} in its name, which archives cannot carry safely; rename it", path.escape_debug())]
    UnsafeName {
        /// The archive path.
        path: String,
        /// "a backslash" or "the control character '\t'".
        what: String,
    },
    /// Two archive paths that differ only by case.
    #[error("`{0}` and `{1}` differ only by case, so they would overwrite each other on macOS and Windows; rename one")]
    CaseCollision(String, String),
    /// A file whose size changed between listing and packing.
    #[error("`{}` changed while it was being packed; build again when nothing is writing to the project", .0.display())]
    Changed(PathBuf),
}

/// Why an extension module could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The compiler is not installed.
    #[error("no C compiler found (`{program}`) to build {what}; install one (Debian/Ubuntu: apt-get install gcc python3-dev; Fedora: dnf install gcc python3-devel; macOS: xcode-select --install)")]
    NoCompiler {
        /// The compiler command.
        program: String,
        /// "the extension module `NAME`".
        what: String,
    },
    /// The compiler could not be started.
    #[error("cannot run `{program}` for {what}: {source}")]
    CannotRun {
        /// The compiler command.
        program: String,
        /// "the extension module `NAME`".
        what: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The compiler or linker failed; its own output is kept whole.
    #[error("compiling {what} failed ({status}):\n$ {command}\n{output}")]
    Failed {
        /// "the extension module `NAME`".
        what: String,
        /// The exit status.
        status: std::process::ExitStatus,
        /// The command line.
        command: String,
        /// What the compiler printed (stdout, then stderr).
        output: String,
    },
    /// No MSVC (Visual Studio's C/C++ build tools) was found on Windows.
    #[error("no MSVC compiler found to build {what}: install Visual Studio's \"Desktop development with C++\" workload (or the Build Tools for Visual Studio), build from a Developer Command Prompt, or name a compiler with CC=clang-cl")]
    NoMsvc {
        /// "the extension module `NAME`".
        what: String,
    },
    /// The compiler built code for another system or architecture than the target's.
    #[error("{what} was compiled for {built}, but the interpreter it is for is `{target}`{hint}")]
    WrongTarget {
        /// "the extension module `NAME`".
        what: String,
        /// The binary's platform tag.
        built: String,
        /// The target's platform string.
        target: String,
        /// How to fix it.
        hint: String,
    },
    /// A module has `.pyx` sources, and the build environment has no Cython.
    #[error("{what} has Cython sources, but Cython is not installed where the build runs; build through pip or `python -m build` (rustbackend asks them for `{requirement}`), or install it: pip install \"{requirement}\"")]
    NoCython {
        /// "the extension module `NAME`".
        what: String,
        /// The requirement the hooks ask for.
        requirement: String,
    },
    /// The hook was not given the interpreter's sysconfig facts.
    #[error("the project has extension modules, but the build was not given the interpreter's facts (sysconfig); build through the rustbackend hooks")]
    NoInterpreterFacts,
}

impl Error {
    /// A report with a single diagnostic against `file` (for problems found after parsing).
    pub fn single(file: &str, source: &str, diagnostic: Diagnostic) -> Self {
        Error::Config(Report {
            file: file.to_string(),
            source: source.to_string(),
            diagnostics: vec![diagnostic],
        })
    }

    /// Wraps an I/O error with the action and path it concerns.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// An I/O error as users read it, the same on every platform where the platforms mean the
/// same: Windows words a missing file "File not found." where Unix says "No such file or
/// directory" (both are OS error 2), and error snapshots must not depend on where they run.
pub fn io_text(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound if error.raw_os_error() == Some(2) => {
            "No such file or directory (os error 2)".to_string()
        }
        _ => error.to_string(),
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
