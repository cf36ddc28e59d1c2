//! pdm-backend: `[tool.pdm.build]` and `[tool.pdm.version]`.

use std::path::Path;

use super::draft::Draft;
use super::lit::Lit;
use super::old_toml::OldToml;
use super::sdist_scope;

/// Reads pdm-backend's configuration into `draft`.
pub fn read(project_dir: &Path, old: &OldToml, draft: &mut Draft) {
    let mut before = draft.refusals.len();
    let mut keep = vec!["src".to_string(), "tests".to_string()];
    let name = old.string(&["project", "name"]).unwrap_or_default();
    keep.push(crate::names::default_import_name(name));
    for entry in old.entries(&["tool", "pdm", "build"]) {
        let lit = entry.lit();
        let globs = lit.strings(false).unwrap_or_default();
        let key = format!("tool.pdm.build.{}", entry.key);
        match entry.key.as_str() {
            "package-dir" => {
                let dir = lit.as_str().unwrap_or_default();
                if dir != "src" {
                    draft.setting("module-root", dir);
                }
                keep.push(dir.to_string());
            }
            "includes" => {
                let mut names = Vec::new();
                for glob in &globs {
                    let trimmed = glob.trim_end_matches('/');
                    match trimmed.rsplit('/').next() {
                        Some(last) if !trimmed.contains(['*', '?', '[']) => {
                            names.push(last.trim_end_matches(".py").to_string());
                            keep.push(sdist_scope::top_level(trimmed).unwrap_or_default());
                        }
                        _ => draft.refuse(&entry.origin, &key, format!("`{glob}` is a pattern; rustbackend packs whole modules (`module-name`)")),
                    }
                }
                match names.len() {
                    0 => {}
                    1 => draft.setting("module-name", names[0].as_str()),
                    _ => draft.setting("module-name", super::draft::string_array(&names)),
                }
            }
            "excludes" => draft.add_globs("exclude", &globs),
            "source-includes" => {
                for glob in &globs {
                    match sdist_scope::top_level(glob) {
                        Some(top) => keep.push(top),
                        None => draft.add_globs("sdist.include", std::slice::from_ref(glob)),
                    }
                }
            }
            "is-purelib" | "editable-backend" => {}
            "run-setuptools" if lit == Lit::Bool(false) => {}
            _ => draft.refuse(
                &entry.origin,
                &key,
                "rustbackend has no equivalent (build hooks and setuptools runs are not supported)",
            ),
        }
    }
    if let Some(readme) = old.string(&["project", "readme"]) {
        keep.push(readme.split('/').next().unwrap_or(readme).to_string());
    }
    sdist_scope::only(project_dir, &keep, draft);
    if let Some(tag) = super::project_table::python_tag(old.string(&["project", "requires-python"]))
    {
        draft.setting("wheel.python-tag", tag);
    }
    if draft.refusals.len() == before && old.get(&["tool", "pdm", "build"]).is_some() {
        draft
            .carried_tables
            .push(vec!["tool".into(), "pdm".into(), "build".into()]);
    }
    before = draft.refusals.len();
    let source = old
        .string(&["tool", "pdm", "version", "source"])
        .unwrap_or("");
    // An sdist's pyproject.toml has the version pdm-backend wrote in: nothing is dynamic.
    let dynamic_version = old
        .strings(&["project", "dynamic"])
        .iter()
        .any(|d| d == "version");
    for entry in old.entries(&["tool", "pdm", "version"]) {
        match (source, entry.key.as_str()) {
            (_, "source") if matches!(source, "file" | "scm") => {}
            ("file", "path") if dynamic_version => {
                draft.setting("version-file", entry.item.as_str().unwrap_or_default());
                draft.make_dynamic("version");
            }
            ("file" | "scm", _) if !dynamic_version => {}
            ("scm", "write_to" | "write_template") => draft.refuse(&entry.origin, &format!("tool.pdm.version.{}", entry.key), "rustbackend does not write version files; read the version with importlib.metadata"),
            _ => draft.refuse(&entry.origin, &format!("tool.pdm.version.{}", entry.key), "rustbackend reads `__version__` from a file or a version from git tags"),
        }
    }
    if source == "scm" && dynamic_version {
        draft.setting("version-source", "git");
        draft.make_dynamic("version");
    }
    if draft.refusals.len() == before && old.get(&["tool", "pdm", "version"]).is_some() {
        draft
            .carried_tables
            .push(vec!["tool".into(), "pdm".into(), "version".into()]);
    }
}
