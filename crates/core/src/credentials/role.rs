//! Role credentials from STS: [`AssumeRoleProvider`] (`role_arn` with
//! `source_profile` or `credential_source`) and [`WebIdentityProvider`]
//! (`AssumeRoleWithWebIdentity`), as botocore's `AssumeRoleProvider` and
//! `AssumeRoleWithWebIdentityProvider`.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value as Json};

use super::nested::{AuthService, NestedClient};
use super::{
    files, Credentials, CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext,
};
use crate::config::Profile;
use crate::time::DateTime;

/// The region of STS clients when the session has none (aws-sdk-rust's
/// choice too; botocore would fail to resolve an endpoint).
pub(crate) const STS_FALLBACK_REGION: &str = "us-east-1";

/// The future an [`MfaTokenProvider`] returns: the code, or why there is
/// none.
pub type MfaTokenFuture<'a> = Pin<
    Box<dyn Future<Output = Result<String, Box<dyn std::error::Error + Send + Sync>>> + Send + 'a>,
>;

/// Supplies the current code of an MFA device for `AssumeRole` when a
/// profile has `mfa_serial` (botocore prompts on the terminal; myaws asks
/// this callback, on every refresh).
pub trait MfaTokenProvider: Send + Sync {
    /// The code shown by the device `serial` now.
    fn mfa_token<'a>(&'a self, serial: &'a str) -> MfaTokenFuture<'a>;
}

impl fmt::Debug for dyn MfaTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaTokenProvider")
    }
}

/// An [`MfaTokenProvider`] from a blocking closure (for instance one that
/// prompts on a terminal), run on tokio's blocking thread pool.
pub struct BlockingMfa<F>(pub Arc<F>);

impl<F> MfaTokenProvider for BlockingMfa<F>
where
    F: Fn(&str) -> Result<String, String> + Send + Sync + 'static,
{
    fn mfa_token<'a>(&'a self, serial: &'a str) -> MfaTokenFuture<'a> {
        let f = self.0.clone();
        let serial = serial.to_owned();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || f(&serial))
                .await
                .map_err(|e| e.to_string())?
                .map_err(Into::into)
        })
    }
}

/// What a profile says about the role to assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleSettings {
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) mfa_serial: Option<String>,
    pub(crate) duration_seconds: Option<i64>,
}

impl RoleSettings {
    /// The role settings of `profile` (which has `role_arn`).
    pub(crate) fn from_profile(profile: &Profile) -> Result<RoleSettings, CredentialsError> {
        let get = |key: &str| {
            profile
                .get(key)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let role_arn = get("role_arn")
            .ok_or_else(|| CredentialsError::config(profile.name(), "role_arn is set but empty"))?;
        let duration_seconds = match get("duration_seconds") {
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                CredentialsError::config(
                    profile.name(),
                    format!("duration_seconds = {raw:?} is not a whole number of seconds"),
                )
            })?),
            None => None,
        };
        Ok(RoleSettings {
            role_arn,
            session_name: get("role_session_name"),
            external_id: get("external_id"),
            mfa_serial: get("mfa_serial"),
            duration_seconds,
        })
    }
}

/// The default `RoleSessionName` (botocore: `botocore-session-<time>`),
/// chosen once per provider.
fn default_session_name(now: DateTime) -> String {
    format!("myaws-session-{}", now.secs())
}

/// Assumes a role with credentials from a source provider (another profile,
/// the environment, container or instance metadata).
pub struct AssumeRoleProvider {
    ctx: Arc<ProviderContext>,
    profile: String,
    settings: RoleSettings,
    session_name: String,
    source: Arc<dyn ProvideCredentials>,
    sts: Mutex<Option<NestedClient>>,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("profile", &self.profile)
            .field("role_arn", &self.settings.role_arn)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "assume-role";

    /// Assumes the role `settings` of profile `profile`, signing `AssumeRole`
    /// with credentials from `source` (cached by the caller as needed).
    pub(crate) fn new(
        ctx: Arc<ProviderContext>,
        profile: &str,
        settings: RoleSettings,
        source: Arc<dyn ProvideCredentials>,
    ) -> Self {
        let session_name = settings
            .session_name
            .clone()
            .unwrap_or_else(|| default_session_name(ctx.now()));
        AssumeRoleProvider {
            ctx,
            profile: profile.to_owned(),
            settings,
            session_name,
            source,
            sts: Mutex::new(None),
        }
    }

    fn client(&self) -> Result<NestedClient, CredentialsError> {
        let mut slot = self.sts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let region = self.ctx.region().unwrap_or(STS_FALLBACK_REGION).to_owned();
        let client = NestedClient::new(
            &self.ctx,
            AuthService::Sts,
            Some(&region),
            Some(self.source.clone()),
        )
        .map_err(|e| e.in_profile(&self.profile))?;
        *slot = Some(client.clone());
        Ok(client)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let settings = &self.settings;
        let mut params = Map::new();
        params.insert("RoleArn".into(), json!(settings.role_arn));
        params.insert("RoleSessionName".into(), json!(self.session_name));
        if let Some(id) = &settings.external_id {
            params.insert("ExternalId".into(), json!(id));
        }
        if let Some(seconds) = settings.duration_seconds {
            params.insert("DurationSeconds".into(), json!(seconds));
        }
        if let Some(serial) = &settings.mfa_serial {
            let Some(mfa) = &self.ctx.mfa else {
                return Err(CredentialsError::config(
                    &self.profile,
                    format!(
                        "mfa_serial = {serial} needs an MFA code, and no MFA token callback is \
                         set (SessionBuilder::mfa_token)"
                    ),
                ));
            };
            let code = mfa
                .mfa_token(serial)
                .await
                .map_err(|e| CredentialsError::Provider {
                    provider: Self::NAME,
                    profile: Some(self.profile.clone()),
                    message: format!("the MFA token callback failed for {serial}: {e}"),
                    source: None,
                })?;
            params.insert("SerialNumber".into(), json!(serial));
            params.insert("TokenCode".into(), json!(code.trim()));
        }
        let client = self.client()?;
        let out = client
            .call("AssumeRole", Json::Object(params))
            .await
            .map_err(|e| {
                let message = format!("AssumeRole for {} failed: {e}", settings.role_arn);
                CredentialsError::Provider {
                    provider: Self::NAME,
                    profile: Some(self.profile.clone()),
                    message,
                    source: Some(Arc::new(e)),
                }
            })?;
        sts_credentials(&out, Self::NAME).map_err(|e| e.in_profile(&self.profile))
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// Credentials from an STS `AssumeRole*` output: `Credentials` plus the
/// account id from `AssumedRoleUser.Arn`.
pub(crate) fn sts_credentials(
    out: &Json,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let creds = &out["Credentials"];
    let field = |name: &str| {
        creds[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                CredentialsError::provider(
                    provider,
                    format!("the STS response has no Credentials.{name}"),
                )
            })
    };
    let (access_key_id, secret) = (field("AccessKeyId")?, field("SecretAccessKey")?);
    let token = field("SessionToken")?;
    let expiration = DateTime::parse(field("Expiration")?).ok_or_else(|| {
        CredentialsError::provider(provider, "the STS response has an unreadable Expiration")
    })?;
    let account_id = out["AssumedRoleUser"]["Arn"]
        .as_str()
        .and_then(account_from_arn);
    Ok(Credentials::new(
        access_key_id,
        secret,
        Some(token.to_owned()),
        Some(expiration),
    )
    .with_account_id(account_id)
    .with_provider_name(provider))
}

/// The account field of an ARN (`arn:aws:sts::123456789012:assumed-role/…`).
pub(crate) fn account_from_arn(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    (parts.next()? == "arn").then_some(())?;
    let account = parts.nth(3)?;
    (!account.is_empty()).then(|| account.to_owned())
}

/// Where a web identity configuration came from and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebIdentitySettings {
    pub(crate) token_file: PathBuf,
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    /// `the environment`, or the profile's name in backquotes.
    pub(crate) location: String,
}

/// Assumes a role with an OIDC token read from a file (EKS service
/// accounts, GitHub Actions, …). The file is read again on every refresh,
/// since the platform rotates it. `AssumeRoleWithWebIdentity` is not signed.
pub struct WebIdentityProvider {
    ctx: Arc<ProviderContext>,
    settings: WebIdentitySettings,
    session_name: String,
    sts: Mutex<Option<NestedClient>>,
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("token_file", &self.settings.token_file)
            .field("role_arn", &self.settings.role_arn)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "assume-role-with-web-identity";

    pub(crate) fn new(ctx: Arc<ProviderContext>, settings: WebIdentitySettings) -> Self {
        let session_name = settings
            .session_name
            .clone()
            .unwrap_or_else(|| default_session_name(ctx.now()));
        WebIdentityProvider {
            ctx,
            settings,
            session_name,
            sts: Mutex::new(None),
        }
    }

    fn client(&self) -> Result<NestedClient, CredentialsError> {
        let mut slot = self.sts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let region = self.ctx.region().unwrap_or(STS_FALLBACK_REGION).to_owned();
        let client = NestedClient::new(&self.ctx, AuthService::Sts, Some(&region), None)?;
        *slot = Some(client.clone());
        Ok(client)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let settings = &self.settings;
        let token = files::read_to_string(&settings.token_file, 64 * 1024)
            .await
            .map_err(|e| CredentialsError::Provider {
                provider: Self::NAME,
                profile: None,
                message: format!(
                    "cannot read the web identity token file {} (from {}): {e}",
                    settings.token_file.display(),
                    settings.location
                ),
                source: None,
            })?;
        let params = json!({
            "RoleArn": settings.role_arn,
            "RoleSessionName": self.session_name,
            "WebIdentityToken": token.trim(),
        });
        let out = self
            .client()?
            .call("AssumeRoleWithWebIdentity", params)
            .await
            .map_err(|e| CredentialsError::Provider {
                provider: Self::NAME,
                profile: None,
                message: format!(
                    "AssumeRoleWithWebIdentity for {} (from {}) failed: {e}",
                    settings.role_arn, settings.location
                ),
                source: Some(Arc::new(e)),
            })?;
        sts_credentials(&out, Self::NAME)
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_come_from_arns() {
        assert_eq!(
            account_from_arn("arn:aws:sts::123456789012:assumed-role/r/s").as_deref(),
            Some("123456789012")
        );
        assert_eq!(account_from_arn("arn:aws:iam:::role/x"), None);
        assert_eq!(account_from_arn("not-an-arn"), None);
    }

    #[test]
    fn role_settings_from_profile() {
        let profile = Profile::new("p")
            .with("role_arn", "arn:aws:iam::1:role/r")
            .with("external_id", "ext")
            .with("duration_seconds", "900")
            .with("mfa_serial", "arn:aws:iam::1:mfa/u");
        let s = RoleSettings::from_profile(&profile).unwrap();
        assert_eq!(s.duration_seconds, Some(900));
        assert_eq!(s.external_id.as_deref(), Some("ext"));
        assert_eq!(s.session_name, None);
        let bad = profile.with("duration_seconds", "15m");
        let err = RoleSettings::from_profile(&bad).unwrap_err();
        assert!(err.to_string().contains("duration_seconds"), "{err}");
    }

    #[test]
    fn sts_output_becomes_credentials() {
        let out = json!({
            "Credentials": {
                "AccessKeyId": "ASIAX", "SecretAccessKey": "S", "SessionToken": "T",
                "Expiration": "2030-01-01T00:00:00Z"
            },
            "AssumedRoleUser": {"Arn": "arn:aws:sts::111122223333:assumed-role/r/s"}
        });
        let c = sts_credentials(&out, "assume-role").unwrap();
        assert_eq!(
            (c.access_key_id(), c.session_token(), c.account_id()),
            ("ASIAX", Some("T"), Some("111122223333"))
        );
        assert_eq!(c.expires_at(), DateTime::parse("2030-01-01T00:00:00Z"));
        let err = sts_credentials(&json!({"Credentials": {}}), "assume-role").unwrap_err();
        assert!(err.to_string().contains("Credentials.AccessKeyId"), "{err}");
    }
}
