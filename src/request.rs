//! What a build is given besides the project: `SOURCE_DATE_EPOCH`, config settings and
//! the facts of the interpreter that runs the hook.

use crate::archive;
use crate::native;
use crate::plan::pyproject;

/// Inputs every build shares that do not come from the project itself.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `SOURCE_DATE_EPOCH`: the timestamp for every archive entry
    /// ([`archive::DEFAULT_EPOCH`] when `None`).
    pub source_date_epoch: Option<u64>,
    /// `-C editable-mode=...`: overrides `[tool.rustbackend.editable] mode`.
    pub editable_mode: Option<pyproject::settings::EditableMode>,
    /// `-C wheel-tag=...`: overrides the wheel tag.
    pub wheel_tag: Option<String>,
    /// The (major, minor) version of the Python running the build (for tags of extension
    /// modules without an interpreter suffix, and abi3 without requires-python).
    pub interpreter: Option<(u32, u32)>,
    /// The running interpreter's sysconfig facts, for compiling extension modules.
    pub python_config: Option<native::PythonConfig>,
}

impl BuildOptions {
    /// The timestamp for every archive entry.
    pub fn epoch(&self) -> u64 {
        self.source_date_epoch.unwrap_or(archive::DEFAULT_EPOCH)
    }
}
