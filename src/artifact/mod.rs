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

use std::path::{Path, PathBuf};

use crate::archive::{ArchiveWriter, Contents, Entry, ListWriter, SdistWriter, WheelWriter};
use crate::error::Result;
use crate::files::globs::Excludes;
use crate::files::paths::{archive_path, check_archive_paths};
use crate::files::rules::{secret_warning, LeftOut};
use crate::native::incremental;
use crate::plan::Plan;
use crate::request::BuildOptions;
use crate::tags::Inferred;

mod dist_info;
pub mod editable;
pub mod rebuild;
pub mod scripts;
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
    /// A project file that git does not track (an sdist built in a git checkout).
    Untracked,
    /// A source, header or include-directory file of this extension module.
    ExtensionSource(String),
}

/// One entry of an artifact while the manifest is assembled.
pub(super) struct Member {
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
        (Why::Untracked, Contents::File(source)) => {
            format!(
                "{} (not tracked by git)",
                project_relative(project_dir, source)
            )
        }
        (_, Contents::File(source)) => project_relative(project_dir, source),
        (_, Contents::Bytes(_)) => "<generated>".into(),
    }
}

/// Splits members into the entries (what writers take, without copying) and the reasons.
pub(super) fn split(members: Vec<Member>) -> (Vec<Entry>, Vec<Why>) {
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
    /// An editable wheel's compiled extension modules (built file, place next to its
    /// sources), put in place when the editable wheel is written.
    pub in_place: Vec<(PathBuf, PathBuf)>,
    /// An editable wheel's rebuild plan, written into the build directory with the wheel
    /// (see [`rebuild`]).
    pub rebuild: Option<rebuild::RebuildPlan>,
    /// Holds the compiled extension modules until the wheel is written.
    _compiled: Option<tempfile::TempDir>,
}

/// The path of a file relative to the project root, `/`-separated.
pub(super) fn project_relative(project_dir: &Path, source: &Path) -> String {
    let relative = source.strip_prefix(project_dir).unwrap_or(source);
    archive_path(relative).unwrap_or_else(|| relative.to_string_lossy().into_owned())
}

/// What an artifact's walks keep although an ignore rule covers it: the `artifacts` globs
/// and the file a dynamic version is read from.
pub(super) fn kept_files(plan: &Plan) -> Result<Excludes> {
    let mut globs = plan.pyproject.settings.artifacts.clone();
    if let Some(file) = &plan.version_file {
        globs.push(globset::escape(file));
    }
    Excludes::new(&globs)
}

pub(super) fn secret_warnings(left_out: &[(String, LeftOut)]) -> impl Iterator<Item = String> + '_ {
    left_out
        .iter()
        .filter(|(_, why)| *why == LeftOut::Secret)
        .map(|(path, _)| secret_warning(path))
}

/// What `rustbackend ls` shows of an artifact: every path in archive order with where it
/// comes from, what was left out and why, the wheel's tag, and the warnings.
#[derive(Debug)]
pub struct Listing {
    /// (archive path, origin) pairs, in archive order.
    pub members: Vec<(String, String)>,
    /// Paths (project-relative; directories end in `/`) left out, and why.
    pub left_out: Vec<(String, LeftOut)>,
    /// The wheel's tag, for wheels.
    pub tag: Option<String>,
    /// Warnings for the user.
    pub warnings: Vec<String>,
}

impl Manifest {
    /// The manifest of the artifact `kind`; `out_dir` (where the artifact goes) is never
    /// packed into an sdist.
    pub fn of(
        plan: &Plan,
        kind: ArtifactKind,
        options: &BuildOptions,
        out_dir: Option<&Path>,
    ) -> Result<Manifest> {
        match kind {
            ArtifactKind::Sdist => Manifest::sdist(plan, out_dir),
            ArtifactKind::Wheel | ArtifactKind::Editable => Manifest::wheel(plan, kind, options),
        }
    }

    /// Gives every entry to `writer`, in order, and finishes it.
    pub fn write_to<W: ArchiveWriter>(&self, mut writer: W) -> Result<W::Output> {
        check_archive_paths(self.entries.iter().map(|e| e.path.as_str()))?;
        writer.add_all(&self.entries)?;
        Ok(writer.finish()?)
    }

    /// Writes the artifact into `out_dir` (an editable wheel's compiled modules go next to
    /// their sources first) and returns its path.
    pub fn write(&self, plan: &Plan, out_dir: &Path, epoch: u64) -> Result<PathBuf> {
        let level = plan.compression_level();
        if self.kind == ArtifactKind::Sdist {
            let base = plan.sdist_base();
            let target = out_dir.join(format!("{base}.tar.gz"));
            return self.write_to(SdistWriter::create(&target, &base, epoch, level)?);
        }
        if let Some(rebuild) = &self.rebuild {
            incremental::write_atomically(&rebuild.path, rebuild.text.as_bytes())?;
        }
        for (built, dest) in &self.in_place {
            incremental::install(built, dest)?;
        }
        let tag = self
            .tag
            .as_ref()
            .map(|t| t.tag.file_part())
            .unwrap_or_default();
        let target = out_dir.join(plan.wheel_filename(&tag));
        self.write_to(WheelWriter::create(
            &target,
            &plan.dist_info(),
            epoch,
            level,
        )?)
    }

    /// What the artifact holds, laid out by the list writer as the artifact's own writer
    /// lays it out (RECORD last in a wheel; the sdist's top directory), without writing it.
    pub fn listing(self, plan: &Plan) -> Result<Listing> {
        let writer = match self.kind {
            ArtifactKind::Sdist => ListWriter::sdist(&plan.sdist_base()),
            ArtifactKind::Wheel | ArtifactKind::Editable => ListWriter::wheel(&plan.dist_info()),
        };
        let paths = self.write_to(writer)?;
        let mut origins = self
            .entries
            .iter()
            .zip(&self.reasons)
            .map(|(entry, why)| origin(entry, why, &plan.project_dir));
        let members = paths
            .into_iter()
            .map(|path| {
                let origin = origins.next().unwrap_or_else(|| "<generated>".into());
                (path, origin)
            })
            .collect();
        Ok(Listing {
            members,
            left_out: self.left_out,
            tag: self.tag.map(|t| t.tag.file_part()),
            warnings: self.warnings,
        })
    }
}
