//! Checking a wheel: its file name and tags, METADATA and WHEEL, entry points, license
//! files, and RECORD's hashes and sizes, with every member streamed (bounded memory).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

use super::Findings;
use super::{check_metadata, field, parse_headers};
use crate::plan::pyproject::entry_points;

/// What the wheel check keeps of a member: its size and sha256 (the RECORD check) and, for
/// `.dist-info` files, its bytes. Members are streamed through the hash, so memory stays
/// bounded whatever the archive holds or declares.
struct Member {
    size: u64,
    digest: String,
    data: Option<Vec<u8>>,
}

/// The most of a `.dist-info` file read into memory (METADATA, RECORD, licenses).
pub(super) const MAX_KEPT: u64 = 16 << 20;

/// Deflate cannot expand a byte into more than 1032 (258-byte matches, 2 bits each at best):
/// a member that declares a higher ratio is corrupt or hostile, and is not inflated.
const MAX_DEFLATE_RATIO: u64 = 1100;

/// Streams one member through sha256, keeping its bytes when `keep` (up to [`MAX_KEPT`]).
/// A member that declares more than deflate can produce, or inflates to more than it
/// declares, is reported and not followed.
fn read_member(
    mut entry: zip::read::ZipFile<'_, File>,
    name: &str,
    keep: bool,
) -> Result<Member, String> {
    let declared = entry.size();
    let compressed = entry.compressed_size();
    if entry.compression() == zip::CompressionMethod::Deflated
        && declared > compressed.saturating_mul(MAX_DEFLATE_RATIO).max(1 << 20)
    {
        return Err(format!(
            "`{name}` declares {declared} bytes from {compressed} compressed, more than deflate can produce: not inflated (a corrupt or hostile archive)"
        ));
    }
    if keep && declared > MAX_KEPT {
        return Err(format!(
            "`{name}` declares {declared} bytes, too large for a .dist-info file: not read"
        ));
    }
    let mut hasher = Sha256::new();
    let mut data = keep.then(Vec::new);
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size: u64 = 0;
    loop {
        let n = entry
            .read(&mut buffer)
            .map_err(|e| format!("`{name}` cannot be read: {e}"))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > declared {
            return Err(format!(
                "`{name}` inflates to more than the {declared} bytes it declares: not followed (a corrupt or hostile archive)"
            ));
        }
        hasher.update(&buffer[..n]);
        if let Some(data) = &mut data {
            data.extend_from_slice(&buffer[..n]);
        }
    }
    Ok(Member {
        size,
        digest: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hasher.finalize()),
        data,
    })
}

/// Checks a wheel; returns the problems and warnings found.
pub fn check_wheel(path: &Path) -> Findings {
    let mut warnings = Vec::new();
    let problems = wheel_problems(path, &mut warnings);
    Findings { problems, warnings }
}

fn wheel_problems(path: &Path, warnings: &mut Vec<String>) -> Vec<String> {
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
    let mut contents: BTreeMap<String, Member> = BTreeMap::new();
    for i in 0..archive.len() {
        let entry = match archive.by_index(i) {
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
        let keep = entry_name.starts_with(&format!("{dist_info}/"));
        match read_member(entry, &entry_name, keep) {
            Ok(member) => {
                contents.insert(entry_name, member);
            }
            Err(problem) => problems.push(problem),
        }
    }
    let text = |name: &str| {
        contents
            .get(name)
            .and_then(|m| m.data.as_deref())
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
        check_entry_points(&entry_points, &contents, &mut problems, warnings);
    }
    let licenses = format!("{dist_info}/licenses/");
    for (name, member) in contents.range(licenses.clone()..) {
        if !name.starts_with(&licenses) {
            break;
        }
        let Some(data) = &member.data else { continue };
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
/// optional extras), and modules that the wheel holds. A missing module inside a package or
/// module the wheel ships is a problem (nothing else can provide it, as `check PROJECT` says
/// too); one elsewhere may come from a dependency, so it is a warning.
fn check_entry_points(
    text: &str,
    contents: &BTreeMap<String, Member>,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
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
            Some(parsed) if !has_module(contents, parsed.module) => {
                let module = parsed.module;
                match owning_module(contents, module) {
                    Some(owner) => problems.push(format!(
                        "entry_points.txt: `{name}` names the module `{module}`, which the wheel does not hold, inside its own `{owner}`"
                    )),
                    None => warnings.push(format!(
                        "entry_points.txt: `{name}` names the module `{module}`, which the wheel does not hold (fine only if a dependency provides it)"
                    )),
                }
            }
            Some(_) => {}
        }
    }
}

/// The enclosing module of `dotted` that the wheel ships and no other distribution can add
/// to: a regular package (with `__init__.py`) or a module file.
fn owning_module(contents: &BTreeMap<String, Member>, dotted: &str) -> Option<String> {
    let parts: Vec<&str> = dotted.split('.').collect();
    (1..parts.len()).find_map(|i| {
        let parent = parts[..i].join(".");
        let init = format!("{parent}.__init__");
        (has_module(contents, &init) || is_module_file(contents, &parent)).then_some(parent)
    })
}

/// Whether the wheel holds `dotted` as a file (`.py` or compiled), not a directory.
fn is_module_file(contents: &BTreeMap<String, Member>, dotted: &str) -> bool {
    let rel = dotted.replace('.', "/");
    has_module(contents, dotted) && !contents.keys().any(|n| n.starts_with(&format!("{rel}/")))
}

/// Whether the wheel holds the module `dotted` (a `.py` file, a package, a compiled module,
/// or a namespace directory), in its root or its `.data/purelib|platlib` directories.
fn has_module(contents: &BTreeMap<String, Member>, dotted: &str) -> bool {
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
    contents: &BTreeMap<String, Member>,
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
        let Some(member) = contents.get(&path) else {
            problems.push(format!("RECORD lists `{path}`, which is not in the wheel"));
            continue;
        };
        if hash != format!("sha256={}", member.digest) {
            problems.push(format!("RECORD: the hash of `{path}` does not match"));
        }
        if size != member.size.to_string() {
            problems.push(format!("RECORD: the size of `{path}` does not match"));
        }
    }
    for name in contents.keys() {
        if !listed.contains(name) {
            problems.push(format!("`{name}` is not listed in RECORD"));
        }
    }
}
