//! `authors` and `maintainers`.

use super::fields::{table_entries, Checker, TableAt};
use crate::error::Diagnostic;

/// An author or maintainer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The name.
    pub name: Option<String>,
    /// The email address.
    pub email: Option<String>,
}

/// Reads `project.authors` or `project.maintainers` (`field`).
pub fn read_people(checker: &mut Checker, project: &TableAt<'_>, field: &str) -> Vec<Person> {
    let key = format!("project.{field}");
    let example = format!("{field} = [{{ name = \"Jane Doe\", email = \"jane@example.org\" }}]");
    let Some(item) = project.get(field) else {
        return Vec::new();
    };
    let Some(entries) = table_entries(item) else {
        checker.wrong_type(&key, item, "an array of tables", &example);
        return Vec::new();
    };
    let mut people = Vec::new();
    for (i, (table, span)) in entries.into_iter().enumerate() {
        let entry_key = format!("{key}[{i}]");
        let Some(table) = table else {
            checker.push(
                Diagnostic::new(
                    &key,
                    format!("`{entry_key}` must be a table with `name` and/or `email`"),
                )
                .at(span)
                .help(format!("write it like: {example}")),
            );
            continue;
        };
        let at = TableAt {
            key: entry_key.clone(),
            table,
            span: span.clone(),
        };
        checker.unknown_keys(&at, &["name", "email"]);
        let name = checker.string(&at, "name", "name = \"Jane Doe\"");
        let email = checker.string(&at, "email", "email = \"jane@example.org\"");
        if let Some(e) = &email {
            let valid = e.value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.is_empty()
                    && !e
                        .value
                        .chars()
                        .any(|c| c.is_whitespace() || c == '<' || c == '>')
            });
            if !valid {
                checker.push(
                    Diagnostic::new(
                        &entry_key,
                        format!(
                            "`{entry_key}.email` is not a valid email address: `{}`",
                            e.value
                        ),
                    )
                    .at(e.span.clone())
                    .help("write an address such as \"jane@example.org\""),
                );
            }
        }
        if let Some(n) = &name {
            if n.value.contains(',') && email.is_none() {
                checker.push(
                    Diagnostic::new(&entry_key, format!("`{entry_key}.name` may not contain a comma without an email"))
                        .at(n.span.clone())
                        .help("the core metadata joins several names with commas; drop the comma or add an email"),
                );
            }
        }
        for value in [&name, &email].into_iter().flatten() {
            if value.value.chars().any(char::is_control) {
                checker.push(
                    Diagnostic::new(
                        &entry_key,
                        format!("`{entry_key}` holds a control character (such as a line break)"),
                    )
                    .at(value.span.clone())
                    .help("write names and emails on one line, without control characters"),
                );
            }
        }
        if name.is_none() && email.is_none() {
            checker.push(
                Diagnostic::new(&entry_key, format!("`{entry_key}` needs `name` or `email`"))
                    .at(span)
                    .help(format!("write it like: {example}")),
            );
            continue;
        }
        people.push(Person {
            name: name.map(|n| n.value.to_string()),
            email: email.map(|e| e.value.to_string()),
        });
    }
    people
}
