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

use std::path::Path;

use crate::archive::{Contents, Entry};
use crate::error::Result;
use crate::files::walk::{self, Excludes, LeftOut};
use crate::plan::Plan;
use crate::tags::Inferred;

mod dist_info;
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
    /// Holds the compiled extension modules until the wheel is written.
    _compiled: Option<tempfile::TempDir>,
}

/// The path of a file relative to the project root, `/`-separated.
pub(super) fn project_relative(project_dir: &Path, source: &Path) -> String {
    let relative = source.strip_prefix(project_dir).unwrap_or(source);
    walk::archive_path(relative).unwrap_or_else(|| relative.to_string_lossy().into_owned())
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
        .map(|(path, _)| walk::secret_warning(path))
}

impl Manifest {
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
