//! `scripts`, `gui-scripts` and `entry-points`.

use super::fields::{Checker, TableAt};
use crate::error::Diagnostic;
use crate::names;

/// Whether `value` is an entry point object reference: `pkg.mod` or `pkg.mod:obj.attr`.
pub fn is_object_reference(value: &str) -> bool {
    let value = value.trim();
    let (module, attr) = match value.split_once(':') {
        Some((m, a)) => (m.trim(), Some(a.trim())),
        None => (value, None),
    };
    names::is_dotted_identifier(module) && attr.is_none_or(names::is_dotted_identifier)
}

/// Reads `project.scripts` or `project.gui-scripts` (`name`, at dotted `key`).
pub fn read_entry_group(
    checker: &mut Checker,
    project: &TableAt<'_>,
    name: &str,
    key: &str,
) -> Vec<(String, String)> {
    let example = format!("[{key}]\nmy-tool = \"my_package.cli:main\"");
    let mut out = Vec::new();
    for (entry, reference) in checker
        .string_table(project, name, key, &example)
        .unwrap_or_default()
    {
        let entry_key = format!("{key}.{}", entry.value);
        if entry.value.is_empty()
            || entry.value.contains('=')
            || entry.value.chars().any(char::is_whitespace)
        {
            checker.push(
                Diagnostic::new(
                    &entry_key,
                    format!("`{}` is not a valid entry point name", entry.value),
                )
                .at(entry.span.clone())
                .help("use a name without `=` or spaces, such as \"my-tool\""),
            );
        }
        if !is_object_reference(reference.value) {
            checker.push(
                Diagnostic::new(
                    &entry_key,
                    format!(
                        "`{entry_key}` is not a valid object reference: `{}`",
                        reference.value
                    ),
                )
                .at(reference.span.clone())
                .help("write `package.module:function`, such as \"my_package.cli:main\""),
            );
        }
        out.push((entry.value.to_string(), reference.value.trim().to_string()));
    }
    out
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
        let mut entries = Vec::new();
        for (entry, reference) in checker
            .string_table(&table, group, &key, example)
            .unwrap_or_default()
        {
            if !is_object_reference(reference.value) {
                checker.push(
                    Diagnostic::new(
                        &key,
                        format!(
                            "`{key}.{}` is not a valid object reference: `{}`",
                            entry.value, reference.value
                        ),
                    )
                    .at(reference.span.clone())
                    .help("write `package.module:object`, such as \"my_package.plugin:Plugin\""),
                );
            }
            entries.push((entry.value.to_string(), reference.value.trim().to_string()));
        }
        groups.push((group.to_string(), entries));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_references() {
        assert!(is_object_reference("pkg.cli:main"));
        assert!(is_object_reference("pkg.cli"));
        assert!(is_object_reference("pkg:App.run"));
        assert!(!is_object_reference("pkg-cli:main"));
        assert!(!is_object_reference("pkg:"));
    }
}
