//! Checking an sdist: its file name (PEP 625), layout and PKG-INFO.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::check_metadata;
use super::wheel::MAX_KEPT;
use crate::names;

/// Checks an sdist (`.tar.gz`); returns the problems found.
pub fn check_sdist(path: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(base) = file_name.strip_suffix(".tar.gz") else {
        return vec![format!("`{file_name}` does not end in .tar.gz")];
    };
    let Some((name, version)) = base.rsplit_once('-') else {
        return vec![format!(
            "the file name `{file_name}` is not `name-version.tar.gz`"
        )];
    };
    if names::escape_for_filename(name) != name {
        problems.push(format!(
            "the file name's project name `{name}` is not normalized (PEP 625)"
        ));
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return vec![format!("cannot open: {e}")],
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return vec![format!("cannot read the tar archive: {e}")],
    };
    let mut pkg_info = None;
    let mut has_pyproject = false;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("cannot read the tar archive: {e}"));
                break;
            }
        };
        let entry_path = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !entry_path.starts_with(&format!("{base}/")) && entry_path != base {
            problems.push(format!(
                "`{entry_path}` is outside the top directory `{base}/`"
            ));
        }
        if entry_path.split('/').any(|p| p == "..") || entry_path.starts_with('/') {
            problems.push(format!("`{entry_path}` is not a safe relative path"));
        }
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            problems.push(format!("`{entry_path}` is a link"));
        }
        if entry_path == format!("{base}/PKG-INFO") {
            let mut text = String::new();
            if (&mut entry)
                .take(MAX_KEPT)
                .read_to_string(&mut text)
                .is_ok()
            {
                pkg_info = Some(text);
            }
        }
        has_pyproject |= entry_path == format!("{base}/pyproject.toml");
    }
    match pkg_info {
        Some(text) => check_metadata(&text, "PKG-INFO", name, version, &mut problems),
        None => problems.push(format!("no {base}/PKG-INFO")),
    }
    if !has_pyproject {
        problems.push(format!("no {base}/pyproject.toml"));
    }
    problems
}
