//! Checking built artifacts (`rustbackend check dist/*`): file names, core metadata, WHEEL
//! tags, RECORD hashes and sizes, entry points; for sdists, the layout and PKG-INFO.
//! Every problem found is listed; an empty list means the artifact is sound.

mod sdist;
mod wheel;

pub use sdist::check_sdist;
use std::path::Path;
use std::str::FromStr;
pub use wheel::check_wheel;

use crate::names;

/// What checking an artifact found: problems make it unsound; warnings are worth a look.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Findings {
    /// What is wrong with the artifact.
    pub problems: Vec<String>,
    /// What may be wrong (an entry point into a module a dependency may provide).
    pub warnings: Vec<String>,
}

impl From<Vec<String>> for Findings {
    fn from(problems: Vec<String>) -> Self {
        Findings {
            problems,
            warnings: Vec::new(),
        }
    }
}

/// Parses `Key: value` headers (with continuation lines) up to the first blank line.
fn parse_headers(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Checks core metadata text against the distribution name and version from a file name.
fn check_metadata(text: &str, what: &str, name: &str, version: &str, problems: &mut Vec<String>) {
    let fields = parse_headers(text);
    match field(&fields, "Metadata-Version") {
        Some(v) if ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"].contains(&v) => {}
        Some(v) => problems.push(format!("{what}: unknown Metadata-Version `{v}`")),
        None => problems.push(format!("{what}: no Metadata-Version")),
    }
    match field(&fields, "Name") {
        Some(n) if names::escape_for_filename(n) == names::escape_for_filename(name) => {}
        Some(n) => problems.push(format!(
            "{what}: Name `{n}` does not match the file name's `{name}`"
        )),
        None => problems.push(format!("{what}: no Name")),
    }
    match field(&fields, "Version") {
        Some(v) => match pep440_rs::Version::from_str(v) {
            Ok(parsed) if parsed.to_string() == version => {}
            Ok(parsed) => problems.push(format!(
                "{what}: Version `{parsed}` does not match the file name's `{version}`"
            )),
            Err(e) => problems.push(format!("{what}: Version `{v}` is not PEP 440: {e}")),
        },
        None => problems.push(format!("{what}: no Version")),
    }
    for (_, classifier) in fields
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Classifier"))
    {
        if let Err(problem) = crate::plan::classifiers::check(classifier) {
            let (message, help) = crate::plan::classifiers::describe(classifier, &problem);
            problems.push(format!("{what}: {message} ({help})"));
        }
    }
    if let Some(expression) = field(&fields, "License-Expression") {
        match crate::plan::license::normalize_expression(expression) {
            Ok(normalized) if normalized == expression => {}
            Ok(normalized) => problems.push(format!(
                "{what}: License-Expression `{expression}` is not in its canonical case `{normalized}`"
            )),
            Err(message) => problems.push(match crate::plan::license::suggest_identifier(expression) {
                Some((id, _)) => format!(
                    "{what}: License-Expression `{expression}` is not an SPDX license expression (SPDX writes it as `{id}`)"
                ),
                None => format!("{what}: License-Expression: {message}"),
            }),
        }
    }
}

/// Checks a built wheel or sdist, chosen by its file name; returns what it found (no
/// problems when sound).
pub fn check_artifact(path: &Path) -> Findings {
    let name = path.to_string_lossy();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return vec![format!("no such file: `{name}`")].into();
        }
        Err(e) => return vec![format!("cannot read `{name}`: {e}")].into(),
        Ok(meta) if !meta.is_file() => return vec![format!("`{name}` is not a file")].into(),
        Ok(_) => {}
    }
    if name.ends_with(".whl") {
        check_wheel(path)
    } else if name.ends_with(".tar.gz") {
        check_sdist(path).into()
    } else {
        vec![format!(
            "`{name}` is neither a wheel (.whl) nor an sdist (.tar.gz)"
        )]
        .into()
    }
}
