//! Helpers shared by the integration tests.

use std::fs;
use std::path::Path;

/// Copies a directory tree, leaving out build outputs and snapshot files.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "dist" || name == "__pycache__" || name.starts_with("expected.") {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Whether any `.py` file is below `dir`.
pub fn has_python_files(dir: &Path) -> bool {
    fs::read_dir(dir).unwrap().any(|entry| {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            has_python_files(&path)
        } else {
            path.extension().is_some_and(|e| e == "py")
        }
    })
}
