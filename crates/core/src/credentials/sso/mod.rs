//! [`SsoProvider`]: role credentials from IAM Identity Center, as botocore's
//! `SSOProvider` and `SSOCredentialFetcher`.
//!
//! A profile uses SSO when it has `sso_account_id` or `sso_role_name`. Two
//! forms, as botocore's `_load_sso_config`:
//!
//! * **`sso_session`**: the profile names an `[sso-session NAME]` section
//!   whose settings are merged into the profile's (a key set in both must
//!   agree). The access token comes from an
//!   [`SsoTokenProvider`](crate::token::SsoTokenProvider), which refreshes it
//!   through SSO-OIDC and rewrites the token cache.
//! * **legacy**: `sso_start_url` and `sso_region` in the profile; the token
//!   is read from `~/.aws/sso/cache/<sha1(start url)>.json` and never
//!   refreshed (an expired one means `aws sso login`).
//!
//! The token buys role credentials from the portal's `GetRoleCredentials`
//! (unsigned, in `sso_region`).

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value as Json};

use super::nested::{AuthService, NestedClient};
use super::{
    Credentials, CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext,
};
use crate::config::{Profile, ProfileValue};
use crate::error::SdkError;
use crate::time::DateTime;
use crate::token::{sso_cache, ProvideToken, SsoTokenProvider};

/// The keys that make a profile an SSO profile (`_PROFILE_REQUIRED_CONFIG_VARS`).
const PROFILE_KEYS: [&str; 2] = ["sso_role_name", "sso_account_id"];
/// The keys an SSO profile needs (`_ALL_REQUIRED_CONFIG_VARS`).
const REQUIRED_KEYS: [&str; 4] = [
    "sso_role_name",
    "sso_account_id",
    "sso_start_url",
    "sso_region",
];

/// What an SSO profile (with its `sso-session`, if any) says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SsoConfig {
    start_url: String,
    region: String,
    role_name: String,
    account_id: String,
    session: Option<String>,
}

/// Where the access token comes from.
#[derive(Debug)]
enum TokenSource {
    /// The `sso_session` form: a refreshing token provider.
    Session(Arc<SsoTokenProvider>),
    /// The legacy form: the cache file of the start URL, as it is.
    Legacy,
}

/// Role credentials from the SSO portal (`GetRoleCredentials`), with the
/// access token `aws sso login` cached.
///
/// `Debug` shows the profile, start URL, region, account and role; never a
/// token.
pub struct SsoProvider {
    ctx: Arc<ProviderContext>,
    profile: String,
    config: SsoConfig,
    token: TokenSource,
    client: Mutex<Option<NestedClient>>,
}

impl fmt::Debug for SsoProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoProvider")
            .field("profile", &self.profile)
            .field("start_url", &self.config.start_url)
            .field("region", &self.config.region)
            .field("account_id", &self.config.account_id)
            .field("role_name", &self.config.role_name)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl SsoProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "sso";

    /// The provider, when `profile` is configured for SSO (it has
    /// `sso_account_id` or `sso_role_name`); a
    /// [`Config`](CredentialsError::Config) error when that configuration is
    /// incomplete or inconsistent, worded as botocore's.
    pub fn from_profile(
        ctx: Arc<ProviderContext>,
        profile: &Profile,
    ) -> Result<Option<Self>, CredentialsError> {
        if PROFILE_KEYS.iter().all(|key| !profile.contains_key(key)) {
            return Ok(None);
        }
        let config = load_sso_config(&ctx, profile)?;
        let token = match &config.session {
            Some(_) => match SsoTokenProvider::from_profile(ctx.clone(), profile)? {
                Some(provider) => TokenSource::Session(Arc::new(provider)),
                None => TokenSource::Legacy,
            },
            None => TokenSource::Legacy,
        };
        Ok(Some(SsoProvider {
            ctx,
            profile: profile.name().to_owned(),
            config,
            token,
            client: Mutex::new(None),
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

    /// botocore's `UnauthorizedSSOTokenError`, with the command to run.
    fn unauthorized(&self) -> CredentialsError {
        self.error(format!(
            "The SSO session associated with this profile has expired or is otherwise invalid. \
             To refresh this SSO session run `aws sso login --profile {}`.",
            self.profile
        ))
    }

    /// The portal client (in `sso_region`), made once.
    fn client(&self) -> Result<NestedClient, CredentialsError> {
        let mut slot = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client =
            NestedClient::new(&self.ctx, AuthService::Sso, Some(&self.config.region), None)
                .map_err(|e| e.in_profile(&self.profile))?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// The access token: from the token provider, or (legacy) from the cache
    /// file, refused when expired.
    async fn access_token(&self) -> Result<String, CredentialsError> {
        match &self.token {
            TokenSource::Session(provider) => provider
                .provide_token()
                .await
                .map(|token| token.token().to_owned())
                .map_err(|e| CredentialsError::from(e).in_profile(&self.profile)),
            TokenSource::Legacy => self.legacy_token().await,
        }
    }

    /// The legacy form's token (`SSOTokenLoader(start_url)` and the expiry
    /// check of `SSOCredentialFetcher._get_credentials`).
    async fn legacy_token(&self) -> Result<String, CredentialsError> {
        let start_url = &self.config.start_url;
        let dir = sso_cache::cache_dir(self.ctx.env()).ok_or_else(|| {
            self.error("no home directory (HOME is not set) to find ~/.aws/sso/cache in")
        })?;
        let path = sso_cache::cache_file(&dir, start_url);
        let hint = |message: String| {
            self.error(format!(
                "{message}; run `aws sso login --profile {}`",
                self.profile
            ))
        };
        let cached = sso_cache::load(&path, start_url, start_url)
            .await
            .map_err(hint)?;
        let expires_at = sso_cache::timestamp(&cached, "expiresAt").map_err(hint)?;
        if expires_at <= self.ctx.now() {
            return Err(self.unauthorized());
        }
        sso_cache::string(&cached, "accessToken")
            .map(str::to_owned)
            .ok_or_else(|| hint("the cached accessToken is not a string".to_owned()))
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token = self.access_token().await?;
        let params = json!({
            "roleName": self.config.role_name,
            "accountId": self.config.account_id,
            "accessToken": token,
        });
        let out = match self.client()?.call("GetRoleCredentials", params).await {
            Ok(out) => out,
            Err(error) if is_unauthorized(&error) => {
                if let TokenSource::Session(provider) = &self.token {
                    provider.invalidate();
                }
                return Err(self.unauthorized());
            }
            Err(error) => {
                return Err(CredentialsError::Provider {
                    provider: Self::NAME,
                    profile: Some(self.profile.clone()),
                    message: format!(
                        "GetRoleCredentials for role {} in account {} failed: {error}",
                        self.config.role_name, self.config.account_id
                    ),
                    source: Some(Arc::new(error)),
                })
            }
        };
        role_credentials(&out, &self.config.account_id).map_err(|m| self.error(m))
    }
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// Whether the portal refused the token (`UnauthorizedException`).
fn is_unauthorized<E>(error: &SdkError<E>) -> bool {
    error.code() == Some("UnauthorizedException")
}

/// botocore's `SSOProvider._load_sso_config` for a profile that has
/// `sso_role_name` or `sso_account_id`.
fn load_sso_config(
    ctx: &ProviderContext,
    profile: &Profile,
) -> Result<SsoConfig, CredentialsError> {
    let resolved = resolve_sso_session_reference(ctx, profile)?;
    let value = |key: &str| {
        resolved
            .get(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let session_key = resolved
        .contains_key("sso_session")
        .then_some("sso_session");
    let missing: Vec<&str> = REQUIRED_KEYS
        .into_iter()
        .chain(session_key)
        .filter(|key| value(key).is_none())
        .collect();
    if !missing.is_empty() {
        let name = profile.name();
        return Err(CredentialsError::config(
            name,
            format!(
                "The profile \"{name}\" is configured to use SSO but is missing required \
                 configuration: {}",
                missing.join(", ")
            ),
        ));
    }
    Ok(SsoConfig {
        start_url: value("sso_start_url").unwrap_or_default(),
        region: value("sso_region").unwrap_or_default(),
        role_name: value("sso_role_name").unwrap_or_default(),
        account_id: value("sso_account_id").unwrap_or_default(),
        session: session_key.and_then(value),
    })
}

/// botocore's `_resolve_sso_session_reference`: the profile's settings with
/// those of the `sso-session` it names merged in (a key set in both must
/// have the same value).
fn resolve_sso_session_reference(
    ctx: &ProviderContext,
    profile: &Profile,
) -> Result<Profile, CredentialsError> {
    let Some(session_name) = profile.get("sso_session") else {
        return Ok(profile.clone());
    };
    let name = profile.name();
    let Some(session) = ctx.shared().sso_session(session_name) else {
        return Err(CredentialsError::config(
            name,
            format!("The specified sso-session does not exist: \"{session_name}\""),
        ));
    };
    let mut resolved = profile.clone();
    for (key, value) in session.iter() {
        if let Some(own) = profile.value(key).filter(|own| *own != value) {
            return Err(CredentialsError::config(
                name,
                format!(
                    "The value for {key} is inconsistent between profile ({}) and sso-session \
                     ({}).",
                    shown(own),
                    shown(value)
                ),
            ));
        }
        resolved = match value {
            ProfileValue::Text(text) => resolved.with(key, text.as_str()),
            ProfileValue::Nested(map) => resolved.with_sub(key, map.clone()),
        };
    }
    Ok(resolved)
}

/// A setting's value for a message.
fn shown(value: &ProfileValue) -> String {
    match value {
        ProfileValue::Text(text) => text.clone(),
        ProfileValue::Nested(map) => format!("{map:?}"),
    }
}

/// Credentials from a `GetRoleCredentials` output: `roleCredentials` with
/// `expiration` in epoch milliseconds; the account is the profile's.
fn role_credentials(out: &Json, account_id: &str) -> Result<Credentials, String> {
    let creds = &out["roleCredentials"];
    let field = |name: &str| {
        creds[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the GetRoleCredentials response has no roleCredentials.{name}"))
    };
    let (access_key_id, secret) = (field("accessKeyId")?, field("secretAccessKey")?);
    let token = field("sessionToken")?;
    let expiration_ms = creds["expiration"].as_i64().ok_or_else(|| {
        "the GetRoleCredentials response has no roleCredentials.expiration".to_owned()
    })?;
    let expiration = DateTime::from_secs(expiration_ms.div_euclid(1000));
    Ok(Credentials::new(
        access_key_id,
        secret,
        Some(token.to_owned()),
        Some(expiration),
    )
    .with_account_id(Some(account_id.to_owned()))
    .with_provider_name(SsoProvider::NAME))
}
