//! Wheel tags: the tag grammar (parsing, expanding), and inferring tags from what a wheel
//! contains (`infer`), reading its binaries (`binary`) against the manylinux policies
//! (`manylinux`).

mod binary;
mod choose;
mod infer;
mod manylinux;
pub mod target;

pub use binary::{platform_of, Platform};
pub use choose::{pure, TagChoice};
pub use infer::{infer, is_binary, minimum_python3_minor, Inferred};
pub use manylinux::manylinux_floor;
pub use target::TargetOs;

/// A wheel tag triple; each part may be a `.`-joined set (`py2.py3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelTag {
    /// Python tag(s), such as `py3` or `cp311`.
    pub python: String,
    /// ABI tag(s), such as `none`, `abi3` or `cp311`.
    pub abi: String,
    /// Platform tag(s), such as `any` or `manylinux_2_17_x86_64`.
    pub platform: String,
}

impl WheelTag {
    /// The tag of a pure-Python wheel.
    pub fn pure() -> WheelTag {
        WheelTag {
            python: "py3".into(),
            abi: "none".into(),
            platform: "any".into(),
        }
    }

    /// Parses `python-abi-platform`, checking the tag grammar.
    pub fn parse(text: &str) -> Result<WheelTag, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let [python, abi, platform] = parts[..] else {
            return Err(format!(
                "`{text}` is not a wheel tag: it needs three parts, python-abi-platform (such as py3-none-any)"
            ));
        };
        for (what, part) in [("python", python), ("ABI", abi), ("platform", platform)] {
            check_part(what, part)?;
        }
        Ok(WheelTag {
            python: python.into(),
            abi: abi.into(),
            platform: platform.into(),
        })
    }

    /// The tag as it appears in the file name (compressed sets kept).
    pub fn file_part(&self) -> String {
        format!("{}-{}-{}", self.python, self.abi, self.platform)
    }

    /// Every expanded tag, for the `Tag:` lines of WHEEL.
    pub fn expand(&self) -> Vec<String> {
        let mut tags = Vec::new();
        for python in self.python.split('.') {
            for abi in self.abi.split('.') {
                for platform in self.platform.split('.') {
                    tags.push(format!("{python}-{abi}-{platform}"));
                }
            }
        }
        tags
    }

    /// Whether this is the pure-Python tag.
    pub fn is_pure(&self) -> bool {
        self.abi == "none" && self.platform == "any"
    }
}

/// Checks one part of a tag: `.`-joined, non-empty components of lowercase letters, digits
/// and `_`.
pub fn check_part(what: &str, part: &str) -> Result<(), String> {
    let valid = !part.is_empty()
        && part.split('.').all(|c| {
            !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{part}` is not a valid {what} tag (lowercase letters, digits and `_`, several joined with `.`)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parses_and_expands_tags() {
        let tag =
            WheelTag::parse("py2.py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64").unwrap();
        assert_eq!(tag.expand().len(), 4);
        assert!(WheelTag::parse("py3-none").is_err());
        assert!(WheelTag::parse("py3-None-any").is_err());
        assert!(WheelTag::parse("py3--any").is_err());
        assert!(WheelTag::parse("py3-none-any").unwrap().is_pure());
    }
}
