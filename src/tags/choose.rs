//! Which tag a wheel gets, in override order: `-C wheel-tag`, then
//! `[tool.rustbackend.wheel] tag`, then the tag inferred from the wheel's binaries with
//! `python-tag` / `abi-tag` / `platform-tag` replacing parts of it.

use super::{infer, is_binary, Inferred, WheelTag};
use crate::archive::{Contents, Entry};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::request::BuildOptions;

/// The tag facts of a pure-Python wheel.
pub fn pure() -> Inferred {
    Inferred {
        tag: WheelTag::pure(),
        purelib: true,
        warnings: Vec::new(),
    }
}

/// The wheel's tag: `-C wheel-tag`, else `[tool.rustbackend.wheel] tag`, else inferred from
/// the binaries among `payload`, with `python-tag` / `abi-tag` / `platform-tag` replacing
/// parts of it.
pub fn wheel_tag(plan: &Plan, payload: &[Entry], options: &BuildOptions) -> Result<Inferred> {
    let settings = &plan.pyproject.settings;
    if let Some(text) = &options.wheel_tag {
        let tag = WheelTag::parse(text)
            .map_err(|m| Error::Tag(format!("the config setting `wheel-tag`: {m}")))?;
        return Ok(Inferred {
            purelib: tag.is_pure(),
            tag,
            warnings: Vec::new(),
        });
    }
    if let Some(tag) = &settings.wheel_tag {
        return Ok(Inferred {
            purelib: tag.is_pure(),
            tag: tag.clone(),
            warnings: Vec::new(),
        });
    }
    let binaries: Vec<(String, std::path::PathBuf)> = payload
        .iter()
        .filter(|e| is_binary(&e.path))
        .filter_map(|e| match &e.contents {
            Contents::File(source) => Some((e.path.clone(), source.clone())),
            Contents::Bytes(_) => None,
        })
        .collect();
    let limited_api = settings
        .ext_modules
        .iter()
        .filter_map(|m| m.py_limited_api.map(|(_, minor)| minor))
        .max();
    let mut inferred = infer(
        &binaries,
        plan.pyproject.project.requires_python.as_deref(),
        limited_api,
        options.interpreter.version,
    )
    .map_err(Error::Tag)?;
    let [python, abi, platform] = &settings.wheel_tag_parts;
    if let Some(python) = python {
        inferred.tag.python = python.clone();
    }
    if let Some(abi) = abi {
        inferred.tag.abi = abi.clone();
    }
    if let Some(platform) = platform {
        inferred.tag.platform = platform.clone();
    }
    Ok(inferred)
}
