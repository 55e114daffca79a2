//! The HTTP client: hyper 1 with hyper-util's pooled client, TLS chosen by
//! cargo feature (`rustls` by default, or `native-tls`). A build without TLS
//! speaks plain HTTP only and says so when given an `https` URL.
//!
//! Request bodies are [`SdkBody`] (bytes or a stream); responses come back
//! with their body unread ([`StreamingResponse`]) so a streaming payload can
//! be handed to the caller, or buffered up to a limit for parsing.
//!
//! Modules: `transport` ([`HttpTransport`], the pluggable sender, and
//! [`HyperTransport`]), `connect` (TCP, proxy tunnel, TLS under the connect
//! timeout), `tls`, `proxy` ([`ProxyConfig`], `NO_PROXY`), `watch` (read
//! timeout per read, stalled-stream protection) and `resolve` (DNS
//! overrides).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::Request;

use crate::body::{BoxStream, SdkBody};
use crate::error::{DispatchError, DispatchErrorKind};

mod connect;
mod proxy;
mod resolve;
mod tls;
mod transport;
mod watch;

pub use proxy::{from_env as proxies_from_env, mask as mask_proxy_url, ProxyConfig};
pub use resolve::OverrideResolver;
pub use transport::{
    HttpTransport, HyperTransport, PoolSettings, RequestBody, ResponseBody, SharedTransport,
    DEFAULT_POOL_IDLE_TIMEOUT, TCP_KEEPALIVE_IDLE,
};
pub use watch::{StalledStreamProtection, DEFAULT_STALL_GRACE_PERIOD};

use watch::{BodyReader, UploadWatch};

/// How long a request with `Expect: 100-continue` waits for the server's
/// `100 Continue` before sending its body anyway (as botocore).
pub const EXPECT_CONTINUE_WAIT: Duration = Duration::from_secs(1);

/// Settings of an [`HttpClient`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct HttpSettings {
    /// Time allowed to connect: TCP, a proxy's tunnel and the TLS handshake.
    pub connect_timeout: Option<Duration>,
    /// Time allowed for any one read or write on the connection to make
    /// progress, and for the response head once the request is sent.
    pub read_timeout: Option<Duration>,
    /// Extra PEM file of trusted CA certificates (`AWS_CA_BUNDLE`).
    pub ca_bundle: Option<std::path::PathBuf>,
    /// Host names equal to or ending in a suffix resolve to its address.
    pub resolve_overrides: Vec<(String, IpAddr)>,
    /// Proxies (`None`: connect directly).
    pub proxy: Option<ProxyConfig>,
    /// Connection pool settings.
    pub pool: PoolSettings,
    /// TCP keep-alive probes on idle connections (botocore's
    /// `tcp_keepalive`).
    pub tcp_keepalive: bool,
    /// Stalled-stream protection for request and response bodies.
    pub stalled_stream: StalledStreamProtection,
    /// Sends requests instead of the built-in hyper client.
    pub transport: Option<Arc<dyn HttpTransport>>,
}

/// Sends requests with myaws's timeouts around an [`HttpTransport`]. Cheap
/// to clone.
#[derive(Clone, Debug)]
pub struct HttpClient {
    transport: Arc<dyn HttpTransport>,
    read_timeout: Option<Duration>,
    stalled_stream: StalledStreamProtection,
}

/// A response with its whole body read.
#[derive(Debug)]
pub struct BufferedResponse {
    /// Status, headers and version.
    pub head: http::response::Parts,
    /// The body.
    pub body: Bytes,
}

/// A response whose body has not been read yet.
#[derive(Debug)]
pub struct StreamingResponse {
    /// Status, headers and version.
    pub head: http::response::Parts,
    body: BodyReader,
}

impl StreamingResponse {
    /// Reads the whole body, refusing bodies longer than `max_body` bytes
    /// ([`DispatchErrorKind::BodyTooLarge`], before reading anything when
    /// the declared length is already too long).
    pub async fn buffer(self, max_body: usize) -> Result<BufferedResponse, DispatchError> {
        let mut body = self.body;
        // hyper's own length, not the header's: a HEAD response declares the
        // object's length but has no body.
        let declared = body.size_hint().exact();
        if declared.is_some_and(|n| n > max_body as u64) {
            return Err(too_large(max_body, declared));
        }
        // A declared length within the limit is allocated at once (one
        // allocation, no doubling); otherwise grow from a modest start.
        let mut buf = BytesMut::with_capacity(declared.unwrap_or(16 * 1024) as usize);
        while let Some(data) = body.next().await? {
            if buf.len() + data.len() > max_body {
                return Err(too_large(max_body, None));
            }
            buf.extend_from_slice(&data);
        }
        Ok(BufferedResponse {
            head: self.head,
            body: buf.freeze(),
        })
    }

    /// The head and the body as a stream of chunks (each read subject to the
    /// read timeout and stalled-stream protection; an error's source is the
    /// [`DispatchError`]).
    pub fn into_stream(self) -> (http::response::Parts, BoxStream) {
        let stream = futures_util::stream::try_unfold(self.body, |mut body| async move {
            match body.next().await {
                Ok(Some(data)) => Ok(Some((data, body))),
                Ok(None) => Ok(None),
                Err(e) => {
                    let kind = match e.kind {
                        DispatchErrorKind::Timeout => std::io::ErrorKind::TimedOut,
                        _ => std::io::ErrorKind::UnexpectedEof,
                    };
                    Err(std::io::Error::new(kind, e))
                }
            }
        });
        (self.head, Box::pin(stream))
    }
}

impl HttpClient {
    /// Builds a client: the settings' transport, or hyper with its own
    /// connection pool.
    pub fn new(settings: &HttpSettings) -> Result<HttpClient, String> {
        let transport: Arc<dyn HttpTransport> = match &settings.transport {
            Some(t) => t.clone(),
            None => Arc::new(HyperTransport::new(settings)?),
        };
        Ok(HttpClient {
            transport,
            read_timeout: settings.read_timeout,
            stalled_stream: settings.stalled_stream,
        })
    }

    /// Sends a request and reads the whole response body, refusing bodies
    /// longer than `max_body` bytes.
    pub async fn send(
        &self,
        request: Request<SdkBody>,
        max_body: usize,
    ) -> Result<BufferedResponse, DispatchError> {
        self.send_streaming(request).await?.buffer(max_body).await
    }

    /// Sends a request and returns as soon as the response head arrives.
    ///
    /// A request carrying `Expect: 100-continue` holds its body back until
    /// the server answers `100 Continue` or [`EXPECT_CONTINUE_WAIT`] passes.
    /// While the body goes out, the read timeout and stalled-stream
    /// protection watch its progress; once it is out, the head must arrive
    /// within the read timeout.
    pub async fn send_streaming(
        &self,
        request: Request<SdkBody>,
    ) -> Result<StreamingResponse, DispatchError> {
        self.send_with(request, false).await
    }

    /// [`send_streaming`](Self::send_streaming) over HTTP/2 only: prior
    /// knowledge for `http` URLs, ALPN `h2` for `https`. Without the `http2`
    /// feature this is an `Unsupported` error saying so.
    pub async fn send_streaming_h2(
        &self,
        request: Request<SdkBody>,
    ) -> Result<StreamingResponse, DispatchError> {
        self.send_with(request, true).await
    }

    async fn send_with(
        &self,
        mut request: Request<SdkBody>,
        h2: bool,
    ) -> Result<StreamingResponse, DispatchError> {
        check_scheme(request.uri().scheme_str(), tls::TLS_AVAILABLE)?;
        check_no_userinfo(request.uri())?;
        crate::eventstream::check_http2(h2, cfg!(feature = "http2"))
            .map_err(|message| DispatchError::new(DispatchErrorKind::Unsupported, message))?;
        if h2 {
            // The transport sends HTTP/2 requests over HTTP/2-only connections.
            *request.version_mut() = http::Version::HTTP_2;
        }
        if expects_continue(&request) {
            gate_on_continue(&mut request);
        }
        let (parts, body) = request.into_parts();
        let (body, watch) = UploadWatch::new(body, self.read_timeout, &self.stalled_stream);
        let request = Request::from_parts(parts, transport::boxed(body));
        let send = self.transport.send(request);
        let watchdog = watch.watchdog();
        futures_util::pin_mut!(send, watchdog);
        let response = match futures_util::future::select(send, watchdog).await {
            futures_util::future::Either::Left((response, _)) => response?,
            futures_util::future::Either::Right((error, _)) => return Err(error),
        };
        let (head, body) = response.into_parts();
        Ok(StreamingResponse {
            head,
            body: BodyReader::new(body, self.read_timeout, &self.stalled_stream),
        })
    }
}

fn expects_continue<B>(request: &Request<B>) -> bool {
    request
        .headers()
        .get(http::header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

/// Holds the body until a `100 Continue` arrives or the wait is over.
fn gate_on_continue(request: &mut Request<SdkBody>) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let tx = std::sync::Mutex::new(Some(tx));
    hyper::ext::on_informational(request, move |res| {
        if res.status() == http::StatusCode::CONTINUE {
            if let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) {
                let _ = tx.send(());
            }
        }
    });
    let body = std::mem::replace(request.body_mut(), SdkBody::empty());
    *request.body_mut() = body.with_gate(Box::pin(async move {
        let _ = tokio::time::timeout(EXPECT_CONTINUE_WAIT, rx).await;
    }));
}

fn too_large(max: usize, declared: Option<u64>) -> DispatchError {
    let message = match declared {
        Some(n) => {
            format!("the response declares {n} bytes, over the {max}-byte limit of this operation")
        }
        None => format!("the response body is over the {max}-byte limit of this operation"),
    };
    DispatchError::new(DispatchErrorKind::BodyTooLarge, message)
}

/// A response body's read error: the connection broke or the framing is
/// wrong (bad chunked encoding, fewer bytes than declared).
fn classify_body_error(e: crate::body::BoxError) -> DispatchError {
    let mut message = format!("reading the response body: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    DispatchError::io(message).with_source(e)
}

/// Refuses URLs with user info: it would be sent in the `Host` header.
fn check_no_userinfo(uri: &http::Uri) -> Result<(), DispatchError> {
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(DispatchError::new(
            DispatchErrorKind::Unsupported,
            "the URL holds user information (`user:password@`), which would be sent in the Host header; remove it",
        ));
    }
    Ok(())
}

/// Refuses `https` when this build has no TLS backend, with a clear message.
fn check_scheme(scheme: Option<&str>, tls_available: bool) -> Result<(), DispatchError> {
    if scheme == Some("https") && !tls_available {
        return Err(DispatchError::new(
            DispatchErrorKind::Unsupported,
            "this build of myaws has no TLS support: enable the `rustls` or `native-tls` feature to use https endpoints",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod scheme_tests {
    use super::*;

    #[test]
    fn https_without_tls_is_a_clear_error() {
        let err = check_scheme(Some("https"), false).unwrap_err();
        assert_eq!(err.kind, DispatchErrorKind::Unsupported);
        assert!(
            err.message.contains("`rustls` or `native-tls` feature"),
            "{}",
            err.message
        );
        assert!(check_scheme(Some("http"), false).is_ok());
        assert!(check_scheme(Some("https"), true).is_ok());
    }
}
