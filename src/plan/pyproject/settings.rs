//! `[tool.rustbackend]`: the backend's own settings, with their defaults in one place.

use std::str::FromStr;

use super::ext_modules::read_ext_modules;
pub use super::ext_modules::{ExtModule, Language, DEFAULT_CYTHON, EXT_MODULE_KEYS};
use super::fields::{Checker, TableAt};
use super::wheel_data::{read_wheel_data, DataSource};
use crate::error::Diagnostic;
use crate::files::paths::{outside_project, Outside};
use crate::names;

/// The keys `[tool.rustbackend]` accepts.
pub const SETTINGS_KEYS: &[&str] = &[
    "module-name",
    "module-root",
    "module-dirs",
    "version-file",
    "version-source",
    "git-local-version",
    "exclude",
    "artifacts",
    "wheel",
    "sdist",
    "editable",
    "allow-external-links",
    "compression-level",
    "ext-modules",
    "cython",
];

/// The keys `[tool.rustbackend.editable]` accepts.
pub const EDITABLE_KEYS: &[&str] = &["mode", "rebuild"];

/// How an editable install makes the project importable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EditableMode {
    /// A `.pth` file puts the module root on `sys.path` (what IDEs and type checkers read).
    #[default]
    Pth,
    /// An import finder maps only the project's own modules to their sources.
    Strict,
}

impl EditableMode {
    /// Parses `"pth"` or `"strict"`.
    pub fn parse(value: &str) -> Option<EditableMode> {
        match value {
            "pth" => Some(EditableMode::Pth),
            "strict" => Some(EditableMode::Strict),
            _ => None,
        }
    }
}

/// The keys `[tool.rustbackend.wheel]` accepts.
pub const WHEEL_KEYS: &[&str] = &[
    "exclude",
    "data",
    "sboms",
    "tag",
    "python-tag",
    "abi-tag",
    "platform-tag",
];

/// The keys `[tool.rustbackend.sdist]` accepts.
pub const SDIST_KEYS: &[&str] = &["include", "exclude"];

/// Where a dynamic version comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VersionSource {
    /// `__version__ = "..."` in the package's `__init__.py` or in `version-file`.
    #[default]
    File,
    /// The latest git tag (`v1.2.3` or `1.2.3`), with a dev suffix for later commits.
    Git,
}

/// Validated `[tool.rustbackend]` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Import names of the top-level modules to pack; `None` means derive it from the
    /// project name.
    pub module_names: Option<Vec<String>>,
    /// `module-dirs`: top-level modules whose directory (or `.py` file) is named differently
    /// from the import name, as (import name, project path, span of the path).
    pub module_dirs: Vec<(String, String, Option<std::ops::Range<usize>>)>,
    /// The directory (relative, `/`-separated) that holds the modules; `None` means look in
    /// `src/` and then in the project root.
    pub module_root: Option<String>,
    /// The file holding `__version__ = "..."` when the version is dynamic.
    pub version_file: Option<String>,
    /// Where a dynamic version comes from.
    pub version_source: VersionSource,
    /// Whether a version from git drops its local label (`+g1a2b3c4`, `+dirty`):
    /// `git-local-version = false`, setuptools-scm's `local_scheme = "no-local-version"`.
    pub drop_git_local_label: bool,
    /// Globs of files left out of both artifacts.
    pub exclude: Vec<String>,
    /// Globs of files that ship although an ignore rule covers them (generated files such as
    /// built JS bundles or a generated `_version.py`).
    pub artifacts: Vec<String>,
    /// Globs of files left out of the wheel.
    pub wheel_exclude: Vec<String>,
    /// What goes into the wheel's `.data` directories.
    pub wheel_data: Vec<DataSource>,
    /// SBOM files for `.dist-info/sboms/` (PEP 770).
    pub wheel_sboms: Vec<String>,
    /// `wheel.tag`: the whole tag, overriding inference.
    pub wheel_tag: Option<crate::tags::WheelTag>,
    /// `wheel.python-tag`, `wheel.abi-tag`, `wheel.platform-tag`: parts overriding inference.
    pub wheel_tag_parts: [Option<String>; 3],
    /// Globs of files the sdist holds even when ignored or excluded by default.
    pub sdist_include: Vec<String>,
    /// Globs of files left out of the sdist.
    pub sdist_exclude: Vec<String>,
    /// How editable installs work, unless `-C editable-mode=...` says otherwise.
    pub editable_mode: EditableMode,
    /// `editable.rebuild`: whether an editable install rebuilds changed extension modules
    /// on import (`None`: the default, yes), unless `-C editable-rebuild` says otherwise.
    pub editable_rebuild: Option<bool>,
    /// Follow symbolic links that leave the project (monorepos sharing a LICENSE).
    pub allow_external_links: bool,
    /// C extension modules to compile.
    pub ext_modules: Vec<ExtModule>,
    /// The Cython requirement the build asks for when a module has `.pyx` sources.
    pub cython: String,
    /// The deflate level (0-9) for wheels and sdists; `None` means
    /// [`crate::archive::COMPRESSION_LEVEL`].
    pub compression_level: Option<u32>,
}

/// Reads an array of globs, each checked for the one glob dialect.
fn globs(checker: &mut Checker, table: &TableAt<'_>, name: &str) -> Vec<String> {
    let key = table.child_key(name);
    let example = format!("{name} = [\"docs/_build/**\", \"**/*.log\"]");
    let mut out = Vec::new();
    for glob in checker
        .string_array(table, name, &example)
        .unwrap_or_default()
    {
        match crate::files::globs::check_glob(glob.value) {
            Ok(()) => out.push(glob.value.to_string()),
            Err(message) => checker.push(
                Diagnostic::new(&key, format!("`{key}` has an invalid glob: {message}"))
                    .at(glob.span)
                    .help("write globs relative to the project root with `/`, such as \"tests/**\" or \"**/*.tmp\""),
            ),
        }
    }
    out
}

fn read_wheel(checker: &mut Checker, parent: &TableAt<'_>, settings: &mut Settings) {
    let Some(wheel) = checker.table(
        parent,
        "wheel",
        "tool.rustbackend.wheel",
        "[tool.rustbackend.wheel]",
    ) else {
        return;
    };
    checker.unknown_keys(&wheel, WHEEL_KEYS);
    settings.wheel_exclude = globs(checker, &wheel, "exclude");
    settings.wheel_data = read_wheel_data(checker, &wheel);
    if let Some(tag) = checker.string(&wheel, "tag", "tag = \"py3-none-manylinux_2_17_x86_64\"") {
        match crate::tags::WheelTag::parse(tag.value) {
            Ok(parsed) => settings.wheel_tag = Some(parsed),
            Err(message) => checker.push(
                Diagnostic::new("tool.rustbackend.wheel.tag", format!("`tool.rustbackend.wheel.tag`: {message}"))
                    .at(tag.span.clone())
                    .help("write python-abi-platform, such as \"cp311-cp311-manylinux_2_17_x86_64\" or \"py3-none-any\""),
            ),
        }
    }
    for (i, (name, what)) in [
        ("python-tag", "python"),
        ("abi-tag", "ABI"),
        ("platform-tag", "platform"),
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(part) = checker.string(&wheel, name, &format!("{name} = \"...\"")) {
            let key = wheel.child_key(name);
            match crate::tags::check_part(what, part.value) {
                Ok(()) => settings.wheel_tag_parts[i] = Some(part.value.to_string()),
                Err(message) => checker.push(
                    Diagnostic::new(&key, format!("`{key}`: {message}"))
                        .at(part.span.clone())
                        .help("tags are lowercase, such as py3, cp311, abi3, none, any, manylinux_2_17_x86_64"),
                ),
            }
        }
    }
    for sbom in checker
        .string_array(&wheel, "sboms", "sboms = [\"sbom.cdx.json\"]")
        .unwrap_or_default()
    {
        if let Some(path) = project_path(checker, "tool.rustbackend.wheel.sboms", &sbom) {
            settings.wheel_sboms.push(path);
        }
    }
}

fn read_sdist(checker: &mut Checker, parent: &TableAt<'_>, settings: &mut Settings) {
    let Some(sdist) = checker.table(
        parent,
        "sdist",
        "tool.rustbackend.sdist",
        "[tool.rustbackend.sdist]",
    ) else {
        return;
    };
    checker.unknown_keys(&sdist, SDIST_KEYS);
    settings.sdist_include = globs(checker, &sdist, "include");
    settings.sdist_exclude = globs(checker, &sdist, "exclude");
}

/// Checks that a path named in `[tool.rustbackend]` stays inside the project; returns it
/// with `/` separators and without a leading `./`.
pub(super) fn project_path(
    checker: &mut Checker,
    key: &str,
    value: &super::Spanned<&str>,
) -> Option<String> {
    if let Some(outside) = outside_project(value.value) {
        let problem = match outside {
            Outside::Backslash => "must use `/` between directories",
            Outside::Absolute | Outside::Parent => "must be inside the project",
        };
        checker.push(
            Diagnostic::new(key, format!("`{key}` {problem}, got `{}`", value.value))
                .at(value.span.clone())
                .help("use a path relative to pyproject.toml, with `/` and without `..`"),
        );
        return None;
    }
    Some(
        value
            .value
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string(),
    )
}

/// Reads `[tool.rustbackend]` (`table` is `None` when the table is absent).
pub fn read_settings(checker: &mut Checker, table: Option<&TableAt<'_>>) -> Settings {
    let Some(table) = table else {
        return Settings::default();
    };
    checker.unknown_keys(table, SETTINGS_KEYS);
    let mut settings = Settings::default();

    if let Some(item) = table.get("module-name") {
        let example = "module-name = \"my_package\"";
        let names: Vec<(String, Option<std::ops::Range<usize>>)> = if let Some(name) = item.as_str()
        {
            vec![(name.to_string(), item.span())]
        } else {
            checker
                .string_array(table, "module-name", example)
                .unwrap_or_default()
                .into_iter()
                .map(|s| (s.value.to_string(), s.span))
                .collect()
        };
        for (name, span) in &names {
            if !names::is_module_name(name) {
                checker.push(
                    Diagnostic::new(
                        "tool.rustbackend.module-name",
                        format!(
                            "`tool.rustbackend.module-name` is not a Python module name: `{name}`"
                        ),
                    )
                    .at(span.clone())
                    .help("use an import name such as \"my_package\", \"acme.widgets\" or \"my_package-stubs\""),
                );
            }
        }
        if names.is_empty() && item.as_array().is_some() {
            checker.push(
                Diagnostic::new(
                    "tool.rustbackend.module-name",
                    "`tool.rustbackend.module-name` is empty",
                )
                .at(item.span())
                .help("name at least one module, or remove the key to use the project name"),
            );
        }
        settings.module_names = Some(names.into_iter().map(|(n, _)| n).collect());
    }

    let example = "module-dirs = { my_package = \"lib/my_package_py3\" }";
    if let Some(dirs) = checker.string_table(
        table,
        "module-dirs",
        "tool.rustbackend.module-dirs",
        example,
    ) {
        for (name, path) in dirs {
            if !names::is_module_name(name.value) || name.value.contains('.') {
                checker.push(
                    Diagnostic::new("tool.rustbackend.module-dirs", format!("`tool.rustbackend.module-dirs`: `{}` is not a top-level import name", name.value))
                        .at(name.span.clone())
                        .help("map a top-level import name to its directory, such as `my_package = \"lib/my_package_py3\"`"),
                );
                continue;
            }
            let key = format!("tool.rustbackend.module-dirs.{}", name.value);
            if let Some(dir) = project_path(checker, &key, &path) {
                settings
                    .module_dirs
                    .push((name.value.to_string(), dir, path.span.clone()));
            }
        }
    }
    if let Some(root) = checker.string(table, "module-root", "module-root = \"src\"") {
        settings.module_root = project_path(checker, "tool.rustbackend.module-root", &root);
    }
    if let Some(file) = checker.string(
        table,
        "version-file",
        "version-file = \"src/my_package/_version.py\"",
    ) {
        settings.version_file = project_path(checker, "tool.rustbackend.version-file", &file);
    }
    if let Some(source) = checker.string(table, "version-source", "version-source = \"git\"") {
        match source.value {
            "file" => settings.version_source = VersionSource::File,
            "git" => settings.version_source = VersionSource::Git,
            other => checker.push(
                Diagnostic::new("tool.rustbackend.version-source", format!("`tool.rustbackend.version-source` must be \"file\" or \"git\", got `{other}`"))
                    .at(source.span.clone())
                    .help("use \"file\" (read `__version__`) or \"git\" (read the latest tag)"),
            ),
        }
    }
    settings.drop_git_local_label =
        checker.boolean(table, "git-local-version", "git-local-version = false") == Some(false);
    settings.exclude = globs(checker, table, "exclude");
    settings.artifacts = globs(checker, table, "artifacts");
    settings.ext_modules = read_ext_modules(checker, table);
    settings.compression_level = checker
        .integer(table, "compression-level", 0..=9, "compression-level = 9")
        .map(|level| level as u32);
    settings.cython = DEFAULT_CYTHON.to_string();
    if let Some(requirement) = checker.string(table, "cython", "cython = \"Cython==3.2.9\"") {
        let name: String = requirement
            .value
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        // The stray-character check first: pep508_rs panics on some of them.
        let valid = crate::names::normalize(&name) == "cython"
            && super::dependencies::stray_character(requirement.value).is_none()
            && pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(requirement.value)
                .is_ok();
        if valid {
            settings.cython = requirement.value.trim().to_string();
        } else {
            checker.push(
                Diagnostic::new(
                    "tool.rustbackend.cython",
                    format!(
                        "`tool.rustbackend.cython` must be a requirement on Cython, got `{}`",
                        requirement.value
                    ),
                )
                .at(requirement.span.clone())
                .help("write a PEP 508 requirement such as \"Cython==3.2.9\" or \"Cython>=3.1\""),
            );
        }
    }
    settings.allow_external_links = checker
        .boolean(table, "allow-external-links", "allow-external-links = true")
        .unwrap_or(false);
    read_wheel(checker, table, &mut settings);
    read_sdist(checker, table, &mut settings);
    let example = "[tool.rustbackend.editable]\nmode = \"strict\"";
    if let Some(editable) = checker.table(table, "editable", "tool.rustbackend.editable", example) {
        checker.unknown_keys(&editable, EDITABLE_KEYS);
        settings.editable_rebuild = checker.boolean(
            &editable,
            "rebuild",
            "[tool.rustbackend.editable]\nrebuild = false",
        );
        if let Some(mode) = checker.string(&editable, "mode", example) {
            match EditableMode::parse(mode.value) {
                Some(parsed) => settings.editable_mode = parsed,
                None => checker.push(
                    Diagnostic::new("tool.rustbackend.editable.mode", format!("`tool.rustbackend.editable.mode` must be \"pth\" or \"strict\", got `{}`", mode.value))
                        .at(mode.span.clone())
                        .help("use \"pth\" (the module root on sys.path; IDEs understand it) or \"strict\" (only the project's own modules importable)"),
                ),
            }
        }
    }
    settings
}
