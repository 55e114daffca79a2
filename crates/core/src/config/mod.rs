//! Configuration: the shared config files, the environment, and how each
//! setting is resolved from them.
//!
//! * [`Env`]: a snapshot of environment variables (never read deep inside).
//! * [`SharedConfig`]: `~/.aws/config` and `~/.aws/credentials`, parsed.
//! * [`Profile`]: one profile's settings, with nested sub-sections.
//! * [`resolve`]: pure functions that apply the precedence rules (explicit >
//!   environment > profile > default) for region, retries, endpoint URL and
//!   the other client settings.
//!
//! The [`Session`](crate::session::Session) ties these together.

mod env;
mod error;
mod ini;
mod profile;
pub mod resolve;

#[cfg(test)]
pub(crate) mod test_support;

use std::path::{Path, PathBuf};

pub use env::Env;
pub use error::{ConfigError, InvalidSetting, SettingSource};
pub use ini::ParseError;
pub use profile::{FileKind, Profile, ProfileFile, ProfileValue};
pub use resolve::{RetryConfig, RetryMode, Sourced};

/// Environment variable naming the config file (default `~/.aws/config`).
pub const CONFIG_FILE_ENV: &str = "AWS_CONFIG_FILE";
/// Environment variable naming the credentials file (default
/// `~/.aws/credentials`).
pub const CREDENTIALS_FILE_ENV: &str = "AWS_SHARED_CREDENTIALS_FILE";
/// The profile used when none is requested.
pub const DEFAULT_PROFILE: &str = "default";

/// The parsed shared config file and shared credentials file.
///
/// Loading is done once (usually by the session); everything after that is
/// lookups in memory.
#[derive(Debug, Clone, Default)]
pub struct SharedConfig {
    config: ProfileFile,
    credentials: ProfileFile,
    config_path: Option<PathBuf>,
    credentials_path: Option<PathBuf>,
}

/// The profile a session uses: its name, who chose it, and its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveProfile {
    /// The profile's name.
    pub name: String,
    /// Who chose the name ([`SettingSource::Default`] for `default`).
    pub source: SettingSource,
    /// The settings, or `None` when the implicit `default` profile is not
    /// defined (which is allowed).
    pub profile: Option<Profile>,
}

impl SharedConfig {
    /// Reads the files named by `AWS_CONFIG_FILE` and
    /// `AWS_SHARED_CREDENTIALS_FILE` (defaults `~/.aws/config` and
    /// `~/.aws/credentials`, with `~` and `$VAR` expanded from `env`).
    ///
    /// A missing file (or no home directory to find it in) counts as empty.
    /// A file that exists but cannot be read, is not UTF-8 or is malformed is
    /// an error. An environment variable set to an empty string means "no
    /// file", as in botocore.
    pub fn load(env: &Env) -> Result<SharedConfig, ConfigError> {
        let config_path = file_path(env, CONFIG_FILE_ENV, ".aws/config");
        let credentials_path = file_path(env, CREDENTIALS_FILE_ENV, ".aws/credentials");
        let config = read_file(config_path.as_deref(), FileKind::Config)?;
        let credentials = read_file(credentials_path.as_deref(), FileKind::Credentials)?;
        Ok(SharedConfig {
            config,
            credentials,
            config_path,
            credentials_path,
        })
    }

    /// Parses config-file and credentials-file text directly (no files).
    pub fn parse(config_text: &str, credentials_text: &str) -> Result<SharedConfig, ConfigError> {
        let parse = |text, kind| {
            ProfileFile::parse(text, kind).map_err(|error| ConfigError::Parse { path: None, error })
        };
        Ok(SharedConfig::from_files(
            parse(config_text, FileKind::Config)?,
            parse(credentials_text, FileKind::Credentials)?,
        ))
    }

    /// Builds from already parsed files.
    pub fn from_files(config: ProfileFile, credentials: ProfileFile) -> SharedConfig {
        SharedConfig {
            config,
            credentials,
            config_path: None,
            credentials_path: None,
        }
    }

    /// No files at all.
    pub fn empty() -> SharedConfig {
        SharedConfig::default()
    }

    /// The parsed config file.
    pub fn config_file(&self) -> &ProfileFile {
        &self.config
    }

    /// The parsed credentials file.
    pub fn credentials_file(&self) -> &ProfileFile {
        &self.credentials
    }

    /// Where the config file was looked for, if anywhere.
    pub fn config_path(&self) -> Option<&Path> {
        self.config_path.as_deref()
    }

    /// Where the credentials file was looked for, if anywhere.
    pub fn credentials_path(&self) -> Option<&Path> {
        self.credentials_path.as_deref()
    }

    /// The profile called `name`, as botocore sees it: the config file's
    /// profile with the credentials file's profile of the same name laid over
    /// it (credentials-file values win key by key).
    pub fn profile(&self, name: &str) -> Option<Profile> {
        match (self.config.profile(name), self.credentials.profile(name)) {
            (Some(config), Some(credentials)) => Some(config.overlaid_with(credentials)),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        }
    }

    /// Whether either file defines the profile `name`.
    pub fn has_profile(&self, name: &str) -> bool {
        self.config.profile(name).is_some() || self.credentials.profile(name).is_some()
    }

    /// The names of all profiles in both files, sorted and without repeats.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .config
            .profile_names()
            .chain(self.credentials.profile_names())
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The `[sso-session NAME]` section called `name`.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.config.sso_session(name)
    }

    /// The `[services NAME]` section called `name`.
    pub fn services(&self, name: &str) -> Option<&Profile> {
        self.config.services(name)
    }

    /// Picks the profile to use: `explicit` (set in code), else
    /// `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`.
    ///
    /// A profile that was asked for by name (in code or through the
    /// environment) must exist, or this fails with
    /// [`ConfigError::ProfileNotFound`]; the implicit `default` may be absent.
    pub fn select_profile(
        &self,
        env: &Env,
        explicit: Option<&str>,
    ) -> Result<ActiveProfile, ConfigError> {
        let (name, source) = if let Some(name) = explicit {
            (name.to_owned(), SettingSource::Session)
        } else if let Some((var, name)) = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
            .into_iter()
            .find_map(|var| env.get_non_empty(var).map(|name| (var, name)))
        {
            (name.to_owned(), SettingSource::Env(var.to_owned()))
        } else {
            (DEFAULT_PROFILE.to_owned(), SettingSource::Default)
        };
        let profile = self.profile(&name);
        if profile.is_none() && source != SettingSource::Default {
            return Err(ConfigError::ProfileNotFound {
                profile: name,
                source,
                available: self.profile_names(),
            });
        }
        Ok(ActiveProfile {
            name,
            source,
            profile,
        })
    }
}

/// The path of a shared file: from `var` if set, else `~/<default>`.
fn file_path(env: &Env, var: &str, default: &str) -> Option<PathBuf> {
    match env.get_os(var) {
        Some(raw) if raw.is_empty() => None,
        Some(raw) => match raw.to_str() {
            Some(text) => env.expand_path(text),
            None => Some(PathBuf::from(raw)),
        },
        None => env.home_dir().map(|home| home.join(default)),
    }
}

/// Reads one shared file; no path means no file.
fn read_file(path: Option<&Path>, kind: FileKind) -> Result<ProfileFile, ConfigError> {
    match path {
        Some(path) => ProfileFile::read(path, kind),
        None => Ok(ProfileFile::default()),
    }
}

#[cfg(test)]
mod tests;
