//! Up-to-date checks for the steps of a native build (Cython translation, compiling,
//! linking), so that a build directory kept between editable installs only redoes what
//! changed. Each step's output has a stamp beside it (`<output>.stamp`): the step's key (its
//! command line and tool version) and the sha256 of every input it read, the inputs taken
//! from the make-style dependency file that the compiler (`-MMD -MF`) or Cython
//! (`--depfile`) writes. A step is up to date when its output exists, the key is the same and
//! every input still hashes the same: content, not modification times, so a `git checkout`
//! that touches files without changing them rebuilds nothing.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The sha256 of files already read in this build (a header shared by every translation
/// unit is read once).
#[derive(Default)]
pub struct Hashes {
    known: Mutex<HashMap<PathBuf, Option<String>>>,
}

impl Hashes {
    /// The hex sha256 of `path`, or `None` when it cannot be read (a deleted header).
    fn of(&self, path: &Path) -> Option<String> {
        if let Some(known) = self.known.lock().ok().and_then(|k| k.get(path).cloned()) {
            return known;
        }
        let hash = std::fs::read(path)
            .ok()
            .map(|bytes| format!("{:x}", Sha256::digest(bytes)));
        if let Ok(mut known) = self.known.lock() {
            known.insert(path.to_path_buf(), hash.clone());
        }
        hash
    }
}

/// Where the stamp of `output` is: `<output>.stamp`.
pub fn stamp_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".stamp");
    PathBuf::from(name)
}

/// Whether the step that wrote `output` under `key` need not run again: its stamp names the
/// same key and inputs (relative paths are taken from `root`) that still hash the same.
pub fn up_to_date(output: &Path, key: &str, root: &Path, hashes: &Hashes) -> bool {
    if !output.is_file() {
        return false;
    }
    let Ok(stamp) = std::fs::read_to_string(stamp_path(output)) else {
        return false;
    };
    let mut lines = stamp.lines();
    if lines.next() != Some(key_line(key).as_str()) {
        return false;
    }
    lines.all(|line| match line.split_once(' ') {
        Some((hash, path)) => hashes.of(&root.join(path)).as_deref() == Some(hash),
        None => false,
    })
}

/// The first line of a stamp: the key hashed, so a key of any length stays one line.
pub fn key_line(key: &str) -> String {
    format!("key {:x}", Sha256::digest(key.as_bytes()))
}

/// Records that the step that just wrote `output` under `key` read `inputs` (relative to
/// `root`, or absolute). Their hashes are taken now, after the step ran.
pub fn record(output: &Path, key: &str, inputs: &[String], root: &Path) -> Result<()> {
    let mut stamp = key_line(key);
    stamp.push('\n');
    let fresh = Hashes::default();
    for input in inputs {
        let hash = fresh.of(&root.join(input)).unwrap_or_default();
        let _ = writeln!(stamp, "{hash} {input}");
    }
    let path = stamp_path(output);
    std::fs::write(&path, stamp).map_err(|e| Error::io("write", &path, e))
}

/// Forgets that `output` was built (before its step runs: a step that fails leaves no stamp
/// that could call a stale output up to date).
pub fn forget(output: &Path) {
    let _ = std::fs::remove_file(stamp_path(output));
}

/// The prerequisites of the one rule in a make-style dependency file, as gcc, clang and
/// Cython write it: `target: a.c b.h \` continued on the next lines, spaces in names
/// escaped with a backslash. (No crate reads this format; it is a few lines.)
pub fn depfile_inputs(text: &str) -> Vec<String> {
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    let Some((_, prerequisites)) = split_rule(&joined) else {
        return Vec::new();
    };
    let mut inputs = Vec::new();
    let mut word = String::new();
    let mut chars = prerequisites.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                word.push(' ');
                chars.next();
            }
            '$' if chars.peek() == Some(&'$') => {
                word.push('$');
                chars.next();
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    inputs.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        inputs.push(word);
    }
    inputs
}

/// Splits `target: prerequisites` at the colon that ends the target (a colon followed by
/// white space or the end, so `C:\dir` in a target is kept whole).
fn split_rule(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()))
        .map(|i| (&text[..i], &text[i + 1..]))
}

/// Reads the dependency file `path` that a step wrote; the step's own source is listed in it.
pub fn read_depfile(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
    Ok(depfile_inputs(&text))
}

/// Puts `built` at `dest` unless `dest` already holds the same bytes: written beside it and
/// renamed over it, so a process that has the old module loaded keeps its mapping intact.
pub fn install(built: &Path, dest: &Path) -> Result<()> {
    let bytes = std::fs::read(built).map_err(|e| Error::io("read", built, e))?;
    if std::fs::read(dest).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let permissions = std::fs::metadata(built)
        .map_err(|e| Error::io("read", built, e))?
        .permissions();
    replace_file(dest, &bytes, Some(permissions))
}

/// Writes `path` by a rename, so no reader sees it half-written.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes, None)
}

fn replace_file(
    dest: &Path,
    bytes: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> Result<()> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".rustbackend-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create", dir, e))?;
    std::io::Write::write_all(&mut temp, bytes).map_err(|e| Error::io("write", dest, e))?;
    if let Some(permissions) = permissions {
        std::fs::set_permissions(temp.path(), permissions)
            .map_err(|e| Error::io("write", dest, e))?;
    }
    temp.persist(dest)
        .map_err(|e| Error::io("write", dest, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gcc_and_cython_dependency_files() {
        let gcc =
            "build/m.o: src/m.c /usr/include/python3.11/Python.h \\\n src/dir\\ with\\ space/h.h\n";
        assert_eq!(
            depfile_inputs(gcc),
            [
                "src/m.c",
                "/usr/include/python3.11/Python.h",
                "src/dir with space/h.h"
            ]
        );
        let cython = "out/mod.c: \\\n  pkg/mod.pyx \\\n  pkg/helper.pxd\n";
        assert_eq!(depfile_inputs(cython), ["pkg/mod.pyx", "pkg/helper.pxd"]);
        assert!(depfile_inputs("").is_empty());
    }

    #[test]
    fn a_step_is_up_to_date_until_an_input_or_its_key_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.c"), "int a;").unwrap();
        std::fs::write(root.join("a.o"), "object").unwrap();
        let output = root.join("a.o");
        let inputs = ["a.c".to_string()];
        assert!(!up_to_date(&output, "cc -c a.c", root, &Hashes::default()));
        record(&output, "cc -c a.c", &inputs, root).unwrap();
        assert!(up_to_date(&output, "cc -c a.c", root, &Hashes::default()));
        assert!(!up_to_date(
            &output,
            "cc -O2 -c a.c",
            root,
            &Hashes::default()
        ));
        std::fs::write(root.join("a.c"), "int a;").unwrap(); // touched, same bytes
        assert!(up_to_date(&output, "cc -c a.c", root, &Hashes::default()));
        std::fs::write(root.join("a.c"), "int b;").unwrap();
        assert!(!up_to_date(&output, "cc -c a.c", root, &Hashes::default()));
        forget(&output);
        std::fs::write(root.join("a.c"), "int a;").unwrap();
        assert!(!up_to_date(&output, "cc -c a.c", root, &Hashes::default()));
    }
}
