//! The license files a project ships (PEP 639): `project.license-files` globs, each of which
//! must match a UTF-8 file, or the default globs when the key is absent.

use std::path::Path;

use super::plan_walk_options;
use super::pyproject::PyProject;
use crate::error::{Diagnostic, Error, Result};
use crate::files::walk::{self, FileEntry};

/// The globs used for license files when `project.license-files` is not set (PEP 639).
pub const DEFAULT_LICENSE_GLOBS: &[&str] = &["LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"];

/// What each of [`DEFAULT_LICENSE_GLOBS`] matches, as the names of files at the project root
/// that start with one of these: the same test without compiling the globs (their regexes
/// took a fifth of a small project's hook). A test checks both agree.
const DEFAULT_LICENSE_PREFIXES: [&[&str]; 4] = [
    &["LICENSE", "LICENCE"],
    &["COPYING"],
    &["NOTICE"],
    &["AUTHORS"],
];

/// Whether the root file `path` matches the default license glob number `index`.
fn matches_default_license_glob(index: usize, path: &str) -> bool {
    !path.contains('/')
        && DEFAULT_LICENSE_PREFIXES[index]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// The license files, sorted by archive path, each once.
pub(super) fn resolve_license_files(
    project_dir: &Path,
    pyproject: &PyProject,
) -> Result<Vec<FileEntry>> {
    let (globs, explicit): (Vec<String>, bool) = match &pyproject.project.license_files {
        Some(globs) => (globs.clone(), true),
        None => (
            DEFAULT_LICENSE_GLOBS
                .iter()
                .map(|g| g.to_string())
                .collect(),
            false,
        ),
    };
    let mut files = Vec::new();
    // Globs without `/` can only match files at the root: list it instead of walking the
    // whole tree.
    let all = if globs.iter().any(|g| g.contains('/')) {
        walk::walk(project_dir, "", plan_walk_options(pyproject))?
    } else {
        walk::root_files(project_dir, plan_walk_options(pyproject))?
    };
    let mut problems = Vec::new();
    let mut checked = std::collections::HashSet::new();
    for (i, glob) in globs.iter().enumerate() {
        let set = if explicit {
            Some(crate::files::globs::glob_set(std::slice::from_ref(glob)).map_err(Error::Glob)?)
        } else {
            None
        };
        let is_match = |path: &str| match &set {
            Some(set) => set.is_match(path),
            None => matches_default_license_glob(i, path),
        };
        let span = || {
            explicit
                .then(|| pyproject.value_span(&["project", "license-files"], Some(i)))
                .flatten()
        };
        let matched: Vec<&FileEntry> = all
            .files
            .iter()
            .filter(|f| is_match(&f.archive_path))
            .collect();
        if matched.is_empty() && explicit {
            problems.push(
                Diagnostic::new("project.license-files", format!("the license-files glob `{glob}` matches no file"))
                    .at(span())
                    .help("correct the glob (it is relative to pyproject.toml), add the file, or remove the glob"),
            );
        }
        for file in matched
            .iter()
            .filter(|f| checked.insert(f.archive_path.clone()))
        {
            let bytes =
                std::fs::read(&file.source).map_err(|e| Error::io("read", &file.source, e))?;
            if let Err(e) = std::str::from_utf8(&bytes) {
                let offset = e.valid_up_to();
                problems.push(
                    Diagnostic::new(
                        "project.license-files",
                        format!(
                            "the license file `{}` is not UTF-8: byte 0x{:02X} at offset {offset} is not valid UTF-8",
                            file.archive_path, bytes[offset]
                        ),
                    )
                    .at(span())
                    .help("save the file as UTF-8 (PEP 639: license files are UTF-8 text)"),
                );
            }
        }
        files.extend(matched.into_iter().cloned());
    }
    if !problems.is_empty() {
        return Err(pyproject.error(problems));
    }
    files.sort_by(|a, b| a.archive_path.cmp(&b.archive_path));
    files.dedup_by(|a, b| a.archive_path == b.archive_path);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default license globs and their prefix test agree.
    #[test]
    fn default_license_prefixes_match_like_the_globs() {
        let names = [
            "LICENSE",
            "LICENCE",
            "LICENSE.txt",
            "LICENCE-MIT",
            "LICENSES",
            "LICENSE_2",
            "license",
            "LICENZE",
            "LICEN",
            "COPYING",
            "COPYING.LESSER",
            "NOTICE",
            "NOTICE.md",
            "AUTHORS",
            "AUTHORS.rst",
            "AUTHOR",
            "README",
            "docs/LICENSE",
            "src/COPYING",
            "XLICENSE",
        ];
        assert_eq!(DEFAULT_LICENSE_GLOBS.len(), DEFAULT_LICENSE_PREFIXES.len());
        for (i, glob) in DEFAULT_LICENSE_GLOBS.iter().enumerate() {
            let set = crate::files::globs::glob_set(&[glob.to_string()]).unwrap();
            for name in names {
                assert_eq!(
                    set.is_match(name),
                    matches_default_license_glob(i, name),
                    "{glob} on {name}"
                );
            }
        }
    }
}
