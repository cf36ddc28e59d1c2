//! setuptools-scm's options (`[tool.setuptools_scm]`, `use_scm_version={...}`, hatch-vcs's
//! `raw-options`) against rustbackend's git versions.

use super::draft::{Draft, Origin};
use super::lit::Lit;

/// Carries one option; `shown` is how the old configuration names it.
pub fn carry(shown: &str, key: &str, value: &Lit, origin: &Origin, draft: &mut Draft) {
    match (key, value.as_str()) {
        // setuptools-scm's defaults are rustbackend's scheme.
        ("local_scheme", Some("node-and-date")) | ("version_scheme", Some("guess-next-dev")) => {}
        ("local_scheme", Some("no-local-version")) => draft.setting("git-local-version", false),
        ("local_scheme" | "version_scheme", _) => draft.refuse(
            origin,
            shown,
            "rustbackend's git versions follow setuptools-scm's default scheme (docs/metadata.md), with or without the local label (`git-local-version`)",
        ),
        // Where to look for the repository: rustbackend asks git from the project directory.
        ("root" | "relative_to" | "search_parent_directories", _) => {}
        ("write_to" | "version_file", Some(file)) => draft.refuse(
            origin,
            shown,
            format!("rustbackend does not write `{file}`; make the package read its version with importlib.metadata, then remove the option"),
        ),
        ("fallback_version", _) => draft.notes.push(format!(
            "{origin}: `{shown}` is dropped: rustbackend needs git (or an sdist, which holds the version) to tell a version"
        )),
        _ if value.is_empty() => {}
        _ => draft.refuse(origin, shown, "rustbackend's git versions take no such option (docs/metadata.md lists their scheme)"),
    }
}
