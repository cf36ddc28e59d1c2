//! `[tool.rustbackend.wheel.data]`: what goes into the wheel's `.data/<key>/` directories.
//! Each key takes a directory (its contents), an array of files and directories (a file
//! lands under its own name), or a table from a directory below `.data/<key>/` to such paths,
//! which is what setuptools' `headers=` and `data_files=[(dir, [files])]` need.

use super::fields::{Checker, TableAt};
use super::settings::project_path;
use super::Spanned;
use crate::error::Diagnostic;
use crate::files::paths::outside_project;

/// The keys of `[tool.rustbackend.wheel.data]`: the wheel's `.data` directories.
pub const DATA_KEYS: &[&str] = &["scripts", "headers", "data", "purelib", "platlib"];

const EXAMPLE: &str = "[tool.rustbackend.wheel.data]\nscripts = \"bin\"\nheaders = [\"include/acme.h\"]\ndata = { \"share/man/man1\" = [\"docs/acme.1\"] }";

/// One source of a `.data` directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSource {
    /// The `.data` key: `scripts`, `headers`, `data`, `purelib` or `platlib`.
    pub key: String,
    /// A file or directory of the project, `/`-separated, relative to pyproject.toml.
    pub path: String,
    /// The directory below `.data/<key>/` it goes to (`""` for `.data/<key>/` itself).
    pub target: String,
    /// Where pyproject.toml names the path.
    pub span: Option<std::ops::Range<usize>>,
}

/// Reads `[tool.rustbackend.wheel.data]` from the `wheel` table.
pub fn read_wheel_data(checker: &mut Checker, wheel: &TableAt<'_>) -> Vec<DataSource> {
    let mut out = Vec::new();
    let Some(data) = checker.table(wheel, "data", "tool.rustbackend.wheel.data", EXAMPLE) else {
        return out;
    };
    checker.unknown_keys(&data, DATA_KEYS);
    for key in DATA_KEYS {
        let Some(item) = data.get(key) else { continue };
        let full = data.child_key(key);
        if let Some(table) = item.as_table_like() {
            let at = TableAt {
                key: full.clone(),
                table,
                span: item.span(),
            };
            for (name, _) in table.iter() {
                let target_key = at.child_key(name);
                let Some(target) = checked_target(checker, &at, name, &target_key) else {
                    continue;
                };
                for (path, span) in paths(checker, &at, &target_key, name) {
                    out.push(DataSource {
                        key: key.to_string(),
                        path,
                        target: target.clone(),
                        span,
                    });
                }
            }
        } else {
            for (path, span) in paths(checker, &data, &full, key) {
                out.push(DataSource {
                    key: key.to_string(),
                    path,
                    target: String::new(),
                    span,
                });
            }
        }
    }
    out
}

/// The paths at `name` of `table`, with their spans: a string or an array of strings, each
/// inside the project.
fn paths(
    checker: &mut Checker,
    table: &TableAt<'_>,
    key: &str,
    name: &str,
) -> Vec<(String, Option<std::ops::Range<usize>>)> {
    let Some(item) = table.get(name) else {
        return Vec::new();
    };
    let values: Vec<Spanned<&str>> = match item.as_str() {
        Some(value) => vec![Spanned {
            value,
            span: item.span(),
        }],
        None if item.is_array() => checker
            .string_array(table, name, EXAMPLE)
            .unwrap_or_default(),
        None => {
            checker.wrong_type(
                key,
                item,
                "a path, an array of paths, or a table from directories to paths",
                EXAMPLE,
            );
            return Vec::new();
        }
    };
    values
        .iter()
        .filter_map(|value| project_path(checker, key, value).map(|p| (p, value.span.clone())))
        .collect()
}

/// A directory below `.data/<key>/`, checked: relative, `/`-separated, without `..`.
fn checked_target(
    checker: &mut Checker,
    table: &TableAt<'_>,
    target: &str,
    key: &str,
) -> Option<String> {
    let clean = target.trim_start_matches("./").trim_end_matches('/');
    if clean.is_empty() || outside_project(clean).is_some() {
        checker.push(
            Diagnostic::new(key, format!("`{key}`: `{target}` must be a directory below the `.data` directory: relative, with `/`, without `..`"))
                .at(table.key_span(target))
                .help("write it like: data = { \"share/man/man1\" = [\"docs/acme.1\"] }"),
        );
        return None;
    }
    Some(clean.to_string())
}
