//! Editable installs whose extension modules rebuild on import: the rebuild plan (each
//! module's steps with the inputs they read, their sizes, modification times and hashes),
//! written into the build directory, and the finder the editable wheel installs, which reads
//! it (`rebuild_finder.py`: pure Python, no rustbackend at run time). The plan is a Python
//! literal, read with `eval` of a literal: every interpreter of the environment loads the
//! finder at startup, and importing `json` would cost it 14 ms (measured with -X importtime).

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::editable::py_str;
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
    /// `<build dir>/rebuild-plan.py` (a Python literal).
    pub path: PathBuf,
    /// The text.
    pub text: String,
}

fn path(value: &Path) -> String {
    py_str(&value.display().to_string())
}

/// A Python list of already-quoted items.
fn list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

/// A Python dict of `(key, already-quoted value)` pairs.
fn dict<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let pairs: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{}: {v}", py_str(k)))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}

/// The inputs a step's stamp lists that are the project's own or the build directory's,
/// each as [as the stamp names it, absolute path, size, modification time in nanoseconds,
/// sha256] (numbers as text: JSON numbers are doubles). The interpreter's headers and
/// Cython's own `.pxd` files are left out: they change only with a new interpreter or build
/// environment (an isolated build's is gone by the time a module is imported), which needs
/// `pip install -e .` anyway.
fn stamped_inputs(step: &Step, build_dir: &Path) -> Result<String> {
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
        inputs.push(list([
            py_str(given),
            path(&absolute),
            py_str(&size),
            py_str(&mtime),
            py_str(hash),
        ]));
    }
    Ok(list(inputs))
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

fn step_literal(step: &Step, build_dir: &Path) -> Result<String> {
    let env = dict(step.env.iter().map(|(k, v)| (k.as_str(), py_str(v))));
    Ok(dict([
        ("kind", py_str(step.kind)),
        ("argv", list(step.argv.iter().map(|a| py_str(a)))),
        ("cwd", path(&step.cwd)),
        ("env", env),
        ("output", path(&step.output)),
        ("stamp", path(&incremental::stamp_path(&step.output))),
        ("key_line", py_str(&step.key_line)),
        ("deps", py_str(&step.deps)),
        ("inputs", stamped_inputs(step, build_dir)?),
    ]))
}

/// The plan for `modules`, built in `build_dir` (read after the build, when every step's
/// stamp is written).
pub fn plan(build_dir: &Path, modules: &[RebuildModule]) -> Result<RebuildPlan> {
    let mut by_name = Vec::new();
    for module in modules {
        let steps = module
            .steps
            .iter()
            .map(|step| step_literal(step, build_dir))
            .collect::<Result<Vec<_>>>()?;
        let fields = dict([
            ("built", path(&module.built)),
            ("target", path(&module.target)),
            ("steps", list(steps)),
        ]);
        by_name.push((module.name.as_str(), fields));
    }
    let text = dict([
        ("version", "1".to_string()),
        ("lock", path(&build_dir.join(".rebuild.lock"))),
        ("build_dir", path(build_dir)),
        ("modules", dict(by_name)),
    ]);
    Ok(RebuildPlan {
        path: build_dir.join("rebuild-plan.py"),
        text: format!("{text}\n"),
    })
}

/// The finder module's source for `project`, reading the plan at `plan_path` for the
/// modules `names`; `py_str` quotes a Python string.
pub fn finder_source(project: &str, plan_path: &str, names: &[String]) -> String {
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
