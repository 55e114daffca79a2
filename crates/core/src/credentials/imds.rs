//! [`ImdsProvider`]: the credentials of the EC2 instance profile, from the
//! instance metadata service (IMDS), as botocore 1.43.67's
//! `InstanceMetadataProvider` with its `InstanceMetadataFetcher`
//! (`botocore/credentials.py`, `botocore/utils.py`).
//!
//! Ported from botocore:
//!
//! * **Configuration** (`create_credential_resolver`,
//!   `resolve_imds_endpoint_mode`, `IMDSFetcher._select_base_url`), each
//!   setting from its environment variable, else from the active profile:
//!
//!   | profile key | environment variable | default |
//!   |---|---|---|
//!   | `metadata_service_timeout` | `AWS_METADATA_SERVICE_TIMEOUT` | 1 s (connect and read) |
//!   | `metadata_service_num_attempts` | `AWS_METADATA_SERVICE_NUM_ATTEMPTS` | 1 |
//!   | `ec2_metadata_service_endpoint` | `AWS_EC2_METADATA_SERVICE_ENDPOINT` | — |
//!   | `ec2_metadata_service_endpoint_mode` | `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` | `ipv4` |
//!   | `imds_use_ipv6` | `AWS_IMDS_USE_IPV6` | `false` |
//!   | `ec2_metadata_v1_disabled` | `AWS_EC2_METADATA_V1_DISABLED` | `false` |
//!
//!   The base URL is the explicit endpoint, else `http://[fd00:ec2::254]/` in
//!   IPv6 mode, else `http://169.254.169.254/`. `AWS_EC2_METADATA_DISABLED=true`
//!   turns the provider off.
//! * **IMDSv2 with botocore's v1 fallback** (`_fetch_metadata_token`): a
//!   `PUT /latest/api/token` answered 403, 404 or 405, timing out, or failing
//!   every attempt means "no token" and IMDSv1 requests (an error when
//!   `ec2_metadata_v1_disabled` is set); 400 is an error.
//! * **Retries and response checks** (`_get_request`): the role name and the
//!   credentials are each tried up to `metadata_service_num_attempts` times;
//!   transport errors, non-200 statuses, empty bodies and (for the
//!   credentials) invalid JSON use up an attempt. A JSON answer without the
//!   credential fields (`Code`/`Message`) is an error. As in botocore, the
//!   `AccountId` IMDS may send is not read.
//! * **`_evaluate_expiration`**: credentials that expire within 15 minutes
//!   plus 2–10 minutes of jitter are given that much more time, so that an
//!   IMDS handing out near-expired credentials is not asked on every call.
//!
//! Beyond botocore:
//!
//! * **Token reuse.** botocore asks for a token on every refresh; this
//!   provider keeps it until a minute before its TTL (6 hours, or less if
//!   IMDS says so) ends, and asks for a new one at once if IMDS rejects it
//!   (401).
//! * **Static stability.** The provider remembers the last credentials it
//!   got. When a later fetch fails (an IMDS outage) it returns them with the
//!   expiry moved to 5–10 minutes from now, logs a warning, and does not ask
//!   IMDS again for [`RETRY_AFTER_FAILURE`], so calls keep working, and stay
//!   fast, through the outage.
//! * **Bounds.** Every response body is capped at 64 KiB, every exchange
//!   must finish within twice the timeout (connect plus read, so a server
//!   trickling bytes cannot hold a fetch), and every loop is bounded by the
//!   attempt count (at most 20). The role name IMDS returns must look like
//!   an IAM role name before it goes into the next URL. Nothing blocks the async runtime: the HTTP client (whose
//!   TLS setup may read the system's certificates) is built on tokio's
//!   blocking pool.
//! * No HTTP proxy is used (botocore honours `HTTP_PROXY` unless `NO_PROXY`
//!   covers the address; myaws's HTTP client has no proxy support).

use std::fmt;
use std::net::Ipv6Addr;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH, USER_AGENT};
use http::{Method, Request, StatusCode};
use serde_json::Value as Json;
use tokio::sync::OnceCell;

use super::{
    Credentials, CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext,
    ADVISORY_REFRESH, RETRY_AFTER_FAILURE,
};
use crate::body::SdkBody;
use crate::client::USER_AGENT_VALUE;
use crate::config::resolve::{parse_bool, Sources};
use crate::config::Sourced;
use crate::error::{DispatchError, DispatchErrorKind};
use crate::http::{BufferedResponse, HttpClient, HttpSettings};
use crate::time::DateTime;

/// botocore's `METADATA_BASE_URL`.
const IPV4_BASE_URL: &str = "http://169.254.169.254/";
/// botocore's `METADATA_BASE_URL_IPv6`.
const IPV6_BASE_URL: &str = "http://[fd00:ec2::254]/";
/// botocore's `DEFAULT_METADATA_SERVICE_TIMEOUT`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
/// The longest timeout accepted (botocore has no limit; an hour is already
/// far beyond any use).
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// botocore's default `metadata_service_num_attempts`.
const DEFAULT_ATTEMPTS: u32 = 1;
/// The most attempts accepted (botocore has no limit), so that a fetch
/// always ends in reasonable time.
const MAX_ATTEMPTS: u32 = 20;

/// botocore's `IMDSFetcher._TOKEN_PATH`.
const TOKEN_PATH: &str = "latest/api/token";
/// botocore's `IMDSFetcher._TOKEN_TTL`, in seconds.
const TOKEN_TTL_SECS: i64 = 21_600;
/// The header that asks for (and, in the answer, states) a token's TTL.
const TOKEN_TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The header that carries the token on metadata requests.
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// A cached token is replaced this long before its TTL ends.
const TOKEN_RENEWAL_MARGIN_SECS: i64 = 60;

/// botocore's `InstanceMetadataFetcher._URL_PATH`.
const CREDENTIALS_PATH: &str = "latest/meta-data/iam/security-credentials/";
/// botocore's `_REQUIRED_CREDENTIAL_FIELDS`.
const REQUIRED_FIELDS: [&str; 4] = ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"];
/// IAM role names are at most 64 characters; anything much longer is not
/// a role name.
const MAX_ROLE_NAME_LEN: usize = 128;

/// The largest metadata response body read (IMDS and container answers are
/// a few hundred bytes).
pub(super) const MAX_METADATA_BODY: usize = 64 * 1024;

/// `_evaluate_expiration`'s jitter on top of the refresh window, in seconds.
const EXPIRY_EXTENSION_JITTER_SECS: RangeInclusive<i64> = 120..=600;
/// How far into the future the last credentials' expiry is moved when IMDS
/// cannot be reached, in seconds.
const OUTAGE_EXTENSION_SECS: RangeInclusive<i64> = 300..=600;

/// Credentials of the instance profile, from the instance metadata service
/// (IMDSv2, with botocore's fallback to IMDSv1).
///
/// `Debug` shows the endpoint and settings, never the token or credentials.
pub struct ImdsProvider {
    ctx: Arc<ProviderContext>,
    settings: ImdsSettings,
    http: OnceCell<HttpClient>,
    state: Mutex<State>,
}

impl fmt::Debug for ImdsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ImdsProvider")
            .field("base_url", &self.settings.base_url)
            .field("timeout", &self.settings.timeout)
            .field("attempts", &self.settings.attempts)
            .field("v1_disabled", &self.settings.v1_disabled)
            .field("has_token", &state.token.is_some())
            .field("has_last_credentials", &state.last.is_some())
            .finish()
    }
}

/// How to reach IMDS, resolved once from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImdsSettings {
    base_url: String,
    timeout: Duration,
    attempts: u32,
    v1_disabled: bool,
}

/// What the provider remembers between fetches.
#[derive(Default)]
struct State {
    token: Option<Token>,
    /// The last credentials returned (for static stability).
    last: Option<Credentials>,
    /// Set while riding out an outage: IMDS is not asked again before then.
    quiet_until: Option<DateTime>,
}

/// An IMDSv2 session token.
#[derive(Clone)]
struct Token {
    /// Marked sensitive, so `http`'s own `Debug` hides it too.
    value: HeaderValue,
    /// When to stop using it and ask for a new one.
    renew_at: DateTime,
    /// Whether it was cached from an earlier fetch (and so may have been
    /// invalidated since).
    reused: bool,
}

/// Why fetching with a given token failed.
enum Failure {
    /// IMDS answered 401 to a request carrying the token.
    TokenRejected,
    /// Anything else.
    Error(CredentialsError),
}

impl From<CredentialsError> for Failure {
    fn from(error: CredentialsError) -> Self {
        Failure::Error(error)
    }
}

impl Failure {
    fn into_error(self) -> CredentialsError {
        match self {
            Failure::TokenRejected => CredentialsError::provider(
                ImdsProvider::NAME,
                "IMDS rejected the session token (401 Unauthorized)",
            ),
            Failure::Error(error) => error,
        }
    }
}

/// Whether the IMDS endpoint is the IPv4 or the IPv6 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EndpointMode {
    Ipv4,
    Ipv6,
}

impl ImdsProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "iam-role";

    /// The provider, configured from the environment and the active
    /// profile; `None` when `AWS_EC2_METADATA_DISABLED` is `true`.
    ///
    /// A malformed setting (timeout, attempt count, endpoint, endpoint mode,
    /// boolean flag) is a [`CredentialsError::Invalid`] naming the setting
    /// and where it came from.
    pub fn from_context(ctx: Arc<ProviderContext>) -> Result<Option<Self>, CredentialsError> {
        if is_disabled(&ctx) {
            return Ok(None);
        }
        let sources = Sources::new(ctx.env(), ctx.shared(), ctx.active_profile.profile.as_ref());
        let settings = ImdsSettings::resolve(&sources)?;
        Ok(Some(ImdsProvider {
            ctx,
            settings,
            http: OnceCell::new(),
            state: Mutex::new(State::default()),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// New credentials from IMDS; through an outage, the last ones.
    async fn provide(&self) -> Result<Credentials, CredentialsError> {
        if let Some(credentials) = self.riding_out_outage(self.ctx.now()) {
            return Ok(credentials);
        }
        match self.fetch().await {
            Ok(credentials) => {
                self.remember(&credentials);
                Ok(credentials)
            }
            Err(error) => self.reuse_last_credentials(error),
        }
    }

    /// The extended credentials of an ongoing outage, while IMDS is left
    /// alone.
    fn riding_out_outage(&self, now: DateTime) -> Option<Credentials> {
        let state = self.lock();
        let quiet = state.quiet_until.is_some_and(|until| now < until);
        state
            .last
            .as_ref()
            .filter(|credentials| quiet && !credentials.is_expired_at(now))
            .cloned()
    }

    fn remember(&self, credentials: &Credentials) {
        let mut state = self.lock();
        state.last = Some(credentials.clone());
        state.quiet_until = None;
    }

    /// Static stability: after a failed fetch, the last credentials with
    /// their expiry moved 5–10 minutes ahead; without any, the error.
    fn reuse_last_credentials(
        &self,
        error: CredentialsError,
    ) -> Result<Credentials, CredentialsError> {
        let now = self.ctx.now();
        let mut state = self.lock();
        let Some(last) = state.last.clone() else {
            return Err(error);
        };
        let expiry = seconds_after(now, fastrand::i64(OUTAGE_EXTENSION_SECS));
        let extended = last.with_expiry(Some(expiry));
        state.last = Some(extended.clone());
        state.quiet_until = Some(seconds_after(now, RETRY_AFTER_FAILURE.as_secs() as i64));
        drop(state);
        tracing::warn!(
            %error,
            expires_at = %expiry,
            "fetching credentials from instance metadata failed; reusing the last credentials \
             it returned until it is reachable again"
        );
        Ok(extended)
    }

    /// One fetch: token, role name, credentials (again with a new token if
    /// IMDS rejects a cached one).
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let client = metadata_client(&self.http, self.settings.timeout)
            .await
            .map_err(|e| {
                CredentialsError::provider(Self::NAME, format!("cannot create an HTTP client: {e}"))
            })?;
        let token = self.token(client).await?;
        match self.fetch_with(client, token.as_ref()).await {
            Err(Failure::TokenRejected) if token.as_ref().is_some_and(|t| t.reused) => {
                tracing::debug!("IMDS rejected the cached session token; asking for a new one");
                let token = self.token(client).await?;
                self.fetch_with(client, token.as_ref())
                    .await
                    .map_err(Failure::into_error)
            }
            result => result.map_err(Failure::into_error),
        }
    }

    /// The role name, then its credentials, sent with `token` (IMDSv1
    /// without).
    async fn fetch_with(
        &self,
        client: &HttpClient,
        token: Option<&Token>,
    ) -> Result<Credentials, Failure> {
        let role = self
            .get(
                client,
                CREDENTIALS_PATH,
                token,
                "the role name",
                accept_role_name,
            )
            .await?;
        check_role_name(&role)?;
        let path = format!("{CREDENTIALS_PATH}{role}");
        let what = "the role's credentials";
        let document = self.get(client, &path, token, what, accept_json).await?;
        let credentials = credentials_from_document(&document, &role)?;
        tracing::info!(role = %role, "found credentials from the instance profile's IAM role");
        Ok(extend_if_near_expiry(credentials, self.ctx.now()))
    }

    /// A token to use: the cached one while it is fresh, else a new one;
    /// `None` for IMDSv1.
    async fn token(&self, client: &HttpClient) -> Result<Option<Token>, CredentialsError> {
        if let Some(token) = self.cached_token(self.ctx.now()) {
            return Ok(Some(token));
        }
        match self.request_token(client).await? {
            Some(token) => {
                self.lock().token = Some(token.clone());
                Ok(Some(token))
            }
            None if self.settings.v1_disabled => Err(CredentialsError::provider(
                Self::NAME,
                "IMDSv2 token unavailable and IMDSv1 disabled (ec2_metadata_v1_disabled)",
            )),
            None => {
                tracing::debug!("no IMDSv2 token; falling back to IMDSv1");
                Ok(None)
            }
        }
    }

    fn cached_token(&self, now: DateTime) -> Option<Token> {
        let state = self.lock();
        let token = state.token.as_ref().filter(|t| now < t.renew_at)?;
        Some(Token {
            reused: true,
            ..token.clone()
        })
    }

    fn forget_token(&self) {
        self.lock().token = None;
    }

    /// botocore's `_fetch_metadata_token`: a token, or `None` when IMDS
    /// offers none (403/404/405), the request times out, or every attempt
    /// fails; 400 is an error.
    async fn request_token(&self, client: &HttpClient) -> Result<Option<Token>, CredentialsError> {
        let url = self.url(TOKEN_PATH);
        for attempt in 1..=self.settings.attempts {
            let requested_at = self.ctx.now();
            let request = self.request(Method::PUT, &url, token_ttl_header())?;
            match exchange(client, request, self.settings.timeout).await {
                Ok(response) => match response.head.status.as_u16() {
                    200 => return token_from(&response, requested_at).map(Some),
                    // 403, 404 and 405: IMDS offers no token here.
                    403..=405 => return Ok(None),
                    400 => {
                        return Err(CredentialsError::provider(
                            Self::NAME,
                            format!("IMDS rejected the token request to {url} (400 Bad Request)"),
                        ))
                    }
                    status => tracing::debug!(attempt, status, "IMDS token request failed"),
                },
                Err(e) if e.kind == DispatchErrorKind::Timeout => {
                    tracing::debug!(error = %e, "IMDS token request timed out");
                    return Ok(None);
                }
                Err(e) => tracing::debug!(attempt, error = %e, "IMDS token request failed"),
            }
        }
        Ok(None)
    }

    /// botocore's `_get_request`: up to `attempts` GETs of `path` until
    /// `accept` takes a response. Transport errors and rejected responses
    /// use up an attempt; a 401 to a request with a token ends at once.
    async fn get<T>(
        &self,
        client: &HttpClient,
        path: &str,
        token: Option<&Token>,
        what: &str,
        accept: impl Fn(&BufferedResponse) -> Result<T, String>,
    ) -> Result<T, Failure> {
        let url = self.url(path);
        let mut headers = HeaderMap::new();
        if let Some(token) = token {
            headers.insert(HeaderName::from_static(TOKEN_HEADER), token.value.clone());
        }
        let mut problem = String::new();
        let mut cause = None;
        for attempt in 1..=self.settings.attempts {
            let request = self.request(Method::GET, &url, headers.clone())?;
            problem = match exchange(client, request, self.settings.timeout).await {
                Ok(response)
                    if response.head.status == StatusCode::UNAUTHORIZED && token.is_some() =>
                {
                    self.forget_token();
                    return Err(Failure::TokenRejected);
                }
                Ok(response) => match accept(&response) {
                    Ok(value) => return Ok(value),
                    Err(problem) => {
                        cause = None;
                        problem
                    }
                },
                Err(e) => {
                    let text = e.to_string();
                    cause = Some(e);
                    text
                }
            };
            tracing::debug!(attempt, %url, %problem, "IMDS request failed");
        }
        let attempts = self.settings.attempts;
        let message = format!("could not get {what} from {url} ({attempts} attempt(s)): {problem}");
        Err(Failure::Error(match cause {
            // The last transport error stays reachable through `source()`.
            Some(source) => CredentialsError::provider_with_source(Self::NAME, message, source),
            None => CredentialsError::provider(Self::NAME, message),
        }))
    }

    /// botocore's `_construct_url`: the base URL, a `/` if it lacks one,
    /// then `path`.
    fn url(&self, path: &str) -> String {
        let base = &self.settings.base_url;
        let separator = if base.ends_with('/') { "" } else { "/" };
        format!("{base}{separator}{path}")
    }

    fn request(
        &self,
        method: Method,
        url: &str,
        headers: HeaderMap,
    ) -> Result<Request<SdkBody>, CredentialsError> {
        metadata_request(method, url, headers).map_err(|e| {
            CredentialsError::provider(Self::NAME, format!("cannot build a request to {url}: {e}"))
        })
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.provide())
    }
}

/// Whether `AWS_EC2_METADATA_DISABLED` is `true` (any case), as botocore.
fn is_disabled(ctx: &ProviderContext) -> bool {
    ctx.env()
        .get("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

impl ImdsSettings {
    /// Reads every setting, environment first, as botocore's config chain.
    fn resolve(sources: &Sources<'_>) -> Result<Self, CredentialsError> {
        let timeout = sources
            .env_or_profile("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout")
            .map(|raw| parse_timeout(&raw))
            .transpose()?
            .unwrap_or(DEFAULT_TIMEOUT);
        let attempts = sources
            .env_or_profile(
                "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                "metadata_service_num_attempts",
            )
            .map(|raw| parse_attempts(&raw))
            .transpose()?
            .unwrap_or(DEFAULT_ATTEMPTS);
        let v1_disabled = flag(
            sources,
            "AWS_EC2_METADATA_V1_DISABLED",
            "ec2_metadata_v1_disabled",
        )?;
        Ok(ImdsSettings {
            base_url: select_base_url(sources)?,
            timeout,
            attempts,
            v1_disabled,
        })
    }
}

/// An [`Invalid`](CredentialsError::Invalid) error about setting `name`.
fn invalid(name: &str, raw: &Sourced<&str>, reason: impl Into<String>) -> CredentialsError {
    CredentialsError::Invalid {
        provider: ImdsProvider::NAME,
        setting: format!("{name} {:?} from {}", raw.value, raw.source),
        reason: reason.into(),
    }
}

/// Seconds, more than zero and at most an hour. botocore takes whole
/// seconds only; fractions are accepted too.
fn parse_timeout(raw: &Sourced<&str>) -> Result<Duration, CredentialsError> {
    let reason = "expected a number of seconds greater than 0 and at most 3600";
    let seconds: f64 = raw
        .value
        .parse()
        .map_err(|_| invalid("metadata_service_timeout", raw, reason))?;
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero() && *d <= MAX_TIMEOUT)
        .ok_or_else(|| invalid("metadata_service_timeout", raw, reason))
}

/// A whole number of attempts from 1 to [`MAX_ATTEMPTS`].
fn parse_attempts(raw: &Sourced<&str>) -> Result<u32, CredentialsError> {
    raw.value
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_ATTEMPTS).contains(n))
        .ok_or_else(|| {
            invalid(
                "metadata_service_num_attempts",
                raw,
                format!("expected a whole number from 1 to {MAX_ATTEMPTS}"),
            )
        })
}

/// A `true`/`false` setting, `false` when unset. botocore reads anything
/// but `true` as false; a typo here is an error instead.
fn flag(sources: &Sources<'_>, var: &str, key: &str) -> Result<bool, CredentialsError> {
    match sources.env_or_profile(var, key) {
        None => Ok(false),
        Some(raw) => {
            parse_bool(raw.value).ok_or_else(|| invalid(key, &raw, "expected `true` or `false`"))
        }
    }
}

/// botocore's `resolve_imds_endpoint_mode`: the endpoint mode setting
/// (`ipv4`/`ipv6`, any case), else `imds_use_ipv6`.
fn resolve_endpoint_mode(sources: &Sources<'_>) -> Result<EndpointMode, CredentialsError> {
    let key = "ec2_metadata_service_endpoint_mode";
    if let Some(raw) = sources.env_or_profile("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", key) {
        return match raw.value.to_ascii_lowercase().as_str() {
            "ipv4" => Ok(EndpointMode::Ipv4),
            "ipv6" => Ok(EndpointMode::Ipv6),
            _ => Err(invalid(key, &raw, "expected `ipv4` or `ipv6`")),
        };
    }
    if flag(sources, "AWS_IMDS_USE_IPV6", "imds_use_ipv6")? {
        Ok(EndpointMode::Ipv6)
    } else {
        Ok(EndpointMode::Ipv4)
    }
}

/// botocore's `_select_base_url`: the explicit endpoint (validated), else
/// the IPv6 address in IPv6 mode, else the IPv4 address.
fn select_base_url(sources: &Sources<'_>) -> Result<String, CredentialsError> {
    let mode = resolve_endpoint_mode(sources)?;
    let key = "ec2_metadata_service_endpoint";
    let Some(raw) = sources.env_or_profile("AWS_EC2_METADATA_SERVICE_ENDPOINT", key) else {
        return Ok(match mode {
            EndpointMode::Ipv4 => IPV4_BASE_URL,
            EndpointMode::Ipv6 => IPV6_BASE_URL,
        }
        .to_owned());
    };
    if mode == EndpointMode::Ipv6 {
        tracing::warn!(
            "a custom IMDS endpoint and IPv6 mode are both set; using the custom endpoint"
        );
    }
    check_base_url(raw.value).map_err(|reason| invalid(key, &raw, reason))?;
    Ok(raw.value.to_owned())
}

/// botocore's `is_valid_uri`, plus what the HTTP client needs: an `http` or
/// `https` URL without a query whose host is a valid host name, IPv4 or
/// bracketed IPv6 address.
fn check_base_url(url: &str) -> Result<(), String> {
    if url.contains(['\t', '\r', '\n']) {
        return Err("it contains a tab or line break".into());
    }
    let uri: http::Uri = url.parse().map_err(|e| format!("it is not a URL ({e})"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err("it must start with http:// or https://".into());
    }
    if uri.query().is_some() {
        return Err("it must not have a query string".into());
    }
    let host = uri.host().ok_or("it has no host")?;
    if is_valid_host(host) {
        Ok(())
    } else {
        Err(format!("{host:?} is not a valid host name or IP address"))
    }
}

/// A bracketed IPv6 address, or a DNS name whose labels are 1–63 letters,
/// digits and inner hyphens (botocore's `is_valid_endpoint_url` pattern;
/// IPv4 addresses match it too).
fn is_valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().is_ok();
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    host.len() <= 255 && host.split('.').all(label_ok)
}

/// The header asking for a token of botocore's TTL.
fn token_ttl_header() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_static(TOKEN_TTL_HEADER),
        HeaderValue::from(TOKEN_TTL_SECS),
    );
    headers
}

/// The token in a 200 answer, to be renewed a minute before the TTL IMDS
/// states (at most the TTL asked for) ends.
fn token_from(
    response: &BufferedResponse,
    requested_at: DateTime,
) -> Result<Token, CredentialsError> {
    let unusable = || {
        CredentialsError::provider(
            ImdsProvider::NAME,
            "IMDS returned an unusable session token",
        )
    };
    let text = response.body.trim_ascii();
    if text.is_empty() {
        return Err(unusable());
    }
    let mut value = HeaderValue::from_bytes(text).map_err(|_| unusable())?;
    value.set_sensitive(true);
    let ttl = response
        .head
        .headers
        .get(TOKEN_TTL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|ttl| *ttl > 0)
        .map_or(TOKEN_TTL_SECS, |ttl| ttl.min(TOKEN_TTL_SECS));
    let margin = TOKEN_RENEWAL_MARGIN_SECS.min(ttl / 2);
    Ok(Token {
        value,
        renew_at: seconds_after(requested_at, ttl - margin),
        reused: false,
    })
}

/// botocore's `_default_retry`: a 200 with a body, else why not.
fn ok_body(response: &BufferedResponse) -> Result<&[u8], String> {
    if response.head.status != StatusCode::OK {
        return Err(format!("status {}", response.head.status.as_u16()));
    }
    if response.body.is_empty() {
        return Err("empty response".into());
    }
    Ok(&response.body)
}

/// `_needs_retry_for_role_name`, and the name as text.
fn accept_role_name(response: &BufferedResponse) -> Result<String, String> {
    let body = ok_body(response)?;
    let text = std::str::from_utf8(body).map_err(|_| "the role name is not UTF-8".to_owned())?;
    Ok(text.trim().to_owned())
}

/// `_needs_retry_for_credentials`, and the parsed document.
fn accept_json(response: &BufferedResponse) -> Result<Json, String> {
    let body = ok_body(response)?;
    serde_json::from_slice(body).map_err(|_| "the response is not valid JSON".to_owned())
}

/// The role name goes into the next URL: it must look like an IAM role
/// name (letters, digits and `+=,.@_-`).
fn check_role_name(role: &str) -> Result<(), CredentialsError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if !role.is_empty() && role.len() <= MAX_ROLE_NAME_LEN && role.chars().all(allowed) {
        return Ok(());
    }
    Err(CredentialsError::provider(
        ImdsProvider::NAME,
        format!(
            "IMDS returned {} as the role name, which is not an IAM role name",
            snippet(role)
        ),
    ))
}

/// Credentials from the role's metadata document; a document without them
/// is an error (with IMDS's `Code` and `Message` when it sent them).
fn credentials_from_document(document: &Json, role: &str) -> Result<Credentials, CredentialsError> {
    let mut values = [""; REQUIRED_FIELDS.len()];
    for (value, name) in values.iter_mut().zip(REQUIRED_FIELDS) {
        *value = text_field(document, name).ok_or_else(|| missing_field(document, role, name))?;
    }
    let [key, secret, token, expiration] = values;
    let expires_at = DateTime::parse(expiration).ok_or_else(|| {
        CredentialsError::provider(
            ImdsProvider::NAME,
            format!("the IMDS credentials of role {role} have an unreadable Expiration"),
        )
    })?;
    Ok(
        Credentials::new(key, secret, Some(token.to_owned()), Some(expires_at))
            .with_provider_name(ImdsProvider::NAME),
    )
}

/// A non-empty string member of a JSON object.
fn text_field<'a>(document: &'a Json, name: &str) -> Option<&'a str> {
    document
        .get(name)
        .and_then(Json::as_str)
        .filter(|v| !v.is_empty())
}

/// The error for a document without `name`: IMDS's own `Code` and
/// `Message` when it sent them (botocore's failure responses).
fn missing_field(document: &Json, role: &str, name: &str) -> CredentialsError {
    let message = match (
        text_field(document, "Code"),
        text_field(document, "Message"),
    ) {
        (Some(code), Some(message)) => format!(
            "IMDS could not provide credentials for role {role}: {}: {}",
            snippet(code),
            snippet(message)
        ),
        _ => format!("the IMDS credentials of role {role} have no {name}"),
    };
    CredentialsError::provider(ImdsProvider::NAME, message)
}

/// botocore's `_evaluate_expiration`: credentials expiring within the
/// refresh window (15 minutes) plus 2–10 minutes of jitter get an expiry
/// that far from now instead.
fn extend_if_near_expiry(credentials: Credentials, now: DateTime) -> Credentials {
    let Some(expiry) = credentials.expires_at() else {
        return credentials;
    };
    let window = ADVISORY_REFRESH.as_secs() as i64 + fastrand::i64(EXPIRY_EXTENSION_JITTER_SECS);
    if now.secs() < expiry.secs() - window {
        return credentials;
    }
    tracing::info!(
        minutes = window / 60,
        "extending the expiry of instance metadata credentials that are about to expire; \
         they will be refreshed again within that time"
    );
    credentials.with_expiry(Some(seconds_after(now, window)))
}

fn seconds_after(time: DateTime, seconds: i64) -> DateTime {
    DateTime::from_secs(time.secs().saturating_add(seconds))
}

/// Text from a server, quoted and cut to 100 characters for messages.
pub(super) fn snippet(text: &str) -> String {
    const MAX_CHARS: usize = 100;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

// HTTP helpers shared with the container provider.

/// The provider's HTTP client (connect and read timeouts = `timeout`),
/// built on first use on tokio's blocking pool: the TLS setup may read the
/// system's certificate store.
pub(super) async fn metadata_client(
    cell: &OnceCell<HttpClient>,
    timeout: Duration,
) -> Result<&HttpClient, String> {
    cell.get_or_try_init(|| async move {
        let settings = HttpSettings {
            connect_timeout: Some(timeout),
            read_timeout: Some(timeout),
            ..HttpSettings::default()
        };
        tokio::task::spawn_blocking(move || HttpClient::new(&settings))
            .await
            .map_err(|e| format!("client setup failed: {e}"))?
    })
    .await
}

/// A bodiless request with `headers` and myaws's `User-Agent`.
pub(super) fn metadata_request(
    method: Method,
    url: &str,
    headers: HeaderMap,
) -> Result<Request<SdkBody>, http::Error> {
    let is_put = method == Method::PUT;
    let mut builder = Request::builder().method(method).uri(url);
    if let Some(all) = builder.headers_mut() {
        all.extend(headers);
        all.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        if is_put {
            all.insert(CONTENT_LENGTH, HeaderValue::from(0));
        }
    }
    builder.body(SdkBody::empty())
}

/// Sends `request` and reads the answer, refusing bodies over
/// [`MAX_METADATA_BODY`]; the whole exchange must end within a connect plus
/// a read timeout.
///
/// Boxed and not inlined: the HTTP exchange is compiled once, not again
/// inside every provider step that awaits it.
#[inline(never)]
pub(super) fn exchange(
    client: &HttpClient,
    request: Request<SdkBody>,
    timeout: Duration,
) -> crate::client::BoxFuture<'_, Result<BufferedResponse, DispatchError>> {
    Box::pin(exchange_unboxed(client, request, timeout))
}

async fn exchange_unboxed(
    client: &HttpClient,
    request: Request<SdkBody>,
    timeout: Duration,
) -> Result<BufferedResponse, DispatchError> {
    let limit = timeout.saturating_mul(2);
    let work = async {
        client
            .send_streaming(request)
            .await?
            .buffer(MAX_METADATA_BODY)
            .await
    };
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        Err(DispatchError::timed_out(
            crate::error::TimeoutKind::Attempt,
            format!("no complete response within {} s", limit.as_secs_f64()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

    use serde_json::json;

    use super::*;
    use crate::config::{Env, SharedConfig};
    use crate::test_server::{Recorded, Reply, TestServer};

    const TOKEN: &str = "AQAEAimds-session-token-value";
    const SECRET: &str = "imds-secret-access-key";
    const SESSION_TOKEN: &str = "imds-credentials-session-token";
    const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
    const CREDS_PATH: &str = "/latest/meta-data/iam/security-credentials/web-role";
    const FAR_FUTURE: &str = "2099-01-01T00:00:00Z";

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    /// A clock tests move by hand.
    #[derive(Clone)]
    struct FakeClock(Arc<AtomicI64>);

    impl FakeClock {
        fn at(secs: i64) -> Self {
            FakeClock(Arc::new(AtomicI64::new(secs)))
        }
        fn now(&self) -> DateTime {
            DateTime::from_secs(self.0.load(Ordering::SeqCst))
        }
        fn advance(&self, secs: i64) {
            self.0.fetch_add(secs, Ordering::SeqCst);
        }
        fn clock(&self) -> super::super::Clock {
            let this = self.clone();
            Arc::new(move || this.now())
        }
    }

    fn context(
        env: &[(&str, &str)],
        config: &str,
        clock: Option<&FakeClock>,
    ) -> Arc<ProviderContext> {
        let env = Env::from_pairs(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let shared = Arc::new(SharedConfig::parse(config, "").expect("parse"));
        let active = shared.select_profile(&env, None).expect("profile");
        let mut ctx = ProviderContext::new(env, shared, active);
        if let Some(clock) = clock {
            ctx = ctx.with_clock(clock.clock());
        }
        Arc::new(ctx)
    }

    fn configure(
        env: &[(&str, &str)],
        config: &str,
    ) -> Result<Option<ImdsProvider>, CredentialsError> {
        ImdsProvider::from_context(context(env, config, None))
    }

    /// A provider talking to `server` with a short timeout, plus `env`.
    fn provider_for(
        server: &TestServer,
        env: &[(&str, &str)],
        clock: Option<&FakeClock>,
    ) -> ImdsProvider {
        let url = server.url();
        let mut all = vec![
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
            ("AWS_METADATA_SERVICE_TIMEOUT", "0.3"),
        ];
        all.extend_from_slice(env);
        ImdsProvider::from_context(context(&all, "", clock))
            .expect("valid settings")
            .expect("enabled")
    }

    fn credentials_document(expiration: &str) -> Json {
        json!({
            "Code": "Success",
            "LastUpdated": "2024-01-01T00:00:00Z",
            "Type": "AWS-HMAC",
            "AccessKeyId": "ASIAIMDSEXAMPLE",
            "SecretAccessKey": SECRET,
            "Token": SESSION_TOKEN,
            "Expiration": expiration,
            "AccountId": "123456789012",
        })
    }

    /// An IMDS that hands out tokens and answers only requests carrying one.
    fn imds_v2(expiration: &'static str) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
        move |r| match (r.method.as_str(), r.target.as_str()) {
            ("PUT", "/latest/api/token") => Reply::status(200, TOKEN),
            _ if r.header(TOKEN_HEADER) != Some(TOKEN) => Reply::status(401, ""),
            ("GET", ROLE_PATH) => Reply::status(200, "web-role"),
            ("GET", CREDS_PATH) => Reply::json(&credentials_document(expiration)),
            _ => Reply::status(404, ""),
        }
    }

    /// An IMDS whose token endpoint answers `token_reply` and whose
    /// metadata needs no token.
    fn imds_v1(token_reply: Reply) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
        move |r| match (r.method.as_str(), r.target.as_str()) {
            ("PUT", "/latest/api/token") => token_reply.clone(),
            ("GET", ROLE_PATH) => Reply::status(200, "web-role"),
            ("GET", CREDS_PATH) => Reply::json(&credentials_document(FAR_FUTURE)),
            _ => Reply::status(404, ""),
        }
    }

    fn gets(server: &TestServer) -> Vec<Recorded> {
        server
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET")
            .collect()
    }

    fn puts(server: &TestServer) -> usize {
        server
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .count()
    }

    #[test]
    fn imdsv2_happy_path() {
        block_on(async {
            let server = TestServer::start(imds_v2(FAR_FUTURE)).await;
            let provider = provider_for(&server, &[], None);
            let creds = provider.provide_credentials().await.expect("credentials");
            assert_eq!(creds.access_key_id(), "ASIAIMDSEXAMPLE");
            assert_eq!(creds.secret_access_key(), SECRET);
            assert_eq!(creds.session_token(), Some(SESSION_TOKEN));
            assert_eq!(creds.expires_at(), DateTime::parse(FAR_FUTURE));
            assert_eq!(creds.provider_name(), "iam-role");
            // botocore 1.43.67 does not read AccountId from IMDS.
            assert_eq!(creds.account_id(), None);

            let requests = server.requests();
            let targets: Vec<_> = requests
                .iter()
                .map(|r| format!("{} {}", r.method, r.target))
                .collect();
            assert_eq!(
                targets,
                [
                    "PUT /latest/api/token",
                    &format!("GET {ROLE_PATH}"),
                    &format!("GET {CREDS_PATH}")
                ]
            );
            assert_eq!(requests[0].header(TOKEN_TTL_HEADER), Some("21600"));
            assert_eq!(requests[0].header(TOKEN_HEADER), None);
            assert!(requests[0].body.is_empty());
            assert_eq!(requests[0].header("content-length"), Some("0"));
            for r in &requests {
                assert_eq!(r.header("user-agent"), Some(USER_AGENT_VALUE));
            }
            for get in &requests[1..] {
                assert_eq!(get.header(TOKEN_HEADER), Some(TOKEN));
            }
        });
    }

    #[test]
    fn token_is_reused_until_shortly_before_its_ttl_ends() {
        block_on(async {
            let clock = FakeClock::at(DateTime::now().secs());
            let server = TestServer::start(imds_v2(FAR_FUTURE)).await;
            let provider = provider_for(&server, &[], Some(&clock));
            provider.provide_credentials().await.expect("first");
            clock.advance(TOKEN_TTL_SECS - TOKEN_RENEWAL_MARGIN_SECS - 1);
            provider.provide_credentials().await.expect("second");
            assert_eq!((puts(&server), gets(&server).len()), (1, 4));
            clock.advance(1);
            provider.provide_credentials().await.expect("third");
            assert_eq!((puts(&server), gets(&server).len()), (2, 6));
        });
    }

    #[test]
    fn token_ttl_stated_by_imds_is_honoured() {
        block_on(async {
            let clock = FakeClock::at(DateTime::now().secs());
            let handler = imds_v2(FAR_FUTURE);
            let server = TestServer::start(move |r| match r.method.as_str() {
                "PUT" => Reply::Http {
                    status: 200,
                    headers: vec![(TOKEN_TTL_HEADER.into(), "120".into())],
                    body: TOKEN.into(),
                },
                _ => handler(r),
            })
            .await;
            let provider = provider_for(&server, &[], Some(&clock));
            provider.provide_credentials().await.expect("first");
            clock.advance(59);
            provider.provide_credentials().await.expect("second");
            assert_eq!(puts(&server), 1);
            clock.advance(1);
            provider.provide_credentials().await.expect("third");
            assert_eq!(puts(&server), 2);
        });
    }

    #[test]
    fn rejected_cached_token_is_replaced_at_once() {
        block_on(async {
            let tokens_issued = Arc::new(AtomicI64::new(0));
            let issued = tokens_issued.clone();
            let server = TestServer::start(move |r| {
                let current = format!("token-{}", issued.load(Ordering::SeqCst));
                match (r.method.as_str(), r.target.as_str()) {
                    ("PUT", _) => {
                        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                        Reply::status(200, format!("token-{n}"))
                    }
                    _ if r.header(TOKEN_HEADER) != Some(current.as_str()) => Reply::status(401, ""),
                    ("GET", ROLE_PATH) => Reply::status(200, "web-role"),
                    _ => Reply::json(&credentials_document(FAR_FUTURE)),
                }
            })
            .await;
            let provider = provider_for(&server, &[], None);
            provider.provide_credentials().await.expect("first");
            // IMDS restarts and forgets its tokens.
            tokens_issued.fetch_add(100, Ordering::SeqCst);
            let creds = provider.provide_credentials().await.expect("second");
            assert_eq!(creds.access_key_id(), "ASIAIMDSEXAMPLE");
            assert_eq!(puts(&server), 2);
            let last = gets(&server).pop().unwrap();
            assert_eq!(last.header(TOKEN_HEADER), Some("token-102"));
        });
    }

    #[test]
    fn token_refusals_fall_back_to_imdsv1() {
        for status in [403, 404, 405] {
            block_on(async {
                let server = TestServer::start(imds_v1(Reply::status(status, ""))).await;
                let provider = provider_for(&server, &[], None);
                let creds = provider
                    .provide_credentials()
                    .await
                    .expect("v1 credentials");
                assert_eq!(creds.access_key_id(), "ASIAIMDSEXAMPLE", "status {status}");
                let gets = gets(&server);
                assert_eq!(gets.len(), 2, "status {status}");
                assert!(gets.iter().all(|r| r.header(TOKEN_HEADER).is_none()));
            });
        }
    }

    #[test]
    fn token_timeout_falls_back_to_imdsv1() {
        block_on(async {
            let slow = Reply::Delay(Duration::from_secs(5), Box::new(Reply::status(200, TOKEN)));
            let server = TestServer::start(imds_v1(slow)).await;
            let provider = provider_for(&server, &[("AWS_METADATA_SERVICE_TIMEOUT", "0.1")], None);
            let started = std::time::Instant::now();
            let creds = provider
                .provide_credentials()
                .await
                .expect("v1 credentials");
            assert!(started.elapsed() < Duration::from_secs(2));
            assert_eq!(creds.access_key_id(), "ASIAIMDSEXAMPLE");
            assert!(gets(&server)
                .iter()
                .all(|r| r.header(TOKEN_HEADER).is_none()));
        });
    }

    #[test]
    fn token_failures_on_every_attempt_fall_back_to_imdsv1() {
        block_on(async {
            let server = TestServer::start(imds_v1(Reply::status(503, ""))).await;
            let provider =
                provider_for(&server, &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2")], None);
            provider
                .provide_credentials()
                .await
                .expect("v1 credentials");
            assert_eq!(puts(&server), 2);
        });
    }

    #[test]
    fn imdsv1_disabled_without_token_is_an_error() {
        block_on(async {
            let server = TestServer::start(imds_v1(Reply::status(404, ""))).await;
            let by_env = provider_for(&server, &[("AWS_EC2_METADATA_V1_DISABLED", "true")], None);
            let err = by_env.provide_credentials().await.unwrap_err();
            assert!(
                err.to_string()
                    .contains("IMDSv2 token unavailable and IMDSv1 disabled"),
                "{err}"
            );

            let url = server.url();
            let config = "[default]\nec2_metadata_v1_disabled = TRUE\n";
            let env = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str())];
            let by_profile = ImdsProvider::from_context(context(&env, config, None))
                .unwrap()
                .unwrap();
            let err = by_profile.provide_credentials().await.unwrap_err();
            assert!(err.to_string().contains("IMDSv1 disabled"), "{err}");
            assert!(gets(&server).is_empty(), "no IMDSv1 request may be sent");

            // The environment wins over the profile.
            let env = [
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
                ("AWS_EC2_METADATA_V1_DISABLED", "false"),
            ];
            let enabled = ImdsProvider::from_context(context(&env, config, None))
                .unwrap()
                .unwrap();
            enabled.provide_credentials().await.expect("v1 allowed");
        });
    }

    #[test]
    fn token_bad_request_is_an_error() {
        block_on(async {
            let server = TestServer::start(imds_v1(Reply::status(400, ""))).await;
            let provider = provider_for(&server, &[], None);
            let err = provider.provide_credentials().await.unwrap_err();
            assert!(err.to_string().contains("400 Bad Request"), "{err}");
            assert!(gets(&server).is_empty());
        });
    }

    #[test]
    fn retries_within_num_attempts_then_fails() {
        block_on(async {
            let failures_left = Arc::new(AtomicI64::new(2));
            let left = failures_left.clone();
            let v2 = imds_v2(FAR_FUTURE);
            let server = TestServer::start(move |r| {
                if r.target == ROLE_PATH && left.fetch_sub(1, Ordering::SeqCst) > 0 {
                    return Reply::status(500, "");
                }
                v2(r)
            })
            .await;
            let three = provider_for(&server, &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3")], None);
            three
                .provide_credentials()
                .await
                .expect("third attempt succeeds");
            assert_eq!(gets(&server).len(), 4);

            failures_left.store(5, Ordering::SeqCst);
            let two = provider_for(&server, &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2")], None);
            let err = two.provide_credentials().await.unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("role name") && text.contains("2 attempt(s)"),
                "{text}"
            );
            assert!(text.contains("status 500"), "{text}");
            assert_eq!(gets(&server).len(), 6);
        });
    }

    #[test]
    fn non_200_empty_and_invalid_json_responses_are_retried() {
        block_on(async {
            let bad = Arc::new(Mutex::new(vec![
                Reply::status(503, "busy"),
                Reply::status(200, ""),
                Reply::status(200, "{not json"),
            ]));
            let queue = bad.clone();
            let v2 = imds_v2(FAR_FUTURE);
            let server = TestServer::start(move |r| {
                if r.target == CREDS_PATH {
                    if let Some(reply) = queue.lock().unwrap().pop() {
                        return reply;
                    }
                }
                v2(r)
            })
            .await;
            let three = provider_for(&server, &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3")], None);
            let err = three.provide_credentials().await.unwrap_err();
            assert!(err.to_string().contains("status 503"), "{err}");

            *bad.lock().unwrap() = vec![Reply::status(200, ""), Reply::status(200, "[")];
            let four = provider_for(&server, &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "4")], None);
            four.provide_credentials()
                .await
                .expect("the last attempt succeeds");
        });
    }

    #[test]
    fn error_documents_are_errors() {
        block_on(async {
            let v2 = imds_v2(FAR_FUTURE);
            let server = TestServer::start(move |r| match r.target.as_str() {
                CREDS_PATH => Reply::json(&json!({
                    "Code": "AssumeRoleUnauthorizedAccess",
                    "Message": "EC2 cannot assume the role web-role.",
                })),
                _ => v2(r),
            })
            .await;
            let err = provider_for(&server, &[], None)
                .provide_credentials()
                .await
                .unwrap_err();
            let text = err.to_string();
            assert!(text.contains("AssumeRoleUnauthorizedAccess"), "{text}");
            assert!(text.contains("EC2 cannot assume the role"), "{text}");
            assert_eq!(gets(&server).len(), 2, "an error document is not retried");
        });
    }

    #[test]
    fn missing_fields_and_bad_role_names_are_errors() {
        block_on(async {
            let v2 = imds_v2(FAR_FUTURE);
            let server = TestServer::start(move |r| match r.target.as_str() {
                CREDS_PATH => Reply::json(&json!({"AccessKeyId": "A", "SecretAccessKey": "S"})),
                _ => v2(r),
            })
            .await;
            let err = provider_for(&server, &[], None)
                .provide_credentials()
                .await
                .unwrap_err();
            assert!(err.to_string().contains("have no Token"), "{err}");

            let server = TestServer::start(|r: &Recorded| match r.method.as_str() {
                "PUT" => Reply::status(200, TOKEN),
                _ => Reply::status(200, "../../user-data?x"),
            })
            .await;
            let err = provider_for(&server, &[], None)
                .provide_credentials()
                .await
                .unwrap_err();
            assert!(err.to_string().contains("not an IAM role name"), "{err}");
            assert_eq!(gets(&server).len(), 1, "the bad name is never requested");
        });
    }

    #[test]
    fn oversized_bodies_are_errors() {
        block_on(async {
            let v2 = imds_v2(FAR_FUTURE);
            let server = TestServer::start(move |r| match r.target.as_str() {
                ROLE_PATH => Reply::status(200, vec![b'a'; 100 * 1024]),
                _ => v2(r),
            })
            .await;
            let err = provider_for(&server, &[], None)
                .provide_credentials()
                .await
                .unwrap_err();
            assert!(err.to_string().contains("65536-byte limit"), "{err}");
        });
    }

    #[test]
    fn endpoint_comes_from_env_then_profile() {
        let config = "[default]\nec2_metadata_service_endpoint = http://10.0.0.1:8080/\n";
        let from_profile = configure(&[], config).unwrap().unwrap();
        assert_eq!(from_profile.settings.base_url, "http://10.0.0.1:8080/");
        let env = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://imds.internal")];
        let from_env = configure(&env, config).unwrap().unwrap();
        assert_eq!(from_env.settings.base_url, "http://imds.internal");
        assert_eq!(
            from_env.url(TOKEN_PATH),
            "http://imds.internal/latest/api/token"
        );
        let prefixed = configure(
            &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://h:1/p/")],
            "",
        )
        .unwrap()
        .unwrap();
        assert_eq!(prefixed.url(TOKEN_PATH), "http://h:1/p/latest/api/token");

        let defaults = configure(&[], "").unwrap().unwrap();
        assert_eq!(
            defaults.settings,
            ImdsSettings {
                base_url: IPV4_BASE_URL.into(),
                timeout: Duration::from_secs(1),
                attempts: 1,
                v1_disabled: false,
            }
        );
        let tuned = configure(
            &[("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "4")],
            "[default]\nmetadata_service_timeout = 3\nmetadata_service_num_attempts = 2\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (tuned.settings.timeout, tuned.settings.attempts),
            (Duration::from_secs(3), 4)
        );
    }

    #[test]
    fn endpoint_mode_selects_the_address() {
        let base = |env: &[(&str, &str)], config: &str| {
            configure(env, config).unwrap().unwrap().settings.base_url
        };
        let mode = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
        assert_eq!(base(&[(mode, "IPv6")], ""), IPV6_BASE_URL);
        assert_eq!(base(&[(mode, "ipv4")], ""), IPV4_BASE_URL);
        assert_eq!(base(&[("AWS_IMDS_USE_IPV6", "true")], ""), IPV6_BASE_URL);
        assert_eq!(
            base(&[], "[default]\nimds_use_ipv6 = true\n"),
            IPV6_BASE_URL
        );
        assert_eq!(
            base(
                &[],
                "[default]\nec2_metadata_service_endpoint_mode = ipv6\n"
            ),
            IPV6_BASE_URL
        );
        // The mode wins over imds_use_ipv6; an explicit endpoint over both.
        assert_eq!(
            base(&[(mode, "ipv4"), ("AWS_IMDS_USE_IPV6", "true")], ""),
            IPV4_BASE_URL
        );
        let explicit = [
            (mode, "ipv6"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://[::1]:9/"),
        ];
        assert_eq!(base(&explicit, ""), "http://[::1]:9/");
    }

    #[test]
    fn invalid_settings_are_errors() {
        let cases: [(&str, &str, &str); 9] = [
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                "ipv5",
                "expected `ipv4` or `ipv6`",
            ),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "169.254.169.254",
                "http:// or https://",
            ),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://bad_host/",
                "not a valid host",
            ),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://h/?q=1",
                "query",
            ),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://h/\tx",
                "tab or line break",
            ),
            ("AWS_METADATA_SERVICE_TIMEOUT", "0", "greater than 0"),
            ("AWS_METADATA_SERVICE_TIMEOUT", "soon", "greater than 0"),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0", "from 1 to 20"),
            ("AWS_EC2_METADATA_V1_DISABLED", "yes", "`true` or `false`"),
        ];
        for (var, value, needle) in cases {
            let err = configure(&[(var, value)], "").unwrap_err();
            assert!(matches!(err, CredentialsError::Invalid { .. }), "{err:?}");
            let text = err.to_string();
            assert!(
                text.contains(needle) && text.contains(var),
                "{var}={value}: {text}"
            );
        }
        let err =
            configure(&[], "[default]\nec2_metadata_service_endpoint_mode = v6\n").unwrap_err();
        assert!(err.to_string().contains("profile `default`"), "{err}");
    }

    #[test]
    fn disabled_by_environment() {
        for value in ["true", "TRUE", " True "] {
            assert!(configure(&[("AWS_EC2_METADATA_DISABLED", value)], "")
                .unwrap()
                .is_none());
        }
        assert!(configure(&[("AWS_EC2_METADATA_DISABLED", "false")], "")
            .unwrap()
            .is_some());
    }

    #[test]
    fn near_expiry_credentials_get_a_later_expiry() {
        block_on(async {
            let clock = FakeClock::at(DateTime::parse("2030-01-01T00:00:00Z").unwrap().secs());
            // Five minutes left: within the 15 min + jitter window.
            let server = TestServer::start(imds_v2("2030-01-01T00:05:00Z")).await;
            let provider = provider_for(&server, &[], Some(&clock));
            let creds = provider.provide_credentials().await.unwrap();
            let left = creds.expires_at().unwrap().secs() - clock.now().secs();
            assert!((15 * 60 + 120..=15 * 60 + 600).contains(&left), "{left}");

            // Two hours left: kept as IMDS said.
            let server = TestServer::start(imds_v2("2030-01-01T02:00:00Z")).await;
            let provider = provider_for(&server, &[], Some(&clock));
            let creds = provider.provide_credentials().await.unwrap();
            assert_eq!(creds.expires_at(), DateTime::parse("2030-01-01T02:00:00Z"));
        });
    }

    #[test]
    fn outage_reuses_the_last_credentials() {
        block_on(async {
            let clock = FakeClock::at(DateTime::parse("2030-01-01T00:00:00Z").unwrap().secs());
            let down = Arc::new(AtomicBool::new(false));
            let is_down = down.clone();
            let v2 = imds_v2(FAR_FUTURE);
            let server = TestServer::start(move |r| {
                if is_down.load(Ordering::SeqCst) {
                    Reply::Close
                } else {
                    v2(r)
                }
            })
            .await;
            let provider = provider_for(&server, &[], Some(&clock));
            let first = provider.provide_credentials().await.unwrap();

            down.store(true, Ordering::SeqCst);
            clock.advance(3600);
            let during = provider
                .provide_credentials()
                .await
                .expect("static stability");
            assert_eq!(during.access_key_id(), first.access_key_id());
            assert_eq!(during.session_token(), first.session_token());
            let left = during.expires_at().unwrap().secs() - clock.now().secs();
            assert!((300..=600).contains(&left), "{left}");

            // Within the quiet minute IMDS is left alone.
            let seen = server.requests().len();
            clock.advance(30);
            let again = provider.provide_credentials().await.unwrap();
            assert_eq!(again.expires_at(), during.expires_at());
            assert_eq!(server.requests().len(), seen);

            // After it, IMDS is asked again; once it is back, new credentials.
            clock.advance(31);
            provider.provide_credentials().await.unwrap();
            assert!(server.requests().len() > seen);
            down.store(false, Ordering::SeqCst);
            clock.advance(61);
            let back = provider.provide_credentials().await.unwrap();
            assert_eq!(back.expires_at(), DateTime::parse(FAR_FUTURE));
        });
    }

    #[test]
    fn outage_without_earlier_credentials_is_an_error() {
        block_on(async {
            let server = TestServer::start(|_: &Recorded| Reply::Close).await;
            let err = provider_for(&server, &[], None)
                .provide_credentials()
                .await
                .unwrap_err();
            assert_eq!(err.provider_name(), Some("iam-role"));
            assert!(err.to_string().contains("role name"), "{err}");
        });
    }

    #[test]
    fn debug_and_errors_never_show_secrets() {
        block_on(async {
            let server = TestServer::start(imds_v2(FAR_FUTURE)).await;
            let provider = provider_for(&server, &[], None);
            let creds = provider.provide_credentials().await.unwrap();
            let shown = format!("{provider:?} {provider:#?} {creds:?}");
            assert!(shown.contains("has_token: true"), "{shown}");
            for secret in [TOKEN, SECRET, SESSION_TOKEN] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
        });
    }
}
