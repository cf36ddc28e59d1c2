//! Diagnostics and their renderer.
//!
//! Every problem with the user's input is a [`Diagnostic`]: the dotted key it is about, a
//! message, an optional byte span into the file and a hint. Diagnostics about one file are
//! collected into a [`Report`] so the user sees all of them at once, rendered like a compiler
//! does it: `pyproject.toml:LINE:COL`, the source line, a caret under the offending value and
//! a `help:` line. Output is plain ASCII punctuation (no colour, no emoji) because pip may
//! print it through a non-UTF-8 console.

use std::fmt;
use std::ops::Range;

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
    /// When `span` is a string literal: the bytes of its value the problem is about, so the
    /// caret can point at them ([`Diagnostic::at_part`]).
    pub part: Option<Range<usize>>,
}

impl Diagnostic {
    /// A diagnostic about `key` with `message`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            key: key.into(),
            message: message.into(),
            span: None,
            help: None,
            part: None,
        }
    }

    /// Attach the span of a string literal and the byte range `part` of its value: the caret
    /// goes under that part when the literal is written without escapes, else under the
    /// whole literal.
    pub fn at_part(mut self, span: Option<Range<usize>>, part: Range<usize>) -> Self {
        self.span = span;
        self.part = Some(part);
        self
    }

    /// The span to underline in `source`: the part of the string literal when it can be
    /// found verbatim, else the whole span.
    fn shown_span(&self, source: &str) -> Option<Range<usize>> {
        let span = self.span.clone()?;
        let Some(part) = &self.part else {
            return Some(span);
        };
        let narrowed = || {
            let literal = source.get(span.clone())?;
            let quotes = if literal.starts_with("\"\"\"") || literal.starts_with("'''") {
                3
            } else {
                1
            };
            let mut start = span.start + quotes;
            if quotes == 3 {
                start += ["\r\n", "\n"]
                    .iter()
                    .find(|nl| source[start..].starts_with(**nl))
                    .map_or(0, |nl| nl.len());
            }
            let inner = source.get(start..span.end.checked_sub(quotes)?)?;
            if literal.starts_with('"') && inner.contains('\\') {
                return None;
            }
            let range = start + part.start..start + part.end;
            inner.get(part.clone()).map(|_| range)
        };
        narrowed().or(Some(span))
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

/// A character as a message should name it: `U+FEFF ZERO WIDTH NO-BREAK SPACE` for the
/// invisible and look-alike characters that pasting text brings in, the code point and the
/// character itself for others.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\u{a0}' => "NO-BREAK SPACE",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{2009}' => "THIN SPACE",
        '\u{2010}' => "HYPHEN",
        '\u{2011}' => "NON-BREAKING HYPHEN",
        '\u{2013}' => "EN DASH",
        '\u{2014}' => "EM DASH",
        '\u{2018}' => "LEFT SINGLE QUOTATION MARK",
        '\u{2019}' => "RIGHT SINGLE QUOTATION MARK",
        '\u{201c}' => "LEFT DOUBLE QUOTATION MARK",
        '\u{201d}' => "RIGHT DOUBLE QUOTATION MARK",
        '\u{202f}' => "NARROW NO-BREAK SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{2212}' => "MINUS SIGN",
        '\u{2264}' => "LESS-THAN OR EQUAL TO",
        '\u{2265}' => "GREATER-THAN OR EQUAL TO",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        _ if c.is_control() || c.is_whitespace() => return format!("U+{:04X}", c as u32),
        _ => return format!("U+{:04X} `{c}`", c as u32),
    };
    format!("U+{:04X} {name}", c as u32)
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
        match &self.shown_span(source) {
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
