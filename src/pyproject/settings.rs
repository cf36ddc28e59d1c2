//! `[tool.rustbackend]`: the backend's own settings, with their defaults in one place.

use super::fields::{Checker, TableAt};
use crate::error::Diagnostic;
use crate::names;

/// The keys `[tool.rustbackend]` accepts.
pub const SETTINGS_KEYS: &[&str] = &[
    "module-name",
    "module-root",
    "version-file",
    "version-source",
];

/// Where a dynamic version comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VersionSource {
    /// `__version__ = "..."` in the package's `__init__.py` or in `version-file`.
    #[default]
    File,
    /// The latest git tag (`v1.2.3` or `1.2.3`), with a dev suffix for later commits.
    Git,
}

/// Validated `[tool.rustbackend]` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Import names of the top-level modules to pack; `None` means derive it from the
    /// project name.
    pub module_names: Option<Vec<String>>,
    /// The directory (relative, `/`-separated) that holds the modules; `None` means look in
    /// `src/` and then in the project root.
    pub module_root: Option<String>,
    /// The file holding `__version__ = "..."` when the version is dynamic.
    pub version_file: Option<String>,
    /// Where a dynamic version comes from.
    pub version_source: VersionSource,
}

/// Checks that a path named in `[tool.rustbackend]` stays inside the project; returns it
/// with `/` separators and without a leading `./`.
fn project_path(checker: &mut Checker, key: &str, value: &super::Spanned<&str>) -> Option<String> {
    let path = std::path::Path::new(value.value);
    if path.is_absolute()
        || value.value.contains('\\')
        || path
            .components()
            .any(|c| c == std::path::Component::ParentDir)
    {
        checker.push(
            Diagnostic::new(
                key,
                format!("`{key}` must be inside the project, got `{}`", value.value),
            )
            .at(value.span.clone())
            .help("use a path relative to pyproject.toml, with `/` and without `..`"),
        );
        return None;
    }
    Some(
        value
            .value
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string(),
    )
}

/// Reads `[tool.rustbackend]` (`table` is `None` when the table is absent).
pub fn read_settings(checker: &mut Checker, table: Option<&TableAt<'_>>) -> Settings {
    let Some(table) = table else {
        return Settings::default();
    };
    checker.unknown_keys(table, SETTINGS_KEYS);
    let mut settings = Settings::default();

    if let Some(item) = table.get("module-name") {
        let example = "module-name = \"my_package\"";
        let names: Vec<(String, Option<std::ops::Range<usize>>)> = if let Some(name) = item.as_str()
        {
            vec![(name.to_string(), item.span())]
        } else {
            checker
                .string_array(table, "module-name", example)
                .unwrap_or_default()
                .into_iter()
                .map(|s| (s.value.to_string(), s.span))
                .collect()
        };
        for (name, span) in &names {
            if !names::is_dotted_identifier(name) {
                checker.push(
                    Diagnostic::new(
                        "tool.rustbackend.module-name",
                        format!(
                            "`tool.rustbackend.module-name` is not a Python module name: `{name}`"
                        ),
                    )
                    .at(span.clone())
                    .help("use an import name such as \"my_package\" or \"acme.widgets\""),
                );
            }
        }
        if names.is_empty() && item.as_array().is_some() {
            checker.push(
                Diagnostic::new(
                    "tool.rustbackend.module-name",
                    "`tool.rustbackend.module-name` is empty",
                )
                .at(item.span())
                .help("name at least one module, or remove the key to use the project name"),
            );
        }
        settings.module_names = Some(names.into_iter().map(|(n, _)| n).collect());
    }

    if let Some(root) = checker.string(table, "module-root", "module-root = \"src\"") {
        settings.module_root = project_path(checker, "tool.rustbackend.module-root", &root);
    }
    if let Some(file) = checker.string(
        table,
        "version-file",
        "version-file = \"src/my_package/_version.py\"",
    ) {
        settings.version_file = project_path(checker, "tool.rustbackend.version-file", &file);
    }
    if let Some(source) = checker.string(table, "version-source", "version-source = \"git\"") {
        match source.value {
            "file" => settings.version_source = VersionSource::File,
            "git" => settings.version_source = VersionSource::Git,
            other => checker.push(
                Diagnostic::new("tool.rustbackend.version-source", format!("`tool.rustbackend.version-source` must be \"file\" or \"git\", got `{other}`"))
                    .at(source.span.clone())
                    .help("use \"file\" (read `__version__`) or \"git\" (read the latest tag)"),
            ),
        }
    }
    settings
}
