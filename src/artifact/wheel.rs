//! The wheel's and the editable wheel's manifests (the modules' and `.data` files, the
//! compiled extension modules), the wheel's tag and `.dist-info` files (licenses, SBOMs,
//! METADATA, WHEEL, entry_points.txt; RECORD last, by the writer), and writing a wheel.

use std::path::{Path, PathBuf};

use super::dist_info::dist_info_members;
use super::{editable, kept_files, secret_warnings, split, ArtifactKind, Member, Why};
use crate::archive::{Contents, Entry, WheelWriter};
use crate::artifact::Manifest;
use crate::error::{Error, Result};
use crate::files::walk::{self, FileEntry, LeftOut, WalkOptions};
use crate::metadata::{self, MetadataFor};
use crate::native::{self, incremental};
use crate::plan::Plan;
use crate::tags::{self, Inferred, WheelTag};
use crate::BuildOptions;

/// The tag facts of a pure-Python wheel.
pub fn pure() -> Inferred {
    Inferred {
        tag: WheelTag::pure(),
        purelib: true,
        warnings: Vec::new(),
    }
}

/// The wheel's tag: `-C wheel-tag`, else `[tool.rustbackend.wheel] tag`, else inferred from
/// the binaries among `payload`, with `python-tag` / `abi-tag` / `platform-tag` replacing
/// parts of it.
pub fn wheel_tag(plan: &Plan, payload: &[Entry], options: &BuildOptions) -> Result<Inferred> {
    let settings = &plan.pyproject.settings;
    if let Some(text) = &options.wheel_tag {
        let tag = WheelTag::parse(text)
            .map_err(|m| Error::Tag(format!("the config setting `wheel-tag`: {m}")))?;
        return Ok(Inferred {
            purelib: tag.is_pure(),
            tag,
            warnings: Vec::new(),
        });
    }
    if let Some(tag) = &settings.wheel_tag {
        return Ok(Inferred {
            purelib: tag.is_pure(),
            tag: tag.clone(),
            warnings: Vec::new(),
        });
    }
    let binaries: Vec<(String, std::path::PathBuf)> = payload
        .iter()
        .filter(|e| tags::is_binary(&e.path))
        .filter_map(|e| match &e.contents {
            Contents::File(source) => Some((e.path.clone(), source.clone())),
            Contents::Bytes(_) => None,
        })
        .collect();
    let limited_api = settings
        .ext_modules
        .iter()
        .filter_map(|m| m.py_limited_api.map(|(_, minor)| minor))
        .max();
    let mut inferred = tags::infer(
        &binaries,
        plan.pyproject.project.requires_python.as_deref(),
        limited_api,
        options.interpreter,
    )
    .map_err(Error::Tag)?;
    let [python, abi, platform] = &settings.wheel_tag_parts;
    if let Some(python) = python {
        inferred.tag.python = python.clone();
    }
    if let Some(abi) = abi {
        inferred.tag.abi = abi.clone();
    }
    if let Some(platform) = platform {
        inferred.tag.platform = platform.clone();
    }
    Ok(inferred)
}

/// The `.dist-info` files other than RECORD.
pub fn dist_info_entries(plan: &Plan, tag: &Inferred) -> Vec<Entry> {
    let dist_info = plan.dist_info();
    let mut entries = Vec::new();
    for license in &plan.license_files {
        entries.push(Entry::file(
            format!("{dist_info}/licenses/{}", license.archive_path),
            &license.source,
        ));
    }
    for sbom in &plan.pyproject.settings.wheel_sboms {
        let name = sbom.rsplit('/').next().unwrap_or(sbom);
        entries.push(Entry::file(
            format!("{dist_info}/sboms/{name}"),
            plan.project_dir.join(sbom),
        ));
    }
    entries.push(Entry::bytes(
        format!("{dist_info}/METADATA"),
        plan.metadata(MetadataFor::Wheel),
    ));
    entries.push(Entry::bytes(
        format!("{dist_info}/WHEEL"),
        metadata::render_wheel_file(tag.purelib, &tag.tag.expand()),
    ));
    if let Some(text) = metadata::render_entry_points(&plan.pyproject.project) {
        entries.push(Entry::bytes(format!("{dist_info}/entry_points.txt"), text));
    }
    entries
}

/// Writes the wheel that `manifest` describes into `out_dir`.
pub fn write_wheel(
    plan: &Plan,
    manifest: &Manifest,
    out_dir: &Path,
    epoch: u64,
) -> Result<PathBuf> {
    let entries = &manifest.entries;
    walk::check_archive_paths(entries.iter().map(|e| e.path.as_str()))?;
    let tag = manifest
        .tag
        .as_ref()
        .map(|t| t.tag.file_part())
        .unwrap_or_default();
    let target = out_dir.join(plan.wheel_filename(&tag));
    let mut writer = WheelWriter::create(&target, epoch, plan.compression_level())?;
    writer.add_all(entries)?;
    writer.finish(&plan.dist_info())
}

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
    let tag = wheel_tag(plan, &entries, options)?;
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
        let (entries, reasons) = split(dist_info_members(plan, &pure()));
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
}
