//! Where compiling happens: a temporary directory for a wheel, a directory kept between
//! runs for an editable install or `-C build-dir`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::request::{BuildOptions, Interpreter};
/// The build directory an editable install keeps between runs when `-C build-dir` names
/// none: `build/rustbackend/<interpreter ABI>` in the project (`build/` is never packed).
pub fn default_build_dir(plan: &Plan, config: &Interpreter) -> PathBuf {
    let abi = config
        .get("EXT_SUFFIX")
        .trim_start_matches('.')
        .trim_end_matches(".so")
        .trim_end_matches(".pyd")
        .to_string();
    let abi = if abi.is_empty() { "native".into() } else { abi };
    plan.project_dir.join("build").join("rustbackend").join(abi)
}

/// The build directory `-C build-dir=DIR` names (relative to the project), if any.
pub fn chosen_build_dir(plan: &Plan, options: &BuildOptions) -> Option<PathBuf> {
    options
        .build_dir
        .as_ref()
        .map(|dir| plan.project_dir.join(dir))
}

/// Creates `dir` and, when it is new, a `.gitignore` of `*` at the top of it, so that git
/// does not show the build directory as new files.
pub(super) fn prepare_build_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# written by rustbackend: its build directory\n*\n",
        )
        .map_err(|e| Error::io("write", &ignore, e))?;
    }
    Ok(())
}

/// A path inside the build directory for a project path (`..` kept from climbing out).
pub(super) fn within(dir: &Path, project_path: &str) -> PathBuf {
    project_path
        .split('/')
        .fold(dir.to_path_buf(), |path, part| match part {
            ".." => path.join("__"),
            part => path.join(part),
        })
}
