//! The pyproject.toml fixture corpus: `tests/fixtures/pyproject/<case>/` holds a
//! pyproject.toml and the files it names; `expected.METADATA` (for `valid-*` cases) or
//! `expected.error` (for `error-*` cases) is the reviewed snapshot of what rustbackend makes
//! of it, with `expected.entry_points.txt` and `expected.warnings` where there are any. Cases without Python files get `src/<import name>/__init__.py` (with
//! `__version__ = "9.9.9"`) so layout discovery has something to find.
//!
//! `RUSTBACKEND_BLESS=1 cargo test fixture` rewrites the snapshots; review the diff.

use std::fs;
use std::path::Path;

use rustbackend::metadata::{self, MetadataFor};
use rustbackend::names;
use rustbackend::Plan;

use crate::support::{copy_dir, has_python_files};

fn corpus() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pyproject")
}

/// The project name a case declares, when it is a plain string literal.
fn declared_name(pyproject: &str) -> Option<String> {
    pyproject.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix("name")?
            .trim_start()
            .strip_prefix('=')?;
        let name = rest.trim().strip_prefix('"')?.split('"').next()?;
        names::is_valid_project_name(name).then(|| names::escape_for_filename(name))
    })
}

/// Builds what rustbackend makes of one case: (snapshot file name, text) pairs.
fn render_case(case: &Path) -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    copy_dir(case, &project);
    if !has_python_files(&project) {
        let text = fs::read_to_string(project.join("pyproject.toml")).unwrap_or_default();
        let module = declared_name(&text).unwrap_or_else(|| "demo".into());
        let init = project.join("src").join(module).join("__init__.py");
        fs::create_dir_all(init.parent().unwrap()).unwrap();
        fs::write(init, "__version__ = \"9.9.9\"\n").unwrap();
    }
    match Plan::load(&project) {
        Ok(plan) => {
            let mut out = vec![("expected.METADATA", plan.metadata(MetadataFor::Wheel))];
            if let Some(text) = metadata::render_entry_points(&plan.pyproject.project) {
                out.push(("expected.entry_points.txt", text));
            }
            if !plan.warnings.is_empty() {
                out.push(("expected.warnings", plan.warnings.join("\n") + "\n"));
            }
            out
        }
        Err(error) => vec![("expected.error", format!("{error}\n"))],
    }
}

#[test]
fn fixture_corpus_matches_reviewed_snapshots() {
    let bless = std::env::var_os("RUSTBACKEND_BLESS").is_some();
    let mut cases: Vec<_> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 100,
        "the corpus shrank to {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let rendered = render_case(case);
        let expected_kind = if name.starts_with("valid-") {
            "expected.METADATA"
        } else {
            "expected.error"
        };
        if rendered[0].0 != expected_kind {
            failures.push(format!(
                "{name}: expected {expected_kind}, got:\n{}",
                rendered[0].1
            ));
            continue;
        }
        let stale = case.join("expected.warnings");
        if stale.exists()
            && !rendered
                .iter()
                .any(|(kind, _)| *kind == "expected.warnings")
        {
            if bless {
                fs::remove_file(&stale).unwrap();
            } else {
                failures.push(format!("{name}: expected.warnings, but no warning"));
            }
        }
        for (kind, actual) in rendered {
            let snapshot = case.join(kind);
            if bless {
                fs::write(&snapshot, &actual).unwrap();
                continue;
            }
            match fs::read_to_string(&snapshot) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => failures.push(format!(
                    "{name}: differs from {kind}\n--- expected\n{expected}\n--- actual\n{actual}"
                )),
                Err(_) => failures.push(format!("{name}: no {kind} snapshot; actual:\n{actual}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
