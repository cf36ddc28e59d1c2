//! setup()'s `entry_points` (a dict of groups, or INI text) as `[project.scripts]`,
//! `[project.gui-scripts]` and `[project.entry-points.<group>]`.

use toml_edit::{Item, Table};

use super::draft::{string_table, Draft, Origin};
use super::lit::Lit;

/// Carries `entry_points` into `draft`.
pub fn carry(value: &Lit, origin: &Origin, draft: &mut Draft) {
    let groups: Vec<(String, Vec<String>)> = match value {
        Lit::Map(entries) => entries
            .iter()
            .map(|(group, lines)| {
                let lines = match lines {
                    Lit::Str(s) => s.lines().map(str::to_string).collect(),
                    other => other.strings(false).unwrap_or_default(),
                };
                (group.clone(), lines)
            })
            .collect(),
        Lit::Str(text) => ini_sections(text),
        _ => {
            draft.refuse(
                origin,
                "entry_points",
                format!("{} is not a table of groups", value.describe()),
            );
            return;
        }
    };
    let mut others = Table::new();
    for (group, lines) in groups {
        let mut entries = Vec::new();
        for line in lines {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            match line.split_once('=') {
                Some((name, object)) => {
                    entries.push((name.trim().to_string(), object.trim().to_string()))
                }
                None => draft.refuse(
                    origin,
                    "entry_points",
                    format!("`{line}` in group `{group}` is not `name = module:object`"),
                ),
            }
        }
        match group.as_str() {
            "console_scripts" => draft.project("scripts", string_table(&entries)),
            "gui_scripts" => draft.project("gui-scripts", string_table(&entries)),
            _ => {
                others.insert(&group, string_table(&entries));
            }
        }
    }
    if !others.is_empty() {
        others.set_implicit(true);
        draft.project("entry-points", Item::Table(others));
    }
}

/// `[group]` sections of INI text, each with its lines.
fn ini_sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            sections.push((name.trim().to_string(), Vec::new()));
        } else if let Some((_, lines)) = sections.last_mut() {
            lines.push(trimmed.to_string());
        }
    }
    sections
}
