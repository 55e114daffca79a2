//! The HTTP client: hyper 1 with hyper-util's pooled client, TLS chosen by
//! cargo feature (`rustls` by default, or `native-tls`). A build without TLS
//! speaks plain HTTP only and says so when given an `https` URL.
//!
//! Request bodies are [`SdkBody`] (bytes or a stream); responses come back
//! with their body unread ([`StreamingResponse`]) so a streaming payload can
//! be handed to the caller, or buffered up to a limit for parsing.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::Request;
use http_body_util::BodyExt;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::body::{BoxStream, SdkBody};
use crate::error::{DispatchError, DispatchErrorKind};

mod resolve;

pub use resolve::OverrideResolver;

type Http = HttpConnector<OverrideResolver>;
#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<Http>;
#[cfg(all(not(feature = "rustls"), feature = "native-tls"))]
type Connector = hyper_tls::HttpsConnector<Http>;
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
type Connector = Http;

/// How long a request with `Expect: 100-continue` waits for the server's
/// `100 Continue` before sending its body anyway (as botocore).
pub const EXPECT_CONTINUE_WAIT: Duration = Duration::from_secs(1);

/// Settings of an [`HttpClient`].
#[derive(Debug, Clone, Default)]
pub struct HttpSettings {
    /// Time allowed to establish a connection.
    pub connect_timeout: Option<Duration>,
    /// Time allowed between response bytes (and for the response head).
    pub read_timeout: Option<Duration>,
    /// Extra PEM file of trusted CA certificates (`AWS_CA_BUNDLE`).
    pub ca_bundle: Option<std::path::PathBuf>,
    /// Host names equal to or ending in a suffix resolve to its address.
    pub resolve_overrides: Vec<(String, IpAddr)>,
}

/// A pooled HTTP/1.1 + HTTP/2 client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct HttpClient {
    client: Client<Connector, SdkBody>,
    /// HTTP/2 only (prior knowledge over plain HTTP, ALPN `h2` over TLS),
    /// for requests that need it (input event streams).
    #[cfg(feature = "http2")]
    h2: Client<Connector, SdkBody>,
    read_timeout: Option<Duration>,
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
    body: hyper::body::Incoming,
    read_timeout: Option<Duration>,
}

impl StreamingResponse {
    /// Reads the whole body, refusing bodies longer than `max_body` bytes.
    pub async fn buffer(self, max_body: usize) -> Result<BufferedResponse, DispatchError> {
        read_body(self.head, self.body, max_body, self.read_timeout).await
    }

    /// The head and the body as a stream of chunks (each read subject to the
    /// read timeout).
    pub fn into_stream(self) -> (http::response::Parts, BoxStream) {
        let state = (self.body, self.read_timeout);
        let stream = futures_util::stream::try_unfold(state, |(mut body, timeout)| async move {
            loop {
                let frame = match with_timeout(timeout, body.frame()).await {
                    Ok(Some(frame)) => frame.map_err(|e| {
                        std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            format!("reading the response body: {e}"),
                        )
                    })?,
                    Ok(None) => return Ok(None),
                    Err(e) => {
                        return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, e.message))
                    }
                };
                if let Ok(data) = frame.into_data() {
                    return Ok(Some((data, (body, timeout))));
                }
            }
        });
        (self.head, Box::pin(stream))
    }
}

impl HttpClient {
    /// Builds a client with its own connection pool.
    pub fn new(settings: &HttpSettings) -> Result<HttpClient, String> {
        let mut http =
            HttpConnector::new_with_resolver(OverrideResolver::new(&settings.resolve_overrides));
        http.enforce_http(false);
        http.set_connect_timeout(settings.connect_timeout);
        http.set_nodelay(true);
        let connector = tls_connector(http, settings.ca_bundle.as_deref())?;
        #[cfg(feature = "http2")]
        let h2 = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .http2_only(true)
            .build(connector.clone());
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Ok(HttpClient {
            client,
            #[cfg(feature = "http2")]
            h2,
            read_timeout: settings.read_timeout,
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
        check_scheme(
            request.uri().scheme_str(),
            cfg!(any(feature = "rustls", feature = "native-tls")),
        )?;
        crate::eventstream::check_http2(h2, cfg!(feature = "http2")).map_err(|message| {
            DispatchError {
                kind: DispatchErrorKind::Unsupported,
                message: message.into(),
            }
        })?;
        if expects_continue(&request) {
            gate_on_continue(&mut request);
        }
        #[cfg(feature = "http2")]
        let client = if h2 { &self.h2 } else { &self.client };
        #[cfg(not(feature = "http2"))]
        let client = &self.client;
        let response = with_timeout(self.read_timeout, client.request(request))
            .await?
            .map_err(classify)?;
        let (head, body) = response.into_parts();
        Ok(StreamingResponse {
            head,
            body,
            read_timeout: self.read_timeout,
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

async fn with_timeout<F: std::future::Future>(
    limit: Option<Duration>,
    fut: F,
) -> Result<F::Output, DispatchError> {
    match limit {
        Some(d) => tokio::time::timeout(d, fut)
            .await
            .map_err(|_| DispatchError {
                kind: DispatchErrorKind::Timeout,
                message: format!("no response within {} s", d.as_secs_f64()),
            }),
        None => Ok(fut.await),
    }
}

async fn read_body(
    head: http::response::Parts,
    mut body: hyper::body::Incoming,
    max_body: usize,
    read_timeout: Option<Duration>,
) -> Result<BufferedResponse, DispatchError> {
    // hyper's own length, not the header's: a HEAD response declares the
    // object's length but has no body.
    let declared = http_body::Body::size_hint(&body).upper();
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(too_large(max_body));
    }
    // Never pre-allocate more than a modest amount on the server's word.
    let mut buf = BytesMut::with_capacity(declared.unwrap_or(0).min(1 << 20) as usize);
    loop {
        let frame = match with_timeout(read_timeout, body.frame()).await? {
            None => break,
            Some(f) => f.map_err(|e| DispatchError {
                kind: DispatchErrorKind::Io,
                message: format!("reading the response body: {e}"),
            })?,
        };
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > max_body {
                return Err(too_large(max_body));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(BufferedResponse {
        head,
        body: buf.freeze(),
    })
}

fn too_large(max: usize) -> DispatchError {
    DispatchError {
        kind: DispatchErrorKind::Io,
        message: format!("response body larger than the {max}-byte limit"),
    }
}

fn classify(e: hyper_util::client::legacy::Error) -> DispatchError {
    let kind = if e.is_connect() {
        DispatchErrorKind::Connect
    } else {
        DispatchErrorKind::Io
    };
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    DispatchError { kind, message }
}

#[cfg(feature = "rustls")]
fn tls_connector(http: Http, ca_bundle: Option<&Path>) -> Result<Connector, String> {
    use std::sync::{Arc, OnceLock};

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    // The system's roots are read and parsed once per process, and the TLS
    // configuration built on them once too: a ClientConfig clone shares its
    // verifier and root store (Arcs), so more clients cost next to nothing.
    static SYSTEM_ROOTS: OnceLock<rustls::RootCertStore> = OnceLock::new();
    static SYSTEM_CONFIG: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    let system_roots = || {
        SYSTEM_ROOTS.get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
            roots
        })
    };
    let client_config = |roots: rustls::RootCertStore| {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .map_err(|e| e.to_string())
    };
    let config = match ca_bundle {
        None => SYSTEM_CONFIG
            .get_or_init(|| client_config(system_roots().clone()))
            .clone()?,
        Some(path) => {
            let mut roots = system_roots().clone();
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("CA bundle {}: {e}", path.display()))?
                .collect::<Result<_, _>>()
                .map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "CA bundle {} holds no certificates",
                    path.display()
                ));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
            }
            client_config(roots)?
        }
    };
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1();
    #[cfg(feature = "http2")]
    let builder = builder.enable_http2();
    Ok(builder.wrap_connector(http))
}

#[cfg(all(not(feature = "rustls"), feature = "native-tls"))]
fn tls_connector(http: Http, ca_bundle: Option<&Path>) -> Result<Connector, String> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = ca_bundle {
        let pem = std::fs::read(path).map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
        let cert = native_tls::Certificate::from_pem(&pem)
            .map_err(|e| format!("CA bundle {}: {e}", path.display()))?;
        builder.add_root_certificate(cert);
    }
    let tls = builder.build().map_err(|e| e.to_string())?;
    Ok(hyper_tls::HttpsConnector::from((http, tls.into())))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn tls_connector(http: Http, ca_bundle: Option<&Path>) -> Result<Connector, String> {
    if ca_bundle.is_some() {
        return Err("a CA bundle was configured but this build has no TLS support".into());
    }
    Ok(http)
}

/// Refuses `https` when this build has no TLS backend, with a clear message.
fn check_scheme(scheme: Option<&str>, tls_available: bool) -> Result<(), DispatchError> {
    if scheme == Some("https") && !tls_available {
        return Err(DispatchError {
            kind: DispatchErrorKind::Unsupported,
            message: "this build of myaws has no TLS support: enable the `rustls` or `native-tls` feature to use https endpoints".into(),
        });
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
