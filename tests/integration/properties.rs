//! Property test: any project tree rustbackend accepts yields a wheel whose RECORD matches
//! every file, checked independently here (zip crate + sha2) and, when
//! `RUSTBACKEND_INSTALLER_PYTHON` names a Python with `installer` (scripts/test.sh sets it),
//! by installer itself: `validate_record(validate_contents=True)` and a real install.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sha2::{Digest, Sha256};

use rustbackend::{build_wheel, BuildOptions};

/// A relative file path: 1 to 3 segments from a small alphabet, with non-ASCII letters.
fn file_path() -> impl Strategy<Value = String> {
    let segment = proptest::string::string_regex("[a-z0-9_][a-z0-9_.é中-]{0,8}").unwrap();
    proptest::collection::vec(segment, 1..4).prop_map(|parts| parts.join("/"))
}

fn tree() -> impl Strategy<Value = BTreeMap<String, (Vec<u8>, bool)>> {
    proptest::collection::btree_map(
        file_path(),
        (
            proptest::collection::vec(any::<u8>(), 0..3000),
            any::<bool>(),
        ),
        0..12,
    )
}

fn write_project(root: &Path, files: &BTreeMap<String, (Vec<u8>, bool)>) -> std::io::Result<()> {
    fs::create_dir_all(root.join("src/prop"))?;
    fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"prop\"\nversion = \"1.0\"\n",
    )?;
    fs::write(root.join("src/prop/__init__.py"), "")?;
    for (path, (data, executable)) in files {
        // A path that is also a directory of another path cannot be a file too.
        let prefix = format!("{path}/");
        if files.keys().any(|other| other.starts_with(&prefix)) {
            continue;
        }
        let target = root.join("src/prop").join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&target, data)?;
        #[cfg(unix)]
        if *executable {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&target, fs::Permissions::from_mode(0o755))?;
        }
        #[cfg(not(unix))]
        let _ = executable;
    }
    Ok(())
}

/// Checks RECORD against the archive's contents, without rustbackend's own code.
fn check_record(wheel: &Path) {
    let mut archive = zip::ZipArchive::new(fs::File::open(wheel).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().to_string())
        .collect();
    let record_name = names
        .iter()
        .find(|n| n.ends_with(".dist-info/RECORD"))
        .unwrap()
        .clone();
    let mut record = String::new();
    archive
        .by_name(&record_name)
        .unwrap()
        .read_to_string(&mut record)
        .unwrap();
    let mut listed = 0;
    for line in record.lines() {
        let (path, rest) = if let Some(quoted) = line.strip_prefix('"') {
            let end = quoted.find("\",").unwrap();
            (quoted[..end].replace("\"\"", "\""), &quoted[end + 2..])
        } else {
            let (p, r) = line.split_once(',').unwrap();
            (p.to_string(), r)
        };
        listed += 1;
        if path == record_name {
            assert_eq!(rest, ",");
            continue;
        }
        let mut data = Vec::new();
        archive
            .by_name(&path)
            .unwrap()
            .read_to_end(&mut data)
            .unwrap();
        let digest = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&data));
        assert_eq!(rest, format!("sha256={digest},{}", data.len()), "{path}");
    }
    assert_eq!(listed, names.len(), "RECORD lists every file");
}

#[test]
fn accepted_trees_yield_wheels_whose_record_installer_accepts() {
    let out = tempfile::tempdir().unwrap();
    let wheels: std::cell::RefCell<Vec<PathBuf>> = std::cell::RefCell::new(Vec::new());
    let case = std::cell::Cell::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&tree(), |files| {
            case.set(case.get() + 1);
            let dir = tempfile::tempdir().unwrap();
            let project = dir.path().join("prop");
            if let Err(e) = write_project(&project, &files) {
                // Windows refuses some generated trees (a name ending in `.`, two names
                // that differ only by case): such a project cannot exist there.
                if cfg!(windows) {
                    return Ok(());
                }
                panic!("{e}");
            }
            let case_out = out.path().join(format!("case{}", case.get()));
            // Rejections (such as two names differing only by case) are fine; panics are not.
            if let Ok(built) = build_wheel(&project, &case_out, None, &BuildOptions::default()) {
                check_record(&built.path);
                wheels.borrow_mut().push(built.path);
            }
            Ok(())
        })
        .unwrap();
    let wheels = wheels.into_inner();
    assert!(
        wheels.len() >= 24,
        "too few trees were accepted: {}",
        wheels.len()
    );

    let Some(python) = std::env::var_os("RUSTBACKEND_INSTALLER_PYTHON") else {
        eprintln!("RUSTBACKEND_INSTALLER_PYTHON not set: installer check skipped");
        return;
    };
    let script = r#"
import sys, tempfile
from installer import install
from installer.destinations import SchemeDictionaryDestination
from installer.sources import WheelFile
for wheel in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as target, WheelFile.open(wheel) as source:
        source.validate_record(validate_contents=True)
        scheme = {k: f"{target}/{k}" for k in ("purelib", "platlib", "headers", "scripts", "data")}
        install(source, SchemeDictionaryDestination(scheme, interpreter=sys.executable, script_kind="posix"), {})
print(len(sys.argv) - 1)
"#;
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .args(&wheels)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "installer rejected a wheel:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        wheels.len().to_string()
    );
}
