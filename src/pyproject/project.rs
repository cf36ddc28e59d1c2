//! The `[project]` table (PEP 621) read into a validated [`Project`].
//!
//! Every field is checked here, before anything is written; problems are collected into the
//! [`Checker`] so one run reports all of them.

use std::path::Path;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, MarkerTree, Requirement, VerbatimUrl};

use super::fields::{Checker, Spanned, TableAt};
use crate::error::Diagnostic;
use crate::license;
use crate::names;

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
    /// The version (PEP 440); its `Display` is the normalized form.
    pub version: Version,
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
}

/// A long description and its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readme {
    /// The file it came from, relative to the project root (`/`-separated).
    pub file: Option<String>,
    /// The text.
    pub text: String,
    /// The `Description-Content-Type` value.
    pub content_type: String,
}

/// The `license` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum License {
    /// An SPDX expression, normalized (PEP 639).
    Expression(String),
    /// Legacy free text (`{ text = ... }` or `{ file = ... }`, deprecated).
    Text(String),
}

/// An author or maintainer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The name.
    pub name: Option<String>,
    /// The email address.
    pub email: Option<String>,
}

/// A validated PEP 508 requirement split into its requirement part and its marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Name, extras and version or URL, as written.
    pub requirement: String,
    /// The environment marker, as written, if any.
    pub marker: Option<String>,
}

impl Dependency {
    /// The `Requires-Dist` value, with `extra == "..."` added for an extra's requirement.
    pub fn requires_dist(&self, extra: Option<&str>) -> String {
        match (&self.marker, extra) {
            (None, None) => self.requirement.clone(),
            (Some(m), None) => format!("{}; {m}", self.requirement),
            (None, Some(e)) => format!("{}; extra == \"{e}\"", self.requirement),
            (Some(m), Some(e)) => format!("{}; ({m}) and extra == \"{e}\"", self.requirement),
        }
    }
}

fn parse_dependency(text: &str) -> Result<Dependency, String> {
    let text = text.trim();
    Requirement::<VerbatimUrl>::from_str(text).map_err(|e| e.message.to_string())?;
    // Split at the first `;` whose right side is a marker and whose left side is a whole
    // requirement (a URL may itself contain `;`).
    for (i, _) in text.match_indices(';') {
        let (head, marker) = (text[..i].trim(), text[i + 1..].trim());
        if MarkerTree::from_str(marker).is_ok()
            && Requirement::<VerbatimUrl>::from_str(head).is_ok()
        {
            return Ok(Dependency {
                requirement: head.to_string(),
                marker: (!marker.is_empty()).then(|| marker.to_string()),
            });
        }
    }
    Ok(Dependency {
        requirement: text.to_string(),
        marker: None,
    })
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

/// Whether `value` is an entry point object reference: `pkg.mod` or `pkg.mod:obj.attr`.
pub fn is_object_reference(value: &str) -> bool {
    let value = value.trim();
    let (module, attr) = match value.split_once(':') {
        Some((m, a)) => (m.trim(), Some(a.trim())),
        None => (value, None),
    };
    names::is_dotted_identifier(module) && attr.is_none_or(names::is_dotted_identifier)
}

/// Reads and validates `[project]`. `root` is the project directory (for readme and license
/// files). Returns `None` when a problem was recorded in `checker`.
pub fn read_project(checker: &mut Checker, project: &TableAt<'_>, root: &Path) -> Option<Project> {
    let before = checker.diagnostics.len();
    checker.unknown_keys(project, PROJECT_KEYS);

    let dynamic = checker
        .string_array(project, "dynamic", "dynamic = [\"version\"]")
        .unwrap_or_default();
    for field in &dynamic {
        checker.push(
            Diagnostic::new(
                "project.dynamic",
                format!(
                    "`project.dynamic` lists `{}`, but rustbackend does not compute fields at build time yet",
                    field.value
                ),
            )
            .at(field.span.clone())
            .help(format!(
                "write `{}` statically in [project] and remove it from `dynamic`",
                field.value
            )),
        );
    }

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
                checker.push(
                    Diagnostic::new(
                        "project.version",
                        format!("`project.version` is not a valid PEP 440 version: {e}"),
                    )
                    .at(v.span)
                    .help("use a version such as \"1.0.0\", \"2.1rc1\" or \"0.3.dev2\""),
                );
                None
            }
        },
        None => {
            if project.get("version").is_none() {
                checker.push(
                    Diagnostic::new("project.version", "`project.version` is missing")
                        .at(project.span.clone())
                        .help("add `version = \"0.1.0\"` to the [project] table"),
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
                        format!("`project.requires-python` is not a valid version specifier: {e}"),
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
                .filter_map(|g| match crate::fileset::check_glob(g.value) {
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
    let classifiers = strings(
        checker,
        project,
        "classifiers",
        "classifiers = [\"Programming Language :: Python :: 3\"]",
    );
    if let Some(License::Expression(_)) = &license {
        for c in classifiers
            .iter()
            .filter(|c| license::is_license_classifier(c))
        {
            checker.push(
                Diagnostic::new("project.classifiers", format!("the license classifier `{c}` may not be used together with an SPDX `project.license` expression (PEP 639)"))
                    .at(project.value_span("classifiers"))
                    .help("remove the `License ::` classifiers; the expression says it all"),
            );
        }
    }

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

    if checker.diagnostics.len() > before {
        return None;
    }
    Some(Project {
        name: name?.value.to_string(),
        version: version?,
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

/// Reads a file named in pyproject.toml, which must stay inside the project.
fn read_project_file(
    checker: &mut Checker,
    key: &str,
    root: &Path,
    file: &Spanned<&str>,
) -> Option<String> {
    let relative = Path::new(file.value);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| c == std::path::Component::ParentDir)
    {
        checker.push(
            Diagnostic::new(
                key,
                format!(
                    "`{key}` must name a file inside the project, got `{}`",
                    file.value
                ),
            )
            .at(file.span.clone())
            .help("use a path relative to the directory of pyproject.toml, without `..`"),
        );
        return None;
    }
    match std::fs::read(root.join(relative)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                checker.push(
                    Diagnostic::new(
                        key,
                        format!("`{}` (from `{key}`) is not valid UTF-8", file.value),
                    )
                    .at(file.span.clone())
                    .help("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            checker.push(
                Diagnostic::new(
                    key,
                    format!("cannot read `{}` (from `{key}`): {e}", file.value),
                )
                .at(file.span.clone())
                .help("create the file, or correct the path (it is relative to pyproject.toml)"),
            );
            None
        }
    }
}

fn content_type_for(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Some("text/markdown")
    } else if lower.ends_with(".rst") {
        Some("text/x-rst")
    } else if lower.ends_with(".txt") {
        Some("text/plain")
    } else {
        None
    }
}

fn read_readme(checker: &mut Checker, project: &TableAt<'_>, root: &Path) -> Option<Readme> {
    let item = project.get("readme")?;
    if let Some(path) = item.as_str() {
        let file = Spanned {
            value: path,
            span: item.span(),
        };
        let Some(content_type) = content_type_for(path) else {
            checker.push(
                Diagnostic::new("project.readme", format!("cannot tell the content type of the readme `{path}` from its extension"))
                    .at(item.span())
                    .help("name it *.md, *.rst or *.txt, or write `readme = { file = \"...\", content-type = \"text/markdown\" }`"),
            );
            return None;
        };
        let text = read_project_file(checker, "project.readme", root, &file)?;
        return Some(Readme {
            file: Some(path.replace('\\', "/")),
            text,
            content_type: content_type.into(),
        });
    }
    let table = checker.table(
        project,
        "readme",
        "project.readme",
        "readme = \"README.md\"",
    )?;
    checker.unknown_keys(&table, &["file", "text", "content-type", "charset"]);
    let file = checker.string(&table, "file", "file = \"README.md\"");
    let text = checker.string(&table, "text", "text = \"...\"");
    let content_type = checker.string(&table, "content-type", "content-type = \"text/markdown\"");
    let charset = checker.string(&table, "charset", "charset = \"UTF-8\"");
    if let Some(c) = &charset {
        if !c.value.eq_ignore_ascii_case("utf-8") {
            checker.push(
                Diagnostic::new(
                    "project.readme.charset",
                    format!("only UTF-8 readmes are supported, got `{}`", c.value),
                )
                .at(c.span.clone())
                .help("save the readme as UTF-8 and remove `charset` or set it to \"UTF-8\""),
            );
        }
    }
    let body = match (&file, &text) {
        (Some(_), Some(t)) => {
            checker.push(
                Diagnostic::new(
                    "project.readme",
                    "`project.readme` may have `file` or `text`, not both",
                )
                .at(t.span.clone())
                .help("keep one of `file` and `text`"),
            );
            None
        }
        (Some(f), None) => read_project_file(checker, "project.readme.file", root, f),
        (None, Some(t)) => Some(t.value.to_string()),
        (None, None) => {
            checker.push(
                Diagnostic::new(
                    "project.readme",
                    "`project.readme` as a table needs `file` or `text`",
                )
                .at(table.span.clone())
                .help(
                    "write `readme = { file = \"README.md\", content-type = \"text/markdown\" }`",
                ),
            );
            None
        }
    };
    let content_type = match content_type {
        Some(c) => c.value.to_string(),
        None => {
            checker.push(
                Diagnostic::new(
                    "project.readme.content-type",
                    "`project.readme` as a table needs `content-type`",
                )
                .at(project.value_span("readme"))
                .help("add `content-type = \"text/markdown\"` (or \"text/x-rst\", \"text/plain\")"),
            );
            return None;
        }
    };
    Some(Readme {
        file: file.map(|f| f.value.replace('\\', "/")),
        text: body?,
        content_type,
    })
}

fn read_license(checker: &mut Checker, project: &TableAt<'_>, root: &Path) -> Option<License> {
    let item = project.get("license")?;
    if let Some(expression) = item.as_str() {
        return match license::normalize_expression(expression) {
            Ok(normalized) => Some(License::Expression(normalized)),
            Err(message) => {
                checker.push(
                    Diagnostic::new("project.license", format!("`project.license`: {message}"))
                        .at(item.span())
                        .help("use SPDX identifiers joined by AND / OR, such as \"MIT\" or \"Apache-2.0 OR MIT\" (see https://spdx.org/licenses/)"),
                );
                None
            }
        };
    }
    let table = checker.table(project, "license", "project.license", "license = \"MIT\"")?;
    checker.unknown_keys(&table, &["file", "text"]);
    let file = checker.string(&table, "file", "file = \"LICENSE\"");
    let text = checker.string(&table, "text", "text = \"MIT\"");
    match (file, text) {
        (Some(f), None) => {
            read_project_file(checker, "project.license.file", root, &f).map(License::Text)
        }
        (None, Some(t)) => Some(License::Text(t.value.to_string())),
        _ => {
            checker.push(
                Diagnostic::new("project.license", "`project.license` as a table needs exactly one of `file` and `text`")
                    .at(table.span.clone())
                    .help("better: write an SPDX expression such as `license = \"MIT\"` and list the files in `license-files`"),
            );
            None
        }
    }
}

fn read_people(checker: &mut Checker, project: &TableAt<'_>, field: &str) -> Vec<Person> {
    let key = format!("project.{field}");
    let example = format!("{field} = [{{ name = \"Jane Doe\", email = \"jane@example.org\" }}]");
    let Some(item) = project.get(field) else {
        return Vec::new();
    };
    let Some(array) = item.as_array() else {
        checker.wrong_type(&key, item, "an array of tables", &example);
        return Vec::new();
    };
    let mut people = Vec::new();
    for (i, value) in array.iter().enumerate() {
        let entry_key = format!("{key}[{i}]");
        let Some(table) = value.as_inline_table() else {
            checker.push(
                Diagnostic::new(
                    &key,
                    format!("`{entry_key}` must be a table with `name` and/or `email`"),
                )
                .at(value.span())
                .help(format!("write it like: {example}")),
            );
            continue;
        };
        let at = TableAt {
            key: entry_key.clone(),
            table,
            span: value.span(),
        };
        checker.unknown_keys(&at, &["name", "email"]);
        let name = checker.string(&at, "name", "name = \"Jane Doe\"");
        let email = checker.string(&at, "email", "email = \"jane@example.org\"");
        if let Some(e) = &email {
            let valid = e.value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.is_empty()
                    && !e
                        .value
                        .chars()
                        .any(|c| c.is_whitespace() || c == '<' || c == '>')
            });
            if !valid {
                checker.push(
                    Diagnostic::new(
                        &entry_key,
                        format!(
                            "`{entry_key}.email` is not a valid email address: `{}`",
                            e.value
                        ),
                    )
                    .at(e.span.clone())
                    .help("write an address such as \"jane@example.org\""),
                );
            }
        }
        if let Some(n) = &name {
            if n.value.contains(',') && email.is_none() {
                checker.push(
                    Diagnostic::new(&entry_key, format!("`{entry_key}.name` may not contain a comma without an email"))
                        .at(n.span.clone())
                        .help("the core metadata joins several names with commas; drop the comma or add an email"),
                );
            }
        }
        if name.is_none() && email.is_none() {
            checker.push(
                Diagnostic::new(&entry_key, format!("`{entry_key}` needs `name` or `email`"))
                    .at(value.span())
                    .help(format!("write it like: {example}")),
            );
            continue;
        }
        people.push(Person {
            name: name.map(|n| n.value.to_string()),
            email: email.map(|e| e.value.to_string()),
        });
    }
    people
}

fn read_dependency_list(
    checker: &mut Checker,
    items: Vec<Spanned<&str>>,
    key: &str,
) -> Vec<Dependency> {
    let mut out = Vec::new();
    for item in items {
        match parse_dependency(item.value) {
            Ok(dep) => out.push(dep),
            Err(message) => checker.push(
                Diagnostic::new(key, format!("`{key}` has an invalid PEP 508 requirement `{}`: {message}", item.value))
                    .at(item.span)
                    .help("write requirements such as \"requests>=2.31\" or \"tomli; python_version < '3.11'\""),
            ),
        }
    }
    out
}

fn read_dependencies(
    checker: &mut Checker,
    table: &TableAt<'_>,
    name: &str,
    key: &str,
) -> Vec<Dependency> {
    let items = checker
        .string_array(table, name, "dependencies = [\"requests>=2.31\"]")
        .unwrap_or_default();
    read_dependency_list(checker, items, key)
}

fn read_extras(checker: &mut Checker, project: &TableAt<'_>) -> Vec<(String, Vec<Dependency>)> {
    let example = "[project.optional-dependencies]\ndev = [\"pytest\"]";
    let Some(table) = checker.table(
        project,
        "optional-dependencies",
        "project.optional-dependencies",
        example,
    ) else {
        return Vec::new();
    };
    let mut extras: Vec<(String, Vec<Dependency>)> = Vec::new();
    for (extra, _) in table.table.iter() {
        let key = table.child_key(extra);
        let normalized = match ExtraName::from_str(extra) {
            Ok(n) => n.to_string(),
            Err(_) => {
                checker.push(
                    Diagnostic::new(&key, format!("`{extra}` is not a valid extra name"))
                        .at(table.key_span(extra))
                        .help("use letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"),
                );
                continue;
            }
        };
        if extras.iter().any(|(n, _)| *n == normalized) {
            checker.push(
                Diagnostic::new(&key, format!("the extra `{extra}` is the same as another extra once normalized to `{normalized}` (PEP 685)"))
                    .at(table.key_span(extra))
                    .help("merge the two extras or rename one"),
            );
            continue;
        }
        let items = checker
            .string_array(&table, extra, "dev = [\"pytest\"]")
            .unwrap_or_default();
        let deps = read_dependency_list(checker, items, &key);
        extras.push((normalized, deps));
    }
    extras
}

fn read_entry_group(
    checker: &mut Checker,
    project: &TableAt<'_>,
    name: &str,
    key: &str,
) -> Vec<(String, String)> {
    let example = format!("[{key}]\nmy-tool = \"my_package.cli:main\"");
    let mut out = Vec::new();
    for (entry, reference) in checker
        .string_table(project, name, key, &example)
        .unwrap_or_default()
    {
        let entry_key = format!("{key}.{}", entry.value);
        if entry.value.is_empty()
            || entry.value.contains('=')
            || entry.value.chars().any(char::is_whitespace)
        {
            checker.push(
                Diagnostic::new(
                    &entry_key,
                    format!("`{}` is not a valid entry point name", entry.value),
                )
                .at(entry.span.clone())
                .help("use a name without `=` or spaces, such as \"my-tool\""),
            );
        }
        if !is_object_reference(reference.value) {
            checker.push(
                Diagnostic::new(
                    &entry_key,
                    format!(
                        "`{entry_key}` is not a valid object reference: `{}`",
                        reference.value
                    ),
                )
                .at(reference.span.clone())
                .help("write `package.module:function`, such as \"my_package.cli:main\""),
            );
        }
        out.push((entry.value.to_string(), reference.value.trim().to_string()));
    }
    out
}

fn read_entry_points(
    checker: &mut Checker,
    project: &TableAt<'_>,
) -> Vec<(String, Vec<(String, String)>)> {
    let example = "[project.entry-points.\"my_group\"]\nname = \"my_package.plugin:Plugin\"";
    let Some(table) = checker.table(project, "entry-points", "project.entry-points", example)
    else {
        return Vec::new();
    };
    let mut groups = Vec::new();
    for (group, _) in table.table.iter() {
        let key = table.child_key(group);
        if group == "console_scripts" || group == "gui_scripts" {
            let field = if group == "console_scripts" {
                "scripts"
            } else {
                "gui-scripts"
            };
            checker.push(
                Diagnostic::new(
                    &key,
                    format!("`{key}` is not allowed; use `[project.{field}]`"),
                )
                .at(table.key_span(group))
                .help(format!("move these entries to the [project.{field}] table")),
            );
            continue;
        }
        let mut entries = Vec::new();
        for (entry, reference) in checker
            .string_table(&table, group, &key, example)
            .unwrap_or_default()
        {
            if !is_object_reference(reference.value) {
                checker.push(
                    Diagnostic::new(
                        &key,
                        format!(
                            "`{key}.{}` is not a valid object reference: `{}`",
                            entry.value, reference.value
                        ),
                    )
                    .at(reference.span.clone())
                    .help("write `package.module:object`, such as \"my_package.plugin:Plugin\""),
                );
            }
            entries.push((entry.value.to_string(), reference.value.trim().to_string()));
        }
        groups.push((group.to_string(), entries));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_requirement_and_marker() {
        let d = parse_dependency("tomli >= 1.1 ; python_version < \"3.11\"").unwrap();
        assert_eq!(d.requirement, "tomli >= 1.1");
        assert_eq!(d.marker.as_deref(), Some("python_version < \"3.11\""));
        assert_eq!(
            d.requires_dist(Some("toml")),
            "tomli >= 1.1; (python_version < \"3.11\") and extra == \"toml\""
        );
        let url =
            parse_dependency("pkg @ https://example.org/a;b/pkg.whl ; os_name == 'nt'").unwrap();
        assert_eq!(url.requirement, "pkg @ https://example.org/a;b/pkg.whl");
        assert!(parse_dependency("requests >=").is_err());
    }

    #[test]
    fn object_references() {
        assert!(is_object_reference("pkg.cli:main"));
        assert!(is_object_reference("pkg.cli"));
        assert!(is_object_reference("pkg:App.run"));
        assert!(!is_object_reference("pkg-cli:main"));
        assert!(!is_object_reference("pkg:"));
    }
}
