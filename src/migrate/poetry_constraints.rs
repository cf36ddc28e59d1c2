//! Poetry's dependency syntax as PEP 508: caret and tilde constraints, wildcards, and the
//! table form (`optional`, `extras`, `markers`, `python`, `platform`, `url`).

use super::lit::Lit;
use super::poetry::lit_list;

/// A dependency as PEP 508 requirements, each with whether it is optional.
pub fn requirements(name: &str, lit: &Lit) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    for item in lit_list(lit) {
        let (version, table) = match &item {
            Lit::Str(s) => (s.as_str(), None),
            Lit::Map(_) => (
                item.get("version").and_then(Lit::as_str).unwrap_or("*"),
                Some(&item),
            ),
            _ => return Err("not a version or a table".into()),
        };
        let mut requirement = name.to_string();
        let mut markers = Vec::new();
        let mut is_optional = false;
        if let Some(table) = table {
            let Lit::Map(keys) = table else {
                unreachable!()
            };
            for (key, value) in keys {
                match key.as_str() {
                    "version" => {}
                    "optional" => is_optional = value == &Lit::Bool(true),
                    "extras" => requirement.push_str(&format!("[{}]", value.strings(false).unwrap_or_default().join(","))),
                    "markers" => markers.push(format!("({})", value.as_str().unwrap_or_default())),
                    "python" => markers.push(python_marker(value.as_str().unwrap_or_default()).ok_or("a `python` constraint with no marker equivalent")?),
                    "platform" => markers.push(format!("sys_platform == \"{}\"", value.as_str().unwrap_or_default())),
                    "url" => requirement.push_str(&format!(" @ {}", value.as_str().unwrap_or_default())),
                    other => return Err(format!("`{other}` (git, path or source dependencies) cannot be a published requirement")),
                }
            }
        }
        if !requirement.contains(" @ ") {
            let spec = pep440(version)
                .ok_or_else(|| format!("`{version}` has no PEP 440 equivalent (`||`)"))?;
            if !spec.is_empty() {
                requirement.push_str(&format!(" ({spec})"));
            }
        }
        if !markers.is_empty() {
            let markers: Vec<String> = markers
                .iter()
                .map(|m| {
                    if markers.len() > 1 && !m.starts_with('(') {
                        format!("({m})")
                    } else {
                        m.clone()
                    }
                })
                .collect();
            let joined = markers.join(" and ");
            let joined = if markers.len() == 1 {
                joined
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .to_string()
            } else {
                joined
            };
            requirement.push_str(&format!("; {joined}"));
        }
        out.push((requirement, is_optional));
    }
    Ok(out)
}

/// A Python constraint as environment markers (`^3.8` -> `python_version >= "3.8" and python_version < "4.0"`).
fn python_marker(constraint: &str) -> Option<String> {
    let spec = pep440(constraint)?;
    let parts: Vec<String> = spec
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|clause| {
            let op_len = clause.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
            let (op, version) = clause.split_at(op_len);
            let variable = if version.matches('.').count() >= 2 {
                "python_full_version"
            } else {
                "python_version"
            };
            format!("{variable} {} \"{version}\"", op.trim())
        })
        .collect();
    Some(parts.join(" and "))
}

/// A Poetry constraint as a PEP 440 specifier set ("" for any version).
pub fn pep440(constraint: &str) -> Option<String> {
    if constraint.contains("||") || constraint.contains('|') {
        return None;
    }
    let mut clauses = Vec::new();
    for part in constraint.split(',').flat_map(|p| split_spaced(p.trim())) {
        let part = part.trim();
        if part.is_empty() || part == "*" {
            continue;
        }
        if let Some(v) = part.strip_prefix('^') {
            let (lower, upper) = bump(v.trim(), true)?;
            clauses.push(format!(">={lower}"));
            clauses.push(format!("<{upper}"));
        } else if let Some(v) = part.strip_prefix("~=") {
            clauses.push(format!("~={}", v.trim()));
        } else if let Some(v) = part.strip_prefix('~') {
            let (lower, upper) = bump(v.trim(), false)?;
            clauses.push(format!(">={lower}"));
            clauses.push(format!("<{upper}"));
        } else if part.starts_with(['>', '<', '=', '!']) {
            let op_len = part
                .find(|c: char| !matches!(c, '>' | '<' | '=' | '!'))
                .unwrap_or(part.len());
            let (op, v) = part.split_at(op_len);
            let op = if op == "=" { "==" } else { op };
            clauses.push(format!("{op}{}", v.trim()));
        } else {
            clauses.push(format!("=={part}"));
        }
    }
    Some(clauses.join(","))
}

/// `>=1.2 <2` (space between clauses) as two clauses.
fn split_spaced(part: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in part.split_whitespace() {
        match out.last_mut() {
            Some(last)
                if last
                    .chars()
                    .all(|c| matches!(c, '>' | '<' | '=' | '!' | '~' | '^')) =>
            {
                last.push_str(word)
            }
            _ => out.push(word.to_string()),
        }
    }
    out
}

/// The bounds of a caret (`caret`) or tilde constraint, as Poetry computes them.
fn bump(version: &str, caret: bool) -> Option<(String, String)> {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts.is_empty() {
        return None;
    }
    let position = if caret {
        parts
            .iter()
            .position(|p| *p != 0)
            .unwrap_or(parts.len().saturating_sub(1))
            .min(parts.len() - 1)
    } else if parts.len() == 1 {
        0
    } else {
        1
    };
    let mut upper: Vec<u64> = parts.clone();
    upper[position] += 1;
    for p in upper.iter_mut().skip(position + 1) {
        *p = 0;
    }
    let render = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
    Some((render(&parts), render(&upper)))
}

#[cfg(test)]
mod tests {
    use super::pep440;

    #[test]
    fn caret_and_tilde_as_poetry_computes_them() {
        assert_eq!(pep440("^1.2.3").unwrap(), ">=1.2.3,<2.0.0");
        assert_eq!(pep440("^0.2.3").unwrap(), ">=0.2.3,<0.3.0");
        assert_eq!(pep440("^0.0.3").unwrap(), ">=0.0.3,<0.0.4");
        assert_eq!(pep440("^3.8").unwrap(), ">=3.8,<4.0");
        assert_eq!(pep440("~1.2.3").unwrap(), ">=1.2.3,<1.3.0");
        assert_eq!(pep440("~1").unwrap(), ">=1,<2");
        assert_eq!(pep440("*").unwrap(), "");
        assert_eq!(pep440(">=1.2 <2").unwrap(), ">=1.2,<2");
        assert_eq!(pep440("1.2.*").unwrap(), "==1.2.*");
        assert_eq!(pep440("^1 || ^2"), None);
    }
}
