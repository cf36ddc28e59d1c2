//! Poetry 1.x: `[tool.poetry]` metadata, dependencies (caret and tilde constraints), packages,
//! include/exclude, scripts and plugins.

use toml_edit::{InlineTable, Item, Table, Value};

use super::draft::{string_array, string_table, Draft, Origin};
use super::lit::Lit;
use super::old_toml::OldToml;

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

fn lit_list(lit: &Lit) -> Vec<Lit> {
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

/// A dependency as PEP 508 requirements, each with whether it is optional.
fn requirements(name: &str, lit: &Lit) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    for item in lit_list(lit) {
        let (version, table) = match &item {
            Lit::Str(s) => (s.as_str(), None),
            Lit::Map(_) => (
                item.get("version").and_then(Lit::as_str).unwrap_or("*"),
                Some(&item),
            ),
            _ => return Err("not a version or a table".into()),
        };
        let mut requirement = name.to_string();
        let mut markers = Vec::new();
        let mut is_optional = false;
        if let Some(table) = table {
            let Lit::Map(keys) = table else {
                unreachable!()
            };
            for (key, value) in keys {
                match key.as_str() {
                    "version" => {}
                    "optional" => is_optional = value == &Lit::Bool(true),
                    "extras" => requirement.push_str(&format!("[{}]", value.strings(false).unwrap_or_default().join(","))),
                    "markers" => markers.push(format!("({})", value.as_str().unwrap_or_default())),
                    "python" => markers.push(python_marker(value.as_str().unwrap_or_default()).ok_or("a `python` constraint with no marker equivalent")?),
                    "platform" => markers.push(format!("sys_platform == \"{}\"", value.as_str().unwrap_or_default())),
                    "url" => requirement.push_str(&format!(" @ {}", value.as_str().unwrap_or_default())),
                    other => return Err(format!("`{other}` (git, path or source dependencies) cannot be a published requirement")),
                }
            }
        }
        if !requirement.contains(" @ ") {
            let spec = pep440(version)
                .ok_or_else(|| format!("`{version}` has no PEP 440 equivalent (`||`)"))?;
            if !spec.is_empty() {
                requirement.push_str(&format!(" ({spec})"));
            }
        }
        if !markers.is_empty() {
            let markers: Vec<String> = markers
                .iter()
                .map(|m| {
                    if markers.len() > 1 && !m.starts_with('(') {
                        format!("({m})")
                    } else {
                        m.clone()
                    }
                })
                .collect();
            let joined = markers.join(" and ");
            let joined = if markers.len() == 1 {
                joined
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .to_string()
            } else {
                joined
            };
            requirement.push_str(&format!("; {joined}"));
        }
        out.push((requirement, is_optional));
    }
    Ok(out)
}

/// A Python constraint as environment markers (`^3.8` -> `python_version >= "3.8" and python_version < "4.0"`).
fn python_marker(constraint: &str) -> Option<String> {
    let spec = pep440(constraint)?;
    let parts: Vec<String> = spec
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|clause| {
            let op_len = clause.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
            let (op, version) = clause.split_at(op_len);
            let variable = if version.matches('.').count() >= 2 {
                "python_full_version"
            } else {
                "python_version"
            };
            format!("{variable} {} \"{version}\"", op.trim())
        })
        .collect();
    Some(parts.join(" and "))
}

/// A Poetry constraint as a PEP 440 specifier set ("" for any version).
pub fn pep440(constraint: &str) -> Option<String> {
    if constraint.contains("||") || constraint.contains('|') {
        return None;
    }
    let mut clauses = Vec::new();
    for part in constraint.split(',').flat_map(|p| split_spaced(p.trim())) {
        let part = part.trim();
        if part.is_empty() || part == "*" {
            continue;
        }
        if let Some(v) = part.strip_prefix('^') {
            let (lower, upper) = bump(v.trim(), true)?;
            clauses.push(format!(">={lower}"));
            clauses.push(format!("<{upper}"));
        } else if let Some(v) = part.strip_prefix("~=") {
            clauses.push(format!("~={}", v.trim()));
        } else if let Some(v) = part.strip_prefix('~') {
            let (lower, upper) = bump(v.trim(), false)?;
            clauses.push(format!(">={lower}"));
            clauses.push(format!("<{upper}"));
        } else if part.starts_with(['>', '<', '=', '!']) {
            let op_len = part
                .find(|c: char| !matches!(c, '>' | '<' | '=' | '!'))
                .unwrap_or(part.len());
            let (op, v) = part.split_at(op_len);
            let op = if op == "=" { "==" } else { op };
            clauses.push(format!("{op}{}", v.trim()));
        } else {
            clauses.push(format!("=={part}"));
        }
    }
    Some(clauses.join(","))
}

/// `>=1.2 <2` (space between clauses) as two clauses.
fn split_spaced(part: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in part.split_whitespace() {
        match out.last_mut() {
            Some(last)
                if last
                    .chars()
                    .all(|c| matches!(c, '>' | '<' | '=' | '!' | '~' | '^')) =>
            {
                last.push_str(word)
            }
            _ => out.push(word.to_string()),
        }
    }
    out
}

/// The bounds of a caret (`caret`) or tilde constraint, as Poetry computes them.
fn bump(version: &str, caret: bool) -> Option<(String, String)> {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts.is_empty() {
        return None;
    }
    let position = if caret {
        parts
            .iter()
            .position(|p| *p != 0)
            .unwrap_or(parts.len().saturating_sub(1))
            .min(parts.len() - 1)
    } else if parts.len() == 1 {
        0
    } else {
        1
    };
    let mut upper: Vec<u64> = parts.clone();
    upper[position] += 1;
    for p in upper.iter_mut().skip(position + 1) {
        *p = 0;
    }
    let render = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
    Some((render(&parts), render(&upper)))
}

#[cfg(test)]
mod tests {
    use super::pep440;

    #[test]
    fn caret_and_tilde_as_poetry_computes_them() {
        assert_eq!(pep440("^1.2.3").unwrap(), ">=1.2.3,<2.0.0");
        assert_eq!(pep440("^0.2.3").unwrap(), ">=0.2.3,<0.3.0");
        assert_eq!(pep440("^0.0.3").unwrap(), ">=0.0.3,<0.0.4");
        assert_eq!(pep440("^3.8").unwrap(), ">=3.8,<4.0");
        assert_eq!(pep440("~1.2.3").unwrap(), ">=1.2.3,<1.3.0");
        assert_eq!(pep440("~1").unwrap(), ">=1,<2");
        assert_eq!(pep440("*").unwrap(), "");
        assert_eq!(pep440(">=1.2 <2").unwrap(), ">=1.2,<2");
        assert_eq!(pep440("1.2.*").unwrap(), "==1.2.*");
        assert_eq!(pep440("^1 || ^2"), None);
    }
}
