//! `import-names` and `import-namespaces` (PEP 794).

use super::fields::{Checker, Spanned, TableAt};
use crate::error::Diagnostic;
use crate::names;

/// Splits `name ; private` into the name and whether it is marked private; `None` when the
/// text after the `;` is not `private`.
pub fn split_private(entry: &str) -> Option<(&str, bool)> {
    match entry.split_once(';') {
        None => Some((entry.trim(), false)),
        Some((name, marker)) if marker.trim() == "private" => Some((name.trim(), true)),
        Some(_) => None,
    }
}

/// The core metadata form of an entry: `name` or `name; private`.
fn canonical(name: &str, private: bool) -> String {
    if private {
        format!("{name}; private")
    } else {
        name.to_string()
    }
}

fn read_list(
    checker: &mut Checker,
    project: &TableAt<'_>,
    field: &str,
) -> Option<Vec<(String, Spanned<String>)>> {
    let key = format!("project.{field}");
    let items = checker.string_array(project, field, &format!("{field} = [\"my_package\"]"))?;
    let mut out: Vec<(String, Spanned<String>)> = Vec::new();
    for item in items {
        let Some((name, private)) =
            split_private(item.value).filter(|(n, _)| names::is_dotted_identifier(n))
        else {
            checker.push(
                Diagnostic::new(&key, format!("`{key}` has an invalid import name `{}`", item.value))
                    .at(item.span)
                    .help("write a dotted Python name, optionally followed by `; private`, such as \"my_package\" or \"_my_package; private\""),
            );
            continue;
        };
        if out.iter().any(|(n, _)| n == name) {
            checker.push(
                Diagnostic::new(&key, format!("`{key}` lists `{name}` twice"))
                    .at(item.span)
                    .help("list each import name once"),
            );
            continue;
        }
        out.push((
            name.to_string(),
            Spanned {
                value: canonical(name, private),
                span: item.span,
            },
        ));
    }
    Some(out)
}

/// Reads both keys and checks them against each other: no name in both, and every parent of
/// a dotted name accounted for in one of them.
pub fn read_import_names(
    checker: &mut Checker,
    project: &TableAt<'_>,
) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let import_names = read_list(checker, project, "import-names");
    let namespaces = read_list(checker, project, "import-namespaces");
    let all: Vec<&String> = import_names
        .iter()
        .chain(namespaces.iter())
        .flatten()
        .map(|(n, _)| n)
        .collect();
    for (name, entry) in namespaces.iter().flatten() {
        if import_names.iter().flatten().any(|(n, _)| n == name) {
            checker.push(
                Diagnostic::new("project.import-namespaces", format!("`{name}` is listed in both `project.import-names` and `project.import-namespaces`"))
                    .at(entry.span.clone())
                    .help("keep it in `import-names` if the project alone provides it, in `import-namespaces` if other projects share it"),
            );
        }
    }
    for (field, list) in [
        ("import-names", &import_names),
        ("import-namespaces", &namespaces),
    ] {
        for (name, entry) in list.iter().flatten() {
            let mut parent = name.as_str();
            while let Some((up, _)) = parent.rsplit_once('.') {
                parent = up;
                if !all.iter().any(|n| n.as_str() == parent) {
                    checker.push(
                        Diagnostic::new(format!("project.{field}"), format!("`project.{field}` lists `{name}` but not its parent `{parent}`"))
                            .at(entry.span.clone())
                            .help(format!("add `{parent}` to `import-namespaces` (or to `import-names` if the project alone provides it)")),
                    );
                }
            }
        }
    }
    let values = |list: Option<Vec<(String, Spanned<String>)>>| {
        list.map(|l| l.into_iter().map(|(_, entry)| entry.value).collect())
    };
    (values(import_names), values(namespaces))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_marker() {
        assert_eq!(split_private("spam"), Some(("spam", false)));
        assert_eq!(split_private("_spam ;  private"), Some(("_spam", true)));
        assert_eq!(split_private("spam; public"), None);
    }
}
