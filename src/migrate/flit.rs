//! flit_core: `[tool.flit.module]`, `[tool.flit.sdist]`, `[tool.flit.external-data]`.

use std::path::Path;

use super::draft::{string_array, Draft};
use super::old_toml::OldToml;
use super::sdist_scope;

/// Reads flit_core's configuration into `draft`.
pub fn read(project_dir: &Path, old: &OldToml, draft: &mut Draft) {
    let before = draft.refusals.len();
    if old.get(&["tool", "flit", "metadata"]).is_some() {
        let origin = old.origin_of(&["tool", "flit", "metadata"]);
        draft.refuse(&origin, "tool.flit.metadata", "flit's pre-PEP 621 metadata table; move it to [project] (flit 3.2 and later read that too), then migrate");
        return;
    }
    let name = old
        .string(&["project", "name"])
        .unwrap_or_default()
        .to_string();
    let mut module = crate::names::default_import_name(&name);
    for entry in old.entries(&["tool", "flit", "module"]) {
        match (entry.key.as_str(), entry.item.as_str()) {
            ("name", Some(value)) => {
                module = value.to_string();
                if value != crate::names::default_import_name(&name) {
                    draft.setting("module-name", value);
                    // flit_core publishes a module named otherwise as Import-Name (PEP 794).
                    if old.get(&["project", "import-names"]).is_none() {
                        draft.project_overrides.push((
                            "import-names".into(),
                            Some(toml_edit::Item::Value(string_array(&[value.to_string()]))),
                        ));
                    }
                }
            }
            _ => draft.refuse(
                &entry.origin,
                &format!("tool.flit.module.{}", entry.key),
                "flit_core has no such key; remove it",
            ),
        }
    }
    let dynamic = old.strings(&["project", "dynamic"]);
    if dynamic.iter().any(|d| d == "version") {
        // flit imports the module when it must; rustbackend reads a literal `__version__`.
        let path = module.replace('.', "/");
        let readable = [
            format!("src/{path}/__init__.py"),
            format!("{path}/__init__.py"),
            format!("src/{path}.py"),
            format!("{path}.py"),
        ]
        .iter()
        .find(|f| project_dir.join(f).is_file())
        .is_some_and(|f| crate::plan::version::has_static_version(project_dir, f));
        if readable {
            draft.make_dynamic("version");
        } else {
            draft
                .ask_old_backend
                .push(("version".into(), old.origin_of(&["project", "dynamic"])));
        }
    }
    if let Some(text) = old
        .get(&["project", "license", "text"])
        .and_then(|f| f.as_str())
    {
        draft.project_overrides.push(("license".into(), None));
        draft.notes.push(format!("{}: flit_core does not publish `license = {{ text = \"{text}\" }}`: removed; write an SPDX expression (`license = \"...\"`) to publish one", old.origin_of(&["project", "license"])));
    }
    // flit_core writes no `License` field for `license = { file = ... }`: the file is a
    // License-File, which is what PEP 639's `license-files` says.
    if let Some(file) = old
        .get(&["project", "license", "file"])
        .and_then(|f| f.as_str())
    {
        draft.project_overrides.push(("license".into(), None));
        draft.project_overrides.push((
            "license-files".into(),
            Some(toml_edit::Item::Value(string_array(&[globset::escape(
                file,
            )]))),
        ));
        draft.notes.push(format!("{}: `license = {{ file = \"{file}\" }}` becomes `license-files`, as flit_core published it (no License field)", old.origin_of(&["project", "license"])));
    }
    let mut keep = vec![
        module.split('.').next().unwrap_or(&module).to_string(),
        format!("{module}.py"),
        "src".to_string(),
    ];
    for entry in old.entries(&["tool", "flit", "sdist"]) {
        let globs = entry.lit().strings(false).unwrap_or_default();
        match entry.key.as_str() {
            "include" => {
                for glob in &globs {
                    match sdist_scope::top_level(glob) {
                        Some(top) => keep.push(top),
                        None => draft.refuse(&entry.origin, "tool.flit.sdist.include", format!("`{glob}` selects part of a directory; rustbackend's sdist holds every file git tracks: exclude the rest with `[tool.rustbackend.sdist] exclude`")),
                    }
                }
            }
            "exclude" => draft.add_globs("sdist.exclude", &globs),
            other => draft.refuse(
                &entry.origin,
                &format!("tool.flit.sdist.{other}"),
                "flit_core has no such key",
            ),
        }
    }
    for entry in old.entries(&["tool", "flit", "external-data"]) {
        match (entry.key.as_str(), entry.item.as_str()) {
            ("directory", Some(dir)) => {
                draft.setting("wheel.data.data", dir);
                keep.push(sdist_scope::top_level(dir).unwrap_or_default());
            }
            _ => draft.refuse(
                &entry.origin,
                &format!("tool.flit.external-data.{}", entry.key),
                "not carried",
            ),
        }
    }
    if let Some(readme) = old.string(&["project", "readme"]) {
        keep.push(readme.split('/').next().unwrap_or(readme).to_string());
    }
    // flit_core's sdist also holds the docs/ and tests/ directories only when `include` says so.
    sdist_scope::only(project_dir, &keep, draft);
    if let Some(tag) = super::project_table::python_tag(old.string(&["project", "requires-python"]))
    {
        draft.setting("wheel.python-tag", tag);
    }
    if draft.refusals.len() == before && old.get(&["tool", "flit"]).is_some() {
        draft
            .carried_tables
            .push(vec!["tool".into(), "flit".into()]);
    }
}
