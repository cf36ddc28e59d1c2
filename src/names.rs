//! Names: project-name validation and normalization (PEP 508, PEP 503), the escaping used in
//! wheel and sdist file names, and Python module names.

/// Whether `name` is a valid project name per the core metadata `Name` rule:
/// ASCII letters and digits, with `.`, `_` and `-` allowed inside but not at either end.
pub fn is_valid_project_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The normalized form of a project name (PEP 503): lowercase, every run of `-`, `_` and `.`
/// replaced by a single `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_separator = false;
        }
    }
    out
}

/// The name as it appears in wheel, sdist and `.dist-info` names: normalized, with `-` as `_`.
pub fn escape_for_filename(name: &str) -> String {
    normalize(name).replace('-', "_")
}

/// The default import name for a project: the normalized name with `-` as `_`.
pub fn default_import_name(name: &str) -> String {
    escape_for_filename(name)
}

/// Whether `name` is a Python identifier (letters, digits, `_`; not starting with a digit).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Whether `name` is a dotted module name such as `acme.widgets`.
pub fn is_dotted_identifier(name: &str) -> bool {
    name.split('.').all(is_identifier)
}

/// Whether `name` can be packed as a top-level module: a dotted module name, or a PEP 561
/// stub package such as `foo-stubs` or `acme.foo-stubs`.
pub fn is_module_name(name: &str) -> bool {
    match name.strip_suffix("-stubs") {
        Some(base) => is_dotted_identifier(base),
        None => is_dotted_identifier(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_pep_503() {
        assert_eq!(normalize("Friendly-Bard"), "friendly-bard");
        assert_eq!(normalize("FRIENDLY-BARD"), "friendly-bard");
        assert_eq!(normalize("friendly.bard"), "friendly-bard");
        assert_eq!(normalize("friendly_bard"), "friendly-bard");
        assert_eq!(normalize("friendly--bard"), "friendly-bard");
        assert_eq!(normalize("FrIeNdLy-._.-bArD"), "friendly-bard");
    }

    #[test]
    fn escapes_for_file_names() {
        assert_eq!(escape_for_filename("Foo.Bar-baz"), "foo_bar_baz");
        assert_eq!(escape_for_filename("a__b"), "a_b");
    }

    #[test]
    fn validates_project_names() {
        for ok in ["a", "A1", "foo-bar", "foo.bar_baz", "9lives"] {
            assert!(is_valid_project_name(ok), "{ok}");
        }
        for bad in ["", "-foo", "foo-", "foo bar", "fö", "foo_", ".x"] {
            assert!(!is_valid_project_name(bad), "{bad}");
        }
    }

    #[test]
    fn validates_module_names() {
        assert!(is_dotted_identifier("acme.widgets"));
        assert!(is_identifier("_private"));
        assert!(!is_identifier("1abc"));
        assert!(!is_dotted_identifier("acme..widgets"));
        assert!(!is_identifier("foo-bar"));
        assert!(is_module_name("foo-stubs"));
        assert!(is_module_name("acme.widgets"));
        assert!(!is_module_name("foo-bar"));
    }
}
