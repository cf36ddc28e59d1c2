//! License expressions (PEP 639): validation against the SPDX license list and the case
//! normalization the specification asks for.

/// Validates an SPDX license expression and returns it with identifiers and operators in
/// their canonical case (`mit or apache-2.0` becomes `MIT OR Apache-2.0`).
///
/// The error is a message that names what is wrong.
pub fn normalize_expression(expression: &str) -> Result<String, String> {
    let mut out = String::with_capacity(expression.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| -> Result<(), String> {
        if !token.is_empty() {
            out.push_str(&canonical_token(token)?);
            token.clear();
        }
        Ok(())
    };
    for c in expression.chars() {
        match c {
            '(' | ')' | ' ' | '\t' => {
                flush(&mut token, &mut out)?;
                if c == ' ' || c == '\t' {
                    if !out.is_empty() && !out.ends_with(' ') && !out.ends_with('(') {
                        out.push(' ');
                    }
                } else {
                    if c == ')' && out.ends_with(' ') {
                        out.pop();
                    }
                    out.push(c);
                }
            }
            _ => token.push(c),
        }
    }
    flush(&mut token, &mut out)?;
    let out = out.trim_end().to_string();
    if out.is_empty() {
        return Err("the license expression is empty".into());
    }
    spdx::Expression::parse_mode(&out, spdx::ParseMode::STRICT).map_err(|e| {
        format!(
            "`{expression}` is not a valid SPDX license expression: {}",
            e.reason.to_string().trim_end_matches(" here")
        )
    })?;
    Ok(out)
}

fn canonical_token(token: &str) -> Result<String, String> {
    for op in ["AND", "OR", "WITH"] {
        if token.eq_ignore_ascii_case(op) {
            return Ok(op.to_string());
        }
    }
    // `get` rather than slicing: the token may hold multi-byte characters (found by fuzzing).
    if let Some(rest) = token
        .get(..11)
        .filter(|prefix| prefix.eq_ignore_ascii_case("LicenseRef-"))
        .and_then(|_| token.get(11..))
        .filter(|rest| !rest.is_empty())
    {
        return Ok(format!("LicenseRef-{rest}"));
    }
    let (base, plus) = match token.strip_suffix('+') {
        Some(base) => (base, "+"),
        None => (token, ""),
    };
    if let Some(license) = spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(base))
    {
        return Ok(format!("{}{plus}", license.name));
    }
    if let Some(exception) = spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(token))
    {
        return Ok(exception.name.to_string());
    }
    Err(format!(
        "`{token}` is not a license identifier on the SPDX license list"
    ))
}

/// Common ways of writing a license that are not SPDX identifiers, with the identifier they
/// mean and, where the words leave it open, the other identifier to consider.
const COMMON_SPELLINGS: &[(&str, &[&str], Option<&str>)] = &[
    (
        "MIT",
        &["MIT License", "The MIT License", "Expat", "MIT/X11"],
        None,
    ),
    (
        "Apache-2.0",
        &[
            "Apache 2.0",
            "Apache License 2.0",
            "Apache License, Version 2.0",
            "Apache 2",
            "Apache",
            "Apache Software License",
            "Apache Software License 2.0",
            "ASL 2.0",
            "Apache2",
            "Apache v2",
        ],
        None,
    ),
    (
        "BSD-3-Clause",
        &[
            "BSD",
            "BSD License",
            "BSD 3-Clause",
            "3-Clause BSD",
            "New BSD",
            "Modified BSD",
            "BSD-3",
            "BSD3",
        ],
        Some("BSD-2-Clause"),
    ),
    (
        "BSD-2-Clause",
        &[
            "BSD 2-Clause",
            "2-Clause BSD",
            "Simplified BSD",
            "FreeBSD",
            "BSD-2",
            "BSD2",
        ],
        None,
    ),
    (
        "GPL-3.0-only",
        &[
            "GPLv3",
            "GPL",
            "GPL-3",
            "GPL3",
            "GNU GPL v3",
            "GNU General Public License v3",
            "GNU GPLv3",
        ],
        Some("GPL-3.0-or-later"),
    ),
    (
        "GPL-3.0-or-later",
        &["GPLv3+", "GPL-3+", "GNU GPL v3 or later", "GPLv3 or later"],
        None,
    ),
    (
        "GPL-2.0-only",
        &[
            "GPLv2",
            "GPL-2",
            "GPL2",
            "GNU GPL v2",
            "GNU General Public License v2",
        ],
        Some("GPL-2.0-or-later"),
    ),
    (
        "GPL-2.0-or-later",
        &["GPLv2+", "GPL-2+", "GPLv2 or later"],
        None,
    ),
    (
        "LGPL-3.0-only",
        &[
            "LGPLv3",
            "LGPL",
            "LGPL-3",
            "LGPL3",
            "GNU Lesser General Public License v3",
        ],
        Some("LGPL-3.0-or-later"),
    ),
    ("LGPL-3.0-or-later", &["LGPLv3+", "LGPL-3+"], None),
    (
        "LGPL-2.1-only",
        &["LGPLv2.1", "LGPL 2.1", "LGPL2.1"],
        Some("LGPL-2.1-or-later"),
    ),
    ("LGPL-2.1-or-later", &["LGPLv2.1+", "LGPL-2.1+"], None),
    (
        "AGPL-3.0-only",
        &[
            "AGPLv3",
            "AGPL",
            "AGPL-3",
            "AGPL3",
            "GNU Affero General Public License v3",
        ],
        Some("AGPL-3.0-or-later"),
    ),
    ("AGPL-3.0-or-later", &["AGPLv3+", "AGPL-3+"], None),
    (
        "MPL-2.0",
        &["MPL 2.0", "MPL2", "MPL", "Mozilla Public License 2.0"],
        None,
    ),
    ("ISC", &["ISC License"], None),
    (
        "PSF-2.0",
        &["PSF", "PSF License", "Python Software Foundation License"],
        None,
    ),
    (
        "BSL-1.0",
        &[
            "Boost",
            "Boost Software License",
            "Boost Software License 1.0",
        ],
        None,
    ),
    ("Unlicense", &["The Unlicense"], None),
    (
        "LicenseRef-Proprietary",
        &["Proprietary", "All rights reserved"],
        None,
    ),
];

/// A spelling reduced to what tells licenses apart: lower case, letters, digits, `.`, `+`,
/// without the words "license", "version", "the", "gnu" and a `v` before the number.
fn spelling_key(text: &str) -> String {
    let mut text = format!(" {} ", text.to_lowercase());
    for (from, to) in [
        ("lesser general public", "lgpl"),
        ("affero general public", "agpl"),
        ("general public", "gpl"),
        ("licence", " "),
        ("license", " "),
        ("version", " "),
        (" the ", " "),
        (" gnu ", " "),
        (" or later", "+"),
        ("-or-later", "+"),
        (".0", ""),
    ] {
        text = text.replace(from, to);
    }
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '+')
        .collect();
    // `gplv3`, `apachev2`: the `v` before a version number says nothing.
    let mut key = String::new();
    let chars: Vec<char> = kept.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let before_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let after_letter = i > 0 && chars[i - 1].is_ascii_alphabetic();
        if *c == 'v' && before_digit && after_letter {
            continue;
        }
        key.push(*c);
    }
    key
}

/// The SPDX identifier that a common non-SPDX spelling (`MIT License`, `Apache 2.0`, `BSD`,
/// `GPLv3`) means, and the alternative to consider where the words leave it open.
pub fn suggest_identifier(text: &str) -> Option<(&'static str, Option<&'static str>)> {
    let key = spelling_key(text);
    COMMON_SPELLINGS
        .iter()
        .find(|(_, spellings, _)| spellings.iter().any(|s| spelling_key(s) == key))
        .map(|(id, _, alternative)| (*id, *alternative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case() {
        assert_eq!(normalize_expression("mit").unwrap(), "MIT");
        assert_eq!(
            normalize_expression("mit or apache-2.0").unwrap(),
            "MIT OR Apache-2.0"
        );
        assert_eq!(
            normalize_expression(
                "(MIT  OR bsd-3-clause) and gpl-2.0-only with classpath-exception-2.0"
            )
            .unwrap(),
            "(MIT OR BSD-3-Clause) AND GPL-2.0-only WITH Classpath-exception-2.0"
        );
        assert_eq!(
            normalize_expression("licenseref-Proprietary").unwrap(),
            "LicenseRef-Proprietary"
        );
    }

    #[test]
    fn suggests_identifiers_for_common_spellings() {
        for (text, id) in [
            ("MIT License", "MIT"),
            ("the mit license", "MIT"),
            ("Apache 2.0", "Apache-2.0"),
            ("Apache License, Version 2.0", "Apache-2.0"),
            ("apache-2", "Apache-2.0"),
            ("BSD", "BSD-3-Clause"),
            ("BSD 2-Clause", "BSD-2-Clause"),
            ("GPLv3", "GPL-3.0-only"),
            ("GPL v3", "GPL-3.0-only"),
            ("GPL-3.0+", "GPL-3.0-or-later"),
            ("GNU General Public License v2 or later", "GPL-2.0-or-later"),
            ("LGPL v2.1", "LGPL-2.1-only"),
            ("MPL 2.0", "MPL-2.0"),
        ] {
            assert_eq!(suggest_identifier(text).map(|s| s.0), Some(id), "{text}");
        }
        assert_eq!(suggest_identifier("MIT-Style"), None);
        assert_eq!(suggest_identifier("Whatever"), None);
    }

    #[test]
    fn rejects_unknown_and_malformed() {
        assert!(normalize_expression("Apache").is_err());
        assert!(normalize_expression("MIT OR").is_err());
        assert!(normalize_expression("").is_err());
        // Found by fuzzing: a multi-byte character across byte 11 used to panic.
        assert!(normalize_expression("GPL-2.0-c\u{feff}ion-1.0").is_err());
        assert!(normalize_expression("LicenseRef-\u{e9}t\u{e9}").is_err());
    }
}
