//! [`HttpTransport`]: what sends one HTTP request, and [`HyperTransport`],
//! the one myaws uses unless told otherwise (hyper-util's pooled client over
//! [`Connector`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::BodyExt;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::connect::Connector;
use super::connect::TlsSource;
use super::proxy::{Proxies, Route};
use super::resolve::OverrideResolver;
use super::tls::{LazyBundle, TlsConnector};
use super::watch::WatchedBody;
use super::HttpSettings;
use crate::body::BoxError;
use crate::client::BoxFuture;
use crate::error::{DispatchError, DispatchErrorKind};

/// A response body as transports return it.
pub type ResponseBody = http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>;

/// A request body as transports receive it: bytes or a stream, whose
/// progress myaws watches (read timeout, stalled-stream protection).
pub type RequestBody = http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>;

/// Sends one HTTP request and returns the response as soon as its head
/// arrives, the body unread. Implement it to put another HTTP stack (or a
/// test double) under every client:
/// [`ClientConfig::http_transport`](crate::session::ClientConfig::http_transport)
/// or [`SessionBuilder::http_transport`](crate::session::SessionBuilder::http_transport).
///
/// myaws still applies the read timeout, stalled-stream protection, the
/// attempt and operation timeouts, body limits and retries around it; the
/// transport owns connecting (and so the connect timeout, TLS, proxies and
/// pooling). Errors are [`DispatchError`]s: [`DispatchError::connect`] for a
/// request that never left (safe to retry), [`DispatchError::io`] for a
/// broken exchange. A request whose version is
/// [`http::Version::HTTP_2`] (an input event stream) must go over an HTTP/2
/// connection: over `http` with prior knowledge, over `https` by ALPN.
///
/// ```
/// use myaws_core::client::BoxFuture;
/// use myaws_core::http::{HttpTransport, RequestBody, ResponseBody};
/// use myaws_core::DispatchError;
/// use http_body_util::{BodyExt, Full};
///
/// /// Answers every request with `{}`.
/// #[derive(Debug)]
/// struct Canned;
///
/// impl HttpTransport for Canned {
///     fn send(
///         &self,
///         _request: http::Request<RequestBody>,
///     ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, DispatchError>> {
///         Box::pin(async {
///             let body = Full::new(bytes::Bytes::from_static(b"{}"))
///                 .map_err(|e| match e {})
///                 .boxed_unsync();
///             Ok(http::Response::new(body))
///         })
///     }
/// }
/// ```
pub trait HttpTransport: Send + Sync + fmt::Debug + 'static {
    /// Sends `request`; resolves when the response head has arrived.
    fn send(
        &self,
        request: Request<RequestBody>,
    ) -> BoxFuture<'_, Result<Response<ResponseBody>, DispatchError>>;
}

/// Pool settings (boto3's `max_pool_connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolSettings {
    /// Most idle connections kept per host (`None`: no limit). As with
    /// boto3, more connections than this may be open at once; those beyond
    /// it are closed when their request ends instead of being kept.
    pub max_idle_per_host: Option<usize>,
    /// How long an idle connection is kept.
    pub idle_timeout: Duration,
}

/// How long idle connections are kept by default.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_idle_per_host: None,
            idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
        }
    }
}

/// hyper 1 + hyper-util's pooled client, over myaws's connector (TCP, DNS
/// overrides, proxies, TLS, connect timeout).
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<Connector, WatchedOrBoxed>,
    /// HTTP/2 only (prior knowledge over plain HTTP, ALPN `h2` over TLS),
    /// for requests marked HTTP/2 (input event streams).
    #[cfg(feature = "http2")]
    h2: Client<Connector, WatchedOrBoxed>,
    proxies: Option<Arc<Proxies>>,
}

/// The body type handed to hyper.
type WatchedOrBoxed = RequestBody;

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// A transport with its own connection pool.
    pub fn new(settings: &HttpSettings) -> Result<HyperTransport, String> {
        let mut http =
            HttpConnector::new_with_resolver(OverrideResolver::new(&settings.resolve_overrides));
        http.enforce_http(false);
        // The connector's own timeout covers TCP, the proxy and TLS.
        http.set_connect_timeout(None);
        http.set_nodelay(true);
        if settings.tcp_keepalive {
            http.set_keepalive(Some(TCP_KEEPALIVE_IDLE));
        }
        // Certificates are parsed on the first TLS connection (most of a
        // client's creation cost otherwise, and plain HTTP never needs
        // them); a CA bundle is checked now, so a wrong one fails here.
        let tls = match &settings.ca_bundle {
            Some(path) => TlsSource::Bundle(Arc::new(LazyBundle::new(path)?)),
            None => TlsSource::System,
        };
        let (proxies, proxy_tls) = match &settings.proxy {
            Some(config) if !config.is_empty() => {
                let proxies = config.parse()?;
                let proxy_tls = match &config.proxy_ca_bundle {
                    Some(path) => TlsConnector::new(Some(path))
                        .map_err(|e| format!("proxy_ca_bundle: {e}"))?,
                    None => None,
                };
                (Some(Arc::new(proxies)), proxy_tls)
            }
            _ => (None, None),
        };
        let connector = Connector::new(
            http,
            tls,
            proxy_tls,
            proxies.clone(),
            settings.connect_timeout,
        );
        let mut builder = Client::builder(TokioExecutor::new());
        builder.pool_idle_timeout(settings.pool.idle_timeout);
        if let Some(max) = settings.pool.max_idle_per_host {
            builder.pool_max_idle_per_host(max);
        }
        #[cfg(feature = "http2")]
        let h2 = {
            let mut h2 = builder.clone();
            h2.http2_only(true);
            h2.build(connector.clone())
        };
        Ok(HyperTransport {
            client: builder.build(connector),
            #[cfg(feature = "http2")]
            h2,
            proxies,
        })
    }
}

/// Idle time before TCP keep-alive probes start (`tcp_keepalive`).
pub const TCP_KEEPALIVE_IDLE: Duration = Duration::from_secs(60);

impl HttpTransport for HyperTransport {
    fn send(
        &self,
        mut request: Request<RequestBody>,
    ) -> BoxFuture<'_, Result<Response<ResponseBody>, DispatchError>> {
        Box::pin(async move {
            if let Some(proxies) = &self.proxies {
                if let Route::Forward(proxy) = proxies.route(request.uri()) {
                    if let Some(auth) = &proxy.auth {
                        request
                            .headers_mut()
                            .insert(http::header::PROXY_AUTHORIZATION, auth.clone());
                    }
                }
            }
            #[cfg(feature = "http2")]
            let client = if request.version() == http::Version::HTTP_2 {
                &self.h2
            } else {
                &self.client
            };
            #[cfg(not(feature = "http2"))]
            let client = &self.client;
            let response = client.request(request).await.map_err(classify)?;
            Ok(response.map(|body| body.map_err(BoxError::from).boxed_unsync()))
        })
    }
}

/// A watched request body, boxed for the transport.
pub(crate) fn boxed(body: WatchedBody) -> RequestBody {
    body.boxed_unsync()
}

/// Turns hyper-util's error into a typed [`DispatchError`], keeping it as
/// the source: connect timeouts, proxy failures and stalled uploads are
/// recognised in its chain.
fn classify(e: hyper_util::client::legacy::Error) -> DispatchError {
    let mut message = e.to_string();
    let mut typed: Option<DispatchError> = None;
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(t) = s.downcast_ref::<super::connect::ConnectTimedOut>() {
            typed = Some(DispatchError::timed_out(
                crate::error::TimeoutKind::Connect,
                t.to_string(),
            ));
        } else if let Some(p) = s.downcast_ref::<super::connect::ProxyFailed>() {
            typed = Some(DispatchError::connect(p.to_string()));
        } else if let Some(stalled) = s.downcast_ref::<super::watch::UploadStalled>() {
            typed = Some(DispatchError::timed_out(
                crate::error::TimeoutKind::StalledStream,
                format!("the request body stalled: {}", stalled.0.message),
            ));
        }
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let error = match typed {
        Some(t) => t,
        None if e.is_connect() => DispatchError::new(DispatchErrorKind::Connect, message),
        None => DispatchError::new(DispatchErrorKind::Io, message),
    };
    error.with_source(e)
}

/// An [`HttpTransport`] shared between clients (configuration values hold
/// this; two are equal when they are the same transport).
#[derive(Clone, Debug)]
pub struct SharedTransport(pub Arc<dyn HttpTransport>);

impl SharedTransport {
    /// Shares `transport`.
    pub fn new(transport: impl HttpTransport) -> Self {
        SharedTransport(Arc::new(transport))
    }
}

impl PartialEq for SharedTransport {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SharedTransport {}
