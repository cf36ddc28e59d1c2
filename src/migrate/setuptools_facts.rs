//! The facts the Python front read from setup.py and setup.cfg (`rustbackend/_setup_facts.py`),
//! as they cross into Rust: `[keyword, value, file, line]` in JSON.

use super::draft::Origin;
use super::lit::Lit;

/// One setup() keyword: its value and where it was given.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The keyword (`install_requires`), or a front's marker (`$manifest`).
    pub key: String,
    /// Its value.
    pub value: Lit,
    /// Where it was given.
    pub origin: Origin,
}

/// Parses the front's facts: a JSON list of `[keyword, value, file, line]`.
pub fn parse_facts(json: &str) -> Result<Vec<Fact>, String> {
    let value: tinyjson::JsonValue = json.parse().map_err(|e| format!("{e:?}"))?;
    let tinyjson::JsonValue::Array(items) = value else {
        return Err("not a list".into());
    };
    let mut facts = Vec::new();
    for item in items {
        let tinyjson::JsonValue::Array(parts) = item else {
            return Err("a fact is not a list".into());
        };
        match parts.as_slice() {
            [tinyjson::JsonValue::String(key), value, tinyjson::JsonValue::String(file), tinyjson::JsonValue::Number(line)] => {
                facts.push(Fact {
                    key: key.clone(),
                    value: Lit::from_json(value),
                    origin: Origin {
                        file: file.clone(),
                        line: *line as usize,
                    },
                })
            }
            _ => return Err("a fact is not [keyword, value, file, line]".into()),
        }
    }
    Ok(facts)
}

/// `[tool.setuptools]` keys, in setup() keyword spelling.
pub fn keyword_of(toml_key: &str) -> String {
    match toml_key {
        "script-files" => "scripts".into(),
        other => other.replace('-', "_"),
    }
}
