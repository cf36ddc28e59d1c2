//! The `[project]` table (PEP 621) read into a validated [`Project`].
//!
//! Every field is checked here, before anything is written; problems are collected into the
//! [`Checker`] so one run reports all of them.

use std::path::Path;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use super::dependencies::{read_dependencies, read_extras, Dependency};
use super::entry_points::{read_entry_group, read_entry_points};
use super::fields::{Checker, TableAt};
use super::files::{read_license, read_readme, License, Readme};
use super::import_names::read_import_names;
use super::people::{read_people, Person};
use crate::error::Diagnostic;
use crate::names;
use crate::plan::license_classifiers;

/// The keys the `[project]` table may hold.
pub const PROJECT_KEYS: &[&str] = &[
    "name",
    "version",
    "description",
    "readme",
    "requires-python",
    "license",
    "license-files",
    "authors",
    "maintainers",
    "keywords",
    "classifiers",
    "urls",
    "scripts",
    "gui-scripts",
    "entry-points",
    "dependencies",
    "optional-dependencies",
    "dynamic",
    "import-names",
    "import-namespaces",
];

/// A validated `[project]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The name as written (valid per the core metadata `Name` rule).
    pub name: String,
    /// The version (PEP 440; its `Display` is the normalized form), or `None` when it is
    /// listed in `dynamic` and computed at build time.
    pub version: Option<Version>,
    /// One-line summary.
    pub description: Option<String>,
    /// The long description.
    pub readme: Option<Readme>,
    /// Supported Python versions, as written (validated).
    pub requires_python: Option<String>,
    /// The license.
    pub license: Option<License>,
    /// The `license-files` globs, validated (matched against files later).
    pub license_files: Option<Vec<String>>,
    /// Authors.
    pub authors: Vec<Person>,
    /// Maintainers.
    pub maintainers: Vec<Person>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Trove classifiers.
    pub classifiers: Vec<String>,
    /// Project URLs, label and URL, in file order.
    pub urls: Vec<(String, String)>,
    /// Runtime requirements (PEP 508), as written and validated.
    pub dependencies: Vec<Dependency>,
    /// Extras: the normalized extra name and its requirements.
    pub optional_dependencies: Vec<(String, Vec<Dependency>)>,
    /// Console scripts: name and object reference.
    pub scripts: Vec<(String, String)>,
    /// GUI scripts: name and object reference.
    pub gui_scripts: Vec<(String, String)>,
    /// Other entry point groups.
    pub entry_points: Vec<(String, Vec<(String, String)>)>,
    /// `import-names` (PEP 794), each `name` or `name; private`; `None` when not given.
    pub import_names: Option<Vec<String>>,
    /// `import-namespaces` (PEP 794); `None` when not given.
    pub import_namespaces: Option<Vec<String>>,
}

fn is_valid_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !url.chars().any(char::is_whitespace)
}

/// Reads and validates `[project]`. `root` is the project directory (for readme and license
/// files). Returns `None` when a problem was recorded in `checker`.
pub fn read_project(checker: &mut Checker, project: &TableAt<'_>, root: &Path) -> Option<Project> {
    let before = checker.diagnostics.len();
    checker.unknown_keys(project, PROJECT_KEYS);

    let dynamic_version = read_dynamic(checker, project);

    let name = checker.string(project, "name", "name = \"my-project\"");
    match &name {
        None if project.get("name").is_none() => checker.push(
            Diagnostic::new("project.name", "`project.name` is missing")
                .at(project.span.clone())
                .help("add `name = \"your-project\"` to the [project] table"),
        ),
        Some(n) if !names::is_valid_project_name(n.value) => checker.push(
            Diagnostic::new("project.name", format!("`project.name` is not a valid project name: `{}`", n.value))
                .at(n.span.clone())
                .help("use ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"),
        ),
        _ => {}
    }

    let version = match checker.string(project, "version", "version = \"1.0.0\"") {
        Some(v) => match Version::from_str(v.value.trim()) {
            Ok(version) => Some(version),
            Err(e) => {
                let examples = "a version such as \"1.0.0\", \"2.1rc1\" or \"0.3.dev2\"";
                let diagnostic = Diagnostic::new(
                    "project.version",
                    format!("`project.version` is not a valid PEP 440 version: {e}"),
                );
                checker.push(match valid_version_prefix(v.value) {
                    Some((end, prefix)) => diagnostic
                        .at_part(v.span, end..v.value.len())
                        .help(format!("the text before the caret is the version {prefix}; use \"{prefix}\" or {examples}")),
                    None => diagnostic.at(v.span).help(format!("use {examples}")),
                });
                None
            }
        },
        None => {
            if project.get("version").is_none() && !dynamic_version {
                checker.push(
                    Diagnostic::new("project.version", "`project.version` is missing")
                        .at(project.span.clone())
                        .help("add `version = \"0.1.0\"` to the [project] table, or list \"version\" in `dynamic` to read `__version__` from the package"),
                );
            }
            None
        }
    };

    let description = checker
        .string(
            project,
            "description",
            "description = \"One line about the project\"",
        )
        .and_then(|d| {
            if d.value.contains('\n') || d.value.contains('\r') {
                checker.push(
                    Diagnostic::new(
                        "project.description",
                        "`project.description` must be a single line",
                    )
                    .at(d.span)
                    .help("put the long text in the readme and keep `description` to one line"),
                );
                None
            } else {
                Some(d.value.to_string())
            }
        });

    let readme = read_readme(checker, project, root);

    let requires_python = checker
        .string(project, "requires-python", "requires-python = \">=3.9\"")
        .and_then(|r| match VersionSpecifiers::from_str(r.value) {
            Ok(_) => Some(r.value.trim().to_string()),
            Err(e) => {
                checker.push(
                    Diagnostic::new(
                        "project.requires-python",
                        format!(
                            "`project.requires-python` is not a valid version specifier: {}",
                            crate::error::first_line(&e.to_string())
                        ),
                    )
                    .at(r.span)
                    .help("use specifiers such as \">=3.9\" or \">=3.8, <4\""),
                );
                None
            }
        });

    let license = read_license(checker, project, root);
    let license_files = checker
        .string_array(project, "license-files", "license-files = [\"LICEN[CS]E*\"]")
        .map(|globs| {
            globs
                .into_iter()
                .filter_map(|g| match crate::files::globs::check_glob(g.value) {
                    Ok(()) => Some(g.value.to_string()),
                    Err(message) => {
                        checker.push(
                            Diagnostic::new("project.license-files", format!("`project.license-files` has an invalid glob: {message}"))
                                .at(g.span)
                                .help("write globs relative to the project root with `/`, such as \"LICENSE*\" or \"licenses/**\""),
                        );
                        None
                    }
                })
                .collect()
        });

    let authors = read_people(checker, project, "authors");
    let maintainers = read_people(checker, project, "maintainers");
    let keywords = strings(checker, project, "keywords", "keywords = [\"packaging\"]");
    let classifier_entries = checker
        .string_array(
            project,
            "classifiers",
            "classifiers = [\"Programming Language :: Python :: 3\"]",
        )
        .unwrap_or_default();
    for c in &classifier_entries {
        if let Err(problem) = crate::plan::classifiers::check(c.value) {
            let (message, help) = crate::plan::classifiers::describe(c.value, &problem);
            checker.push(
                Diagnostic::new("project.classifiers", message)
                    .at(c.span.clone())
                    .help(help),
            );
        }
        // A license classifier that names another license than the expression (one that
        // agrees is only deprecated: Plan::load warns).
        if let (Some(License::Expression(expression)), true) = (
            &license,
            license_classifiers::is_license_classifier(c.value),
        ) {
            if let license_classifiers::Fit::Contradicts(ids) =
                license_classifiers::fit(c.value, expression)
            {
                checker.push(
                    Diagnostic::new("project.classifiers", format!("the license classifier `{}` contradicts `project.license = \"{expression}\"`: it stands for {}", c.value, ids.join(" or ")))
                        .at(c.span.clone())
                        .help("remove the `License ::` classifiers (PEP 639 deprecates them next to `license`), or correct the expression"),
                );
            }
        }
    }
    let classifiers: Vec<String> = classifier_entries
        .iter()
        .map(|c| c.value.to_string())
        .collect();

    let mut urls = Vec::new();
    for (label, url) in checker
        .string_table(
            project,
            "urls",
            "project.urls",
            "[project.urls]\nHomepage = \"https://example.org\"",
        )
        .unwrap_or_default()
    {
        if label.value.chars().count() > 32 {
            checker.push(
                Diagnostic::new(
                    "project.urls",
                    format!(
                        "the `project.urls` label `{}` is longer than 32 characters",
                        label.value
                    ),
                )
                .at(label.span.clone())
                .help("use a shorter label such as \"Homepage\", \"Documentation\" or \"Source\""),
            );
        }
        if !is_valid_url(url.value) {
            checker.push(
                Diagnostic::new(
                    "project.urls",
                    format!(
                        "`project.urls.{}` is not a valid URL: `{}`",
                        label.value, url.value
                    ),
                )
                .at(url.span.clone())
                .help("write a full URL such as \"https://example.org/docs\""),
            );
        }
        urls.push((label.value.to_string(), url.value.to_string()));
    }

    let dependencies = read_dependencies(checker, project, "dependencies", "project.dependencies");
    let optional_dependencies = read_extras(checker, project);
    let scripts = read_entry_group(checker, project, "scripts", "project.scripts");
    let gui_scripts = read_entry_group(checker, project, "gui-scripts", "project.gui-scripts");
    let entry_points = read_entry_points(checker, project);
    let (import_names, import_namespaces) = read_import_names(checker, project);

    if checker.diagnostics.len() > before {
        return None;
    }
    Some(Project {
        name: name?.value.to_string(),
        version: if dynamic_version {
            None
        } else {
            Some(version?)
        },
        description,
        readme,
        requires_python,
        license,
        license_files,
        authors,
        maintainers,
        keywords,
        classifiers,
        urls,
        dependencies,
        optional_dependencies,
        scripts,
        gui_scripts,
        entry_points,
        import_names,
        import_namespaces,
    })
}

fn strings(checker: &mut Checker, table: &TableAt<'_>, name: &str, example: &str) -> Vec<String> {
    checker
        .string_array(table, name, example)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.value.to_string())
        .collect()
}

/// The fields rustbackend can compute at build time.
pub const DYNAMIC_SUPPORTED: &[&str] = &["version"];

/// Checks `project.dynamic`; returns whether `version` is dynamic.
fn read_dynamic(checker: &mut Checker, project: &TableAt<'_>) -> bool {
    let dynamic = checker
        .string_array(project, "dynamic", "dynamic = [\"version\"]")
        .unwrap_or_default();
    let mut version = false;
    for field in &dynamic {
        let name = field.value;
        let problem = if name == "name" {
            Some((
                "`project.name` can never be dynamic".to_string(),
                "write `name` statically and remove it from `dynamic`".to_string(),
            ))
        } else if !PROJECT_KEYS.contains(&name) || name == "dynamic" {
            Some((
                format!("`project.dynamic` lists `{name}`, which is not a [project] field"),
                format!(
                    "list only [project] fields: {}",
                    PROJECT_KEYS
                        .iter()
                        .filter(|k| !matches!(**k, "name" | "dynamic"))
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        } else if project.get(name).is_some() {
            Some((
                format!(
                    "`project.{name}` is given statically and also listed in `project.dynamic`"
                ),
                format!("remove `{name}` from `dynamic`, or remove the static value"),
            ))
        } else if !DYNAMIC_SUPPORTED.contains(&name) {
            Some((
                format!("`project.dynamic` lists `{name}`, but rustbackend computes only `version` at build time"),
                format!("write `{name}` statically in [project] and remove it from `dynamic`"),
            ))
        } else {
            version = true;
            None
        };
        if let Some((message, help)) = problem {
            checker.push(
                Diagnostic::new("project.dynamic", message)
                    .at(field.span.clone())
                    .help(help),
            );
        }
    }
    version
}

/// The longest start of `text` that is a valid version, as its end and the version
/// normalized (`1.0.0-beta` in `1.0.0-beta_final` is `1.0.0b0`), when there is one.
fn valid_version_prefix(text: &str) -> Option<(usize, Version)> {
    let start = text.len() - text.trim_start().len();
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .rev()
        .filter(|&end| end > start)
        .find_map(|end| Version::from_str(&text[start..end]).ok().map(|v| (end, v)))
}
