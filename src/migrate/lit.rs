//! A literal of old configuration, whatever file it came from: setup.py's keyword arguments
//! (read by the Python front with `ast`), setup.cfg's options, or a TOML value.

use tinyjson::JsonValue;

/// A literal value, with the markers the Python front uses for what is not plain data.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A number (setup.py has no other use for them than flags and levels).
    Num(f64),
    /// No value (`None` in setup.py).
    Null,
    /// A list or tuple.
    List(Vec<Lit>),
    /// A dict or table, in source order.
    Map(Vec<(String, Lit)>),
    /// A marked value: `$find` (find_packages), `$file` (file contents), `$attr` (an
    /// attribute of a module), `$extension` (an Extension call), `$unreadable` (an
    /// expression that only running setup.py could tell), with its arguments.
    Marked(String, Box<Lit>),
}

impl Lit {
    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A string or a list of strings (setup.cfg and setup.py accept both for lists); a
    /// string is split on commas and line breaks when `split` is set.
    pub fn strings(&self, split: bool) -> Option<Vec<String>> {
        match self {
            Lit::Str(s) if split => Some(
                s.split([',', '\n'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            Lit::Str(s) => Some(vec![s.clone()]),
            Lit::List(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => None,
        }
    }

    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Lit> {
        match self {
            Lit::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// True for the values that mean "nothing": `None`, `""`, `[]`, `{}`, `false`.
    pub fn is_empty(&self) -> bool {
        match self {
            Lit::Null | Lit::Bool(false) => true,
            Lit::Str(s) => s.trim().is_empty(),
            Lit::List(items) => items.is_empty(),
            Lit::Map(entries) => entries.is_empty(),
            _ => false,
        }
    }

    /// How the value reads in a message.
    pub fn describe(&self) -> String {
        match self {
            Lit::Str(s) => format!("{s:?}"),
            Lit::Bool(b) => b.to_string(),
            Lit::Num(n) => n.to_string(),
            Lit::Null => "None".into(),
            Lit::List(items) => {
                let inner: Vec<String> = items.iter().map(Lit::describe).collect();
                format!("[{}]", inner.join(", "))
            }
            Lit::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k:?}: {}", v.describe()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Lit::Marked(mark, arg) if mark == "$unreadable" => {
                arg.as_str().unwrap_or("an expression").to_string()
            }
            Lit::Marked(mark, arg) => format!("{}({})", &mark[1..], arg.describe()),
        }
    }

    /// From the JSON the Python front writes: objects with one `$`-key are marked values.
    pub fn from_json(value: &JsonValue) -> Lit {
        match value {
            JsonValue::String(s) => Lit::Str(s.clone()),
            JsonValue::Boolean(b) => Lit::Bool(*b),
            JsonValue::Number(n) => Lit::Num(*n),
            JsonValue::Null => Lit::Null,
            JsonValue::Array(items) => Lit::List(items.iter().map(Lit::from_json).collect()),
            JsonValue::Object(map) => {
                if map.len() == 1 {
                    let (key, inner) = map.iter().next().expect("one entry");
                    if key == "$map" {
                        // An ordered dict: a list of [key, value] pairs.
                        let JsonValue::Array(pairs) = inner else {
                            return Lit::Null;
                        };
                        return Lit::Map(
                            pairs
                                .iter()
                                .filter_map(|pair| match pair {
                                    JsonValue::Array(kv) if kv.len() == 2 => match &kv[0] {
                                        JsonValue::String(k) => {
                                            Some((k.clone(), Lit::from_json(&kv[1])))
                                        }
                                        _ => None,
                                    },
                                    _ => None,
                                })
                                .collect(),
                        );
                    }
                    if key.starts_with('$') {
                        return Lit::Marked(key.clone(), Box::new(Lit::from_json(inner)));
                    }
                }
                let mut entries: Vec<(String, Lit)> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), Lit::from_json(v)))
                    .collect();
                // tinyjson keeps objects in a HashMap; ordered dicts come as `$map`.
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Lit::Map(entries)
            }
        }
    }

    /// From a TOML value.
    pub fn from_toml(item: &toml_edit::Item) -> Lit {
        use toml_edit::{Item, Value};
        fn value(v: &Value) -> Lit {
            match v {
                Value::String(s) => Lit::Str(s.value().clone()),
                Value::Integer(i) => Lit::Num(*i.value() as f64),
                Value::Float(f) => Lit::Num(*f.value()),
                Value::Boolean(b) => Lit::Bool(*b.value()),
                Value::Datetime(d) => Lit::Str(d.value().to_string()),
                Value::Array(a) => Lit::List(a.iter().map(value).collect()),
                Value::InlineTable(t) => {
                    Lit::Map(t.iter().map(|(k, v)| (k.to_string(), value(v))).collect())
                }
            }
        }
        match item {
            Item::None => Lit::Null,
            Item::Value(v) => value(v),
            Item::Table(t) => Lit::Map(
                t.iter()
                    .map(|(k, v)| (k.to_string(), Lit::from_toml(v)))
                    .collect(),
            ),
            Item::ArrayOfTables(a) => Lit::List(
                a.iter()
                    .map(|t| Lit::from_toml(&Item::Table(t.clone())))
                    .collect(),
            ),
        }
    }
}
