//! The setup() arguments that need more than a rename: the version (a string, `attr:`),
//! license files, extras with markers, data files, custom commands, bdist_wheel options,
//! the package list, the readme and the people.

use std::path::Path;

use toml_edit::{InlineTable, Item, Table, Value};

use super::draft::{string_array, strings_of, Draft, Origin};
use super::lit::Lit;
use super::packages;
use super::setuptools::split_lines;

pub fn version(project_dir: &Path, value: &Lit, origin: &Origin, scm: bool, draft: &mut Draft) {
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
pub fn dynamic_version(
    project_dir: &Path,
    value: &Lit,
    origin: &Origin,
    scm: bool,
    draft: &mut Draft,
) {
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
pub fn license_files(value: &Lit, origin: &Origin, draft: &mut Draft) {
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

pub fn extras(value: &Lit, origin: &Origin, draft: &mut Draft) {
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
        let existing: Vec<String> = strings_of(table.get(&name));
        let all: Vec<String> = existing.into_iter().chain(list).collect();
        table.insert(&name, Item::Value(string_array(&all)));
    }
    draft.project("optional-dependencies", Item::Table(table));
}

pub fn data_files(value: &Lit, origin: &Origin, draft: &mut Draft) {
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
pub fn cmdclass(value: &Lit, origin: &Origin, draft: &mut Draft) {
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

pub fn options(value: &Lit, origin: &Origin, draft: &mut Draft) {
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

pub fn packages_of(project_dir: &Path, value: &Lit) -> Option<Vec<String>> {
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

pub fn readme_of(value: Lit, content_type: Option<String>, origin: &Origin, draft: &mut Draft) {
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

/// `author`, `author_email`, `maintainer`, `maintainer_email`, gathered before they become
/// `authors` and `maintainers`.
#[derive(Default)]
pub struct People {
    author: String,
    author_email: String,
    maintainer: String,
    maintainer_email: String,
}

impl People {
    pub fn set(&mut self, key: &str, value: &str) {
        let slot = match key {
            "author" => &mut self.author,
            "author_email" => &mut self.author_email,
            "maintainer" => &mut self.maintainer,
            _ => &mut self.maintainer_email,
        };
        *slot = value.trim().to_string();
    }

    pub fn carry(&self, draft: &mut Draft) {
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
