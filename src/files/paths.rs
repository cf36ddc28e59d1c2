//! The one rule for archive paths: relative, `/`-separated, inside the project, no two that
//! collide on a case-insensitive file system.

use std::path::Path;

use crate::error::{FileProblem, Result};
/// The archive path of `relative`, a path below the project root: its names joined with
/// `/` whatever the platform's separator (`src\pkg\mod.py` on Windows becomes
/// `src/pkg/mod.py`); `None` when a name is not valid UTF-8.
pub fn archive_path(relative: &Path) -> Option<String> {
    // A walk gives clean paths (no `.`, no doubled or trailing separators): on Unix their
    // text is already the archive path, without taking the path apart (a `..` stays in
    // either way, for check_archive_paths to refuse).
    if cfg!(unix) {
        if let Some(text) = relative.to_str() {
            let clean = !text.is_empty()
                && !text.starts_with('/')
                && !text.ends_with('/')
                && !text.contains("//")
                && text.split('/').all(|name| name != ".");
            if clean {
                return Some(text.to_string());
            }
        }
    }
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

/// `path` below `root`, or `None` when it is not below it. The walk builds every path by
/// joining names to the root it was given, so the root's text is usually a prefix of the
/// path's, which is cheaper to strip than comparing the two name by name
/// (`Path::strip_prefix`, the fallback).
pub fn below<'a>(path: &'a Path, root: &Path) -> Option<&'a Path> {
    if let (Some(text), Some(root_text)) = (path.to_str(), root.to_str()) {
        if let Some(rest) = text.strip_prefix(root_text) {
            if rest.is_empty() {
                return Some(Path::new(""));
            }
            if root_text.ends_with(std::path::is_separator) {
                return Some(Path::new(rest));
            }
            if let Some(first) = rest.chars().next().filter(|c| std::path::is_separator(*c)) {
                return Some(Path::new(&rest[first.len_utf8()..]));
            }
        }
    }
    path.strip_prefix(root).ok()
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
    let paths = paths.into_iter();
    let mut seen: std::collections::HashMap<String, &str> =
        std::collections::HashMap::with_capacity(paths.size_hint().0);
    for path in paths {
        if path.starts_with('/') || path.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(FileProblem::UnsafePath(path.to_string()).into());
        }
        // Nearly every path is ASCII: its bytes are checked and lowercased without the
        // Unicode tables.
        let ascii = path.is_ascii();
        let unsafe_char = if ascii {
            path.bytes()
                .find(|b| b.is_ascii_control() || *b == b'\\')
                .map(char::from)
        } else {
            path.chars().find(|c| c.is_control() || *c == '\\')
        };
        if let Some(c) = unsafe_char {
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
        let folded = if ascii {
            path.to_ascii_lowercase()
        } else {
            path.to_lowercase()
        };
        if let Some(other) = seen.insert(folded, path) {
            return Err(FileProblem::CaseCollision(other.to_string(), path.to_string()).into());
        }
    }
    Ok(())
}

/// How a path named in pyproject.toml fails to stay inside the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    /// It is absolute (`/x`, `C:\x`, `C:/x`).
    Absolute,
    /// It uses `\` (paths in pyproject.toml use `/` on every platform).
    Backslash,
    /// A `..` component climbs out.
    Parent,
}

/// The one inside-the-project rule for paths and globs named in pyproject.toml: relative,
/// `/`-separated, no `..`, on every platform alike (a backslash is refused on Unix too, so a
/// project builds the same everywhere).
pub fn outside_project(path: &str) -> Option<Outside> {
    if path.contains('\\') {
        Some(Outside::Backslash)
    } else if path.starts_with('/') || path.get(1..2) == Some(":") || Path::new(path).is_absolute()
    {
        Some(Outside::Absolute)
    } else if path.split('/').any(|part| part == "..") {
        Some(Outside::Parent)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn paths_named_in_pyproject_stay_inside() {
        assert_eq!(outside_project("src/pkg"), None);
        assert_eq!(outside_project("./src"), None);
        assert_eq!(outside_project("a..b/c"), None);
        assert_eq!(outside_project("../src"), Some(Outside::Parent));
        assert_eq!(outside_project("src/../.."), Some(Outside::Parent));
        assert_eq!(outside_project("/etc"), Some(Outside::Absolute));
        assert_eq!(outside_project("C:/x"), Some(Outside::Absolute));
        assert_eq!(outside_project("src\\pkg"), Some(Outside::Backslash));
        assert_eq!(outside_project("C:\\x"), Some(Outside::Backslash));
    }

    #[test]
    fn below_strips_the_root_by_text_or_by_names() {
        let root = Path::new("/work/proj");
        assert_eq!(
            below(Path::new("/work/proj/src/a.py"), root),
            Some(Path::new("src/a.py"))
        );
        assert_eq!(below(Path::new("/work/proj"), root), Some(Path::new("")));
        assert_eq!(below(Path::new("/work/project/a.py"), root), None);
        assert_eq!(below(Path::new("/work/other/a.py"), root), None);
        assert_eq!(
            below(Path::new("/work/proj/a.py"), Path::new("/work/proj/")),
            Some(Path::new("a.py"))
        );
        assert_eq!(
            below(Path::new("/work//proj/a.py"), root),
            Some(Path::new("a.py"))
        );
    }

    #[test]
    fn clean_and_unclean_relative_paths_give_one_archive_path() {
        for (path, expected) in [
            ("src/pkg/mod.py", "src/pkg/mod.py"),
            ("./src/pkg/mod.py", "src/pkg/mod.py"),
            ("src//pkg/./mod.py", "src/pkg/mod.py"),
            ("src/pkg/", "src/pkg"),
            ("a.py", "a.py"),
        ] {
            assert_eq!(archive_path(Path::new(path)).unwrap(), expected, "{path}");
        }
    }

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
