//! Reading a target interpreter's facts from its PEP 739 `build-details.json`
//! (`-C build-details=PATH`), for cross builds: headers, extension suffix, ABI flags and
//! platform come from the file, never from the interpreter that runs the build.

use std::path::Path;

use tinyjson::JsonValue as Value;

use super::Interpreter;
use crate::error::{Error, Result};

/// The facts of the interpreter that the build-details file at `path` (given as `shown`)
/// describes. The running interpreter's executable is kept (it runs Cython, whose output
/// does not depend on the target), and so are the environment's compiler settings, which
/// name the target's compiler.
pub(super) fn read(path: &Path, shown: &str, host: &Interpreter) -> Result<Interpreter> {
    let fail = |problem: String| Error::BuildDetails {
        path: shown.to_string(),
        problem,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot be read: {}", crate::error::io_text(&e))))?;
    let data: Value = text
        .parse()
        .map_err(|e: tinyjson::JsonParseError| fail(format!("is not JSON: {e}")))?;
    let field = |name: &str| -> Option<&Value> {
        name.split('.').try_fold(&data, |value, part| match value {
            Value::Object(members) => members.get(part),
            _ => None,
        })
    };
    let shown_value = |value: &Value| value.stringify().unwrap_or_default();
    let string = |name: &str| -> Result<Option<&str>> {
        match field(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(fail(format!(
                "has `{name}` = {}, which is not a string",
                shown_value(other)
            ))),
        }
    };
    let required = |name: &str, why: &str| -> Result<&str> {
        string(name)?.ok_or_else(|| fail(format!("has no `{name}`, which {why}")))
    };
    let schema = required("schema_version", "says which version of PEP 739 it follows")?;
    if schema.split('.').next() != Some("1") {
        return Err(fail(format!(
            "has schema_version `{schema}`; rustbackend reads version 1.x of the format"
        )));
    }
    let implementation = required("implementation.name", "names the Python implementation")?;
    if implementation != "cpython" {
        return Err(fail(format!(
            "describes `{implementation}` (implementation.name); rustbackend builds extension modules for CPython"
        )));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let base = dir.join(required(
        "base_prefix",
        "the paths in the file are relative to",
    )?);
    let resolve = |value: &str| -> String { display(&base.join(value)) };
    let platform = required("platform", "names the system to build for")?;
    let version = required("language.version", "gives the Python version (`3.14`)")?;
    let mut vars = std::collections::HashMap::new();
    let mut set = |key: &str, value: String| {
        vars.insert(key.to_string(), value);
    };
    set("platform", platform.to_string());
    set("version", version.to_string());
    set(
        "include",
        resolve(required(
            "c_api.headers",
            "names the directory of Python.h that extension modules compile against",
        )?),
    );
    set(
        "EXT_SUFFIX",
        required(
            "abi.extension_suffix",
            "names the file suffix of the target's extension modules",
        )?
        .to_string(),
    );
    if let Some(suffix) = string("abi.stable_abi_suffix")? {
        set("stable_abi_suffix", suffix.to_string());
    }
    let flags = match field("abi.flags") {
        None => Vec::new(),
        Some(Value::Array(flags)) => flags
            .iter()
            .filter_map(|flag| match flag {
                Value::String(flag) => Some(flag.as_str()),
                _ => None,
            })
            .collect(),
        Some(other) => {
            return Err(fail(format!(
                "has `abi.flags` = {}, which is not a list",
                shown_value(other)
            )))
        }
    };
    set(
        "Py_GIL_DISABLED",
        if flags.contains(&"t") { "1" } else { "0" }.to_string(),
    );
    set("installed_base", display(&base));
    if let Some(Value::Boolean(true)) = field("libpython.link_extensions") {
        if let Some(library) = string("libpython.dynamic")? {
            set("libpython", resolve(library));
        }
    }
    // macosx-11.0-arm64: the deployment target the interpreter was built for.
    if let Some(rest) = platform.strip_prefix("macosx-") {
        if let Some((target, _)) = rest.split_once('-') {
            set("MACOSX_DEPLOYMENT_TARGET", target.to_string());
        }
    }
    set("executable", host.get("executable").to_string());
    set("build_details", shown.to_string());
    let version = version
        .split_once('.')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .ok_or_else(|| {
            fail(format!(
                "has language.version `{version}`, which is not MAJOR.MINOR"
            ))
        })?;
    Ok(Interpreter {
        version: Some(version),
        vars,
        env: host.env.clone(),
    })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(text: &str) -> Result<Interpreter> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("build-details.json");
        std::fs::write(&path, text).unwrap();
        read(&path, "target/build-details.json", &Interpreter::default())
    }

    const AARCH64: &str = r#"{
        "schema_version": "1.0",
        "base_prefix": "../..",
        "platform": "linux-aarch64",
        "language": {"version": "3.14"},
        "implementation": {"name": "cpython"},
        "abi": {"flags": ["t"], "extension_suffix": ".cpython-314t-aarch64-linux-gnu.so",
                "stable_abi_suffix": ".abi3.so"},
        "libpython": {"dynamic": "lib/libpython3.14t.so.1.0", "link_extensions": false},
        "c_api": {"headers": "include/python3.14t"}
    }"#;

    #[test]
    fn a_file_gives_every_fact_a_build_needs() {
        let target = details(AARCH64).unwrap();
        assert_eq!(target.version, Some((3, 14)));
        assert!(target.free_threaded());
        assert_eq!(target.get("platform"), "linux-aarch64");
        assert_eq!(
            target.get("EXT_SUFFIX"),
            ".cpython-314t-aarch64-linux-gnu.so"
        );
        assert!(target
            .get("include")
            .replace('\\', "/")
            .ends_with("/../../include/python3.14t"));
        assert_eq!(target.get("libpython"), "");
        let mac = details(&AARCH64.replace("linux-aarch64", "macosx-11.0-arm64")).unwrap();
        assert_eq!(mac.get("MACOSX_DEPLOYMENT_TARGET"), "11.0");
    }

    #[test]
    fn a_file_without_what_a_build_needs_is_refused_by_field() {
        let error = |text: &str| details(text).unwrap_err().to_string();
        let message = error(&AARCH64.replace("\"extension_suffix\"", "\"suffix\""));
        assert_eq!(
            message,
            "the build-details file `target/build-details.json` (-C build-details) has no `abi.extension_suffix`, which names the file suffix of the target's extension modules"
        );
        assert!(error(&AARCH64.replace("c_api", "c")).contains("no `c_api.headers`"));
        assert!(error(&AARCH64.replace("\"1.0\"", "\"2.0\"")).contains("schema_version `2.0`"));
        assert!(error(&AARCH64.replace("cpython", "pypy")).contains("describes `pypy`"));
        let message = error("{\n  \"schema_version\": }");
        assert!(message.contains("is not JSON: "), "{message}");
        assert!(message.contains("at line:2, col:20"), "{message}");
        assert!(error(&AARCH64.replace("\"3.14\"", "3.14"))
            .contains("`language.version` = 3.14, which is not a string"));
    }
}
