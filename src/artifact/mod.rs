//! The one manifest of an artifact: every entry with its archive path, where its bytes come
//! from (a file, generated text, a compiled module) and why it is there, plus what was left
//! out and why. Wheel, sdist, editable wheel, `prepare_metadata`, `ls` and `check` all take
//! their file lists from here; the writers only encode a manifest.
//!
//! The rules, in one place (docs/files.md has them as a table):
//! - wheel: the modules' files and the `.data` directories, minus default excludes,
//!   secrets, ignored files (unless `artifacts` lists them, or a dynamic version is read from
//!   them) and `exclude` / `wheel.exclude` globs; the compiled extension modules; `.dist-info`.
//! - sdist: every project file that no ignore rule, default exclude or `exclude` /
//!   `sdist.exclude` glob leaves out; what `sdist.include` names; and always what the wheel
//!   is built from: pyproject.toml, the readme, license files, SBOMs, the wheel's own files,
//!   extension sources, the headers beside them and their include directories.
//! - editable wheel: the `.pth` file (and import finder), the `.data` directories, `.dist-info`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::archive::{Contents, Entry};
use crate::error::{Error, Result};
use crate::files::walk::{self, Excludes, FileEntry, LeftOut, WalkOptions};
use crate::metadata::MetadataFor;
use crate::native::{self, incremental};
use crate::plan::pyproject::PYPROJECT;
use crate::plan::Plan;
use crate::request::BuildOptions;
use crate::tags::Inferred;

pub mod editable;
pub mod sdist;
pub mod wheel;

/// Which artifact a manifest describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// The regular wheel.
    Wheel,
    /// The sdist.
    Sdist,
    /// The editable wheel (in the project's configured mode).
    Editable,
}

/// Why an entry is in an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A file of a module.
    Module,
    /// A file an ignore rule covers, shipped because `artifacts` lists it.
    Artifact,
    /// The file a dynamic version is read from (always packed).
    VersionFile,
    /// A file of the `.data/<key>/` directory.
    Data(String),
    /// An extension module compiled from these sources.
    Compiled(Vec<String>),
    /// A license file.
    License,
    /// An SBOM file (PEP 770).
    Sbom,
    /// Generated metadata: METADATA, WHEEL, entry_points.txt, RECORD, PKG-INFO.
    Metadata,
    /// The `.pth` file or import finder of an editable install.
    Editable,
    /// pyproject.toml (with a dynamic version frozen in, for an sdist).
    Pyproject,
    /// The readme named by `project.readme`.
    Readme,
    /// A project file (sdist).
    Project,
    /// Named by `sdist.include`.
    Include,
    /// A source, header or include-directory file of this extension module.
    ExtensionSource(String),
}

/// One entry of an artifact while the manifest is assembled.
struct Member {
    entry: Entry,
    why: Why,
}

impl Member {
    fn new(entry: Entry, why: Why) -> Member {
        Member { entry, why }
    }
}

/// Where an entry comes from, for `ls`: a project-relative path, `<generated>`, or
/// `<compiled from ...>`.
pub fn origin(entry: &Entry, why: &Why, project_dir: &Path) -> String {
    match (why, &entry.contents) {
        (Why::Compiled(sources), _) => format!("<compiled from {}>", sources.join(", ")),
        (_, Contents::File(source)) => project_relative(project_dir, source),
        (_, Contents::Bytes(_)) => "<generated>".into(),
    }
}

/// Splits members into the entries (what writers take, without copying) and the reasons.
fn split(members: Vec<Member>) -> (Vec<Entry>, Vec<Why>) {
    members.into_iter().map(|m| (m.entry, m.why)).unzip()
}

/// Everything one artifact holds, in archive order, and what was left out.
#[derive(Debug)]
pub struct Manifest {
    /// The artifact described.
    pub kind: ArtifactKind,
    /// The entries, in the order they are written (RECORD, which the writer adds, is not
    /// among them).
    pub entries: Vec<Entry>,
    /// Why each entry is there (parallel to `entries`).
    pub reasons: Vec<Why>,
    /// Paths (project-relative; directories end in `/`) left out, and why.
    pub left_out: Vec<(String, LeftOut)>,
    /// The wheel's tag (wheels and editable wheels).
    pub tag: Option<Inferred>,
    /// Warnings for the user.
    pub warnings: Vec<String>,
    /// Holds the compiled extension modules until the wheel is written.
    _compiled: Option<tempfile::TempDir>,
}

/// The path of a file relative to the project root, `/`-separated.
fn project_relative(project_dir: &Path, source: &Path) -> String {
    let relative = source.strip_prefix(project_dir).unwrap_or(source);
    walk::archive_path(relative).unwrap_or_else(|| relative.to_string_lossy().into_owned())
}

/// What an artifact's walks keep although an ignore rule covers it: the `artifacts` globs
/// and the file a dynamic version is read from.
fn kept_files(plan: &Plan) -> Result<Excludes> {
    let mut globs = plan.pyproject.settings.artifacts.clone();
    if let Some(file) = &plan.version_file {
        globs.push(globset::escape(file));
    }
    Excludes::new(&globs)
}

/// The files of the modules and `.data` directories, walked once for wheel and sdist.
struct WheelFiles {
    /// Module files: archive path (relative to the module root) and file.
    modules: Vec<(FileEntry, Why)>,
    /// `.data` files: archive path and file, and the key.
    data: Vec<(String, FileEntry, String)>,
    left_out: Vec<(String, LeftOut)>,
}

/// Which of the wheel's files to walk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Walked {
    /// Modules and `.data` directories (the regular wheel, the sdist).
    All,
    /// Only the `.data` directories (the editable wheel, whose modules stay in the tree).
    DataOnly,
}

fn wheel_files(plan: &Plan, walked: Walked) -> Result<WheelFiles> {
    let excludes = plan.wheel_excludes()?;
    let keep = kept_files(plan)?;
    let options = WalkOptions {
        ignore: Some(&plan.ignore_rules),
        keep: (!keep.is_empty()).then_some(&keep),
        ..plan.walk_options()
    };
    let mut files = WheelFiles {
        modules: Vec::new(),
        data: Vec::new(),
        left_out: Vec::new(),
    };
    let why = |file: &FileEntry| match (&plan.version_file, file.ignored) {
        (Some(version), true) if *version == file.archive_path => Why::VersionFile,
        (_, true) => Why::Artifact,
        (_, false) => Why::Module,
    };
    let modules = if walked == Walked::All {
        plan.layout.modules.as_slice()
    } else {
        &[]
    };
    for module in modules {
        let walk = if module.is_package {
            walk::walk(&plan.project_dir, &module.path, options)?
        } else {
            walk::Walk {
                files: vec![FileEntry {
                    archive_path: module.path.clone(),
                    source: plan.project_dir.join(&module.path),
                    ignored: false,
                }],
                left_out: Vec::new(),
            }
        };
        files.left_out.extend(walk.left_out);
        for file in walk.files {
            if excludes.matches(&file.archive_path) {
                files.left_out.push((file.archive_path, LeftOut::Excluded));
                continue;
            }
            let why = why(&file);
            let inside = walk::strip_dir(&file.archive_path, &plan.layout.module_root);
            files.modules.push((
                FileEntry {
                    archive_path: inside,
                    ..file
                },
                why,
            ));
        }
    }
    files
        .modules
        .sort_by(|a, b| a.0.archive_path.cmp(&b.0.archive_path));
    files
        .modules
        .dedup_by(|a, b| a.0.archive_path == b.0.archive_path);
    for (key, dir) in &plan.pyproject.settings.wheel_data {
        let walk = walk::walk(&plan.project_dir, dir, options)?;
        files.left_out.extend(walk.left_out);
        for file in walk.files {
            if excludes.matches(&file.archive_path) {
                files.left_out.push((file.archive_path, LeftOut::Excluded));
                continue;
            }
            let inside = walk::strip_dir(&file.archive_path, dir);
            let path = format!("{}-{}.data/{key}/{inside}", plan.dist_name, plan.version);
            files.data.push((path, file, key.clone()));
        }
    }
    files.data.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The warning for files that ignore rules kept out of a wheel: one line, however many.
fn ignored_warning(left_out: &[(String, LeftOut)]) -> Option<String> {
    let count = left_out
        .iter()
        .filter(|(_, why)| *why == LeftOut::Ignored)
        .count();
    (count > 0).then(|| {
        let (noun, verb) = if count == 1 { ("path", "is") } else { ("paths", "are") };
        format!("{count} {noun} in the module and data directories {verb} covered by .gitignore (or git's excludes) and left out of the wheel; `rustbackend ls --left-out` lists them, and `tool.rustbackend.artifacts` ships generated files that must be packed")
    })
}

fn secret_warnings(left_out: &[(String, LeftOut)]) -> impl Iterator<Item = String> + '_ {
    left_out
        .iter()
        .filter(|(_, why)| *why == LeftOut::Secret)
        .map(|(path, _)| walk::secret_warning(path))
}

/// The `.dist-info` members (without RECORD).
fn dist_info_members(plan: &Plan, tag: &Inferred) -> Vec<Member> {
    wheel::dist_info_entries(plan, tag)
        .into_iter()
        .map(|entry| {
            let rest = entry.path.rsplit_once(".dist-info/").map_or("", |(_, r)| r);
            let why = if rest.starts_with("licenses/") {
                Why::License
            } else if rest.starts_with("sboms/") {
                Why::Sbom
            } else {
                Why::Metadata
            };
            Member::new(entry, why)
        })
        .collect()
}

/// A wheel's entries after `members`: the `.data` files, then (with the tag inferred from
/// the binaries among them) `.dist-info`; with the reasons and the tag.
fn finish_wheel(
    plan: &Plan,
    mut members: Vec<Member>,
    data: Vec<(String, FileEntry, String)>,
    options: &BuildOptions,
) -> Result<(Vec<Entry>, Vec<Why>, Inferred)> {
    members.extend(
        data.into_iter()
            .map(|(path, file, key)| Member::new(Entry::file(path, file.source), Why::Data(key))),
    );
    let (mut entries, mut reasons) = split(members);
    let tag = wheel::wheel_tag(plan, &entries, options)?;
    let (dist_info, why) = split(dist_info_members(plan, &tag));
    entries.extend(dist_info);
    reasons.extend(why);
    Ok((entries, reasons, tag))
}

impl Manifest {
    /// The regular wheel: compiles the extension modules (into a temporary directory that
    /// lives as long as the manifest) and infers the tag from the binaries.
    pub fn wheel(plan: &Plan, options: &BuildOptions) -> Result<Manifest> {
        let files = wheel_files(plan, Walked::All)?;
        let mut left_out = files.left_out;
        // Sorted by archive path, without duplicates (wheel_files saw to it).
        let mut members: Vec<Member> = files
            .modules
            .into_iter()
            .map(|(file, why)| Member::new(Entry::file(file.archive_path, file.source), why))
            .collect();
        let config = options.python_config.clone().unwrap_or_default();
        // `-C build-dir` keeps the work for the next build; by default it is thrown away.
        let (compiled, build_dir) = match native::chosen_build_dir(plan, &config) {
            Some(dir) => (None, dir),
            None => {
                let temp = tempfile::tempdir()
                    .map_err(|e| Error::io("create", std::env::temp_dir(), e))?;
                let dir = temp.path().to_path_buf();
                (Some(temp), dir)
            }
        };
        let settings = &plan.pyproject.settings;
        for (built, module) in native::build_all(plan, &config, &build_dir)?
            .into_iter()
            .zip(&settings.ext_modules)
        {
            // A stale build in the source tree is replaced by the fresh one.
            left_out.retain(|(path, _)| {
                walk::strip_dir(path, &plan.layout.module_root) != built.archive_path
            });
            let member = Member::new(
                Entry::file(built.archive_path, built.file),
                Why::Compiled(module.sources.clone()),
            );
            match members.binary_search_by(|m| m.entry.path.cmp(&member.entry.path)) {
                Ok(at) => members[at] = member,
                Err(at) => members.insert(at, member),
            }
        }
        let (entries, reasons, tag) = finish_wheel(plan, members, files.data, options)?;
        let mut warnings = plan.warnings.clone();
        warnings.extend(tag.warnings.iter().cloned());
        warnings.extend(secret_warnings(&left_out));
        warnings.extend(ignored_warning(&left_out));
        left_out.sort();
        Ok(Manifest {
            kind: ArtifactKind::Wheel,
            entries,
            reasons,
            left_out,
            tag: Some(tag),
            warnings,
            _compiled: compiled,
        })
    }

    /// The editable wheel in `mode`; the extension modules are compiled in a build
    /// directory kept between runs (only what changed is compiled again) and put next to
    /// their sources, where the editable install imports them from.
    pub fn editable(
        plan: &Plan,
        mode: crate::plan::pyproject::settings::EditableMode,
        options: &BuildOptions,
    ) -> Result<Manifest> {
        let config = options.python_config.clone().unwrap_or_default();
        let build_dir = native::chosen_build_dir(plan, &config)
            .unwrap_or_else(|| native::default_build_dir(plan, &config));
        let module_root = plan.project_dir.join(&plan.layout.module_root);
        for built in native::build_all(plan, &config, &build_dir)? {
            incremental::install(&built.file, &module_root.join(&built.archive_path))?;
        }
        let files = wheel_files(plan, Walked::DataOnly)?;
        let members: Vec<Member> = editable::editable_entries(plan, mode)?
            .into_iter()
            .map(|e| Member::new(e, Why::Editable))
            .collect();
        let (entries, reasons, tag) = finish_wheel(plan, members, files.data, options)?;
        let mut left_out = files.left_out;
        left_out.sort();
        Ok(Manifest {
            kind: ArtifactKind::Editable,
            entries,
            reasons,
            left_out,
            tag: Some(tag),
            warnings: plan.warnings.clone(),
            _compiled: None,
        })
    }

    /// The `.dist-info` directory that `prepare_metadata_for_build_*` writes (without RECORD).
    pub fn prepared_metadata(plan: &Plan) -> Manifest {
        let (entries, reasons) = split(dist_info_members(plan, &wheel::pure()));
        Manifest {
            kind: ArtifactKind::Wheel,
            entries,
            reasons,
            left_out: Vec::new(),
            tag: None,
            warnings: plan.warnings.clone(),
            _compiled: None,
        }
    }

    /// The sdist, with paths relative to its top directory; `out_dir` (the output
    /// directory, when it is inside the project) is never walked.
    pub fn sdist(plan: &Plan, out_dir: Option<&Path>) -> Result<Manifest> {
        let settings = &plan.pyproject.settings;
        let skip: Vec<PathBuf> = out_dir.map(Path::to_path_buf).into_iter().collect();
        let keep = kept_files(plan)?;
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
        for file in walk.files {
            if excludes.matches(&file.archive_path) {
                left_out.push((file.archive_path, LeftOut::Excluded));
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
                    warnings.retain(|w| *w != walk::secret_warning(&file.archive_path));
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
        // The wheel's own files: the walk above took them all unless `sdist.exclude` or the
        // top-level `build/` / `dist/` rule left some out; only then walk them again.
        let top_level_build = |path: &str| {
            ["build", "dist"]
                .iter()
                .any(|d| path == *d || path.starts_with(&format!("{d}/")))
        };
        let rewalk = !settings.sdist_exclude.is_empty()
            || plan.layout.modules.iter().any(|m| top_level_build(&m.path))
            || settings
                .wheel_data
                .iter()
                .any(|(_, dir)| top_level_build(dir));
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
        let (entries, reasons) = split(files.into_values().collect());
        walk::check_archive_paths(entries.iter().map(|e| e.path.as_str()))?;
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
            _compiled: None,
        })
    }

    /// Adds an entry at the end (RECORD, for listings).
    pub fn push(&mut self, entry: Entry, why: Why) {
        self.entries.push(entry);
        self.reasons.push(why);
    }

    /// Where each entry comes from, for `ls`: (archive path, origin) pairs.
    pub fn origins(&self, project_dir: &Path) -> Vec<(String, String)> {
        self.entries
            .iter()
            .zip(&self.reasons)
            .map(|(entry, why)| (entry.path.clone(), origin(entry, why, project_dir)))
            .collect()
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
        let inside = |dir: &&String| {
            !dir.starts_with('/')
                && !dir.split('/').any(|p| p == "..")
                && plan.project_dir.join(dir).is_dir()
        };
        for dir in module.include_dirs.iter().filter(inside) {
            let walk = walk::walk(&plan.project_dir, dir, plan.walk_options())?;
            found.extend(walk.files.into_iter().map(|f| (f.source, why())));
        }
    }
    Ok(found)
}
