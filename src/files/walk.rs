//! Choosing files: walking the tree, the default excludes and ignore rules, and the sorted
//! file sets that go into each artifact. This is the only place that decides what is packed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, FileProblem, Result};
pub use crate::files::globs::Excludes;
use crate::files::ignore_rules::IgnoreRules;

/// A file chosen for an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The path inside the archive, relative and `/`-separated.
    pub archive_path: String,
    /// Where the file is on disk.
    pub source: PathBuf,
    /// Whether an ignore rule covers it (it is kept on purpose: an artifact, or the file a
    /// dynamic version is read from).
    pub ignored: bool,
}

/// Directory names that are never walked into.
pub const EXCLUDED_DIRS: &[&str] = &[
    "__pycache__",
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

/// Whether a file name is one of the default excludes: bytecode, editor and OS debris.
pub fn is_junk_file(name: &str) -> bool {
    name.ends_with(".pyc")
        || name.ends_with(".pyo")
        || name == ".DS_Store"
        || name.ends_with('~')
        || name.ends_with(".swp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Whether a file name looks like a secret that must never be published.
pub fn is_secret_file(name: &str) -> bool {
    name == ".env"
        || name.starts_with(".env.")
        || name == ".pypirc"
        || name == ".netrc"
        || matches!(
            name,
            "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk"
        )
}

/// The warning for a file left out because it looks like a secret.
pub fn secret_warning(path: &str) -> String {
    format!("left out `{path}`: it looks like a secret (never packed by default; include it with `tool.rustbackend.sdist.include` if it is meant to ship)")
}

/// Why a file or directory was left out of an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeftOut {
    /// An ignore rule covers it (`.gitignore`, `.git/info/exclude`, git's global excludes).
    Ignored,
    /// One of the default excludes: caches, bytecode, editor debris, VCS directories, build
    /// output (`build/`, `dist/`, `*.egg-info/`), virtual environments.
    DefaultExclude,
    /// It looks like a secret (`.env`, `.pypirc`, private keys).
    Secret,
    /// An `exclude` glob of `[tool.rustbackend]` matches it.
    Excluded,
}

impl LeftOut {
    /// Why, in words, for `rustbackend ls --left-out`.
    pub fn describe(self) -> &'static str {
        match self {
            LeftOut::Ignored => "ignored by .gitignore or git's excludes",
            LeftOut::DefaultExclude => "a default exclude",
            LeftOut::Secret => "looks like a secret",
            LeftOut::Excluded => "an `exclude` glob",
        }
    }
}

/// The files a walk chose, and what it left out.
#[derive(Debug, Default)]
pub struct Walk {
    /// Files chosen, sorted by archive path.
    pub files: Vec<FileEntry>,
    /// Paths (relative to the project root; directories end in `/`) left out, and why.
    pub left_out: Vec<(String, LeftOut)>,
}

impl Walk {
    /// The paths left out because they look like secrets.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.left_out
            .iter()
            .filter(|(_, why)| *why == LeftOut::Secret)
            .map(|(path, _)| path.as_str())
    }
}

/// How to walk a directory.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions<'a> {
    /// Leave out what the project's ignore rules cover.
    pub ignore: Option<&'a Arc<IgnoreRules>>,
    /// Files kept even when an ignore rule covers them (`tool.rustbackend.artifacts`, the
    /// dynamic version's file); they are marked [`FileEntry::ignored`].
    pub keep: Option<&'a Excludes>,
    /// Keep the default excludes and secrets too (for explicit includes).
    pub everything: bool,
    /// Leave out the top-level `build/` and `dist/` directories.
    pub skip_build_dirs: bool,
    /// Directories never entered (such as the output directory).
    pub skip: &'a [PathBuf],
    /// Follow symbolic links whose target is outside the project
    /// (`tool.rustbackend.allow-external-links`).
    pub external_links: bool,
}

/// Whether a directory is one of the default excludes: a cache or VCS directory by name,
/// build metadata (`*.egg-info`), or a virtual environment (it holds `pyvenv.cfg`,
/// whatever it is called).
pub fn is_excluded_dir(name: &str, path: &Path) -> bool {
    EXCLUDED_DIRS.contains(&name)
        || name.ends_with(".egg-info")
        || path.join("pyvenv.cfg").is_file()
}

/// Walks `dir` (a directory inside `project_dir`, `""` for the root), returning files with
/// archive paths relative to the project root, sorted, and what was left out.
pub fn walk(project_dir: &Path, dir: &str, options: WalkOptions<'_>) -> Result<Walk> {
    let start = if dir.is_empty() {
        project_dir.to_path_buf()
    } else {
        project_dir.join(dir)
    };
    let canonical_root = project_dir
        .canonicalize()
        .map_err(|e| Error::io("resolve", project_dir, e))?;
    let skip: Vec<PathBuf> = options
        .skip
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let walking_root = dir.is_empty();
    let mut builder = ignore::WalkBuilder::new(&start);
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    // Directories are pruned here, so nothing below an ignored or excluded directory is
    // read; what is pruned is recorded for `ls --left-out`.
    let pruned: Arc<Mutex<Vec<(String, LeftOut)>>> = Arc::default();
    let record = Arc::clone(&pruned);
    // Ignored directories entered because they may hold files to keep (`dir/` paths): the
    // files below them are ignored too, unless kept.
    let entered: Arc<Mutex<Vec<String>>> = Arc::default();
    let record_entered = Arc::clone(&entered);
    let rules = options.ignore.cloned();
    let keep = options.keep.cloned();
    let (root, logical_root) = (canonical_root.clone(), project_dir.to_path_buf());
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if !is_dir || entry.depth() == 0 {
            return true;
        }
        let name = entry.file_name().to_string_lossy();
        let relative = entry
            .path()
            .strip_prefix(&logical_root)
            .unwrap_or(entry.path());
        let shown = format!("{}/", archive_path(relative).unwrap_or_default());
        let build_dir = options.skip_build_dirs
            && walking_root
            && entry.depth() == 1
            && (name == "dist" || name == "build");
        let why = if name == ".git"
            || (!options.everything && (build_dir || is_excluded_dir(&name, entry.path())))
        {
            Some(LeftOut::DefaultExclude)
        } else if rules
            .as_ref()
            .is_some_and(|r| r.is_ignored(&root.join(relative), true))
        {
            // An ignored directory that may hold files to keep is entered to find them.
            if keep
                .as_ref()
                .is_some_and(|k| k.could_match_below(shown.trim_end_matches('/')))
            {
                record_entered
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(shown.clone());
                None
            } else {
                Some(LeftOut::Ignored)
            }
        } else {
            None
        };
        if let Some(why) = why {
            record
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((shown, why));
            return false;
        }
        if !skip.is_empty() {
            if let Ok(real) = entry.path().canonicalize() {
                if skip.contains(&real) {
                    return false;
                }
            }
        }
        true
    });

    let mut result = Walk::default();
    for entry in builder.build() {
        let entry = entry.map_err(|e| walk_error(&start, &e, None))?;
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        // Only links can lead out of the project: resolve those (a directory link is met
        // before anything below it), not every path.
        if entry.path_is_symlink() && !options.external_links {
            check_link(path, &canonical_root)?;
        }
        if file_type.is_dir() {
            continue;
        }
        if !file_type.is_file() {
            return Err(FileProblem::Special(path.to_path_buf()).into());
        }
        let relative_path = path.strip_prefix(project_dir).unwrap_or(path);
        let Some(relative) = archive_path(relative_path) else {
            return Err(FileProblem::NonUtf8Name(path.to_path_buf()).into());
        };
        let name = relative.rsplit('/').next().unwrap_or(&relative);
        // `.git` is a file in worktrees and submodules; like the directory, never packed.
        if name == ".git" || (!options.everything && is_junk_file(name)) {
            result.left_out.push((relative, LeftOut::DefaultExclude));
            continue;
        }
        if !options.everything && is_secret_file(name) {
            result.left_out.push((relative, LeftOut::Secret));
            continue;
        }
        let ignored = options
            .ignore
            .is_some_and(|r| r.is_ignored(&canonical_root.join(relative_path), false))
            || entered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .any(|dir| relative.starts_with(dir.as_str()));
        if ignored && !options.keep.is_some_and(|k| k.matches(&relative)) {
            result.left_out.push((relative, LeftOut::Ignored));
            continue;
        }
        result.files.push(FileEntry {
            archive_path: relative,
            source: path.to_path_buf(),
            ignored,
        });
    }
    result
        .files
        .sort_by(|a, b| a.archive_path.cmp(&b.archive_path));
    result
        .left_out
        .extend(pruned.lock().unwrap_or_else(|e| e.into_inner()).drain(..));
    result.left_out.sort();
    Ok(result)
}

/// The archive path of `relative`, a path below the project root: its names joined with
/// `/` whatever the platform's separator (`src\pkg\mod.py` on Windows becomes
/// `src/pkg/mod.py`); `None` when a name is not valid UTF-8.
pub fn archive_path(relative: &Path) -> Option<String> {
    let mut names = Vec::new();
    for component in relative.components() {
        // Roots, prefixes and `..` cannot come out of a walk below the project; they stay
        // visible so that check_archive_paths refuses them.
        if component != std::path::Component::CurDir {
            names.push(component.as_os_str().to_str()?);
        }
    }
    Some(names.join("/"))
}

/// Checks that the symbolic link `path` resolves to something inside `canonical_root`.
fn check_link(path: &Path, canonical_root: &Path) -> Result<()> {
    let real = path
        .canonicalize()
        .map_err(|_| FileProblem::DanglingLink(path.to_path_buf()))?;
    if !real.starts_with(canonical_root) {
        return Err(FileProblem::ExternalLink {
            link: path.to_path_buf(),
            target: real,
        }
        .into());
    }
    Ok(())
}

/// The regular files directly in the project root (following links inside the project),
/// sorted; what root-level globs such as `LICEN[CS]E*` can match.
pub fn root_files(project_dir: &Path, options: WalkOptions<'_>) -> Result<Walk> {
    let mut walk = Walk::default();
    let canonical_root = project_dir
        .canonicalize()
        .map_err(|e| Error::io("resolve", project_dir, e))?;
    let entries = std::fs::read_dir(project_dir).map_err(|e| Error::io("list", project_dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list", project_dir, e))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if is_junk_file(&name) || is_secret_file(&name) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_symlink()) && !options.external_links {
            check_link(&path, &canonical_root)?;
        }
        if !path.is_file() {
            continue;
        }
        walk.files.push(FileEntry {
            archive_path: name,
            source: path,
            ignored: false,
        });
    }
    walk.files
        .sort_by(|a, b| a.archive_path.cmp(&b.archive_path));
    Ok(walk)
}

/// Turns a walking error into a message that names the path and the fix.
fn walk_error(start: &Path, error: &ignore::Error, path: Option<&Path>) -> Error {
    match error {
        ignore::Error::WithPath { path, err } => walk_error(start, err, Some(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(start, err, path)
        }
        ignore::Error::Loop { ancestor, child } => FileProblem::LinkLoop {
            link: child.clone(),
            ancestor: ancestor.clone(),
        }
        .into(),
        ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound && path.is_some() => {
            FileProblem::DanglingLink(path.unwrap_or(start).to_path_buf()).into()
        }
        ignore::Error::Io(io) => Error::Walk {
            path: path.unwrap_or(start).to_path_buf(),
            // The walker lends its error; an equal one (same OS code) is kept.
            source: io
                .raw_os_error()
                .map(std::io::Error::from_raw_os_error)
                .unwrap_or_else(|| std::io::Error::new(io.kind(), io.to_string())),
        },
        other => Error::WalkOther {
            path: path.unwrap_or(start).to_path_buf(),
            message: other.to_string(),
        },
    }
}

/// `path` relative to `dir` (both `/`-separated, relative to the project root).
pub fn strip_dir(path: &str, dir: &str) -> String {
    if dir.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(dir)
        .map(|rest| rest.trim_start_matches('/'))
        .unwrap_or(path)
        .to_string()
}

/// Checks the paths of one archive: relative, `/`-separated, no `..`, no control characters
/// or backslashes, and no two that differ only by case (they collide on macOS and Windows).
pub fn check_archive_paths<'p>(paths: impl IntoIterator<Item = &'p str>) -> Result<()> {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for path in paths {
        if path.starts_with('/') || path.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(FileProblem::UnsafePath(path.to_string()).into());
        }
        if let Some(c) = path.chars().find(|c| c.is_control() || *c == '\\') {
            let what = if c == '\\' {
                "a backslash".to_string()
            } else {
                format!("the control character {:?}", c)
            };
            return Err(FileProblem::UnsafeName {
                path: path.to_string(),
                what,
            }
            .into());
        }
        if let Some(other) = seen.insert(path.to_lowercase(), path) {
            return Err(FileProblem::CaseCollision(other.to_string(), path.to_string()).into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_paths_are_checked() {
        assert!(check_archive_paths(["a/b.py", "a/c.py"]).is_ok());
        assert!(check_archive_paths(["a/B.py", "a/b.py"]).is_err());
        assert!(check_archive_paths(["a/b\tc.py"]).is_err());
        assert!(check_archive_paths(["a\\b.py"]).is_err());
        assert!(check_archive_paths(["../x.py"]).is_err());
    }

    #[test]
    fn archive_paths_use_forward_slashes() {
        assert_eq!(
            archive_path(Path::new("src/pkg/mod.py")).unwrap(),
            "src/pkg/mod.py"
        );
        assert_eq!(
            archive_path(Path::new("./src/./mod.py")).unwrap(),
            "src/mod.py"
        );
        assert_eq!(archive_path(Path::new("README.md")).unwrap(), "README.md");
        // On Unix a backslash is part of a name, which check_archive_paths refuses.
        #[cfg(unix)]
        assert_eq!(archive_path(Path::new(r"a\b.py")).unwrap(), r"a\b.py");
    }

    /// What a walk yields on Windows: `\`-separated, sometimes mixed with `/`.
    #[cfg(windows)]
    #[test]
    fn windows_paths_become_archive_paths() {
        assert_eq!(
            archive_path(Path::new(r"src\pkg\mod.py")).unwrap(),
            "src/pkg/mod.py"
        );
        assert_eq!(
            archive_path(Path::new(r"src\pkg/sub\x.py")).unwrap(),
            "src/pkg/sub/x.py"
        );
        let root = Path::new(r"C:\work\proj");
        let file = root.join("src").join("pkg").join("__init__.py");
        let relative = file.strip_prefix(root).unwrap();
        assert_eq!(archive_path(relative).unwrap(), "src/pkg/__init__.py");
        assert!(check_archive_paths([archive_path(relative).unwrap().as_str()]).is_ok());
    }

    #[test]
    fn secrets_and_junk() {
        assert!(is_secret_file(".env"));
        assert!(is_secret_file(".env.local"));
        assert!(is_secret_file("id_ed25519"));
        assert!(!is_secret_file("id_ed25519.pub"));
        assert!(is_junk_file("mod.cpython-311.pyc"));
        assert!(!is_junk_file("mod.py"));
    }
}
