//! `readme` and `license`: the fields that name files in the project.

use std::path::Path;

use super::fields::{Checker, Spanned, TableAt};
use crate::error::Diagnostic;
use crate::files::paths::{outside_project, Outside};
use crate::plan::license;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readme {
    /// The file it came from, relative to the project root (`/`-separated).
    pub file: Option<String>,
    /// The text.
    pub text: String,
    /// The `Description-Content-Type` value.
    pub content_type: String,
}

/// The `license` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum License {
    /// An SPDX expression, normalized (PEP 639).
    Expression(String),
    /// Legacy free text (`{ text = ... }` or `{ file = ... }`, deprecated).
    Text(String),
}

/// Reads a file named in pyproject.toml, which must stay inside the project.
fn read_project_file(
    checker: &mut Checker,
    key: &str,
    root: &Path,
    file: &Spanned<&str>,
) -> Option<String> {
    if let Some(outside) = outside_project(file.value) {
        let (problem, help) = match outside {
            Outside::Backslash => (
                "must use `/` between directories",
                "write the path with `/`, which works on every platform",
            ),
            Outside::Absolute | Outside::Parent => (
                "must name a file inside the project",
                "use a path relative to the directory of pyproject.toml, without `..`",
            ),
        };
        checker.push(
            Diagnostic::new(key, format!("`{key}` {problem}, got `{}`", file.value))
                .at(file.span.clone())
                .help(help),
        );
        return None;
    }
    match std::fs::read(root.join(file.value)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                checker.push(
                    Diagnostic::new(
                        key,
                        format!("`{}` (from `{key}`) is not valid UTF-8", file.value),
                    )
                    .at(file.span.clone())
                    .help("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            checker.push(
                Diagnostic::new(
                    key,
                    format!(
                        "cannot read `{}` (from `{key}`): {}",
                        file.value,
                        crate::error::io_text(&e)
                    ),
                )
                .at(file.span.clone())
                .help(match similar_file(root, file.value) {
                    Some(other) => format!("`{other}` exists: did you mean \"{other}\"? (the path is relative to pyproject.toml)"),
                    None => "create the file, or correct the path (it is relative to pyproject.toml)".into(),
                }),
            );
            None
        }
    }
}

/// A file beside the missing `path` with the same name up to case or extension
/// (`README.md` for `README.rst`), as a path like `path`.
fn similar_file(root: &Path, path: &str) -> Option<String> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = |n: &str| n.split('.').next().unwrap_or(n).to_lowercase();
    let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
        .ok()?
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != name && stem(n) == stem(name))
        .collect();
    names.sort();
    let found = names.into_iter().next()?;
    Some(if dir.is_empty() {
        found
    } else {
        format!("{dir}/{found}")
    })
}

fn content_type_for(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Some("text/markdown")
    } else if lower.ends_with(".rst") {
        Some("text/x-rst")
    } else if lower.ends_with(".txt") {
        Some("text/plain")
    } else {
        None
    }
}

/// Reads `project.readme`: a path, or a table with `file` or `text` and `content-type`.
pub fn read_readme(checker: &mut Checker, project: &TableAt<'_>, root: &Path) -> Option<Readme> {
    let item = project.get("readme")?;
    if let Some(path) = item.as_str() {
        let file = Spanned {
            value: path,
            span: item.span(),
        };
        let Some(content_type) = content_type_for(path) else {
            checker.push(
                Diagnostic::new("project.readme", format!("cannot tell the content type of the readme `{path}` from its extension"))
                    .at(item.span())
                    .help("name it *.md, *.rst or *.txt, or write `readme = { file = \"...\", content-type = \"text/markdown\" }`"),
            );
            return None;
        };
        let text = read_project_file(checker, "project.readme", root, &file)?;
        return Some(Readme {
            file: Some(path.replace('\\', "/")),
            text,
            content_type: content_type.into(),
        });
    }
    let table = checker.table(
        project,
        "readme",
        "project.readme",
        "readme = \"README.md\"",
    )?;
    checker.unknown_keys(&table, &["file", "text", "content-type", "charset"]);
    let file = checker.string(&table, "file", "file = \"README.md\"");
    let text = checker.string(&table, "text", "text = \"...\"");
    let content_type = checker.string(&table, "content-type", "content-type = \"text/markdown\"");
    let charset = checker.string(&table, "charset", "charset = \"UTF-8\"");
    if let Some(c) = &charset {
        if !c.value.eq_ignore_ascii_case("utf-8") {
            checker.push(
                Diagnostic::new(
                    "project.readme.charset",
                    format!("only UTF-8 readmes are supported, got `{}`", c.value),
                )
                .at(c.span.clone())
                .help("save the readme as UTF-8 and remove `charset` or set it to \"UTF-8\""),
            );
        }
    }
    let body = match (&file, &text) {
        (Some(_), Some(t)) => {
            checker.push(
                Diagnostic::new(
                    "project.readme",
                    "`project.readme` may have `file` or `text`, not both",
                )
                .at(t.span.clone())
                .help("keep one of `file` and `text`"),
            );
            None
        }
        (Some(f), None) => read_project_file(checker, "project.readme.file", root, f),
        (None, Some(t)) => Some(t.value.to_string()),
        (None, None) => {
            checker.push(
                Diagnostic::new(
                    "project.readme",
                    "`project.readme` as a table needs `file` or `text`",
                )
                .at(table.span.clone())
                .help(
                    "write `readme = { file = \"README.md\", content-type = \"text/markdown\" }`",
                ),
            );
            None
        }
    };
    let content_type = match content_type {
        Some(c) => {
            let base = c.value.split(';').next().unwrap_or_default().trim();
            if !matches!(base, "text/plain" | "text/x-rst" | "text/markdown") {
                checker.push(
                    Diagnostic::new(
                        "project.readme.content-type",
                        format!("`project.readme.content-type` must be text/markdown, text/x-rst or text/plain, got `{}`", c.value),
                    )
                    .at(c.span.clone())
                    .help("these are the readme types package indexes render; convert the readme to one of them"),
                );
            }
            match &charset {
                Some(cs) if !c.value.contains("charset=") => {
                    format!("{}; charset={}", c.value, cs.value)
                }
                _ => c.value.to_string(),
            }
        }
        None => {
            checker.push(
                Diagnostic::new(
                    "project.readme.content-type",
                    "`project.readme` as a table needs `content-type`",
                )
                .at(project.value_span("readme"))
                .help("add `content-type = \"text/markdown\"` (or \"text/x-rst\", \"text/plain\")"),
            );
            return None;
        }
    };
    Some(Readme {
        file: file.map(|f| f.value.replace('\\', "/")),
        text: body?,
        content_type,
    })
}

/// Reads `project.license`: an SPDX expression, or the legacy `{ file }` / `{ text }` table.
pub fn read_license(checker: &mut Checker, project: &TableAt<'_>, root: &Path) -> Option<License> {
    let item = project.get("license")?;
    if let Some(expression) = item.as_str() {
        return match license::normalize_expression(expression) {
            Ok(normalized) => Some(License::Expression(normalized)),
            Err(message) => {
                let diagnostic = match license::suggest_identifier(expression) {
                    Some((id, alternative)) => Diagnostic::new(
                        "project.license",
                        format!("`project.license`: `{expression}` is not an SPDX license expression"),
                    )
                    .help(match alternative {
                        Some(other) => format!("SPDX writes {expression:?} as \"{id}\" (or \"{other}\", if the license text says so); write `license = \"{id}\"`"),
                        None => format!("SPDX writes {expression:?} as \"{id}\"; write `license = \"{id}\"`"),
                    }),
                    None => Diagnostic::new("project.license", format!("`project.license`: {message}"))
                        .help("use SPDX identifiers joined by AND / OR, such as \"MIT\" or \"Apache-2.0 OR MIT\" (see https://spdx.org/licenses/)"),
                };
                checker.push(diagnostic.at(item.span()));
                None
            }
        };
    }
    let table = checker.table(project, "license", "project.license", "license = \"MIT\"")?;
    checker.unknown_keys(&table, &["file", "text"]);
    let file = checker.string(&table, "file", "file = \"LICENSE\"");
    let text = checker.string(&table, "text", "text = \"MIT\"");
    match (file, text) {
        (Some(f), None) => {
            read_project_file(checker, "project.license.file", root, &f).map(License::Text)
        }
        (None, Some(t)) => Some(License::Text(t.value.to_string())),
        _ => {
            checker.push(
                Diagnostic::new("project.license", "`project.license` as a table needs exactly one of `file` and `text`")
                    .at(table.span.clone())
                    .help("better: write an SPDX expression such as `license = \"MIT\"` and list the files in `license-files`"),
            );
            None
        }
    }
}
