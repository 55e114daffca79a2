//! AWS credentials and the providers that find them, as botocore's
//! `credentials` module.
//!
//! * [`Credentials`]: an access key pair, an optional session token, expiry
//!   and account id. Its `Debug` never shows the secret key or the token.
//! * [`ProvideCredentials`]: the async provider interface.
//! * [`CredentialsCache`]: what every session puts in front of its provider:
//!   credentials are reused until botocore's refresh windows (15 minutes
//!   before expiry, advisory; 10 minutes, mandatory), one fetch at a time.
//! * [`DefaultChain`]: botocore's chain, configured from the environment and
//!   the shared config files:
//!
//!   1. environment variables ([`EnvironmentProvider`]);
//!   2. assume role from the profile (`role_arn` with `source_profile` or
//!      `credential_source`, [`AssumeRoleProvider`]);
//!   3. web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, then the
//!      profile's `web_identity_token_file`, [`WebIdentityProvider`]);
//!   4. SSO (`sso_session` or the legacy `sso_start_url`, [`SsoProvider`]);
//!   5. keys in the shared credentials file;
//!   6. `login_session` ([`LoginProvider`]);
//!   7. `credential_process` ([`ProcessProvider`]);
//!   8. keys in the shared config file;
//!   9. container credentials (ECS, EKS Pod Identity; [`ContainerProvider`]);
//!   10. EC2 instance metadata, IMDSv2 ([`ImdsProvider`]).
//!
//! Providers that reach the network use myaws's own pipeline with compact
//! copies of the STS, SSO, SSO-OIDC and Sign-In models embedded in this crate
//! ([`nested`]), so endpoint URLs, CA bundles and retries configured for
//! those services apply to them, as in botocore.

mod cache;
mod chain;
mod container;
mod environment;
mod error;
pub(crate) mod files;
mod imds;
mod login;
mod process;
mod profile_keys;
mod role;
mod source;
mod sso;

pub mod nested;

#[cfg(test)]
mod tests;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::time::DateTime;

pub use cache::{
    Clock, CredentialsCache, ADVISORY_REFRESH, MANDATORY_REFRESH, RETRY_AFTER_FAILURE,
};
pub use chain::{DefaultChain, ProfileProvider};
pub use container::ContainerProvider;
pub use environment::EnvironmentProvider;
pub use error::CredentialsError;
pub use imds::ImdsProvider;
pub use login::LoginProvider;
pub use process::ProcessProvider;
pub use role::{
    AssumeRoleProvider, BlockingMfa, MfaTokenFuture, MfaTokenProvider, WebIdentityProvider,
};
pub use source::ProviderContext;
pub use sso::SsoProvider;

/// An AWS access key pair with an optional session token, expiry time and
/// account id.
///
/// Fields are private; `Debug` shows the access key id, whether a token is
/// present, the expiry, the account and the provider, and never the secret
/// or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expires_at: Option<DateTime>,
    account_id: Option<String>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from their parts. `provider_name` is `"static"`; change it
    /// with [`with_provider_name`](Credentials::with_provider_name).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_at: Option<DateTime>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expires_at,
            account_id: None,
            provider_name: "static",
        }
    }

    /// The same credentials labelled as coming from `provider_name`.
    pub fn with_provider_name(mut self, provider_name: &'static str) -> Self {
        self.provider_name = provider_name;
        self
    }

    /// The same credentials with the AWS account they belong to (used by
    /// account-based endpoints).
    pub fn with_account_id(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id.filter(|id| !id.is_empty());
        self
    }

    /// The same credentials with another expiry time.
    pub fn with_expiry(mut self, expires_at: Option<DateTime>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// The access key id (`AKIA…`/`ASIA…`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials. Never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When temporary credentials stop working, if known.
    pub fn expires_at(&self) -> Option<DateTime> {
        self.expires_at
    }

    /// The AWS account id, when the provider knows it.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// Which provider produced these credentials (`"env"`,
    /// `"shared-credentials-file"`, `"assume-role"`, …; botocore's method
    /// names).
    pub fn provider_name(&self) -> &'static str {
        self.provider_name
    }

    /// Whether the credentials have expired at `now`.
    pub fn is_expired_at(&self, now: DateTime) -> bool {
        self.expires_at.is_some_and(|expiry| expiry <= now)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Credentials");
        debug
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **");
        if self.session_token.is_some() {
            debug.field("session_token", &"** redacted **");
        }
        debug
            .field("expires_at", &self.expires_at)
            .field("account_id", &self.account_id)
            .field("provider_name", &self.provider_name)
            .finish()
    }
}

/// The future a [`ProvideCredentials`] implementation returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Something that can produce credentials, possibly asynchronously.
///
/// Implementations must keep secrets out of their `Debug` output. A session
/// puts a [`CredentialsCache`] in front of its provider, so a provider is
/// asked again only when its credentials near expiry.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Produces credentials, or says why it cannot.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// Always returns the same credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    credentials: Credentials,
}

impl StaticProvider {
    /// Wraps fixed credentials.
    pub fn new(credentials: Credentials) -> Self {
        StaticProvider { credentials }
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let credentials = self.credentials.clone();
        Box::pin(async move { Ok(credentials) })
    }
}
