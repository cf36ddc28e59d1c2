//! The shape of `src/`: each stage imports only the stages before it (the order of
//! [`STAGES`], which the crate docs draw), and no source file grows past about 450 lines
//! (a longer one usually holds two concepts).

use std::fs;
use std::path::{Path, PathBuf};

/// The crate's modules in dependency order. `error` and `names` are the vocabulary; `files`,
/// `archive` and `tags` read trees, write archives and tell binaries apart without knowing a
/// project; then the pipeline: `plan` (what pyproject.toml and the tree say), `request` (what
/// the frontend asks), `metadata`, `native` (compiling), `artifact` (the manifest of each
/// artifact, handed to a writer) and `check` (reading built artifacts back).
const STAGES: &[&str] = &[
    "error", "names", "files", "archive", "tags", "plan", "request", "metadata", "native",
    "artifact", "check", "migrate",
];

/// Files that sit on top of every stage: the hooks and the pyo3 module.
const TOP: &[&str] = &["lib.rs", "python.rs"];

const MAX_LINES: usize = 450;

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The stage a source file belongs to: its first directory, or its own name.
fn stage_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// Every `crate::name` a source file refers to (in `use` lines and paths alike; comments
/// are not read).
fn crate_references(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let text = code.as_str();
    let mut names = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if rest.starts_with('{') {
            // `use crate::{a, b::c}`: each member of the group.
            let end = rest.find('}').unwrap_or(rest.len());
            names.extend(
                rest[1..end]
                    .split(',')
                    .map(|m| m.trim().split("::").next().unwrap_or("").to_string())
                    .filter(|m| !m.is_empty()),
            );
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
        }
    }
    names
}

#[test]
fn stages_import_only_earlier_stages() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        if TOP.iter().any(|t| relative == Path::new(t)) {
            continue;
        }
        let stage = stage_of(relative);
        let Some(own) = STAGES.iter().position(|s| *s == stage) else {
            problems.push(format!("{} is in no stage of STAGES", relative.display()));
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        for name in crate_references(&text) {
            match STAGES.iter().position(|s| *s == name) {
                Some(other) if other > own => problems.push(format!(
                    "{} ({stage}) imports the later stage `{name}`",
                    relative.display()
                )),
                Some(_) => {}
                None => problems.push(format!(
                    "{} refers to `crate::{name}`: import it from its stage",
                    relative.display()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_source_file_is_over_the_limit() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, lines)| *lines > MAX_LINES)
        .map(|(f, lines)| format!("{}: {lines} lines", f.display()))
        .collect();
    assert!(
        long.is_empty(),
        "split these along their seams:\n{}",
        long.join("\n")
    );
}

#[test]
fn references_are_read_from_use_lines_and_paths() {
    let text = "use crate::plan::Plan;\nuse crate::{archive, native::x};\n// crate::check\nlet y = crate::tags::pure();";
    assert_eq!(
        crate_references(text),
        ["plan", "archive", "native", "tags"]
    );
}
