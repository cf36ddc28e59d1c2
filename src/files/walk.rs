//! Choosing files: walking the tree, the default excludes and ignore rules, and the sorted
//! file sets that go into each artifact. This is the only place that decides what is packed.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, FileProblem, Result};
use crate::files::globs::Excludes;
use crate::files::ignore_rules::IgnoreRules;

use super::paths::{archive_path, below};
use super::rules::TOP_LEVEL_BUILD_DIRS;
pub use super::rules::{
    is_excluded_dir, is_junk_file, is_secret_file, secret_warning, LeftOut, EXCLUDED_DIRS,
};
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
        // Siblings share their parent's text, so comparing whole paths as bytes orders them
        // by name, without taking each path apart on every comparison.
        .sort_by_file_path(|a, b| a.as_os_str().cmp(b.as_os_str()));
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
        let relative = below(entry.path(), &logical_root).unwrap_or(entry.path());
        let shown = format!("{}/", archive_path(relative).unwrap_or_default());
        let build_dir = options.skip_build_dirs
            && walking_root
            && entry.depth() == 1
            && TOP_LEVEL_BUILD_DIRS.contains(&&*name);
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
        let relative_path = below(path, project_dir).unwrap_or(path);
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

/// One file that the configuration names (a `.data` source given as a file): packed
/// whatever the ignore rules say, since it is named; a link in it must stay inside the
/// project unless external links are allowed.
pub fn single_file(project_dir: &Path, path: &str, options: WalkOptions<'_>) -> Result<Walk> {
    let source = project_dir.join(path);
    let is_link = source
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink());
    if is_link && !options.external_links {
        let canonical_root = project_dir
            .canonicalize()
            .map_err(|e| Error::io("resolve", project_dir, e))?;
        check_link(&source, &canonical_root)?;
    }
    Ok(Walk {
        files: vec![FileEntry {
            archive_path: path.to_string(),
            source,
            ignored: false,
        }],
        left_out: Vec::new(),
    })
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
