//! `rustbackend migrate`'s translation, without Python: old tables in, pyproject.toml text
//! and refusals (with their lines) out.

use std::fs;
use std::path::Path;

use rustbackend::migrate::{add_globs, migrate};

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let target = dir.path().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }
    dir
}

fn table(text: &str) -> toml_edit::DocumentMut {
    text.parse().unwrap()
}

#[test]
fn hatch_tables_become_ours_and_comments_stay() {
    let dir = project(&[
        (
            "pyproject.toml",
            "# top comment\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n\
             [project]\nname = \"lamp\"\nversion = \"1.0\"\nrequires-python = \">=3.9\"\n\n\
             [tool.hatch.build.targets.wheel]\npackages = [\"lib/lamp\"]\n\n\
             [tool.hatch.build.hooks.custom]\npath = \"hooks.py\"\n\n\
             [tool.ruff]  # kept\nline-length = 99\n",
        ),
        ("lib/lamp/__init__.py", ""),
    ]);
    let m = migrate(dir.path(), "[]", &[]).unwrap();
    assert_eq!(m.backend, "hatchling");
    let after = table(&m.after);
    assert_eq!(
        after["build-system"]["build-backend"].as_str(),
        Some("rustbackend")
    );
    assert_eq!(
        after["tool"]["rustbackend"]["module-root"].as_str(),
        Some("lib")
    );
    assert_eq!(
        after["tool"]["rustbackend"]["module-name"].as_str(),
        Some("lamp")
    );
    assert!(m.after.starts_with("# top comment\n"));
    assert!(m.after.contains("[tool.ruff]  # kept\nline-length = 99\n"));
    // The hook is refused at its line, so the hatch table that holds it stays.
    assert_eq!(m.refusals.len(), 1);
    let refusal = &m.refusals[0];
    assert_eq!(
        (refusal.origin.file.as_str(), refusal.origin.line),
        ("pyproject.toml", 14)
    );
    assert_eq!(refusal.key, "tool.hatch.build.hooks.custom");
    assert!(after["tool"]["hatch"]["build"].is_table());
}

#[test]
fn setup_py_facts_become_project_fields() {
    let dir = project(&[
        ("src/kite/__init__.py", "__version__ = \"0.9\"\n"),
        ("README.rst", "Kite\n"),
    ]);
    let facts = r#"[
        ["name", "kite", "setup.py", 3],
        ["version", {"$attr": "kite.__version__"}, "setup.cfg", 4],
        ["long_description", {"$file": "README.rst"}, "setup.py", 5],
        ["packages", {"$find": {"$map": [["where", "src"]]}}, "setup.py", 6],
        ["package_dir", {"$map": [["", "src"]]}, "setup.py", 7],
        ["install_requires", ["attrs>=22", "rich"], "setup.py", 8],
        ["extras_require", {"$map": [["fast:sys_platform == 'linux'", ["uvloop"]]]}, "setup.py", 9],
        ["entry_points", "[console_scripts]\nkite = kite:main\n", "setup.py", 10],
        ["cmdclass", {"$unreadable": "{'build_py': X}"}, "setup.py", 11]
    ]"#;
    let m = migrate(dir.path(), facts, &[]).unwrap();
    let after = table(&m.after);
    let project = &after["project"];
    assert_eq!(project["name"].as_str(), Some("kite"));
    assert_eq!(project["readme"].as_str(), Some("README.rst"));
    assert_eq!(
        project["dynamic"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["version"]
    );
    assert_eq!(project["scripts"]["kite"].as_str(), Some("kite:main"));
    assert_eq!(
        project["optional-dependencies"]["fast"]
            .as_array()
            .unwrap()
            .get(0)
            .unwrap()
            .as_str(),
        Some("uvloop; sys_platform == 'linux'")
    );
    // src/ is found on its own, and the package is named after the project.
    assert!(after.get("tool").is_none(), "{}", m.after);
    assert_eq!(m.refusals.len(), 1);
    assert_eq!(
        (m.refusals[0].key.as_str(), m.refusals[0].origin.line),
        ("cmdclass", 11)
    );
}

#[test]
fn poetry_dependencies_and_metadata_become_pep_621() {
    let dir = project(&[
        (
            "pyproject.toml",
            "[tool.poetry]\nname = \"wisp\"\nversion = \"2.0.1\"\ndescription = \"d\"\nauthors = [\"A B <a@b.example>\"]\n\n\
             [tool.poetry.dependencies]\npython = \"^3.10\"\nhttpx = { version = \"^0.27\", extras = [\"http2\"] }\n\n\
             [tool.poetry.group.dev.dependencies]\npytest = \"*\"\n\n\
             [build-system]\nrequires = [\"poetry-core\"]\nbuild-backend = \"poetry.core.masonry.api\"\n",
        ),
        ("wisp/__init__.py", ""),
    ]);
    let answers = [(
        "classifiers".to_string(),
        "[\"Programming Language :: Python :: 3\"]".to_string(),
    )];
    let m = migrate(dir.path(), "[]", &answers).unwrap();
    assert!(m.refusals.is_empty(), "{:?}", m.refusals);
    let after = table(&m.after);
    assert_eq!(
        after["project"]["requires-python"].as_str(),
        Some(">=3.10,<4.0")
    );
    assert_eq!(
        after["project"]["dependencies"][0].as_str(),
        Some("httpx[http2] (>=0.27,<0.28)")
    );
    assert_eq!(
        after["project"]["authors"][0]["email"].as_str(),
        Some("a@b.example")
    );
    assert_eq!(
        after["project"]["classifiers"][0].as_str(),
        Some("Programming Language :: Python :: 3")
    );
    assert!(after["tool"]["poetry"].get("name").is_none());
    assert_eq!(
        after["tool"]["poetry"]["group"]["dev"]["dependencies"]["pytest"].as_str(),
        Some("*")
    );
}

#[test]
fn a_build_requirement_of_a_build_script_is_refused_at_its_line() {
    let dir = project(&[(
        "pyproject.toml",
        "[build-system]\nrequires = [\n  \"setuptools\",\n  \"numpy>=2\",\n]\nbuild-backend = \"setuptools.build_meta\"\n\n\
         [project]\nname = \"grid\"\nversion = \"1\"\n",
    )]);
    let m = migrate(dir.path(), "[]", &[]).unwrap();
    assert_eq!(m.refusals.len(), 1);
    assert_eq!(
        (m.refusals[0].key.as_str(), m.refusals[0].origin.line),
        ("build-system.requires", 4)
    );
}

#[test]
fn unknown_backends_and_bad_toml_are_errors() {
    let dir = project(&[(
        "pyproject.toml",
        "[build-system]\nbuild-backend = \"mesonpy\"\n",
    )]);
    let e = migrate(dir.path(), "[]", &[]).unwrap_err().to_string();
    assert!(e.contains("`mesonpy`, which migrate does not know"), "{e}");
    fs::write(dir.path().join("pyproject.toml"), "[project\n").unwrap();
    assert!(migrate(dir.path(), "[]", &[])
        .unwrap_err()
        .to_string()
        .contains("not valid TOML"));
    assert!(migrate(Path::new("/nonexistent-dir"), "[]", &[]).is_err());
}

#[test]
fn verify_fixes_are_added_to_the_right_table() {
    let text = "[project]\nname = \"x\"\n";
    let once = add_globs(text, "sdist.include", &["tests/data.bin".into()]).unwrap();
    let twice = add_globs(
        &once,
        "sdist.include",
        &["tests/data.bin".into(), "a".into()],
    )
    .unwrap();
    let doc = table(&twice);
    let globs: Vec<&str> = doc["tool"]["rustbackend"]["sdist"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(globs, ["tests/data.bin", "a"]);
    let licenses = add_globs(text, "project.license-files", &["COPYING".into()]).unwrap();
    assert_eq!(
        table(&licenses)["project"]["license-files"][0].as_str(),
        Some("COPYING")
    );
}
