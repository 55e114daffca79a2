//! [`ContainerProvider`]: credentials from the ECS task or EKS Pod Identity
//! credentials endpoint, as botocore 1.43.67's `ContainerProvider` with its
//! `ContainerMetadataFetcher` (`botocore/credentials.py`,
//! `botocore/utils.py`).
//!
//! Ported from botocore:
//!
//! * **Where**: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` appended to
//!   `http://169.254.170.2` (ECS), else `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
//!   The URL must pass `_validate_allowed_url`: `https` to any host, or
//!   `http` to a loopback address or one of `169.254.170.2`,
//!   `169.254.170.23`, `fd00:ec2::23` and `localhost`. Anything else is an
//!   error naming the host, and nothing is sent.
//! * **Authorization**: the contents of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
//!   (read again on every fetch, since EKS rotates it), else
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN`, sent as the `Authorization` header
//!   as they are; a token containing CR or LF is refused (so is a file
//!   ending in a newline, as in botocore). `Accept: application/json`.
//! * **Retries**: a 2-second timeout (connect and read), 3 attempts, 1 second
//!   apart; a transport error, a non-200 status or a body that is not JSON
//!   uses up an attempt. botocore also sleeps after the last failure; this
//!   provider does not.
//! * **Answer**: `AccessKeyId`, `SecretAccessKey`, `Token` and `Expiration`
//!   (a missing one is an error naming it), and the optional `AccountId`.
//!
//! As everywhere in myaws, a blank variable counts as unset (botocore would
//! use an empty `RELATIVE_URI` as is). Bodies are capped at 64 KiB and each
//! exchange must end within twice the timeout. Neither the token nor the
//! credentials appear in `Debug` output, errors or logs (an error body that
//! echoes the token has it blanked out); errors name URLs by scheme and host
//! only, since an ECS credentials path identifies the task's credentials.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};
use http::{Method, StatusCode};
use serde_json::Value as Json;
use tokio::sync::OnceCell;

use super::imds::{exchange, metadata_client, metadata_request, snippet};
use super::{
    files, Credentials, CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext,
};
use crate::config::Env;
use crate::http::HttpClient;
use crate::time::DateTime;

const RELATIVE_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const TOKEN_FILE_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// `http://` + botocore's `ContainerMetadataFetcher.IP_ADDRESS`: where a
/// relative URI points.
const ECS_BASE_URL: &str = "http://169.254.170.2";
/// botocore's `ContainerMetadataFetcher._ALLOWED_HOSTS` (plain `http`).
const ALLOWED_HOSTS: [&str; 4] = [
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::23",
    "localhost",
];
/// botocore's `TIMEOUT_SECONDS`.
const TIMEOUT: Duration = Duration::from_secs(2);
/// botocore's `RETRY_ATTEMPTS`.
const ATTEMPTS: u32 = 3;
/// botocore's `SLEEP_TIME`.
const RETRY_SLEEP: Duration = Duration::from_secs(1);
/// The largest authorization token file read (EKS tokens are ~1 KiB).
const MAX_TOKEN_FILE_BYTES: u64 = 16 * 1024;

/// Credentials from `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (ECS) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (EKS Pod Identity, local
/// endpoints).
///
/// `Debug` shows the endpoint's scheme and host and where the authorization
/// token comes from, never the token.
pub struct ContainerProvider {
    ctx: Arc<ProviderContext>,
    /// The URL to ask, or why the configuration names none that is allowed.
    endpoint: Result<Endpoint, CredentialsError>,
    authorization: AuthorizationSource,
    http: OnceCell<HttpClient>,
    retry_sleep: Duration,
}

impl fmt::Debug for ContainerProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ContainerProvider");
        match &self.endpoint {
            Ok(endpoint) => debug
                .field("endpoint", &endpoint.origin)
                .field("from", &endpoint.var),
            Err(error) => debug.field("endpoint_error", &error.to_string()),
        };
        debug
            .field("authorization", &self.authorization)
            .finish_non_exhaustive()
    }
}

/// A validated credentials URL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Endpoint {
    url: String,
    /// `scheme://host[:port]`, for messages.
    origin: String,
    /// The variable that configured it.
    var: &'static str,
}

/// Where the `Authorization` header comes from (the value itself is read
/// at fetch time and never stored here).
#[derive(Debug, Clone, PartialEq, Eq)]
enum AuthorizationSource {
    None,
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    Env,
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
    File(PathBuf),
}

impl ContainerProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "container-role";

    /// The provider, when `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is set.
    ///
    /// A URL that is not allowed is reported by every fetch (without
    /// sending anything).
    pub fn from_context(ctx: Arc<ProviderContext>) -> Option<Self> {
        let env = ctx.env();
        if !env.contains(RELATIVE_URI_VAR) && !env.contains(FULL_URI_VAR) {
            return None;
        }
        let endpoint = resolve_endpoint(env, ECS_BASE_URL);
        let authorization = authorization_source(env);
        Some(ContainerProvider {
            ctx,
            endpoint,
            authorization,
            http: OnceCell::new(),
            retry_sleep: RETRY_SLEEP,
        })
    }

    /// Tests: a relative URI is appended to `base` instead of the ECS
    /// address (which cannot be served locally).
    #[cfg(test)]
    fn with_relative_base(mut self, base: &str) -> Self {
        self.endpoint = resolve_endpoint(self.ctx.env(), base);
        self
    }

    /// Tests: a shorter pause between attempts.
    #[cfg(test)]
    fn with_retry_sleep(mut self, sleep: Duration) -> Self {
        self.retry_sleep = sleep;
        self
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let endpoint = self.endpoint.as_ref().map_err(Clone::clone)?;
        let authorization = self.authorization_header().await?;
        let client = metadata_client(&self.http, TIMEOUT).await.map_err(|e| {
            CredentialsError::provider(Self::NAME, format!("cannot create an HTTP client: {e}"))
        })?;
        let document = self
            .get_with_retries(client, endpoint, authorization.as_ref())
            .await?;
        credentials_from_document(&document, endpoint)
    }

    /// The `Authorization` header, read now from the token file or the
    /// environment.
    async fn authorization_header(&self) -> Result<Option<HeaderValue>, CredentialsError> {
        let (token, origin) = match &self.authorization {
            AuthorizationSource::None => return Ok(None),
            AuthorizationSource::Env => (
                self.ctx.env().get(TOKEN_VAR).unwrap_or_default().to_owned(),
                TOKEN_VAR.to_owned(),
            ),
            AuthorizationSource::File(path) => {
                let origin = format!("{TOKEN_FILE_VAR} ({})", path.display());
                let token = files::read_to_string(path, MAX_TOKEN_FILE_BYTES)
                    .await
                    .map_err(|e| {
                        CredentialsError::provider(
                            Self::NAME,
                            format!(
                                "cannot read the authorization token file {}: {e}",
                                path.display()
                            ),
                        )
                    })?;
                (token, origin)
            }
        };
        authorization_value(&token)
            .map(Some)
            .map_err(|reason| CredentialsError::Invalid {
                provider: Self::NAME,
                setting: origin,
                reason,
            })
    }

    /// botocore's `_retrieve_credentials`: up to [`ATTEMPTS`] tries, the
    /// retry pause apart.
    async fn get_with_retries(
        &self,
        client: &HttpClient,
        endpoint: &Endpoint,
        authorization: Option<&HeaderValue>,
    ) -> Result<Json, CredentialsError> {
        let mut problem = String::new();
        let mut cause = None;
        for attempt in 1..=ATTEMPTS {
            if attempt > 1 {
                tokio::time::sleep(self.retry_sleep).await;
            }
            match get_once(client, endpoint, authorization).await {
                Ok(document) => return Ok(document),
                Err((reason, source)) => (problem, cause) = (reason, source),
            }
            tracing::debug!(attempt, endpoint = %endpoint.origin, %problem, "container credentials request failed");
        }
        let message = format!(
            "no credentials from {} ({}) after {ATTEMPTS} attempts: {problem}",
            endpoint.origin, endpoint.var
        );
        Err(match cause {
            // The transport error stays reachable through `source()`.
            Some(source) => CredentialsError::provider_with_source(Self::NAME, message, source),
            None => CredentialsError::provider(Self::NAME, message),
        })
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.fetch())
    }
}

/// The URL the environment names: the relative URI on `relative_base`,
/// else the full URI; either must be allowed.
fn resolve_endpoint(env: &Env, relative_base: &str) -> Result<Endpoint, CredentialsError> {
    let (url, var) = if let Some(relative) = env.get_non_empty(RELATIVE_URI_VAR) {
        (format!("{relative_base}{relative}"), RELATIVE_URI_VAR)
    } else if let Some(full) = env.get_non_empty(FULL_URI_VAR) {
        (full.to_owned(), FULL_URI_VAR)
    } else {
        return Err(CredentialsError::Invalid {
            provider: ContainerProvider::NAME,
            setting: format!("{RELATIVE_URI_VAR} / {FULL_URI_VAR}"),
            reason: "set, but empty".into(),
        });
    };
    let origin = check_allowed_url(&url).map_err(|reason| CredentialsError::Invalid {
        provider: ContainerProvider::NAME,
        setting: var.to_owned(),
        reason,
    })?;
    Ok(Endpoint { url, origin, var })
}

/// botocore's `_validate_allowed_url`: `https` to anywhere, `http` to a
/// loopback address or an allowed host. Returns `scheme://host[:port]`.
fn check_allowed_url(url: &str) -> Result<String, String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| format!("it is not a valid URL ({e})"))?;
    let authority = uri.authority().ok_or("the URL has no host")?;
    let origin = format!(
        "{}://{}",
        uri.scheme_str().unwrap_or_default(),
        authority.as_str().rsplit('@').next().unwrap_or_default()
    );
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    match uri.scheme_str() {
        Some("https") => return Ok(origin),
        Some("http") => {}
        _ => return Err("the URL must start with http:// or https://".into()),
    }
    if is_loopback(&host) || ALLOWED_HOSTS.contains(&host.as_str()) {
        return Ok(origin);
    }
    Err(format!(
        "unsupported host {host:?}: over http, container credentials can only come from a \
         loopback address or one of these hosts: {} (use https for any other host)",
        ALLOWED_HOSTS.join(", ")
    ))
}

fn is_loopback(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The token file wins over the token variable (botocore's
/// `_build_headers`); blank variables count as unset.
fn authorization_source(env: &Env) -> AuthorizationSource {
    if let Some(path) = env.get_os(TOKEN_FILE_VAR).filter(|p| !p.is_empty()) {
        return AuthorizationSource::File(PathBuf::from(path));
    }
    if env.get(TOKEN_VAR).is_some_and(|t| !t.trim().is_empty()) {
        return AuthorizationSource::Env;
    }
    AuthorizationSource::None
}

/// The token as a header value (marked sensitive); botocore's
/// `_validate_auth_token` refuses CR and LF.
fn authorization_value(token: &str) -> Result<HeaderValue, String> {
    if token.contains(['\r', '\n']) {
        return Err(
            "the authorization token contains a carriage return or line feed, \
                    which is not a legal header value (a trailing newline in a token file \
                    counts)"
                .into(),
        );
    }
    let mut value = HeaderValue::from_str(token).map_err(|_| {
        "the authorization token contains characters not allowed in an HTTP header".to_owned()
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// botocore's `_get_response`: one GET; a transport error, a non-200 status
/// or a body that is not JSON is a reason to try again.
async fn get_once(
    client: &HttpClient,
    endpoint: &Endpoint,
    authorization: Option<&HeaderValue>,
) -> Result<Json, (String, Option<crate::error::DispatchError>)> {
    let plain = |reason: String| (reason, None);
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(value) = authorization {
        headers.insert(AUTHORIZATION, value.clone());
    }
    let request = metadata_request(Method::GET, &endpoint.url, headers)
        .map_err(|e| plain(format!("cannot build the request: {e}")))?;
    let response = exchange(client, request, TIMEOUT)
        .await
        .map_err(|e| (e.to_string(), Some(e)))?;
    let text = String::from_utf8_lossy(&response.body);
    if response.head.status != StatusCode::OK {
        return Err(plain(format!(
            "status {}: {}",
            response.head.status.as_u16(),
            redacted(&text, authorization)
        )));
    }
    serde_json::from_str(&text).map_err(|_| plain("the response is not valid JSON".to_owned()))
}

/// A short quote of an error body, with the authorization token blanked
/// out should the server echo it.
fn redacted(body: &str, authorization: Option<&HeaderValue>) -> String {
    let token = authorization
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty());
    match token {
        Some(token) => snippet(&body.replace(token, "** redacted **")),
        None => snippet(body),
    }
}

/// Credentials from the endpoint's answer.
fn credentials_from_document(
    document: &Json,
    endpoint: &Endpoint,
) -> Result<Credentials, CredentialsError> {
    let field = |name: &str| {
        document
            .get(name)
            .and_then(Json::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                CredentialsError::provider(
                    ContainerProvider::NAME,
                    format!("the answer from {} has no {name}", endpoint.origin),
                )
            })
    };
    let (key, secret, token) = (
        field("AccessKeyId")?,
        field("SecretAccessKey")?,
        field("Token")?,
    );
    let expires_at = DateTime::parse(field("Expiration")?).ok_or_else(|| {
        CredentialsError::provider(
            ContainerProvider::NAME,
            format!(
                "the answer from {} has an unreadable Expiration",
                endpoint.origin
            ),
        )
    })?;
    let account_id = document
        .get("AccountId")
        .and_then(Json::as_str)
        .map(str::to_owned);
    Ok(
        Credentials::new(key, secret, Some(token.to_owned()), Some(expires_at))
            .with_account_id(account_id)
            .with_provider_name(ContainerProvider::NAME),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;

    use super::*;
    use crate::config::test_support::TempDir;
    use crate::config::SharedConfig;
    use crate::test_server::{Recorded, Reply, TestServer};

    const SECRET: &str = "container-secret-access-key";
    const SESSION_TOKEN: &str = "container-session-token";
    const AUTH_TOKEN: &str = "Bearer auth-token-very-secret";

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    fn provider(env: &[(&str, &str)]) -> Option<ContainerProvider> {
        let env = Env::from_pairs(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let shared = Arc::new(SharedConfig::empty());
        let active = shared.select_profile(&env, None).expect("profile");
        let ctx = Arc::new(ProviderContext::new(env, shared, active));
        ContainerProvider::from_context(ctx).map(|p| p.with_retry_sleep(Duration::from_millis(1)))
    }

    fn document() -> Json {
        json!({
            "AccessKeyId": "ASIACONTAINER",
            "SecretAccessKey": SECRET,
            "Token": SESSION_TOKEN,
            "Expiration": "2099-01-01T00:00:00Z",
            "AccountId": "111122223333",
            "RoleArn": "arn:aws:iam::111122223333:role/task",
        })
    }

    fn serve_credentials(_: &Recorded) -> Reply {
        Reply::json(&document())
    }

    #[test]
    fn configured_only_by_the_uri_variables() {
        assert!(provider(&[]).is_none());
        assert!(provider(&[(TOKEN_VAR, "x")]).is_none());
        assert!(provider(&[(RELATIVE_URI_VAR, "/v2/credentials/abc")]).is_some());
        assert!(provider(&[(FULL_URI_VAR, "http://127.0.0.1/c")]).is_some());
    }

    #[test]
    fn relative_uri_is_fetched_from_the_base() {
        block_on(async {
            let server = TestServer::start(serve_credentials).await;
            let provider = provider(&[(RELATIVE_URI_VAR, "/v2/credentials/abc-123")])
                .unwrap()
                .with_relative_base(&server.url());
            let creds = provider.provide_credentials().await.expect("credentials");
            assert_eq!(creds.access_key_id(), "ASIACONTAINER");
            assert_eq!(creds.secret_access_key(), SECRET);
            assert_eq!(creds.session_token(), Some(SESSION_TOKEN));
            assert_eq!(creds.account_id(), Some("111122223333"));
            assert_eq!(creds.expires_at(), DateTime::parse("2099-01-01T00:00:00Z"));
            assert_eq!(creds.provider_name(), "container-role");
            let requests = server.requests();
            assert_eq!(requests.len(), 1);
            assert_eq!(requests[0].method, "GET");
            assert_eq!(requests[0].target, "/v2/credentials/abc-123");
            assert_eq!(requests[0].header("accept"), Some("application/json"));
            assert_eq!(requests[0].header("authorization"), None);
        });
        // Without the test base, the ECS address.
        let ecs = provider(&[(RELATIVE_URI_VAR, "/v2/credentials/x")]).unwrap();
        let endpoint = ecs.endpoint.as_ref().unwrap();
        assert_eq!(endpoint.url, "http://169.254.170.2/v2/credentials/x");
    }

    #[test]
    fn full_uri_with_token_from_the_environment() {
        block_on(async {
            let server = TestServer::start(serve_credentials).await;
            let url = format!("{}/get-credentials?a=1", server.url());
            let provider = provider(&[(FULL_URI_VAR, &url), (TOKEN_VAR, AUTH_TOKEN)]).unwrap();
            provider.provide_credentials().await.expect("credentials");
            let request = &server.requests()[0];
            assert_eq!(request.target, "/get-credentials?a=1");
            assert_eq!(request.header("authorization"), Some(AUTH_TOKEN));
        });
    }

    #[test]
    fn token_file_wins_and_is_read_on_every_fetch() {
        let dir = TempDir::new();
        let file = dir.write("token", "first-token");
        let path = file.to_str().unwrap();
        block_on(async {
            let server = TestServer::start(serve_credentials).await;
            let url = format!("{}/creds", server.url());
            let provider = provider(&[
                (FULL_URI_VAR, url.as_str()),
                (TOKEN_FILE_VAR, path),
                (TOKEN_VAR, "ignored-env-token"),
            ])
            .unwrap();
            provider.provide_credentials().await.expect("first");
            dir.write("token", "second-token");
            provider.provide_credentials().await.expect("second");
            let sent: Vec<_> = server
                .requests()
                .iter()
                .map(|r| r.header("authorization").unwrap_or_default().to_owned())
                .collect();
            assert_eq!(sent, ["first-token", "second-token"]);

            let missing = dir.path().join("nope");
            let gone = self::provider(&[
                (FULL_URI_VAR, url.as_str()),
                (TOKEN_FILE_VAR, missing.to_str().unwrap()),
            ])
            .unwrap();
            let err = gone.provide_credentials().await.unwrap_err();
            assert!(
                err.to_string()
                    .contains("cannot read the authorization token file"),
                "{err}"
            );
            assert_eq!(server.requests().len(), 2);
        });
    }

    #[test]
    fn tokens_with_line_breaks_are_refused() {
        let dir = TempDir::new();
        let file = dir.write("token", "file-token\n");
        block_on(async {
            let server = TestServer::start(serve_credentials).await;
            let url = format!("{}/creds", server.url());
            for env in [
                vec![
                    (FULL_URI_VAR, url.as_str()),
                    (TOKEN_VAR, "abc\r\nX-Injected: 1"),
                ],
                vec![
                    (FULL_URI_VAR, url.as_str()),
                    (TOKEN_FILE_VAR, file.to_str().unwrap()),
                ],
            ] {
                let err = provider(&env)
                    .unwrap()
                    .provide_credentials()
                    .await
                    .unwrap_err();
                assert!(matches!(err, CredentialsError::Invalid { .. }), "{err:?}");
                assert!(
                    err.to_string().contains("carriage return or line feed"),
                    "{err}"
                );
            }
            assert!(server.requests().is_empty(), "nothing may be sent");
        });
    }

    #[test]
    fn disallowed_hosts_are_refused_without_a_request() {
        block_on(async {
            for url in [
                "http://169.254.169.254/latest/meta-data/",
                "http://example.com/creds",
                "http://127.0.0.1.example.com/creds",
                "http://10.0.0.1/creds",
            ] {
                let err = provider(&[(FULL_URI_VAR, url)])
                    .unwrap()
                    .provide_credentials()
                    .await
                    .unwrap_err();
                let text = err.to_string();
                let host = url.split('/').nth(2).unwrap();
                assert!(
                    text.contains(&format!("unsupported host \"{host}\"")),
                    "{text}"
                );
                assert!(
                    text.contains("169.254.170.23, fd00:ec2::23, localhost"),
                    "{text}"
                );
                assert!(text.contains(FULL_URI_VAR), "{text}");
            }
        });
        let bad_relative = provider(&[(RELATIVE_URI_VAR, "@evil.example.com/")]).unwrap();
        assert!(bad_relative.endpoint.is_err());
        let ftp = check_allowed_url("ftp://127.0.0.1/x").unwrap_err();
        assert!(ftp.contains("http://"), "{ftp}");
    }

    #[test]
    fn allowed_hosts_follow_botocore() {
        for url in [
            "https://anything.example.com/creds",
            "http://127.0.0.1:8080/creds",
            "http://127.2.3.4/creds",
            "http://[::1]:80/creds",
            "http://LOCALHOST/creds",
            "http://169.254.170.2/v2/credentials/x",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
        ] {
            assert!(check_allowed_url(url).is_ok(), "{url}");
        }
        assert_eq!(
            check_allowed_url("http://user:pw@127.0.0.1:9/x").unwrap(),
            "http://127.0.0.1:9"
        );
    }

    #[test]
    fn failed_attempts_are_retried_then_succeed() {
        block_on(async {
            let calls = Arc::new(AtomicUsize::new(0));
            let counter = calls.clone();
            let server = TestServer::start(move |_: &Recorded| {
                match counter.fetch_add(1, Ordering::SeqCst) {
                    0 => Reply::status(500, "internal"),
                    1 => Reply::status(200, "not json"),
                    _ => Reply::json(&document()),
                }
            })
            .await;
            let url = format!("{}/creds", server.url());
            let provider = provider(&[(FULL_URI_VAR, &url)]).unwrap();
            let creds = provider.provide_credentials().await.expect("third attempt");
            assert_eq!(creds.access_key_id(), "ASIACONTAINER");
            assert_eq!(server.requests().len(), 3);
        });
    }

    #[test]
    fn three_failures_are_an_error() {
        block_on(async {
            let server = TestServer::start(|_: &Recorded| {
                Reply::status(503, format!("unavailable; you sent {AUTH_TOKEN}"))
            })
            .await;
            let url = format!("{}/creds", server.url());
            let provider = provider(&[(FULL_URI_VAR, &url), (TOKEN_VAR, AUTH_TOKEN)]).unwrap();
            let err = provider.provide_credentials().await.unwrap_err();
            let text = err.to_string();
            assert!(text.contains("after 3 attempts: status 503"), "{text}");
            assert!(!text.contains("auth-token-very-secret"), "{text}");
            assert!(!text.contains("/creds"), "no path in errors: {text}");
            assert_eq!(server.requests().len(), 3);
        });
    }

    #[test]
    fn missing_fields_are_named() {
        block_on(async {
            for field in ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"] {
                let mut answer = document();
                answer.as_object_mut().unwrap().remove(field);
                let server = TestServer::start(move |_: &Recorded| Reply::json(&answer)).await;
                let url = format!("{}/creds", server.url());
                let err = provider(&[(FULL_URI_VAR, &url)])
                    .unwrap()
                    .provide_credentials()
                    .await
                    .unwrap_err();
                assert!(
                    err.to_string().contains(&format!("has no {field}")),
                    "{err}"
                );
                assert_eq!(server.requests().len(), 1, "not retried");
            }
            let mut answer = document();
            answer["Expiration"] = json!("whenever");
            answer.as_object_mut().unwrap().remove("AccountId");
            let server = TestServer::start(move |_: &Recorded| Reply::json(&answer)).await;
            let url = format!("{}/creds", server.url());
            let err = provider(&[(FULL_URI_VAR, &url)])
                .unwrap()
                .provide_credentials()
                .await
                .unwrap_err();
            assert!(err.to_string().contains("unreadable Expiration"), "{err}");
        });
    }

    #[test]
    fn debug_and_errors_never_show_the_token() {
        block_on(async {
            let server = TestServer::start(|_: &Recorded| Reply::status(404, "")).await;
            let url = format!("{}/creds", server.url());
            let provider = provider(&[(FULL_URI_VAR, &url), (TOKEN_VAR, AUTH_TOKEN)]).unwrap();
            let err = provider.provide_credentials().await.unwrap_err();
            let bad =
                self::provider(&[(FULL_URI_VAR, &url), (TOKEN_VAR, "tok\nsecret-part")]).unwrap();
            let refused = bad.provide_credentials().await.unwrap_err();
            let shown =
                format!("{provider:?} {provider:#?} {err} {err:?} {bad:?} {refused} {refused:?}");
            assert!(shown.contains("Env"), "{shown}");
            for secret in ["auth-token-very-secret", "secret-part"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
            let header = authorization_value(AUTH_TOKEN).unwrap();
            assert!(!format!("{header:?}").contains("very-secret"));
        });
    }
}
