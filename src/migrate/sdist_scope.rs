//! Backends whose sdist holds only what they are told (flit_core, hatchling's sdist
//! `include`, pdm-backend) against rustbackend's, which holds every file git does not
//! ignore: the top-level entries the old sdist would not hold become `sdist.exclude`.

use std::path::Path;

use super::draft::Draft;

/// Files every backend puts in the sdist whatever it is told.
const ALWAYS: &[&str] = &[
    "pyproject.toml",
    "README",
    "LICEN",
    "COPYING",
    "NOTICE",
    "AUTHORS",
    "PKG-INFO",
];

/// Excludes from the sdist each top-level file and directory that `keep` (top-level names)
/// and [`ALWAYS`] do not cover; hidden entries (`.git`, `.github`) too, except `.gitignore`.
pub fn only(project_dir: &Path, keep: &[String], draft: &mut Draft) {
    let Ok(entries) = std::fs::read_dir(project_dir) else {
        return;
    };
    let patterns: Vec<globset::GlobMatcher> = keep
        .iter()
        .filter_map(|k| globset::Glob::new(k).ok())
        .map(|g| g.compile_matcher())
        .collect();
    let mut excluded: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name != ".git"
                && name != ".gitignore"
                && !keep.iter().any(|k| k == name)
                && !patterns.iter().any(|p| p.is_match(name))
                && !ALWAYS.iter().any(|a| name.starts_with(a))
        })
        .map(|name| globset::escape(&name))
        .collect();
    excluded.sort();
    if !excluded.is_empty() {
        draft.add_globs("sdist.exclude", &excluded);
    }
}

/// The top-level name (or glob of names, `*.cfg`) an include path names (`/src`, `src/`,
/// `tests/**`), or None for a pattern that selects part of a directory.
pub fn top_level(pattern: &str) -> Option<String> {
    let trimmed = pattern
        .trim_start_matches('/')
        .trim_end_matches("/**")
        .trim_end_matches('/');
    if !trimmed.is_empty() && !trimmed.contains('/') {
        return Some(trimmed.to_string());
    }
    let first = trimmed.split('/').next()?;
    if first.is_empty() || first.contains(['*', '?', '[']) {
        return None;
    }
    Some(first.to_string())
}
