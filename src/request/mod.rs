//! What a build is given besides the project: the `-C` config settings (every key parsed
//! here, from one table), `SOURCE_DATE_EPOCH`, and the facts of the interpreter the build is
//! for. The core reads no environment: `python.rs` (or a Rust caller) fills this in.

use crate::archive;
use crate::error::{Error, Result};
use crate::plan::pyproject::settings::EditableMode;

mod build_details;
mod interpreter;
pub use interpreter::{Interpreter, COMPILER_ENV};

/// One `-C key=value` setting: its name, the value it takes and what it does. docs/configuration.md's
/// settings list is tested against [`CONFIG_SETTINGS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigSetting {
    /// The key, as given to `-C` / `--config-settings`.
    pub name: &'static str,
    /// The value it takes, in words.
    pub value: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// Every config setting rustbackend understands; any other key is refused.
pub const CONFIG_SETTINGS: &[ConfigSetting] = &[
    ConfigSetting {
        name: "build-details",
        value: "the path of the target interpreter's build-details.json (PEP 739)",
        help: "cross-compiles extension modules for that interpreter, without running it (compiler in `CC`)",
    },
    ConfigSetting {
        name: "build-dir",
        value: "a directory, relative to the project",
        help: "keeps the compile work of extension modules there between builds (for CI caches)",
    },
    ConfigSetting {
        name: "editable-mode",
        value: "`pth` or `strict`",
        help: "overrides `tool.rustbackend.editable.mode` for this editable install",
    },
    ConfigSetting {
        name: "editable-rebuild",
        value: "`true` or `false`",
        help: "whether this editable install rebuilds changed extension modules on import (default `true`; overrides `tool.rustbackend.editable.rebuild`)",
    },
    ConfigSetting {
        name: "jobs",
        value: "a positive number",
        help: "how many compilers run at once (default: one per core)",
    },
    ConfigSetting {
        name: "wheel-tag",
        value: "a tag such as `py3-none-any`",
        help: "the wheel's tag, overriding every other source",
    },
];

/// Everything a build is given that does not come from the project itself.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `SOURCE_DATE_EPOCH`: the timestamp for every archive entry
    /// ([`archive::DEFAULT_EPOCH`] when `None`).
    pub source_date_epoch: Option<u64>,
    /// `-C editable-mode=...`: overrides `[tool.rustbackend.editable] mode`.
    pub editable_mode: Option<EditableMode>,
    /// `-C editable-rebuild=...`: overrides `[tool.rustbackend.editable] rebuild`.
    pub editable_rebuild: Option<bool>,
    /// `-C wheel-tag=...`: overrides the wheel tag.
    pub wheel_tag: Option<String>,
    /// `-C jobs=N`: how many compilers run at once (`None`: one per core).
    pub jobs: Option<usize>,
    /// `-C build-dir=DIR`: where compiling happens, kept between builds (relative to the
    /// project).
    pub build_dir: Option<String>,
    /// `-C build-details=PATH`: the target interpreter's build-details.json (relative to
    /// the project), which replaces the running interpreter's facts (see
    /// [`BuildOptions::for_project`]).
    pub build_details: Option<String>,
    /// The interpreter the build is for.
    pub interpreter: Interpreter,
}

impl BuildOptions {
    /// The timestamp for every archive entry.
    pub fn epoch(&self) -> u64 {
        self.source_date_epoch.unwrap_or(archive::DEFAULT_EPOCH)
    }

    /// Parses config settings as a frontend passes them (a key given twice arrives as a
    /// list) into these options; an unknown key or a bad value is an error that names it.
    pub fn with_config_settings(mut self, settings: &[(String, Vec<String>)]) -> Result<Self> {
        for (key, values) in settings {
            let Some(known) = CONFIG_SETTINGS.iter().find(|s| s.name == key) else {
                return Err(unknown_setting(key));
            };
            let key = known.name;
            let [value] = values.as_slice() else {
                return Err(Error::ConfigSetting {
                    key,
                    problem: format!(
                        "must be given once, as a string; got {} values",
                        values.len()
                    ),
                });
            };
            let text = value.trim();
            match key {
                "editable-mode" => {
                    self.editable_mode = Some(EditableMode::parse(text).ok_or_else(|| {
                        Error::ConfigSetting {
                            key,
                            problem: format!("must be \"pth\" or \"strict\", got `{text}`; pass -C editable-mode=strict (or pth)"),
                        }
                    })?);
                }
                "editable-rebuild" => {
                    self.editable_rebuild = Some(match text {
                        "true" | "1" | "yes" | "on" => true,
                        "false" | "0" | "no" | "off" => false,
                        _ => {
                            return Err(Error::ConfigSetting {
                                key,
                                problem: format!("must be \"true\" or \"false\", got `{text}`; pass -C editable-rebuild=false"),
                            })
                        }
                    })
                }
                "wheel-tag" => self.wheel_tag = Some(value.clone()),
                "jobs" => self.jobs = parse_jobs(text)?,
                "build-dir" => self.build_dir = (!text.is_empty()).then(|| text.to_string()),
                "build-details" => {
                    self.build_details = (!text.is_empty()).then(|| text.to_string())
                }
                _ => unreachable!("every key of CONFIG_SETTINGS is parsed"),
            }
        }
        Ok(self)
    }
}

impl BuildOptions {
    /// These options for the project in `project_dir`: with `-C build-details`, the
    /// interpreter's facts are read from that file (the running interpreter's executable,
    /// which runs Cython, and the compiler settings from the environment are kept).
    pub fn for_project(&self, project_dir: &std::path::Path) -> Result<std::borrow::Cow<'_, Self>> {
        let Some(path) = &self.build_details else {
            return Ok(std::borrow::Cow::Borrowed(self));
        };
        let mut options = self.clone();
        options.interpreter =
            build_details::read(&project_dir.join(path), path, &self.interpreter)?;
        Ok(std::borrow::Cow::Owned(options))
    }
}

/// `-C jobs=N`: a positive number (empty: the default, one per core).
fn parse_jobs(text: &str) -> Result<Option<usize>> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(Error::ConfigSetting {
            key: "jobs",
            problem: format!(
                "must be a positive number of compilers to run at once, got `{text}`; pass -C jobs=4"
            ),
        }),
    }
}

/// The error for a key no setting has, with the closest known key when one is near.
fn unknown_setting(key: &str) -> Error {
    let closest = CONFIG_SETTINGS
        .iter()
        .map(|s| (strsim::damerau_levenshtein(key, s.name), s.name))
        .filter(|(distance, name)| *distance <= 2.max(name.len() / 3))
        .min();
    let known: Vec<String> = CONFIG_SETTINGS
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect();
    let hint = match closest {
        Some((_, name)) => format!("did you mean `{name}`? "),
        None => String::new(),
    };
    Error::UnknownConfigSetting {
        key: key.to_string(),
        hint: format!("{hint}rustbackend understands {}", known.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &[&str])]) -> Result<BuildOptions> {
        let settings: Vec<(String, Vec<String>)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect();
        BuildOptions::default().with_config_settings(&settings)
    }

    #[test]
    fn every_setting_is_parsed() {
        let options = parse(&[
            ("jobs", &["3"]),
            ("build-dir", &["build/ci"]),
            ("editable-mode", &["strict"]),
            ("wheel-tag", &["py3-none-any"]),
        ])
        .unwrap();
        assert_eq!(options.jobs, Some(3));
        assert_eq!(options.build_dir.as_deref(), Some("build/ci"));
        assert_eq!(options.editable_mode, Some(EditableMode::Strict));
        assert_eq!(options.wheel_tag.as_deref(), Some("py3-none-any"));
    }

    #[test]
    fn unknown_keys_are_refused_with_a_suggestion() {
        let message = parse(&[("job", &["2"])]).unwrap_err().to_string();
        assert!(
            message.contains("unknown config setting `job`"),
            "{message}"
        );
        assert!(message.contains("did you mean `jobs`?"), "{message}");
        let message = parse(&[("no-such-setting", &["1"])])
            .unwrap_err()
            .to_string();
        assert!(!message.contains("did you mean"), "{message}");
        assert!(
            message.contains("`build-details`, `build-dir`, `editable-mode`, `editable-rebuild`, `jobs`, `wheel-tag`")
        );
        let message = parse(&[("editable_mode", &["strict"])])
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("did you mean `editable-mode`?"),
            "{message}"
        );
    }

    #[test]
    fn bad_values_name_the_setting() {
        let message = parse(&[("jobs", &["many"])]).unwrap_err().to_string();
        assert_eq!(message, "the config setting `jobs` must be a positive number of compilers to run at once, got `many`; pass -C jobs=4");
        assert!(parse(&[("jobs", &["1", "2"])]).is_err());
        assert!(parse(&[("editable-mode", &["lenient"])]).is_err());
    }
}
