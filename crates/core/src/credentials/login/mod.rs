//! [`LoginProvider`]: credentials of an `aws login` session, as botocore's
//! `LoginProvider`, `LoginCredentialFetcher` and `LoginTokenLoader`.
//!
//! * A profile with `login_session = <ARN>` uses it.
//! * `aws login` caches the session in `AWS_LOGIN_CACHE_DIRECTORY` (default
//!   `~/.aws/login/cache`), in `<sha256(login_session)>.json`
//!   (`generate_login_cache_key`): temporary credentials (`accessToken`), a
//!   `refreshToken`, the `clientId` and a P-256 private key (`dpopKey`).
//! * The cached credentials are used while they have more than 5 minutes
//!   left. Then Sign-In's `CreateOAuth2Token` (`grantType=refresh_token`) is
//!   called with a DPoP proof signed by that key ([`dpop`]), and the cache
//!   file is rewritten (atomically) with the new credentials (`expiresAt` =
//!   now + `expiresIn`) and refresh token; other keys are kept.
//! * Errors use botocore's wording (`LoginTokenLoadError`,
//!   `LoginRefreshRequired`, `LoginInsufficientPermissions`, `LoginError`).

mod dpop;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};

use super::nested::{AuthService, NestedClient};
use super::{
    files, Credentials, CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext,
};
use crate::config::{Env, Profile};
use crate::dynamic::DynamicError;
use crate::error::SdkError;
use crate::signing::hex;
use crate::time::DateTime;
use dpop::DpopKey;

/// Cached credentials with more time left than this are used as they are
/// (botocore's `_REFRESH_THRESHOLD`).
pub(crate) const REFRESH_THRESHOLD: Duration = Duration::from_secs(5 * 60);
/// The largest cache file read (a real one is a few kilobytes).
const MAX_CACHE_FILE: u64 = 1 << 20;
/// The keys a cached session must have (`_REQUIRED_TOKEN_FIELDS`).
const REQUIRED_FIELDS: [&str; 4] = ["accessToken", "refreshToken", "dpopKey", "clientId"];

/// A cached login session's keys and values.
type CachedSession = Map<String, Json>;

/// Credentials from the `login_session` token cache, refreshed through
/// Sign-In.
///
/// `Debug` shows the profile and the session's ARN; never keys or tokens.
pub struct LoginProvider {
    ctx: Arc<ProviderContext>,
    profile: String,
    session: String,
}

impl fmt::Debug for LoginProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginProvider")
            .field("profile", &self.profile)
            .field("login_session", &self.session)
            .finish_non_exhaustive()
    }
}

impl LoginProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "login";

    /// The provider, when `profile` has `login_session`.
    pub fn from_profile(
        ctx: Arc<ProviderContext>,
        profile: &Profile,
    ) -> Result<Option<Self>, CredentialsError> {
        let Some(session) = profile.get("login_session") else {
            return Ok(None);
        };
        let session = session.trim();
        if session.is_empty() {
            return Err(CredentialsError::config(
                profile.name(),
                "login_session is set but empty",
            ));
        }
        Ok(Some(LoginProvider {
            ctx,
            profile: profile.name().to_owned(),
            session: session.to_owned(),
        }))
    }

    fn error(&self, message: impl Into<String>) -> CredentialsError {
        CredentialsError::Provider {
            provider: Self::NAME,
            profile: Some(self.profile.clone()),
            message: message.into(),
            source: None,
        }
    }

    /// botocore's `LoginTokenLoadError`.
    fn load_error(&self, message: impl fmt::Display) -> CredentialsError {
        self.error(format!("Error loading login session token: {message}"))
    }

    /// The session's cache file.
    fn cache_path(&self) -> Result<PathBuf, CredentialsError> {
        let dir = cache_dir(self.ctx.env()).ok_or_else(|| {
            self.load_error(
                "no home directory (HOME is not set) to find ~/.aws/login/cache in; \
                 set AWS_LOGIN_CACHE_DIRECTORY",
            )
        })?;
        Ok(cache_file(&dir, &self.session))
    }

    /// The cached session (botocore's `LoginTokenLoader.load_token` plus the
    /// checks of `load_cached_credentials`).
    async fn load(&self, path: &Path) -> Result<CachedSession, CredentialsError> {
        let text = files::read_if_exists(path, MAX_CACHE_FILE)
            .await
            .map_err(|e| self.load_error(format!("cannot read {}: {e}", path.display())))?
            .ok_or_else(|| {
                self.load_error(format!(
                    "Unable to load a existing login session for session {}. Please \
                     reauthenticate with 'aws login'. (no file {})",
                    self.session,
                    path.display()
                ))
            })?;
        let Ok(Json::Object(session)) = serde_json::from_str::<Json>(&text) else {
            return Err(self.load_error(format!("{} is not a JSON object", path.display())));
        };
        let missing: Vec<&str> = REQUIRED_FIELDS
            .into_iter()
            .filter(|key| !session.contains_key(*key))
            .collect();
        if !missing.is_empty() {
            return Err(self.load_error(format!(
                "Failed to load access token from token cache, missing required fields: {}.",
                missing.join(", ")
            )));
        }
        Ok(session)
    }

    /// The credentials of a cached session (`_token_to_credentials`).
    fn credentials(&self, session: &CachedSession) -> Result<Credentials, CredentialsError> {
        let access = session.get("accessToken").unwrap_or(&Json::Null);
        let field = |name: &str| {
            access[name]
                .as_str()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| self.load_error(format!("the cached accessToken has no {name}")))
        };
        let expires_at = DateTime::parse(field("expiresAt")?).ok_or_else(|| {
            self.load_error("the cached accessToken's expiresAt is not a timestamp")
        })?;
        Ok(Credentials::new(
            field("accessKeyId")?,
            field("secretAccessKey")?,
            Some(field("sessionToken")?.to_owned()),
            Some(expires_at),
        )
        .with_account_id(access["accountId"].as_str().map(str::to_owned))
        .with_provider_name(Self::NAME))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let path = self.cache_path()?;
        let session = self.load(&path).await?;
        let credentials = self.credentials(&session)?;
        let remaining = credentials.expires_at().map_or(f64::INFINITY, |t| {
            t.as_secs_f64() - self.ctx.now().as_secs_f64()
        });
        if remaining > REFRESH_THRESHOLD.as_secs_f64() {
            return Ok(credentials);
        }
        self.refresh(&path, session).await
    }

    /// botocore's `refresh_credentials`: `CreateOAuth2Token` with a DPoP
    /// proof, then the cache file rewritten.
    async fn refresh(
        &self,
        path: &Path,
        mut session: CachedSession,
    ) -> Result<Credentials, CredentialsError> {
        let text = |key: &str| {
            session
                .get(key)
                .and_then(Json::as_str)
                .map(str::to_owned)
                .ok_or_else(|| self.load_error(format!("the cached {key} is not a string")))
        };
        let key = DpopKey::from_pem(&text("dpopKey")?).map_err(|e| {
            self.load_error(format!(
                "Unable to load private key from cached token. ({e})"
            ))
        })?;
        let params = json!({
            "tokenInput": {
                "clientId": text("clientId")?,
                "refreshToken": text("refreshToken")?,
                "grantType": "refresh_token",
            }
        });
        let client = NestedClient::new(&self.ctx, AuthService::Signin, None, None)
            .map_err(|e| e.in_profile(&self.profile))?;
        add_dpop_hook(&client, key, self.ctx.clock.clone());
        let out = client
            .call("CreateOAuth2Token", params)
            .await
            .map_err(|e| self.refresh_error(e))?;
        let output = TokenOutput::parse(&out).ok_or_else(|| {
            self.load_error(
                "Unable to refresh access token due to an invalid service response. Please try \
                 running 'aws login' again. If the issue persists, there may be a temporary \
                 signin service problem.",
            )
        })?;
        output.apply(&mut session, self.ctx.now());
        let credentials = self.credentials(&session)?;
        save(path, &session).await;
        Ok(credentials)
    }

    /// A failed `CreateOAuth2Token`, mapped as botocore maps
    /// `AccessDeniedException`.
    fn refresh_error(&self, error: SdkError<DynamicError>) -> CredentialsError {
        let denied = error
            .service_kind()
            .filter(|kind| kind.exception.as_deref() == Some("AccessDeniedException"))
            .map(|kind| {
                kind.members["error"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            });
        let message = match denied.as_deref() {
            Some("TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED") => format!(
                "Your session has expired or credentials have changed. Please reauthenticate \
                 using 'aws login --profile {}'.",
                self.profile
            ),
            Some("INSUFFICIENT_PERMISSIONS") => "Unable to create or refresh login credentials \
                due to insufficient permissions. You may be missing permission for the \
                'signin:CreateOAuth2Token' action."
                .to_owned(),
            Some(_) => "An unspecified error happened when resolving AWS credentials or \
                refreshing a login session profile."
                .to_owned(),
            None => {
                format!("refreshing the login session (Sign-In CreateOAuth2Token) failed: {error}")
            }
        };
        CredentialsError::Provider {
            provider: Self::NAME,
            profile: Some(self.profile.clone()),
            message,
            source: Some(Arc::new(error)),
        }
    }
}

impl ProvideCredentials for LoginProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// The login token cache directory (`get_login_token_cache_directory`):
/// `AWS_LOGIN_CACHE_DIRECTORY` (with `$VAR` and `~` expanded), else
/// `~/.aws/login/cache`.
fn cache_dir(env: &Env) -> Option<PathBuf> {
    match env.get_non_empty("AWS_LOGIN_CACHE_DIRECTORY") {
        Some(dir) => env.expand_path(dir),
        None => env
            .home_dir()
            .map(|home| home.join(".aws").join("login").join("cache")),
    }
}

/// `<sha256 hex of the session>.json` (`generate_login_cache_key`).
fn cache_file(dir: &Path, session: &str) -> PathBuf {
    dir.join(format!("{}.json", hex(&Sha256::digest(session.as_bytes()))))
}

/// Rewrites the cache file; a failure is logged (the new credentials are
/// still used).
async fn save(path: &Path, session: &CachedSession) {
    let written = match serde_json::to_string(session) {
        Ok(text) => files::write_atomically(path, text).await,
        Err(e) => Err(std::io::Error::other(e)),
    };
    if let Err(error) = written {
        tracing::warn!(
            path = %path.display(),
            %error,
            "could not write the refreshed login session to the cache"
        );
    }
}

/// Adds a fresh DPoP proof to every attempt of `CreateOAuth2Token` (on the
/// request as it is sent, with its final URL), as botocore's
/// `_build_add_dpop_header_handler`.
fn add_dpop_hook(client: &NestedClient, key: DpopKey, clock: super::Clock) {
    let handle = client.handle();
    let name = format!("before-sign.{}.CreateOAuth2Token", handle.event_name());
    handle.events().register(&name, move |event| {
        let request = event.request.as_deref_mut()?;
        let url = request.uri().to_string();
        let proof = key
            .proof(&url, clock().secs())
            .and_then(|jwt| HeaderValue::from_str(&jwt).map_err(|e| e.to_string()));
        match proof {
            Ok(value) => {
                request
                    .headers_mut()
                    .insert(HeaderName::from_static("dpop"), value);
            }
            Err(error) => tracing::warn!(%error, "could not build the DPoP proof"),
        }
        None
    });
}

/// The parts of a `CreateOAuth2Token` output a refresh uses.
struct TokenOutput<'a> {
    access_token: &'a Map<String, Json>,
    refresh_token: &'a str,
    expires_in: i64,
}

impl<'a> TokenOutput<'a> {
    /// `tokenOutput`, when it has everything botocore reads.
    fn parse(out: &'a Json) -> Option<TokenOutput<'a>> {
        let output = out.get("tokenOutput")?;
        let access_token = output.get("accessToken")?.as_object()?;
        let has_keys = ["accessKeyId", "secretAccessKey", "sessionToken"]
            .iter()
            .all(|key| access_token.get(*key).and_then(Json::as_str).is_some());
        Some(TokenOutput {
            access_token: has_keys.then_some(access_token)?,
            refresh_token: output.get("refreshToken")?.as_str()?,
            expires_in: output.get("expiresIn")?.as_i64()?,
        })
    }

    /// Overwrites the session's `accessToken` (keeping its `accountId`) and
    /// `refreshToken`, as botocore's `token.update(...)`.
    fn apply(&self, session: &mut CachedSession, now: DateTime) {
        let expires_at = DateTime::from_secs(now.secs().saturating_add(self.expires_in));
        let account_id = session
            .get("accessToken")
            .map_or(Json::Null, |access| access["accountId"].clone());
        let mut access = Map::new();
        for key in ["accessKeyId", "secretAccessKey", "sessionToken"] {
            access.insert(
                key.into(),
                self.access_token.get(key).cloned().unwrap_or_default(),
            );
        }
        access.insert("accountId".into(), account_id);
        access.insert("expiresAt".into(), json!(expires_at.to_iso8601()));
        session.insert("accessToken".into(), Json::Object(access));
        session.insert("refreshToken".into(), json!(self.refresh_token));
    }
}
