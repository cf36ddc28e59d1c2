//! Poetry 1.x: `[tool.poetry]` metadata, dependencies (caret and tilde constraints), packages,
//! include/exclude, scripts and plugins.

use toml_edit::{InlineTable, Item, Table, Value};

use super::draft::{string_array, string_table, Draft, Origin};
use super::lit::Lit;
use super::old_toml::OldToml;
use super::poetry_constraints::{pep440, requirements};

/// `[tool.poetry]` keys that configure Poetry the tool, not the build: left in place.
const TOOL_ONLY: &[&str] = &[
    "dev-dependencies",
    "group",
    "source",
    "requires-poetry",
    "requires-plugins",
    "package-mode",
];

/// Reads Poetry's configuration into `draft`.
pub fn read(project_dir: &std::path::Path, old: &OldToml, draft: &mut Draft) {
    let before = draft.refusals.len();
    let has_project = old.has_project();
    let entries = old.entries(&["tool", "poetry"]);
    let mut carried = Vec::new();
    let mut urls: Vec<(String, String)> = Vec::new();
    let mut optional: Vec<(String, Vec<String>)> = Vec::new();
    let mut dependencies: Vec<String> = Vec::new();
    let mut keep = Vec::new();
    let name = old
        .string(&["tool", "poetry", "name"])
        .or(old.string(&["project", "name"]))
        .unwrap_or_default()
        .to_string();
    for entry in &entries {
        let lit = entry.lit();
        let key = format!("tool.poetry.{}", entry.key);
        let metadata = !has_project;
        match entry.key.as_str() {
            "name" | "version" | "description" if metadata => {
                draft.project(&entry.key, lit.as_str().unwrap_or_default())
            }
            "license" if metadata => {
                let mut t = InlineTable::new();
                t.insert("text", lit.as_str().unwrap_or_default().into());
                draft.project("license", toml_edit::value(t));
            }
            "authors" | "maintainers" if metadata => {
                // poetry-core 1.x writes only the first person to the metadata.
                let list = lit.strings(false).unwrap_or_default();
                if list.len() > 1 {
                    draft.notes.push(format!(
                        "{}: Poetry published only the first of the {}; add the others to `{}` if they should be listed",
                        entry.origin, entry.key, entry.key
                    ));
                }
                draft.project(&entry.key, people(&list[..list.len().min(1)]));
            }
            "readme" if metadata => match lit.strings(false).as_deref() {
                Some([one]) => draft.project("readme", one.as_str()),
                _ => draft.refuse(
                    &entry.origin,
                    &key,
                    "Poetry joins several readme files; rustbackend reads one: join them",
                ),
            },
            "homepage" | "repository" | "documentation" if metadata => {
                let label = match entry.key.as_str() {
                    "homepage" => "Homepage",
                    "repository" => "Repository",
                    _ => "Documentation",
                };
                urls.push((label.into(), lit.as_str().unwrap_or_default().into()));
            }
            "urls" if metadata => {
                if let Lit::Map(pairs) = &lit {
                    urls.extend(
                        pairs
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())),
                    );
                }
            }
            "keywords" if metadata => draft.project(
                "keywords",
                Item::Value(string_array(&lit.strings(false).unwrap_or_default())),
            ),
            "classifiers" if metadata => {
                // Poetry adds Python-version and license classifiers of its own: the old
                // backend's metadata gives the full list.
                draft
                    .ask_old_backend
                    .push(("classifiers".into(), entry.origin.clone()));
            }
            "dependencies" if metadata => {
                for dep in old.entries(&["tool", "poetry", "dependencies"]) {
                    if dep.key == "python" {
                        match dep.item.as_str().and_then(pep440) {
                            Some(spec) => {
                                let spec = Some(spec).filter(|s| !s.is_empty());
                                if let Some(tag) = super::project_table::python_tag(spec.as_deref())
                                {
                                    draft.setting("wheel.python-tag", tag);
                                }
                                if let Some(spec) = spec {
                                    draft.project("requires-python", spec.as_str());
                                }
                            }
                            None => draft.refuse(
                                &dep.origin,
                                "tool.poetry.dependencies.python",
                                "a constraint with no PEP 440 equivalent (`||`)",
                            ),
                        }
                        continue;
                    }
                    match requirements(&dep.key, &dep.lit()) {
                        Ok(list) => {
                            for (requirement, is_optional) in list {
                                if is_optional {
                                    optional.push((
                                        crate::names::normalize(&dep.key),
                                        vec![requirement],
                                    ));
                                } else {
                                    dependencies.push(requirement);
                                }
                            }
                        }
                        Err(why) => draft.refuse(
                            &dep.origin,
                            &format!("tool.poetry.dependencies.{}", dep.key),
                            why,
                        ),
                    }
                }
            }
            "extras" if metadata => {}
            "scripts" if metadata => scripts(old, draft),
            "plugins" if metadata => {
                let mut groups = Table::new();
                groups.set_implicit(true);
                for group in old.entries(&["tool", "poetry", "plugins"]) {
                    if let Lit::Map(pairs) = group.lit() {
                        let pairs: Vec<(String, String)> = pairs
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect();
                        groups.insert(&group.key, string_table(&pairs));
                    }
                }
                draft.project("entry-points", Item::Table(groups));
            }
            "packages" => packages(&lit, &entry.origin, &mut keep, draft),
            "include" => {
                for item in lit_list(&lit) {
                    let path = item
                        .as_str()
                        .or_else(|| item.get("path").and_then(Lit::as_str))
                        .unwrap_or_default()
                        .to_string();
                    let format = item
                        .get("format")
                        .map(|f| f.strings(false).unwrap_or_default())
                        .unwrap_or_default();
                    if !format.is_empty() && format.iter().any(|f| f == "wheel") {
                        draft.refuse(&entry.origin, &key, format!("`{path}` is put in the wheel; rustbackend packs the module tree: move the file into the package, or list it under `[tool.rustbackend.wheel.data]`"));
                        continue;
                    }
                    match super::sdist_scope::top_level(&path) {
                        Some(top) => keep.push(top),
                        None => draft.add_globs("sdist.include", &[path]),
                    }
                }
            }
            "exclude" => draft.add_globs("exclude", &lit.strings(false).unwrap_or_default()),
            k if TOOL_ONLY.contains(&k) => continue,
            _ if has_project && !matches!(entry.key.as_str(), "build") => continue,
            _ => draft.refuse(
                &entry.origin,
                &key,
                "rustbackend has no equivalent (a build script is not run)",
            ),
        }
        carried.push(entry.key.clone());
    }
    if !has_project {
        let extras_table = old.entries(&["tool", "poetry", "extras"]);
        let mut table = Table::new();
        for extra in &extras_table {
            let names: Vec<String> = extra
                .lit()
                .strings(false)
                .unwrap_or_default()
                .iter()
                .map(|n| crate::names::normalize(n))
                .collect();
            let list: Vec<String> = optional
                .iter()
                .filter(|(n, _)| names.contains(n))
                .flat_map(|(_, r)| r.clone())
                .collect();
            table.insert(&extra.key, Item::Value(string_array(&list)));
        }
        if !dependencies.is_empty() {
            draft.project("dependencies", Item::Value(string_array(&dependencies)));
        }
        if !table.is_empty() {
            draft.project("optional-dependencies", Item::Table(table));
        }
        if !urls.is_empty() {
            draft.project("urls", string_table(&urls));
        }
        if !entries.is_empty()
            && !draft.has_project("classifiers")
            && !draft
                .ask_old_backend
                .iter()
                .any(|(f, _)| f == "classifiers")
        {
            draft
                .ask_old_backend
                .push(("classifiers".into(), old.origin_of(&["tool", "poetry"])));
        }
    }
    if !keep.is_empty() || !entries.is_empty() {
        if let Some(readme) = old
            .string(&["tool", "poetry", "readme"])
            .or(old.string(&["project", "readme"]))
        {
            keep.push(readme.to_string());
        }
        if keep.iter().all(|k| k.is_empty()) {
            keep.push(crate::names::default_import_name(&name));
            keep.push("src".into());
        }
        super::sdist_scope::only(project_dir, &keep, draft);
    }
    if draft.refusals.len() == before {
        for key in carried {
            draft
                .carried_tables
                .push(vec!["tool".into(), "poetry".into(), key]);
        }
    }
}

/// A value that may be one item or a list of them, as a list.
pub fn lit_list(lit: &Lit) -> Vec<Lit> {
    match lit {
        Lit::List(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn packages(lit: &Lit, origin: &Origin, keep: &mut Vec<String>, draft: &mut Draft) {
    let mut names = Vec::new();
    let mut roots = Vec::new();
    for item in lit_list(lit) {
        let include = item
            .get("include")
            .and_then(Lit::as_str)
            .unwrap_or_default();
        let from = item
            .get("from")
            .and_then(Lit::as_str)
            .unwrap_or_default()
            .trim_end_matches('/');
        if include.contains(['*', '?', '[', '/'])
            || item.get("format").is_some()
            || item.get("to").is_some()
        {
            draft.refuse(
                origin,
                "tool.poetry.packages",
                format!(
                    "`{}`: rustbackend packs whole top-level modules; list them by name",
                    item.describe()
                ),
            );
            continue;
        }
        names.push(include.trim_end_matches(".py").to_string());
        roots.push(from.to_string());
        keep.push(if from.is_empty() {
            include.to_string()
        } else {
            super::sdist_scope::top_level(from).unwrap_or_default()
        });
    }
    roots.dedup();
    match roots.as_slice() {
        [] => {}
        [root] => {
            if root != "src" {
                draft.setting("module-root", root.as_str());
            }
        }
        _ => draft.refuse(
            origin,
            "tool.poetry.packages",
            "packages from different directories; rustbackend has one `module-root`",
        ),
    }
    match names.len() {
        0 => {}
        1 => draft.setting("module-name", names[0].as_str()),
        _ => draft.setting("module-name", string_array(&names)),
    }
}

fn scripts(old: &OldToml, draft: &mut Draft) {
    let mut pairs = Vec::new();
    for script in old.entries(&["tool", "poetry", "scripts"]) {
        let lit = script.lit();
        match (lit.as_str(), lit.get("callable").and_then(Lit::as_str)) {
            (Some(target), _) | (None, Some(target)) => {
                pairs.push((script.key.clone(), target.to_string()))
            }
            _ => draft.refuse(
                &script.origin,
                &format!("tool.poetry.scripts.{}", script.key),
                "a file script; list the file under `[tool.rustbackend.wheel.data] scripts`",
            ),
        }
    }
    draft.project("scripts", string_table(&pairs));
}

/// `["Name <email>"]` as `[{ name, email }]`.
fn people(list: &[String]) -> Item {
    let mut array = toml_edit::Array::new();
    for person in list {
        let mut table = InlineTable::new();
        match person.split_once('<') {
            Some((name, email)) => {
                if !name.trim().is_empty() {
                    table.insert("name", name.trim().into());
                }
                table.insert("email", email.trim_end_matches('>').trim().into());
            }
            None => {
                table.insert("name", person.trim().into());
            }
        }
        array.push(Value::InlineTable(table));
    }
    toml_edit::value(array)
}
