//! Typed, span-keeping reads of TOML items that collect problems instead of stopping at the
//! first one. Every reader takes the full dotted key so messages can name it.

use std::ops::Range;

use toml_edit::{Item, TableLike};

use crate::error::Diagnostic;

/// A value together with the byte span of its text in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written, when known.
    pub span: Option<Range<usize>>,
}

/// Collects diagnostics while reading a document.
#[derive(Debug, Default)]
pub struct Checker {
    /// Every problem found so far, in order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A table (regular or inline) and the dotted key it lives at.
#[derive(Clone)]
pub struct TableAt<'a> {
    /// The dotted key of the table, such as `project` or `tool.rustbackend`.
    pub key: String,
    /// The table.
    pub table: &'a dyn TableLike,
    /// The span of the table's header or inline text.
    pub span: Option<Range<usize>>,
}

impl<'a> TableAt<'a> {
    /// The dotted key of `name` inside this table.
    pub fn child_key(&self, name: &str) -> String {
        let quoted = if name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            name.to_string()
        } else {
            format!("\"{name}\"")
        };
        format!("{}.{quoted}", self.key)
    }

    /// The item stored at `name`, if any.
    pub fn get(&self, name: &str) -> Option<&'a Item> {
        self.table.get(name).filter(|item| !item.is_none())
    }

    /// The span of the key `name` in the file.
    pub fn key_span(&self, name: &str) -> Option<Range<usize>> {
        self.table.key(name).and_then(|k| k.span())
    }

    /// The span of `name`'s value, or of its key when the value has none.
    pub fn value_span(&self, name: &str) -> Option<Range<usize>> {
        self.get(name)
            .and_then(|item| item.span())
            .or_else(|| self.key_span(name))
    }
}

fn describe_value(value: &toml_edit::Value) -> &'static str {
    match value {
        toml_edit::Value::String(_) => "a string",
        toml_edit::Value::Integer(_) => "an integer",
        toml_edit::Value::Float(_) => "a float",
        toml_edit::Value::Boolean(_) => "a boolean",
        toml_edit::Value::Datetime(_) => "a date-time",
        toml_edit::Value::Array(_) => "an array",
        toml_edit::Value::InlineTable(_) => "a table",
    }
}

fn describe(item: &Item) -> &'static str {
    match item {
        Item::Value(v) if v.is_str() => "a string",
        Item::Value(v) if v.is_integer() => "an integer",
        Item::Value(v) if v.is_float() => "a float",
        Item::Value(v) if v.is_bool() => "a boolean",
        Item::Value(v) if v.is_datetime() => "a date-time",
        Item::Value(v) if v.is_array() => "an array",
        Item::ArrayOfTables(_) => "an array of tables",
        _ => "a table",
    }
}

/// One entry of an array of tables: the table (`None` if the entry is not one) and its span.
pub type TableEntry<'a> = (Option<&'a dyn TableLike>, Option<Range<usize>>);

/// The entries of an array of tables in either TOML form: `[[a.b]]` tables, or an array of
/// inline tables. An entry that is not a table comes back as `None` with its span; an item
/// that is neither kind of array gives `None`.
pub fn table_entries(item: &Item) -> Option<Vec<TableEntry<'_>>> {
    if let Some(array) = item.as_array() {
        return Some(
            array
                .iter()
                .map(|value| {
                    (
                        value.as_inline_table().map(|t| t as &dyn TableLike),
                        value.span(),
                    )
                })
                .collect(),
        );
    }
    let tables = item.as_array_of_tables()?;
    Some(
        tables
            .iter()
            .map(|table| (Some(table as &dyn TableLike), table.span()))
            .collect(),
    )
}

impl Checker {
    /// Records a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records "`key` must be WHAT, got X" for an item of the wrong type.
    pub fn wrong_type(&mut self, key: &str, item: &Item, expected: &str, example: &str) {
        self.push(
            Diagnostic::new(
                key,
                format!("`{key}` must be {expected}, got {}", describe(item)),
            )
            .at(item.span())
            .help(format!("write it like: {example}")),
        );
    }

    /// Reads a string.
    pub fn string<'a>(
        &mut self,
        table: &TableAt<'a>,
        name: &str,
        example: &str,
    ) -> Option<Spanned<&'a str>> {
        let item = table.get(name)?;
        match item.as_str() {
            Some(value) => Some(Spanned {
                value,
                span: item.span(),
            }),
            None => {
                self.wrong_type(&table.child_key(name), item, "a string", example);
                None
            }
        }
    }

    /// Reads a boolean.
    pub fn boolean(&mut self, table: &TableAt<'_>, name: &str, example: &str) -> Option<bool> {
        let item = table.get(name)?;
        match item.as_bool() {
            Some(value) => Some(value),
            None => {
                self.wrong_type(&table.child_key(name), item, "a boolean", example);
                None
            }
        }
    }

    /// Reads an integer in `range`.
    pub fn integer(
        &mut self,
        table: &TableAt<'_>,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
        example: &str,
    ) -> Option<i64> {
        let item = table.get(name)?;
        let key = table.child_key(name);
        match item.as_integer() {
            Some(value) if range.contains(&value) => Some(value),
            Some(value) => {
                self.push(
                    Diagnostic::new(
                        &key,
                        format!(
                            "`{key}` must be from {} to {}, got {value}",
                            range.start(),
                            range.end()
                        ),
                    )
                    .at(item.span())
                    .help(format!("write it like: {example}")),
                );
                None
            }
            None => {
                self.wrong_type(&key, item, "an integer", example);
                None
            }
        }
    }

    /// Reads an array of strings; elements of the wrong type are reported and skipped.
    pub fn string_array<'a>(
        &mut self,
        table: &TableAt<'a>,
        name: &str,
        example: &str,
    ) -> Option<Vec<Spanned<&'a str>>> {
        let key = table.child_key(name);
        let item = table.get(name)?;
        let Some(array) = item.as_array() else {
            self.wrong_type(&key, item, "an array of strings", example);
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for (i, value) in array.iter().enumerate() {
            match value.as_str() {
                Some(s) => out.push(Spanned {
                    value: s,
                    span: value.span(),
                }),
                None => self.push(
                    Diagnostic::new(
                        &key,
                        format!(
                            "`{key}[{i}]` must be a string, got {}",
                            describe_value(value)
                        ),
                    )
                    .at(value.span())
                    .help(format!("write it like: {example}")),
                ),
            }
        }
        Some(out)
    }

    /// Reads a table (regular or inline).
    pub fn table<'a>(
        &mut self,
        parent: &TableAt<'a>,
        name: &str,
        key: &str,
        example: &str,
    ) -> Option<TableAt<'a>> {
        let item = parent.get(name)?;
        match item.as_table_like() {
            Some(table) => Some(TableAt {
                key: key.to_string(),
                table,
                span: item.span().or_else(|| parent.key_span(name)),
            }),
            None => {
                self.wrong_type(key, item, "a table", example);
                None
            }
        }
    }

    /// Reads a table whose values are all strings, keeping the file's order.
    pub fn string_table<'a>(
        &mut self,
        parent: &TableAt<'a>,
        name: &str,
        key: &str,
        example: &str,
    ) -> Option<Vec<(Spanned<&'a str>, Spanned<&'a str>)>> {
        let table = self.table(parent, name, key, example)?;
        let mut out = Vec::new();
        for (entry, item) in table.table.iter() {
            let entry_key = table.child_key(entry);
            match item.as_str() {
                Some(value) => out.push((
                    Spanned {
                        value: entry,
                        span: table.key_span(entry),
                    },
                    Spanned {
                        value,
                        span: item.span(),
                    },
                )),
                None => self.wrong_type(&entry_key, item, "a string", example),
            }
        }
        Some(out)
    }

    /// Reports every key of `table` that is not in `known`, suggesting the closest known key.
    pub fn unknown_keys(&mut self, table: &TableAt<'_>, known: &[&str]) {
        for (name, _) in table.table.iter() {
            if known.contains(&name) {
                continue;
            }
            let key = table.child_key(name);
            let closest = known
                .iter()
                .map(|k| (strsim::damerau_levenshtein(k, name), *k))
                .filter(|(distance, _)| *distance <= 3)
                .min();
            let help = match closest {
                Some((_, k)) => format!("did you mean `{}`?", table.child_key(k)),
                None => format!("the keys `{}` accepts are: {}", table.key, known.join(", ")),
            };
            self.push(
                Diagnostic::new(&key, format!("unknown key `{key}`"))
                    .at(table.key_span(name))
                    .help(help),
            );
        }
    }
}
