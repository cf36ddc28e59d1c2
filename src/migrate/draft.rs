//! What a migration found: the values for `[project]` and `[tool.rustbackend]`, what it
//! could not carry (each with its file and line), and how it is written into pyproject.toml
//! with toml_edit, keeping comments and unrelated tables.

use std::fmt;

use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// Where a piece of old configuration is: a file and a 1-based line (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file, relative to the project (`setup.py`, `pyproject.toml`).
    pub file: String,
    /// The line, 1-based; 0 when the file as a whole is meant.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

/// A piece of old configuration that the migration did not carry, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Where it is.
    pub origin: Origin,
    /// The setting, as the old configuration names it (`package_data`, `tool.hatch.build.hooks.custom`).
    pub key: String,
    /// Why it was not carried, and what to do.
    pub why: String,
}

/// The new configuration being assembled.
#[derive(Debug, Default)]
pub struct Draft {
    /// `[project]` keys to write where `[project]` has none, in this order.
    pub project: Vec<(String, Item)>,
    /// `[project]` keys replaced (or, with `None`, removed) although `[project]` has them:
    /// where the old backend did not do what the specification says, so the published
    /// metadata is reproduced.
    pub project_overrides: Vec<(String, Option<Item>)>,
    /// Fields that leave `project.dynamic` because they are now static.
    pub now_static: Vec<String>,
    /// Fields to list in `project.dynamic`.
    pub dynamic: Vec<String>,
    /// `[tool.rustbackend]` settings by their dotted path under it.
    pub settings: Vec<(Vec<String>, Value)>,
    /// `[[tool.rustbackend.ext-modules]]` tables.
    pub ext_modules: Vec<Table>,
    /// Old tables (dotted paths) carried in full: removed when the result is written.
    pub carried_tables: Vec<Vec<String>>,
    /// What was not carried.
    pub refusals: Vec<Refusal>,
    /// What the user should know although it was carried.
    pub notes: Vec<String>,
    /// `[project]` fields whose value only the old backend's metadata can tell.
    pub ask_old_backend: Vec<(String, Origin)>,
}

impl Draft {
    /// Sets `[project] key`, unless it was set already (the first source wins).
    pub fn project(&mut self, key: &str, item: impl Into<Item>) {
        if !self.project.iter().any(|(k, _)| k == key) {
            self.project.push((key.to_string(), item.into()));
            self.now_static.push(key.to_string());
        }
    }

    /// True when `[project] key` has a value in the draft.
    pub fn has_project(&self, key: &str) -> bool {
        self.project.iter().any(|(k, _)| k == key)
    }

    /// Sets a `[tool.rustbackend]` setting (`path` dotted, such as `sdist.exclude`).
    pub fn setting(&mut self, path: &str, value: impl Into<Value>) {
        let path: Vec<String> = path.split('.').map(str::to_string).collect();
        self.settings.retain(|(p, _)| *p != path);
        self.settings.push((path, value.into()));
    }

    /// Appends globs to an array setting such as `exclude` (no duplicates).
    pub fn add_globs(&mut self, path: &str, globs: &[String]) {
        let key: Vec<String> = path.split('.').map(str::to_string).collect();
        let mut all: Vec<String> = self
            .settings
            .iter()
            .find(|(p, _)| *p == key)
            .and_then(|(_, v)| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for glob in globs {
            if !all.contains(glob) {
                all.push(glob.clone());
            }
        }
        self.setting(path, string_array(&all));
    }

    /// Records that `key` at `origin` was not carried.
    pub fn refuse(&mut self, origin: &Origin, key: &str, why: impl Into<String>) {
        self.refusals.push(Refusal {
            origin: origin.clone(),
            key: key.to_string(),
            why: why.into(),
        });
    }

    /// Adds `field` to `project.dynamic`.
    pub fn make_dynamic(&mut self, field: &str) {
        if !self.dynamic.iter().any(|f| f == field) {
            self.dynamic.push(field.to_string());
        }
    }

    /// Writes the draft into `document`: `[build-system]` becomes rustbackend's, the
    /// `[project]` keys it lacks are added, `[tool.rustbackend]` is written and old tables
    /// carried in full are removed.
    pub fn write_into(&self, document: &mut DocumentMut, requires: &str) {
        let mut build = Table::new();
        build.insert(
            "requires",
            Item::Value(string_array(&[requires.to_string()])),
        );
        build.insert("build-backend", toml_edit::value("rustbackend"));
        match document
            .get_mut("build-system")
            .and_then(Item::as_table_mut)
        {
            Some(old) => {
                let decor = old.decor().clone();
                *old = build;
                *old.decor_mut() = decor;
            }
            None => {
                build.set_position(Some(0));
                document.insert("build-system", Item::Table(build));
            }
        }
        self.write_project(document);
        self.write_settings(document);
        for path in &self.carried_tables {
            remove_table(document, path);
        }
        // Drop a `[tool]` left empty by the removals.
        if document
            .get("tool")
            .and_then(Item::as_table_like)
            .is_some_and(|t| t.is_empty())
        {
            document.remove("tool");
        }
    }

    fn write_project(&self, document: &mut DocumentMut) {
        if self.project.is_empty()
            && self.dynamic.is_empty()
            && self.now_static.is_empty()
            && self.project_overrides.is_empty()
        {
            return;
        }
        let project = document.entry("project").or_insert_with(|| {
            let mut t = Table::new();
            t.set_position(Some(1));
            Item::Table(t)
        });
        let Some(project) = project.as_table_mut() else {
            return;
        };
        let mut ordered: Vec<&(String, Item)> = self.project.iter().collect();
        // New keys in the order the specification lists them.
        ordered.sort_by_key(|(key, _)| {
            crate::plan::pyproject::project::PROJECT_KEYS
                .iter()
                .position(|k| k == key)
                .unwrap_or(usize::MAX)
        });
        for (key, item) in ordered {
            if project.contains_key(key) {
                // setup.py's `url` beside a [project.urls] table: setuptools published both.
                if let (Some(existing), Some(new)) = (
                    project.get_mut(key).and_then(Item::as_table_like_mut),
                    item.as_table_like(),
                ) {
                    if key == "urls" {
                        for (label, url) in new.iter() {
                            if !existing.contains_key(label) {
                                existing.insert(label, url.clone());
                            }
                        }
                    }
                }
                continue;
            }
            project.insert(key, item.clone());
        }
        for (key, item) in &self.project_overrides {
            match item {
                Some(item) => {
                    project.insert(key, item.clone());
                }
                None => {
                    project.remove(key);
                }
            }
        }
        let mut dynamic: Vec<String> = strings_of(project.get("dynamic"));
        dynamic.retain(|f| !self.now_static.contains(f) || self.dynamic.contains(f));
        for field in &self.dynamic {
            if !dynamic.contains(field) {
                dynamic.push(field.clone());
            }
        }
        if dynamic.is_empty() {
            project.remove("dynamic");
        } else {
            project.insert("dynamic", Item::Value(string_array(&dynamic)));
        }
    }

    fn write_settings(&self, document: &mut DocumentMut) {
        if self.settings.is_empty() && self.ext_modules.is_empty() {
            return;
        }
        let tool = document.entry("tool").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        let Some(tool) = tool.as_table_mut() else {
            return;
        };
        tool.set_implicit(true);
        let settings = tool
            .entry("rustbackend")
            .or_insert_with(|| Item::Table(Table::new()));
        let Some(settings) = settings.as_table_mut() else {
            return;
        };
        // Plain keys first, then one table per group (`[tool.rustbackend.sdist]`).
        settings.set_implicit(!self.settings.iter().any(|(p, _)| p.len() == 1));
        for (path, value) in self.settings.iter().filter(|(p, _)| p.len() == 1) {
            settings.insert(&path[0], Item::Value(value.clone()));
        }
        for (path, value) in self.settings.iter().filter(|(p, _)| p.len() > 1) {
            let mut table = &mut *settings;
            for part in &path[..path.len() - 1] {
                let entry = table
                    .entry(part)
                    .or_insert_with(|| Item::Table(Table::new()));
                if !entry.is_table() {
                    *entry = Item::Table(Table::new());
                }
                table = entry.as_table_mut().expect("a table");
            }
            table.insert(&path[path.len() - 1], Item::Value(value.clone()));
        }
        if !self.ext_modules.is_empty() {
            let mut tables = toml_edit::ArrayOfTables::new();
            for module in &self.ext_modules {
                tables.push(module.clone());
            }
            settings.insert("ext-modules", Item::ArrayOfTables(tables));
        }
    }
}

/// Removes the table at `path` (and its parents when they are left empty and implicit).
fn remove_table(document: &mut DocumentMut, path: &[String]) {
    fn remove(table: &mut dyn toml_edit::TableLike, path: &[String]) {
        if path.len() == 1 {
            table.remove(&path[0]);
            return;
        }
        if let Some(child) = table.get_mut(&path[0]).and_then(Item::as_table_like_mut) {
            remove(child, &path[1..]);
            if child.is_empty() {
                table.remove(&path[0]);
            }
        }
    }
    remove(document.as_table_mut(), path);
}

/// A TOML array of strings: one line when short, one entry per line when long.
pub fn string_array(items: &[String]) -> Value {
    let mut array: Array = items.iter().map(String::as_str).collect();
    let width: usize = items.iter().map(|s| s.len() + 4).sum();
    if width > 60 && items.len() > 1 {
        for value in array.iter_mut() {
            value.decor_mut().set_prefix("\n    ");
        }
        array.set_trailing("\n");
        array.set_trailing_comma(true);
    }
    Value::Array(array)
}

/// A `[project.urls]`-like table of strings, in order.
pub fn string_table(entries: &[(String, String)]) -> Item {
    let mut table = Table::new();
    for (key, value) in entries {
        table.insert(key, toml_edit::value(value.as_str()));
    }
    Item::Table(table)
}

/// The strings of an array item (none when it is absent or not an array).
pub fn strings_of(item: Option<&Item>) -> Vec<String> {
    item.and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
