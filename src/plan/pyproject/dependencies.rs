//! `dependencies` and `optional-dependencies`: PEP 508 requirements and PEP 685 extras.

use std::str::FromStr;

use pep508_rs::{ExtraName, MarkerTree, Requirement, VerbatimUrl};

use super::fields::{Checker, Spanned, TableAt};
use crate::error::Diagnostic;

/// A validated PEP 508 requirement split into its requirement part and its marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Name, extras and version or URL, as written.
    pub requirement: String,
    /// The environment marker, as written, if any.
    pub marker: Option<String>,
}

impl Dependency {
    /// The `Requires-Dist` value, with `extra == "..."` added for an extra's requirement.
    pub fn requires_dist(&self, extra: Option<&str>) -> String {
        match (&self.marker, extra) {
            (None, None) => self.requirement.clone(),
            (Some(m), None) => format!("{}; {m}", self.requirement),
            (None, Some(e)) => format!("{}; extra == \"{e}\"", self.requirement),
            (Some(m), Some(e)) => format!("{}; ({m}) and extra == \"{e}\"", self.requirement),
        }
    }
}

/// The requirement with every arbitrary-equality value (`===1.0-custom`) before the marker
/// replaced by a version, so the rest can be validated: `===` compares strings, so any
/// value without spaces, `,`, `;` or `)` is allowed there (version specifiers
/// specification), which a PEP 440 parser refuses.
fn without_arbitrary_values(text: &str) -> Option<String> {
    let (head, marker) = match text.find(';') {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    if !head.contains("===") || head.contains('@') {
        return None;
    }
    let mut out = String::new();
    let mut rest = head;
    while let Some(i) = rest.find("===") {
        out.push_str(&rest[..i + 3]);
        let value = rest[i + 3..].trim_start();
        let end = value
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ')'))
            .unwrap_or(value.len());
        if end == 0 {
            return None;
        }
        out.push('0');
        rest = &value[end..];
    }
    out.push_str(rest);
    out.push_str(marker);
    Some(out)
}

/// Whether the requirement uses arbitrary equality (`===`), which the specification
/// discourages and tools may warn about.
pub fn uses_arbitrary_equality(dependency: &Dependency) -> bool {
    dependency.requirement.contains("===")
}

fn parse_requirement(text: &str) -> Result<(), String> {
    match Requirement::<VerbatimUrl>::from_str(text) {
        Ok(_) => Ok(()),
        Err(e) => match without_arbitrary_values(text) {
            Some(replaced) if Requirement::<VerbatimUrl>::from_str(&replaced).is_ok() => Ok(()),
            _ => Err(e.message.to_string()),
        },
    }
}

fn parse_dependency(text: &str) -> Result<Dependency, String> {
    let text = text.trim();
    // Check the name first: pep508_rs 0.9 panics on some invalid names (such as one ending
    // in `.` right before a version operator), found by fuzzing.
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .collect();
    if !crate::names::is_valid_project_name(&name) {
        return Err(format!(
            "`{name}` is not a valid project name (letters, digits, `.`, `_`, `-`; starting and ending with a letter or digit)"
        ));
    }
    // The same for extra names in `name[extra, ...]`.
    if let Some(extras) = text[name.len()..].trim_start().strip_prefix('[') {
        let extras = extras.split(']').next().unwrap_or_default();
        for extra in extras.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if !crate::names::is_valid_project_name(extra) {
                return Err(format!("`{extra}` is not a valid extra name"));
            }
        }
    }
    parse_requirement(text)?;
    // Split at the first `;` whose right side is a marker and whose left side is a whole
    // requirement (a URL may itself contain `;`).
    for (i, _) in text.match_indices(';') {
        let (head, marker) = (text[..i].trim(), text[i + 1..].trim());
        if MarkerTree::from_str(marker).is_ok() && parse_requirement(head).is_ok() {
            return Ok(Dependency {
                requirement: head.to_string(),
                marker: (!marker.is_empty()).then(|| marker.to_string()),
            });
        }
    }
    Ok(Dependency {
        requirement: text.to_string(),
        marker: None,
    })
}

/// The first character of a requirement that PEP 508 allows in no position, with its byte
/// offset: a non-ASCII character outside a quoted marker value and outside a URL (often an
/// invisible one pasted with the text). pep508_rs 0.9 panics on some of them after a marker
/// (slicing inside the character), so they are refused before it sees the text.
pub fn stray_character(text: &str) -> Option<(usize, char)> {
    let mut quote = None;
    // After `@`: 1 while the spaces before the URL run, 2 inside it.
    let mut url = 0;
    let mut seen_marker = false;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            _ if url == 1 && c.is_ascii_whitespace() => {}
            _ if url > 0 => url = if c.is_ascii_whitespace() { 0 } else { 2 },
            (None, '\'' | '"') => quote = Some(c),
            (None, ';') => seen_marker = true,
            (None, '@') if !seen_marker => url = 1,
            (None, c) if !c.is_ascii() => return Some((i, c)),
            _ => {}
        }
    }
    None
}

fn read_dependency_list(
    checker: &mut Checker,
    items: Vec<Spanned<&str>>,
    key: &str,
) -> Vec<Dependency> {
    let mut out = Vec::new();
    for item in items {
        if let Some((at, c)) = stray_character(item.value) {
            let what = crate::error::describe_char(c);
            checker.push(
                Diagnostic::new(key, format!("`{key}` has a requirement with the character {what}, which PEP 508 does not allow there"))
                    .at_part(item.span.clone(), at..at + c.len_utf8())
                    .help("delete the character (it is often an invisible one pasted with the text) or retype the requirement"),
            );
            continue;
        }
        match parse_dependency(item.value) {
            Ok(dep) => out.push(dep),
            Err(message) => checker.push(
                Diagnostic::new(key, format!("`{key}` has an invalid PEP 508 requirement `{}`: {message}", item.value))
                    .at(item.span)
                    .help("write requirements such as \"requests>=2.31\" or \"tomli; python_version < '3.11'\""),
            ),
        }
    }
    out
}

/// Reads an array of requirements such as `project.dependencies`.
pub fn read_dependencies(
    checker: &mut Checker,
    table: &TableAt<'_>,
    name: &str,
    key: &str,
) -> Vec<Dependency> {
    let items = checker
        .string_array(table, name, "dependencies = [\"requests>=2.31\"]")
        .unwrap_or_default();
    read_dependency_list(checker, items, key)
}

/// Reads `project.optional-dependencies`, normalizing extra names (PEP 685).
pub fn read_extras(checker: &mut Checker, project: &TableAt<'_>) -> Vec<(String, Vec<Dependency>)> {
    let example = "[project.optional-dependencies]\ndev = [\"pytest\"]";
    let Some(table) = checker.table(
        project,
        "optional-dependencies",
        "project.optional-dependencies",
        example,
    ) else {
        return Vec::new();
    };
    let mut extras: Vec<(String, Vec<Dependency>)> = Vec::new();
    for (extra, _) in table.table.iter() {
        let key = table.child_key(extra);
        let normalized = match ExtraName::from_str(extra) {
            Ok(n) => n.to_string(),
            Err(_) => {
                checker.push(
                    Diagnostic::new(&key, format!("`{extra}` is not a valid extra name"))
                        .at(table.key_span(extra))
                        .help("use letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"),
                );
                continue;
            }
        };
        if extras.iter().any(|(n, _)| *n == normalized) {
            checker.push(
                Diagnostic::new(&key, format!("the extra `{extra}` is the same as another extra once normalized to `{normalized}` (PEP 685)"))
                    .at(table.key_span(extra))
                    .help("merge the two extras or rename one"),
            );
            continue;
        }
        let items = checker
            .string_array(&table, extra, "dev = [\"pytest\"]")
            .unwrap_or_default();
        let deps = read_dependency_list(checker, items, &key);
        extras.push((normalized, deps));
    }
    extras
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_characters_are_found_outside_quotes_and_urls() {
        let marker = "foo; python_version >= '3.8'\u{feff} and extra == 'x'";
        assert_eq!(stray_character(marker), Some((28, '\u{feff}')));
        assert_eq!(
            stray_character("foo; platfor\u{feff}m != 'win32'"),
            Some((12, '\u{feff}'))
        );
        assert_eq!(stray_character("foo; sys_platform != 'w\u{e9}32'"), None);
        assert_eq!(
            stray_character("foo @ https://example.com/\u{e9}.whl ; os_name == 'nt'"),
            None
        );
        assert_eq!(stray_character("foo>=1\u{a0}"), Some((6, '\u{a0}')));
    }

    #[test]
    fn splits_requirement_and_marker() {
        let d = parse_dependency("tomli >= 1.1 ; python_version < \"3.11\"").unwrap();
        assert_eq!(d.requirement, "tomli >= 1.1");
        assert_eq!(d.marker.as_deref(), Some("python_version < \"3.11\""));
        assert_eq!(
            d.requires_dist(Some("toml")),
            "tomli >= 1.1; (python_version < \"3.11\") and extra == \"toml\""
        );
        let url =
            parse_dependency("pkg @ https://example.org/a;b/pkg.whl ; os_name == 'nt'").unwrap();
        assert_eq!(url.requirement, "pkg @ https://example.org/a;b/pkg.whl");
        assert!(parse_dependency("requests >=").is_err());
        // Found by fuzzing: used to panic inside pep508_rs.
        assert!(parse_dependency("win32-helme.== \"nt\"").is_err());
        assert!(parse_dependency("").is_err());
        assert!(parse_dependency("Foo[bar, baz.] >= 1.0").is_err());
        assert!(parse_dependency("Foo[bar, baz] >= 1.0").is_ok());
    }
}
