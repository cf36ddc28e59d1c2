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

/// Whether a trove classifier is a license classifier (forbidden next to an expression).
pub fn is_license_classifier(classifier: &str) -> bool {
    classifier.starts_with("License ::")
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
    fn rejects_unknown_and_malformed() {
        assert!(normalize_expression("Apache").is_err());
        assert!(normalize_expression("MIT OR").is_err());
        assert!(normalize_expression("").is_err());
        // Found by fuzzing: a multi-byte character across byte 11 used to panic.
        assert!(normalize_expression("GPL-2.0-c\u{feff}ion-1.0").is_err());
        assert!(normalize_expression("LicenseRef-\u{e9}t\u{e9}").is_err());
    }
}
