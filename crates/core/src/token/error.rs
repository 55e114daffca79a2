//! [`TokenError`]: why a bearer token could not be provided, with the
//! provider and the profile involved (botocore's `TokenRetrievalError`,
//! `SSOTokenLoadError` and the `InvalidConfigError`s of `SSOTokenProvider`).

use std::fmt;
use std::sync::Arc;

use crate::credentials::CredentialsError;
use crate::time::DateTime;

/// Why a bearer token could not be provided.
///
/// Every variant names what was involved (the provider, the profile or the
/// setting); none ever holds a token. Cloneable, so that one failed refresh
/// can be reported to every call that waited for it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TokenError {
    /// No provider had a token; `tried` describes each place looked at.
    NotFound {
        /// Human-readable descriptions of the places tried, in order.
        tried: Vec<String>,
    },
    /// The shared configuration asks for something inconsistent or
    /// impossible (a missing `sso-session` section, missing keys).
    Config {
        /// The profile whose settings are at fault.
        profile: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The token found has expired and refreshing it gave no newer one
    /// (botocore: "Token has expired and refresh failed").
    Expired {
        /// The provider that returned it.
        provider: &'static str,
        /// When it expired.
        expired_at: DateTime,
    },
    /// A provider tried to load or refresh a token and failed (an unreadable
    /// cache file, a network failure, …).
    Provider {
        /// The provider's name (botocore's method name: `sso`, `env`).
        provider: &'static str,
        /// The profile it was configured in, if any.
        profile: Option<String>,
        /// What went wrong (and how to fix it, when known).
        message: String,
        /// The underlying error, if any.
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
}

impl TokenError {
    /// A [`Provider`](TokenError::Provider) error about `profile`, without a
    /// source.
    pub fn provider(
        provider: &'static str,
        profile: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        TokenError::Provider {
            provider,
            profile: profile.map(str::to_owned),
            message: message.into(),
            source: None,
        }
    }

    /// A [`Config`](TokenError::Config) error about `profile`.
    pub fn config(profile: impl Into<String>, message: impl Into<String>) -> Self {
        TokenError::Config {
            profile: profile.into(),
            message: message.into(),
        }
    }

    /// Whether this is [`NotFound`](TokenError::NotFound), i.e. a chain may
    /// go on to the next provider.
    pub fn is_not_found(&self) -> bool {
        matches!(self, TokenError::NotFound { .. })
    }

    /// The provider involved, when one is known.
    pub fn provider_name(&self) -> Option<&str> {
        match self {
            TokenError::Expired { provider, .. } | TokenError::Provider { provider, .. } => {
                Some(provider)
            }
            _ => None,
        }
    }

    /// The profile involved, when one is known.
    pub fn profile(&self) -> Option<&str> {
        match self {
            TokenError::Config { profile, .. } => Some(profile),
            TokenError::Provider { profile, .. } => profile.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::NotFound { tried } => {
                f.write_str("no bearer token found")?;
                if !tried.is_empty() {
                    write!(f, "; tried: {}", tried.join("; "))?;
                }
                Ok(())
            }
            TokenError::Config { profile, message } => {
                write!(f, "profile `{profile}`: {message}")
            }
            TokenError::Expired {
                provider,
                expired_at,
            } => write!(
                f,
                "error when retrieving token from {provider}: the token expired at {} and \
                 refreshing it failed",
                expired_at.to_iso8601()
            ),
            TokenError::Provider {
                provider,
                profile,
                message,
                ..
            } => {
                write!(f, "error when retrieving token from {provider}")?;
                if let Some(profile) = profile {
                    write!(f, " (profile `{profile}`)")?;
                }
                write!(f, ": {message}")
            }
        }
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TokenError::Provider {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// A token error met while getting credentials (the SSO credentials provider
/// gets its access token from a token provider).
impl From<TokenError> for CredentialsError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::NotFound { tried } => CredentialsError::NotFound { tried },
            TokenError::Config { profile, message } => {
                CredentialsError::Config { profile, message }
            }
            TokenError::Expired {
                provider,
                expired_at,
            } => CredentialsError::Provider {
                provider,
                profile: None,
                message: format!(
                    "the access token expired at {} and refreshing it failed",
                    expired_at.to_iso8601()
                ),
                source: None,
            },
            TokenError::Provider {
                provider,
                profile,
                message,
                source,
            } => CredentialsError::Provider {
                provider,
                profile,
                message,
                source,
            },
        }
    }
}
