//! The default excludes, in one table: directories never walked into, junk files, files
//! that look like secrets, and the reasons a path is left out.

use std::path::Path;
/// Directory names that are never walked into.
pub const EXCLUDED_DIRS: &[&str] = &[
    "__pycache__",
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    // PDM's build directory.
    ".pdm-build",
];

/// Top-level directories that build tools write (left out of the sdist only).
pub const TOP_LEVEL_BUILD_DIRS: &[&str] = &["build", "dist"];

/// Whether a project-relative path is a top-level build directory or lies inside one.
pub fn in_top_level_build_dir(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    TOP_LEVEL_BUILD_DIRS.contains(&first)
}

/// Whether a file name is one of the default excludes: bytecode, editor and OS debris,
/// PDM's interpreter pointer (`.pdm-python`, an absolute local path).
pub fn is_junk_file(name: &str) -> bool {
    name == ".pdm-python"
        || name.ends_with(".pyc")
        || name.ends_with(".pyo")
        || name == ".DS_Store"
        || name.ends_with('~')
        || name.ends_with(".swp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Whether a file name is a built distribution: a wheel, or an sdist named
/// `{name}-{version}.tar.gz` (what `dist-hatch/`, `wheelhouse/` and other build output holds).
/// The sdist leaves them out unless they lie in a package the wheel ships (virtualenv ships
/// the wheels it seeds environments with).
pub fn is_built_distribution(name: &str) -> bool {
    if name.ends_with(".whl") {
        return true;
    }
    let Some((dist, version)) = name
        .strip_suffix(".tar.gz")
        .and_then(|stem| stem.rsplit_once('-'))
    else {
        return false;
    };
    crate::names::is_valid_project_name(dist)
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!'))
}

/// Whether a file name looks like a secret that must never be published.
pub fn is_secret_file(name: &str) -> bool {
    name == ".env"
        || name.starts_with(".env.")
        || name == ".pypirc"
        || name == ".netrc"
        || matches!(
            name,
            "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk"
        )
}

/// The warning for a file left out because it looks like a secret.
pub fn secret_warning(path: &str) -> String {
    format!("left out `{path}`: it looks like a secret (never packed by default; include it with `tool.rustbackend.sdist.include` if it is meant to ship)")
}

/// Why a file or directory was left out of an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeftOut {
    /// An ignore rule covers it (`.gitignore`, `.git/info/exclude`, git's global excludes).
    Ignored,
    /// One of the default excludes: caches, bytecode, editor debris, VCS directories, build
    /// output (`build/`, `dist/`, `*.egg-info/`), virtual environments.
    DefaultExclude,
    /// It looks like a secret (`.env`, `.pypirc`, private keys).
    Secret,
    /// An `exclude` glob of `[tool.rustbackend]` matches it.
    Excluded,
}

impl LeftOut {
    /// Why, in words, for `rustbackend ls --left-out`.
    pub fn describe(self) -> &'static str {
        match self {
            LeftOut::Ignored => "ignored by .gitignore or git's excludes",
            LeftOut::DefaultExclude => "a default exclude",
            LeftOut::Secret => "looks like a secret",
            LeftOut::Excluded => "an `exclude` glob",
        }
    }
}

/// Whether a directory is one of the default excludes: a cache or VCS directory by name,
/// build metadata (`*.egg-info`), or a virtual environment (it holds `pyvenv.cfg`,
/// whatever it is called).
pub fn is_excluded_dir(name: &str, path: &Path) -> bool {
    EXCLUDED_DIRS.contains(&name)
        || name.ends_with(".egg-info")
        || path.join("pyvenv.cfg").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_junk() {
        assert!(is_secret_file(".env"));
        assert!(is_secret_file(".env.local"));
        assert!(is_secret_file("id_ed25519"));
        assert!(!is_secret_file("id_ed25519.pub"));
        assert!(is_junk_file("mod.cpython-311.pyc"));
        assert!(!is_junk_file("mod.py"));
        assert!(is_junk_file(".pdm-python"));
        assert!(is_built_distribution("demo-1.0-py3-none-any.whl"));
        assert!(is_built_distribution("my_project-2.1rc1.tar.gz"));
        assert!(!is_built_distribution("fixtures.tar.gz"));
        assert!(!is_built_distribution("data-v2.tar.gz"));
    }
}
