//! `[[tool.rustbackend.ext-modules]]`: the C, C++ and Cython extension modules to compile.

use super::fields::{table_entries, Checker, TableAt};
use super::settings::project_path;
use crate::error::Diagnostic;
use crate::names;
/// The keys of each `[[tool.rustbackend.ext-modules]]` table.
pub const EXT_MODULE_KEYS: &[&str] = &[
    "name",
    "sources",
    "include-dirs",
    "define-macros",
    "libraries",
    "py-limited-api",
    "language",
    "extra-compile-args",
    "extra-link-args",
    "cython-directives",
];

/// A C extension module to compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtModule {
    /// The dotted import name, such as `acme._speedups`.
    pub name: String,
    /// C and C++ source files, relative to the project root (the suffix says the language).
    pub sources: Vec<String>,
    /// Extra include directories, relative to the project root.
    pub include_dirs: Vec<String>,
    /// Preprocessor macros: name and optional value.
    pub define_macros: Vec<(String, Option<String>)>,
    /// Libraries to link with `-l`.
    pub libraries: Vec<String>,
    /// Build for the stable ABI from this CPython on (`(3, 8)` for `"cp38"`).
    pub py_limited_api: Option<(u32, u32)>,
    /// `language = "c++"`: what Cython sources translate to when they do not say it
    /// themselves (setuptools' `Extension(..., language="c++")`).
    pub cython_cxx: bool,
    /// Arguments added after the others to every compile of this module (`-std=c++17`).
    pub extra_compile_args: Vec<String>,
    /// Arguments added after the objects and libraries when linking this module.
    pub extra_link_args: Vec<String>,
    /// Cython compiler directives (`language_level`, `freethreading_compatible`, ...) as
    /// (name, value) pairs in the file's order, passed to every `.pyx` of this module
    /// (setup.py's `cythonize(..., compiler_directives=...)`).
    pub cython_directives: Vec<(String, String)>,
}

/// The language of an extension module's source file, from its suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `.c`
    C,
    /// `.cpp`, `.cc`, `.cxx`, `.c++`, `.C`
    Cxx,
    /// `.pyx`: translated to C (or C++, by its `# distutils: language = c++` line) by Cython
    Cython,
}

impl Language {
    /// The language of `source`, or `None` when its suffix is neither C nor C++.
    pub fn of(source: &str) -> Option<Language> {
        let (_, suffix) = source.rsplit_once('.')?;
        match suffix {
            "c" => Some(Language::C),
            "cpp" | "cc" | "cxx" | "c++" | "C" | "CPP" => Some(Language::Cxx),
            "pyx" => Some(Language::Cython),
            _ => None,
        }
    }

    /// "C" or "C++", for messages.
    pub fn name(self) -> &'static str {
        match self {
            Language::C => "C",
            Language::Cxx => "C++",
            Language::Cython => "Cython",
        }
    }
}

/// The Cython requirement the build asks for when a module has `.pyx` sources and
/// `tool.rustbackend.cython` does not say otherwise.
pub const DEFAULT_CYTHON: &str = "Cython>=3.0";

pub(super) fn read_ext_modules(checker: &mut Checker, table: &TableAt<'_>) -> Vec<ExtModule> {
    let example = "[[tool.rustbackend.ext-modules]]\nname = \"my_package._speedups\"\nsources = [\"src/my_package/_speedups.c\"]";
    let Some(item) = table.get("ext-modules") else {
        return Vec::new();
    };
    let Some(entries) = table_entries(item) else {
        checker.wrong_type(
            "tool.rustbackend.ext-modules",
            item,
            "an array of tables",
            example,
        );
        return Vec::new();
    };
    let mut modules = Vec::new();
    for (i, (module, span)) in entries.into_iter().enumerate() {
        let key = format!("tool.rustbackend.ext-modules[{i}]");
        let Some(module) = module else {
            checker.push(
                Diagnostic::new(&key, format!("`{key}` must be a table"))
                    .at(span)
                    .help(format!("write it like:\n{example}")),
            );
            continue;
        };
        let at = TableAt {
            key,
            table: module,
            span,
        };
        checker.unknown_keys(&at, EXT_MODULE_KEYS);
        let name = checker.string(&at, "name", "name = \"my_package._speedups\"");
        let name = match name {
            Some(n) if names::is_dotted_identifier(n.value) => n.value.to_string(),
            Some(n) => {
                checker.push(
                    Diagnostic::new(
                        &at.key,
                        format!(
                            "`{}.name` is not a dotted module name: `{}`",
                            at.key, n.value
                        ),
                    )
                    .at(n.span.clone())
                    .help("write the import name, such as \"my_package._speedups\""),
                );
                continue;
            }
            None => {
                checker.push(
                    Diagnostic::new(&at.key, format!("`{}` needs `name`", at.key))
                        .at(at.span.clone())
                        .help(format!("write it like:\n{example}")),
                );
                continue;
            }
        };
        let paths = |checker: &mut Checker, field: &str| -> Vec<String> {
            checker
                .string_array(&at, field, &format!("{field} = [\"src/my_package/x.c\"]"))
                .unwrap_or_default()
                .iter()
                .filter_map(|p| project_path(checker, &at.child_key(field), p))
                .collect()
        };
        let sources = paths(checker, "sources");
        if sources.is_empty() {
            checker.push(
                Diagnostic::new(
                    &at.key,
                    format!("`{}.sources` must list at least one C file", at.key),
                )
                .at(at.span.clone())
                .help(format!("write it like:\n{example}")),
            );
        }
        for (j, source) in sources.iter().enumerate() {
            if Language::of(source).is_none() {
                let key = at.child_key("sources");
                let span = at
                    .get("sources")
                    .and_then(|s| s.as_array())
                    .and_then(|a| a.get(j))
                    .and_then(|v| v.span());
                checker.push(
                    Diagnostic::new(&key, format!("`{source}` in `{key}` is neither a C, C++ nor Cython source"))
                        .at(span)
                        .help("name C sources `*.c`, C++ sources `*.cpp`, `*.cc` or `*.cxx` and Cython sources `*.pyx`; headers belong in `include-dirs`"),
                );
            }
        }
        let include_dirs = paths(checker, "include-dirs");
        let mut strings = |field: &str, example: &str| -> Vec<String> {
            checker
                .string_array(&at, field, example)
                .unwrap_or_default()
                .into_iter()
                .map(|l| l.value.to_string())
                .collect()
        };
        let libraries = strings("libraries", "libraries = [\"m\"]");
        let extra_compile_args = strings(
            "extra-compile-args",
            "extra-compile-args = [\"-std=c++17\"]",
        );
        let extra_link_args = strings("extra-link-args", "extra-link-args = [\"-Wl,--strip-all\"]");
        let mut define_macros = Vec::new();
        if let Some(macros) = at.get("define-macros").and_then(|m| m.as_array()) {
            for value in macros.iter() {
                let pair: Option<Vec<&str>> = value
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_str()).collect());
                match pair.as_deref() {
                    Some([name]) => define_macros.push((name.to_string(), None)),
                    Some([name, value]) => {
                        define_macros.push((name.to_string(), Some(value.to_string())))
                    }
                    _ => checker.push(
                        Diagnostic::new(
                            at.child_key("define-macros"),
                            format!(
                                "`{}` entries must be [\"NAME\"] or [\"NAME\", \"VALUE\"]",
                                at.child_key("define-macros")
                            ),
                        )
                        .at(value.span())
                        .help("write it like: define-macros = [[\"NDEBUG\", \"1\"]]"),
                    ),
                }
            }
        }
        let py_limited_api = checker
            .string(&at, "py-limited-api", "py-limited-api = \"cp38\"")
            .and_then(|v| {
                let parsed = v
                    .value
                    .strip_prefix("cp3")
                    .and_then(|minor| minor.parse::<u32>().ok())
                    .filter(|minor| *minor >= 2)
                    .map(|minor| (3, minor));
                if parsed.is_none() {
                    checker.push(
                        Diagnostic::new(at.child_key("py-limited-api"), format!("`{}` must be like \"cp38\", got `{}`", at.child_key("py-limited-api"), v.value))
                            .at(v.span.clone())
                            .help("name the oldest CPython the stable-ABI build supports, such as \"cp38\""),
                    );
                }
                parsed
            });
        let cython_directives = read_cython_directives(checker, &at);
        let cython_cxx = match checker.string(&at, "language", "language = \"c++\"") {
            Some(v) if v.value == "c++" => true,
            Some(v) if v.value == "c" => false,
            Some(v) => {
                checker.push(
                    Diagnostic::new(at.child_key("language"), format!("`{}` must be \"c\" or \"c++\", got `{}`", at.child_key("language"), v.value))
                        .at(v.span.clone())
                        .help("write language = \"c++\" to translate Cython sources to C++ (C and C++ files are told apart by their suffix)"),
                );
                false
            }
            None => false,
        };
        modules.push(ExtModule {
            name,
            sources,
            include_dirs,
            define_macros,
            libraries,
            py_limited_api,
            cython_cxx,
            extra_compile_args,
            extra_link_args,
            cython_directives,
        });
    }
    modules
}

/// `cython-directives = { language_level = 3, freethreading_compatible = true }`: each
/// value a boolean, a number or a string, as Cython's `--directive NAME=VALUE` takes it.
fn read_cython_directives(checker: &mut Checker, at: &TableAt<'_>) -> Vec<(String, String)> {
    let key = at.child_key("cython-directives");
    let example = "cython-directives = { language_level = 3, freethreading_compatible = true }";
    let Some(table) = checker.table(at, "cython-directives", &key, example) else {
        return Vec::new();
    };
    let mut directives = Vec::new();
    for (name, item) in table.table.iter() {
        let value = item.as_value();
        let text = match value {
            Some(toml_edit::Value::Boolean(b)) => Some(b.value().to_string()),
            Some(toml_edit::Value::Integer(i)) => Some(i.value().to_string()),
            Some(toml_edit::Value::Float(f)) => Some(f.value().to_string()),
            Some(toml_edit::Value::String(s)) => Some(s.value().to_string()),
            _ => None,
        };
        let problem = match &text {
            None => Some("must be true, false, a number or a string"),
            Some(_) if !names::is_identifier(name) => Some("is not a directive name"),
            Some(text) if text.contains([',', '\n']) => Some("must not hold a comma"),
            Some(_) => None,
        };
        match (problem, text) {
            (None, Some(text)) => directives.push((name.to_string(), text)),
            (problem, _) => checker.push(
                Diagnostic::new(
                    table.child_key(name),
                    format!(
                        "`{}` {}",
                        table.child_key(name),
                        problem.unwrap_or_default()
                    ),
                )
                .at(item.span().or_else(|| table.key_span(name)))
                .help(format!("write it like: {example}")),
            ),
        }
    }
    directives
}
