//! The one glob dialect of every include, exclude, artifacts and license-files key:
//! relative to the project root, `/`-separated, never reaching outside the project. Kept
//! apart from the walking code so that reading pyproject.toml does not depend on it.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::paths::{outside_project, Outside};
use crate::error::{Error, Result};

/// Checks a glob for the one dialect every include/exclude/license-files key uses: relative
/// to the project root, `/` separators, never reaching outside the project.
pub fn check_glob(glob: &str) -> std::result::Result<(), String> {
    if glob.is_empty() {
        return Err("the glob is empty".into());
    }
    match outside_project(glob) {
        Some(Outside::Absolute | Outside::Backslash) => {
            return Err(format!(
                "`{glob}` must be relative to the project root and use `/`"
            ))
        }
        Some(Outside::Parent) => {
            return Err(format!("`{glob}` reaches outside the project with `..`"))
        }
        None => {}
    }
    GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .map(|_| ())
        .map_err(|e| format!("`{glob}` is not a valid glob: {e}"))
}

/// Compiles checked globs into one matcher.
pub fn glob_set(globs: &[String]) -> std::result::Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        check_glob(glob)?;
        builder.add(
            GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    builder.build().map_err(|e| e.to_string())
}

/// Globs that exclude a file when they match its path or the path of a directory above it,
/// so `docs/_build` and `docs/_build/**` both exclude everything below `docs/_build/`.
#[derive(Debug, Clone)]
pub struct Excludes {
    set: GlobSet,
    /// Each glob's literal start, up to its first wildcard (`src/pkg/static/` for
    /// `src/pkg/static/**`): what a path must begin with, or be the beginning of, to match.
    prefixes: Vec<String>,
}

impl Excludes {
    /// Compiles already-checked globs.
    pub fn new<'g>(globs: impl IntoIterator<Item = &'g String>) -> Result<Excludes> {
        let globs: Vec<String> = globs.into_iter().cloned().collect();
        let prefixes = globs
            .iter()
            .map(|g| {
                let end = g.find(['*', '?', '[', '{', '\\']).unwrap_or(g.len());
                g[..end].to_string()
            })
            .collect();
        let set = glob_set(&globs).map_err(Error::Glob)?;
        Ok(Excludes { set, prefixes })
    }

    /// Whether no glob was given.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Whether `relative` (a `/`-separated path from the project root) is excluded.
    pub fn matches(&self, relative: &str) -> bool {
        if self.set.is_empty() {
            return false;
        }
        let mut path = relative;
        loop {
            if self.set.is_match(path) {
                return true;
            }
            match path.rsplit_once('/') {
                Some((parent, _)) => path = parent,
                None => return false,
            }
        }
    }

    /// Whether a path below the directory `dir` (project-relative, without a trailing `/`)
    /// could match: false lets a walk skip the directory.
    pub fn could_match_below(&self, dir: &str) -> bool {
        let dir = format!("{dir}/");
        self.prefixes
            .iter()
            .any(|p| p.starts_with(&dir) || dir.starts_with(p.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_must_stay_inside() {
        assert!(check_glob("LICEN[CS]E*").is_ok());
        assert!(check_glob("licenses/**/*.txt").is_ok());
        assert!(check_glob("../LICENSE").is_err());
        assert!(check_glob("/etc/passwd").is_err());
        assert!(check_glob("a\\b").is_err());
        assert!(check_glob("[").is_err());
    }

    #[test]
    fn excludes_match_directories_above() {
        let excludes = Excludes::new(&["docs/_build".to_string(), "**/*.tmp".to_string()]).unwrap();
        assert!(excludes.matches("docs/_build/html/index.html"));
        assert!(excludes.matches("src/pkg/x.tmp"));
        assert!(!excludes.matches("docs/index.rst"));
        let keep = Excludes::new(&[
            "src/pkg/static/**".to_string(),
            "src/pkg/_version.py".to_string(),
        ])
        .unwrap();
        assert!(keep.could_match_below("src"));
        assert!(keep.could_match_below("src/pkg/static"));
        assert!(keep.could_match_below("src/pkg/static/js"));
        assert!(!keep.could_match_below("node_modules"));
        assert!(!keep.could_match_below("src/pkg/other"));
        assert!(Excludes::new(&["**/*.js".to_string()])
            .unwrap()
            .could_match_below("anything"));
    }
}
