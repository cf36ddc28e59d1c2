//! Error types and the diagnostic renderer.
//!
//! Every problem with the user's input is a [`Diagnostic`]: the dotted key it is about, a
//! message, an optional byte span into the file and a hint. Diagnostics about one file are
//! collected into a [`Report`] so the user sees all of them at once, rendered like a compiler
//! does it: `pyproject.toml:LINE:COL`, the source line, a caret under the offending value and
//! a `help:` line. Output is plain ASCII punctuation (no colour, no emoji) because pip may
//! print it through a non-UTF-8 console.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// One problem in the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The full dotted key the problem is about, such as `project.version`.
    pub key: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Byte range of the offending text in the file, when known.
    pub span: Option<Range<usize>>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about `key` with `message`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            key: key.into(),
            message: message.into(),
            span: None,
            help: None,
        }
    }

    /// Attach the byte span of the offending text.
    pub fn at(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    /// Attach a hint that says how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every diagnostic found in one file, with the file's text for rendering source lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file as the user should see it named, such as `pyproject.toml`.
    pub file: String,
    /// The file's text (empty when it could not be read).
    pub source: String,
    /// The problems, in the order they were found.
    pub diagnostics: Vec<Diagnostic>,
}

/// The first line of a message from another crate, without a trailing colon (some append
/// the input with carets on further lines, which our renderer already shows).
pub fn first_line(message: &str) -> &str {
    let line = message.lines().next().unwrap_or_default().trim_end();
    let line = line.strip_suffix(':').unwrap_or(line);
    line.strip_prefix("Failed to parse version: ")
        .unwrap_or(line)
}

/// Converts a byte offset into a 1-based line and column (column counted in characters).
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Diagnostic {
    /// Renders this diagnostic against `file` and its `source` text.
    pub fn render(&self, file: &str, source: &str) -> String {
        let mut out = String::new();
        match &self.span {
            Some(span) if !source.is_empty() => {
                let (line, col) = line_col(source, span.start);
                out.push_str(&format!("error: {file}:{line}:{col}: {}\n", self.message));
                let line_start = source[..floor_char_boundary(source, span.start)]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let line_end = source[line_start..]
                    .find('\n')
                    .map_or(source.len(), |i| line_start + i);
                let text = source[line_start..line_end].trim_end_matches('\r');
                let width = line.to_string().len();
                let end = floor_char_boundary(source, span.end.min(line_end).max(span.start));
                let underline = source[floor_char_boundary(source, span.start)..end]
                    .trim_end_matches('\r')
                    .chars()
                    .count()
                    .max(1);
                out.push_str(&format!("{:width$} |\n", ""));
                out.push_str(&format!("{line} | {text}\n"));
                out.push_str(&format!(
                    "{:width$} | {}{}\n",
                    "",
                    " ".repeat(col - 1),
                    "^".repeat(underline)
                ));
            }
            _ => out.push_str(&format!("error: {file}: {}\n", self.message)),
        }
        if let Some(help) = &self.help {
            // Continuation lines of a multi-line hint (a TOML example) line up under it.
            let help = help.replace('\n', "\n          ");
            out.push_str(&format!("  = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.diagnostics.len();
        if count > 1 {
            writeln!(f, "{count} problems in {}:", self.file)?;
        }
        // In file order, so the report reads top to bottom; problems without a position last.
        let mut ordered: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        ordered.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
        for (i, d) in ordered.into_iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            f.write_str(d.render(&self.file, &self.source).trim_end())?;
        }
        Ok(())
    }
}

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
    /// An input file does not meet a rule of the build (for example, a bad file name).
    #[error("{0}")]
    Input(String),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let src = "a = 1\nbb = \"x\"\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 11), (2, 6));
    }

    #[test]
    fn renders_source_line_and_caret() {
        let src = "[project]\nversion = \"1.x\"\n";
        let d = Diagnostic::new("project.version", "`project.version` is not valid")
            .at(Some(20..25))
            .help("use a PEP 440 version such as \"1.0\"");
        let text = d.render("pyproject.toml", src);
        assert_eq!(
            text,
            "error: pyproject.toml:2:11: `project.version` is not valid\n  |\n2 | version = \"1.x\"\n  |           ^^^^^\n  = help: use a PEP 440 version such as \"1.0\"\n"
        );
    }
}
