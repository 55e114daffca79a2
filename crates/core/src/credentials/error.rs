//! [`CredentialsError`]: why credentials could not be provided, with the
//! provider and the profile involved.

use std::fmt;
use std::sync::Arc;

use crate::time::DateTime;

/// Why credentials could not be provided.
///
/// Every variant names what was involved (the provider, the profile or the
/// setting); none ever holds a secret. Cloneable, so that one failed fetch
/// can be reported to every call that waited for it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No provider had credentials; `tried` describes each place looked at.
    NotFound {
        /// Human-readable descriptions of the places tried, in order.
        tried: Vec<String>,
    },
    /// Credentials were found but a required part is missing.
    Incomplete {
        /// The provider that found them.
        provider: &'static str,
        /// The missing variable or key.
        missing: String,
        /// Where the other parts were found.
        location: String,
    },
    /// The shared configuration asks for something inconsistent or
    /// impossible (a `source_profile` cycle, a missing `sso-session`, an
    /// unknown `credential_source`, …).
    Config {
        /// The profile whose settings are at fault.
        profile: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A value is present but unusable (e.g. a bad expiry timestamp).
    Invalid {
        /// The provider.
        provider: &'static str,
        /// The variable or key.
        setting: String,
        /// Why it is unusable.
        reason: String,
    },
    /// The credentials found have expired (and refreshing gave no newer
    /// ones).
    Expired {
        /// The provider that returned them.
        provider: &'static str,
        /// When they expired.
        expired_at: DateTime,
    },
    /// The configuration needs something this build of myaws cannot do
    /// (e.g. a cargo feature that is off).
    Unsupported {
        /// Where the configuration was found (a profile or the environment).
        location: String,
        /// What kind of credentials it asks for.
        kind: String,
        /// The settings that ask for it.
        keys: Vec<String>,
    },
    /// A provider tried to fetch credentials and failed (a service error, a
    /// network failure, a failing `credential_process`, …).
    Provider {
        /// The provider's name (botocore's method name: `assume-role`,
        /// `sso`, `container-role`, `iam-role`, `custom-process`, …).
        provider: &'static str,
        /// The profile it was configured in, if any.
        profile: Option<String>,
        /// What went wrong.
        message: String,
        /// The underlying error, if any.
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
}

impl CredentialsError {
    /// A [`Provider`](CredentialsError::Provider) error without a source.
    pub fn provider(provider: &'static str, message: impl Into<String>) -> Self {
        CredentialsError::Provider {
            provider,
            profile: None,
            message: message.into(),
            source: None,
        }
    }

    /// A [`Provider`](CredentialsError::Provider) error caused by `source`.
    pub fn provider_with_source(
        provider: &'static str,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        CredentialsError::Provider {
            provider,
            profile: None,
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }

    /// A [`Config`](CredentialsError::Config) error about `profile`.
    pub fn config(profile: impl Into<String>, message: impl Into<String>) -> Self {
        CredentialsError::Config {
            profile: profile.into(),
            message: message.into(),
        }
    }

    /// The same error, attributed to `profile` when it names no profile yet.
    pub fn in_profile(mut self, name: &str) -> Self {
        if let CredentialsError::Provider { profile, .. } = &mut self {
            if profile.is_none() {
                *profile = Some(name.to_owned());
            }
        }
        self
    }

    /// Whether this is [`NotFound`](CredentialsError::NotFound), i.e. a chain
    /// may go on to the next provider.
    pub fn is_not_found(&self) -> bool {
        matches!(self, CredentialsError::NotFound { .. })
    }

    /// The provider involved, when one is known.
    pub fn provider_name(&self) -> Option<&str> {
        match self {
            CredentialsError::Incomplete { provider, .. }
            | CredentialsError::Invalid { provider, .. }
            | CredentialsError::Expired { provider, .. }
            | CredentialsError::Provider { provider, .. } => Some(provider),
            _ => None,
        }
    }

    /// The profile involved, when one is known.
    pub fn profile(&self) -> Option<&str> {
        match self {
            CredentialsError::Config { profile, .. } => Some(profile),
            CredentialsError::Provider { profile, .. } => profile.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound { tried } => {
                f.write_str("no AWS credentials found")?;
                if !tried.is_empty() {
                    write!(f, "; tried: {}", tried.join("; "))?;
                }
                Ok(())
            }
            CredentialsError::Incomplete {
                provider,
                missing,
                location,
            } => write!(
                f,
                "partial credentials found in {location} ({provider}): {missing} is missing"
            ),
            CredentialsError::Config { profile, message } => {
                write!(f, "profile `{profile}`: {message}")
            }
            CredentialsError::Invalid {
                provider,
                setting,
                reason,
            } => write!(f, "invalid {setting} ({provider}): {reason}"),
            CredentialsError::Expired {
                provider,
                expired_at,
            } => write!(
                f,
                "the credentials from {provider} expired at {} and no newer ones could be fetched",
                expired_at.to_iso8601()
            ),
            CredentialsError::Unsupported {
                location,
                kind,
                keys,
            } => write!(
                f,
                "{location} asks for {kind} credentials ({}), which this build of myaws does not support",
                keys.join(", ")
            ),
            CredentialsError::Provider {
                provider,
                profile,
                message,
                ..
            } => {
                write!(f, "credentials provider {provider}")?;
                if let Some(profile) = profile {
                    write!(f, " (profile `{profile}`)")?;
                }
                write!(f, " failed: {message}")
            }
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Provider {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}
