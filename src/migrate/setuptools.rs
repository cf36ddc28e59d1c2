//! setuptools: setup.py's keyword arguments and setup.cfg's options (read by the Python
//! front into facts), and `[tool.setuptools]` in pyproject.toml, mapped onto `[project]` and
//! `[tool.rustbackend]`.

use std::path::Path;

use toml_edit::{InlineTable, Item};

use super::draft::{string_array, string_table, Draft, Origin};
use super::lit::Lit;
use super::old_toml::OldToml;
use super::packages::{self, Packages};
use super::setuptools_facts::keyword_of;
pub use super::setuptools_facts::{parse_facts, Fact};
use super::setuptools_fields::{
    cmdclass, data_files, dynamic_version, extras, license_files, options, packages_of, readme_of,
    version, People,
};

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
        git_version(old, &all, draft);
    }
    if scm || scm_file_finder(old) {
        // setuptools-scm, installed for the build, lists every tracked file for the sdist,
        // so with include_package_data every file of a package ships.
        pkgs.manifest = None;
    } else if let Some(manifest) = pkgs.manifest.as_mut() {
        manifest.extend(extension_sources(&all));
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

/// Requirement-like lists as lines: entries split at line breaks, comments dropped.
pub fn split_lines(list: &[String]) -> Vec<String> {
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
    let required = scm_file_finder(old);
    let asked = facts
        .iter()
        .any(|f| f.key == "use_scm_version" && !f.value.is_empty());
    asked || required && old.get(&["tool", "setuptools_scm"]).is_some()
}

/// setuptools-scm is in `build-system.requires`: whatever it is asked for, it registers the
/// file finder that makes setuptools see every file git tracks.
fn scm_file_finder(old: &OldToml) -> bool {
    old.strings(&["build-system", "requires"]).iter().any(|r| {
        crate::names::normalize(
            r.split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
                .next()
                .unwrap_or(""),
        ) == "setuptools-scm"
    })
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

/// setuptools-scm with a dynamic version: rustbackend's git version, with its options.
fn git_version(old: &OldToml, all: &[Fact], draft: &mut Draft) {
    let dynamic = old
        .strings(&["project", "dynamic"])
        .iter()
        .any(|d| d == "version");
    let asked = all
        .iter()
        .find(|f| f.key == "use_scm_version" && !f.value.is_empty());
    if !dynamic && asked.is_none() {
        return;
    }
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

/// The extension modules' sources and headers: setuptools' sdist holds them, so with
/// `include_package_data` those inside a package ship in the wheel too.
fn extension_sources(all: &[Fact]) -> Vec<String> {
    let mut files = Vec::new();
    for fact in all.iter().filter(|f| f.key == "ext_modules") {
        let Lit::List(modules) = &fact.value else {
            continue;
        };
        for module in modules {
            let args = match module {
                Lit::Marked(_, args) => args.as_ref(),
                other => other,
            };
            for key in ["sources", "depends"] {
                let listed = args
                    .get(key)
                    .and_then(|v| v.strings(false))
                    .unwrap_or_default();
                files.extend(
                    listed
                        .iter()
                        .map(|f| f.trim_start_matches("./").to_string()),
                );
            }
        }
    }
    files
}
