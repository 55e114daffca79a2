//! [`Session`]: the shared starting point for clients, as in boto3.
//!
//! A session snapshots the environment, reads the shared config files once,
//! picks the profile and the region, and owns the credentials provider.
//! Clients call [`Session::resolve`] with their service id and per-client
//! [`ClientConfig`] overrides to get a fully resolved, validated
//! [`ResolvedConfig`].
//!
//! ```no_run
//! # fn main() -> Result<(), myaws_core::config::ConfigError> {
//! use myaws_core::session::{ClientConfig, Session};
//!
//! let session = Session::builder().region("eu-west-1").build()?;
//! let resolved = session.resolve("SQS", &ClientConfig::default().max_attempts(5))?;
//! assert_eq!(resolved.region.as_deref(), Some("eu-west-1"));
//! # Ok(()) }
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::config::resolve::{
    resolve_ca_bundle, resolve_endpoint_url, resolve_region, resolve_retry,
    resolve_s3_addressing_style, resolve_use_dual_stack, resolve_use_fips, validate_endpoint_url,
    validate_region, EndpointUrlOptions, Sources,
};
use crate::config::{
    ActiveProfile, ConfigError, Env, Profile, RetryConfig, RetryMode, SettingSource, SharedConfig,
    Sourced,
};
use crate::credentials::{
    Credentials, CredentialsError, DefaultChain, ProvideCredentials, StaticProvider,
};

/// botocore's default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// botocore's default read timeout.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Configuration shared by the clients made from it: environment snapshot,
/// shared config files, profile, region and credentials.
///
/// Cheap to clone (an `Arc` inside) and safe to share between threads.
#[derive(Clone, Debug)]
pub struct Session {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    env: Env,
    shared: Arc<SharedConfig>,
    profile: ActiveProfile,
    region: Option<Sourced<String>>,
    endpoint_url: Option<String>,
    max_attempts: Option<u32>,
    retry_mode: Option<RetryMode>,
    credentials: Arc<dyn ProvideCredentials>,
}

impl Session {
    /// A builder for a session with explicit settings.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    /// A session configured only from the process environment and the shared
    /// config files (`Session::builder().build()`).
    pub fn from_env() -> Result<Session, ConfigError> {
        Session::builder().build()
    }

    /// The session's region, if one is configured anywhere.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_ref().map(|r| r.value.as_str())
    }

    /// Where the region came from.
    pub fn region_source(&self) -> Option<&SettingSource> {
        self.inner.region.as_ref().map(|r| &r.source)
    }

    /// The active profile's name (`default` unless chosen).
    pub fn profile_name(&self) -> &str {
        &self.inner.profile.name
    }

    /// The active profile's settings, if it is defined.
    pub fn profile(&self) -> Option<&Profile> {
        self.inner.profile.profile.as_ref()
    }

    /// The names of all profiles in the shared config and credentials files.
    pub fn available_profiles(&self) -> Vec<String> {
        self.inner.shared.profile_names()
    }

    /// The environment snapshot the session was built with.
    pub fn env(&self) -> &Env {
        &self.inner.env
    }

    /// The shared config files as loaded.
    pub fn shared_config(&self) -> &SharedConfig {
        &self.inner.shared
    }

    /// The credentials provider clients use.
    pub fn credentials_provider(&self) -> Arc<dyn ProvideCredentials> {
        self.inner.credentials.clone()
    }

    /// Asks the credentials provider for credentials now.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.inner.credentials.provide_credentials().await
    }

    /// Resolves everything a client for `service_id` needs.
    ///
    /// `service_id` is the model's `metadata.serviceId` (`"SQS"`, `"S3"`,
    /// `"CloudWatch Logs"`); it selects `AWS_ENDPOINT_URL_<SERVICE>` and the
    /// service's block in a `[services …]` section. Each setting takes the
    /// first of: `overrides`, the session builder, the environment, the
    /// profile, the default. The region and the endpoint URL are validated.
    pub fn resolve(
        &self,
        service_id: &str,
        overrides: &ClientConfig,
    ) -> Result<ResolvedConfig, ConfigError> {
        let inner = &*self.inner;
        let sources = Sources::new(&inner.env, &inner.shared, inner.profile.profile.as_ref());

        let region = match &overrides.region {
            Some(region) => {
                validate_region(region, &SettingSource::ClientConfig)?;
                Some(region.clone())
            }
            None => inner.region.as_ref().map(|r| r.value.clone()),
        };

        let explicit_endpoint = overrides
            .endpoint_url
            .as_deref()
            .map(|url| Sourced::new(url, SettingSource::ClientConfig))
            .or_else(|| {
                inner
                    .endpoint_url
                    .as_deref()
                    .map(|url| Sourced::new(url, SettingSource::Session))
            });
        let endpoint_url = resolve_endpoint_url(
            service_id,
            EndpointUrlOptions {
                explicit: explicit_endpoint,
                ignore_configured: overrides.ignore_configured_endpoint_urls,
            },
            &sources,
        )?
        .map(|url| url.value);

        let retry = resolve_retry(
            overrides
                .retry_mode
                .map(|m| Sourced::new(m, SettingSource::ClientConfig))
                .or_else(|| {
                    inner
                        .retry_mode
                        .map(|m| Sourced::new(m, SettingSource::Session))
                }),
            overrides
                .max_attempts
                .map(|n| Sourced::new(n, SettingSource::ClientConfig))
                .or_else(|| {
                    inner
                        .max_attempts
                        .map(|n| Sourced::new(n, SettingSource::Session))
                }),
            &sources,
        )?;

        let connect_timeout = timeout(
            "connect_timeout",
            overrides.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let read_timeout = timeout("read_timeout", overrides.read_timeout, DEFAULT_READ_TIMEOUT)?;

        let s3_addressing_style = resolve_s3_addressing_style(
            overrides
                .s3_addressing_style
                .as_deref()
                .map(|style| Sourced::new(style, SettingSource::ClientConfig)),
            &sources,
        )?
        .map(|style| style.value);

        Ok(ResolvedConfig {
            service_id: service_id.to_owned(),
            region,
            endpoint_url,
            credentials: inner.credentials.clone(),
            retry,
            connect_timeout,
            read_timeout,
            use_fips: resolve_use_fips(overrides.use_fips, &sources)?,
            use_dual_stack: resolve_use_dual_stack(overrides.use_dual_stack, &sources)?,
            ca_bundle: resolve_ca_bundle(overrides.ca_bundle.clone(), &sources),
            s3_addressing_style,
            profile: inner.profile.profile.clone(),
        })
    }
}

/// A timeout override, or the default; zero is rejected.
fn timeout(
    setting: &str,
    value: Option<Duration>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    match value {
        Some(duration) if duration.is_zero() => Err(ConfigError::invalid(
            setting,
            SettingSource::ClientConfig,
            "0s",
            "a timeout must be longer than zero",
        )),
        Some(duration) => Ok(duration),
        None => Ok(default),
    }
}

/// Builds a [`Session`]. Everything is optional; unset values come from the
/// environment and the shared config files.
#[derive(Default, Debug)]
pub struct SessionBuilder {
    region: Option<String>,
    profile: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    endpoint_url: Option<String>,
    max_attempts: Option<u32>,
    retry_mode: Option<RetryMode>,
    env: Option<Env>,
    shared_config: Option<SharedConfig>,
}

impl SessionBuilder {
    /// The region (wins over `AWS_REGION`, `AWS_DEFAULT_REGION` and the
    /// profile).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The profile to use (wins over `AWS_PROFILE`). It must exist. When set,
    /// the default credentials chain skips the environment's keys.
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// Fixed credentials for every client of the session.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(Arc::new(StaticProvider::new(credentials)));
        self
    }

    /// A custom credentials provider.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// An endpoint URL for every client of the session (wins over configured
    /// endpoint URLs; a client's own `endpoint_url` wins over this).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Total attempts per request, the first included (at least 1).
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts);
        self
    }

    /// The retry mode.
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.retry_mode = Some(mode);
        self
    }

    /// Uses this environment snapshot instead of the process environment
    /// (for tests). The shared files are then found through it too.
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Uses these shared config files instead of loading them.
    pub fn shared_config(mut self, shared: SharedConfig) -> Self {
        self.shared_config = Some(shared);
        self
    }

    /// Loads the shared files, picks the profile and the region, and sets up
    /// credentials. Fails on unreadable or malformed files, a requested
    /// profile that does not exist, an invalid region, endpoint URL or max
    /// attempts.
    pub fn build(self) -> Result<Session, ConfigError> {
        let env = self.env.unwrap_or_else(Env::from_process);
        let shared = match self.shared_config {
            Some(shared) => shared,
            None => SharedConfig::load(&env)?,
        };
        let profile = shared.select_profile(&env, self.profile.as_deref())?;
        let region = {
            let sources = Sources::new(&env, &shared, profile.profile.as_ref());
            let explicit = self
                .region
                .as_deref()
                .map(|region| Sourced::new(region, SettingSource::Session));
            resolve_region(explicit, &sources)?
        };
        if let Some(url) = &self.endpoint_url {
            validate_endpoint_url(url, &SettingSource::Session)?;
        }
        if self.max_attempts == Some(0) {
            return Err(ConfigError::invalid(
                "max_attempts",
                SettingSource::Session,
                "0",
                "must be at least 1 (it counts the first attempt too)",
            ));
        }
        let shared = Arc::new(shared);
        let credentials = match self.credentials {
            Some(provider) => provider,
            None => Arc::new(DefaultChain::new(
                env.clone(),
                shared.clone(),
                profile.name.clone(),
                self.profile.is_none(),
            )),
        };
        Ok(Session {
            inner: Arc::new(Inner {
                env,
                shared,
                profile,
                region,
                endpoint_url: self.endpoint_url,
                max_attempts: self.max_attempts,
                retry_mode: self.retry_mode,
                credentials,
            }),
        })
    }
}

/// Per-client overrides of session settings. All optional; set with the
/// builder-style methods:
///
/// ```
/// use std::time::Duration;
/// use myaws_core::session::ClientConfig;
///
/// let config = ClientConfig::default()
///     .region("us-west-2")
///     .endpoint_url("http://localhost:4566")
///     .read_timeout(Duration::from_secs(5));
/// assert_eq!(config.region.as_deref(), Some("us-west-2"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The region.
    pub region: Option<String>,
    /// The endpoint URL (always used when set).
    pub endpoint_url: Option<String>,
    /// Total attempts per request.
    pub max_attempts: Option<u32>,
    /// The retry mode.
    pub retry_mode: Option<RetryMode>,
    /// How long to wait for a connection (default 60 s).
    pub connect_timeout: Option<Duration>,
    /// How long to wait for data on a connection (default 60 s).
    pub read_timeout: Option<Duration>,
    /// Use FIPS endpoints.
    pub use_fips: Option<bool>,
    /// Use dual-stack (IPv6) endpoints.
    pub use_dual_stack: Option<bool>,
    /// A CA bundle file to trust instead of the system roots.
    pub ca_bundle: Option<PathBuf>,
    /// S3 addressing style: `auto`, `virtual` or `path`.
    pub s3_addressing_style: Option<String>,
    /// Ignore endpoint URLs from the environment and the shared config.
    pub ignore_configured_endpoint_urls: Option<bool>,
}

impl ClientConfig {
    /// Sets the region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the endpoint URL.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Sets the total attempts per request.
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts);
        self
    }

    /// Sets the retry mode.
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.retry_mode = Some(mode);
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the read timeout.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Turns FIPS endpoints on or off.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = Some(on);
        self
    }

    /// Turns dual-stack endpoints on or off.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = Some(on);
        self
    }

    /// Sets the CA bundle file.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Sets the S3 addressing style (`auto`, `virtual` or `path`).
    pub fn s3_addressing_style(mut self, style: impl Into<String>) -> Self {
        self.s3_addressing_style = Some(style.into());
        self
    }

    /// Ignores (or not) endpoint URLs configured in the environment and the
    /// shared config.
    pub fn ignore_configured_endpoint_urls(mut self, ignore: bool) -> Self {
        self.ignore_configured_endpoint_urls = Some(ignore);
        self
    }
}

/// Everything a client needs, resolved and validated by
/// [`Session::resolve`].
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// The service id it was resolved for.
    pub service_id: String,
    /// The region (`None` if configured nowhere; global services may not
    /// need one).
    pub region: Option<String>,
    /// A configured endpoint URL; `None` means "use endpoint resolution".
    pub endpoint_url: Option<String>,
    /// Where to get credentials.
    pub credentials: Arc<dyn ProvideCredentials>,
    /// Retry mode and attempts.
    pub retry: RetryConfig,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Read timeout.
    pub read_timeout: Duration,
    /// Use FIPS endpoints.
    pub use_fips: bool,
    /// Use dual-stack endpoints.
    pub use_dual_stack: bool,
    /// A CA bundle file to trust.
    pub ca_bundle: Option<PathBuf>,
    /// S3 addressing style (`auto`, `virtual` or `path`), if configured.
    pub s3_addressing_style: Option<String>,
    /// The active profile's settings (for service-specific keys).
    pub profile: Option<Profile>,
}
