//! Which tag a wheel gets, in override order: `-C wheel-tag`, then
//! `[tool.rustbackend.wheel] tag`, then the tag inferred from the wheel's binaries with
//! `python-tag` / `abi-tag` / `platform-tag` replacing parts of it.

use std::path::PathBuf;

use super::target::fits;
use super::{infer, Inferred, WheelTag};

/// The tag facts of a pure-Python wheel.
pub fn pure() -> Inferred {
    Inferred {
        tag: WheelTag::pure(),
        purelib: true,
        warnings: Vec::new(),
    }
}

/// Everything besides the binaries that decides a wheel's tag.
#[derive(Debug, Clone, Default)]
pub struct TagChoice<'a> {
    /// `-C wheel-tag`: the whole tag, stronger than anything else.
    pub config_setting: Option<&'a str>,
    /// `[tool.rustbackend.wheel] tag`: the whole tag.
    pub project: Option<&'a WheelTag>,
    /// `[tool.rustbackend.wheel] python-tag`, `abi-tag`, `platform-tag`: parts that replace
    /// the inferred tag's.
    pub parts: [Option<&'a str>; 3],
    /// `project.requires-python`, for the python tag of binaries without a version suffix.
    pub requires_python: Option<&'a str>,
    /// The newest `py-limited-api` minor of the extension modules (an abi3 wheel's floor).
    pub limited_api: Option<u32>,
    /// The (major, minor) of the interpreter the build is for, and whether it is a
    /// free-threaded build.
    pub interpreter: Option<(u32, u32, bool)>,
    /// The interpreter's platform string (`sysconfig.get_platform()`), which places binaries
    /// that do not say everything themselves (WebAssembly, Android without an API note).
    pub platform: &'a str,
    /// Whether `platform` was named for the build (a build-details.json): then binaries
    /// built for another system or architecture are an error, not a tag.
    pub platform_named: bool,
}

impl TagChoice<'_> {
    /// The wheel's tag for `binaries` (archive path, file on disk).
    pub fn choose(&self, binaries: &[(String, PathBuf)]) -> Result<Inferred, String> {
        if let Some(text) = self.config_setting {
            let tag = WheelTag::parse(text)
                .map_err(|m| format!("the config setting `wheel-tag`: {m}"))?;
            return Ok(Inferred {
                purelib: tag.is_pure(),
                tag,
                warnings: Vec::new(),
            });
        }
        if let Some(tag) = self.project {
            return Ok(Inferred {
                purelib: tag.is_pure(),
                tag: tag.clone(),
                warnings: Vec::new(),
            });
        }
        let mut inferred = infer(
            binaries,
            self.requires_python,
            self.limited_api,
            self.interpreter,
            self.platform,
        )?;
        if self.platform_named && !inferred.purelib && !fits(self.platform, &inferred.tag.platform)
        {
            return Err(format!(
                "the extension modules were compiled for {}, but the build is for `{}` (-C build-details); set CC (and LDSHARED) to the target's compiler, for example CC=\"zig cc -target aarch64-linux-gnu\" or CC=aarch64-linux-gnu-gcc",
                inferred.tag.platform, self.platform
            ));
        }
        let [python, abi, platform] = self.parts;
        if let Some(python) = python {
            inferred.tag.python = python.to_string();
        }
        if let Some(abi) = abi {
            inferred.tag.abi = abi.to_string();
        }
        if let Some(platform) = platform {
            inferred.tag.platform = platform.to_string();
        }
        Ok(inferred)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_come_in_order() {
        let project = WheelTag::parse("py3-none-linux_x86_64").unwrap();
        let mut choice = TagChoice {
            config_setting: Some("cp311-cp311-any"),
            project: Some(&project),
            parts: [None, None, Some("any")],
            ..TagChoice::default()
        };
        assert_eq!(
            choice.choose(&[]).unwrap().tag.file_part(),
            "cp311-cp311-any"
        );
        choice.config_setting = None;
        assert_eq!(choice.choose(&[]).unwrap().tag, project);
        choice.project = None;
        choice.parts = [Some("py2.py3"), None, None];
        assert_eq!(
            choice.choose(&[]).unwrap().tag.file_part(),
            "py2.py3-none-any"
        );
        choice.config_setting = Some("py3-none");
        assert!(choice
            .choose(&[])
            .unwrap_err()
            .starts_with("the config setting `wheel-tag`: `py3-none` is not a wheel tag"));
    }
}
