//! [`DefaultChain`] and [`ProfileProvider`]: which provider a configuration
//! selects, in botocore's order (`create_credential_resolver` and
//! `ProfileProviderBuilder`), and the assume-role chains of profiles.
//!
//! Selection looks at configuration only (environment variables and profile
//! keys), once; the provider it picks is then asked for credentials on every
//! refresh. Instance metadata is the last resort and is only tried when
//! nothing else is configured.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::container::ContainerProvider;
use super::imds::ImdsProvider;
use super::login::LoginProvider;
use super::profile_keys::{has_static_keys, static_keys, KeyFile};
use super::role::{RoleSettings, WebIdentitySettings};
use super::sso::SsoProvider;
use super::{
    AssumeRoleProvider, Credentials, CredentialsError, CredentialsFuture, EnvironmentProvider,
    ProcessProvider, ProvideCredentials, ProviderContext, StaticProvider, WebIdentityProvider,
};
use crate::config::Profile;

type Provider = Arc<dyn ProvideCredentials>;

/// The values `credential_source` accepts (botocore's canonical names).
pub(crate) const CREDENTIAL_SOURCES: [&str; 3] =
    ["Environment", "Ec2InstanceMetadata", "EcsContainer"];

/// The provider a configuration selected.
#[derive(Clone)]
struct Selected {
    provider: Provider,
    /// When the instance-metadata fallback was selected: what was looked at
    /// before it, for the "not found" error if it fails too.
    fallback_tried: Option<Vec<String>>,
}

/// botocore's default credential chain for one profile:
/// environment → assume role → web identity → SSO → shared credentials file
/// → login → `credential_process` → shared config file → container →
/// instance metadata.
///
/// When the profile was chosen explicitly in code, the environment's keys and
/// web-identity variables are skipped, as botocore does.
pub struct DefaultChain {
    ctx: Arc<ProviderContext>,
    profile: String,
    use_env: bool,
    selected: OnceLock<Result<Selected, CredentialsError>>,
}

impl fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultChain")
            .field("profile", &self.profile)
            .field("use_env", &self.use_env)
            .field(
                "selected",
                &self.selected.get().map(|s| s.as_ref().map(|s| &s.provider)),
            )
            .finish()
    }
}

impl DefaultChain {
    /// The chain for profile `profile`; `use_env` is false when the profile
    /// was set explicitly in code.
    pub fn new(ctx: Arc<ProviderContext>, profile: impl Into<String>, use_env: bool) -> Self {
        DefaultChain {
            ctx,
            profile: profile.into(),
            use_env,
            selected: OnceLock::new(),
        }
    }

    /// The provider the configuration selects (chosen once, on first use).
    #[cfg(test)]
    pub(crate) fn selected_provider(&self) -> Result<Provider, CredentialsError> {
        self.selected().map(|s| s.provider)
    }

    fn selected(&self) -> Result<Selected, CredentialsError> {
        self.selected.get_or_init(|| self.select()).clone()
    }

    fn select(&self) -> Result<Selected, CredentialsError> {
        let ctx = &self.ctx;
        let name = self.profile.as_str();
        let mut tried = Vec::new();
        let found = |provider: Provider| {
            Ok(Selected {
                provider,
                fallback_tried: None,
            })
        };
        if self.use_env {
            let env = EnvironmentProvider::new(ctx.env.clone());
            if env.is_configured() {
                return found(Arc::new(env));
            }
            tried.push("environment variables (AWS_ACCESS_KEY_ID not set)".to_owned());
        }
        let profile = ctx.profile(name);
        if let Some(profile) = profile.as_ref().filter(|p| has_assume_role_config(p)) {
            return found(assume_role(ctx, profile, &mut vec![name.to_owned()])?);
        }
        if let Some(provider) =
            profile_providers(ctx, name, profile.as_ref(), self.use_env, &mut tried)?
        {
            return found(provider);
        }
        if let Some(container) = ContainerProvider::from_context(ctx.clone()) {
            return found(Arc::new(container));
        }
        tried.push(
            "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set)"
                .to_owned(),
        );
        match ImdsProvider::from_context(ctx.clone())? {
            Some(imds) => Ok(Selected {
                provider: Arc::new(imds),
                fallback_tried: Some(tried),
            }),
            None => {
                tried.push(
                    "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)".to_owned(),
                );
                Err(CredentialsError::NotFound { tried })
            }
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let selected = self.selected()?;
        match (
            selected.provider.provide_credentials().await,
            selected.fallback_tried,
        ) {
            (Err(e), Some(mut tried)) if !matches!(e, CredentialsError::Config { .. }) => {
                tried.push(format!("EC2 instance metadata ({e})"));
                Err(CredentialsError::NotFound { tried })
            }
            (result, _) => result,
        }
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// The credentials one profile configures, without the environment,
/// container or instance metadata: assume role, web identity, SSO, static
/// keys, `login_session` or `credential_process` (botocore's profile
/// providers, with the assume-role provider in front).
pub struct ProfileProvider {
    ctx: Arc<ProviderContext>,
    profile: String,
    selected: OnceLock<Result<Provider, CredentialsError>>,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl ProfileProvider {
    /// The credentials of profile `profile`.
    pub fn new(ctx: Arc<ProviderContext>, profile: impl Into<String>) -> Self {
        ProfileProvider {
            ctx,
            profile: profile.into(),
            selected: OnceLock::new(),
        }
    }

    fn select(&self) -> Result<Provider, CredentialsError> {
        let name = self.profile.as_str();
        let Some(profile) = self.ctx.profile(name) else {
            return Err(CredentialsError::NotFound {
                tried: vec![format!("profile `{name}` (not defined)")],
            });
        };
        if has_assume_role_config(&profile) {
            return assume_role(&self.ctx, &profile, &mut vec![name.to_owned()]);
        }
        let mut tried = Vec::new();
        profile_providers(&self.ctx, name, Some(&profile), false, &mut tried)?
            .ok_or(CredentialsError::NotFound { tried })
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let provider = self.selected.get_or_init(|| self.select()).clone()?;
            provider.provide_credentials().await
        })
    }
}

/// botocore's `_has_assume_role_config_vars`: `role_arn` without
/// `web_identity_token_file` (which makes it a web-identity profile).
fn has_assume_role_config(profile: &Profile) -> bool {
    profile.contains_key("role_arn") && !profile.contains_key("web_identity_token_file")
}

/// A non-blank value of a profile.
fn setting<'a>(profile: &'a Profile, key: &str) -> Option<&'a str> {
    profile.get(key).map(str::trim).filter(|v| !v.is_empty())
}

/// The first profile provider (botocore's `ProfileProviderBuilder.providers`)
/// that `profile` configures: web identity, SSO, credentials-file keys,
/// login, `credential_process`, config-file keys. What was looked at and
/// found missing is added to `tried`.
fn profile_providers(
    ctx: &Arc<ProviderContext>,
    name: &str,
    profile: Option<&Profile>,
    use_env: bool,
    tried: &mut Vec<String>,
) -> Result<Option<Provider>, CredentialsError> {
    if let Some(settings) = web_identity_settings(ctx, name, profile, use_env)? {
        return Ok(Some(Arc::new(WebIdentityProvider::new(
            ctx.clone(),
            settings,
        ))));
    }
    let Some(profile) = profile else {
        tried.push(format!("profile `{name}` (not defined)"));
        return Ok(None);
    };
    if let Some(sso) = SsoProvider::from_profile(ctx.clone(), profile)? {
        return Ok(Some(Arc::new(sso)));
    }
    if let Some(keys) = static_keys(&ctx.shared, name, KeyFile::Credentials)? {
        return Ok(Some(Arc::new(StaticProvider::new(keys))));
    }
    tried.push(format!(
        "{} (no keys in profile `{name}`)",
        KeyFile::Credentials.label(&ctx.shared)
    ));
    if let Some(login) = LoginProvider::from_profile(ctx.clone(), profile)? {
        return Ok(Some(Arc::new(login)));
    }
    if let Some(command) = setting(profile, "credential_process") {
        let account_id = setting(profile, "aws_account_id").map(str::to_owned);
        return Ok(Some(Arc::new(ProcessProvider::new(
            name, command, account_id,
        ))));
    }
    if let Some(keys) = static_keys(&ctx.shared, name, KeyFile::Config)? {
        return Ok(Some(Arc::new(StaticProvider::new(keys))));
    }
    tried.push(format!(
        "{} (no keys in profile `{name}`)",
        KeyFile::Config.label(&ctx.shared)
    ));
    Ok(None)
}

/// Web identity settings: each of the token file, role ARN and session name
/// from the environment (unless `use_env` is false), else from the profile,
/// as botocore's `AssumeRoleWithWebIdentityProvider._get_config`.
fn web_identity_settings(
    ctx: &ProviderContext,
    name: &str,
    profile: Option<&Profile>,
    use_env: bool,
) -> Result<Option<WebIdentitySettings>, CredentialsError> {
    let get = |var: &str, key: &str| -> Option<(String, bool)> {
        if use_env {
            if let Some(value) = ctx.env.get(var) {
                return Some((value.to_owned(), true));
            }
        }
        profile
            .and_then(|p| p.get(key))
            .map(|value| (value.to_owned(), false))
    };
    let Some((token_file, from_env)) =
        get("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file")
            .filter(|(file, _)| !file.trim().is_empty())
    else {
        return Ok(None);
    };
    let location = if from_env {
        "the environment".to_owned()
    } else {
        format!("profile `{name}`")
    };
    let role_arn = get("AWS_ROLE_ARN", "role_arn")
        .map(|(arn, _)| arn.trim().to_owned())
        .filter(|arn| !arn.is_empty())
        .ok_or_else(|| {
            CredentialsError::config(
                name,
                format!(
                    "a web identity token file is configured in {location} but no role ARN: \
                     set role_arn in the profile or AWS_ROLE_ARN"
                ),
            )
        })?;
    let token_path = ctx.env.expand_path(token_file.trim()).ok_or_else(|| {
        CredentialsError::config(
            name,
            format!("the web identity token file {token_file:?} needs a home directory"),
        )
    })?;
    Ok(Some(WebIdentitySettings {
        token_file: token_path,
        role_arn,
        session_name: get("AWS_ROLE_SESSION_NAME", "role_session_name")
            .map(|(s, _)| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        location,
    }))
}

/// The assume-role provider of `profile` (which has `role_arn`), with its
/// source resolved: another profile (recursively; `visited` holds the
/// profiles on the way, to refuse cycles) or a `credential_source`.
fn assume_role(
    ctx: &Arc<ProviderContext>,
    profile: &Profile,
    visited: &mut Vec<String>,
) -> Result<Provider, CredentialsError> {
    let name = profile.name();
    let settings = RoleSettings::from_profile(profile)?;
    let source = match (
        setting(profile, "source_profile"),
        setting(profile, "credential_source"),
    ) {
        (Some(_), Some(_)) => {
            return Err(CredentialsError::config(
                name,
                "it has both source_profile and credential_source; keep one",
            ))
        }
        (None, None) => {
            return Err(CredentialsError::Incomplete {
                provider: AssumeRoleProvider::NAME,
                missing: "source_profile or credential_source".to_owned(),
                location: format!("profile `{name}` (which sets role_arn)"),
            })
        }
        (None, Some(source)) => named_source(ctx, name, source)?,
        (Some(source_name), None) => {
            let Some(source) = ctx.profile(source_name) else {
                return Err(CredentialsError::config(
                    name,
                    format!("its source_profile `{source_name}` does not exist"),
                ));
            };
            if visited.iter().any(|v| v == source_name)
                && (source_name != name || !has_static_keys(&source))
            {
                let mut path = visited.clone();
                path.push(source_name.to_owned());
                return Err(CredentialsError::config(
                    name,
                    format!(
                        "its source_profile chain is a cycle ({}); a profile may only name \
                         itself as source_profile when it holds static keys",
                        path.join(" -> ")
                    ),
                ));
            }
            visited.push(source_name.to_owned());
            source_profile(ctx, &source, visited)?
        }
    };
    Ok(Arc::new(AssumeRoleProvider::new(
        ctx.clone(),
        name,
        settings,
        source,
    )))
}

/// The credentials a `source_profile` gives: its own profile providers when
/// it holds static keys or has no role to assume, else its role.
fn source_profile(
    ctx: &Arc<ProviderContext>,
    profile: &Profile,
    visited: &mut Vec<String>,
) -> Result<Provider, CredentialsError> {
    let name = profile.name();
    if has_static_keys(profile) || !has_assume_role_config(profile) {
        let mut tried = Vec::new();
        return profile_providers(ctx, name, Some(profile), false, &mut tried)?.ok_or_else(|| {
            CredentialsError::config(
                name,
                format!(
                    "it is used as a source_profile but has no credentials (tried: {})",
                    tried.join("; ")
                ),
            )
        });
    }
    assume_role(ctx, profile, visited)
}

/// The provider a `credential_source` names.
fn named_source(
    ctx: &Arc<ProviderContext>,
    profile: &str,
    source: &str,
) -> Result<Provider, CredentialsError> {
    let provider: Provider = match source {
        "Environment" => Arc::new(EnvironmentProvider::new(ctx.env.clone())),
        "EcsContainer" => match ContainerProvider::from_context(ctx.clone()) {
            Some(container) => Arc::new(container),
            None => {
                return Err(CredentialsError::config(
                    profile,
                    "credential_source = EcsContainer, but neither \
                     AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
                ))
            }
        },
        "Ec2InstanceMetadata" => match ImdsProvider::from_context(ctx.clone())? {
            Some(imds) => Arc::new(imds),
            None => {
                return Err(CredentialsError::config(
                    profile,
                    "credential_source = Ec2InstanceMetadata, but instance metadata is disabled \
                     (AWS_EC2_METADATA_DISABLED)",
                ))
            }
        },
        other => {
            return Err(CredentialsError::config(
                profile,
                format!(
                    "credential_source `{other}` is not valid; use one of {}",
                    CREDENTIAL_SOURCES.join(", ")
                ),
            ))
        }
    };
    Ok(Arc::new(NamedSource {
        provider,
        profile: profile.to_owned(),
        source: source.to_owned(),
    }))
}

/// A `credential_source` provider: finding nothing there is an error that
/// names the profile (botocore: "No credentials found in credential_source
/// referenced in profile …").
#[derive(Debug)]
struct NamedSource {
    provider: Provider,
    profile: String,
    source: String,
}

impl ProvideCredentials for NamedSource {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            self.provider
                .provide_credentials()
                .await
                .map_err(|e| match e {
                    CredentialsError::NotFound { tried } => CredentialsError::Provider {
                        provider: "credential-source",
                        profile: Some(self.profile.clone()),
                        message: format!(
                            "no credentials found in credential_source {} ({})",
                            self.source,
                            tried.join("; ")
                        ),
                        source: None,
                    },
                    other => other.in_profile(&self.profile),
                })
        })
    }
}
