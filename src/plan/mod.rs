//! The build plan: a validated project, its layout and license files, and every derived
//! name (distribution name, version, `.dist-info`, file names) computed once for all hooks.

use std::path::{Path, PathBuf};

pub mod classifiers;
pub mod git_version;
pub mod layout;
pub mod license;
pub mod license_classifiers;
mod license_files;
pub mod pyproject;
pub mod version;

use crate::error::{Diagnostic, Error, Result};
use crate::files::globs::Excludes;
use crate::files::walk::{self, FileEntry};
use crate::names;
use layout::Layout;
use pep440_rs::Version;
use pyproject::{PyProject, PYPROJECT};

use license_files::resolve_license_files;
pub use license_files::DEFAULT_LICENSE_GLOBS;

/// Everything a hook needs to know before writing.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The project directory (holding pyproject.toml).
    pub project_dir: PathBuf,
    /// The validated pyproject.toml.
    pub pyproject: PyProject,
    /// Where the modules are.
    pub layout: Layout,
    /// License files, with archive paths relative to the project root.
    pub license_files: Vec<FileEntry>,
    /// Warnings to show the user.
    pub warnings: Vec<String>,
    /// The escaped distribution name used in file names (`my_project`).
    pub dist_name: String,
    /// The version: static, or resolved from its dynamic source.
    pub version: Version,
    /// The project's ignore rules (`.gitignore` files, and git's own when in a checkout).
    pub ignore_rules: std::sync::Arc<crate::files::ignore_rules::IgnoreRules>,
    /// The file a dynamic version was read from (relative to the project), packed even
    /// when an ignore rule covers it.
    pub version_file: Option<String>,
}

impl Plan {
    /// Reads and validates the project in `project_dir`.
    pub fn load(project_dir: &Path) -> Result<Plan> {
        let pyproject = pyproject::load(project_dir)?;
        let layout = layout::discover(project_dir, &pyproject)?;
        let (version, version_file) = version::resolve(project_dir, &pyproject, &layout)?;
        let mut warnings = Vec::new();
        if let Some(pyproject::License::Text(_)) = &pyproject.project.license {
            warnings.push(pyproject.warning_at(&["project", "license"], None,
                "`project.license` as a table is deprecated (PEP 639); write an SPDX expression such as `license = \"MIT\"` and list license files in `license-files`",
            ));
        }
        if let Some(pyproject::License::Expression(_)) = &pyproject.project.license {
            // Those that contradict the expression were refused while reading.
            for (i, classifier) in pyproject.project.classifiers.iter().enumerate() {
                if license_classifiers::is_license_classifier(classifier) {
                    warnings.push(pyproject.warning_at(&["project", "classifiers"], Some(i), &format!(
                        "the license classifier `{classifier}` is deprecated next to the `project.license` expression (PEP 639); remove it, the expression says it all"
                    )));
                }
            }
        }
        warnings.extend(pyproject::entry_points::extras_warnings(&pyproject));
        warnings.extend(check_entry_point_modules(project_dir, &pyproject, &layout)?);
        let project = &pyproject.project;
        let all_dependencies = project
            .dependencies
            .iter()
            .chain(project.optional_dependencies.iter().flat_map(|(_, d)| d));
        for dependency in
            all_dependencies.filter(|d| pyproject::dependencies::uses_arbitrary_equality(d))
        {
            let at = pyproject.source().find(&dependency.requirement);
            warnings.push(pyproject.warning_for(at.map(|i| i..i + 1), &format!(
                "the requirement `{}` uses arbitrary equality (`===`), which compares versions as plain strings; the version specifiers specification discourages it: prefer `==`",
                dependency.requirement
            )));
        }
        let license_files = resolve_license_files(project_dir, &pyproject)?;
        check_wheel_files(project_dir, &pyproject)?;
        let project = &pyproject.project;
        Ok(Plan {
            dist_name: names::escape_for_filename(&project.name),
            version,
            version_file,
            ignore_rules: std::sync::Arc::new(crate::files::ignore_rules::IgnoreRules::new(
                project_dir,
            )),
            project_dir: project_dir.to_path_buf(),
            layout,
            license_files,
            warnings,
            pyproject,
        })
    }

    /// The pyproject.toml text for the sdist: as written, or with a dynamic version frozen in
    /// (and the version's file added to `artifacts` when an ignore rule covers it).
    pub fn sdist_pyproject(&self) -> Result<String> {
        if self.pyproject.project.version.is_some() {
            return Ok(self.pyproject.text.clone());
        }
        let ignored = self.version_file.as_deref().filter(|file| {
            let path = self.project_dir.join(file);
            let path = path.canonicalize().unwrap_or(path);
            self.ignore_rules.is_ignored(&path, false)
        });
        version::freeze(&self.pyproject.text, &self.version, ignored)
    }

    /// `{name}-{version}.dist-info`.
    pub fn dist_info(&self) -> String {
        format!("{}-{}.dist-info", self.dist_name, self.version)
    }

    /// `{name}-{version}`: the sdist's base name and top-level directory.
    pub fn sdist_base(&self) -> String {
        format!("{}-{}", self.dist_name, self.version)
    }

    /// The wheel's file name for `tag`.
    pub fn wheel_filename(&self, tag: &str) -> String {
        format!("{}-{}-{tag}.whl", self.dist_name, self.version)
    }

    /// What `[tool.rustbackend] exclude` and `[tool.rustbackend.wheel] exclude` leave out
    /// of the wheel.
    pub fn wheel_excludes(&self) -> Result<Excludes> {
        let settings = &self.pyproject.settings;
        Excludes::new(settings.exclude.iter().chain(&settings.wheel_exclude))
    }

    /// What `[tool.rustbackend] exclude` and `[tool.rustbackend.sdist] exclude` leave out
    /// of the sdist.
    pub fn sdist_excludes(&self) -> Result<Excludes> {
        let settings = &self.pyproject.settings;
        Excludes::new(settings.exclude.iter().chain(&settings.sdist_exclude))
    }

    /// The deflate level for this project's archives.
    pub fn compression_level(&self) -> u32 {
        self.pyproject
            .settings
            .compression_level
            .unwrap_or(crate::archive::COMPRESSION_LEVEL)
    }

    /// How to walk the project when choosing wheel files.
    pub fn walk_options(&self) -> walk::WalkOptions<'static> {
        plan_walk_options(&self.pyproject)
    }

    /// License file paths as listed in `License-File`.
    pub fn license_paths(&self) -> Vec<String> {
        self.license_files
            .iter()
            .map(|f| f.archive_path.clone())
            .collect()
    }
}

/// Checks that every script and entry point names a module the wheel holds. One inside a
/// package or module the project ships (not a namespace, which other distributions share) is
/// an error at its line, since nothing else can provide it; one elsewhere may come from a
/// dependency, so it is a warning.
fn check_entry_point_modules(
    project_dir: &Path,
    pyproject: &PyProject,
    layout: &Layout,
) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (keys, key, name, value) in pyproject::entry_points::all_entries(&pyproject.project) {
        let Some(parsed) = pyproject::entry_points::parse_value(value) else {
            continue;
        };
        if layout_holds(project_dir, pyproject, layout, parsed.module) {
            continue;
        }
        let span = pyproject.value_span(&keys, None);
        let module = parsed.module;
        match own_module(project_dir, layout, module) {
            Some(owner) => errors.push(
                Diagnostic::new(&key, format!("`{key}.{name}` names the module `{module}`, which the wheel would not hold; `{}` is this project's own, so no dependency can provide it", owner.name))
                    .at(span)
                    .help(format!("correct the reference, or create `{}`", module_file(layout, module))),
            ),
            None => warnings.push(pyproject.warning_for(span, &format!(
                "`{key}.{name}` names the module `{module}`, which the wheel does not contain; correct the reference unless a dependency provides that module"
            ))),
        }
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(pyproject.error(errors))
    }
}

/// The project's own package or module that `dotted` would live in: one the wheel ships
/// that no other distribution can add to (a regular package or a single module, not a
/// namespace package).
fn own_module<'a>(
    project_dir: &Path,
    layout: &'a Layout,
    dotted: &str,
) -> Option<&'a layout::Module> {
    layout
        .modules
        .iter()
        .filter(|m| dotted == m.name || dotted.starts_with(&format!("{}.", m.name)))
        .find(|m| !m.is_package || project_dir.join(&m.path).join("__init__.py").is_file())
}

/// Where the module `dotted` would be written as a `.py` file, relative to the project.
fn module_file(layout: &Layout, dotted: &str) -> String {
    if let Some(base) = layout.modules.iter().find_map(|m| m.locate(dotted)) {
        return format!("{base}.py");
    }
    let file = format!("{}.py", dotted.replace('.', "/"));
    if layout.module_root.is_empty() {
        file
    } else {
        format!("{}/{file}", layout.module_root.trim_end_matches('/'))
    }
}

/// Whether the wheel will hold the module `dotted`: a `.py` file, a package or namespace
/// directory, a compiled module in the tree, or an extension module to compile.
fn layout_holds(project_dir: &Path, pyproject: &PyProject, layout: &Layout, dotted: &str) -> bool {
    if pyproject
        .settings
        .ext_modules
        .iter()
        .any(|m| m.name == dotted)
    {
        return true;
    }
    let Some(base) = layout.modules.iter().find_map(|m| m.locate(dotted)) else {
        return false;
    };
    let base = project_dir.join(base);
    if base.is_dir() || base.with_extension("py").is_file() {
        return true;
    }
    // A compiled module shipped in the tree: `name.cpython-312-x86_64-linux-gnu.so`, `name.pyd`.
    let (Some(dir), Some(stem)) = (base.parent(), base.file_name()) else {
        return false;
    };
    let prefix = format!("{}.", stem.to_string_lossy());
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            file.starts_with(&prefix) && (file.ends_with(".so") || file.ends_with(".pyd"))
        })
    })
}

/// How to walk the project for the wheel and license files.
fn plan_walk_options(pyproject: &PyProject) -> walk::WalkOptions<'static> {
    walk::WalkOptions {
        external_links: pyproject.settings.allow_external_links,
        ..walk::WalkOptions::default()
    }
}

/// Checks that the `.data` directories and SBOM files named in `[tool.rustbackend.wheel]`
/// and the sources of extension modules exist, and that no two SBOMs share a file name.
fn check_wheel_files(project_dir: &Path, pyproject: &PyProject) -> Result<()> {
    let settings = &pyproject.settings;
    let mut problems = Vec::new();
    for source in &settings.wheel_data {
        if !project_dir.join(&source.path).exists() {
            let full = format!("tool.rustbackend.wheel.data.{}", source.key);
            problems.push(
                Diagnostic::new(
                    &full,
                    format!("`{full}` names `{}`, which does not exist", source.path),
                )
                .at(source.span.clone())
                .help("create the file or directory, or correct the path (relative to pyproject.toml)"),
            );
        }
    }
    for (i, module) in settings.ext_modules.iter().enumerate() {
        for source in &module.sources {
            if !project_dir.join(source).is_file() {
                let key = format!("tool.rustbackend.ext-modules[{i}].sources");
                problems.push(
                    Diagnostic::new(
                        &key,
                        format!(
                            "the {} source `{source}` of `{}` does not exist",
                            crate::plan::pyproject::settings::Language::of(source)
                                .map_or("C", |l| l.name()),
                            module.name
                        ),
                    )
                    .help("correct the path (relative to pyproject.toml)"),
                );
            }
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, sbom) in settings.wheel_sboms.iter().enumerate() {
        let name = sbom.rsplit('/').next().unwrap_or(sbom);
        let span = pyproject.value_span(&["tool", "rustbackend", "wheel", "sboms"], Some(i));
        if !project_dir.join(sbom).is_file() {
            problems.push(
                Diagnostic::new("tool.rustbackend.wheel.sboms", format!("the SBOM file `{sbom}` does not exist"))
                    .at(span)
                    .help("generate the SBOM before building, or correct the path (relative to pyproject.toml)"),
            );
        } else if names.contains(&name) {
            problems.push(
                Diagnostic::new("tool.rustbackend.wheel.sboms", format!("two SBOM files are named `{name}`; they would land on the same path in .dist-info/sboms/"))
                    .at(span)
                    .help("rename one of them"),
            );
        }
        names.push(name);
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Config(crate::error::Report {
        file: PYPROJECT.into(),
        source: pyproject.text.clone(),
        diagnostics: problems,
    }))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    /// File names carry the PEP 440 normalized version.
    #[test]
    fn versions_normalize_like_pep_440() {
        for (given, normalized) in [
            ("1.0", "1.0"),
            ("01.02.0", "1.2.0"),
            ("1.0.0-alpha.1", "1.0.0a1"),
            ("1.0-RC2", "1.0rc2"),
            ("1.0-post1", "1.0.post1"),
            ("1.0-1", "1.0.post1"),
            ("1.0.DEV3", "1.0.dev3"),
            ("v2.1", "2.1"),
            ("1.0+Ubuntu-1", "1.0+ubuntu.1"),
            ("1!2.0", "1!2.0"),
        ] {
            let version = pep440_rs::Version::from_str(given).unwrap();
            assert_eq!(version.to_string(), normalized, "{given}");
        }
    }
}
