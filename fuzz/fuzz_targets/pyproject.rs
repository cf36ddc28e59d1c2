//! Any bytes as pyproject.toml: parsing and validation must never panic, and every error
//! must render (with its source line and caret) without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let root = std::path::Path::new("/nonexistent-rustbackend-fuzz");
    match rustbackend::plan::pyproject::parse(text.to_string(), root) {
        Ok(pyproject) => {
            if let Some(version) = &pyproject.project.version {
                let _ = rustbackend::metadata::render_metadata(
                    &pyproject.project,
                    version,
                    &[],
                    rustbackend::metadata::MetadataFor::Sdist,
                );
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
