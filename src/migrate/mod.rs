//! `rustbackend migrate`: translates another backend's configuration into `[project]` and
//! `[tool.rustbackend]`, and lists, with file and line, everything it could not carry.
//!
//! The old configuration comes from pyproject.toml (read here, with spans) and, for
//! setuptools, from setup.py and setup.cfg, which the Python front reads (setup.py with
//! `ast`, never run) into [`lit::Lit`] facts. Each backend's reader fills a [`Draft`];
//! the draft is written into the old text with toml_edit, so comments and unrelated tables
//! stay. Values that only the old backend can compute (a version computed in setup.py,
//! Poetry's generated classifiers) are listed in [`Migration::ask_old_backend`]; the front
//! asks the old backend's `prepare_metadata_for_build_wheel` in an isolated environment and
//! calls again with the answers.

mod draft;
mod flit;
mod hatch;
mod lit;
mod old_toml;
mod packages;
mod pdm;
mod poetry;
mod poetry_constraints;
mod project_table;
mod scm_options;
mod sdist_scope;
mod setuptools;
mod setuptools_entry_points;
mod setuptools_ext;
mod setuptools_facts;
mod setuptools_fields;
mod uv_build;

use std::path::Path;
use std::str::FromStr;

pub use draft::{Draft, Origin, Refusal};
pub use lit::Lit;
use old_toml::OldToml;

use crate::error::{Error, Result};

/// The result of a migration.
#[derive(Debug)]
pub struct Migration {
    /// The backend migrated from (`setuptools`, `hatchling`, ...).
    pub backend: String,
    /// pyproject.toml as it was ("" when there was none).
    pub before: String,
    /// pyproject.toml as the migration writes it.
    pub after: String,
    /// What was not carried; the migration is complete when this is empty.
    pub refusals: Vec<Refusal>,
    /// What the user should know.
    pub notes: Vec<String>,
    /// `[project]` fields to ask the old backend's metadata for, with where they are set.
    pub ask_old_backend: Vec<(String, Origin)>,
    /// The old `[build-system]`: requires, build-backend and backend-path (PEP 517's
    /// setuptools fallback when there was none), to consult the old backend in isolation.
    pub old_build_system: (Vec<String>, String, Vec<String>),
}

/// Build requirements that belong to the old backend or its plugins, which rustbackend's
/// own configuration replaces.
const OLD_BUILD_TOOLS: &[&str] = &[
    "setuptools",
    "wheel",
    "setuptools-scm",
    "cython",
    "hatchling",
    "hatch-vcs",
    "flit-core",
    "poetry-core",
    "pdm-backend",
    "pdm-pep517",
    "uv-build",
    "rustbackend",
];

/// Migrates the project in `project_dir`. `setuptools_facts` is the JSON the Python front
/// read from setup.py and setup.cfg (`[]` when there are none): a list of `[keyword, value,
/// file, line]`. `answers` are `[project]` values from the old backend's metadata, as JSON,
/// for the fields an earlier call listed in `ask_old_backend`.
pub fn migrate(
    project_dir: &Path,
    setuptools_facts: &str,
    answers: &[(String, String)],
) -> Result<Migration> {
    let before = match std::fs::read_to_string(project_dir.join("pyproject.toml")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io("read", project_dir.join("pyproject.toml"), e)),
    };
    let old = OldToml::parse(&before)
        .map_err(|e| Error::Migrate(format!("pyproject.toml is not valid TOML: {e}")))?;
    let facts = setuptools::parse_facts(setuptools_facts)
        .map_err(|e| Error::Migrate(format!("cannot read the setuptools facts: {e}")))?;
    let backend_name = old
        .string(&["build-system", "build-backend"])
        .unwrap_or("")
        .to_string();
    let mut draft = Draft::default();
    let old_build_system = if backend_name.is_empty() {
        (
            vec!["setuptools>=40.8.0".to_string(), "wheel".to_string()],
            "setuptools.build_meta:__legacy__".to_string(),
            Vec::new(),
        )
    } else {
        (
            old.strings(&["build-system", "requires"]),
            backend_name.clone(),
            old.strings(&["build-system", "backend-path"]),
        )
    };
    let backend = match backend_name.as_str() {
        "rustbackend" => {
            return Ok(Migration {
                backend: "rustbackend".into(),
                after: before.clone(),
                before,
                refusals: Vec::new(),
                notes: vec!["the project already builds with rustbackend".into()],
                ask_old_backend: Vec::new(),
                old_build_system,
            })
        }
        "" | "setuptools.build_meta" | "setuptools.build_meta:__legacy__" => {
            if backend_name.is_empty() && facts.is_empty() && !old.has_project() {
                return Err(Error::Migrate(
                    "nothing to migrate: no [build-system] backend, setup.py or setup.cfg".into(),
                ));
            }
            setuptools::read(project_dir, &old, &facts, &mut draft);
            "setuptools"
        }
        "hatchling.build" => {
            hatch::read(project_dir, &old, &mut draft);
            "hatchling"
        }
        "flit_core.buildapi" | "flit.buildapi" => {
            flit::read(project_dir, &old, &mut draft);
            "flit_core"
        }
        "poetry.core.masonry.api" | "poetry.masonry.api" => {
            poetry::read(project_dir, &old, &mut draft);
            "poetry-core"
        }
        "pdm.backend" | "pdm.pep517.api" => {
            pdm::read(project_dir, &old, &mut draft);
            "pdm-backend"
        }
        "uv_build" => {
            uv_build::read(&old, &mut draft);
            "uv_build"
        }
        other => {
            return Err(Error::Migrate(format!(
                "pyproject.toml names the build backend `{other}`, which migrate does not know; \
                 it reads setuptools, hatchling, flit_core, poetry-core, pdm-backend and uv_build"
            )))
        }
    };
    if old.has_project() {
        project_table::tidy(&old, &mut draft);
    }
    build_requirements(&old, &mut draft);
    dynamic_fields(&old, &mut draft, answers);
    let mut document = toml_edit::DocumentMut::from_str(&old_text_for_edit(&before))
        .map_err(|e| Error::Migrate(format!("cannot edit pyproject.toml: {e}")))?;
    let requires = format!("rustbackend>={}", env!("CARGO_PKG_VERSION"));
    draft.write_into(&mut document, &requires);
    let mut after = document.to_string();
    if !after.ends_with('\n') {
        after.push('\n');
    }
    Ok(Migration {
        backend: backend.into(),
        before,
        after,
        refusals: draft.refusals,
        notes: draft.notes,
        ask_old_backend: draft.ask_old_backend,
        old_build_system,
    })
}

fn old_text_for_edit(before: &str) -> String {
    before
        .strip_prefix('\u{feff}')
        .unwrap_or(before)
        .to_string()
}

/// Every `[build-system] requires` entry must be the old backend, one of its plugins that
/// the new configuration replaces, or rustbackend: anything else was there for a build
/// script (numpy's headers, a code generator) that rustbackend does not run.
fn build_requirements(old: &OldToml, draft: &mut Draft) {
    let Some(requires) = old
        .get(&["build-system", "requires"])
        .and_then(|i| i.as_array())
    else {
        return;
    };
    for value in requires.iter() {
        let Some(text) = value.as_str() else { continue };
        let name: String = text
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        let name = crate::names::normalize(&name);
        let hatch_plugin = name.starts_with("hatch-fancy-pypi-readme");
        if OLD_BUILD_TOOLS.contains(&name.as_str()) || hatch_plugin {
            continue;
        }
        let origin = old.origin(value.span());
        draft.refuse(
            &origin,
            "build-system.requires",
            format!(
                "`{text}` is needed by the old build (a build script or plugin); rustbackend runs \
                 neither: carry what it did into [tool.rustbackend] by hand, or keep the old backend"
            ),
        );
    }
}

/// Each field in `project.dynamic` must be computed by rustbackend (a version), now be
/// static, or be answered by the old backend's metadata.
fn dynamic_fields(old: &OldToml, draft: &mut Draft, answers: &[(String, String)]) {
    let listed = old
        .get(&["project", "dynamic"])
        .and_then(|i| i.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(|s| (s.to_string(), old.origin(v.span()))))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for (field, origin) in listed {
        if draft.dynamic.contains(&field) || draft.has_project(&field) {
            continue;
        }
        if !draft.ask_old_backend.iter().any(|(f, _)| *f == field) {
            draft.ask_old_backend.push((field, origin));
        }
    }
    let asked = std::mem::take(&mut draft.ask_old_backend);
    for (field, origin) in asked {
        match answers.iter().find(|(f, _)| *f == field) {
            Some((_, json)) => match answer_item(json) {
                Some(item) => {
                    draft.project(&field, item);
                    draft.notes.push(format!(
                        "{origin}: `{field}` is written statically, as the old backend's metadata gives it"
                    ));
                }
                None => draft.refuse(
                    &origin,
                    &field,
                    "the old backend's answer is not a TOML value",
                ),
            },
            None if answers.is_empty() => draft.ask_old_backend.push((field, origin)),
            None => draft.refuse(
                &origin,
                &field,
                format!(
                    "the old backend computes `{field}` and its metadata does not give it back"
                ),
            ),
        }
    }
}

/// A `[project]` value from the JSON of an answer: a string, a list of strings, or a table
/// of strings (for `readme`: `{ text, content-type }`).
fn answer_item(json: &str) -> Option<toml_edit::Item> {
    let value: tinyjson::JsonValue = json.parse().ok()?;
    match Lit::from_json(&value) {
        Lit::Str(s) => Some(toml_edit::value(s)),
        lit @ Lit::List(_) => Some(toml_edit::Item::Value(draft::string_array(
            &lit.strings(false)?,
        ))),
        Lit::Map(entries) => {
            let mut table = toml_edit::InlineTable::new();
            for (k, v) in entries {
                table.insert(&k, v.as_str()?.into());
            }
            Some(toml_edit::value(table))
        }
        _ => None,
    }
}

impl OldToml {
    /// True when pyproject.toml has a `[project]` table.
    pub fn has_project(&self) -> bool {
        self.get(&["project"]).is_some()
    }
}

/// pyproject.toml `text` with `globs` appended to the `[tool.rustbackend]` array at the dotted
/// `path` (`sdist.include`; or `project.license-files`), creating the tables it needs; `--verify` carries the files one
/// backend packed and the other did not this way.
pub fn add_globs(text: &str, path: &str, globs: &[String]) -> Result<String> {
    let mut document = toml_edit::DocumentMut::from_str(&old_text_for_edit(text))
        .map_err(|e| Error::Migrate(format!("cannot edit pyproject.toml: {e}")))?;
    let not_table = || {
        Error::Migrate(format!("`tool.rustbackend.{path}` cannot be added to pyproject.toml: a part of it is not a table"))
    };
    let mut table = document.as_table_mut() as &mut dyn toml_edit::TableLike;
    let mut parts: Vec<&str> = if path.starts_with("project.") {
        Vec::new()
    } else {
        vec!["tool", "rustbackend"]
    };
    parts.extend(path.split('.'));
    let (key, parents) = parts.split_last().expect("a key");
    for (i, part) in parents.iter().enumerate() {
        let entry = table.entry(part).or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(i == 0 && *part == "tool");
            toml_edit::Item::Table(t)
        });
        table = entry.as_table_like_mut().ok_or_else(not_table)?;
    }
    let array = table
        .entry(key)
        .or_insert(toml_edit::value(toml_edit::Array::new()))
        .as_array_mut()
        .ok_or_else(not_table)?;
    let mut all: Vec<String> = array
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    for glob in globs {
        if !all.contains(glob) {
            all.push(glob.clone());
        }
    }
    *array = match draft::string_array(&all) {
        toml_edit::Value::Array(a) => a,
        _ => unreachable!("string_array makes an array"),
    };
    Ok(document.to_string())
}
