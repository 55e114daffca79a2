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

use crate::auth::SignatureVersion;
use crate::checksum::{RequestChecksumCalculation, ResponseChecksumValidation};
use crate::compression::RequestCompression;
use crate::config::resolve::{
    check_pool_size, check_timeout, resolve_auth_scheme_preference, resolve_ca_bundle,
    resolve_disable_s3_express_session_auth, resolve_endpoint_discovery, resolve_endpoint_url,
    resolve_proxies, resolve_region, resolve_request_checksum_calculation,
    resolve_request_compression, resolve_response_checksum_validation, resolve_retry,
    resolve_s3_addressing_style, resolve_sigv4a_region_set, resolve_sts_use_global_endpoint,
    resolve_tcp_keepalive, resolve_use_dual_stack, resolve_use_fips, validate_endpoint_url,
    validate_region, EndpointUrlOptions, Sources,
};
use crate::config::{
    ActiveProfile, ConfigError, Env, Profile, RetryConfig, RetryMode, SettingSource, SharedConfig,
    Sourced,
};
use crate::credentials::{
    BlockingMfa, Credentials, CredentialsCache, CredentialsError, DefaultChain, MfaTokenProvider,
    ProvideCredentials, ProviderContext, StaticProvider,
};
use crate::discovery::EndpointDiscovery;
use crate::http::{ProxyConfig, SharedTransport, StalledStreamProtection};
use crate::retry::Clock;
use crate::time::TimeSource;
use crate::token::{ProvideToken, TokenChain};

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
    /// What the default providers (credentials and tokens) are built from.
    context: Arc<ProviderContext>,
    /// A bearer-token provider set in code.
    token: Option<Arc<dyn ProvideToken>>,
    /// Network settings set in code for every client of the session.
    network: NetworkOverrides,
}

/// Network settings set in code (on a [`SessionBuilder`] or a
/// [`ClientConfig`]); unset ones come from the other level, the
/// environment, the profile or the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetworkOverrides {
    /// How long to wait for a connection, TLS handshake and proxy tunnel
    /// included (default 60 s).
    pub connect_timeout: Option<Duration>,
    /// How long any read or write may wait for progress, and the response
    /// head may take once the request is sent (default 60 s). A flowing
    /// upload or download never hits it, however long it takes.
    pub read_timeout: Option<Duration>,
    /// Longest time for one attempt: sending, waiting and reading a
    /// buffered response (default: none).
    pub attempt_timeout: Option<Duration>,
    /// Longest time for a whole operation, retries and their delays
    /// included (default: none).
    pub operation_timeout: Option<Duration>,
    /// Stalled-stream protection (default: on, 1 byte/s over 20 s).
    pub stalled_stream_protection: Option<StalledStreamProtection>,
    /// Proxies (boto3's `proxies` and `proxies_config`; default: the
    /// environment's `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY`).
    pub proxies: Option<ProxyConfig>,
    /// Idle connections kept per host (boto3's `max_pool_connections`;
    /// default: no limit).
    pub max_pool_connections: Option<usize>,
    /// How long an idle pooled connection is kept (default 60 s).
    pub pool_idle_timeout: Option<Duration>,
    /// TCP keep-alive probes (boto3's `tcp_keepalive`; default off, or
    /// `BOTOCORE_TCP_KEEPALIVE` / the profile's `tcp_keepalive`).
    pub tcp_keepalive: Option<bool>,
    /// Another HTTP stack to send requests with.
    pub http_transport: Option<SharedTransport>,
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

    /// The credentials provider clients use: the session's provider behind
    /// its [`CredentialsCache`].
    pub fn credentials_provider(&self) -> Arc<dyn ProvideCredentials> {
        self.inner.credentials.clone()
    }

    /// A session for the clients credential providers call (STS, SSO, …):
    /// the same environment, files, profile, region and endpoint URL as
    /// `ctx`, signing with `credentials` (cached) or with none at all.
    pub(crate) fn nested(
        ctx: &ProviderContext,
        credentials: Option<Arc<dyn ProvideCredentials>>,
    ) -> Session {
        let provider: Arc<dyn ProvideCredentials> = match credentials {
            Some(provider) => Arc::new(CredentialsCache::new(provider)),
            None => Arc::new(NoCredentials),
        };
        Session {
            inner: Arc::new(Inner {
                env: ctx.env.clone(),
                shared: ctx.shared.clone(),
                profile: ctx.active_profile.clone(),
                region: ctx
                    .region
                    .clone()
                    .map(|r| Sourced::new(r, SettingSource::Session)),
                endpoint_url: ctx.endpoint_url.clone(),
                max_attempts: None,
                retry_mode: None,
                credentials: provider,
                context: Arc::new(ctx.clone()),
                token: None,
                network: NetworkOverrides::default(),
            }),
        }
    }

    /// The bearer-token provider for clients of a service signing as
    /// `signing_name`: the one set on the builder, else botocore's chain
    /// (`AWS_BEARER_TOKEN_<NAME>`, then the profile's SSO session).
    pub fn token_provider(&self, signing_name: &str) -> Arc<dyn ProvideToken> {
        match &self.inner.token {
            Some(token) => token.clone(),
            None => Arc::new(TokenChain::default_chain(
                self.inner.context.clone(),
                signing_name,
            )),
        }
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
        )?;
        let endpoint_url_from_code = endpoint_url.as_ref().is_some_and(|url| {
            matches!(
                url.source,
                SettingSource::ClientConfig | SettingSource::Session
            )
        });
        let endpoint_url = endpoint_url.map(|url| url.value);

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

        let session_net = &inner.network;
        // A client's value, else the session's, each with its source.
        fn pick<T: Clone>(client: &Option<T>, session: &Option<T>) -> Option<Sourced<T>> {
            client
                .clone()
                .map(|v| Sourced::new(v, SettingSource::ClientConfig))
                .or_else(|| {
                    session
                        .clone()
                        .map(|v| Sourced::new(v, SettingSource::Session))
                })
        }
        let connect_timeout = check_timeout(
            "connect_timeout",
            pick(
                &overrides
                    .connect_timeout
                    .or(overrides.network.connect_timeout),
                &session_net.connect_timeout,
            ),
        )?
        .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let read_timeout = check_timeout(
            "read_timeout",
            pick(
                &overrides.read_timeout.or(overrides.network.read_timeout),
                &session_net.read_timeout,
            ),
        )?
        .unwrap_or(DEFAULT_READ_TIMEOUT);
        let network = &overrides.network;
        let attempt_timeout = check_timeout(
            "attempt_timeout",
            pick(&network.attempt_timeout, &session_net.attempt_timeout),
        )?;
        let operation_timeout = check_timeout(
            "operation_timeout",
            pick(&network.operation_timeout, &session_net.operation_timeout),
        )?;
        let pool_idle_timeout = check_timeout(
            "pool_idle_timeout",
            pick(&network.pool_idle_timeout, &session_net.pool_idle_timeout),
        )?
        .unwrap_or(crate::http::DEFAULT_POOL_IDLE_TIMEOUT);
        let max_pool_connections = check_pool_size(pick(
            &network.max_pool_connections,
            &session_net.max_pool_connections,
        ))?;
        let proxies = pick(&network.proxies, &session_net.proxies);
        let proxies = resolve_proxies(
            proxies
                .as_ref()
                .map(|p| Sourced::new(&p.value, p.source.clone())),
            &sources,
        )?;
        let tcp_keepalive = resolve_tcp_keepalive(
            network.tcp_keepalive.or(session_net.tcp_keepalive),
            &sources,
        )?;
        let stalled_stream_protection = network
            .stalled_stream_protection
            .or(session_net.stalled_stream_protection)
            .unwrap_or_default();
        let http_transport = network
            .http_transport
            .clone()
            .or_else(|| session_net.http_transport.clone());

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
            attempt_timeout,
            operation_timeout,
            stalled_stream_protection,
            proxies,
            max_pool_connections,
            pool_idle_timeout,
            tcp_keepalive,
            http_transport,
            use_fips: resolve_use_fips(overrides.use_fips, &sources)?,
            use_dual_stack: resolve_use_dual_stack(overrides.use_dual_stack, &sources)?,
            ca_bundle: resolve_ca_bundle(overrides.ca_bundle.clone(), &sources),
            s3_addressing_style,
            request_checksum_calculation: resolve_request_checksum_calculation(
                overrides.request_checksum_calculation,
                &sources,
            )?,
            response_checksum_validation: resolve_response_checksum_validation(
                overrides.response_checksum_validation,
                &sources,
            )?,
            resolve_overrides: overrides.resolve_overrides.clone(),
            signature_version: overrides.signature_version,
            auth_scheme_preference: resolve_auth_scheme_preference(
                overrides.auth_scheme_preference.as_deref(),
                &sources,
            ),
            sigv4a_signing_region_set: resolve_sigv4a_region_set(
                overrides.sigv4a_signing_region_set.as_deref(),
                &sources,
            ),
            sts_use_global_endpoint: resolve_sts_use_global_endpoint(&sources)?,
            disable_s3_express_session_auth: resolve_disable_s3_express_session_auth(
                overrides.disable_s3_express_session_auth,
                &sources,
            )?,
            request_compression: resolve_request_compression(
                overrides.disable_request_compression,
                overrides.request_min_compression_size_bytes,
                &sources,
            )?,
            endpoint_discovery: resolve_endpoint_discovery(
                overrides.endpoint_discovery_enabled,
                &sources,
            )?,
            endpoint_url_from_code,
            time_source: overrides.time_source.clone().unwrap_or_default(),
            clock: overrides.clock.clone().unwrap_or_default(),
            profile: inner.profile.profile.clone(),
        })
    }
}

/// The credentials of sessions whose clients only send unsigned requests.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> crate::credentials::CredentialsFuture<'_> {
        Box::pin(async {
            Err(CredentialsError::NotFound {
                tried: vec!["none (this client only sends unsigned requests)".to_owned()],
            })
        })
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
    mfa: Option<Arc<dyn MfaTokenProvider>>,
    token: Option<Arc<dyn ProvideToken>>,
    network: NetworkOverrides,
}

impl SessionBuilder {
    /// The connect timeout (TCP, proxy tunnel and TLS handshake) of every
    /// client of the session (default 60 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.network.connect_timeout = Some(timeout);
        self
    }

    /// The read timeout of every client: how long a read or write may wait
    /// for progress (default 60 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.network.read_timeout = Some(timeout);
        self
    }

    /// The longest time one attempt may take.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.network.attempt_timeout = Some(timeout);
        self
    }

    /// The longest time a whole operation may take, retries included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.network.operation_timeout = Some(timeout);
        self
    }

    /// Stalled-stream protection for every client.
    pub fn stalled_stream_protection(mut self, protection: StalledStreamProtection) -> Self {
        self.network.stalled_stream_protection = Some(protection);
        self
    }

    /// Proxies for every client (instead of `HTTP_PROXY` / `HTTPS_PROXY`).
    pub fn proxies(mut self, proxies: ProxyConfig) -> Self {
        self.network.proxies = Some(proxies);
        self
    }

    /// Idle connections kept per host (boto3's `max_pool_connections`).
    pub fn max_pool_connections(mut self, max: usize) -> Self {
        self.network.max_pool_connections = Some(max);
        self
    }

    /// How long idle pooled connections are kept.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.network.pool_idle_timeout = Some(timeout);
        self
    }

    /// TCP keep-alive probes on or off.
    pub fn tcp_keepalive(mut self, on: bool) -> Self {
        self.network.tcp_keepalive = Some(on);
        self
    }

    /// Sends every client's requests with `transport` instead of the
    /// built-in hyper client.
    pub fn http_transport(mut self, transport: SharedTransport) -> Self {
        self.network.http_transport = Some(transport);
        self
    }

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

    /// A custom credentials provider, used instead of the default chain. The
    /// session caches what it returns like any other provider's credentials
    /// (see [`CredentialsCache`]).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Where `AssumeRole` gets the code of an MFA device for profiles with
    /// `mfa_serial`: a blocking function (it may prompt on a terminal; it runs
    /// on tokio's blocking pool) given the device's serial number.
    pub fn mfa_token<F>(mut self, f: F) -> Self
    where
        F: Fn(&str) -> Result<String, String> + Send + Sync + 'static,
    {
        self.mfa = Some(Arc::new(BlockingMfa(Arc::new(f))));
        self
    }

    /// A bearer-token provider for services authenticated with tokens
    /// (instead of `AWS_BEARER_TOKEN_<NAME>` and the profile's SSO session).
    pub fn token_provider(mut self, provider: impl ProvideToken + 'static) -> Self {
        self.token = Some(Arc::new(provider));
        self
    }

    /// Like [`mfa_token`](SessionBuilder::mfa_token), with an async provider.
    pub fn mfa_token_provider(mut self, provider: impl MfaTokenProvider + 'static) -> Self {
        self.mfa = Some(Arc::new(provider));
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
        let context = Arc::new(
            ProviderContext::new(env.clone(), shared.clone(), profile.clone())
                .with_region(region.as_ref().map(|r| r.value.clone()))
                .with_endpoint_url(self.endpoint_url.clone())
                .with_mfa(self.mfa.clone()),
        );
        let provider = match self.credentials {
            Some(provider) => provider,
            None => Arc::new(DefaultChain::new(
                context.clone(),
                profile.name.clone(),
                self.profile.is_none(),
            )),
        };
        let credentials: Arc<dyn ProvideCredentials> = Arc::new(CredentialsCache::new(provider));
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
                context,
                token: self.token,
                network: self.network,
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
    /// When to compute request checksums (default `when_supported`).
    pub request_checksum_calculation: Option<RequestChecksumCalculation>,
    /// When to validate response checksums (default `when_supported`).
    pub response_checksum_validation: Option<ResponseChecksumValidation>,
    /// Host names equal to or ending in a suffix connect to its address
    /// instead of what DNS says (tests against a local server with
    /// virtual-hosted S3 names).
    pub resolve_overrides: Vec<(String, std::net::IpAddr)>,
    /// How requests are authenticated, when set in code (boto3's
    /// `signature_version`; [`SignatureVersion::Unsigned`] sends them with no
    /// credentials at all).
    pub signature_version: Option<SignatureVersion>,
    /// Preferred auth schemes, most preferred first (`sigv4a`, `sigv4`,
    /// `httpBearerAuth`), among those the operation allows.
    pub auth_scheme_preference: Option<Vec<String>>,
    /// The regions SigV4a signatures are valid in (comma-separated, or `*`).
    pub sigv4a_signing_region_set: Option<String>,
    /// Turns S3 Express session auth off (directory buckets are then signed
    /// with the client's own credentials).
    pub disable_s3_express_session_auth: Option<bool>,
    /// The clock signatures are made with (default: the system clock).
    pub time_source: Option<TimeSource>,
    /// Turns request compression off (`disable_request_compression`).
    pub disable_request_compression: Option<bool>,
    /// Bodies shorter than this are not compressed
    /// (`request_min_compression_size_bytes`, 1 to 1048576; default 10240).
    pub request_min_compression_size_bytes: Option<u32>,
    /// Endpoint discovery: on for every operation that supports it, only
    /// for those that require it (`auto`, the default), or off.
    pub endpoint_discovery_enabled: Option<EndpointDiscovery>,
    /// The monotonic clock of adaptive retry mode's rate limiter and the
    /// endpoint discovery cache (default: the system's; tests: a manual
    /// clock, so rates and expiries are exact and nothing waits).
    pub clock: Option<Clock>,
    /// Timeouts, stalled-stream protection, proxies, pool and transport
    /// (the `connect_timeout` and `read_timeout` fields above win over the
    /// same ones here).
    pub network: NetworkOverrides,
}

impl ClientConfig {
    /// Sets the longest time one attempt may take: sending, waiting for
    /// and reading a buffered response (a streamed body is the caller's).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.network.attempt_timeout = Some(timeout);
        self
    }

    /// Sets the longest time a whole operation may take, retries and their
    /// delays included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.network.operation_timeout = Some(timeout);
        self
    }

    /// Sets stalled-stream protection.
    pub fn stalled_stream_protection(mut self, protection: StalledStreamProtection) -> Self {
        self.network.stalled_stream_protection = Some(protection);
        self
    }

    /// Sets the proxies (boto3's `proxies` and `proxies_config`).
    pub fn proxies(mut self, proxies: ProxyConfig) -> Self {
        self.network.proxies = Some(proxies);
        self
    }

    /// Sets how many idle connections are kept per host (boto3's
    /// `max_pool_connections`).
    pub fn max_pool_connections(mut self, max: usize) -> Self {
        self.network.max_pool_connections = Some(max);
        self
    }

    /// Sets how long idle pooled connections are kept.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.network.pool_idle_timeout = Some(timeout);
        self
    }

    /// Turns TCP keep-alive probes on or off.
    pub fn tcp_keepalive(mut self, on: bool) -> Self {
        self.network.tcp_keepalive = Some(on);
        self
    }

    /// Sends requests with `transport` instead of the built-in hyper client.
    pub fn http_transport(mut self, transport: SharedTransport) -> Self {
        self.network.http_transport = Some(transport);
        self
    }

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

    /// Sets when request checksums are computed.
    pub fn request_checksum_calculation(mut self, when: RequestChecksumCalculation) -> Self {
        self.request_checksum_calculation = Some(when);
        self
    }

    /// Sets when response checksums are validated.
    pub fn response_checksum_validation(mut self, when: ResponseChecksumValidation) -> Self {
        self.response_checksum_validation = Some(when);
        self
    }

    /// Sets how requests are authenticated ([`SignatureVersion::Unsigned`]:
    /// not at all).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = Some(version);
        self
    }

    /// Sets the preferred auth schemes, most preferred first.
    pub fn auth_scheme_preference<I, S>(mut self, schemes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.auth_scheme_preference = Some(schemes.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the SigV4a region set (comma-separated regions, or `*`).
    pub fn sigv4a_signing_region_set(mut self, regions: impl Into<String>) -> Self {
        self.sigv4a_signing_region_set = Some(regions.into());
        self
    }

    /// Turns S3 Express session auth off or on.
    pub fn disable_s3_express_session_auth(mut self, disable: bool) -> Self {
        self.disable_s3_express_session_auth = Some(disable);
        self
    }

    /// Signs with the time `clock` gives (tests: a fixed time for
    /// reproducible signatures).
    pub fn time_source(mut self, clock: TimeSource) -> Self {
        self.time_source = Some(clock);
        self
    }

    /// Turns request compression off (`true`) or on.
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.disable_request_compression = Some(disable);
        self
    }

    /// Sets the smallest body that is compressed, in bytes (1 to 1048576).
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.request_min_compression_size_bytes = Some(bytes);
        self
    }

    /// Sets endpoint discovery (`true`, `false` or `auto` in config files).
    pub fn endpoint_discovery_enabled(mut self, setting: EndpointDiscovery) -> Self {
        self.endpoint_discovery_enabled = Some(setting);
        self
    }

    /// Uses `clock` for adaptive mode's rate limiter and the endpoint
    /// discovery cache (tests: [`Clock::manual`]).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Connects to `ip` for host names equal to or ending in `host_suffix`
    /// (e.g. `localhost.localstack.cloud` → `127.0.0.1`).
    pub fn resolve_override(
        mut self,
        host_suffix: impl Into<String>,
        ip: std::net::IpAddr,
    ) -> Self {
        self.resolve_overrides.push((host_suffix.into(), ip));
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
    /// Attempt timeout, if any.
    pub attempt_timeout: Option<Duration>,
    /// Operation timeout, if any.
    pub operation_timeout: Option<Duration>,
    /// Stalled-stream protection.
    pub stalled_stream_protection: StalledStreamProtection,
    /// Proxies, if any (checked).
    pub proxies: Option<ProxyConfig>,
    /// Idle connections kept per host (`None`: no limit).
    pub max_pool_connections: Option<usize>,
    /// How long idle pooled connections are kept.
    pub pool_idle_timeout: Duration,
    /// TCP keep-alive probes.
    pub tcp_keepalive: bool,
    /// Another HTTP stack, if set.
    pub http_transport: Option<SharedTransport>,
    /// Use FIPS endpoints.
    pub use_fips: bool,
    /// Use dual-stack endpoints.
    pub use_dual_stack: bool,
    /// A CA bundle file to trust instead of the system roots.
    pub ca_bundle: Option<PathBuf>,
    /// S3 addressing style (`auto`, `virtual` or `path`), if configured.
    pub s3_addressing_style: Option<String>,
    /// When to compute request checksums.
    pub request_checksum_calculation: RequestChecksumCalculation,
    /// When to validate response checksums.
    pub response_checksum_validation: ResponseChecksumValidation,
    /// Host suffix → address overrides for the HTTP client.
    pub resolve_overrides: Vec<(String, std::net::IpAddr)>,
    /// The signature version set in code, if any.
    pub signature_version: Option<SignatureVersion>,
    /// Preferred auth schemes, most preferred first (empty: model order).
    pub auth_scheme_preference: Vec<String>,
    /// The SigV4a region set, if configured.
    pub sigv4a_signing_region_set: Option<String>,
    /// STS clients use the global endpoint (`sts_regional_endpoints =
    /// legacy`).
    pub sts_use_global_endpoint: bool,
    /// S3 Express session auth turned off (`None`: the rules' default).
    pub disable_s3_express_session_auth: Option<bool>,
    /// Request compression settings.
    pub request_compression: RequestCompression,
    /// The `endpoint_discovery_enabled` setting.
    pub endpoint_discovery: EndpointDiscovery,
    /// The endpoint URL was set in code (on the client or the session), not
    /// configured: endpoint discovery then stays off, as in botocore.
    pub endpoint_url_from_code: bool,
    /// The clock signatures are made with.
    pub time_source: TimeSource,
    /// The monotonic clock of the rate limiter and discovery cache.
    pub clock: Clock,
    /// The active profile's settings (for service-specific keys).
    pub profile: Option<Profile>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::resolve::endpoint_env_var;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    fn session(config: &str, credentials: &str, env_pairs: &[(&str, &str)]) -> SessionBuilder {
        Session::builder()
            .env(env(env_pairs))
            .shared_config(SharedConfig::parse(config, credentials).unwrap())
    }

    #[test]
    fn session_is_cheap_to_clone_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Session>();
        assert_send_sync::<ResolvedConfig>();
        let s = session("", "", &[]).build().unwrap();
        let c = s.clone();
        assert!(Arc::ptr_eq(&s.inner, &c.inner));
    }

    #[test]
    fn builder_values_win_and_accessors_report_them() {
        let s = session(
            "[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-north-1\n",
            "[ci]\naws_access_key_id = A\naws_secret_access_key = S\n",
            &[("AWS_REGION", "us-west-2")],
        )
        .profile("dev")
        .region("ap-south-1")
        .build()
        .unwrap();
        assert_eq!(s.region(), Some("ap-south-1"));
        assert_eq!(s.region_source(), Some(&SettingSource::Session));
        assert_eq!(s.profile_name(), "dev");
        assert_eq!(s.available_profiles(), ["ci", "default", "dev"]);
        assert_eq!(s.profile().unwrap().get("region"), Some("eu-north-1"));
    }

    #[test]
    fn region_from_env_then_profile() {
        let cfg = "[default]\nregion = eu-west-1\n[profile dev]\nregion = eu-north-1\n";
        let s = session(cfg, "", &[("AWS_DEFAULT_REGION", "us-east-2")])
            .build()
            .unwrap();
        assert_eq!(s.region(), Some("us-east-2"));
        let s = session(cfg, "", &[("AWS_PROFILE", "dev")]).build().unwrap();
        assert_eq!((s.region(), s.profile_name()), (Some("eu-north-1"), "dev"));
        let s = session("", "", &[]).build().unwrap();
        assert_eq!(s.region(), None);
    }

    #[test]
    fn build_errors_are_clear() {
        let err = session("", "", &[])
            .region("us-east-1/evil")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("session builder"), "{err}");
        let err = session("", "", &[]).profile("missing").build().unwrap_err();
        assert!(matches!(err, ConfigError::ProfileNotFound { .. }), "{err}");
        let err = session("", "", &[])
            .endpoint_url("localhost:4566")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("endpoint_url"), "{err}");
        assert!(session("", "", &[]).max_attempts(0).build().is_err());
        let err = session("", "", &[("AWS_REGION", "bad region")])
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("AWS_REGION"), "{err}");
    }

    #[test]
    fn builder_reads_files_through_its_env() {
        let dir = crate::config::test_support::TempDir::new();
        dir.write(".aws/config", "[profile p]\nregion = ca-central-1\n");
        let home = dir.path().to_str().unwrap();
        let s = Session::builder()
            .env(env(&[("HOME", home), ("AWS_PROFILE", "p")]))
            .build()
            .unwrap();
        assert_eq!(s.region(), Some("ca-central-1"));
        dir.write(".aws/config", "oops\n");
        let err = Session::builder()
            .env(env(&[("HOME", home)]))
            .build()
            .unwrap_err();
        assert!(matches!(err, ConfigError::Parse { .. }), "{err}");
    }

    #[test]
    fn resolve_defaults() {
        let s = session("", "", &[]).region("us-east-1").build().unwrap();
        let r = s.resolve("SQS", &ClientConfig::default()).unwrap();
        assert_eq!(r.service_id, "SQS");
        assert_eq!(r.region.as_deref(), Some("us-east-1"));
        assert_eq!(r.endpoint_url, None);
        assert_eq!(
            r.retry,
            RetryConfig {
                mode: RetryMode::Standard,
                max_attempts: None
            }
        );
        assert_eq!(
            (r.connect_timeout, r.read_timeout),
            (Duration::from_secs(60), Duration::from_secs(60))
        );
        assert!(!r.use_fips && !r.use_dual_stack);
        assert_eq!(
            (r.ca_bundle, r.s3_addressing_style, r.profile),
            (None, None, None)
        );
    }

    #[test]
    fn resolve_precedence_client_over_session_over_config() {
        let cfg = "[default]\nregion = eu-west-1\nmax_attempts = 7\nretry_mode = legacy\n\
                   use_fips_endpoint = true\nca_bundle = /cfg/ca.pem\ns3 =\n  addressing_style = path\n";
        let s = session(cfg, "", &[("AWS_USE_DUALSTACK_ENDPOINT", "true")])
            .max_attempts(4)
            .endpoint_url("http://localhost:1")
            .build()
            .unwrap();

        let r = s.resolve("S3", &ClientConfig::default()).unwrap();
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            r.retry,
            RetryConfig {
                mode: RetryMode::Legacy,
                max_attempts: Some(4)
            }
        );
        assert_eq!(r.endpoint_url.as_deref(), Some("http://localhost:1"));
        assert!(r.use_fips && r.use_dual_stack);
        assert_eq!(r.ca_bundle, Some(PathBuf::from("/cfg/ca.pem")));
        assert_eq!(r.s3_addressing_style.as_deref(), Some("path"));
        assert_eq!(r.profile.as_ref().map(Profile::name), Some("default"));

        let overrides = ClientConfig::default()
            .region("us-west-2")
            .endpoint_url("https://override.example")
            .max_attempts(9)
            .retry_mode(RetryMode::Adaptive)
            .connect_timeout(Duration::from_secs(2))
            .read_timeout(Duration::from_millis(1500))
            .use_fips(false)
            .use_dual_stack(false)
            .ca_bundle("/client/ca.pem")
            .s3_addressing_style("virtual");
        let r = s.resolve("S3", &overrides).unwrap();
        assert_eq!(r.region.as_deref(), Some("us-west-2"));
        assert_eq!(r.endpoint_url.as_deref(), Some("https://override.example"));
        assert_eq!(
            r.retry,
            RetryConfig {
                mode: RetryMode::Adaptive,
                max_attempts: Some(9)
            }
        );
        assert_eq!(
            (r.connect_timeout, r.read_timeout),
            (Duration::from_secs(2), Duration::from_millis(1500))
        );
        assert!(!r.use_fips && !r.use_dual_stack);
        assert_eq!(r.ca_bundle, Some(PathBuf::from("/client/ca.pem")));
        assert_eq!(r.s3_addressing_style.as_deref(), Some("virtual"));
    }

    #[test]
    fn resolve_validates_overrides() {
        let s = session("", "", &[]).build().unwrap();
        for (overrides, needle) in [
            (
                ClientConfig::default().region("us-east-1/evil"),
                "client configuration",
            ),
            (ClientConfig::default().region(""), "region"),
            (
                ClientConfig::default().endpoint_url("ftp://x"),
                "endpoint_url",
            ),
            (
                ClientConfig::default().endpoint_url("https://"),
                "endpoint_url",
            ),
            (ClientConfig::default().max_attempts(0), "max_attempts"),
            (
                ClientConfig::default().read_timeout(Duration::ZERO),
                "read_timeout",
            ),
            (
                ClientConfig::default().s3_addressing_style("sideways"),
                "addressing_style",
            ),
        ] {
            let err = s.resolve("S3", &overrides).unwrap_err();
            assert!(err.to_string().contains(needle), "{needle}: {err}");
        }
        let s = session("", "", &[("AWS_RETRY_MODE", "turbo")])
            .build()
            .unwrap();
        let err = s.resolve("S3", &ClientConfig::default()).unwrap_err();
        assert!(err.to_string().contains("AWS_RETRY_MODE"), "{err}");
        // An explicit mode makes the bad environment value irrelevant.
        assert!(s
            .resolve("S3", &ClientConfig::default().retry_mode(RetryMode::Legacy))
            .is_ok());
    }

    #[test]
    fn network_settings_client_over_session_over_environment() {
        let s = session(
            "[default]\ntcp_keepalive = true\n",
            "",
            &[("HTTPS_PROXY", "http://env-proxy:3128")],
        )
        .read_timeout(Duration::from_secs(7))
        .operation_timeout(Duration::from_secs(30))
        .max_pool_connections(4)
        .build()
        .unwrap();
        let r = s.resolve("S3", &ClientConfig::default()).unwrap();
        assert_eq!(r.read_timeout, Duration::from_secs(7));
        assert_eq!(r.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(r.operation_timeout, Some(Duration::from_secs(30)));
        assert_eq!(r.attempt_timeout, None);
        assert_eq!(r.max_pool_connections, Some(4));
        assert!(r.tcp_keepalive);
        assert_eq!(
            r.proxies.as_ref().and_then(|p| p.https.as_deref()),
            Some("http://env-proxy:3128")
        );
        assert_eq!(
            r.stalled_stream_protection,
            StalledStreamProtection::default()
        );

        let overrides = ClientConfig::default()
            .read_timeout(Duration::from_secs(2))
            .attempt_timeout(Duration::from_secs(5))
            .tcp_keepalive(false)
            .proxies(ProxyConfig::default().http("http://code:1"))
            .stalled_stream_protection(StalledStreamProtection::disabled());
        let r = s.resolve("S3", &overrides).unwrap();
        assert_eq!(r.read_timeout, Duration::from_secs(2));
        assert_eq!(r.attempt_timeout, Some(Duration::from_secs(5)));
        assert!(!r.tcp_keepalive);
        assert_eq!(
            r.proxies
                .as_ref()
                .map(|p| (p.http.as_deref(), p.https.as_deref())),
            Some((Some("http://code:1"), None))
        );
        assert!(!r.stalled_stream_protection.download);

        for (overrides, needle) in [
            (
                ClientConfig::default().attempt_timeout(Duration::ZERO),
                "attempt_timeout",
            ),
            (
                ClientConfig::default().max_pool_connections(0),
                "max_pool_connections",
            ),
            (
                ClientConfig::default().proxies(ProxyConfig::default().https("ftp://x:s3cret@h")),
                "proxies",
            ),
        ] {
            let err = s.resolve("S3", &overrides).unwrap_err().to_string();
            assert!(
                err.contains(needle) && !err.contains("s3cret"),
                "{needle}: {err}"
            );
        }
    }

    #[test]
    fn credentials_come_from_builder_or_default_chain() {
        let block_on = |s: &Session| {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(s.credentials())
        };
        let creds = Credentials::new("AKID", "SECRET", None, None);
        let s = session(
            "",
            "",
            &[("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "E")],
        )
        .credentials(creds.clone())
        .build()
        .unwrap();
        assert_eq!(block_on(&s).unwrap(), creds);

        let files = "[p]\naws_access_key_id = FILE\naws_secret_access_key = F\n";
        let env_keys = [
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "E"),
            ("AWS_PROFILE", "p"),
        ];
        // Profile from the environment: environment keys still win.
        let s = session("", files, &env_keys).build().unwrap();
        assert_eq!(block_on(&s).unwrap().access_key_id(), "ENV");
        // Profile set in code: the environment's keys are skipped.
        let s = session("", files, &env_keys).profile("p").build().unwrap();
        assert_eq!(block_on(&s).unwrap().access_key_id(), "FILE");

        // Instance metadata off: this runtime has no timers, and a unit
        // test must not reach for 169.254.169.254.
        let s = session("", "", &[("AWS_EC2_METADATA_DISABLED", "true")])
            .build()
            .unwrap();
        let err = block_on(&s).unwrap_err();
        assert!(err.is_not_found(), "{err}");

        #[derive(Debug)]
        struct Fixed;
        impl ProvideCredentials for Fixed {
            fn provide_credentials(&self) -> crate::credentials::CredentialsFuture<'_> {
                Box::pin(async { Ok(Credentials::new("CUSTOM", "C", None, None)) })
            }
        }
        let s = session("", "", &[])
            .credentials_provider(Fixed)
            .build()
            .unwrap();
        assert_eq!(block_on(&s).unwrap().access_key_id(), "CUSTOM");
        let resolved = s.resolve("SQS", &ClientConfig::default()).unwrap();
        assert!(Arc::ptr_eq(
            &resolved.credentials,
            &s.credentials_provider()
        ));
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let s = session(
            "[default]\naws_secret_access_key = cfg-s3cr3t\n",
            "",
            &[
                ("AWS_SECRET_ACCESS_KEY", "env-s3cr3t"),
                ("AWS_ACCESS_KEY_ID", "AKID"),
            ],
        )
        .credentials(Credentials::new(
            "AKID",
            "builder-s3cr3t",
            Some("tok3n".into()),
            None,
        ))
        .build()
        .unwrap();
        let resolved = s.resolve("S3", &ClientConfig::default()).unwrap();
        for shown in [format!("{s:?}"), format!("{resolved:?}"), format!("{s:#?}")] {
            for secret in ["cfg-s3cr3t", "env-s3cr3t", "builder-s3cr3t", "tok3n"] {
                assert!(!shown.contains(secret), "{secret} leaked: {shown}");
            }
        }
    }

    /// Every case of tests/vectors/configured-endpoint-urls/profile-tests.json.
    #[test]
    fn configured_endpoint_url_vectors() {
        use serde_json::Value as Json;
        let path = crate::config::test_support::vectors_dir()
            .join("configured-endpoint-urls/profile-tests.json");
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let suite = &doc["testSuites"][0];

        // One config file holding every profile and services section.
        let mut config = String::new();
        let write_section = |config: &mut String, header: String, body: &Json| {
            config.push_str(&format!("[{header}]\n"));
            for (key, value) in body.as_object().unwrap() {
                match value {
                    Json::Object(nested) => {
                        config.push_str(&format!("{key} =\n"));
                        for (k, v) in nested {
                            config.push_str(&format!("  {k} = {}\n", v.as_str().unwrap()));
                        }
                    }
                    other => config.push_str(&format!("{key} = {}\n", other.as_str().unwrap())),
                }
            }
        };
        for (name, body) in suite["profiles"].as_object().unwrap() {
            write_section(&mut config, format!("profile {name}"), body);
        }
        for (name, body) in suite["services"].as_object().unwrap() {
            write_section(&mut config, format!("services {name}"), body);
        }
        let shared = SharedConfig::parse(&config, "").unwrap();

        let cases = suite["endpointUrlTests"].as_array().unwrap();
        assert_eq!(cases.len(), 39);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let env_pairs: Vec<(String, String)> = suite["environments"]
                [case["environment"].as_str().unwrap()]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
            let client = &suite["client_configs"][case["client_config"].as_str().unwrap()];
            let mut overrides = ClientConfig::default();
            if let Some(url) = client["endpoint_url"].as_str() {
                overrides = overrides.endpoint_url(url);
            }
            if let Some(flag) = client["ignore_configured_endpoint_urls"].as_bool() {
                overrides = overrides.ignore_configured_endpoint_urls(flag);
            }
            let service_id = match case["service"].as_str().unwrap() {
                "s3" => "S3",
                "dynamodb" => "DynamoDB",
                other => panic!("unexpected service {other}"),
            };
            let session = Session::builder()
                .env(Env::from_pairs(env_pairs))
                .shared_config(shared.clone())
                .profile(case["profile"].as_str().unwrap())
                .build()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let resolved = session
                .resolve(service_id, &overrides)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let expected = case["output"]["endpointUrl"].as_str().unwrap();
            if expected.ends_with(".amazonaws.com") {
                // The default endpoint: no configured URL may be used.
                assert_eq!(resolved.endpoint_url, None, "{name}");
                assert_eq!(resolved.region.as_deref(), Some("fake-region-10"), "{name}");
            } else {
                assert_eq!(resolved.endpoint_url.as_deref(), Some(expected), "{name}");
            }
        }
        assert_eq!(endpoint_env_var("DynamoDB"), "AWS_ENDPOINT_URL_DYNAMODB");
    }
}
