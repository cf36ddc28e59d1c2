//! Finding the module(s) to pack: src layout, flat layout, single-file modules and dotted
//! (namespace) module names, with `[tool.rustbackend] module-name` / `module-root` overrides.

use std::path::Path;

use crate::error::{Diagnostic, Result};
use crate::files::rules;
use crate::names;
use crate::plan::pyproject::PyProject;

/// One top-level module to pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// The dotted import name, such as `acme.widgets`.
    pub name: String,
    /// Its path relative to the project root, `/`-separated: a package directory or a `.py`
    /// file.
    pub path: String,
    /// Whether it is a package directory (as opposed to a single `.py` file).
    pub is_package: bool,
}

impl Module {
    /// Where the module goes in the wheel: its import path (`acme/widgets`, or `tool.py` for
    /// a single-file module), wherever it lives in the project.
    pub fn archive_path(&self) -> String {
        let path = self.name.replace('.', "/");
        if self.is_package {
            path
        } else {
            format!("{path}.py")
        }
    }

    /// Whether it lives at its import path below `module_root` (`src/acme/`), so that a path
    /// entry can serve it; a `module-dirs` entry named differently does not.
    pub fn at_import_path(&self, module_root: &str) -> bool {
        self.path == join(module_root, &self.archive_path())
    }

    /// The project path, without `.py`, where the module `dotted` (this module or one inside
    /// it) lives, or `None` when `dotted` is not inside this module.
    pub fn locate(&self, dotted: &str) -> Option<String> {
        let base = self.path.strip_suffix(".py").unwrap_or(&self.path);
        if dotted == self.name {
            return Some(base.to_string());
        }
        let rest = dotted.strip_prefix(&format!("{}.", self.name))?;
        self.is_package
            .then(|| format!("{base}/{}", rest.replace('.', "/")))
    }
}

/// Where the modules live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The directory that goes on `sys.path`, relative to the project root (`""` for the
    /// root itself, `"src"` for a src layout).
    pub module_root: String,
    /// The modules, in the order they were named.
    pub modules: Vec<Module>,
}

/// The modules to pack when `module-name` is not set: the one named after the project, or,
/// when the sources hold no such module, the project's top-level extension modules (a
/// distribution such as pyahocorasick, whose only module is `ahocorasick.*.so`).
fn default_module_names(project_dir: &Path, pyproject: &PyProject, roots: &[&str]) -> Vec<String> {
    let name = default_module_name(&pyproject.project.name);
    let extensions: Vec<String> = pyproject
        .settings
        .ext_modules
        .iter()
        .filter(|module| !module.name.contains('.'))
        .map(|module| module.name.clone())
        .collect();
    let found = roots
        .iter()
        .any(|root| !candidates(project_dir, root, &name).is_empty());
    if found || extensions.is_empty() || extensions.contains(&name) {
        vec![name]
    } else {
        extensions
    }
}

/// The module that `module-dirs` maps `name` to: a package directory or a `.py` file.
fn mapped_module(
    project_dir: &Path,
    pyproject: &PyProject,
    name: &str,
    dir: &str,
    span: &Option<std::ops::Range<usize>>,
) -> Result<Module> {
    let path = project_dir.join(dir);
    let is_package = path.is_dir();
    if is_package && holds_files(&path) || !is_package && dir.ends_with(".py") && path.is_file() {
        return Ok(Module {
            name: name.to_string(),
            path: dir.to_string(),
            is_package,
        });
    }
    let key = format!("tool.rustbackend.module-dirs.{name}");
    let problem = if is_package {
        format!("`{key}` names `{dir}/`, which holds no files")
    } else {
        format!("`{key}` names `{dir}`, which is neither a directory nor a `.py` file")
    };
    Err(
        pyproject.error(vec![Diagnostic::new(&key, problem).at(span.clone()).help(
            "name the directory (or `.py` file) that holds the module, relative to pyproject.toml",
        )]),
    )
}

/// Whether `name` is a top-level extension module of `[[tool.rustbackend.ext-modules]]`.
fn is_extension_module(pyproject: &PyProject, name: &str) -> bool {
    !name.contains('.')
        && pyproject
            .settings
            .ext_modules
            .iter()
            .any(|module| module.name == name)
}

fn join(root: &str, rel: &str) -> String {
    if root.is_empty() {
        rel.to_string()
    } else {
        format!("{root}/{rel}")
    }
}

/// The candidates for module `name` under `root`: (path, is_package) pairs that exist.
fn candidates(project_dir: &Path, root: &str, name: &str) -> Vec<(String, bool)> {
    let rel = name.replace('.', "/");
    let mut found = Vec::new();
    let dir = join(root, &rel);
    if project_dir.join(&dir).is_dir() && spelled_exactly(project_dir, &dir) {
        found.push((dir, true));
    }
    let file = join(root, &format!("{rel}.py"));
    if !name.ends_with("-stubs")
        && project_dir.join(&file).is_file()
        && spelled_exactly(project_dir, &file)
    {
        found.push((file, false));
    }
    found
}

/// Whether every name of the `/`-separated `rel` below `base` is spelled on disk exactly as
/// given. On case-insensitive file systems (macOS, Windows) `src/mypkg` exists when the
/// directory is `src/MyPkg`; packing it as `mypkg/` would give a wheel whose import works
/// there and fails on Linux, so only an exact spelling is a module.
fn spelled_exactly(base: &Path, rel: &str) -> bool {
    let mut dir = base.to_path_buf();
    for name in rel.split('/') {
        let listed = std::fs::read_dir(&dir).is_ok_and(|mut entries| {
            entries.any(|e| e.is_ok_and(|e| e.file_name() == std::ffi::OsStr::new(name)))
        });
        if !listed {
            return false;
        }
        dir.push(name);
    }
    true
}

/// The module name derived from the project name: the import name, or for a PEP 561 stub
/// project (`foo-stubs`) the stub package directory `foo-stubs`.
pub fn default_module_name(project_name: &str) -> String {
    let normalized = names::normalize(project_name);
    match normalized.strip_suffix("-stubs") {
        Some(base) if !base.is_empty() => format!("{}-stubs", names::default_import_name(base)),
        _ => names::default_import_name(project_name),
    }
}

/// Whether `dir` holds a file that could be packed (not only caches, bytecode or
/// placeholders such as `.gitkeep`), at any depth.
fn holds_files(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => {
                !rules::EXCLUDED_DIRS.contains(&name.as_str()) && holds_files(&entry.path())
            }
            Ok(_) => !rules::is_junk_file(&name) && !matches!(name.as_str(), ".gitkeep" | ".keep"),
            Err(_) => false,
        }
    })
}

/// The modules a root holds under the package path `parent` (`a/b/` or empty), as (import
/// name's last part, path as shown), in name order; tests, docs and `setup.py` are left out.
fn modules_in(project_dir: &Path, root: &str, parent: &str) -> Vec<(String, String)> {
    let dir = join(root, parent);
    let Ok(entries) = std::fs::read_dir(project_dir.join(&dir)) else {
        return Vec::new();
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    entries
        .into_iter()
        .filter_map(|entry| {
            let file = entry.file_name().to_string_lossy().into_owned();
            let (stem, shown) = if entry.path().is_dir() {
                (file.clone(), format!("{}{file}/", join(root, parent)))
            } else {
                let stem = file.strip_suffix(".py")?;
                (stem.to_string(), join(root, &format!("{parent}{file}")))
            };
            let skipped = matches!(
                stem.as_str(),
                "setup" | "conftest" | "tests" | "test" | "docs" | "src"
            );
            (names::is_identifier(&stem) && !skipped).then_some((stem, shown))
        })
        .collect()
}

/// The existing module closest in spelling to `name` (within a third of its length), as
/// (import name, path as shown).
fn near_miss(project_dir: &Path, roots: &[&str], name: &str) -> Option<(String, String)> {
    let (parent, last) = match name.rsplit_once('.') {
        Some((parent, last)) => (format!("{}/", parent.replace('.', "/")), last),
        None => (String::new(), name),
    };
    let wanted = last.to_lowercase().replace('-', "_");
    let mut best: Option<(usize, String, String)> = None;
    for root in roots {
        for (stem, shown) in modules_in(project_dir, root, &parent) {
            let distance = strsim::damerau_levenshtein(&wanted, &stem.to_lowercase());
            let close = distance <= 2.max(wanted.chars().count() / 3);
            if close && best.as_ref().is_none_or(|(d, _, _)| distance < *d) {
                let import = if parent.is_empty() {
                    stem.clone()
                } else {
                    format!("{}{stem}", parent.replace('/', "."))
                };
                best = Some((distance, import, shown));
            }
        }
    }
    best.map(|(_, import, shown)| (import, shown))
}

/// For a dotted module name, the parent directories that hold an `__init__.py` (which
/// makes them regular packages, not namespaces the wheel can share).
fn regular_parents(project_dir: &Path, root: &str, name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split('.').collect();
    (1..parts.len()).find_map(|i| {
        let init = join(root, &format!("{}/__init__.py", parts[..i].join("/")));
        project_dir.join(&init).is_file().then_some(init)
    })
}

/// Finds the modules of `pyproject` inside `project_dir`.
pub fn discover(project_dir: &Path, pyproject: &PyProject) -> Result<Layout> {
    let settings = &pyproject.settings;
    let roots: Vec<&str> = match &settings.module_root {
        Some(root) => vec![root.as_str()],
        None => vec!["src", ""],
    };
    let mut names: Vec<String> = match (&settings.module_names, settings.module_dirs.is_empty()) {
        (Some(names), _) => names.clone(),
        (None, true) => default_module_names(project_dir, pyproject, &roots),
        (None, false) => Vec::new(),
    };
    for (name, _, _) in &settings.module_dirs {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let set = settings.module_names.is_some();
    // Point at the `module-name` value (or its item `i`) when it is set.
    let fail = |i: usize, message: String, help: String| {
        let keys = ["tool", "rustbackend", "module-name"];
        let span = pyproject
            .value_span(&keys, Some(i))
            .or_else(|| pyproject.value_span(&keys, None));
        Err(pyproject.error(vec![Diagnostic::new(
            "tool.rustbackend.module-name",
            message,
        )
        .at(span)
        .help(help)]))
    };

    let mut module_root: Option<&str> = None;
    let mut modules = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if let Some((_, dir, span)) = settings.module_dirs.iter().find(|(n, _, _)| n == name) {
            modules.push(mapped_module(project_dir, pyproject, name, dir, span)?);
            continue;
        }
        let search: Vec<&str> = match module_root {
            Some(root) => vec![root],
            None => roots.clone(),
        };
        let mut found: Vec<(&str, String, bool)> = Vec::new();
        for root in &search {
            for (path, is_package) in candidates(project_dir, root, name) {
                found.push((root, path, is_package));
            }
        }
        match found.len() {
            // A distribution whose module is a top-level extension module (`import fastjson`
            // loads `fastjson.*.so`): nothing to find among the sources, the build makes it.
            0 if is_extension_module(pyproject, name) => {}
            0 => {
                let looked: Vec<String> = search
                    .iter()
                    .flat_map(|root| {
                        let rel = name.replace('.', "/");
                        [
                            join(root, &format!("{rel}/")),
                            join(root, &format!("{rel}.py")),
                        ]
                    })
                    .collect();
                let near = near_miss(project_dir, &search, name);
                let help = match (&near, set) {
                    (Some((found, path)), true) => format!("did you mean \"{found}\"? `{path}` exists; correct `module-name`"),
                    (Some((found, path)), false) => format!("set `module-name = \"{found}\"` under [tool.rustbackend]: `{path}` exists"),
                    (None, true) => "correct `module-name` (the import name) and, if the code is not in `src/` or the project root, set `module-root` under [tool.rustbackend]".into(),
                    (None, false) => "set `module-name` (the import name) and, if the code is not in `src/` or the project root, `module-root` under [tool.rustbackend]".into(),
                };
                // Name what is there when nothing is spelled close: the author sees at once
                // that `src/myapp/` is the package and the name is what differs.
                let seen: Vec<String> = search
                    .iter()
                    .flat_map(|root| modules_in(project_dir, root, ""))
                    .map(|(_, shown)| format!("`{shown}`"))
                    .take(5)
                    .collect();
                let help = match (&near, seen.as_slice()) {
                    (None, [_, ..]) => format!("found {} instead; {help}", seen.join(", ")),
                    _ => help,
                };
                return fail(
                    i,
                    format!(
                        "no module `{name}` found for project `{}`; looked for {}",
                        pyproject.project.name,
                        looked.join(", ")
                    ),
                    help,
                );
            }
            1 => {
                let (root, path, is_package) = found.remove(0);
                if let Some(init) = regular_parents(project_dir, root, name) {
                    let top = name.split('.').next().unwrap_or(name);
                    return fail(
                        i,
                        format!("module `{name}` is meant to live in the namespace `{top}`, but `{init}` makes that a regular package, which the wheel would not contain"),
                        format!("remove `{init}` so the namespace can be shared (PEP 420), or set `module-name = \"{top}\"` to pack the whole package"),
                    );
                }
                if is_package && !holds_files(&project_dir.join(&path)) {
                    return fail(
                        i,
                        format!("the package directory `{path}/` holds no files, so the wheel would hold no module `{name}`"),
                        "add the package's code (an `__init__.py` at least), or remove the empty directory".into(),
                    );
                }
                module_root = Some(root);
                modules.push(Module {
                    name: name.clone(),
                    path,
                    is_package,
                });
            }
            _ => {
                let paths: Vec<String> = found
                    .iter()
                    .map(|(_, p, dir)| if *dir { format!("{p}/") } else { p.clone() })
                    .collect();
                return fail(
                    i,
                    format!("module `{name}` is ambiguous: found {}", paths.join(" and ")),
                    "set `module-root` under [tool.rustbackend] to the directory that holds the module (such as \"src\" or \"\"), or remove the stray copy".into(),
                );
            }
        }
    }
    Ok(Layout {
        module_root: module_root.unwrap_or("").to_string(),
        modules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_map_import_names_to_their_files_wherever_they_live() {
        let module = |name: &str, path: &str, is_package| Module {
            name: name.into(),
            path: path.into(),
            is_package,
        };
        let renamed = module("pkg", "lib/pkg_py3", true);
        assert_eq!(renamed.archive_path(), "pkg");
        assert!(!renamed.at_import_path("lib"));
        assert_eq!(
            renamed.locate("pkg.cli").as_deref(),
            Some("lib/pkg_py3/cli")
        );
        assert_eq!(renamed.locate("pkg").as_deref(), Some("lib/pkg_py3"));
        assert_eq!(renamed.locate("pkgx.cli"), None);
        let namespaced = module("acme.widgets", "src/acme/widgets", true);
        assert!(namespaced.at_import_path("src"));
        assert_eq!(namespaced.archive_path(), "acme/widgets");
        let single = module("tool", "tool.py", false);
        assert!(single.at_import_path(""));
        assert_eq!(single.archive_path(), "tool.py");
        assert_eq!(single.locate("tool").as_deref(), Some("tool"));
        assert_eq!(single.locate("tool.sub"), None);
    }

    #[test]
    fn only_the_exact_spelling_is_a_module() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/MyPkg")).unwrap();
        std::fs::write(dir.path().join("src/MyPkg/__init__.py"), "").unwrap();
        std::fs::write(dir.path().join("Single.py"), "").unwrap();
        assert!(spelled_exactly(dir.path(), "src/MyPkg"));
        assert!(!spelled_exactly(dir.path(), "src/mypkg"));
        assert!(!spelled_exactly(dir.path(), "SRC/MyPkg"));
        assert_eq!(
            candidates(dir.path(), "src", "MyPkg"),
            vec![("src/MyPkg".to_string(), true)]
        );
        // A case-insensitive file system (Windows, macOS; Wine in our tests) says `src/mypkg`
        // exists; it is still not the module `mypkg`.
        assert!(candidates(dir.path(), "src", "mypkg").is_empty());
        assert!(candidates(dir.path(), "", "single").is_empty());
        assert_eq!(
            candidates(dir.path(), "", "Single"),
            vec![("Single.py".to_string(), false)]
        );
    }
}
