//! Editable wheels (PEP 660). Two modes:
//!
//! - `pth` (default): a `.pth` file puts the module root on `sys.path`, which IDEs and type
//!   checkers understand; for a flat layout every top-level module of the project becomes
//!   importable.
//! - `strict`: a small import finder (no dependency on rustbackend at run time) maps only the
//!   project's own modules to their files; new files inside a package are still found.
//!
//! Both keep the regular wheel's `.dist-info` (identical METADATA, entry points) and `.data`
//! directories.

use std::path::{Path, PathBuf};

use crate::archive::{Contents, Entry};
use crate::error::{Error, Result};
use crate::plan::pyproject::settings::EditableMode;
use crate::plan::Plan;

const FINDER_TEMPLATE: &str = include_str!("editable_finder.py");

fn absolute(plan: &Plan, relative: &str) -> Result<PathBuf> {
    let path = plan.project_dir.join(relative);
    path.canonicalize()
        .map_err(|e| Error::io("resolve", &path, e))
}

fn path_text(path: &Path) -> Result<String> {
    let text = path.to_str().ok_or_else(|| Error::EditablePath {
        path: path.to_path_buf(),
        problem: "is not valid UTF-8, which an editable install cannot record",
    })?;
    if text.contains(['\n', '\r']) {
        return Err(Error::EditablePath {
            path: path.to_path_buf(),
            problem: "contains a line break, which a .pth file cannot hold",
        });
    }
    Ok(text.to_string())
}

/// A Python string literal (the repr of `text`).
pub(super) fn py_str(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The entries that make the project importable in `mode`; with `rebuild` (the rebuild
/// plan's path and the compiled modules' names), also the finder that rebuilds those modules
/// on import ([`super::rebuild`]). Startup code runs from the `.pth` file's import lines,
/// and on Python 3.15 and later from the `.start` file of the same name (PEP 829), whose
/// presence makes those versions skip the import lines.
pub fn editable_entries(
    plan: &Plan,
    mode: EditableMode,
    rebuild: Option<(&Path, &[String])>,
) -> Result<Vec<Entry>> {
    // A path entry can not rename a directory: a module that `module-dirs` maps from a
    // directory named differently is served by the strict finder.
    let renamed = plan
        .layout
        .modules
        .iter()
        .any(|m| !m.at_import_path(&plan.layout.module_root));
    let mode = if renamed { EditableMode::Strict } else { mode };
    let mut entries = mode_entries(plan, mode)?;
    let mut starts = Vec::new();
    if mode == EditableMode::Strict {
        starts.push(format!("_{}_editable_finder:install", plan.dist_name));
    }
    if let Some((plan_path, names)) = rebuild {
        let finder = format!("_rustbackend_rebuild_{}", plan.dist_name);
        let source = super::rebuild::finder_source(
            &plan.pyproject.project.name,
            &path_text(plan_path)?,
            names,
        );
        entries.push(Entry::bytes(format!("{finder}.py"), source));
        let pth = format!("_{}.pth", plan.dist_name);
        if let Some(Entry {
            contents: Contents::Bytes(data),
            ..
        }) = entries.iter_mut().find(|e| e.path == pth)
        {
            data.extend_from_slice(format!("import {finder}; {finder}.install()\n").as_bytes());
        }
        starts.push(format!("{finder}:install"));
    }
    if !starts.is_empty() {
        entries.push(Entry::bytes(
            format!("_{}.start", plan.dist_name),
            starts.iter().map(|s| format!("{s}\n")).collect::<String>(),
        ));
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

/// The entries of `mode` alone.
fn mode_entries(plan: &Plan, mode: EditableMode) -> Result<Vec<Entry>> {
    match mode {
        EditableMode::Pth => {
            let root = path_text(&absolute(plan, &plan.layout.module_root)?)?;
            Ok(vec![Entry::bytes(
                format!("_{}.pth", plan.dist_name),
                format!("{root}\n"),
            )])
        }
        EditableMode::Strict => {
            let finder = format!("_{}_editable_finder", plan.dist_name);
            let mut modules = Vec::new();
            let mut namespaces: Vec<(String, Vec<String>)> = Vec::new();
            for module in &plan.layout.modules {
                let location = path_text(&absolute(plan, &module.path)?)?;
                modules.push(format!("{}: {}", py_str(&module.name), py_str(&location)));
                // Every parent of a dotted name is a namespace spanning its directory.
                let parts: Vec<&str> = module.name.split('.').collect();
                for i in 1..parts.len() {
                    let name = parts[..i].join(".");
                    let dir = Path::new(&location)
                        .ancestors()
                        .nth(parts.len() - i)
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    match namespaces.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, dirs)) if !dirs.contains(&dir) => dirs.push(dir),
                        Some(_) => {}
                        None => namespaces.push((name, vec![dir])),
                    }
                }
            }
            let namespaces: Vec<String> = namespaces
                .iter()
                .map(|(name, dirs)| {
                    let dirs: Vec<String> = dirs.iter().map(|d| py_str(d)).collect();
                    format!("{}: [{}]", py_str(name), dirs.join(", "))
                })
                .collect();
            let source = FINDER_TEMPLATE
                .replace("{project}", &plan.pyproject.project.name)
                .replace("{modules}", &format!("{{{}}}", modules.join(", ")))
                .replace("{namespaces}", &format!("{{{}}}", namespaces.join(", ")));
            Ok(vec![
                Entry::bytes(format!("{finder}.py"), source),
                Entry::bytes(
                    format!("_{}.pth", plan.dist_name),
                    format!("import {finder}\n"),
                ),
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_string_literals() {
        assert_eq!(py_str("/a/b"), "'/a/b'");
        assert_eq!(py_str("it's\\x"), "'it\\'s\\\\x'");
    }
}
