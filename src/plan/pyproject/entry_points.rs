//! `scripts`, `gui-scripts` and `entry-points`: names that PyPI and installers accept, and
//! object references with optional (deprecated) extras, as the entry points specification
//! describes them.

use super::fields::{Checker, TableAt};
use crate::error::Diagnostic;
use crate::names;

/// Whether `value` is an entry point object reference: `pkg.mod` or `pkg.mod:obj.attr`
/// (readers accept spaces around the colon).
pub fn is_object_reference(value: &str) -> bool {
    let value = value.trim();
    let (module, attr) = match value.split_once(':') {
        Some((m, a)) => (m.trim(), Some(a.trim())),
        None => (value, None),
    };
    names::is_dotted_identifier(module) && attr.is_none_or(names::is_dotted_identifier)
}

/// An entry point value split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryValue<'a> {
    /// The importable module, such as `pkg.cli`.
    pub module: &'a str,
    /// The object reference without extras, such as `pkg.cli:main`.
    pub reference: &'a str,
    /// The extras in square brackets (deprecated), such as `["cli", "color"]`.
    pub extras: Vec<&'a str>,
}

/// Parses `pkg.mod:obj.attr [extra1, extra2]`; `None` when `value` is not of that form.
pub fn parse_value(value: &str) -> Option<EntryValue<'_>> {
    let (reference, extras) = match value.split_once('[') {
        Some((reference, rest)) => {
            let inner = rest.trim_end().strip_suffix(']')?;
            let extras: Vec<&str> = inner.split(',').map(str::trim).collect();
            if !extras.iter().all(|e| names::is_valid_project_name(e)) {
                return None;
            }
            (reference.trim(), extras)
        }
        None => (value.trim(), Vec::new()),
    };
    if !is_object_reference(reference) {
        return None;
    }
    let module = reference.split(':').next().unwrap_or(reference).trim();
    Some(EntryValue {
        module,
        reference,
        extras,
    })
}

/// Why `name` is not a group or entry point name PyPI accepts (`[\w.-]+`, and not only
/// dots, which would be a path for a script); `None` when it is one.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Some(if c.is_control() {
            format!("it holds the control character {c:?}")
        } else if c.is_whitespace() {
            "it holds a space".into()
        } else {
            format!("it holds `{c}`")
        });
    }
    if name.chars().all(|c| c == '.') {
        return Some("it is only dots".into());
    }
    None
}

const NAME_HELP: &str =
    "use only letters, digits, `_`, `.` and `-` (script names become file names)";

/// Checks one entry (`name = "reference"`) of the table at `key`; returns it when valid.
fn read_entry(
    checker: &mut Checker,
    key: &str,
    entry: &super::fields::Spanned<&str>,
    reference: &super::fields::Spanned<&str>,
    help: &str,
) -> (String, String) {
    let entry_key = format!("{key}.{}", entry.value);
    if let Some(problem) = name_problem(entry.value) {
        checker.push(
            Diagnostic::new(
                &entry_key,
                format!(
                    "{:?} is not a valid entry point name: {problem}",
                    entry.value
                ),
            )
            .at(entry.span.clone())
            .help(format!("{NAME_HELP}, such as \"my-tool\"")),
        );
    }
    if parse_value(reference.value).is_none() {
        checker.push(
            Diagnostic::new(
                &entry_key,
                format!(
                    "`{entry_key}` is not a valid object reference: `{}`",
                    reference.value
                ),
            )
            .at(reference.span.clone())
            .help(help),
        );
    }
    (entry.value.to_string(), reference.value.trim().to_string())
}

/// Reads `project.scripts` or `project.gui-scripts` (`name`, at dotted `key`).
pub fn read_entry_group(
    checker: &mut Checker,
    project: &TableAt<'_>,
    name: &str,
    key: &str,
) -> Vec<(String, String)> {
    let example = format!("[{key}]\nmy-tool = \"my_package.cli:main\"");
    let entries = checker
        .string_table(project, name, key, &example)
        .unwrap_or_default();
    entries
        .iter()
        .map(|(entry, reference)| {
            read_entry(
                checker,
                key,
                entry,
                reference,
                "write `package.module:function`, such as \"my_package.cli:main\"",
            )
        })
        .collect()
}

/// Reads `project.entry-points`: groups of named object references.
pub fn read_entry_points(
    checker: &mut Checker,
    project: &TableAt<'_>,
) -> Vec<(String, Vec<(String, String)>)> {
    let example = "[project.entry-points.\"my_group\"]\nname = \"my_package.plugin:Plugin\"";
    let Some(table) = checker.table(project, "entry-points", "project.entry-points", example)
    else {
        return Vec::new();
    };
    let mut groups = Vec::new();
    for (group, _) in table.table.iter() {
        let key = table.child_key(group);
        if group == "console_scripts" || group == "gui_scripts" {
            let field = if group == "console_scripts" {
                "scripts"
            } else {
                "gui-scripts"
            };
            checker.push(
                Diagnostic::new(
                    &key,
                    format!("`{key}` is not allowed; use `[project.{field}]`"),
                )
                .at(table.key_span(group))
                .help(format!("move these entries to the [project.{field}] table")),
            );
            continue;
        }
        if let Some(problem) = name_problem(group) {
            checker.push(
                Diagnostic::new(
                    &key,
                    format!("{group:?} is not a valid entry point group name: {problem}"),
                )
                .at(table.key_span(group))
                .help(
                    "use a dotted name of letters, digits, `_` and `-`, such as \"my_app.plugins\"",
                ),
            );
        }
        let entries = checker
            .string_table(&table, group, &key, example)
            .unwrap_or_default();
        let entries = entries
            .iter()
            .map(|(entry, reference)| {
                read_entry(
                    checker,
                    &key,
                    entry,
                    reference,
                    "write `package.module:object`, such as \"my_package.plugin:Plugin\"",
                )
            })
            .collect();
        groups.push((group.to_string(), entries));
    }
    groups
}

/// The dotted key of the entry point group `group`, quoted as TOML needs it:
/// `project.entry-points.pytest11`, `project.entry-points."my_app.plugins"`.
pub fn group_key(group: &str) -> String {
    if group
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        format!("project.entry-points.{group}")
    } else {
        format!("project.entry-points.{group:?}")
    }
}

/// Every entry point of the project as (its keys in pyproject.toml, its dotted key for
/// messages, its name, its value): scripts, gui-scripts, then each entry point group.
pub fn all_entries(project: &super::Project) -> Vec<(Vec<&str>, String, &str, &str)> {
    let mut out = Vec::new();
    for (table, entries) in [
        ("scripts", &project.scripts),
        ("gui-scripts", &project.gui_scripts),
    ] {
        for (name, value) in entries {
            out.push((
                vec!["project", table, name],
                format!("project.{table}"),
                name.as_str(),
                value.as_str(),
            ));
        }
    }
    for (group, entries) in &project.entry_points {
        for (name, value) in entries {
            out.push((
                vec!["project", "entry-points", group, name],
                group_key(group),
                name.as_str(),
                value.as_str(),
            ));
        }
    }
    out
}

/// The warnings for entry points that name extras (accepted, written as authored, but
/// deprecated by the entry points specification).
pub fn extras_warnings(pyproject: &super::PyProject) -> Vec<String> {
    let mut warnings = Vec::new();
    for (keys, key, name, value) in all_entries(&pyproject.project) {
        if let Some(parsed) = parse_value(value).filter(|v| !v.extras.is_empty()) {
            warnings.push(pyproject.warning_at(&keys, None, &format!(
                "`{key}.{name}` names extras [{}]; extras in entry points are deprecated and installers ignore them: declare what the entry point needs in `dependencies`, or check for the extra at run time",
                parsed.extras.join(", ")
            )));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_references() {
        assert!(is_object_reference("pkg.cli:main"));
        assert!(is_object_reference("pkg.cli"));
        assert!(is_object_reference("pkg:App.run"));
        assert!(is_object_reference("pkg.cli : main"));
        assert!(!is_object_reference("pkg-cli:main"));
        assert!(!is_object_reference("pkg:"));
    }

    #[test]
    fn values_with_extras() {
        let parsed = parse_value("pkg.cli:main [cli, color]").unwrap();
        assert_eq!(parsed.module, "pkg.cli");
        assert_eq!(parsed.reference, "pkg.cli:main");
        assert_eq!(parsed.extras, ["cli", "color"]);
        assert_eq!(parse_value("pkg:main[x]").unwrap().extras, ["x"]);
        assert!(parse_value("pkg:main [").is_none());
        assert!(parse_value("pkg:main []").is_none());
        assert!(parse_value("pkg:main [a b]").is_none());
    }

    #[test]
    fn names() {
        assert_eq!(name_problem("my-tool.v2_x"), None);
        assert_eq!(name_problem("outil-é"), None);
        assert_eq!(name_problem("../evil").unwrap(), "it holds `/`");
        assert_eq!(name_problem("..").unwrap(), "it is only dots");
        assert_eq!(
            name_problem("a\tb").unwrap(),
            "it holds the control character '\\t'"
        );
        assert_eq!(name_problem("a b").unwrap(), "it holds a space");
        assert_eq!(name_problem("a=b").unwrap(), "it holds `=`");
    }
}
