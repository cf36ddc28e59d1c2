//! uv_build: `[tool.uv.build-backend]`.

use super::draft::Draft;
use super::old_toml::OldToml;

/// Reads uv_build's configuration into `draft`.
pub fn read(old: &OldToml, draft: &mut Draft) {
    let before = draft.refusals.len();
    for entry in old.entries(&["tool", "uv", "build-backend"]) {
        let lit = entry.lit();
        match entry.key.as_str() {
            "module-name" => match lit.strings(false) {
                Some(names) if names.len() == 1 => draft.setting("module-name", names[0].as_str()),
                Some(names) => draft.setting("module-name", super::draft::string_array(&names)),
                None => draft.refuse(
                    &entry.origin,
                    "tool.uv.build-backend.module-name",
                    "not a string",
                ),
            },
            "module-root" => draft.setting("module-root", lit.as_str().unwrap_or_default()),
            "namespace" => {}
            "source-include" => {
                draft.add_globs("sdist.include", &lit.strings(false).unwrap_or_default())
            }
            "source-exclude" => {
                draft.add_globs("sdist.exclude", &lit.strings(false).unwrap_or_default())
            }
            "wheel-exclude" => {
                draft.add_globs("wheel.exclude", &lit.strings(false).unwrap_or_default())
            }
            "default-excludes" if lit == super::lit::Lit::Bool(true) => {}
            "data" => {
                if let super::lit::Lit::Map(entries) = &lit {
                    for (key, dir) in entries {
                        match dir.as_str() {
                            Some(dir) => draft.setting(&format!("wheel.data.{key}"), dir),
                            None => draft.refuse(
                                &entry.origin,
                                &format!("tool.uv.build-backend.data.{key}"),
                                "not a directory",
                            ),
                        }
                    }
                }
            }
            other => draft.refuse(
                &entry.origin,
                &format!("tool.uv.build-backend.{other}"),
                "rustbackend has no equivalent",
            ),
        }
    }
    if old
        .strings(&["project", "dynamic"])
        .iter()
        .any(|d| d == "version")
    {
        draft.make_dynamic("version");
    }
    if draft.refusals.len() == before && old.get(&["tool", "uv", "build-backend"]).is_some() {
        draft
            .carried_tables
            .push(vec!["tool".into(), "uv".into(), "build-backend".into()]);
    }
}
