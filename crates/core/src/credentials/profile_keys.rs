//! Static keys in a profile: `aws_access_key_id`, `aws_secret_access_key`,
//! the session token and `aws_account_id`, as botocore's
//! `SharedCredentialProvider` and `ConfigProvider`.

use super::{Credentials, CredentialsError};
use crate::config::{Profile, SharedConfig};

/// Which shared file static keys come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFile {
    /// `~/.aws/credentials` (botocore's `shared-credentials-file`).
    Credentials,
    /// `~/.aws/config` (botocore's `config-file`).
    Config,
}

impl KeyFile {
    /// The provider name on credentials found in this file.
    pub(crate) fn provider_name(self) -> &'static str {
        match self {
            KeyFile::Credentials => "shared-credentials-file",
            KeyFile::Config => "config-file",
        }
    }

    /// "shared credentials file /path" or "shared config file /path".
    pub(crate) fn label(self, shared: &SharedConfig) -> String {
        let (what, path) = match self {
            KeyFile::Credentials => ("shared credentials file", shared.credentials_path()),
            KeyFile::Config => ("shared config file", shared.config_path()),
        };
        match path {
            Some(path) => format!("{what} {}", path.display()),
            None => what.to_owned(),
        }
    }

    fn profile<'a>(self, shared: &'a SharedConfig, name: &str) -> Option<&'a Profile> {
        match self {
            KeyFile::Credentials => shared.credentials_file().profile(name),
            KeyFile::Config => shared.config_file().profile(name),
        }
    }
}

/// Whether a profile holds static keys (botocore's `_has_static_credentials`:
/// either key is present).
pub(crate) fn has_static_keys(profile: &Profile) -> bool {
    profile.contains_key("aws_access_key_id") || profile.contains_key("aws_secret_access_key")
}

/// Static keys of profile `name` in one file: `Ok(None)` when that file's
/// profile has no access key.
pub(crate) fn static_keys(
    shared: &SharedConfig,
    name: &str,
    file: KeyFile,
) -> Result<Option<Credentials>, CredentialsError> {
    let Some(profile) = file.profile(shared, name) else {
        return Ok(None);
    };
    let value = |key: &str| profile.get(key).map(str::trim).filter(|v| !v.is_empty());
    let Some(access_key_id) = value("aws_access_key_id") else {
        return Ok(None);
    };
    let Some(secret) = value("aws_secret_access_key") else {
        return Err(CredentialsError::Incomplete {
            provider: file.provider_name(),
            missing: "aws_secret_access_key".to_owned(),
            location: format!("profile `{name}` of the {}", file.label(shared)),
        });
    };
    // botocore's order: aws_security_token, then aws_session_token.
    let token = value("aws_security_token")
        .or_else(|| value("aws_session_token"))
        .map(str::to_owned);
    Ok(Some(
        Credentials::new(access_key_id, secret, token, None)
            .with_account_id(value("aws_account_id").map(str::to_owned))
            .with_provider_name(file.provider_name()),
    ))
}
