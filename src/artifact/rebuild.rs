//! Editable installs whose extension modules rebuild on import: the rebuild plan (each
//! module's steps with the inputs they read, their sizes, modification times and hashes),
//! written into the build directory, and the finder the editable wheel installs, which reads
//! it (`rebuild_finder.py`: pure Python, no rustbackend at run time).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use tinyjson::JsonValue;

use crate::error::{Error, Result};
use crate::native::{incremental, Step};

const FINDER_TEMPLATE: &str = include_str!("rebuild_finder.py");

/// One compiled module of an editable install: its name, where it is linked, where the
/// install imports it from, and the steps that make it.
#[derive(Debug, Clone)]
pub struct RebuildModule {
    /// The dotted module name.
    pub name: String,
    /// The linked file in the build directory.
    pub built: PathBuf,
    /// The file next to the sources that the install imports.
    pub target: PathBuf,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The rebuild plan of an editable install: where it goes in the build directory, and its
/// text.
#[derive(Debug, Clone)]
pub struct RebuildPlan {
    /// `<build dir>/rebuild.json`.
    pub path: PathBuf,
    /// The JSON text.
    pub json: String,
}

fn text(value: impl Into<String>) -> JsonValue {
    JsonValue::String(value.into())
}

fn path(value: &Path) -> JsonValue {
    text(value.display().to_string())
}

/// The inputs a step's stamp lists that are the project's own or the build directory's,
/// each as [as the stamp names it, absolute path, size, modification time in nanoseconds,
/// sha256] (numbers as text: JSON numbers are doubles). The interpreter's headers and
/// Cython's own `.pxd` files are left out: they change only with a new interpreter or build
/// environment (an isolated build's is gone by the time a module is imported), which needs
/// `pip install -e .` anyway.
fn stamped_inputs(step: &Step, build_dir: &Path) -> Result<JsonValue> {
    let stamp = incremental::stamp_path(&step.output);
    let contents = std::fs::read_to_string(&stamp).map_err(|e| Error::io("read", &stamp, e))?;
    let mut inputs = Vec::new();
    for line in contents.lines().skip(1) {
        let Some((hash, given)) = line.split_once(' ') else {
            continue;
        };
        let absolute = lexically_normal(&step.cwd.join(given));
        if !(absolute.starts_with(&step.cwd) || absolute.starts_with(build_dir)) {
            continue;
        }
        let (size, mtime) = match std::fs::metadata(&absolute) {
            Ok(meta) => (
                meta.len().to_string(),
                meta.modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos().to_string())
                    .unwrap_or_default(),
            ),
            Err(_) => (String::new(), String::new()),
        };
        inputs.push(JsonValue::Array(vec![
            text(given),
            path(&absolute),
            text(size),
            text(mtime),
            text(hash),
        ]));
    }
    Ok(JsonValue::Array(inputs))
}

/// `path` with `.` and `..` components resolved by name (Cython lists its own `.pxd` files
/// relative to the project: `../../pip-build-env-x/...`).
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

fn step_json(step: &Step, build_dir: &Path) -> Result<JsonValue> {
    let env: HashMap<String, JsonValue> = step
        .env
        .iter()
        .map(|(k, v)| (k.clone(), text(v.clone())))
        .collect();
    let fields: HashMap<String, JsonValue> = [
        ("kind", text(step.kind)),
        (
            "argv",
            JsonValue::Array(step.argv.iter().map(|a| text(a.clone())).collect()),
        ),
        ("cwd", path(&step.cwd)),
        ("env", JsonValue::Object(env)),
        ("output", path(&step.output)),
        ("stamp", path(&incremental::stamp_path(&step.output))),
        ("key_line", text(step.key_line.clone())),
        ("deps", text(step.deps.clone())),
        ("inputs", stamped_inputs(step, build_dir)?),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Ok(JsonValue::Object(fields))
}

/// The plan for `modules`, built in `build_dir` (read after the build, when every step's
/// stamp is written).
pub fn plan(build_dir: &Path, modules: &[RebuildModule]) -> Result<RebuildPlan> {
    let mut by_name = HashMap::new();
    for module in modules {
        let steps = module
            .steps
            .iter()
            .map(|step| step_json(step, build_dir))
            .collect::<Result<Vec<_>>>()?;
        let fields: HashMap<String, JsonValue> = [
            ("built", path(&module.built)),
            ("target", path(&module.target)),
            ("steps", JsonValue::Array(steps)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        by_name.insert(module.name.clone(), JsonValue::Object(fields));
    }
    let root: HashMap<String, JsonValue> = [
        ("version".to_string(), text("1")),
        ("lock".to_string(), path(&build_dir.join(".rebuild.lock"))),
        ("build_dir".to_string(), path(build_dir)),
        ("modules".to_string(), JsonValue::Object(by_name)),
    ]
    .into();
    let json = JsonValue::Object(root)
        .stringify()
        .map_err(|e| Error::io("write", build_dir, std::io::Error::other(e.to_string())))?;
    Ok(RebuildPlan {
        path: build_dir.join("rebuild.json"),
        json,
    })
}

/// The finder module's source for `project`, reading the plan at `plan_path` for the
/// modules `names`; `py_str` quotes a Python string.
pub fn finder_source(
    project: &str,
    plan_path: &str,
    names: &[String],
    py_str: fn(&str) -> String,
) -> String {
    let names: Vec<String> = names.iter().map(|n| py_str(n)).collect();
    FINDER_TEMPLATE
        .replace("{project}", project)
        .replace("{plan}", &py_str(plan_path))
        .replace("{modules}", &format!("{{{}}}", names.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_components_resolve_by_name() {
        let cwd = Path::new("/tmp/p/project");
        let cython = lexically_normal(&cwd.join("../../pip-build-env-x/Cython/Includes/a.pxd"));
        assert_eq!(
            cython,
            Path::new("/tmp/pip-build-env-x/Cython/Includes/a.pxd")
        );
        assert!(!cython.starts_with(cwd));
        assert!(lexically_normal(&cwd.join("./src/../csrc/m.c")).starts_with(cwd));
    }
}
