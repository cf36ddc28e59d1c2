//! `[tool.rustbackend]`: the backend's own settings, with their defaults in one place.

use super::fields::{Checker, TableAt};
use crate::error::Diagnostic;
use crate::names;

/// The keys `[tool.rustbackend]` accepts.
pub const SETTINGS_KEYS: &[&str] = &["module-name", "module-root"];

/// Validated `[tool.rustbackend]` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Import names of the top-level modules to pack; `None` means derive it from the
    /// project name.
    pub module_names: Option<Vec<String>>,
    /// The directory (relative, `/`-separated) that holds the modules; `None` means look in
    /// `src/` and then in the project root.
    pub module_root: Option<String>,
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
        let path = std::path::Path::new(root.value);
        if path.is_absolute()
            || root.value.contains('\\')
            || path
                .components()
                .any(|c| c == std::path::Component::ParentDir)
        {
            checker.push(
                Diagnostic::new(
                    "tool.rustbackend.module-root",
                    format!(
                        "`tool.rustbackend.module-root` must be inside the project, got `{}`",
                        root.value
                    ),
                )
                .at(root.span)
                .help("use a relative path with `/`, such as \"src\" or \"\" for the project root"),
            );
        } else {
            settings.module_root = Some(
                root.value
                    .trim_matches('/')
                    .trim_start_matches("./")
                    .to_string(),
            );
        }
    }
    settings
}
