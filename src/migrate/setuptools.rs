//! setuptools: setup.py's keyword arguments and setup.cfg's options (read by the Python
//! front into facts), and `[tool.setuptools]` in pyproject.toml, mapped onto `[project]` and
//! `[tool.rustbackend]`.

use std::path::Path;

use toml_edit::{InlineTable, Item, Table, Value};

use super::draft::{string_array, string_table, Draft, Origin};
use super::lit::Lit;
use super::old_toml::OldToml;
use super::packages::{self, Packages};

/// One setup() keyword: its value and where it was given.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The keyword (`install_requires`), or a front's marker (`$manifest`).
    pub key: String,
    /// Its value.
    pub value: Lit,
    /// Where it was given.
    pub origin: Origin,
}

/// Parses the front's facts: a JSON list of `[keyword, value, file, line]`.
pub fn parse_facts(json: &str) -> Result<Vec<Fact>, String> {
    let value: tinyjson::JsonValue = json.parse().map_err(|e| format!("{e:?}"))?;
    let tinyjson::JsonValue::Array(items) = value else {
        return Err("not a list".into());
    };
    let mut facts = Vec::new();
    for item in items {
        let tinyjson::JsonValue::Array(parts) = item else {
            return Err("a fact is not a list".into());
        };
        match parts.as_slice() {
            [tinyjson::JsonValue::String(key), value, tinyjson::JsonValue::String(file), tinyjson::JsonValue::Number(line)] => {
                facts.push(Fact {
                    key: key.clone(),
                    value: Lit::from_json(value),
                    origin: Origin {
                        file: file.clone(),
                        line: *line as usize,
                    },
                })
            }
            _ => return Err("a fact is not [keyword, value, file, line]".into()),
        }
    }
    Ok(facts)
}

/// `[tool.setuptools]` keys, in setup() keyword spelling.
fn keyword_of(toml_key: &str) -> String {
    match toml_key {
        "script-files" => "scripts".into(),
        other => other.replace('-', "_"),
    }
}

/// Reads setuptools' configuration into `draft`.
pub fn read(project_dir: &Path, old: &OldToml, facts: &[Fact], draft: &mut Draft) {
    let mut all: Vec<Fact> = facts.to_vec();
    for entry in old.entries(&["tool", "setuptools"]) {
        if entry.key == "dynamic" {
            for field in old.entries(&["tool", "setuptools", "dynamic"]) {
                all.push(Fact {
                    key: format!("$dynamic.{}", field.key),
                    value: field.lit(),
                    origin: field.origin,
                });
            }
            continue;
        }
        all.push(Fact {
            key: keyword_of(&entry.key),
            value: entry.lit(),
            origin: entry.origin,
        });
    }
    let refusals_before = draft.refusals.len();
    let pyproject_project = old.has_project();
    let scm = uses_setuptools_scm(old, &all);
    let mut pkgs = Packages {
        include_package_data: pyproject_project,
        manifest: Some(Vec::new()),
        ..Packages::default()
    };
    let mut package_origin = Origin {
        file: "setup.py".into(),
        line: 0,
    };
    let mut people = People::default();
    let mut urls: Vec<(String, String)> = Vec::new();
    let mut readme: (Option<Lit>, Option<String>, Option<Origin>) = (None, None, None);
    for fact in &all {
        let Fact { key, value, origin } = fact;
        // Arguments for commands that a PEP 517 build never runs: dropped whatever they hold.
        if matches!(
            key.as_str(),
            "setup_requires" | "tests_require" | "test_suite" | "zip_safe"
        ) {
            continue;
        }
        if let Lit::Marked(mark, _) = value {
            if mark == "$unreadable" && !key.starts_with('$') && key != "cmdclass" {
                unreadable(key, value, origin, draft);
                continue;
            }
        }
        match key.as_str() {
            "name" | "description" | "python_requires" => {
                let field = match key.as_str() {
                    "python_requires" => "requires-python",
                    other => other,
                };
                match value.as_str() {
                    Some(s) => draft.project(field, s.trim()),
                    None => {
                        draft.refuse(origin, key, format!("{} is not a string", value.describe()))
                    }
                }
            }
            "version" => version(project_dir, value, origin, scm, draft),
            "long_description" => readme = (Some(value.clone()), readme.1, Some(origin.clone())),
            "long_description_content_type" => readme.1 = value.as_str().map(str::to_string),
            "author" | "author_email" | "maintainer" | "maintainer_email" => {
                people.set(key, value.as_str().unwrap_or_default())
            }
            "url" | "home_page" => {
                urls.push(("Homepage".into(), value.as_str().unwrap_or_default().into()))
            }
            "download_url" => {
                urls.push(("Download".into(), value.as_str().unwrap_or_default().into()))
            }
            "project_urls" => match value {
                Lit::Map(entries) => urls.extend(
                    entries
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())),
                ),
                Lit::Str(s) => urls.extend(s.lines().filter_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    Some((k.trim().to_string(), v.trim().to_string()))
                })),
                _ => draft.refuse(origin, key, "not a table of names to URLs"),
            },
            "license" => match value.as_str() {
                Some(text) if !text.trim().is_empty() => {
                    let mut table = InlineTable::new();
                    table.insert("text", text.into());
                    draft.project("license", toml_edit::value(table));
                }
                _ => {}
            },
            "license_file" | "license_files" => license_files(value, origin, draft),
            "keywords" => {
                let words = match value {
                    Lit::Str(s) if !s.contains(',') => {
                        s.split_whitespace().map(str::to_string).collect()
                    }
                    other => other.strings(true).unwrap_or_default(),
                };
                draft.project("keywords", Item::Value(string_array(&words)));
            }
            "classifiers" => match value.strings(false).or_else(|| {
                value.as_str().map(|s| {
                    s.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
            }) {
                Some(list) => draft.project(
                    "classifiers",
                    Item::Value(string_array(&split_lines(&list))),
                ),
                None => draft.refuse(
                    origin,
                    key,
                    format!("{} is not a list of strings", value.describe()),
                ),
            },
            "install_requires" => match value.strings(false) {
                Some(list) => draft.project(
                    "dependencies",
                    Item::Value(string_array(&split_lines(&list))),
                ),
                None => draft.refuse(
                    origin,
                    key,
                    format!("{} is not a list of requirements", value.describe()),
                ),
            },
            "extras_require" | "optional_dependencies" => extras(value, origin, draft),
            "entry_points" => super::setuptools_entry_points::carry(value, origin, draft),
            "scripts" => match value.strings(false) {
                Some(files) if !files.is_empty() => {
                    draft.setting("wheel.data.scripts", string_array(&files))
                }
                Some(_) => {}
                None => draft.refuse(origin, key, "not a list of files"),
            },
            "headers" => match value.strings(false) {
                Some(files) if !files.is_empty() => {
                    draft.setting("wheel.data.headers", string_array(&files))
                }
                Some(_) => {}
                None => draft.refuse(origin, key, "not a list of files"),
            },
            "data_files" => data_files(value, origin, draft),
            "packages" => {
                package_origin = origin.clone();
                match packages_of(project_dir, value) {
                    Some(list) => pkgs.packages = list,
                    None => draft.refuse(
                        origin,
                        key,
                        format!(
                            "{} is not a list of package names or find_packages()",
                            value.describe()
                        ),
                    ),
                }
            }
            "py_modules" => pkgs.py_modules = value.strings(true).unwrap_or_default(),
            "package_dir" => match value {
                Lit::Map(entries) => {
                    pkgs.package_dir = entries
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                }
                Lit::Str(s) => {
                    pkgs.package_dir = s
                        .lines()
                        .filter_map(|l| {
                            let (k, v) = l.split_once('=')?;
                            Some((k.trim().to_string(), v.trim().to_string()))
                        })
                        .collect()
                }
                _ => draft.refuse(origin, key, "not a table of packages to directories"),
            },
            "package_data" | "exclude_package_data" => {
                let table: Vec<(String, Vec<String>)> = match value {
                    Lit::Map(entries) => entries
                        .iter()
                        .map(|(k, v)| (k.clone(), v.strings(true).unwrap_or_default()))
                        .collect(),
                    _ => Vec::new(),
                };
                if key == "package_data" {
                    pkgs.package_data = table;
                } else {
                    pkgs.exclude_package_data = table;
                }
            }
            "include_package_data" => {
                pkgs.include_package_data = value == &Lit::Bool(true)
                    || value.as_str() == Some("True")
                    || value.as_str() == Some("true")
            }
            "$manifest" => pkgs.manifest = value.strings(false),
            "ext_modules" => super::setuptools_ext::carry(value, origin, &all, draft),
            "$dynamic.version" => dynamic_version(project_dir, value, origin, scm, draft),
            "$dynamic.readme" => match value.get("file").and_then(|f| f.strings(true)) {
                Some(files) if files.len() == 1 => {
                    readme = (
                        Some(Lit::Marked(
                            "$file".into(),
                            Box::new(Lit::Str(files[0].clone())),
                        )),
                        value
                            .get("content-type")
                            .and_then(Lit::as_str)
                            .map(str::to_string),
                        Some(origin.clone()),
                    );
                }
                _ => draft.refuse(
                    origin,
                    "tool.setuptools.dynamic.readme",
                    "rustbackend reads one readme file; list it as `readme` in [project]",
                ),
            },
            k if k.starts_with("$dynamic.") => {
                let field = &k["$dynamic.".len()..];
                draft.refuse(
                    origin,
                    &format!("tool.setuptools.dynamic.{field}"),
                    format!("rustbackend computes no `{field}`; write it in [project] statically"),
                );
            }
            "zip_safe" | "setup_requires" | "tests_require" | "test_suite" | "use_scm_version"
            | "platforms"
                if value.is_empty() || key != "platforms" => {}
            "options" => options(value, origin, draft),
            "cmdclass" => cmdclass(value, origin, draft),
            "platforms" => draft.refuse(origin, key, "core metadata's `Platform` has no [project] field (and no installer reads it); remove the argument"),
            "$setuptools_scm" | "$ext_options" => {}
            _ if value.is_empty() => {}
            _ => draft.refuse(
                origin,
                key,
                "rustbackend has no equivalent of this setup() argument",
            ),
        }
    }
    people.carry(draft);
    if !urls.is_empty() {
        urls.retain(|(_, v)| !v.is_empty());
        draft.project("urls", string_table(&urls));
    }
    if let (Some(value), content_type, Some(origin)) = readme {
        readme_of(value, content_type, &origin, draft);
    }
    let name = old
        .string(&["project", "name"])
        .map(str::to_string)
        .or_else(|| {
            all.iter()
                .find(|f| f.key == "name")
                .and_then(|f| f.value.as_str().map(str::to_string))
        });
    if scm {
        pkgs.manifest = None;
        let dynamic = old
            .strings(&["project", "dynamic"])
            .iter()
            .any(|d| d == "version");
        let asked = all
            .iter()
            .find(|f| f.key == "use_scm_version" && !f.value.is_empty());
        if dynamic || asked.is_some() {
            draft.setting("version-source", "git");
            draft.make_dynamic("version");
            let mut options: Vec<(String, Lit, Origin)> = old
                .entries(&["tool", "setuptools_scm"])
                .into_iter()
                .map(|e| (e.key.replace('-', "_"), e.lit(), e.origin))
                .collect();
            if let Some(Fact {
                value: Lit::Map(pairs),
                origin,
                ..
            }) = asked
            {
                options.extend(
                    pairs
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone(), origin.clone())),
                );
            }
            for (key, value, origin) in options {
                super::scm_options::carry(
                    &format!("setuptools_scm.{key}"),
                    &key,
                    &value,
                    &origin,
                    draft,
                );
            }
        }
    } else if let Some(pkg_manifest) = pkgs.manifest.as_mut() {
        // setuptools' sdist holds the extension modules' sources, so they are package data too.
        for fact in all.iter().filter(|f| f.key == "ext_modules") {
            if let Lit::List(modules) = &fact.value {
                for module in modules {
                    let args = match module {
                        Lit::Marked(_, args) => args.as_ref(),
                        other => other,
                    };
                    for key in ["sources", "depends"] {
                        let files = args
                            .get(key)
                            .and_then(|v| v.strings(false))
                            .unwrap_or_default();
                        pkg_manifest
                            .extend(files.iter().map(|f| f.trim_start_matches("./").to_string()));
                    }
                }
            }
        }
    }
    packages::carry(project_dir, &pkgs, name.as_deref(), &package_origin, draft);
    if draft.refusals.len() == refusals_before && old.get(&["tool", "setuptools"]).is_some() {
        draft
            .carried_tables
            .push(vec!["tool".into(), "setuptools".into()]);
    }
    if scm
        && draft.refusals.len() == refusals_before
        && old.get(&["tool", "setuptools_scm"]).is_some()
    {
        draft
            .carried_tables
            .push(vec!["tool".into(), "setuptools_scm".into()]);
    }
    if !facts.is_empty() {
        draft.notes.push("setup.py and setup.cfg are no longer read: delete them (and MANIFEST.in) once `rustbackend migrate --verify` agrees".into());
    }
}

fn split_lines(list: &[String]) -> Vec<String> {
    list.iter()
        .flat_map(|s| s.lines())
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// setuptools-scm is in use: in `build-system.requires` with `use_scm_version` or
/// `[tool.setuptools_scm]`.
fn uses_setuptools_scm(old: &OldToml, facts: &[Fact]) -> bool {
    let required = old.strings(&["build-system", "requires"]).iter().any(|r| {
        crate::names::normalize(
            r.split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
                .next()
                .unwrap_or(""),
        ) == "setuptools-scm"
    });
    let asked = facts
        .iter()
        .any(|f| f.key == "use_scm_version" && !f.value.is_empty());
    asked || required && old.get(&["tool", "setuptools_scm"]).is_some()
}

fn unreadable(key: &str, value: &Lit, origin: &Origin, draft: &mut Draft) {
    let field = match key {
        "version" => Some("version"),
        "description" => Some("description"),
        "install_requires" => Some("dependencies"),
        "classifiers" => Some("classifiers"),
        "python_requires" => Some("requires-python"),
        "keywords" => Some("keywords"),
        "long_description" => Some("readme"),
        _ => None,
    };
    match field {
        Some(field) => {
            if !draft.ask_old_backend.iter().any(|(f, _)| f == field) {
                draft.ask_old_backend.push((field.to_string(), origin.clone()));
            }
        }
        None => draft.refuse(
            origin,
            key,
            format!(
                "`{}` is computed when setup.py runs; migrate reads setup.py without running it: write the value in pyproject.toml",
                value.describe()
            ),
        ),
    }
}

fn version(project_dir: &Path, value: &Lit, origin: &Origin, scm: bool, draft: &mut Draft) {
    match value {
        Lit::Str(s) => draft.project("version", s.trim()),
        Lit::Marked(mark, arg) if mark == "$attr" => dynamic_version(
            project_dir,
            &Lit::Map(vec![("attr".into(), (**arg).clone())]),
            origin,
            scm,
            draft,
        ),
        _ if scm => {}
        other => draft.refuse(
            origin,
            "version",
            format!("{} is not a version string", other.describe()),
        ),
    }
}

/// `version = {attr = "pkg.__version__"}`: rustbackend reads `__version__` from the module's file.
fn dynamic_version(project_dir: &Path, value: &Lit, origin: &Origin, scm: bool, draft: &mut Draft) {
    let Some(attr) = value.get("attr").and_then(Lit::as_str) else {
        draft.refuse(origin, "version", format!("{}: rustbackend reads a version from `__version__` in a module or from git tags, not from a plain file", value.describe()));
        return;
    };
    let Some((module, name)) = attr.rsplit_once('.') else {
        draft.refuse(origin, "version", format!("`attr: {attr}` names no module"));
        return;
    };
    if name != "__version__" {
        draft.refuse(origin, "version", format!("`attr: {attr}`: rustbackend reads only `__version__`; rename the attribute or write the version statically"));
        return;
    }
    let path = module.replace('.', "/");
    let file = ["src/", ""]
        .iter()
        .flat_map(|root| {
            [
                format!("{root}{path}/__init__.py"),
                format!("{root}{path}.py"),
            ]
        })
        .find(|f| project_dir.join(f).is_file());
    match file {
        Some(file) if crate::plan::version::has_static_version(project_dir, &file) => {
            draft.make_dynamic("version");
            if !file.ends_with("/__init__.py") || module.contains('.') {
                draft.setting("version-file", file.as_str());
            }
        }
        // `__version__` is computed in the module: the old backend's metadata tells it.
        Some(_) => draft
            .ask_old_backend
            .push(("version".into(), origin.clone())),
        None if scm => {}
        None => draft.refuse(
            origin,
            "version",
            format!("`attr: {attr}`: no file for module `{module}` under src/ or the project root"),
        ),
    }
    let _ = scm;
}

/// `license_files`: the same globs (setuptools' are relative to the project too).
fn license_files(value: &Lit, origin: &Origin, draft: &mut Draft) {
    match value.strings(true) {
        Some(files) if !files.is_empty() => {
            draft.project("license-files", Item::Value(string_array(&files)))
        }
        Some(_) => {}
        None => draft.refuse(
            origin,
            "license_files",
            format!("{} is not a list of globs", value.describe()),
        ),
    }
}

fn extras(value: &Lit, origin: &Origin, draft: &mut Draft) {
    let Lit::Map(entries) = value else {
        draft.refuse(origin, "extras_require", "not a table of extras");
        return;
    };
    let mut table = Table::new();
    for (name, requirements) in entries {
        let mut list = split_lines(&requirements.strings(false).unwrap_or_default());
        let (name, marker) = match name.split_once(':') {
            Some((n, m)) => (n.trim().to_string(), Some(m.trim().to_string())),
            None => (name.clone(), None),
        };
        if let Some(marker) = marker {
            if list.iter().any(|r| r.contains(';')) {
                draft.refuse(origin, "extras_require", format!("extra `{name}:{marker}` holds requirements with markers of their own; combine the markers by hand"));
                continue;
            }
            list = list.iter().map(|r| format!("{r}; {marker}")).collect();
        }
        let existing: Vec<String> = table
            .get(&name)
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let all: Vec<String> = existing.into_iter().chain(list).collect();
        table.insert(&name, Item::Value(string_array(&all)));
    }
    draft.project("optional-dependencies", Item::Table(table));
}

fn data_files(value: &Lit, origin: &Origin, draft: &mut Draft) {
    let mut table = InlineTable::new();
    let pairs: Vec<(String, Vec<String>)> = match value {
        Lit::List(items) => items
            .iter()
            .filter_map(|item| match item {
                Lit::List(pair) if pair.len() == 2 => {
                    Some((pair[0].as_str()?.to_string(), pair[1].strings(false)?))
                }
                _ => None,
            })
            .collect(),
        Lit::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.clone(), v.strings(true).unwrap_or_default()))
            .collect(),
        _ => Vec::new(),
    };
    if pairs.is_empty() && !value.is_empty() {
        draft.refuse(
            origin,
            "data_files",
            format!("{} is not a list of (directory, [files])", value.describe()),
        );
        return;
    }
    for (dir, files) in pairs {
        let dir = dir.trim_matches('/').to_string();
        if dir.is_empty() || dir.split('/').any(|p| p == "..") {
            draft.refuse(
                origin,
                "data_files",
                format!("target directory `{dir}` is not a relative path inside the environment"),
            );
            continue;
        }
        table.insert(&dir, string_array(&files));
    }
    if !table.is_empty() {
        draft.setting("wheel.data.data", table);
    }
}

/// Commands that take part in building a wheel or an sdist: a project that replaces one
/// builds differently from what its configuration says.
const BUILD_COMMANDS: &[&str] = &[
    "build",
    "build_py",
    "build_ext",
    "build_clib",
    "build_scripts",
    "sdist",
    "bdist_wheel",
    "egg_info",
    "install",
    "install_lib",
    "install_data",
    "install_headers",
    "install_scripts",
    "develop",
    "editable_wheel",
    "dist_info",
];

/// `cmdclass`: a custom command that is not part of a build (`update`, `test`) changes
/// nothing rustbackend builds; one that replaces a build step is refused.
fn cmdclass(value: &Lit, origin: &Origin, draft: &mut Draft) {
    let Lit::Map(commands) = value else {
        draft.refuse(
            origin,
            "cmdclass",
            format!(
                "`{}` is computed when setup.py runs; rustbackend runs no custom commands",
                value.describe()
            ),
        );
        return;
    };
    for (command, _) in commands {
        if BUILD_COMMANDS.contains(&command.as_str()) {
            draft.refuse(origin, &format!("cmdclass.{command}"), format!("setup.py replaces the `{command}` step with its own code; rustbackend runs none: carry what it does into [tool.rustbackend] by hand"));
        } else {
            draft.notes.push(format!("{origin}: the custom command `{command}` is not part of a build; it is left behind with setup.py"));
        }
    }
}

fn options(value: &Lit, origin: &Origin, draft: &mut Draft) {
    let Lit::Map(commands) = value else { return };
    for (command, settings) in commands {
        let Lit::Map(settings) = settings else {
            continue;
        };
        for (name, setting) in settings {
            let truthy = matches!(setting, Lit::Bool(true))
                || matches!(setting.as_str(), Some("1" | "true" | "True"))
                || matches!(setting, Lit::Num(n) if *n != 0.0);
            match (command.as_str(), name.as_str()) {
                ("bdist_wheel", "universal") if truthy => {
                    draft.setting("wheel.python-tag", "py2.py3")
                }
                ("bdist_wheel", "universal") => {}
                ("bdist_wheel", "py_limited_api") | ("build_ext", _) => {}
                _ => draft.refuse(
                    origin,
                    &format!("options.{command}.{name}"),
                    "rustbackend has no equivalent of this command option",
                ),
            }
        }
    }
}

fn packages_of(project_dir: &Path, value: &Lit) -> Option<Vec<String>> {
    match value {
        Lit::Marked(mark, args) if mark == "$find" || mark == "$find_namespace" => {
            let where_ = args
                .get("where")
                .and_then(|w| w.strings(true))
                .and_then(|w| w.first().cloned())
                .unwrap_or_default();
            let include = args
                .get("include")
                .and_then(|w| w.strings(true))
                .unwrap_or_default();
            let exclude = args
                .get("exclude")
                .and_then(|w| w.strings(true))
                .unwrap_or_default();
            let namespaces =
                mark == "$find_namespace" || args.get("namespaces") == Some(&Lit::Bool(true));
            Some(packages::find(
                project_dir,
                &where_,
                &include,
                &exclude,
                namespaces,
            ))
        }
        Lit::Map(_) if value.get("find").is_some() => {
            let find = value.get("find")?;
            packages_of(
                project_dir,
                &Lit::Marked("$find".into(), Box::new(find.clone())),
            )
        }
        other => other.strings(true),
    }
}

fn readme_of(value: Lit, content_type: Option<String>, origin: &Origin, draft: &mut Draft) {
    match value {
        Lit::Marked(mark, file) if mark == "$file" => {
            let Some(file) = file.as_str().map(str::to_string).or_else(|| {
                file.strings(false)
                    .filter(|f| f.len() == 1)
                    .map(|f| f[0].clone())
            }) else {
                draft.refuse(
                    origin,
                    "long_description",
                    "rustbackend reads one readme file; join them into one",
                );
                return;
            };
            let implied = match file.rsplit('.').next() {
                Some("md") => Some("text/markdown"),
                Some("rst") => Some("text/x-rst"),
                Some("txt") => Some("text/plain"),
                _ => None,
            };
            match (content_type, implied) {
                (None, Some(_)) => draft.project("readme", file.as_str()),
                (Some(given), Some(implied)) if given == implied => {
                    draft.project("readme", file.as_str())
                }
                (given, _) => {
                    let mut table = InlineTable::new();
                    table.insert("file", file.as_str().into());
                    table.insert(
                        "content-type",
                        given.as_deref().unwrap_or("text/x-rst").into(),
                    );
                    draft.project("readme", toml_edit::value(table));
                }
            }
        }
        Lit::Str(text) if !text.trim().is_empty() => {
            let mut table = InlineTable::new();
            table.insert("text", text.as_str().into());
            table.insert(
                "content-type",
                content_type.as_deref().unwrap_or("text/x-rst").into(),
            );
            draft.project("readme", toml_edit::value(table));
        }
        Lit::Str(_) | Lit::Null => {}
        other => draft.refuse(
            origin,
            "long_description",
            format!(
                "{} is computed when setup.py runs; name the readme file in pyproject.toml",
                other.describe()
            ),
        ),
    }
}

/// `author`, `author_email`, `maintainer`, `maintainer_email`.
#[derive(Default)]
struct People {
    author: String,
    author_email: String,
    maintainer: String,
    maintainer_email: String,
}

impl People {
    fn set(&mut self, key: &str, value: &str) {
        let slot = match key {
            "author" => &mut self.author,
            "author_email" => &mut self.author_email,
            "maintainer" => &mut self.maintainer,
            _ => &mut self.maintainer_email,
        };
        *slot = value.trim().to_string();
    }

    fn carry(&self, draft: &mut Draft) {
        for (field, name, email) in [
            ("authors", &self.author, &self.author_email),
            ("maintainers", &self.maintainer, &self.maintainer_email),
        ] {
            let mut people = toml_edit::Array::new();
            let emails: Vec<&str> = email
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .collect();
            if emails.len() == 1 && !name.is_empty() && !name.contains(',') {
                let mut t = InlineTable::new();
                t.insert("name", name.as_str().into());
                t.insert("email", emails[0].into());
                people.push(Value::InlineTable(t));
            } else {
                if !name.is_empty() {
                    let mut t = InlineTable::new();
                    t.insert("name", name.as_str().into());
                    people.push(Value::InlineTable(t));
                }
                for e in emails {
                    let mut t = InlineTable::new();
                    t.insert("email", e.into());
                    people.push(Value::InlineTable(t));
                }
            }
            if !people.is_empty() {
                draft.project(field, toml_edit::value(people));
            }
        }
    }
}
