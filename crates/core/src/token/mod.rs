//! Bearer tokens for services whose model says `bearer` /
//! `smithy.api#httpBearerAuth`, as botocore's `tokens` module.
//!
//! * [`Token`]: the token string and its optional expiry. Its `Debug` never
//!   shows the token.
//! * [`ProvideToken`]: the async provider interface (the counterpart of
//!   [`ProvideCredentials`](crate::credentials::ProvideCredentials)).
//! * [`TokenCache`]: botocore's `DeferredRefreshableToken`: a token reused
//!   until its refresh windows (15 minutes before expiry, advisory; 10
//!   minutes, mandatory), at most one refresh attempt a minute, one at a time.
//! * [`EnvTokenProvider`]: botocore's `ScopedEnvTokenProvider`
//!   (`AWS_BEARER_TOKEN_<SIGNING_NAME>`).
//! * [`SsoTokenProvider`]: botocore's `SSOTokenProvider`: the token `aws sso
//!   login` cached for the profile's `sso_session`, refreshed through SSO-OIDC
//!   `CreateToken` and written back to the cache.
//! * [`TokenChain`]: botocore's `TokenProviderChain`;
//!   [`TokenChain::default_chain`] is `create_token_resolver` (environment,
//!   then SSO).
//!
//! The SSO credentials provider
//! ([`SsoProvider`](crate::credentials::SsoProvider)) gets its access token
//! from an [`SsoTokenProvider`] for profiles with `sso_session`, so the token
//! is refreshed in one place.

mod cache;
mod chain;
mod env;
mod error;
mod sso;
pub(crate) mod sso_cache;

#[cfg(test)]
pub(crate) mod tests;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::time::DateTime;

pub use cache::TokenCache;
pub use chain::TokenChain;
pub use env::EnvTokenProvider;
pub use error::TokenError;
pub use sso::SsoTokenProvider;

/// botocore's advisory refresh window for tokens
/// (`DeferredRefreshableToken._advisory_refresh_timeout`).
pub const ADVISORY_REFRESH: Duration = Duration::from_secs(15 * 60);
/// botocore's mandatory refresh window for tokens
/// (`DeferredRefreshableToken._mandatory_refresh_timeout`).
pub const MANDATORY_REFRESH: Duration = Duration::from_secs(10 * 60);
/// The least time between two refresh attempts
/// (`DeferredRefreshableToken._attempt_timeout`).
pub const REFRESH_ATTEMPT_INTERVAL: Duration = Duration::from_secs(60);

/// A bearer token with an optional expiry time (botocore's
/// `FrozenAuthToken`).
///
/// `Debug` shows the expiry and the provider, never the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    token: String,
    expires_at: Option<DateTime>,
    provider_name: &'static str,
}

impl Token {
    /// A token that expires at `expires_at` (never, when `None`).
    /// `provider_name` is `"static"`; change it with
    /// [`with_provider_name`](Token::with_provider_name).
    pub fn new(token: impl Into<String>, expires_at: Option<DateTime>) -> Self {
        Token {
            token: token.into(),
            expires_at,
            provider_name: "static",
        }
    }

    /// The same token labelled as coming from `provider_name`.
    pub fn with_provider_name(mut self, provider_name: &'static str) -> Self {
        self.provider_name = provider_name;
        self
    }

    /// The token, for the `Authorization: Bearer` header. Never log it.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// When the token stops working, if known.
    pub fn expires_at(&self) -> Option<DateTime> {
        self.expires_at
    }

    /// Which provider produced the token (`"env"`, `"sso"`, …; botocore's
    /// method names).
    pub fn provider_name(&self) -> &'static str {
        self.provider_name
    }

    /// Whether the token has expired at `now`.
    pub fn is_expired_at(&self, now: DateTime) -> bool {
        self.expires_at.is_some_and(|expiry| expiry <= now)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("token", &"** redacted **")
            .field("expires_at", &self.expires_at)
            .field("provider_name", &self.provider_name)
            .finish()
    }
}

/// The future a [`ProvideToken`] implementation returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Token, TokenError>> + Send + 'a>>;

/// Something that can produce a bearer token, possibly asynchronously.
///
/// Implementations must keep tokens out of their `Debug` output. A provider
/// that is not configured answers [`TokenError::NotFound`], so that a
/// [`TokenChain`] goes on to the next one.
pub trait ProvideToken: Send + Sync + fmt::Debug {
    /// Produces a token, or says why it cannot.
    fn provide_token(&self) -> TokenFuture<'_>;
}

impl<T: ProvideToken + ?Sized> ProvideToken for Arc<T> {
    fn provide_token(&self) -> TokenFuture<'_> {
        (**self).provide_token()
    }
}

/// Always returns the same token.
#[derive(Debug, Clone)]
pub struct StaticTokenProvider {
    token: Token,
}

impl StaticTokenProvider {
    /// Wraps a fixed token.
    pub fn new(token: Token) -> Self {
        StaticTokenProvider { token }
    }
}

impl ProvideToken for StaticTokenProvider {
    fn provide_token(&self) -> TokenFuture<'_> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }
}
