//! Dynamic versions, never by running project code: `__version__ = "..."` read statically
//! from the package (or `version-file`), or the latest git tag. And freezing: the sdist's
//! pyproject.toml gets the resolved version written in, so building from it needs neither.

use std::path::Path;
use std::str::FromStr;
use std::sync::OnceLock;

use pep440_rs::Version;
use regex::Regex;

use super::git_version::from_git;
use crate::error::{Diagnostic, Error, Result};
use crate::plan::layout::Layout;
use crate::plan::pyproject::settings::VersionSource;
use crate::plan::pyproject::{PyProject, PYPROJECT};

pub(super) fn fail(pyproject: &PyProject, key: &str, message: String, help: &str) -> Error {
    Error::single(
        PYPROJECT,
        &pyproject.text,
        Diagnostic::new(key, message).help(help),
    )
}

/// The project's version: the static one, or the one computed from its dynamic source;
/// with the file it was read from (relative to the project), which must always be packed.
pub fn resolve(
    project_dir: &Path,
    pyproject: &PyProject,
    layout: &Layout,
) -> Result<(Version, Option<String>)> {
    if let Some(version) = &pyproject.project.version {
        return Ok((version.clone(), None));
    }
    match pyproject.settings.version_source {
        VersionSource::File => {
            from_file(project_dir, pyproject, layout).map(|(v, file)| (v, Some(file)))
        }
        VersionSource::Git => from_git(project_dir, pyproject).map(|v| (v, None)),
    }
}

fn version_assignment() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            // `__version__ = "1.0"`, `__version__: str = "1.0"`, or a chained assignment
            // such as setuptools-scm's generated `__version__ = version = '1.0'`.
            r#"(?m)^(?:[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=[[:space:]]*)*__version__[[:space:]]*(?::[[:space:]]*str[[:space:]]*)?=[[:space:]]*(?:[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=[[:space:]]*)*(?:"([^"\\\n]*)"|'([^'\\\n]*)')[[:space:]]*(?:#.*)?$"#,
        )
        .expect("the version pattern is valid")
    })
}

/// Finds `__version__ = "..."` (a literal string at the start of a line) in Python source.
pub fn find_dunder_version(source: &str) -> Option<&str> {
    let captures = version_assignment().captures(source)?;
    captures
        .get(1)
        .or_else(|| captures.get(2))
        .map(|m| m.as_str())
}

/// Whether rustbackend can read a version from `file` (relative to the project): it holds a
/// literal `__version__ = "..."` line, or re-exports one with `from .module import
/// __version__` from a module that does.
pub fn has_static_version(project_dir: &Path, file: &str) -> bool {
    let Ok(source) = std::fs::read_to_string(project_dir.join(file)) else {
        return false;
    };
    if find_dunder_version(&source).is_some() {
        return true;
    }
    version_import(project_dir, file, &source)
        .and_then(|other| std::fs::read_to_string(project_dir.join(other)).ok())
        .is_some_and(|other| find_dunder_version(&other).is_some())
}

fn version_import_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?m)^from[[:space:]]+\.([A-Za-z_][A-Za-z0-9_.]*)[[:space:]]+import[[:space:]]+(?:[^#\n]*[[:space:],(])?__version__(?-u:\b)",
        )
        .expect("the import pattern is valid")
    })
}

/// For a package `__init__.py` that re-exports its version with `from .module import
/// __version__`, the file of that module relative to the project: `pkg/module.py`, or
/// `pkg/module/__init__.py` when only that exists.
fn version_import(project_dir: &Path, init_file: &str, source: &str) -> Option<String> {
    let package = init_file.strip_suffix("/__init__.py")?;
    let module = version_import_pattern().captures(source)?.get(1)?.as_str();
    let base = format!("{package}/{}", module.replace('.', "/"));
    let init = format!("{base}/__init__.py");
    if !project_dir.join(format!("{base}.py")).is_file() && project_dir.join(&init).is_file() {
        return Some(init);
    }
    Some(format!("{base}.py"))
}

fn from_file(
    project_dir: &Path,
    pyproject: &PyProject,
    layout: &Layout,
) -> Result<(Version, String)> {
    let relative = match &pyproject.settings.version_file {
        Some(file) => file.clone(),
        None => {
            let Some(module) = layout.modules.first() else {
                return Err(fail(
                    pyproject,
                    "project.dynamic",
                    "`version` is dynamic, but the project has no Python module to read `__version__` from (its only module is an extension module)".to_string(),
                    "set `tool.rustbackend.version-file` to the file holding `__version__`, use `version-source = \"git\"`, or write `version` statically",
                ));
            };
            if module.is_package {
                format!("{}/__init__.py", module.path)
            } else {
                module.path.clone()
            }
        }
    };
    let path = project_dir.join(&relative);
    let source = std::fs::read_to_string(&path).map_err(|e| {
        fail(
            pyproject,
            "project.dynamic",
            format!("`version` is dynamic, but `{relative}` cannot be read: {}", crate::error::io_text(&e)),
            "create the file, set `tool.rustbackend.version-file` to the file holding `__version__`, or write `version` statically",
        )
    })?;
    // `from .module import __version__`: the version lives in a sibling module.
    let imported = find_dunder_version(&source)
        .is_none()
        .then(|| version_import(project_dir, &relative, &source))
        .flatten();
    let (relative, source) = match imported {
        Some(file) => {
            let source = std::fs::read_to_string(project_dir.join(&file)).map_err(|e| {
                fail(
                    pyproject,
                    "project.dynamic",
                    format!("`version` is dynamic; `{relative}` imports `__version__` from `{file}`, which cannot be read: {}", crate::error::io_text(&e)),
                    "set `tool.rustbackend.version-file` to the file holding `__version__`, or write `version` statically",
                )
            })?;
            (file, source)
        }
        None => (relative, source),
    };
    let Some(text) = find_dunder_version(&source) else {
        return Err(fail(
            pyproject,
            "project.dynamic",
            format!("`version` is dynamic, but `{relative}` has no `__version__ = \"...\"` line"),
            "add a line `__version__ = \"1.0.0\"` (a literal string, at the start of a line), set `tool.rustbackend.version-file` to the file that has one, or write `version` statically",
        ));
    };
    let version = Version::from_str(text).map_err(|e| {
        fail(
            pyproject,
            "project.dynamic",
            format!(
                "`__version__ = \"{text}\"` in `{relative}` is not a valid PEP 440 version: {e}"
            ),
            "use a version such as \"1.0.0\", \"2.1rc1\" or \"0.3.dev2\"",
        )
    })?;
    Ok((version, relative))
}

/// Returns pyproject.toml `text` with `project.version` set to `version` and `version`
/// removed from `project.dynamic` (formatting and comments kept). `keep` is the file the
/// version was read from when an ignore rule covers it: it is added to
/// `tool.rustbackend.artifacts`, so the wheel built from the sdist still ships it (frozen,
/// the version no longer names it).
pub fn freeze(text: &str, version: &Version, keep: Option<&str>) -> Result<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut document = toml_edit::DocumentMut::from_str(body)
        .map_err(|e| Error::FreezeVersion(format!("cannot edit pyproject.toml: {e}")))?;
    let Some(project) = document
        .get_mut("project")
        .and_then(|p| p.as_table_like_mut())
    else {
        return Err(Error::FreezeVersion(
            "pyproject.toml has no [project] table".into(),
        ));
    };
    let mut remove_dynamic = false;
    if let Some(dynamic) = project.get_mut("dynamic").and_then(|d| d.as_array_mut()) {
        dynamic.retain(|v| v.as_str() != Some("version"));
        remove_dynamic = dynamic.is_empty();
    }
    // Comments written above a removed `dynamic` key move to the new `version` key.
    let mut comment = None;
    if remove_dynamic {
        comment = project
            .key("dynamic")
            .and_then(|k| k.leaf_decor().prefix())
            .and_then(|p| p.as_str())
            .map(str::to_string);
        project.remove("dynamic");
    }
    project.insert("version", toml_edit::value(version.to_string()));
    if let (Some(comment), Some(mut key)) = (comment, project.key_mut("version")) {
        key.leaf_decor_mut().set_prefix(comment);
    }
    if let Some(file) = keep {
        add_artifact(&mut document, &globset::escape(file))?;
    }
    Ok(document.to_string())
}

/// Adds `glob` to `[tool.rustbackend] artifacts` (creating the tables and key as needed).
fn add_artifact(document: &mut toml_edit::DocumentMut, glob: &str) -> Result<()> {
    let fail = || {
        Error::FreezeVersion("`tool` or `tool.rustbackend` in pyproject.toml is not a table".into())
    };
    let tool = document
        .entry("tool")
        .or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(true);
            toml_edit::Item::Table(table)
        })
        .as_table_like_mut()
        .ok_or_else(fail)?;
    let settings = tool
        .entry("rustbackend")
        .or_insert(toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()
        .ok_or_else(fail)?;
    let artifacts = settings
        .entry("artifacts")
        .or_insert(toml_edit::value(toml_edit::Array::new()))
        .as_array_mut()
        .ok_or_else(|| {
            Error::FreezeVersion(
                "`tool.rustbackend.artifacts` in pyproject.toml is not an array".into(),
            )
        })?;
    if !artifacts.iter().any(|v| v.as_str() == Some(glob)) {
        artifacts.push(glob);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_imported_from_a_sibling_module_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg/sub")).unwrap();
        std::fs::write(
            dir.path().join("pkg/package_data.py"),
            "__version__ = '3.10'\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("pkg/sub/__init__.py"), "").unwrap();
        let found = |source: &str| version_import(dir.path(), "pkg/__init__.py", source);
        assert_eq!(
            found("from .package_data import __version__\n").as_deref(),
            Some("pkg/package_data.py")
        );
        assert_eq!(
            found("from .package_data import (\n    x, __version__)\n"),
            None,
            "only one-line imports are followed"
        );
        assert_eq!(
            found("from .sub import name, __version__  # re-export\n").as_deref(),
            Some("pkg/sub/__init__.py")
        );
        assert_eq!(found("from .package_data import __version_info__\n"), None);
        assert_eq!(found("from package_data import __version__\n"), None);
        assert_eq!(
            version_import(dir.path(), "mod.py", "from .x import __version__"),
            None
        );
    }

    #[test]
    fn finds_literal_dunder_version() {
        assert_eq!(
            find_dunder_version("__version__ = \"1.2.3\"\n"),
            Some("1.2.3")
        );
        assert_eq!(
            find_dunder_version("x = 1\n__version__: str = '2.0'  # bump\n"),
            Some("2.0")
        );
        assert_eq!(
            find_dunder_version("version: str\n__version__ = version = '2.2.3'\n"),
            Some("2.2.3")
        );
        assert_eq!(
            find_dunder_version("VERSION = __version__ = \"4.1\"\n"),
            Some("4.1")
        );
        assert_eq!(find_dunder_version("__version__ = get_version()\n"), None);
        assert_eq!(find_dunder_version("__version__ = version\n"), None);
        assert_eq!(find_dunder_version("    __version__ = '1'\n"), None);
    }

    #[test]
    fn freezing_keeps_formatting() {
        let text =
            "[project]\nname = \"x\"  # the name\n# computed\ndynamic = [\"version\"]\n\n[tool.other]\na = 1\n";
        let frozen = freeze(text, &Version::from_str("1.0").unwrap(), None).unwrap();
        assert_eq!(
            frozen,
            "[project]\nname = \"x\"  # the name\n# computed\nversion = \"1.0\"\n\n[tool.other]\na = 1\n"
        );
    }

    #[test]
    fn freezing_keeps_an_ignored_version_file_as_an_artifact() {
        let text = "[project]\nname = \"x\"\ndynamic = [\"version\"]\n";
        let version = Version::from_str("4.3.6").unwrap();
        let frozen = freeze(text, &version, Some("src/x/version.py")).unwrap();
        assert_eq!(
            frozen,
            "[project]\nname = \"x\"\nversion = \"4.3.6\"\n\n[tool.rustbackend]\nartifacts = [\"src/x/version.py\"]\n"
        );
        let with_table = "[project]\nname = \"x\"\ndynamic = [\"version\"]\n\n[tool.rustbackend]\nartifacts = [\"a/**\"]\n";
        let frozen = freeze(with_table, &version, Some("src/x/[v].py")).unwrap();
        // The path is escaped as a glob, so brackets in a file name match only themselves.
        assert!(
            frozen.contains("artifacts = [\"a/**\", \"src/x/[[]v[]].py\"]"),
            "{frozen}"
        );
    }
}
