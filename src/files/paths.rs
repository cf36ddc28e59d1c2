//! The one rule for archive paths: relative, `/`-separated, inside the project, no two that
//! collide on a case-insensitive file system.

use std::path::Path;

use crate::error::{FileProblem, Result};
/// The archive path of `relative`, a path below the project root: its names joined with
/// `/` whatever the platform's separator (`src\pkg\mod.py` on Windows becomes
/// `src/pkg/mod.py`); `None` when a name is not valid UTF-8.
pub fn archive_path(relative: &Path) -> Option<String> {
    let mut names = Vec::new();
    for component in relative.components() {
        // Roots, prefixes and `..` cannot come out of a walk below the project; they stay
        // visible so that check_archive_paths refuses them.
        if component != std::path::Component::CurDir {
            names.push(component.as_os_str().to_str()?);
        }
    }
    Some(names.join("/"))
}

/// `path` relative to `dir` (both `/`-separated, relative to the project root).
pub fn strip_dir(path: &str, dir: &str) -> String {
    if dir.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(dir)
        .map(|rest| rest.trim_start_matches('/'))
        .unwrap_or(path)
        .to_string()
}

/// Checks the paths of one archive: relative, `/`-separated, no `..`, no control characters
/// or backslashes, and no two that differ only by case (they collide on macOS and Windows).
pub fn check_archive_paths<'p>(paths: impl IntoIterator<Item = &'p str>) -> Result<()> {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for path in paths {
        if path.starts_with('/') || path.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(FileProblem::UnsafePath(path.to_string()).into());
        }
        if let Some(c) = path.chars().find(|c| c.is_control() || *c == '\\') {
            let what = if c == '\\' {
                "a backslash".to_string()
            } else {
                format!("the control character {:?}", c)
            };
            return Err(FileProblem::UnsafeName {
                path: path.to_string(),
                what,
            }
            .into());
        }
        if let Some(other) = seen.insert(path.to_lowercase(), path) {
            return Err(FileProblem::CaseCollision(other.to_string(), path.to_string()).into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn archive_paths_are_checked() {
        assert!(check_archive_paths(["a/b.py", "a/c.py"]).is_ok());
        assert!(check_archive_paths(["a/B.py", "a/b.py"]).is_err());
        assert!(check_archive_paths(["a/b\tc.py"]).is_err());
        assert!(check_archive_paths(["a\\b.py"]).is_err());
        assert!(check_archive_paths(["../x.py"]).is_err());
    }

    #[test]
    fn archive_paths_use_forward_slashes() {
        assert_eq!(
            archive_path(Path::new("src/pkg/mod.py")).unwrap(),
            "src/pkg/mod.py"
        );
        assert_eq!(
            archive_path(Path::new("./src/./mod.py")).unwrap(),
            "src/mod.py"
        );
        assert_eq!(archive_path(Path::new("README.md")).unwrap(), "README.md");
        // On Unix a backslash is part of a name, which check_archive_paths refuses.
        #[cfg(unix)]
        assert_eq!(archive_path(Path::new(r"a\b.py")).unwrap(), r"a\b.py");
    }

    /// What a walk yields on Windows: `\`-separated, sometimes mixed with `/`.
    #[cfg(windows)]
    #[test]
    fn windows_paths_become_archive_paths() {
        assert_eq!(
            archive_path(Path::new(r"src\pkg\mod.py")).unwrap(),
            "src/pkg/mod.py"
        );
        assert_eq!(
            archive_path(Path::new(r"src\pkg/sub\x.py")).unwrap(),
            "src/pkg/sub/x.py"
        );
        let root = Path::new(r"C:\work\proj");
        let file = root.join("src").join("pkg").join("__init__.py");
        let relative = file.strip_prefix(root).unwrap();
        assert_eq!(archive_path(relative).unwrap(), "src/pkg/__init__.py");
        assert!(check_archive_paths([archive_path(relative).unwrap().as_str()]).is_ok());
    }
}
