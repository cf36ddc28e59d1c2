//! setup()'s `ext_modules` (Extension calls, read by the front, and cythonize's
//! `compiler_directives`) as `[[tool.rustbackend.ext-modules]]` tables.

use toml_edit::{Array, InlineTable, Table, Value};

use super::draft::{string_array, Draft, Origin};
use super::lit::Lit;
use super::setuptools::Fact;

/// Extension arguments that rustbackend's table does not need: `depends` only decides
/// when setuptools rebuilds (rustbackend tracks every header the compiler reads).
const IGNORED: &[&str] = &["depends", "optional"];

/// Carries `ext_modules` into `draft`.
pub fn carry(value: &Lit, origin: &Origin, facts: &[Fact], draft: &mut Draft) {
    let Lit::List(modules) = value else {
        if !value.is_empty() {
            draft.refuse(
                origin,
                "ext_modules",
                format!("{} is not a list of Extension(...) calls", value.describe()),
            );
        }
        return;
    };
    let limited_api = facts
        .iter()
        .find(|f| f.key == "options")
        .and_then(|f| f.value.get("bdist_wheel"))
        .and_then(|b| b.get("py_limited_api"))
        .and_then(Lit::as_str)
        .map(str::to_string);
    for module in modules {
        // `[tool.setuptools] ext-modules` gives tables with dashed keys.
        if let Lit::Map(entries) = module {
            let args = Lit::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.replace('-', "_"), v.clone()))
                    .collect(),
            );
            if let Some(table) = extension(&args, limited_api.as_deref(), origin, draft) {
                draft.ext_modules.push(table);
            }
            continue;
        }
        let Lit::Marked(mark, args) = module else {
            draft.refuse(
                origin,
                "ext_modules",
                format!("{} is not an Extension(...) call", module.describe()),
            );
            continue;
        };
        if mark != "$extension" {
            draft.refuse(
                origin,
                "ext_modules",
                format!("{} is not an Extension(...) call", module.describe()),
            );
            continue;
        }
        if let Some(table) = extension(args, limited_api.as_deref(), origin, draft) {
            draft.ext_modules.push(table);
        }
    }
}

fn extension(
    args: &Lit,
    limited_api: Option<&str>,
    origin: &Origin,
    draft: &mut Draft,
) -> Option<Table> {
    let Lit::Map(entries) = args else { return None };
    let name = args.get("name").and_then(Lit::as_str)?.to_string();
    let mut table = Table::new();
    table.insert("name", toml_edit::value(name.as_str()));
    let key = format!("ext_modules[{name}]");
    let mut refused = false;
    for (arg, value) in entries {
        let strings = || value.strings(false);
        match arg.as_str() {
            "name" => {}
            "sources" | "include_dirs" | "libraries" | "extra_compile_args" | "extra_link_args" => {
                match strings() {
                    Some(list) if list.is_empty() => {}
                    Some(list) => {
                        table.insert(
                            &arg.replace('_', "-"),
                            toml_edit::value(string_array(&list)),
                        );
                    }
                    None => {
                        draft.refuse(
                            origin,
                            &format!("{key}.{arg}"),
                            format!(
                                "{} is computed when setup.py runs; list the values",
                                value.describe()
                            ),
                        );
                        refused = true;
                    }
                }
            }
            "define_macros" => match macros(value) {
                Some(array) => {
                    table.insert("define-macros", toml_edit::value(array));
                }
                None => {
                    draft.refuse(
                        origin,
                        &format!("{key}.define_macros"),
                        format!("{} is not a list of (name, value) pairs", value.describe()),
                    );
                    refused = true;
                }
            },
            "language" => {
                if let Some(language) = value.as_str() {
                    table.insert("language", toml_edit::value(language));
                }
            }
            "py_limited_api" => {
                if value == &Lit::Bool(true) {
                    match limited_api {
                        Some(tag) => {
                            table.insert("py-limited-api", toml_edit::value(tag));
                        }
                        None => {
                            draft.refuse(origin, &format!("{key}.py_limited_api"), "the stable ABI's version is not given (bdist_wheel's `py_limited_api = \"cp3X\"`); set `py-limited-api` in the table");
                            refused = true;
                        }
                    }
                }
            }
            "cython_directives" | "$compiler_directives" => {
                let Lit::Map(directives) = value else {
                    continue;
                };
                let mut inline = InlineTable::new();
                for (directive, setting) in directives {
                    let v: Value = match setting {
                        Lit::Bool(b) => (*b).into(),
                        Lit::Num(n) if n.fract() == 0.0 => (*n as i64).into(),
                        Lit::Str(s) => s.as_str().into(),
                        _ => continue,
                    };
                    inline.insert(directive, v);
                }
                if !inline.is_empty() {
                    table.insert("cython-directives", toml_edit::value(inline));
                }
            }
            a if IGNORED.contains(&a) => {}
            _ if value.is_empty() => {}
            other => {
                draft.refuse(
                    origin,
                    &format!("{key}.{other}"),
                    "rustbackend's ext-modules table has no equivalent of this Extension argument",
                );
                refused = true;
            }
        }
    }
    (!refused).then_some(table)
}

fn macros(value: &Lit) -> Option<Array> {
    let Lit::List(pairs) = value else { return None };
    let mut array = Array::new();
    for pair in pairs {
        let Lit::List(parts) = pair else { return None };
        let name = parts.first()?.as_str()?;
        let mut entry = Array::new();
        entry.push(name);
        match parts.get(1) {
            Some(Lit::Str(v)) => entry.push(v.as_str()),
            Some(Lit::Num(n)) => entry.push(n.to_string()),
            Some(Lit::Null) | None => {}
            Some(_) => return None,
        }
        array.push(entry);
    }
    Some(array)
}
