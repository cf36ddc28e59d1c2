//! Versions from git (`tool.rustbackend.version.source = "git"`): `git describe` and the
//! scheme that turns it into a PEP 440 version.

use std::path::Path;
use std::process::Command;
use std::str::FromStr;

use pep440_rs::Version;

use super::version::fail;
use crate::error::Result;
use crate::plan::pyproject::PyProject;
fn git(project_dir: &Path, args: &[&str]) -> std::result::Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(project_dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

/// What `git describe` says about HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Describe {
    /// The tag's version, or `None` when no version tag is reachable.
    pub tag: Option<Version>,
    /// Commits since the tag (since the root when there is no tag).
    pub distance: u64,
    /// The abbreviated commit id of HEAD.
    pub commit: String,
    /// Whether tracked files have uncommitted changes.
    pub dirty: bool,
}

/// The version for a git state. The scheme:
/// - on a tag `v1.2.3` (or `1.2.3`), clean: `1.2.3`; with uncommitted changes: `1.2.3+dirty`;
/// - N commits after a final release tag: the next patch version as a dev release with the
///   commit as local label, `1.2.4.devN+gabc1234` (`.dirty` appended to the label when dirty);
/// - N commits after a pre-release tag such as `2.0rc1`: `2.0rc1.postN.dev0+gabc1234`;
/// - no tag at all: `0.1.devN+gabc1234`.
///
/// Commits after a post- or dev-release tag have no version that sorts after the tag
/// without guessing, so they are an error.
pub fn git_version(describe: &Describe) -> std::result::Result<Version, String> {
    let dirty = if describe.dirty { ".dirty" } else { "" };
    let label = format!("+g{}{dirty}", describe.commit);
    let text = match &describe.tag {
        Some(tag) if describe.distance == 0 => {
            if describe.dirty {
                format!("{tag}+dirty")
            } else {
                tag.to_string()
            }
        }
        Some(tag) if tag.is_post() || tag.is_dev() => {
            return Err(format!(
                "HEAD is {} commits after the tag for `{tag}`, a post- or dev-release; no later version can be derived from it",
                describe.distance
            ));
        }
        Some(tag) if tag.is_pre() => {
            let base = tag.clone().without_local();
            format!("{base}.post{}.dev0{label}", describe.distance)
        }
        Some(tag) => {
            let mut release = tag.release().to_vec();
            if let Some(last) = release.last_mut() {
                *last += 1;
            }
            let release: Vec<String> = release.iter().map(u64::to_string).collect();
            let epoch = if tag.epoch() > 0 {
                format!("{}!", tag.epoch())
            } else {
                String::new()
            };
            format!(
                "{epoch}{}.dev{}{label}",
                release.join("."),
                describe.distance
            )
        }
        None => format!("0.1.dev{}{label}", describe.distance),
    };
    Version::from_str(&text).map_err(|e| format!("the derived version `{text}` is invalid: {e}"))
}

pub(super) fn from_git(project_dir: &Path, pyproject: &PyProject) -> Result<Version> {
    let help = "build from a git checkout (with git installed) that has a version tag such as `v1.0.0`, or write `version` statically";
    let commit = git(project_dir, &["rev-parse", "--short=7", "HEAD"]).map_err(|e| {
        fail(
            pyproject,
            "tool.rustbackend.version-source",
            format!("`version-source = \"git\"`, but git cannot tell the commit: {e}"),
            help,
        )
    })?;
    let dirty = !git(
        project_dir,
        &["status", "--porcelain", "--untracked-files=no"],
    )
    .unwrap_or_default()
    .is_empty();
    let described = git(
        project_dir,
        &[
            "describe",
            "--tags",
            "--long",
            "--abbrev=7",
            "--match",
            "v[0-9]*",
            "--match",
            "[0-9]*",
        ],
    );
    let describe = match described {
        Ok(text) => {
            // TAG-DISTANCE-gHASH; the tag itself may contain dashes.
            let mut parts = text.rsplitn(3, '-');
            let (_hash, distance, tag) = (parts.next(), parts.next(), parts.next());
            let tag = tag.unwrap_or_default();
            let version = Version::from_str(tag.trim_start_matches('v')).map_err(|e| {
                fail(
                    pyproject,
                    "tool.rustbackend.version-source",
                    format!("the git tag `{tag}` is not a PEP 440 version: {e}"),
                    "tag releases like `v1.2.3` or `1.2.3`",
                )
            })?;
            Describe {
                tag: Some(version),
                distance: distance.and_then(|d| d.parse().ok()).unwrap_or(0),
                commit,
                dirty,
            }
        }
        Err(_) => Describe {
            tag: None,
            distance: git(project_dir, &["rev-list", "--count", "HEAD"])
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(0),
            commit,
            dirty,
        },
    };
    let version = git_version(&describe).map_err(|message| {
        fail(
            pyproject,
            "tool.rustbackend.version-source",
            message,
            "tag the release you are building (git tag v1.2.3), or write `version` statically",
        )
    })?;
    Ok(if pyproject.settings.drop_git_local_label {
        version.without_local()
    } else {
        version
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    fn describe(tag: Option<&str>, distance: u64, dirty: bool) -> String {
        git_version(&Describe {
            tag: tag.map(|t| Version::from_str(t).unwrap()),
            distance,
            commit: "abc1234".into(),
            dirty,
        })
        .map(|v| v.to_string())
        .unwrap_or_else(|e| e)
    }

    #[test]
    fn git_version_scheme() {
        assert_eq!(describe(Some("1.2.3"), 0, false), "1.2.3");
        assert_eq!(describe(Some("1.2.3"), 0, true), "1.2.3+dirty");
        assert_eq!(describe(Some("1.2.3"), 4, false), "1.2.4.dev4+gabc1234");
        assert_eq!(describe(Some("1.2"), 1, true), "1.3.dev1+gabc1234.dirty");
        assert_eq!(
            describe(Some("2.0rc1"), 2, false),
            "2.0rc1.post2.dev0+gabc1234"
        );
        assert_eq!(describe(None, 7, false), "0.1.dev7+gabc1234");
        assert!(describe(Some("1.0.post1"), 3, false).contains("post- or dev-release"));
    }
}
