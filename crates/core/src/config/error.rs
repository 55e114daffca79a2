//! [`ConfigError`] and [`SettingSource`]: what went wrong, and where the bad
//! value came from.

use std::fmt;
use std::path::PathBuf;

use super::ini::ParseError;

/// Where a configuration value came from. Errors name it so the user knows
/// what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingSource {
    /// Set in code on the [`SessionBuilder`](crate::session::SessionBuilder).
    Session,
    /// Set in code on a [`ClientConfig`](crate::session::ClientConfig).
    ClientConfig,
    /// An environment variable.
    Env(String),
    /// A key of a profile in the shared config/credentials files.
    Profile {
        /// The profile's name.
        profile: String,
        /// The key (`region`, or `s3.addressing_style` for a nested key).
        key: String,
    },
    /// A key of a service's sub-section in a `[services NAME]` section.
    Services {
        /// The services section's name.
        section: String,
        /// The service's key in it (e.g. `s3`).
        service: String,
        /// The key inside that service's block (e.g. `endpoint_url`).
        key: String,
    },
    /// The built-in default.
    Default,
}

impl fmt::Display for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingSource::Session => f.write_str("the session builder"),
            SettingSource::ClientConfig => f.write_str("the client configuration"),
            SettingSource::Env(name) => write!(f, "environment variable {name}"),
            SettingSource::Profile { profile, key } => {
                write!(
                    f,
                    "`{key}` in profile `{profile}` of the shared config files"
                )
            }
            SettingSource::Services {
                section,
                service,
                key,
            } => write!(
                f,
                "`{service}.{key}` in section [services {section}] of the shared config file"
            ),
            SettingSource::Default => f.write_str("the built-in default"),
        }
    }
}

/// The details of [`ConfigError::InvalidSetting`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidSetting {
    /// The setting's name (`region`, `max_attempts`, …).
    pub setting: String,
    /// Where the value came from.
    pub source: SettingSource,
    /// The value as given.
    pub value: String,
    /// Why it is rejected.
    pub reason: String,
}

/// A configuration problem: an unreadable or malformed file, a missing
/// profile, or an invalid setting.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// A shared config or credentials file exists but could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A shared config or credentials file is malformed (or not UTF-8).
    Parse {
        /// The file, when the text came from one.
        path: Option<PathBuf>,
        /// What is wrong, and on which line.
        error: ParseError,
    },
    /// The requested profile exists in neither shared file.
    ProfileNotFound {
        /// The profile asked for.
        profile: String,
        /// Who asked for it.
        source: SettingSource,
        /// The profiles that do exist, sorted.
        available: Vec<String>,
    },
    /// A setting has a value that cannot be used.
    InvalidSetting(Box<InvalidSetting>),
    /// A profile's `services = NAME` names a `[services NAME]` section that
    /// does not exist.
    MissingServicesSection {
        /// The profile with the `services` key.
        profile: String,
        /// The missing section's name.
        section: String,
    },
}

impl ConfigError {
    /// An [`InvalidSetting`](ConfigError::InvalidSetting) error.
    pub fn invalid(
        setting: impl Into<String>,
        source: SettingSource,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        ConfigError::InvalidSetting(Box::new(InvalidSetting {
            setting: setting.into(),
            source,
            value: value.into(),
            reason: reason.into(),
        }))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, source } => {
                write!(f, "cannot read AWS config file {}: {source}", path.display())
            }
            ConfigError::Parse { path, error } => match path {
                Some(path) => write!(f, "cannot parse AWS config file {}: {error}", path.display()),
                None => write!(f, "cannot parse AWS config text: {error}"),
            },
            ConfigError::ProfileNotFound {
                profile,
                source,
                available,
            } => {
                write!(f, "the config profile `{profile}` (from {source}) could not be found")?;
                if available.is_empty() {
                    f.write_str("; no profiles are defined")
                } else {
                    write!(f, "; available profiles: {}", available.join(", "))
                }
            }
            ConfigError::InvalidSetting(invalid) => write!(
                f,
                "invalid {} {:?} from {}: {}",
                invalid.setting, invalid.value, invalid.source, invalid.reason
            ),
            ConfigError::MissingServicesSection { profile, section } => write!(
                f,
                "profile `{profile}` sets `services = {section}` but the shared config file has no [services {section}] section"
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Read { source, .. } => Some(source),
            ConfigError::Parse { error, .. } => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_setting_value_and_source() {
        let err = ConfigError::invalid(
            "region",
            SettingSource::Env("AWS_REGION".into()),
            "us-east-1/evil",
            "only a-z, 0-9 and - are allowed",
        );
        let text = err.to_string();
        assert!(text.contains("region"), "{text}");
        assert!(text.contains("\"us-east-1/evil\""), "{text}");
        assert!(text.contains("environment variable AWS_REGION"), "{text}");
    }

    #[test]
    fn profile_not_found_lists_alternatives() {
        let err = ConfigError::ProfileNotFound {
            profile: "prod".into(),
            source: SettingSource::Session,
            available: vec!["default".into(), "dev".into()],
        };
        let text = err.to_string();
        assert!(
            text.contains("`prod`") && text.contains("default, dev"),
            "{text}"
        );
        assert!(text.contains("session builder"), "{text}");
    }

    #[test]
    fn parse_error_names_file_and_line() {
        let err = ConfigError::Parse {
            path: Some(PathBuf::from("/tmp/cfg")),
            error: ParseError::new(Some(7), "boom"),
        };
        assert_eq!(
            err.to_string(),
            "cannot parse AWS config file /tmp/cfg: line 7: boom"
        );
        assert!(std::error::Error::source(&err).is_some());
    }
}
