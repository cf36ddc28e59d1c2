//! Trove classifiers: the list PyPI accepts (`src/plan/classifiers.txt`, generated from the
//! pinned `trove-classifiers` package by `scripts/update-classifiers.py`), so an unknown or
//! deprecated classifier is refused at build time rather than at upload.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

const LIST: &str = include_str!("classifiers.txt");

/// The classifiers PyPI accepts, and the deprecated ones with their replacements.
struct Known {
    valid: BTreeSet<&'static str>,
    deprecated: BTreeMap<&'static str, Vec<&'static str>>,
}

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut known = Known {
            valid: BTreeSet::new(),
            deprecated: BTreeMap::new(),
        };
        for line in LIST
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            match line.strip_prefix("deprecated: ") {
                Some(rest) => {
                    let (old, new) = rest.split_once(" ->").unwrap_or((rest, ""));
                    let new = new.split('|').map(str::trim).filter(|n| !n.is_empty());
                    known.deprecated.insert(old, new.collect());
                }
                None => {
                    known.valid.insert(line);
                }
            }
        }
        known
    })
}

/// Why PyPI would refuse a classifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not on the list; with the closest classifier that is, when one is close.
    Unknown(Option<&'static str>),
    /// Deprecated; with its replacements (possibly none).
    Deprecated(Vec<&'static str>),
}

/// Checks one classifier. `Private :: ...` classifiers are accepted: authors use them on
/// purpose so that PyPI refuses the upload.
pub fn check(classifier: &str) -> Result<(), Problem> {
    let known = known();
    if known.valid.contains(classifier) || classifier.starts_with("Private ::") {
        return Ok(());
    }
    if let Some(replacements) = known.deprecated.get(classifier) {
        return Err(Problem::Deprecated(replacements.clone()));
    }
    Err(Problem::Unknown(closest(classifier)))
}

/// The known classifier closest to `classifier`, when it is close enough to be a typo or a
/// small variation (`MIT` for `MIT License`, a missing space).
fn closest(classifier: &str) -> Option<&'static str> {
    let wanted = classifier.to_lowercase();
    known()
        .valid
        .iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&wanted, &c.to_lowercase()),
                *c,
            )
        })
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The message and hint for a classifier PyPI would refuse.
pub fn describe(classifier: &str, problem: &Problem) -> (String, String) {
    match problem {
        Problem::Unknown(suggestion) => (
            format!("`{classifier}` is not a trove classifier; PyPI refuses uploads with unknown classifiers"),
            match suggestion {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => "pick classifiers from https://pypi.org/classifiers/ (or prefix it with `Private ::` to keep the project off PyPI)".into(),
            },
        ),
        Problem::Deprecated(replacements) => (
            format!("the trove classifier `{classifier}` is deprecated; PyPI refuses uploads with it"),
            match replacements.as_slice() {
                [] => "remove it".into(),
                [one] => format!("use \"{one}\" instead"),
                many => format!("use {} instead", many.iter().map(|r| format!("\"{r}\"")).collect::<Vec<_>>().join(" or ")),
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_against_the_list() {
        assert_eq!(check("Programming Language :: Python :: 3"), Ok(()));
        assert_eq!(check("Private :: Do Not Upload"), Ok(()));
        assert_eq!(
            check("Development Status :: 5 - Production/Stabel"),
            Err(Problem::Unknown(Some(
                "Development Status :: 5 - Production/Stable"
            )))
        );
        assert_eq!(
            check("License :: OSI Approved :: MIT"),
            Err(Problem::Unknown(Some(
                "License :: OSI Approved :: MIT License"
            )))
        );
        assert_eq!(check("Made up"), Err(Problem::Unknown(None)));
        assert_eq!(
            check("Framework :: Django CMS :: 4.2"),
            Err(Problem::Deprecated(vec!["Framework :: Django CMS :: 5.0"]))
        );
    }
}
