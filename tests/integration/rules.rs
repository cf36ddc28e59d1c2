//! The file-selection rules of docs/files.md ("The rules, in one table" and "Never packed by
//! default"), row by row, on the manifest: a tree goes in, the entries of the wheel and the
//! sdist and what each left out (and why) come out. No frontend, no git binary: the
//! end-to-end suite keeps only what needs them.

use std::fs;
use std::path::Path;

use rustbackend::artifact::Why;
use rustbackend::files::rules::LeftOut;
use rustbackend::{ArtifactKind, BuildOptions, Manifest, Plan};

/// Writes `files` (path, contents) below a new project directory.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

const PYPROJECT: &str = "[build-system]\nrequires = [\"rustbackend\"]\nbuild-backend = \"rustbackend\"\n\n[project]\nname = \"demo\"\nversion = \"1.0\"\nreadme = \"README.md\"\nlicense = \"MIT\"\n";

/// A src-layout project with the base pyproject.toml and `extra` as its
/// `[tool.rustbackend]` table (sub-tables may follow).
fn project(extra: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let pyproject = format!("{PYPROJECT}\n[tool.rustbackend]\n{extra}");
    let mut all = vec![
        ("pyproject.toml", pyproject.as_str()),
        ("README.md", "# demo\n"),
        ("LICENSE", "MIT\n"),
        ("src/demo/__init__.py", ""),
    ];
    all.extend_from_slice(files);
    tree(&all)
}

/// One artifact's manifest: entry paths with their reasons, and what was left out.
struct Listed {
    entries: Vec<(String, Why)>,
    left_out: Vec<(String, LeftOut)>,
    warnings: Vec<String>,
}

impl Listed {
    fn has(&self, path: &str) -> bool {
        self.entries.iter().any(|(p, _)| p == path)
    }

    fn why(&self, path: &str) -> Option<&Why> {
        self.entries.iter().find(|(p, _)| p == path).map(|(_, w)| w)
    }

    fn left_out(&self, path: &str) -> Option<LeftOut> {
        self.left_out
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, why)| *why)
    }
}

fn manifest(dir: &Path, kind: ArtifactKind, out_dir: Option<&Path>) -> Listed {
    let plan = Plan::load(dir).unwrap();
    let manifest = Manifest::of(&plan, kind, &BuildOptions::default(), out_dir).unwrap();
    Listed {
        entries: manifest
            .entries
            .iter()
            .map(|e| e.path.clone())
            .zip(manifest.reasons.iter().cloned())
            .collect(),
        left_out: manifest.left_out.clone(),
        warnings: manifest.warnings.clone(),
    }
}

fn wheel_of(dir: &Path) -> Listed {
    manifest(dir, ArtifactKind::Wheel, None)
}

fn sdist_of(dir: &Path) -> Listed {
    manifest(dir, ArtifactKind::Sdist, None)
}

#[test]
fn module_files_go_in_both() {
    let dir = project(
        "",
        &[
            ("src/demo/data/table.json", "{}"),
            ("src/demo/py.typed", ""),
        ],
    );
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    for path in ["demo/__init__.py", "demo/data/table.json", "demo/py.typed"] {
        assert_eq!(wheel.why(path), Some(&Why::Module), "{path}");
    }
    assert!(sdist.has("src/demo/data/table.json"));
}

#[test]
fn data_directories_go_in_both() {
    let dir = project(
        "\n[tool.rustbackend.wheel.data]\nscripts = \"bin\"\n",
        &[("bin/tool", "#!/bin/sh\n")],
    );
    assert_eq!(
        wheel_of(dir.path()).why("demo-1.0.data/scripts/tool"),
        Some(&Why::Data("scripts".into()))
    );
    assert!(sdist_of(dir.path()).has("bin/tool"));
}

#[test]
fn extension_sources_headers_and_include_dirs_are_always_in_the_sdist() {
    let dir = project(
        "exclude = [\"csrc/**\"]\n\n[[tool.rustbackend.ext-modules]]\nname = \"demo._fast\"\nsources = [\"csrc/fast.c\"]\ninclude-dirs = [\"vendor/inc\"]\n",
        &[
            ("csrc/fast.c", "int x;\n"),
            ("csrc/fast.h", "\n"),
            ("vendor/inc/lib.h", "\n"),
            (".gitignore", "vendor/\n"),
        ],
    );
    let sdist = sdist_of(dir.path());
    for path in ["csrc/fast.c", "csrc/fast.h", "vendor/inc/lib.h"] {
        assert_eq!(
            sdist.why(path),
            Some(&Why::ExtensionSource("demo._fast".into())),
            "{path}"
        );
    }
}

#[test]
fn pyproject_readme_licenses_and_sboms_are_always_in_the_sdist() {
    let dir = project(
        "exclude = [\"README.md\", \"LICENSE\", \"sbom.json\"]\n\n[tool.rustbackend.wheel]\nsboms = [\"sbom.json\"]\n",
        &[("sbom.json", "{}")],
    );
    let sdist = sdist_of(dir.path());
    assert_eq!(sdist.why("pyproject.toml"), Some(&Why::Pyproject));
    assert_eq!(sdist.why("PKG-INFO"), Some(&Why::Metadata));
    assert_eq!(sdist.why("README.md"), Some(&Why::Readme));
    assert_eq!(sdist.why("LICENSE"), Some(&Why::License));
    assert_eq!(sdist.why("sbom.json"), Some(&Why::Sbom));
    let wheel = wheel_of(dir.path());
    assert_eq!(
        wheel.why("demo-1.0.dist-info/licenses/LICENSE"),
        Some(&Why::License)
    );
    assert_eq!(
        wheel.why("demo-1.0.dist-info/sboms/sbom.json"),
        Some(&Why::Sbom)
    );
    assert!(!wheel.has("README.md") && !wheel.has("pyproject.toml"));
}

#[test]
fn other_project_files_go_in_the_sdist_only() {
    let dir = project("", &[("tests/test_demo.py", ""), ("docs/index.md", "")]);
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    assert_eq!(sdist.why("tests/test_demo.py"), Some(&Why::Project));
    assert_eq!(sdist.why("docs/index.md"), Some(&Why::Project));
    assert!(!wheel.entries.iter().any(|(p, _)| p.contains("test_demo")));
}

#[test]
fn ignored_files_stay_out_unless_artifacts_lists_them() {
    // No .git: the project's .gitignore files apply all the same, at every level.
    let files = [
        (".gitignore", "*.log\n"),
        ("src/demo/.gitignore", "generated.js\n"),
        ("src/demo/run.log", ""),
        ("src/demo/generated.js", ""),
        ("notes.log", ""),
    ];
    let dir = project("", &files);
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    assert_eq!(wheel.left_out("src/demo/run.log"), Some(LeftOut::Ignored));
    assert_eq!(
        wheel.left_out("src/demo/generated.js"),
        Some(LeftOut::Ignored)
    );
    assert!(wheel
        .warnings
        .iter()
        .any(|w| w
            .starts_with("2 paths in the module and data directories are covered by .gitignore")));
    assert_eq!(sdist.left_out("notes.log"), Some(LeftOut::Ignored));
    assert!(sdist.has(".gitignore") && sdist.has("src/demo/.gitignore"));

    let dir = project("artifacts = [\"src/demo/generated.js\"]\n", &files);
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    assert_eq!(wheel.why("demo/generated.js"), Some(&Why::Artifact));
    assert_eq!(sdist.why("src/demo/generated.js"), Some(&Why::Artifact));
    assert_eq!(wheel.left_out("src/demo/run.log"), Some(LeftOut::Ignored));
}

#[test]
fn the_sdist_keeps_an_ignored_file_the_wheel_is_built_from() {
    // The dynamic version's file is ignored, yet always packed: the sdist must rebuild the wheel.
    let pyproject = PYPROJECT.replace("version = \"1.0\"\n", "dynamic = [\"version\"]\n");
    let dir = tree(&[
        ("pyproject.toml", &pyproject),
        ("README.md", ""),
        ("LICENSE", ""),
        (
            "src/demo/__init__.py",
            "from ._version import __version__\n",
        ),
        ("src/demo/_version.py", "__version__ = \"2.5\"\n"),
        (".gitignore", "_version.py\n"),
    ]);
    assert_eq!(
        wheel_of(dir.path()).why("demo/_version.py"),
        Some(&Why::VersionFile)
    );
    assert!(sdist_of(dir.path()).has("src/demo/_version.py"));
}

#[test]
fn default_excludes_stay_out_of_both() {
    let files = [
        ("src/demo/__pycache__/x.cpython-311.pyc", ""),
        ("src/demo/stale.pyc", ""),
        ("src/demo/.DS_Store", ""),
        ("src/demo/mod.py~", ""),
        ("src/demo/.mod.py.swp", ""),
        ("src/demo.egg-info/PKG-INFO", ""),
        (".venv/bin/python", ""),
        ("env-elsewhere/pyvenv.cfg", ""),
        (".tox/log", ""),
        ("build/lib/demo.py", ""),
        ("dist/demo-0.9.tar.gz", ""),
        (".git/HEAD", "ref: refs/heads/main\n"),
    ];
    let dir = project("", &files);
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    for (path, _) in files {
        assert!(!sdist.has(path), "{path} is a default exclude of the sdist");
    }
    assert_eq!(
        wheel
            .entries
            .iter()
            .filter(|(p, _)| p.starts_with("demo/"))
            .count(),
        1
    );
    assert_eq!(
        sdist.left_out("src/demo/__pycache__/"),
        Some(LeftOut::DefaultExclude)
    );
    assert_eq!(
        sdist.left_out("env-elsewhere/"),
        Some(LeftOut::DefaultExclude)
    );
    assert_eq!(sdist.left_out("build/"), Some(LeftOut::DefaultExclude));
    // `sdist.include` brings one back, with a warning; never `.git/`.
    let dir = project(
        "\n[tool.rustbackend.sdist]\ninclude = [\"src/demo/stale.pyc\", \".git/HEAD\"]\n",
        &files,
    );
    let sdist = sdist_of(dir.path());
    assert_eq!(sdist.why("src/demo/stale.pyc"), Some(&Why::Include));
    assert!(sdist
        .warnings
        .iter()
        .any(|w| w.starts_with("`src/demo/stale.pyc` is ignored by git, excluded by default")));
    assert!(!sdist.has(".git/HEAD"));
}

#[test]
fn other_tools_build_output_stays_out_of_the_sdist() {
    let files = [
        ("dist-hatch/demo-1.0-py3-none-any.whl", ""),
        ("dist-hatch/demo-1.0.tar.gz", ""),
        (".pdm-python", "/home/someone/.venv/bin/python\n"),
        (".pdm-build/demo.pth", ""),
        // Wheels a package ships (virtualenv's seed wheels) and test data stay.
        ("src/demo/seed/pip-24.0-py3-none-any.whl", ""),
        ("tests/data/fixtures.tar.gz", ""),
    ];
    let dir = project("", &files);
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    for path in [
        "dist-hatch/demo-1.0-py3-none-any.whl",
        "dist-hatch/demo-1.0.tar.gz",
        ".pdm-python",
    ] {
        assert_eq!(
            sdist.left_out(path),
            Some(LeftOut::DefaultExclude),
            "{path}"
        );
    }
    assert_eq!(sdist.left_out(".pdm-build/"), Some(LeftOut::DefaultExclude));
    assert!(sdist.has("src/demo/seed/pip-24.0-py3-none-any.whl"));
    assert!(wheel.has("demo/seed/pip-24.0-py3-none-any.whl"));
    assert_eq!(sdist.why("tests/data/fixtures.tar.gz"), Some(&Why::Project));
}

#[test]
fn secrets_stay_out_and_are_named() {
    let files = [
        ("src/demo/.env", "TOKEN=1\n"),
        (".pypirc", ""),
        ("id_ed25519", ""),
    ];
    let dir = project("", &files);
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    assert_eq!(wheel.left_out("src/demo/.env"), Some(LeftOut::Secret));
    assert!(wheel
        .warnings
        .iter()
        .any(|w| w.starts_with("left out `src/demo/.env`: it looks like a secret")));
    for path in [".pypirc", "id_ed25519", "src/demo/.env"] {
        assert_eq!(sdist.left_out(path), Some(LeftOut::Secret), "{path}");
        assert!(sdist
            .warnings
            .iter()
            .any(|w| w.starts_with(&format!("left out `{path}`"))));
    }
    let dir = project(
        "\n[tool.rustbackend.sdist]\ninclude = [\".pypirc\"]\n",
        &files,
    );
    let sdist = sdist_of(dir.path());
    assert_eq!(sdist.why(".pypirc"), Some(&Why::Include));
    assert!(!sdist
        .warnings
        .iter()
        .any(|w| w.starts_with("left out `.pypirc`")));
}

#[test]
fn exclude_globs_apply_unless_the_wheel_is_built_from_the_file() {
    let files = [("src/demo/big.bin", ""), ("scratch/x.txt", "")];
    let dir = project(
        "exclude = [\"scratch\"]\n\n[tool.rustbackend.wheel]\nexclude = [\"src/demo/big.bin\"]\n",
        &files,
    );
    let (wheel, sdist) = (wheel_of(dir.path()), sdist_of(dir.path()));
    assert_eq!(wheel.left_out("src/demo/big.bin"), Some(LeftOut::Excluded));
    assert!(sdist.has("src/demo/big.bin"));
    assert_eq!(sdist.left_out("scratch/x.txt"), Some(LeftOut::Excluded));
    // `sdist.exclude` cannot take out what the wheel is built from.
    let dir = project(
        "\n[tool.rustbackend.sdist]\nexclude = [\"src/demo/big.bin\", \"scratch\"]\n",
        &files,
    );
    let sdist = sdist_of(dir.path());
    assert_eq!(sdist.why("src/demo/big.bin"), Some(&Why::Module));
    assert!(!sdist.has("scratch/x.txt"));
}

#[test]
fn the_output_directory_is_never_in_the_sdist() {
    let dir = project("", &[("out/demo-0.9.tar.gz", ""), ("out/notes.txt", "")]);
    let out = dir.path().join("out");
    let sdist = manifest(dir.path(), ArtifactKind::Sdist, Some(&out));
    assert!(!sdist.entries.iter().any(|(p, _)| p.starts_with("out/")));
    assert!(manifest(dir.path(), ArtifactKind::Sdist, None).has("out/notes.txt"));
}

#[test]
fn the_editable_wheel_holds_the_pth_data_and_dist_info_only() {
    let dir = project(
        "\n[tool.rustbackend.wheel.data]\ndata = \"share\"\n",
        &[("share/demo.cfg", "")],
    );
    let editable = manifest(dir.path(), ArtifactKind::Editable, None);
    let kinds: Vec<&Why> = editable.entries.iter().map(|(_, why)| why).collect();
    assert!(kinds.contains(&&Why::Editable));
    assert!(editable.has("demo-1.0.data/data/demo.cfg"));
    assert!(!editable.has("demo/__init__.py"));
    assert!(editable
        .entries
        .iter()
        .all(|(p, _)| !p.starts_with("demo/")));
}
