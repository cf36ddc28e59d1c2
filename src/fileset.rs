//! Choosing files: walking the tree, the default excludes, glob matching, and the sorted
//! file sets that go into each artifact. This is the only place that decides what is packed.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::{Error, Result};
use crate::layout::Layout;

/// A file chosen for an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The path inside the archive, relative and `/`-separated.
    pub archive_path: String,
    /// Where the file is on disk.
    pub source: PathBuf,
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

/// Checks a glob for the one dialect every include/exclude/license-files key uses: relative
/// to the project root, `/` separators, never reaching outside the project.
pub fn check_glob(glob: &str) -> std::result::Result<(), String> {
    if glob.is_empty() {
        return Err("the glob is empty".into());
    }
    if glob.starts_with('/') || glob.contains('\\') || glob.get(1..2) == Some(":") {
        return Err(format!(
            "`{glob}` must be relative to the project root and use `/`"
        ));
    }
    if glob.split('/').any(|part| part == "..") {
        return Err(format!("`{glob}` reaches outside the project with `..`"));
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

/// What a walk reports besides the files: the secrets it left out.
#[derive(Debug, Default)]
pub struct Walk {
    /// Files chosen, sorted by archive path.
    pub files: Vec<FileEntry>,
    /// Paths (relative to the walk's root) skipped because they look like secrets.
    pub skipped_secrets: Vec<String>,
}

/// Walks `dir` (a directory inside `project_dir`), returning files with archive paths
/// relative to `strip` (a prefix of `dir`, relative to `project_dir`). With `gitignore`,
/// files git would ignore are left out. `skip` holds absolute directories never entered
/// (such as the output directory).
pub fn walk(
    project_dir: &Path,
    dir: &str,
    strip: &str,
    gitignore: bool,
    skip: &[PathBuf],
) -> Result<Walk> {
    let start = if dir.is_empty() {
        project_dir.to_path_buf()
    } else {
        project_dir.join(dir)
    };
    let canonical_root = project_dir
        .canonicalize()
        .map_err(|e| Error::io("resolve", project_dir, e))?;
    let skip: Vec<PathBuf> = skip.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let walking_root = dir.is_empty();
    let mut builder = ignore::WalkBuilder::new(&start);
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    if gitignore {
        builder
            .git_ignore(true)
            .git_global(true)
            .git_exclude(true)
            .parents(true);
    }
    let skip_top_build = gitignore;
    builder.filter_entry(move |entry| {
        let name = entry.file_name().to_string_lossy();
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir {
            if EXCLUDED_DIRS.contains(&name.as_ref()) {
                return false;
            }
            if skip_top_build
                && walking_root
                && entry.depth() == 1
                && (name == "dist" || name == "build")
            {
                return false;
            }
            if let Ok(real) = entry.path().canonicalize() {
                if skip.contains(&real) {
                    return false;
                }
            }
            return true;
        }
        !is_junk_file(&name)
    });

    let mut result = Walk::default();
    for entry in builder.build() {
        let entry =
            entry.map_err(|e| Error::Input(format!("cannot walk `{}`: {e}", start.display())))?;
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        let path = entry.path();
        let real = path
            .canonicalize()
            .map_err(|e| Error::io("resolve", path, e))?;
        if !real.starts_with(&canonical_root) {
            return Err(Error::Input(format!(
                "`{}` is a link to `{}`, which is outside the project; move the file into the project or copy it",
                path.display(),
                real.display()
            )));
        }
        if !file_type.is_file() && !real.is_file() {
            return Err(Error::Input(format!(
                "`{}` is not a regular file (a pipe, socket or device); remove it or exclude it",
                path.display()
            )));
        }
        let relative = path.strip_prefix(project_dir).unwrap_or(path);
        let Some(relative) = relative.to_str() else {
            return Err(Error::Input(format!(
                "the file name `{}` is not valid UTF-8; rename it",
                path.display()
            )));
        };
        let relative = relative.replace('\\', "/");
        let name = relative.rsplit('/').next().unwrap_or(&relative);
        if is_secret_file(name) {
            result.skipped_secrets.push(relative.clone());
            continue;
        }
        let archive_path = match relative.strip_prefix(strip) {
            Some(rest) if !strip.is_empty() => rest.trim_start_matches('/').to_string(),
            _ => relative.clone(),
        };
        result.files.push(FileEntry {
            archive_path,
            source: path.to_path_buf(),
        });
    }
    result
        .files
        .sort_by(|a, b| a.archive_path.cmp(&b.archive_path));
    Ok(result)
}

/// The files of every module in `layout`, with archive paths relative to the module root
/// (what goes into a wheel).
pub fn module_files(project_dir: &Path, layout: &Layout) -> Result<Walk> {
    let mut all = Walk::default();
    for module in &layout.modules {
        let walk = if module.is_package {
            walk(project_dir, &module.path, &layout.module_root, false, &[])?
        } else {
            let archive_path = module
                .path
                .strip_prefix(&layout.module_root)
                .unwrap_or(&module.path)
                .trim_start_matches('/')
                .to_string();
            Walk {
                files: vec![FileEntry {
                    archive_path,
                    source: project_dir.join(&module.path),
                }],
                skipped_secrets: Vec::new(),
            }
        };
        all.files.extend(walk.files);
        all.skipped_secrets.extend(walk.skipped_secrets);
    }
    all.files
        .sort_by(|a, b| a.archive_path.cmp(&b.archive_path));
    all.files.dedup_by(|a, b| a.archive_path == b.archive_path);
    Ok(all)
}

/// The project files matching `globs` (relative paths, sorted), gitignore not applied.
pub fn matching_files(project_dir: &Path, globs: &GlobSet) -> Result<Vec<FileEntry>> {
    let walk = walk(project_dir, "", "", false, &[])?;
    Ok(walk
        .files
        .into_iter()
        .filter(|f| globs.is_match(&f.archive_path))
        .collect())
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
    fn secrets_and_junk() {
        assert!(is_secret_file(".env"));
        assert!(is_secret_file(".env.local"));
        assert!(is_secret_file("id_ed25519"));
        assert!(!is_secret_file("id_ed25519.pub"));
        assert!(is_junk_file("mod.cpython-311.pyc"));
        assert!(!is_junk_file("mod.py"));
    }
}
