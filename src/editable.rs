//! Editable wheels (PEP 660): instead of the modules, a `.pth` file that puts the project's
//! module root on `sys.path`, so edits show without reinstalling.

use std::path::Path;

use crate::archive::Entry;
use crate::error::{Error, Result};
use crate::plan::Plan;

/// The `.pth` entry of an editable wheel.
pub fn pth_entry(plan: &Plan) -> Result<Entry> {
    let root = plan.project_dir.join(&plan.layout.module_root);
    let root = root
        .canonicalize()
        .map_err(|e| Error::io("resolve", &root, e))?;
    let root = path_text(&root)?;
    Ok(Entry::bytes(
        format!("_{}.pth", plan.dist_name),
        format!("{root}\n"),
    ))
}

fn path_text(path: &Path) -> Result<String> {
    let text = path.to_str().ok_or_else(|| {
        Error::Input(format!(
            "the project path `{}` is not valid UTF-8, which a .pth file cannot hold; move the project",
            path.display()
        ))
    })?;
    if text.contains('\n') {
        return Err(Error::Input(format!(
            "the project path `{text}` contains a line break, which a .pth file cannot hold; move the project"
        )));
    }
    Ok(text.to_string())
}
