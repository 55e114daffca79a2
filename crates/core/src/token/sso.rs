//! [`SsoTokenProvider`]: the access token `aws sso login` cached for an
//! `sso-session`, refreshed through SSO-OIDC, as botocore's
//! `tokens.SSOTokenProvider` behind a `DeferredRefreshableToken`.
//!
//! * The profile's `sso_session` names an `[sso-session NAME]` section that
//!   must have `sso_start_url` and `sso_region` (`_load_sso_config`).
//! * The token is read from `~/.aws/sso/cache/<sha1(NAME)>.json`.
//! * Within 15 minutes of its expiry, if the cache holds a client
//!   registration that has not expired and a refresh token, SSO-OIDC
//!   `CreateToken` (`grantType=refresh_token`) is called and the cache file
//!   rewritten with botocore's keys. A service error from `CreateToken` keeps
//!   the cached token (botocore catches `ClientError`); a transport failure
//!   fails the refresh.
//! * A [`TokenCache`] in front decides when to do this (advisory/mandatory
//!   windows, one attempt a minute, one at a time).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value as Json};

use super::sso_cache::{self, CachedToken};
use super::{ProvideToken, Token, TokenCache, TokenError, TokenFuture, ADVISORY_REFRESH};
use crate::config::Profile;
use crate::credentials::nested::{AuthService, NestedClient};
use crate::credentials::ProviderContext;
use crate::error::SdkError;
use crate::time::DateTime;

/// The keys `_refresh_access_token` needs to refresh a token.
const REFRESH_KEYS: [&str; 4] = [
    "refreshToken",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
];

/// What an `sso-session` section says, for one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SsoSession {
    /// The profile that names the session.
    pub(crate) profile: String,
    /// The `sso-session` name (the cache file's key).
    pub(crate) name: String,
    /// `sso_start_url`.
    pub(crate) start_url: String,
    /// `sso_region` (of the SSO-OIDC and portal endpoints).
    pub(crate) region: String,
}

impl SsoSession {
    /// The session `profile` names with `sso_session`, if any, checked as
    /// botocore's `SSOTokenProvider._load_sso_config` does.
    pub(crate) fn from_profile(
        ctx: &ProviderContext,
        profile: &Profile,
    ) -> Result<Option<SsoSession>, TokenError> {
        let Some(name) = profile.get("sso_session") else {
            return Ok(None);
        };
        let profile_name = profile.name();
        let Some(section) = ctx.shared().sso_session(name) else {
            return Err(TokenError::config(
                profile_name,
                format!(
                    "The profile \"{profile_name}\" is configured to use the SSO token provider \
                     but the \"{name}\" sso_session configuration does not exist."
                ),
            ));
        };
        let value = |key: &str| section.get(key).map(str::trim).filter(|v| !v.is_empty());
        let missing: Vec<String> = ["sso_start_url", "sso_region"]
            .into_iter()
            .filter(|key| value(key).is_none())
            .map(|key| format!("'{key}'"))
            .collect();
        if !missing.is_empty() {
            return Err(TokenError::config(
                profile_name,
                format!(
                    "The profile \"{profile_name}\" is configured to use the SSO token provider \
                     but is missing the following configuration: [{}].",
                    missing.join(", ")
                ),
            ));
        }
        Ok(Some(SsoSession {
            profile: profile_name.to_owned(),
            name: name.to_owned(),
            start_url: value("sso_start_url").unwrap_or_default().to_owned(),
            region: value("sso_region").unwrap_or_default().to_owned(),
        }))
    }
}

/// The access token of a profile's `sso-session`, refreshed ahead of expiry
/// through SSO-OIDC and written back to the SSO token cache.
///
/// `Debug` shows the session, never the token, refresh token or client
/// secret.
pub struct SsoTokenProvider {
    session: Arc<SsoSession>,
    cache: TokenCache,
}

impl fmt::Debug for SsoTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoTokenProvider")
            .field("profile", &self.session.profile)
            .field("sso_session", &self.session.name)
            .field("start_url", &self.session.start_url)
            .field("region", &self.session.region)
            .field("cache", &self.cache)
            .finish()
    }
}

impl SsoTokenProvider {
    /// The provider's name on the tokens it returns (botocore's `METHOD`).
    pub const NAME: &'static str = "sso";

    /// The provider, when `profile` has `sso_session`; a configuration error
    /// when the session section is missing or incomplete.
    pub fn from_profile(
        ctx: Arc<ProviderContext>,
        profile: &Profile,
    ) -> Result<Option<SsoTokenProvider>, TokenError> {
        let Some(session) = SsoSession::from_profile(&ctx, profile)? else {
            return Ok(None);
        };
        let session = Arc::new(session);
        let refresher = Arc::new(SsoTokenRefresher {
            ctx: ctx.clone(),
            session: session.clone(),
            client: Mutex::new(None),
        });
        let cache = TokenCache::new(refresher, ctx.clock.clone());
        Ok(Some(SsoTokenProvider { session, cache }))
    }

    /// The provider for the context's profile (the session's), when it has
    /// `sso_session`.
    pub fn for_active_profile(
        ctx: Arc<ProviderContext>,
    ) -> Result<Option<SsoTokenProvider>, TokenError> {
        match ctx.profile(&ctx.active_profile.name) {
            Some(profile) => Self::from_profile(ctx, &profile),
            None => Ok(None),
        }
    }

    /// The profile that configured this provider.
    pub fn profile(&self) -> &str {
        &self.session.profile
    }

    /// The `sso-session` name.
    pub fn session_name(&self) -> &str {
        &self.session.name
    }

    /// The session's `sso_start_url`.
    pub fn start_url(&self) -> &str {
        &self.session.start_url
    }

    /// The session's `sso_region`.
    pub fn region(&self) -> &str {
        &self.session.region
    }

    /// Forgets the token held in memory, so the next call reads the cache
    /// file again (after the service rejected the token, say).
    pub fn invalidate(&self) {
        self.cache.invalidate();
    }
}

impl ProvideToken for SsoTokenProvider {
    fn provide_token(&self) -> TokenFuture<'_> {
        self.cache.provide_token()
    }
}

/// Reads (and refreshes) the cached token: botocore's
/// `SSOTokenProvider._refresher`.
struct SsoTokenRefresher {
    ctx: Arc<ProviderContext>,
    session: Arc<SsoSession>,
    client: Mutex<Option<NestedClient>>,
}

impl fmt::Debug for SsoTokenRefresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoTokenRefresher")
            .field("sso_session", &self.session.name)
            .finish_non_exhaustive()
    }
}

impl SsoTokenRefresher {
    fn error(&self, message: impl Into<String>) -> TokenError {
        TokenError::provider(SsoTokenProvider::NAME, Some(&self.session.profile), message)
    }

    /// The session's cache file.
    fn cache_path(&self) -> Result<PathBuf, TokenError> {
        let dir = sso_cache::cache_dir(self.ctx.env()).ok_or_else(|| {
            self.error("no home directory (HOME is not set) to find ~/.aws/sso/cache in")
        })?;
        Ok(sso_cache::cache_file(&dir, &self.session.name))
    }

    /// The SSO-OIDC client (in `sso_region`), made once.
    fn client(&self) -> Result<NestedClient, TokenError> {
        let mut slot = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = NestedClient::new(
            &self.ctx,
            AuthService::SsoOidc,
            Some(&self.session.region),
            None,
        )
        .map_err(|e| self.error(e.to_string()))?;
        *slot = Some(client.clone());
        Ok(client)
    }

    async fn fetch(&self) -> Result<Token, TokenError> {
        let path = self.cache_path()?;
        let session = &self.session;
        let cached = sso_cache::load(&path, &session.name, &session.start_url)
            .await
            .map_err(|message| {
                self.error(format!(
                    "{message}; run `aws sso login --profile {}`",
                    session.profile
                ))
            })?;
        let mut access_token = sso_cache::string(&cached, "accessToken")
            .ok_or_else(|| self.error("the cached accessToken is not a string"))?
            .to_owned();
        let mut expires_at =
            sso_cache::timestamp(&cached, "expiresAt").map_err(|m| self.error(m))?;
        let remaining = expires_at.as_secs_f64() - self.ctx.now().as_secs_f64();
        if remaining < ADVISORY_REFRESH.as_secs_f64() {
            if let Some((token, expiry)) = self.refresh_access_token(&cached).await? {
                self.save(&path, &token).await;
                access_token = sso_cache::string(&token, "accessToken")
                    .unwrap_or_default()
                    .to_owned();
                expires_at = expiry;
            }
        }
        Ok(Token::new(access_token, Some(expires_at)).with_provider_name(SsoTokenProvider::NAME))
    }

    /// Writes the refreshed token to the cache. A failure is logged: the new
    /// token is still used.
    async fn save(&self, path: &std::path::Path, token: &CachedToken) {
        if let Err(error) = sso_cache::save(path, token).await {
            tracing::warn!(
                path = %path.display(),
                %error,
                "could not write the refreshed SSO token to the cache"
            );
        }
    }

    /// botocore's `_refresh_access_token`: `None` when the token cannot be
    /// refreshed (no refresh token or registration, registration expired,
    /// or the service refused).
    async fn refresh_access_token(
        &self,
        cached: &CachedToken,
    ) -> Result<Option<(CachedToken, DateTime)>, TokenError> {
        let missing: Vec<&str> = REFRESH_KEYS
            .into_iter()
            .filter(|key| sso_cache::string(cached, key).is_none())
            .collect();
        if !missing.is_empty() {
            tracing::info!(?missing, "Unable to refresh SSO token: missing keys");
            return Ok(None);
        }
        let registration =
            sso_cache::timestamp(cached, "registrationExpiresAt").map_err(|m| self.error(m))?;
        if registration <= self.ctx.now() {
            tracing::info!(expired_at = %registration, "SSO token registration expired");
            return Ok(None);
        }
        self.create_token(cached).await
    }

    /// botocore's `_attempt_create_token`, with `ClientError` caught.
    async fn create_token(
        &self,
        cached: &CachedToken,
    ) -> Result<Option<(CachedToken, DateTime)>, TokenError> {
        let field = |key: &str| sso_cache::string(cached, key).unwrap_or_default();
        let params = json!({
            "grantType": "refresh_token",
            "clientId": field("clientId"),
            "clientSecret": field("clientSecret"),
            "refreshToken": field("refreshToken"),
        });
        let out = match self.client()?.call("CreateToken", params).await {
            Ok(out) => out,
            Err(SdkError::Service(error)) => {
                tracing::warn!(%error, "SSO token refresh attempt failed");
                return Ok(None);
            }
            Err(error) => {
                return Err(TokenError::Provider {
                    provider: SsoTokenProvider::NAME,
                    profile: Some(self.session.profile.clone()),
                    message: format!(
                        "refreshing the SSO token (SSO-OIDC CreateToken) failed: {error}"
                    ),
                    source: Some(Arc::new(error)),
                })
            }
        };
        let refreshed = self.refreshed_token(cached, &out)?;
        tracing::info!("SSO Token refresh succeeded");
        Ok(Some(refreshed))
    }

    /// The cache entry botocore writes after `CreateToken`, and its expiry.
    fn refreshed_token(
        &self,
        cached: &CachedToken,
        out: &Json,
    ) -> Result<(CachedToken, DateTime), TokenError> {
        let access_token = out["accessToken"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| self.error("the CreateToken response has no accessToken"))?;
        let expires_in = out["expiresIn"]
            .as_i64()
            .ok_or_else(|| self.error("the CreateToken response has no expiresIn"))?;
        let now = self.ctx.now();
        let expires_at = DateTime::from_secs_and_nanos(
            now.secs().saturating_add(expires_in),
            now.subsec_nanos(),
        );
        let mut token = Map::new();
        let session = &self.session;
        token.insert("startUrl".into(), json!(session.start_url));
        token.insert("region".into(), json!(session.region));
        token.insert("accessToken".into(), json!(access_token));
        token.insert(
            "expiresAt".into(),
            json!(sso_cache::format_timestamp(expires_at)),
        );
        for key in ["clientId", "clientSecret", "registrationExpiresAt"] {
            token.insert(key.into(), cached.get(key).cloned().unwrap_or_default());
        }
        if let Some(refresh_token) = out.get("refreshToken").filter(|t| t.is_string()) {
            token.insert("refreshToken".into(), refresh_token.clone());
        }
        Ok((token, expires_at))
    }
}

impl ProvideToken for SsoTokenRefresher {
    fn provide_token(&self) -> TokenFuture<'_> {
        Box::pin(self.fetch())
    }
}
