//! Checking built artifacts (`rustbackend check dist/*`): file names, core metadata, WHEEL
//! tags, RECORD hashes and sizes, entry points; for sdists, the layout and PKG-INFO.
//! Every problem found is listed; an empty list means the artifact is sound.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::names;
use crate::plan::pyproject::entry_points;

/// Parses `Key: value` headers (with continuation lines) up to the first blank line.
fn parse_headers(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            fields.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Checks core metadata text against the distribution name and version from a file name.
fn check_metadata(text: &str, what: &str, name: &str, version: &str, problems: &mut Vec<String>) {
    let fields = parse_headers(text);
    match field(&fields, "Metadata-Version") {
        Some(v) if ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"].contains(&v) => {}
        Some(v) => problems.push(format!("{what}: unknown Metadata-Version `{v}`")),
        None => problems.push(format!("{what}: no Metadata-Version")),
    }
    match field(&fields, "Name") {
        Some(n) if names::escape_for_filename(n) == names::escape_for_filename(name) => {}
        Some(n) => problems.push(format!(
            "{what}: Name `{n}` does not match the file name's `{name}`"
        )),
        None => problems.push(format!("{what}: no Name")),
    }
    match field(&fields, "Version") {
        Some(v) => match pep440_rs::Version::from_str(v) {
            Ok(parsed) if parsed.to_string() == version => {}
            Ok(parsed) => problems.push(format!(
                "{what}: Version `{parsed}` does not match the file name's `{version}`"
            )),
            Err(e) => problems.push(format!("{what}: Version `{v}` is not PEP 440: {e}")),
        },
        None => problems.push(format!("{what}: no Version")),
    }
    for (_, classifier) in fields
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Classifier"))
    {
        if let Err(problem) = crate::plan::classifiers::check(classifier) {
            let (message, help) = crate::plan::classifiers::describe(classifier, &problem);
            problems.push(format!("{what}: {message} ({help})"));
        }
    }
    if let Some(expression) = field(&fields, "License-Expression") {
        match crate::plan::license::normalize_expression(expression) {
            Ok(normalized) if normalized == expression => {}
            Ok(normalized) => problems.push(format!(
                "{what}: License-Expression `{expression}` is not in its canonical case `{normalized}`"
            )),
            Err(message) => problems.push(match crate::plan::license::suggest_identifier(expression) {
                Some((id, _)) => format!(
                    "{what}: License-Expression `{expression}` is not an SPDX license expression (SPDX writes it as `{id}`)"
                ),
                None => format!("{what}: License-Expression: {message}"),
            }),
        }
    }
}

/// Checks a built wheel or sdist, chosen by its file name; returns the problems found
/// (empty when sound).
pub fn check_artifact(path: &Path) -> Vec<String> {
    let name = path.to_string_lossy();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return vec![format!("no such file: `{name}`")];
        }
        Err(e) => return vec![format!("cannot read `{name}`: {e}")],
        Ok(meta) if !meta.is_file() => return vec![format!("`{name}` is not a file")],
        Ok(_) => {}
    }
    if name.ends_with(".whl") {
        check_wheel(path)
    } else if name.ends_with(".tar.gz") {
        check_sdist(path)
    } else {
        vec![format!(
            "`{name}` is neither a wheel (.whl) nor an sdist (.tar.gz)"
        )]
    }
}

/// Checks a wheel; returns the problems found.
pub fn check_wheel(path: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file_name.strip_suffix(".whl").unwrap_or(&file_name);
    let parts: Vec<&str> = stem.split('-').collect();
    if !(parts.len() == 5 || parts.len() == 6) {
        return vec![format!(
            "the file name `{file_name}` is not `name-version(-build)?-python-abi-platform.whl`"
        )];
    }
    let (name, version) = (parts[0], parts[1]);
    let (pythons, abis, platforms) = (
        parts[parts.len() - 3],
        parts[parts.len() - 2],
        parts[parts.len() - 1],
    );
    let mut tags: Vec<String> = Vec::new();
    for py in pythons.split('.') {
        for abi in abis.split('.') {
            for platform in platforms.split('.') {
                tags.push(format!("{py}-{abi}-{platform}"));
            }
        }
    }
    let mut archive = match File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| zip::ZipArchive::new(f).map_err(|e| e.to_string()))
    {
        Ok(a) => a,
        Err(e) => return vec![format!("cannot read the zip archive: {e}")],
    };
    let dist_info = format!("{name}-{version}.dist-info");
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(format!("entry {i}: {e}"));
                continue;
            }
        };
        let entry_name = match entry.name() {
            Ok(name) => name.to_string(),
            Err(e) => {
                problems.push(format!("entry {i} has an unreadable name: {e}"));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let mut data = Vec::new();
        if let Err(e) = entry.read_to_end(&mut data) {
            problems.push(format!("`{entry_name}` cannot be read: {e}"));
            continue;
        }
        contents.insert(entry_name, data);
    }
    let text = |name: &str| {
        contents
            .get(name)
            .map(|d| String::from_utf8_lossy(d).into_owned())
    };
    match text(&format!("{dist_info}/METADATA")) {
        Some(metadata) => check_metadata(&metadata, "METADATA", name, version, &mut problems),
        None => problems.push(format!("no {dist_info}/METADATA")),
    }
    match text(&format!("{dist_info}/WHEEL")) {
        Some(wheel) => {
            let fields = parse_headers(&wheel);
            if !field(&fields, "Wheel-Version").is_some_and(|v| v.starts_with("1.")) {
                problems.push("WHEEL: Wheel-Version is not 1.x".into());
            }
            if !matches!(field(&fields, "Root-Is-Purelib"), Some("true" | "false")) {
                problems.push("WHEEL: Root-Is-Purelib is not true or false".into());
            }
            let mut declared: Vec<String> = fields
                .iter()
                .filter(|(k, _)| k == "Tag")
                .map(|(_, v)| v.clone())
                .collect();
            declared.sort();
            let mut expected = tags.clone();
            expected.sort();
            if declared != expected {
                problems.push(format!(
                    "WHEEL: Tag lines {declared:?} do not match the file name's tags {expected:?}"
                ));
            }
        }
        None => problems.push(format!("no {dist_info}/WHEEL")),
    }
    if let Some(entry_points) = text(&format!("{dist_info}/entry_points.txt")) {
        check_entry_points(&entry_points, &contents, &mut problems);
    }
    let licenses = format!("{dist_info}/licenses/");
    for (name, data) in contents.range(licenses.clone()..) {
        if !name.starts_with(&licenses) {
            break;
        }
        if let Err(e) = std::str::from_utf8(data) {
            problems.push(format!(
                "the license file `{name}` is not UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            ));
        }
    }
    let record_name = format!("{dist_info}/RECORD");
    match text(&record_name) {
        Some(record) => check_record(&record, &record_name, &contents, &mut problems),
        None => problems.push(format!("no {record_name}")),
    }
    problems
}

/// Checks `entry_points.txt`: group and entry names PyPI accepts, object references (with
/// optional extras), and modules that the wheel holds. A module that the wheel does not
/// hold may come from a dependency, so it is reported as such.
fn check_entry_points(
    text: &str,
    contents: &BTreeMap<String, Vec<u8>>,
    problems: &mut Vec<String>,
) {
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(group) = line.strip_prefix('[').and_then(|g| g.strip_suffix(']')) {
            if let Some(problem) = entry_points::name_problem(group) {
                problems.push(format!(
                    "entry_points.txt: the group name {group:?} is not valid: {problem}"
                ));
            }
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            problems.push(format!("entry_points.txt: invalid entry `{line}`"));
            continue;
        };
        let name = name.trim();
        if let Some(problem) = entry_points::name_problem(name) {
            problems.push(format!(
                "entry_points.txt: the entry point name {name:?} is not valid: {problem}"
            ));
        }
        match entry_points::parse_value(value) {
            None => problems.push(format!("entry_points.txt: invalid entry `{line}`")),
            Some(parsed) if !has_module(contents, parsed.module) => problems.push(format!(
                "entry_points.txt: `{name}` names the module `{}`, which the wheel does not hold (fine only if a dependency provides it)",
                parsed.module
            )),
            Some(_) => {}
        }
    }
}

/// Whether the wheel holds the module `dotted` (a `.py` file, a package, a compiled module,
/// or a namespace directory), in its root or its `.data/purelib|platlib` directories.
fn has_module(contents: &BTreeMap<String, Vec<u8>>, dotted: &str) -> bool {
    let rel = dotted.replace('.', "/");
    contents.keys().any(|name| {
        let name = match name.split_once(".data/") {
            Some((_, rest)) => match rest.split_once('/') {
                Some(("purelib" | "platlib", path)) => path,
                _ => return false,
            },
            None => name.as_str(),
        };
        let Some(rest) = name.strip_prefix(rel.as_str()) else {
            return false;
        };
        rest.starts_with('/')
            || rest == ".py"
            || (rest.starts_with('.')
                && [".so", ".pyd"].iter().any(|ext| rest.ends_with(ext))
                && !rest[1..].contains('/'))
    })
}

fn check_record(
    record: &str,
    record_name: &str,
    contents: &BTreeMap<String, Vec<u8>>,
    problems: &mut Vec<String>,
) {
    let mut listed = Vec::new();
    for line in record.lines().filter(|l| !l.is_empty()) {
        let fields: Vec<&str> = line.rsplitn(3, ',').collect();
        let [size, hash, path] = fields[..] else {
            problems.push(format!("RECORD: malformed line `{line}`"));
            continue;
        };
        let path = path.trim_matches('"').replace("\"\"", "\"");
        listed.push(path.clone());
        if path == record_name {
            continue;
        }
        let Some(data) = contents.get(&path) else {
            problems.push(format!("RECORD lists `{path}`, which is not in the wheel"));
            continue;
        };
        let digest = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(data));
        if hash != format!("sha256={digest}") {
            problems.push(format!("RECORD: the hash of `{path}` does not match"));
        }
        if size != data.len().to_string() {
            problems.push(format!("RECORD: the size of `{path}` does not match"));
        }
    }
    for name in contents.keys() {
        if !listed.contains(name) {
            problems.push(format!("`{name}` is not listed in RECORD"));
        }
    }
}

/// Checks an sdist (`.tar.gz`); returns the problems found.
pub fn check_sdist(path: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(base) = file_name.strip_suffix(".tar.gz") else {
        return vec![format!("`{file_name}` does not end in .tar.gz")];
    };
    let Some((name, version)) = base.rsplit_once('-') else {
        return vec![format!(
            "the file name `{file_name}` is not `name-version.tar.gz`"
        )];
    };
    if names::escape_for_filename(name) != name {
        problems.push(format!(
            "the file name's project name `{name}` is not normalized (PEP 625)"
        ));
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return vec![format!("cannot open: {e}")],
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return vec![format!("cannot read the tar archive: {e}")],
    };
    let mut pkg_info = None;
    let mut has_pyproject = false;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("cannot read the tar archive: {e}"));
                break;
            }
        };
        let entry_path = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !entry_path.starts_with(&format!("{base}/")) && entry_path != base {
            problems.push(format!(
                "`{entry_path}` is outside the top directory `{base}/`"
            ));
        }
        if entry_path.split('/').any(|p| p == "..") || entry_path.starts_with('/') {
            problems.push(format!("`{entry_path}` is not a safe relative path"));
        }
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            problems.push(format!("`{entry_path}` is a link"));
        }
        if entry_path == format!("{base}/PKG-INFO") {
            let mut text = String::new();
            if entry.read_to_string(&mut text).is_ok() {
                pkg_info = Some(text);
            }
        }
        has_pyproject |= entry_path == format!("{base}/pyproject.toml");
    }
    match pkg_info {
        Some(text) => check_metadata(&text, "PKG-INFO", name, version, &mut problems),
        None => problems.push(format!("no {base}/PKG-INFO")),
    }
    if !has_pyproject {
        problems.push(format!("no {base}/pyproject.toml"));
    }
    problems
}
