//! hatchling: `[tool.hatch.version]`, `[tool.hatch.metadata]`, `[tool.hatch.build]` and its
//! wheel and sdist targets, and hatch-vcs.

use std::path::Path;

use super::draft::{string_array, Draft};
use super::lit::Lit;
use super::old_toml::{Entry, OldToml};
use super::sdist_scope;

/// Reads hatchling's configuration into `draft`.
pub fn read(project_dir: &Path, old: &OldToml, draft: &mut Draft) {
    let dynamic_version = old
        .strings(&["project", "dynamic"])
        .iter()
        .any(|d| d == "version");
    let mut before = draft.refusals.len();
    version(project_dir, old, dynamic_version, draft);
    if draft.refusals.len() == before && old.get(&["tool", "hatch", "version"]).is_some() {
        draft
            .carried_tables
            .push(path(&["tool", "hatch", "version"]));
    }
    before = draft.refusals.len();
    for entry in old.entries(&["tool", "hatch", "metadata"]) {
        match entry.key.as_str() {
            "allow-direct-references" | "allow-ambiguous-features" => {}
            "hooks" => {
                for hook in old.entries(&["tool", "hatch", "metadata", "hooks"]) {
                    let readme_hook = hook.key == "fancy-pypi-readme"
                        && old
                            .strings(&["project", "dynamic"])
                            .iter()
                            .any(|d| d == "readme");
                    if readme_hook {
                        // The readme it assembles comes from the old backend's metadata and is
                        // written as static text (dynamic_fields asks for it).
                        draft.notes.push(format!(
                            "{}: hatch-fancy-pypi-readme's readme is written as static text; edit it in pyproject.toml, or point `readme` at a file",
                            hook.origin
                        ));
                    } else {
                        draft.refuse(&hook.origin, &format!("tool.hatch.metadata.hooks.{}", hook.key), "metadata hooks compute metadata when the build runs; write the values in [project]");
                    }
                }
            }
            other => draft.refuse(
                &entry.origin,
                &format!("tool.hatch.metadata.{other}"),
                "rustbackend has no equivalent",
            ),
        }
    }
    if draft.refusals.len() == before && old.get(&["tool", "hatch", "metadata"]).is_some() {
        draft
            .carried_tables
            .push(path(&["tool", "hatch", "metadata"]));
    }
    before = draft.refusals.len();
    let mut sdist_keep: Option<Vec<String>> = None;
    for (target, base) in [
        ("", vec!["tool", "hatch", "build"]),
        ("wheel", vec!["tool", "hatch", "build", "targets", "wheel"]),
        ("sdist", vec!["tool", "hatch", "build", "targets", "sdist"]),
    ] {
        for entry in old.entries(&base) {
            if target.is_empty() && matches!(entry.key.as_str(), "targets" | "hooks") {
                continue;
            }
            build_key(target, &entry, &mut sdist_keep, draft);
        }
    }
    for entry in old.entries(&["tool", "hatch", "build", "targets"]) {
        if entry.key != "wheel" && entry.key != "sdist" {
            draft.refuse(
                &entry.origin,
                &format!("tool.hatch.build.targets.{}", entry.key),
                "rustbackend builds wheels and sdists only",
            );
        }
    }
    for entry in old.entries(&["tool", "hatch", "build", "hooks"]) {
        if entry.key != "vcs" {
            draft.refuse(
                &entry.origin,
                &format!("tool.hatch.build.hooks.{}", entry.key),
                "build hooks run code while building; rustbackend runs none",
            );
        }
    }
    if let Some(mut keep) = sdist_keep {
        if let Some(readme) = old.string(&["project", "readme"]) {
            keep.push(readme.split('/').next().unwrap_or(readme).to_string());
        }
        sdist_scope::only(project_dir, &keep, draft);
    }
    if let Some(tag) = super::project_table::python_tag(old.string(&["project", "requires-python"]))
    {
        draft.setting("wheel.python-tag", tag);
    }
    if draft.refusals.len() == before && old.get(&["tool", "hatch", "build"]).is_some() {
        draft.carried_tables.push(path(&["tool", "hatch", "build"]));
    }
}

fn path(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

fn version(project_dir: &Path, old: &OldToml, dynamic_version: bool, draft: &mut Draft) {
    let source = old
        .string(&["tool", "hatch", "version", "source"])
        .unwrap_or("regex");
    let hook_file = old.string(&["tool", "hatch", "build", "hooks", "vcs", "version-file"]);
    for entry in old.entries(&["tool", "hatch", "version"]) {
        match entry.key.as_str() {
            "source" if matches!(source, "regex" | "vcs") => {}
            "path" if source == "regex" => {
                let file = entry.item.as_str().unwrap_or_default();
                if !dynamic_version {
                    continue;
                }
                if crate::plan::version::has_static_version(project_dir, file) {
                    draft.setting("version-file", file);
                    draft.make_dynamic("version");
                } else {
                    // hatch's pattern found something rustbackend does not read: the old
                    // backend's metadata gives the version.
                    draft
                        .ask_old_backend
                        .push(("version".into(), entry.origin.clone()));
                }
            }
            "raw-options" if source == "vcs" => {
                if let Lit::Map(options) = entry.lit() {
                    for (key, value) in options {
                        super::scm_options::carry(&format!("tool.hatch.version.raw-options.{key}"), &key, &value, &entry.origin, draft);
                    }
                }
            }
            "fallback-version" if source == "vcs" => draft.notes.push(format!(
                "{}: `tool.hatch.version.fallback-version` is dropped: rustbackend needs git (or an sdist, which holds the version) to tell a version",
                entry.origin
            )),
            other => draft.refuse(
                &entry.origin,
                &format!("tool.hatch.version.{other}"),
                "rustbackend reads `__version__` from a file or a version from git tags",
            ),
        }
    }
    if source == "vcs" && dynamic_version {
        match hook_file {
            // Built from an sdist, the file hatch-vcs wrote is there and holds the version.
            Some(file)
                if project_dir.join(file).is_file() && !project_dir.join(".git").exists() =>
            {
                draft.setting("version-file", file);
            }
            Some(file) => {
                let origin =
                    old.origin_of(&["tool", "hatch", "build", "hooks", "vcs", "version-file"]);
                draft.setting("version-source", "git");
                draft.refuse(&origin, "tool.hatch.build.hooks.vcs.version-file", format!("rustbackend does not write `{file}`; make the package read its version with importlib.metadata, then remove the hook"));
            }
            None => draft.setting("version-source", "git"),
        }
        draft.make_dynamic("version");
    }
}

fn build_key(
    target: &str,
    entry: &Entry<'_>,
    sdist_keep: &mut Option<Vec<String>>,
    draft: &mut Draft,
) {
    let lit = entry.lit();
    let key = if target.is_empty() {
        format!("tool.hatch.build.{}", entry.key)
    } else {
        format!("tool.hatch.build.targets.{target}.{}", entry.key)
    };
    let globs = || lit.strings(false).unwrap_or_default();
    match (target, entry.key.as_str()) {
        ("wheel", "include") => {
            // Whole top-level modules (`/pkg`, `/pkg/*`, `pkg/`) are `module-name`.
            let mut names = Vec::new();
            for glob in globs() {
                let trimmed = glob
                    .trim_start_matches('/')
                    .trim_end_matches("/**")
                    .trim_end_matches("/*")
                    .trim_end_matches('/');
                if trimmed.contains(['/', '*', '?', '[']) || trimmed.is_empty() {
                    draft.refuse(&entry.origin, &key, format!("`{glob}` selects part of a module; rustbackend packs whole modules: exclude the rest with `[tool.rustbackend.wheel] exclude`"));
                    return;
                }
                names.push(trimmed.trim_end_matches(".py").to_string());
            }
            match names.len() {
                0 => {}
                1 => draft.setting("module-name", names[0].as_str()),
                _ => draft.setting("module-name", string_array(&names)),
            }
        }
        ("" | "wheel", "packages") | ("wheel", "only-include") => {
            let paths = globs();
            let roots: Vec<&str> = paths
                .iter()
                .map(|p| {
                    p.trim_end_matches('/')
                        .rsplit_once('/')
                        .map_or("", |(r, _)| r)
                })
                .collect();
            let names: Vec<String> = paths
                .iter()
                .map(|p| {
                    p.trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or(p)
                        .trim_end_matches(".py")
                        .to_string()
                })
                .collect();
            if roots.windows(2).any(|w| w[0] != w[1]) {
                draft.refuse(&entry.origin, &key, "packages in different directories; rustbackend has one `module-root` (see `module-dirs`)");
                return;
            }
            if let Some(root) = roots.first() {
                if *root != "src" {
                    draft.setting("module-root", *root);
                }
            }
            if names.len() == 1 {
                draft.setting("module-name", names[0].as_str());
            } else if !names.is_empty() {
                draft.setting("module-name", string_array(&names));
            }
        }
        ("" | "wheel", "sources") => match &lit {
            Lit::List(_) => match globs().as_slice() {
                [root] => draft.setting("module-root", root.trim_end_matches('/')),
                _ => draft.refuse(&entry.origin, &key, "more than one source root"),
            },
            Lit::Map(entries) => {
                let mut dirs = toml_edit::InlineTable::new();
                for (dir, name) in entries {
                    match name.as_str() {
                        Some("") => draft.setting("module-root", dir.trim_end_matches('/')),
                        Some(name) if !name.contains('/') => {
                            dirs.insert(name, dir.trim_end_matches('/').into());
                        }
                        _ => draft.refuse(&entry.origin, &key, format!("`{dir}` is moved below another directory; rustbackend renames only top-level modules")),
                    }
                }
                if !dirs.is_empty() {
                    draft.setting("module-dirs", dirs);
                }
            }
            _ => draft.refuse(&entry.origin, &key, "not a list or table"),
        },
        ("", "exclude") => draft.add_globs("exclude", &anchored(&globs())),
        ("wheel", "exclude") => draft.add_globs("wheel.exclude", &anchored(&globs())),
        ("sdist", "exclude") => draft.add_globs("sdist.exclude", &anchored(&globs())),
        ("sdist", "include") | ("sdist", "only-include") => {
            let mut keep = Vec::new();
            for glob in globs() {
                match sdist_scope::top_level(&glob) {
                    Some(top) => keep.push(top),
                    None => draft.refuse(&entry.origin, &key, format!("`{glob}` selects part of a directory; rustbackend's sdist holds every file git tracks: exclude the rest with `[tool.rustbackend.sdist] exclude`")),
                }
            }
            sdist_keep.get_or_insert_with(Vec::new).extend(keep);
        }
        (_, "artifacts") => draft.add_globs("artifacts", &anchored(&globs())),
        ("" | "wheel", "dev-mode-exact") if lit == Lit::Bool(true) => {
            draft.setting("editable.mode", "strict")
        }
        (
            _,
            "dev-mode-exact"
            | "reproducible"
            | "skip-excluded-dirs"
            | "directory"
            | "require-runtime-dependencies"
            | "require-runtime-features"
            | "core-metadata-version"
            | "macos-max-compat",
        ) => {}
        (_, "ignore-vcs") if lit == Lit::Bool(false) => {}
        (_, "strict-naming") if lit == Lit::Bool(true) => {}
        _ => draft.refuse(
            &entry.origin,
            &key,
            "rustbackend has no equivalent; see docs/migrating.md",
        ),
    }
}

/// hatch's globs are gitignore patterns: `/x` is anchored, `x` matches at any depth.
fn anchored(globs: &[String]) -> Vec<String> {
    globs
        .iter()
        .map(|g| match g.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None if g.starts_with("**/") || g.trim_end_matches('/').contains('/') => {
                g.trim_end_matches('/').to_string()
            }
            None => format!("**/{g}"),
        })
        .collect()
}
