//! setuptools' package options (`packages`, `package_dir`, `py_modules`, `find_packages`,
//! `package_data`) turned into rustbackend's module settings, and the files setuptools would
//! leave out of the wheel turned into `wheel.exclude`.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use super::draft::{string_array, Draft, Origin};

/// What setuptools was told to pack.
#[derive(Debug, Default)]
pub struct Packages {
    /// Dotted package names.
    pub packages: Vec<String>,
    /// `package_dir`: `""` for the root, else a package name, to a directory.
    pub package_dir: Vec<(String, String)>,
    /// Single-file modules.
    pub py_modules: Vec<String>,
    /// `package_data` patterns by package (`""` and `"*"` for every package).
    pub package_data: Vec<(String, Vec<String>)>,
    /// `exclude_package_data` patterns by package.
    pub exclude_package_data: Vec<(String, Vec<String>)>,
    /// Whether files that MANIFEST.in (or a VCS plugin) puts in the sdist ship as package data.
    pub include_package_data: bool,
    /// The files MANIFEST.in selects; `None` when every tracked file counts (setuptools-scm).
    pub manifest: Option<Vec<String>>,
}

/// `find_packages(where, include, exclude)` (and `find_namespace_packages` when
/// `namespaces`), as setuptools' finder walks: a directory is a package when it holds
/// `__init__.py` (any directory for namespaces), and only packages are descended into.
pub fn find(
    project_dir: &Path,
    where_: &str,
    include: &[String],
    exclude: &[String],
    namespaces: bool,
) -> Vec<String> {
    let include: Vec<GlobMatcher> = if include.is_empty() {
        vec![dotted_matcher("*")]
    } else {
        include.iter().map(|p| dotted_matcher(p)).collect()
    };
    let mut exclude: Vec<GlobMatcher> = exclude.iter().map(|p| dotted_matcher(p)).collect();
    exclude.push(dotted_matcher("ez_setup"));
    exclude.push(dotted_matcher("*__pycache__"));
    let mut found = Vec::new();
    let mut stack = vec![(project_dir.join(where_), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut children: Vec<(PathBuf, String)> = entries
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| (e.path(), e.file_name().to_string_lossy().into_owned()))
            .collect();
        children.sort();
        for (path, name) in children.into_iter().rev() {
            let is_package = if namespaces {
                true
            } else {
                path.join("__init__.py").is_file()
            };
            if name.contains('.') || !is_package {
                continue;
            }
            let package = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            if include.iter().any(|g| g.is_match(&package))
                && !exclude.iter().any(|g| g.is_match(&package))
            {
                found.push(package.clone());
            }
            stack.push((path, package));
        }
    }
    found.sort();
    found
}

/// setuptools matches package names with `fnmatch`: `*` crosses dots.
fn dotted_matcher(pattern: &str) -> GlobMatcher {
    GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .map(|g| g.compile_matcher())
        .unwrap_or_else(|_| {
            GlobBuilder::new(&globset::escape(pattern))
                .build()
                .expect("an escaped glob compiles")
                .compile_matcher()
        })
}

/// Carries `packages` into `draft`: `module-root`, `module-name`, `module-dirs`, and
/// `wheel.exclude` for the subpackages and data files setuptools would not pack.
pub fn carry(
    project_dir: &Path,
    packages: &Packages,
    project_name: Option<&str>,
    origin: &Origin,
    draft: &mut Draft,
) {
    let root = packages
        .package_dir
        .iter()
        .find(|(k, _)| k.is_empty())
        .map(|(_, v)| clean(v))
        .unwrap_or_default();
    for (package, dir) in &packages.package_dir {
        if !package.is_empty() && package.contains('.') {
            draft.refuse(
                origin,
                "package_dir",
                format!(
                    "`{package}` = `{dir}` maps a subpackage to its own directory; rustbackend maps \
                     only top-level modules (`module-dirs`): move the directory under its parent"
                ),
            );
        }
    }
    let mut tops: Vec<String> = packages
        .packages
        .iter()
        .chain(&packages.py_modules)
        .map(|p| p.split('.').next().unwrap_or(p).to_string())
        .collect();
    tops.sort();
    tops.dedup();
    if tops.is_empty() {
        return;
    }
    // Each top-level package's directory.
    let mut dirs = Vec::new();
    let mut module_dirs = toml_edit::InlineTable::new();
    let mut names = Vec::new();
    for top in &tops {
        let mapped = packages.package_dir.iter().find(|(k, _)| k == top);
        let dir = match mapped {
            Some((_, dir)) => clean(dir),
            None => join(&root, top),
        };
        let natural = join(&root, top);
        if mapped.is_some() && dir != natural {
            module_dirs.insert(top, dir.as_str().into());
        } else {
            names.push(top.clone());
        }
        if packages.packages.iter().any(|p| p == top) {
            dirs.push((top.clone(), dir));
        }
    }
    if root.is_empty() && project_dir.join("src").is_dir() || !root.is_empty() && root != "src" {
        draft.setting("module-root", root.as_str());
    }
    let default = project_name.map(crate::names::default_import_name);
    if names.len() != 1 || Some(&names[0]) != default.as_ref() {
        if names.len() == 1 {
            draft.setting("module-name", names[0].as_str());
        } else if !names.is_empty() {
            draft.setting("module-name", string_array(&names));
        }
    }
    if !module_dirs.is_empty() {
        draft.setting("module-dirs", module_dirs);
    }
    let mut excluded = Vec::new();
    for (top, dir) in &dirs {
        left_out(project_dir, packages, top, dir, &mut excluded);
    }
    if !excluded.is_empty() {
        draft.add_globs("wheel.exclude", &excluded);
    }
}

/// The wheel globs for what setuptools leaves out under package `name` at `dir`: subpackages
/// it was not told to pack, and files that are neither modules nor package data.
fn left_out(project_dir: &Path, packages: &Packages, name: &str, dir: &str, out: &mut Vec<String>) {
    let listed = |package: &str| packages.packages.iter().any(|p| p == package);
    // (directory, the package it belongs to, that package's directory)
    let mut stack = vec![(dir.to_string(), name.to_string(), dir.to_string())];
    while let Some((dir, package, package_dir)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(project_dir.join(&dir)) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if file_name == "__pycache__" || file_name.starts_with('.') {
                continue;
            }
            let path = join(&dir, &file_name);
            if entry.path().is_dir() {
                let child = format!("{package}.{file_name}");
                // A listed directory is a package with or without `__init__.py` (namespace
                // packages); an unlisted one with `__init__.py` is a package left out.
                let is_package = listed(&child) || entry.path().join("__init__.py").is_file();
                if is_package && dir == package_dir && !listed(&child) {
                    out.push(format!("{}/**", globset::escape(&path)));
                } else if is_package && dir == package_dir {
                    stack.push((path.clone(), child, path));
                } else {
                    // A data directory: its files are package data of `package`.
                    stack.push((path, package.clone(), package_dir.clone()));
                }
                continue;
            }
            let module = dir == package_dir && file_name.ends_with(".py");
            if module || is_package_data(packages, &package, &package_dir, &path) {
                continue;
            }
            out.push(globset::escape(&path));
        }
    }
}

/// Whether setuptools packs `path` (a non-module file under `package`) as package data.
fn is_package_data(packages: &Packages, package: &str, package_dir: &str, path: &str) -> bool {
    let relative = path
        .strip_prefix(package_dir)
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or(path);
    let matches = |table: &[(String, Vec<String>)]| {
        table
            .iter()
            .filter(|(k, _)| k.is_empty() || k == "*" || k == package)
            .flat_map(|(_, patterns)| patterns)
            .any(|pattern| {
                GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .is_ok_and(|g| g.compile_matcher().is_match(relative))
            })
    };
    if matches(&packages.exclude_package_data) {
        return false;
    }
    if matches(&packages.package_data) {
        return true;
    }
    packages.include_package_data
        && packages
            .manifest
            .as_ref()
            .is_none_or(|files| files.iter().any(|f| f == path))
}

fn clean(dir: &str) -> String {
    dir.trim_start_matches("./")
        .trim_end_matches('/')
        .to_string()
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
