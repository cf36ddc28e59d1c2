//! pyproject.toml: parse the text (keeping spans), then validate `[project]` and
//! `[tool.rustbackend]` into a [`PyProject`], reporting every problem at once.

pub mod dependencies;
pub mod entry_points;
pub mod ext_modules;
pub mod fields;
pub mod files;
pub mod import_names;
pub mod people;
pub mod project;
pub mod settings;
pub mod wheel_data;

use std::ops::Range;
use std::path::Path;

use toml_edit::Document;

use crate::error::{Diagnostic, Error, Report, Result};
pub use dependencies::Dependency;
pub use fields::{Checker, Spanned, TableAt};
pub use files::{License, Readme};
pub use people::Person;
pub use project::Project;
pub use settings::Settings;

/// The file name, as shown in messages.
pub const PYPROJECT: &str = "pyproject.toml";

/// A validated pyproject.toml.
#[derive(Debug, Clone)]
pub struct PyProject {
    /// The file's text, as read (used for error messages and copied into sdists).
    pub text: String,
    /// The validated `[project]` table.
    pub project: Project,
    /// The validated `[tool.rustbackend]` table.
    pub settings: Settings,
}

impl PyProject {
    /// The text that spans point into: the file without a byte-order mark.
    pub fn source(&self) -> &str {
        self.text.strip_prefix('\u{feff}').unwrap_or(&self.text)
    }

    /// Where the value at the dotted `keys` (and, for an array, its item `index`) is
    /// written, for pointing at it in a message.
    pub fn value_span(&self, keys: &[&str], index: Option<usize>) -> Option<Range<usize>> {
        let document = Document::parse(self.source()).ok()?;
        let mut item = document.as_item();
        for key in keys {
            item = item.get(key)?;
        }
        match index {
            Some(i) => item.as_array()?.get(i)?.span(),
            None => item.span(),
        }
    }

    /// A warning about the value at `keys` (and array item `index`), led by where it is
    /// written: `pyproject.toml:LINE:COL: message`.
    pub fn warning_at(&self, keys: &[&str], index: Option<usize>, message: &str) -> String {
        self.warning_for(self.value_span(keys, index), message)
    }

    /// A warning led by the position of `span`, or by the file name alone without one.
    pub fn warning_for(&self, span: Option<Range<usize>>, message: &str) -> String {
        match span {
            Some(span) => {
                let (line, col) = crate::error::line_col(self.source(), span.start);
                format!("{PYPROJECT}:{line}:{col}: {message}")
            }
            None => format!("{PYPROJECT}: {message}"),
        }
    }

    /// An error about pyproject.toml made of `diagnostics`.
    pub fn error(&self, diagnostics: Vec<Diagnostic>) -> Error {
        Error::Config(Report {
            file: PYPROJECT.to_string(),
            source: self.source().to_string(),
            diagnostics,
        })
    }
}

/// Reads and validates `pyproject.toml` in `root`.
pub fn load(root: &Path) -> Result<PyProject> {
    let path = root.join(PYPROJECT);
    let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::single(
            PYPROJECT,
            "",
            Diagnostic::new("", "pyproject.toml is not valid UTF-8").help("save the file as UTF-8"),
        )
    })?;
    parse(text, root)
}

/// Validates pyproject.toml `text`; `root` is where files it names are looked up.
pub fn parse(text: String, root: &Path) -> Result<PyProject> {
    // A byte-order mark is not TOML, but editors write it; skip it (spans stay correct for
    // messages because we report against the text without it).
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let report = |diagnostics: Vec<Diagnostic>| {
        Error::Config(Report {
            file: PYPROJECT.to_string(),
            source: body.clone(),
            diagnostics,
        })
    };
    let document = match Document::parse(body.as_str()) {
        Ok(d) => d,
        Err(e) => {
            let mut message = e.message().trim().to_string();
            if let (true, Some(span)) = (message == "duplicate key", e.span()) {
                if let Some(key) = body.get(span) {
                    message = format!("duplicate key `{}`", key.trim());
                }
            }
            return Err(report(vec![Diagnostic::new(
                "",
                format!("invalid TOML: {message}"),
            )
            .at(e.span())
            .help("fix the TOML syntax; see https://toml.io")]));
        }
    };
    let mut checker = Checker::default();
    let root_table = TableAt {
        key: String::new(),
        table: document.as_table(),
        span: None,
    };
    let project_table = match document.get("project") {
        Some(item) => match item.as_table_like() {
            Some(table) => Some(TableAt {
                key: "project".into(),
                table,
                span: root_table.key_span("project"),
            }),
            None => {
                checker.wrong_type(
                    "project",
                    item,
                    "a table",
                    "[project]\nname = \"my-project\"",
                );
                None
            }
        },
        None => {
            checker.push(
                Diagnostic::new("project", "there is no [project] table")
                    .help("add a [project] table with at least `name` and `version` (PEP 621)"),
            );
            None
        }
    };
    let project = project_table
        .as_ref()
        .and_then(|t| project::read_project(&mut checker, t, root));

    let tool = document
        .get("tool")
        .and_then(|t| t.as_table_like())
        .and_then(|tool| {
            let item = tool.get("rustbackend")?;
            match item.as_table_like() {
                Some(table) => Some(TableAt {
                    key: "tool.rustbackend".into(),
                    table,
                    span: tool.key("rustbackend").and_then(|k| k.span()),
                }),
                None => {
                    checker.wrong_type("tool.rustbackend", item, "a table", "[tool.rustbackend]");
                    None
                }
            }
        });
    let settings = settings::read_settings(&mut checker, tool.as_ref());

    match project {
        Some(project) if checker.diagnostics.is_empty() => Ok(PyProject {
            text,
            project,
            settings,
        }),
        _ => Err(report(checker.diagnostics)),
    }
}
