//! The sdist's manifest (every project file the rules keep, and always what the wheel is
//! built from); the writer puts it under `{name}-{version}/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::wheel::{wheel_files, Walked};
use super::{kept_files, project_relative, secret_warnings, split, ArtifactKind, Member, Why};
use crate::archive::Entry;
use crate::artifact::Manifest;
use crate::error::{Error, Result};
use crate::files::globs::Excludes;
use crate::files::paths::check_archive_paths;
use crate::files::rules::in_top_level_build_dir;
use crate::files::rules::{is_built_distribution, secret_warning, LeftOut};
use crate::files::walk::{self, WalkOptions};
use crate::metadata::MetadataFor;
use crate::plan::pyproject::PYPROJECT;
use crate::plan::Plan;

impl Manifest {
    /// The sdist, with paths relative to its top directory; `out_dir` (the output
    /// directory, when it is inside the project) is never walked.
    pub fn sdist(plan: &Plan, out_dir: Option<&Path>) -> Result<Manifest> {
        let settings = &plan.pyproject.settings;
        let skip: Vec<PathBuf> = out_dir.map(Path::to_path_buf).into_iter().collect();
        let keep = kept_files(plan)?;
        let git = ask_git_for_untracked(&plan.project_dir);
        let options = WalkOptions {
            ignore: Some(&plan.ignore_rules),
            keep: (!keep.is_empty()).then_some(&keep),
            skip_build_dirs: true,
            skip: &skip,
            ..plan.walk_options()
        };
        let walk = walk::walk(&plan.project_dir, "", options)?;
        let excludes = plan.sdist_excludes()?;
        let mut left_out = walk.left_out;
        let mut files: BTreeMap<String, Member> = BTreeMap::new();
        let in_module = |path: &str| {
            plan.layout
                .modules
                .iter()
                .any(|m| path.starts_with(&format!("{}/", m.path)))
        };
        for file in walk.files {
            if excludes.matches(&file.archive_path) {
                left_out.push((file.archive_path, LeftOut::Excluded));
                continue;
            }
            let name = file.archive_path.rsplit('/').next().unwrap_or_default();
            if is_built_distribution(name) && !in_module(&file.archive_path) {
                left_out.push((file.archive_path, LeftOut::DefaultExclude));
                continue;
            }
            let why = if file.ignored {
                Why::Artifact
            } else {
                Why::Project
            };
            let path = file.archive_path.clone();
            files.insert(
                path.clone(),
                Member::new(Entry::file(path, file.source), why),
            );
        }
        let mut warnings: Vec<String> = secret_warnings(&left_out).collect();

        // Files matched by `[tool.rustbackend.sdist] include` go in even when ignored.
        if !settings.sdist_include.is_empty() {
            let includes = Excludes::new(&settings.sdist_include)?;
            let everything = WalkOptions {
                everything: true,
                skip: &skip,
                ..plan.walk_options()
            };
            for file in walk::walk(&plan.project_dir, "", everything)?.files {
                if includes.matches(&file.archive_path) && !files.contains_key(&file.archive_path) {
                    warnings.push(format!(
                        "`{}` is ignored by git, excluded by default or looks like a secret, but `tool.rustbackend.sdist.include` includes it",
                        file.archive_path
                    ));
                    warnings.retain(|w| *w != secret_warning(&file.archive_path));
                    left_out.retain(|(path, _)| *path != file.archive_path);
                    let path = file.archive_path.clone();
                    files.insert(
                        path.clone(),
                        Member::new(Entry::file(path, file.source), Why::Include),
                    );
                }
            }
        }

        // Always present, even when ignored or excluded: what the wheel is built from.
        let mut needed: Vec<(PathBuf, Why)> = Vec::new();
        if let Some(readme) = plan
            .pyproject
            .project
            .readme
            .as_ref()
            .and_then(|r| r.file.as_ref())
        {
            needed.push((plan.project_dir.join(readme), Why::Readme));
        }
        needed.extend(
            plan.license_files
                .iter()
                .map(|l| (l.source.clone(), Why::License)),
        );
        needed.extend(
            settings
                .wheel_sboms
                .iter()
                .map(|s| (plan.project_dir.join(s), Why::Sbom)),
        );
        // `.data` sources named as files ship even when ignored, as they do in the wheel.
        needed.extend(
            settings
                .wheel_data
                .iter()
                .map(|source| (plan.project_dir.join(&source.path), source))
                .filter(|(path, _)| path.is_file())
                .map(|(path, source)| (path, Why::Data(source.key.clone()))),
        );
        // The wheel's own files: the walk above took them all unless `sdist.exclude` or the
        // top-level `build/` / `dist/` rule left some out; only then walk them again.
        let rewalk = !settings.sdist_exclude.is_empty()
            || plan
                .layout
                .modules
                .iter()
                .any(|m| in_top_level_build_dir(&m.path))
            || settings
                .wheel_data
                .iter()
                .any(|source| in_top_level_build_dir(&source.path));
        if rewalk {
            let wheel = wheel_files(plan, Walked::All)?;
            needed.extend(wheel.modules.into_iter().map(|(f, why)| (f.source, why)));
            needed.extend(
                wheel
                    .data
                    .into_iter()
                    .map(|(_, f, key)| (f.source, Why::Data(key))),
            );
        }
        needed.extend(extension_sources(plan)?);
        let mut taken = std::collections::HashSet::new();
        for (source, why) in needed {
            let relative = project_relative(&plan.project_dir, &source);
            taken.insert(relative.clone());
            files
                .entry(relative.clone())
                .or_insert_with(|| Member::new(Entry::file(relative, source), why));
        }
        left_out.retain(|(path, _)| !taken.contains(path));
        files.insert(
            PYPROJECT.into(),
            Member::new(
                Entry::bytes(PYPROJECT, plan.sdist_pyproject()?),
                Why::Pyproject,
            ),
        );
        files.insert(
            "PKG-INFO".into(),
            Member::new(
                Entry::bytes("PKG-INFO", plan.metadata(MetadataFor::Sdist)),
                Why::Metadata,
            ),
        );
        if let Some(untracked) = untracked_files(git) {
            let mut named = Vec::new();
            for (path, member) in files.iter_mut() {
                if untracked.contains(path) {
                    member.why = Why::Untracked;
                    named.push(format!("`{path}`"));
                }
            }
            if !named.is_empty() {
                let count = named.len();
                let shown = if count > 10 {
                    format!("{}, and {} more", named[..10].join(", "), count - 10)
                } else {
                    named.join(", ")
                };
                warnings.push(format!(
                    "the sdist packs {count} file{} that git does not track: {shown}; commit {}, or add {} to .gitignore or `tool.rustbackend.sdist.exclude` (`rustbackend ls --sdist` marks them)",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "it" } else { "them" },
                    if count == 1 { "it" } else { "them" },
                ));
            }
        }
        let (entries, reasons) = split(files.into_values().collect());
        check_archive_paths(entries.iter().map(|e| e.path.as_str()))?;
        let mut all_warnings = plan.warnings.clone();
        all_warnings.extend(warnings);
        left_out.sort();
        Ok(Manifest {
            kind: ArtifactKind::Sdist,
            entries,
            reasons,
            left_out,
            tag: None,
            warnings: all_warnings,
            in_place: Vec::new(),
            rebuild: None,
            _compiled: None,
        })
    }
}

/// The files every extension module is compiled from: its sources, the headers beside them
/// (`.h`, `.hh`, `.hpp`, `.hxx`, `.inc`, and Cython's `.pxd`, `.pxi`, in each source's
/// directory) and every file of its include directories, whatever the ignore rules say.
fn extension_sources(plan: &Plan) -> Result<Vec<(PathBuf, Why)>> {
    let mut found = Vec::new();
    for module in &plan.pyproject.settings.ext_modules {
        let why = || Why::ExtensionSource(module.name.clone());
        let mut dirs: Vec<String> = Vec::new();
        for source in &module.sources {
            found.push((plan.project_dir.join(source), why()));
            let dir = source.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        for dir in dirs {
            let path = plan.project_dir.join(&dir);
            let entries = std::fs::read_dir(&path).map_err(|e| Error::io("list", &path, e))?;
            let mut headers: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension().is_some_and(|ext| {
                            matches!(
                                ext.to_str(),
                                Some("h" | "hh" | "hpp" | "hxx" | "inc" | "pxd" | "pxi")
                            )
                        })
                })
                .collect();
            headers.sort();
            found.extend(headers.into_iter().map(|h| (h, why())));
        }
        // Every include dir is inside the project (the plan checked it); one that does not
        // exist is the compiler's to report.
        let exists = |dir: &&String| plan.project_dir.join(dir).is_dir();
        for dir in module.include_dirs.iter().filter(exists) {
            let walk = walk::walk(&plan.project_dir, dir, plan.walk_options())?;
            found.extend(walk.files.into_iter().map(|f| (f.source, why())));
        }
    }
    Ok(found)
}

/// Asks git, in the background while the tree is walked, for the files under `project_dir`
/// that it neither tracks nor ignores; `None` outside a git checkout or when git cannot run.
fn ask_git_for_untracked(project_dir: &Path) -> Option<GitQuery> {
    crate::files::ignore_rules::git_root(project_dir)?;
    std::process::Command::new("git")
        .arg("-C")
        .arg(project_dir)
        .args([
            "ls-files",
            "-z",
            "-t",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            ".",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()
        .map(|child| GitQuery(Some(child)))
}

/// A running git process, reaped when dropped (a build that fails before reading its answer
/// leaves no zombie behind in a long-lived process that calls the hooks).
struct GitQuery(Option<std::process::Child>);

impl Drop for GitQuery {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Git's answer: the untracked files, relative to the project, when git tracks at least one
/// file there (in a fresh repository every file is untracked, which says nothing).
fn untracked_files(git: Option<GitQuery>) -> Option<std::collections::HashSet<String>> {
    let output = git?
        .0
        .take()?
        .wait_with_output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8(output.stdout).ok()?;
    let mut tracked = false;
    let mut untracked = std::collections::HashSet::new();
    for record in text.split('\0').filter(|r| !r.is_empty()) {
        match record.split_once(' ') {
            Some(("?", path)) => {
                untracked.insert(path.to_string());
            }
            Some(_) => tracked = true,
            None => {}
        }
    }
    tracked.then_some(untracked)
}
