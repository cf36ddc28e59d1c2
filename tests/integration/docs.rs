//! The configuration reference (docs/configuration.md) documents exactly the keys the parser
//! accepts.

use std::collections::BTreeSet;

use rustbackend::plan::pyproject::settings::{
    EDITABLE_KEYS, SDIST_KEYS, SETTINGS_KEYS, WHEEL_KEYS,
};
use rustbackend::plan::pyproject::wheel_data::DATA_KEYS;
use rustbackend::request::CONFIG_SETTINGS;

/// The keys in the first column of docs/configuration.md's `[tool.rustbackend]` table.
fn documented_keys() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/configuration.md"
    ))
    .unwrap();
    let section = readme
        .split("## Configuration: `[tool.rustbackend]`")
        .nth(1)
        .expect("docs/configuration.md has a configuration section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_string)
        .collect()
}

/// Every key the parser accepts, dotted below `tool.rustbackend`.
fn accepted_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for key in SETTINGS_KEYS {
        if !matches!(*key, "wheel" | "sdist" | "editable") {
            keys.insert(key.to_string());
        }
    }
    for key in WHEEL_KEYS {
        if *key != "data" {
            keys.insert(format!("wheel.{key}"));
        }
    }
    assert!(DATA_KEYS.contains(&"scripts"));
    keys.insert("wheel.data.<key>".to_string());
    keys.extend(SDIST_KEYS.iter().map(|k| format!("sdist.{k}")));
    keys.extend(EDITABLE_KEYS.iter().map(|k| format!("editable.{k}")));
    keys
}

#[test]
fn readme_documents_every_accepted_key() {
    assert_eq!(documented_keys(), accepted_keys());
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/configuration.md"
    ))
    .unwrap();
    for data_key in DATA_KEYS {
        assert!(readme.contains(&format!("`{data_key}`")), "{data_key}");
    }
    // The one config_settings key.
    assert!(readme.contains("`editable-mode`"));
}

/// docs/configuration.md's config settings table lists exactly the `-C` keys of
/// [`rustbackend::request::CONFIG_SETTINGS`], with the same value and meaning.
#[test]
fn readme_documents_every_config_setting() {
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/configuration.md"
    ))
    .unwrap();
    let section = readme
        .split("\n## Config settings\n")
        .nth(1)
        .expect("docs/configuration.md has a config settings section");
    let section = section.split("\n## ").next().unwrap();
    let rows: Vec<String> = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = CONFIG_SETTINGS
        .iter()
        .map(|s| format!("| `{}` | {} | {}", s.name, s.value, s.help))
        .collect();
    assert_eq!(rows.len(), expected.len(), "{rows:#?}");
    for (row, want) in rows.iter().zip(&expected) {
        assert!(
            row.starts_with(want.as_str()),
            "docs/configuration.md: {row}\nrequest.rs: {want}"
        );
    }
}

/// The Python shim passes exactly the environment variables the core reads as compiler
/// settings ([`rustbackend::request::COMPILER_ENV`]), and docs/platforms.md names each.
#[test]
fn the_shim_passes_every_compiler_variable() {
    let shim = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/python/rustbackend/__init__.py"
    ))
    .unwrap();
    let tuple = shim
        .split("_COMPILER_ENV = (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the shim has a _COMPILER_ENV tuple");
    let passed: Vec<&str> = tuple
        .split(',')
        .map(|name| name.trim().trim_matches('"'))
        .filter(|name| !name.is_empty())
        .collect();
    assert_eq!(passed, rustbackend::request::COMPILER_ENV);
    let platforms =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/platforms.md")).unwrap();
    for name in rustbackend::request::COMPILER_ENV {
        assert!(
            platforms.contains(&format!("`{name}`")),
            "docs/platforms.md does not name `{name}`"
        );
    }
}
