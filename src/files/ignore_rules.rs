//! The project's ignore rules, the same for every artifact whether or not the tree is a git
//! checkout: the `.gitignore` files of the project (root and nested) always apply; inside a
//! git checkout, so do the `.gitignore` files between the repository root and the project,
//! `.git/info/exclude` and git's global excludes file. A tree copied without `.git` (a
//! Docker build context, an unpacked archive, a CI cache) is thus packed like the checkout.
//!
//! Precedence is git's: a deeper `.gitignore` overrides a higher one, and within one file the
//! last matching pattern wins (a `!pattern` re-includes); `info/exclude` and the global file
//! come last.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The `.gitignore` rules that apply in one directory, deepest first.
type Chain = Arc<Vec<Arc<Gitignore>>>;

/// The ignore rules of one project.
#[derive(Debug)]
pub struct IgnoreRules {
    /// The highest directory whose `.gitignore` applies: the repository root inside a git
    /// checkout, else the project directory.
    top: PathBuf,
    /// `.git/info/exclude` and the global excludes file (only inside a git checkout).
    extra: Vec<Gitignore>,
    /// Each directory's chain of rules (see [`IgnoreRules::chain`]), built when first needed.
    /// Keyed by the directory's path as plain bytes: hashing a `Path` walks its components,
    /// and the walk gives every directory in one spelling.
    cache: Mutex<HashMap<OsString, Chain>>,
}

/// The repository root above (or at) `dir`: the nearest directory holding `.git` (a
/// directory, or a file for worktrees and submodules).
pub fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The directory holding the repository's shared files (`info/exclude`): `.git` itself, or
/// for a worktree or submodule (whose `.git` is a file saying `gitdir: PATH`) the directory
/// it points at, or that directory's `commondir`.
fn git_common_dir(root: &Path) -> PathBuf {
    let dot_git = root.join(".git");
    let Ok(text) = std::fs::read_to_string(&dot_git) else {
        return dot_git;
    };
    let Some(gitdir) = text.trim().strip_prefix("gitdir:") else {
        return dot_git;
    };
    let gitdir = root.join(gitdir.trim());
    match std::fs::read_to_string(gitdir.join("commondir")) {
        Ok(common) => gitdir.join(common.trim()),
        Err(_) => gitdir,
    }
}

fn matcher(root: &Path, file: &Path) -> Option<Gitignore> {
    if !file.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(root);
    // A malformed line is skipped, as git does; the rest of the file still applies.
    let _ = builder.add(file);
    builder.build().ok().filter(|g| !g.is_empty())
}

impl IgnoreRules {
    /// The rules for the project in `project_dir` (an absolute or relative path; files are
    /// later asked about by paths below it).
    pub fn new(project_dir: &Path) -> IgnoreRules {
        let project_dir = project_dir
            .canonicalize()
            .unwrap_or_else(|_| project_dir.to_path_buf());
        let (top, extra) = match git_root(&project_dir) {
            Some(root) => {
                let mut extra = Vec::new();
                extra.extend(matcher(&root, &git_common_dir(&root).join("info/exclude")));
                if let Some(global) = ignore::gitignore::gitconfig_excludes_path() {
                    extra.extend(matcher(&root, &global));
                }
                (root, extra)
            }
            None => (project_dir, Vec::new()),
        };
        IgnoreRules {
            top,
            extra,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The `.gitignore` rules that speak about entries of `dir`: its own and those of every
    /// directory above it up to the top, deepest first. Cached per directory, so asking
    /// about a file costs one lookup of its parent.
    fn chain(&self, cache: &mut HashMap<OsString, Chain>, dir: &Path) -> Chain {
        if let Some(chain) = cache.get(dir.as_os_str()) {
            return chain.clone();
        }
        let mut rules: Vec<Arc<Gitignore>> = matcher(dir, &dir.join(".gitignore"))
            .map(Arc::new)
            .into_iter()
            .collect();
        if dir != self.top {
            if let Some(parent) = dir.parent().filter(|p| p.starts_with(&self.top)) {
                rules.extend(self.chain(cache, parent).iter().cloned());
            }
        }
        let chain: Chain = Arc::new(rules);
        cache.insert(dir.as_os_str().to_os_string(), chain.clone());
        chain
    }

    /// Whether `path` (a file, or a directory when `is_dir`) is ignored. `path` is the
    /// canonical form of a path below the project directory.
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let Some(below_top) = super::paths::below(path, &self.top) else {
            return false;
        };
        if below_top.as_os_str().is_empty() {
            return false;
        }
        let Some(parent) = path.parent() else {
            return false;
        };
        let chain = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            self.chain(&mut cache, parent)
        };
        for rules in chain.iter() {
            let found = rules.matched(path, is_dir);
            if found.is_ignore() {
                return true;
            }
            if found.is_whitelist() {
                return false;
            }
        }
        for rules in &self.extra {
            let found = rules.matched(path, is_dir);
            if !found.is_none() {
                return found.is_ignore();
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_applies_without_git_and_nested_files_override() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("src/pkg/gen")).unwrap();
        std::fs::write(root.join(".gitignore"), "*.log\nscratch/\n").unwrap();
        std::fs::write(root.join("src/pkg/.gitignore"), "private.key\n!keep.log\n").unwrap();
        let rules = IgnoreRules::new(&root);
        assert!(rules.is_ignored(&root.join("debug.log"), false));
        assert!(rules.is_ignored(&root.join("scratch"), true));
        assert!(!rules.is_ignored(&root.join("scratch"), false));
        assert!(rules.is_ignored(&root.join("src/pkg/private.key"), false));
        assert!(!rules.is_ignored(&root.join("src/private.key"), false));
        assert!(!rules.is_ignored(&root.join("src/pkg/keep.log"), false));
        assert!(rules.is_ignored(&root.join("src/pkg/gen/other.log"), false));
        assert!(!rules.is_ignored(&root.join("src/pkg/mod.py"), false));
    }

    #[test]
    fn git_sources_apply_inside_a_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join(".git/info")).unwrap();
        std::fs::create_dir_all(root.join("packages/proj")).unwrap();
        std::fs::write(root.join(".git/info/exclude"), "*.local\n").unwrap();
        std::fs::write(root.join(".gitignore"), "packages/proj/out/\n").unwrap();
        let project = root.join("packages/proj");
        let rules = IgnoreRules::new(&project);
        assert!(rules.is_ignored(&project.join("notes.local"), false));
        assert!(rules.is_ignored(&project.join("out"), true));
        assert!(!rules.is_ignored(&project.join("main.py"), false));
    }
}
