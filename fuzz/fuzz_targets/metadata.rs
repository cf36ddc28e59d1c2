//! Fuzzed values placed into every free-text field of a valid pyproject.toml: whatever is
//! accepted must render as core metadata whose header lines are all `Field: value` (the
//! value may be empty) or continuation lines, so no value can inject a field or end the headers early.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn toml_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parts: Vec<&str> = text.splitn(6, '\u{1}').collect();
    let get = |i: usize| toml_string(parts.get(i).copied().unwrap_or("x"));
    let pyproject = format!(
        "[project]\nname = \"demo\"\nversion = \"1.0\"\ndescription = {}\nauthors = [{{ name = {}, email = \"a@example.org\" }}, {{ name = {} }}]\nkeywords = [{}]\nlicense = {{ text = {} }}\nreadme = {{ text = {}, content-type = \"text/plain\" }}\n",
        get(0), get(1), get(2), get(3), get(4), get(5)
    );
    let root = std::path::Path::new("/nonexistent-rustbackend-fuzz");
    let Ok(parsed) = rustbackend::plan::pyproject::parse(pyproject, root) else {
        return;
    };
    let version = parsed.project.version.clone().expect("static version");
    let rendered = rustbackend::metadata::render_metadata(
        &parsed.project,
        &version,
        &[],
        rustbackend::metadata::MetadataFor::Wheel,
    );
    let headers = rendered.split("\n\n").next().unwrap_or_default();
    // Email parsers end a header line at CR, LF or CRLF.
    for line in headers.split(['\r', '\n']) {
        let continuation = line.starts_with("        ");
        let field = line
            .split_once(':')
            .map(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(false);
        assert!(continuation || field, "header line {line:?} in\n{rendered}");
    }
});
