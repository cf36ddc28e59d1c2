//! Rendering a [`Project`] as text: core metadata (METADATA / PKG-INFO), `entry_points.txt`
//! and the `WHEEL` file.

use pep440_rs::Version;

use crate::plan::pyproject::{License, Person, Project};
use crate::plan::Plan;

/// The `Generator` value written into WHEEL files.
pub const GENERATOR: &str = concat!("rustbackend ", env!("CARGO_PKG_VERSION"));

/// What kind of file the core metadata is rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFor {
    /// A wheel's `.dist-info/METADATA`.
    Wheel,
    /// An sdist's `PKG-INFO` (at least version 2.2, so it can be trusted per PEP 643).
    Sdist,
}

/// The lowest core metadata version that can express what the project uses.
pub fn metadata_version(
    project: &Project,
    license_files: &[String],
    target: MetadataFor,
) -> &'static str {
    let uses_expression = matches!(project.license, Some(License::Expression(_)));
    if project.import_names.is_some() || project.import_namespaces.is_some() {
        "2.5"
    } else if uses_expression || !license_files.is_empty() {
        "2.4"
    } else if target == MetadataFor::Sdist {
        "2.2"
    } else {
        "2.1"
    }
}

/// Quotes a display name for an address header when it holds RFC 5322 specials.
fn quote_display_name(name: &str) -> String {
    if name.chars().any(|c| "()<>@,:;.\"[]\\".contains(c)) {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_string()
    }
}

/// Splits people into the `Author` (names without email) and `Author-email` values.
fn people_fields(people: &[Person]) -> (Option<String>, Option<String>) {
    let names: Vec<&str> = people
        .iter()
        .filter(|p| p.email.is_none())
        .filter_map(|p| p.name.as_deref())
        .collect();
    let emails: Vec<String> = people
        .iter()
        .filter_map(|p| match (&p.name, &p.email) {
            (Some(name), Some(email)) => Some(format!("{} <{email}>", quote_display_name(name))),
            (None, Some(email)) => Some(email.clone()),
            _ => None,
        })
        .collect();
    (
        (!names.is_empty()).then(|| names.join(", ")),
        (!emails.is_empty()).then(|| emails.join(", ")),
    )
}

/// Renders the core metadata. `license_files` are the paths (relative to the project root)
/// that go into `.dist-info/licenses/`.
pub fn render_metadata(
    project: &Project,
    version: &Version,
    license_files: &[String],
    target: MetadataFor,
) -> String {
    let mut out = String::new();
    let mut field = |name: &str, value: &str| {
        // Multi-line values continue on lines indented by eight spaces.
        // A lone CR ends a header line for email parsers too: treat it as a line break.
        let value = value
            .trim_end()
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\n', "\n        ");
        out.push_str(name);
        out.push(':');
        if !value.is_empty() {
            out.push(' ');
            out.push_str(&value);
        }
        out.push('\n');
    };
    field(
        "Metadata-Version",
        metadata_version(project, license_files, target),
    );
    field("Name", &project.name);
    field("Version", &version.to_string());
    if let Some(summary) = &project.description {
        field("Summary", summary);
    }
    if !project.keywords.is_empty() {
        field("Keywords", &project.keywords.join(","));
    }
    let (author, author_email) = people_fields(&project.authors);
    if let Some(v) = &author {
        field("Author", v);
    }
    if let Some(v) = &author_email {
        field("Author-email", v);
    }
    let (maintainer, maintainer_email) = people_fields(&project.maintainers);
    if let Some(v) = &maintainer {
        field("Maintainer", v);
    }
    if let Some(v) = &maintainer_email {
        field("Maintainer-email", v);
    }
    match &project.license {
        Some(License::Expression(expression)) => field("License-Expression", expression),
        Some(License::Text(text)) => field("License", text),
        None => {}
    }
    for file in license_files {
        field("License-File", file);
    }
    for classifier in &project.classifiers {
        field("Classifier", classifier);
    }
    for dependency in &project.dependencies {
        field("Requires-Dist", &dependency.requires_dist(None));
    }
    for (extra, dependencies) in &project.optional_dependencies {
        for dependency in dependencies {
            field("Requires-Dist", &dependency.requires_dist(Some(extra)));
        }
    }
    if let Some(requires_python) = &project.requires_python {
        field("Requires-Python", requires_python);
    }
    for (label, url) in &project.urls {
        field("Project-URL", &format!("{label}, {url}"));
    }
    for (extra, _) in &project.optional_dependencies {
        field("Provides-Extra", extra);
    }
    match &project.import_names {
        // An empty Import-Name says the project provides no import names at all.
        Some(names) if names.is_empty() => field("Import-Name", ""),
        Some(names) => names.iter().for_each(|n| field("Import-Name", n)),
        None => {}
    }
    for namespace in project.import_namespaces.iter().flatten() {
        field("Import-Namespace", namespace);
    }
    if let Some(readme) = &project.readme {
        field("Description-Content-Type", &readme.content_type);
        out.push('\n');
        // A readme checked out on Windows (git's core.autocrlf) has CRLF line endings; the
        // body gets LF like every other line, so the artifact does not depend on the checkout.
        let text = readme.text.replace("\r\n", "\n");
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Renders `entry_points.txt`, or `None` when the project has no entry points.
pub fn render_entry_points(project: &Project) -> Option<String> {
    let mut groups: Vec<(&str, &[(String, String)])> = Vec::new();
    if !project.scripts.is_empty() {
        groups.push(("console_scripts", &project.scripts));
    }
    if !project.gui_scripts.is_empty() {
        groups.push(("gui_scripts", &project.gui_scripts));
    }
    for (group, entries) in &project.entry_points {
        if !entries.is_empty() {
            groups.push((group, entries));
        }
    }
    if groups.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (i, (group, entries)) in groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("[{group}]\n"));
        for (name, reference) in entries.iter() {
            out.push_str(&format!("{name} = {reference}\n"));
        }
    }
    Some(out)
}

/// Renders the `WHEEL` file for the given tags.
pub fn render_wheel_file(root_is_purelib: bool, tags: &[String]) -> String {
    let mut out =
        format!("Wheel-Version: 1.0\nGenerator: {GENERATOR}\nRoot-Is-Purelib: {root_is_purelib}\n");
    for tag in tags {
        out.push_str(&format!("Tag: {tag}\n"));
    }
    out
}

impl Plan {
    /// The core metadata text for a wheel or an sdist.
    pub fn metadata(&self, target: MetadataFor) -> String {
        render_metadata(
            &self.pyproject.project,
            &self.version,
            &self.license_paths(),
            target,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_names_with_specials() {
        let people = vec![
            Person {
                name: Some("Doe, Jane".into()),
                email: Some("jane@example.org".into()),
            },
            Person {
                name: Some("Zoë Ünal".into()),
                email: Some("z@example.org".into()),
            },
            Person {
                name: None,
                email: Some("team@example.org".into()),
            },
            Person {
                name: Some("Solo".into()),
                email: None,
            },
        ];
        let (names, emails) = people_fields(&people);
        assert_eq!(names.as_deref(), Some("Solo"));
        assert_eq!(
            emails.as_deref(),
            Some("\"Doe, Jane\" <jane@example.org>, Zoë Ünal <z@example.org>, team@example.org")
        );
    }
}
