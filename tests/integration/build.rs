//! Building sample and generated projects with the core: file lists, exact METADATA, error
//! text, and what the file selection leaves out.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rustbackend::{build_editable, build_sdist, build_wheel, BuildOptions, Error};

use crate::support::copy_dir;

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-projects")
}

fn sample(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join(name);
    copy_dir(&samples_dir().join(name), &project);
    (dir, project)
}

fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    for (path, text) in files {
        let path = project.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    (dir, project)
}

fn zip_names(path: &Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    archive
        .file_names()
        .map(|n| n.unwrap().to_string())
        .collect::<Vec<_>>()
}

fn zip_text(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn tar_names(path: &Path) -> Vec<String> {
    let gz = flate2::read::GzDecoder::new(fs::File::open(path).unwrap());
    let mut archive = tar::Archive::new(gz);
    archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
        .collect()
}

const MINIMAL: &str = "[project]\nname = \"demo\"\nversion = \"1.0\"\n";

#[test]
fn every_sample_builds_a_wheel_and_an_sdist() {
    for name in [
        "src-basic",
        "flat-package",
        "single-module",
        "unicode-metadata",
    ] {
        let (_dir, project) = sample(name);
        let out = project.parent().unwrap().join("out");
        let wheel = build_wheel(&project, &out, None, &BuildOptions::default()).unwrap();
        let sdist = build_sdist(&project, &out, &BuildOptions::default()).unwrap();
        assert!(wheel.file_name().ends_with("-py3-none-any.whl"), "{name}");
        assert!(sdist.file_name().ends_with(".tar.gz"), "{name}");
        let names = zip_names(&wheel.path);
        assert!(
            names.last().unwrap().ends_with(".dist-info/RECORD"),
            "{name}"
        );
    }
}

#[test]
fn src_basic_metadata_is_exact() {
    let (_dir, project) = sample("src-basic");
    let out = project.parent().unwrap().join("out");
    let wheel = build_wheel(&project, &out, None, &BuildOptions::default()).unwrap();
    let metadata = zip_text(&wheel.path, "greet-1.2.0.dist-info/METADATA");
    assert_eq!(
        metadata,
        "Metadata-Version: 2.4
Name: greet
Version: 1.2.0
Summary: Says hello: a src-layout package with a console script
Keywords: hello,example
Author-email: Ada Lovelace <ada@example.org>
License-Expression: MIT
License-File: LICENSE
Classifier: Programming Language :: Python :: 3
Requires-Dist: pytest>=7; (python_version >= '3.8') and extra == \"dev\"
Requires-Python: >=3.8
Project-URL: Homepage, https://example.org/greet
Provides-Extra: dev
Description-Content-Type: text/markdown

# greet

A tiny src-layout package used to test rustbackend. Run `greet NAME`.
"
    );
    let record = zip_text(&wheel.path, "greet-1.2.0.dist-info/RECORD");
    assert!(record.starts_with("greet/__init__.py,sha256="));
    assert!(record.ends_with("greet-1.2.0.dist-info/RECORD,,\n"));
}

#[test]
fn invalid_pyproject_reports_every_problem_in_file_order() {
    let (_dir, project) = project(&[(
        "pyproject.toml",
        "[project]\nname = \"-bad-\"\nversion = \"1.0.x\"\nrequires-python = \">=3.x\"\nlicense = \"Apache-Style\"\n",
    )]);
    let out = project.parent().unwrap().join("out");
    let err = build_wheel(&project, &out, None, &BuildOptions::default()).unwrap_err();
    let Error::Config(report) = &err else {
        panic!("expected a config error, got {err:?}")
    };
    assert_eq!(report.diagnostics.len(), 4);
    let text = err.to_string();
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0]
        .starts_with("error: pyproject.toml:2:8: `project.name` is not a valid project name"));
    assert!(lines[1].starts_with("error: pyproject.toml:3:15: `project.version`"));
    assert!(lines[2].starts_with("error: pyproject.toml:4:19: `project.requires-python`"));
    assert!(lines[3].starts_with(
        "error: pyproject.toml:5:11: `project.license`: `Apache-Style` is not a license identifier"
    ));
    assert!(!out.exists());
}

#[test]
fn toml_syntax_errors_have_line_and_column() {
    let (_dir, project) =
        project(&[("pyproject.toml", "[project]\nname = \"x\nversion = \"1\"\n")]);
    let err = build_sdist(&project, &project.join("out"), &BuildOptions::default()).unwrap_err();
    assert!(
        err.to_string().starts_with("error: pyproject.toml:2:"),
        "{err}"
    );
    assert!(err.to_string().contains("invalid TOML"), "{err}");
}

#[test]
fn bom_and_crlf_pyproject_builds() {
    let text = "\u{feff}[project]\r\nname = \"demo\"\r\nversion = \"1.0\"\r\n";
    let (_dir, project) = project(&[("pyproject.toml", text), ("demo.py", "")]);
    let built = build_wheel(
        &project,
        &project.join("out"),
        None,
        &BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(built.file_name(), "demo-1.0-py3-none-any.whl");
}

#[test]
fn ambiguous_module_is_an_error() {
    let (_dir, project) = project(&[
        ("pyproject.toml", MINIMAL),
        ("src/demo/__init__.py", ""),
        ("demo/__init__.py", ""),
    ]);
    let err = build_wheel(
        &project,
        &project.join("out"),
        None,
        &BuildOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("module `demo` is ambiguous: found src/demo/ and demo/"),
        "{err}"
    );
}

#[test]
fn junk_secrets_and_outputs_are_never_packed() {
    let (_dir, project) = project(&[
        ("pyproject.toml", MINIMAL),
        ("src/demo/__init__.py", ""),
        ("src/demo/__pycache__/x.cpython-311.pyc", ""),
        ("src/demo/.env", "TOKEN=1"),
        ("src/demo/data.json", "{}"),
        (".env", "TOKEN=1"),
        (".venv/lib/x.py", ""),
        ("build/lib/demo/__init__.py", ""),
        ("dist/old.whl", ""),
        ("ignored.log", ""),
        (".gitignore", "*.log\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("tests/test_demo.py", ""),
    ]);
    let out = project.join("dist");
    let wheel = build_wheel(&project, &out, None, &BuildOptions::default()).unwrap();
    assert_eq!(
        zip_names(&wheel.path),
        [
            "demo/__init__.py",
            "demo/data.json",
            "demo-1.0.dist-info/METADATA",
            "demo-1.0.dist-info/WHEEL",
            "demo-1.0.dist-info/RECORD"
        ]
    );
    assert!(wheel.warnings.iter().any(|w| w.contains("src/demo/.env")));
    let sdist = build_sdist(&project, &out, &BuildOptions::default()).unwrap();
    assert_eq!(
        tar_names(&sdist.path),
        [
            "demo-1.0/.gitignore",
            "demo-1.0/PKG-INFO",
            "demo-1.0/pyproject.toml",
            "demo-1.0/src/demo/__init__.py",
            "demo-1.0/src/demo/data.json",
            "demo-1.0/tests/test_demo.py"
        ]
    );
}

#[test]
fn failed_build_leaves_nothing_in_the_output_directory() {
    let (_dir, project) = project(&[
        (
            "pyproject.toml",
            "[project]\nname = \"demo\"\nversion = \"1.0\"\nlicense-files = [\"NOPE*\"]\n",
        ),
        ("demo.py", ""),
    ]);
    let out = project.join("out");
    fs::create_dir_all(&out).unwrap();
    for result in [
        build_wheel(&project, &out, None, &BuildOptions::default()),
        build_editable(&project, &out, None, &BuildOptions::default()),
        build_sdist(&project, &out, &BuildOptions::default()),
    ] {
        let err = result.unwrap_err();
        assert!(
            err.to_string()
                .contains("the license-files glob `NOPE*` matches no file"),
            "{err}"
        );
    }
    assert_eq!(fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn wheel_names_are_normalized_and_escaped() {
    let (_dir, project) = project(&[
        (
            "pyproject.toml",
            "[project]\nname = \"My.Fancy__Project\"\nversion = \"01.02.0-Alpha.1\"\n",
        ),
        ("src/my_fancy_project/__init__.py", ""),
    ]);
    let out = project.join("out");
    let wheel = build_wheel(&project, &out, None, &BuildOptions::default()).unwrap();
    assert_eq!(
        wheel.file_name(),
        "my_fancy_project-1.2.0a1-py3-none-any.whl"
    );
    let sdist = build_sdist(&project, &out, &BuildOptions::default()).unwrap();
    assert_eq!(sdist.file_name(), "my_fancy_project-1.2.0a1.tar.gz");
    let metadata = zip_text(&wheel.path, "my_fancy_project-1.2.0a1.dist-info/METADATA");
    assert!(metadata.contains("Name: My.Fancy__Project\nVersion: 1.2.0a1\n"));
}

#[cfg(unix)]
mod links_and_names {
    use super::*;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;

    fn build_error(project: &Path) -> String {
        let err = build_wheel(
            project,
            &project.join("out"),
            None,
            &BuildOptions::default(),
        )
        .unwrap_err();
        assert!(
            !project.join("out").exists()
                || fs::read_dir(project.join("out")).unwrap().count() == 0
        );
        err.to_string()
    }

    #[test]
    fn links_inside_the_project_are_followed() {
        let (_dir, project) = project(&[
            ("pyproject.toml", MINIMAL),
            ("src/demo/__init__.py", ""),
            ("shared/data.json", "{}"),
        ]);
        symlink(
            project.join("shared/data.json"),
            project.join("src/demo/data.json"),
        )
        .unwrap();
        let wheel = build_wheel(
            &project,
            &project.join("out"),
            None,
            &BuildOptions::default(),
        )
        .unwrap();
        assert!(zip_names(&wheel.path).contains(&"demo/data.json".to_string()));
        let sdist = build_sdist(&project, &project.join("out"), &BuildOptions::default()).unwrap();
        // The sdist holds the file's content, never a link.
        let gz = flate2::read::GzDecoder::new(fs::File::open(&sdist.path).unwrap());
        for entry in tar::Archive::new(gz).entries().unwrap() {
            assert_eq!(
                entry.unwrap().header().entry_type(),
                tar::EntryType::Regular
            );
        }
    }

    #[test]
    fn a_link_leaving_the_project_is_an_error_naming_both_ends() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "x").unwrap();
        let (_dir, project) = project(&[("pyproject.toml", MINIMAL), ("src/demo/__init__.py", "")]);
        symlink(
            outside.path().join("secret.txt"),
            project.join("src/demo/secret.txt"),
        )
        .unwrap();
        let message = build_error(&project);
        assert!(
            message.contains("src/demo/secret.txt` is a link to `"),
            "{message}"
        );
        assert!(
            message.contains("which is outside the project"),
            "{message}"
        );
    }

    #[test]
    fn a_link_loop_is_an_error() {
        let (_dir, project) = project(&[("pyproject.toml", MINIMAL), ("src/demo/__init__.py", "")]);
        symlink(project.join("src/demo"), project.join("src/demo/again")).unwrap();
        let message = build_error(&project);
        assert!(message.contains("loop"), "{message}");
    }

    #[test]
    fn a_dangling_link_is_an_error_naming_it() {
        let (_dir, project) = project(&[("pyproject.toml", MINIMAL), ("src/demo/__init__.py", "")]);
        symlink(
            project.join("src/demo/gone.py"),
            project.join("src/demo/link.py"),
        )
        .unwrap();
        let message = build_error(&project);
        assert!(
            message.contains("src/demo/link.py` is a symbolic link whose target does not exist"),
            "{message}"
        );
    }

    #[test]
    fn a_non_utf8_file_name_is_an_error() {
        let (_dir, project) = project(&[("pyproject.toml", MINIMAL), ("src/demo/__init__.py", "")]);
        let name = std::ffi::OsStr::from_bytes(b"bad\xff.py");
        fs::write(project.join("src/demo").join(name), "").unwrap();
        let message = build_error(&project);
        assert!(
            message.contains("is not valid UTF-8; rename it"),
            "{message}"
        );
    }

    #[test]
    fn names_differing_only_by_case_are_an_error() {
        let (_dir, project) = project(&[
            ("pyproject.toml", MINIMAL),
            ("src/demo/__init__.py", ""),
            ("src/demo/Readme.txt", ""),
            ("src/demo/README.txt", ""),
        ]);
        let message = build_error(&project);
        assert!(
            message.contains("`demo/README.txt` and `demo/Readme.txt` differ only by case"),
            "{message}"
        );
    }
}

/// What a Windows checkout looks like: a path past the old 260-character MAX_PATH limit, and
/// text files with CRLF line endings (git's `core.autocrlf`). The wheel holds `/`-separated
/// names and METADATA only LF, the same as on Unix (scripts/wine-test.sh runs this on
/// Windows too).
#[test]
fn long_paths_and_crlf_checkouts_build() {
    let deep = (0..7)
        .map(|i| format!("level{i}_{}", "d".repeat(36)))
        .collect::<Vec<_>>()
        .join("/");
    let module = format!("src/demo/{deep}/mod.py");
    let (_dir, project) = project(&[
        (
            "pyproject.toml",
            "[project]\r\nname = \"demo\"\r\nversion = \"1.0\"\r\nreadme = \"README.md\"\r\n",
        ),
        ("README.md", "# Demo\r\n\r\nTwo lines\r\nof text.\r\n"),
        ("src/demo/__init__.py", ""),
        (&module, "X = 1\r\n"),
    ]);
    assert!(project.join(&module).as_os_str().len() > 300);
    let out = tempfile::tempdir().unwrap();
    let built = build_wheel(&project, out.path(), None, &BuildOptions::default()).unwrap();
    let names = zip_names(&built.path);
    assert!(names.contains(&format!("demo/{deep}/mod.py")), "{names:?}");
    let metadata = zip_text(&built.path, "demo-1.0.dist-info/METADATA");
    assert!(!metadata.contains('\r'), "{metadata:?}");
    assert!(
        metadata.ends_with("# Demo\n\nTwo lines\nof text.\n"),
        "{metadata:?}"
    );
}
