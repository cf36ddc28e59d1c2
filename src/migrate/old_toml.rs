//! The old pyproject.toml, read with the spans that give each setting its line.

use std::ops::Range;

use toml_edit::{Document, Item};

use super::draft::Origin;
use super::lit::Lit;

/// pyproject.toml as it was, parsed with spans.
pub struct OldToml {
    text: String,
    document: Document<String>,
}

/// One key of an old table: its name, value and where it is.
pub struct Entry<'a> {
    /// The key.
    pub key: String,
    /// Its value.
    pub item: &'a Item,
    /// Its file and line.
    pub origin: Origin,
}

impl Entry<'_> {
    /// The value as a literal.
    pub fn lit(&self) -> Lit {
        Lit::from_toml(self.item)
    }
}

impl OldToml {
    /// Parses `text` (an empty text for a project without pyproject.toml).
    pub fn parse(text: &str) -> Result<OldToml, String> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
        let document = Document::parse(body.clone()).map_err(|e| e.to_string())?;
        Ok(OldToml {
            text: body,
            document,
        })
    }

    /// The file and line of a span.
    pub fn origin(&self, span: Option<Range<usize>>) -> Origin {
        let line = span.map_or(0, |s| {
            self.text[..s.start.min(self.text.len())]
                .matches('\n')
                .count()
                + 1
        });
        Origin {
            file: "pyproject.toml".into(),
            line,
        }
    }

    /// The item at a dotted path (`["tool", "hatch", "build"]`).
    pub fn get(&self, path: &[&str]) -> Option<&Item> {
        let mut item = self.document.as_item();
        for part in path {
            item = item.as_table_like()?.get(part)?;
        }
        Some(item)
    }

    /// Where the table or key at `path` starts (its key's line).
    pub fn origin_of(&self, path: &[&str]) -> Origin {
        let (last, parent) = match path.split_last() {
            Some(split) => split,
            None => return self.origin(None),
        };
        let span = self
            .get(parent)
            .and_then(Item::as_table_like)
            .and_then(|t| t.key(last))
            .and_then(|k| k.span())
            .or_else(|| self.get(path).and_then(Item::span));
        self.origin(span)
    }

    /// The keys of the table at `path`, in order, each with its line.
    pub fn entries(&self, path: &[&str]) -> Vec<Entry<'_>> {
        let Some(table) = self.get(path).and_then(Item::as_table_like) else {
            return Vec::new();
        };
        table
            .iter()
            .map(|(key, item)| Entry {
                key: key.to_string(),
                item,
                origin: self.origin(
                    table
                        .key(key)
                        .and_then(|k| k.span())
                        .or_else(|| item.span()),
                ),
            })
            .collect()
    }

    /// The string at `path`.
    pub fn string(&self, path: &[&str]) -> Option<&str> {
        self.get(path).and_then(Item::as_str)
    }

    /// The strings of the array at `path`.
    pub fn strings(&self, path: &[&str]) -> Vec<String> {
        self.get(path)
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}
