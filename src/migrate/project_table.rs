//! The `[project]` table other backends accepted but rustbackend reads as the specification
//! says: keys no specification defines (hatchling ignores them), hatchling's pre-PEP 639
//! `license-files` table, and the wheel's Python tag that hatchling and poetry-core derive
//! from `requires-python`.

use std::str::FromStr;

use toml_edit::Item;

use super::draft::{string_array, Draft};
use super::old_toml::OldToml;
use crate::plan::pyproject::project::PROJECT_KEYS;

/// Removes keys `[project]` may not hold, with a note each (the old backend read none of
/// them, so the metadata does not change), and rewrites hatchling's
/// `license-files = { paths = [...] }` / `{ globs = [...] }` as the array PEP 639 defines.
pub fn tidy(old: &OldToml, draft: &mut Draft) {
    for entry in old.entries(&["project"]) {
        if !PROJECT_KEYS.contains(&entry.key.as_str()) {
            draft.project_overrides.push((entry.key.clone(), None));
            draft.notes.push(format!(
                "{}: `project.{}` is not a [project] key, and the old backend did not read it: removed",
                entry.origin, entry.key
            ));
        }
    }
    let Some(table) = old
        .get(&["project", "license-files"])
        .and_then(Item::as_table_like)
    else {
        return;
    };
    let globs: Vec<String> = ["paths", "globs"]
        .iter()
        .filter_map(|key| table.get(key).and_then(Item::as_array))
        .flat_map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)))
        .collect();
    draft.project_overrides.push((
        "license-files".into(),
        Some(Item::Value(string_array(&globs))),
    ));
}

/// `py2.py3` (or `py2`) when `requires-python` admits a Python 2 (or says nothing), as
/// hatchling and poetry-core tag pure wheels; `None` for rustbackend's `py3`.
pub fn python_tag(requires_python: Option<&str>) -> Option<&'static str> {
    let admits = |major: u64| match requires_python {
        None => true,
        Some(text) => match pep440_rs::VersionSpecifiers::from_str(text) {
            Ok(specifiers) => (0..100).any(|minor| {
                pep440_rs::Version::from_str(&format!("{major}.{minor}.100"))
                    .is_ok_and(|v| specifiers.contains(&v))
            }),
            Err(_) => false,
        },
    };
    match (admits(2), admits(3)) {
        (true, true) => Some("py2.py3"),
        (true, false) => Some("py2"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::python_tag;

    #[test]
    fn python_two_in_requires_python_gives_a_py2_tag() {
        assert_eq!(python_tag(None), Some("py2.py3"));
        assert_eq!(python_tag(Some(">=2.7, !=3.0.*, !=3.1.*")), Some("py2.py3"));
        assert_eq!(python_tag(Some(">=3.8")), None);
        assert_eq!(python_tag(Some("<3")), Some("py2"));
    }
}
