//! The wheel's and the editable wheel's manifests, one path with a kind: the modules' files
//! (the editable wheel's `.pth` or finder instead), the compiled extension modules, the `.data`
//! files, then `.dist-info` (RECORD last, by the writer).

use std::path::PathBuf;

use super::dist_info::dist_info_members;
use super::rebuild::{self, RebuildModule};
use super::{editable, kept_files, secret_warnings, split, ArtifactKind, Member, Why};
use crate::archive::{Contents, Entry};
use crate::artifact::Manifest;
use crate::error::{Error, Result};
use crate::files::paths::strip_dir;
use crate::files::rules::LeftOut;
use crate::files::walk::{self, FileEntry, WalkOptions};
use crate::native;
use crate::plan::Plan;
use crate::request::BuildOptions;
use crate::tags::{self, Inferred, TagChoice};

/// The files of the modules and `.data` directories, walked once for wheel and sdist.
pub(super) struct WheelFiles {
    /// Module files: archive path (relative to the module root) and file.
    pub(super) modules: Vec<(FileEntry, Why)>,
    /// `.data` files: archive path and file, and the key.
    pub(super) data: Vec<(String, FileEntry, String)>,
    pub(super) left_out: Vec<(String, LeftOut)>,
}

/// Which of the wheel's files to walk.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Walked {
    /// Modules and `.data` directories (the regular wheel, the sdist).
    All,
    /// Only the `.data` directories (the editable wheel, whose modules stay in the tree).
    DataOnly,
}

pub(super) fn wheel_files(plan: &Plan, walked: Walked) -> Result<WheelFiles> {
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
            // At the module's import path, wherever it lives (`module-dirs` renames).
            let inside = if module.is_package {
                format!(
                    "{}/{}",
                    module.archive_path(),
                    strip_dir(&file.archive_path, &module.path)
                )
            } else {
                module.archive_path()
            };
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
    for source in &plan.pyproject.settings.wheel_data {
        let (key, path) = (&source.key, &source.path);
        // A file lands under its own name, a directory's contents keep their places.
        let (walk, base) = if plan.project_dir.join(path).is_dir() {
            (walk::walk(&plan.project_dir, path, options)?, path.as_str())
        } else {
            let parent = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            (walk::single_file(&plan.project_dir, path, options)?, parent)
        };
        files.left_out.extend(walk.left_out);
        for file in walk.files {
            if excludes.matches(&file.archive_path) {
                files.left_out.push((file.archive_path, LeftOut::Excluded));
                continue;
            }
            let inside = strip_dir(&file.archive_path, base);
            let target = match source.target.as_str() {
                "" => inside,
                dir => format!("{dir}/{inside}"),
            };
            let path = format!("{}-{}.data/{key}/{target}", plan.dist_name, plan.version);
            files.data.push((path, file, key.clone()));
        }
    }
    files.data.sort_by(|a, b| a.0.cmp(&b.0));
    files.data.dedup_by(|a, b| a.0 == b.0);
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

/// A wheel's entries after `members`: the `.data` files, then (with the tag inferred from
/// the binaries among them) `.dist-info`; with the reasons and the tag.
fn finish_wheel(
    plan: &Plan,
    mut members: Vec<Member>,
    data: Vec<(String, FileEntry, String)>,
    options: &BuildOptions,
) -> Result<(Vec<Entry>, Vec<Why>, Inferred)> {
    for (path, file, key) in data {
        let entry = if key == "scripts" {
            script_entry(path, file.source)?
        } else {
            Entry::file(path, file.source)
        };
        members.push(Member::new(entry, Why::Data(key)));
    }
    let (mut entries, mut reasons) = split(members);
    let tag = wheel_tag(plan, &entries, options)?;
    let (dist_info, why) = split(dist_info_members(plan, &tag));
    entries.extend(dist_info);
    reasons.extend(why);
    Ok((entries, reasons, tag))
}

/// A `.data/scripts/` entry: the file as it is, or, when its shebang names a Python, its
/// bytes with `#!python` (see [`super::scripts`]), packed executable.
fn script_entry(path: String, source: PathBuf) -> Result<Entry> {
    let data = std::fs::read(&source).map_err(|e| Error::io("read", &source, e))?;
    Ok(match super::scripts::with_python_shebang(&data) {
        Some(rewritten) => Entry::script(path, rewritten),
        None => Entry::file(path, source),
    })
}

/// The wheel's tag: the overrides of `-C wheel-tag` and `[tool.rustbackend.wheel]`, else
/// inferred from the binaries among `payload`.
fn wheel_tag(plan: &Plan, payload: &[Entry], options: &BuildOptions) -> Result<Inferred> {
    let settings = &plan.pyproject.settings;
    let binaries: Vec<(String, PathBuf)> = payload
        .iter()
        .filter(|e| tags::is_binary(&e.path))
        .filter_map(|e| match &e.contents {
            Contents::File(source) => Some((e.path.clone(), source.clone())),
            Contents::Bytes(_) => None,
        })
        .collect();
    let choice = TagChoice {
        config_setting: options.wheel_tag.as_deref(),
        project: settings.wheel_tag.as_ref(),
        parts: settings.wheel_tag_parts.each_ref().map(Option::as_deref),
        requires_python: plan.pyproject.project.requires_python.as_deref(),
        limited_api: settings
            .ext_modules
            .iter()
            .filter_map(|m| m.py_limited_api.map(|(_, minor)| minor))
            .max(),
        interpreter: options.interpreter.tag_facts(),
        platform: options.interpreter.get("platform"),
        platform_named: !options.interpreter.get("build_details").is_empty(),
    };
    choice.choose(&binaries).map_err(Error::Tag)
}

impl Manifest {
    /// The wheel, or the editable wheel (`kind`, in the mode `-C editable-mode` or the
    /// project sets). A wheel's extension modules are compiled into a temporary directory that
    /// lives as long as the manifest, and the tag is inferred from the binaries. An editable
    /// wheel's are compiled in a build directory kept between runs (only what changed is
    /// compiled again) and recorded in [`Manifest::in_place`]: writing the editable wheel puts
    /// them next to their sources, where the install imports them from; listing it does not.
    pub fn wheel(plan: &Plan, kind: ArtifactKind, options: &BuildOptions) -> Result<Manifest> {
        let editable = kind == ArtifactKind::Editable;
        let settings = &plan.pyproject.settings;
        let files = wheel_files(
            plan,
            if editable {
                Walked::DataOnly
            } else {
                Walked::All
            },
        )?;
        let mut left_out = files.left_out;
        // Sorted by archive path, without duplicates (wheel_files saw to it).
        // An editable wheel's members are its startup files, made once the build says which
        // modules it compiled.
        let mut members: Vec<Member> = if editable {
            Vec::new()
        } else {
            files
                .modules
                .into_iter()
                .map(|(file, why)| Member::new(Entry::file(file.archive_path, file.source), why))
                .collect()
        };
        // `-C build-dir` keeps the work for the next build; an editable install keeps it in
        // the project's build directory; a wheel's is thrown away.
        let (compiled, build_dir) = match (native::chosen_build_dir(plan, options), editable) {
            (Some(dir), _) => (None, dir),
            (None, true) => (None, native::default_build_dir(plan, &options.interpreter)),
            // Nothing to compile: no directory (creating and removing one was a tenth of a
            // small project's hook).
            (None, false) if settings.ext_modules.is_empty() => (None, PathBuf::new()),
            (None, false) => {
                let temp = tempfile::tempdir()
                    .map_err(|e| Error::io("create", std::env::temp_dir(), e))?;
                let dir = temp.path().to_path_buf();
                (Some(temp), dir)
            }
        };
        let module_root = plan.project_dir.join(&plan.layout.module_root);
        let mut in_place = Vec::new();
        let mut rebuilt = Vec::new();
        for (built, module) in native::build_all(plan, options, &build_dir)?
            .into_iter()
            .zip(&settings.ext_modules)
        {
            if editable {
                let target = module_root.join(&built.archive_path);
                in_place.push((built.file.clone(), target.clone()));
                rebuilt.push(RebuildModule {
                    name: module.name.clone(),
                    built: built.file,
                    target,
                    steps: built.steps,
                });
                continue;
            }
            // A stale build in the source tree is replaced by the fresh one.
            left_out.retain(|(path, _)| {
                strip_dir(path, &plan.layout.module_root) != built.archive_path
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
        let mut rebuild = None;
        if editable {
            let mode = options.editable_mode.unwrap_or(settings.editable_mode);
            let on_import = options
                .editable_rebuild
                .or(settings.editable_rebuild)
                .unwrap_or(true);
            if on_import && !rebuilt.is_empty() {
                let dir = build_dir
                    .canonicalize()
                    .map_err(|e| Error::io("read", &build_dir, e))?;
                rebuild = Some(rebuild::plan(&dir, &rebuilt)?);
            }
            let names: Vec<String> = rebuilt.iter().map(|m| m.name.clone()).collect();
            let finder = rebuild
                .as_ref()
                .map(|p| (p.path.as_path(), names.as_slice()));
            members = editable::editable_entries(plan, mode, finder)?
                .into_iter()
                .map(|e| Member::new(e, Why::Editable))
                .collect();
        }
        let (entries, reasons, tag) = finish_wheel(plan, members, files.data, options)?;
        let mut warnings = plan.warnings.clone();
        warnings.extend(native::abi_warnings(plan, &options.interpreter));
        if !editable {
            warnings.extend(tag.warnings.iter().cloned());
            warnings.extend(secret_warnings(&left_out));
            warnings.extend(ignored_warning(&left_out));
        }
        left_out.sort();
        Ok(Manifest {
            kind,
            entries,
            reasons,
            left_out,
            tag: Some(tag),
            warnings,
            in_place,
            rebuild,
            _compiled: compiled,
        })
    }

    /// The `.dist-info` directory that `prepare_metadata_for_build_*` writes (without RECORD).
    pub fn prepared_metadata(plan: &Plan) -> Manifest {
        let (entries, reasons) = split(dist_info_members(plan, &tags::pure()));
        Manifest {
            kind: ArtifactKind::Wheel,
            entries,
            reasons,
            left_out: Vec::new(),
            tag: None,
            warnings: plan.warnings.clone(),
            in_place: Vec::new(),
            rebuild: None,
            _compiled: None,
        }
    }
}
