//! The connector under hyper's pool: TCP (with DNS overrides), then a proxy
//! (a `CONNECT` tunnel, or forwarding for plain HTTP), then TLS, the whole
//! of it within the connect timeout.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::proxy::{Proxies, ProxyTarget, Route};
use super::resolve::OverrideResolver;
use super::tls::{BoxIo, LazyBundle, TlsConnector};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Longest proxy answer to `CONNECT` read before giving up.
const MAX_CONNECT_RESPONSE: usize = 16 * 1024;

/// A connection: TCP or TLS (possibly inside a proxy's TLS).
pub(crate) struct Conn {
    io: TokioIo<BoxIo>,
    proxied: bool,
    h2: bool,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        let connected = Connected::new().proxy(self.proxied);
        if self.h2 {
            connected.negotiated_h2()
        } else {
            connected
        }
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// Marks an error as a connect timeout for [`super::classify`].
#[derive(Debug)]
pub(crate) struct ConnectTimedOut(pub(crate) Duration);

impl std::fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no connection (TCP, proxy and TLS handshake) within {} s",
            self.0.as_secs_f64()
        )
    }
}

impl std::error::Error for ConnectTimedOut {}

/// A proxy failure, for [`super::classify`] (the message masks credentials).
#[derive(Debug)]
pub(crate) struct ProxyFailed(pub(crate) String);

impl std::fmt::Display for ProxyFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProxyFailed {}

/// Where a connector's TLS configuration comes from.
#[derive(Clone, Debug)]
pub(crate) enum TlsSource {
    /// The system's roots, loaded on the first TLS connection
    /// ([`TlsConnector::system`]).
    System,
    /// A CA bundle (checked for certificates when the transport was built),
    /// parsed on the first TLS connection and kept.
    Bundle(Arc<LazyBundle>),
}

/// The connector: cheap to clone (hyper clones it per connection).
#[derive(Clone, Debug)]
pub(crate) struct Connector {
    tcp: HttpConnector<OverrideResolver>,
    tls: TlsSource,
    /// TLS towards an `https://` proxy.
    proxy_tls: Option<TlsConnector>,
    proxies: Option<Arc<Proxies>>,
    timeout: Option<Duration>,
}

impl Connector {
    /// A connector.
    pub(crate) fn new(
        tcp: HttpConnector<OverrideResolver>,
        tls: TlsSource,
        proxy_tls: Option<TlsConnector>,
        proxies: Option<Arc<Proxies>>,
        timeout: Option<Duration>,
    ) -> Connector {
        Connector {
            tcp,
            tls,
            proxy_tls,
            proxies,
            timeout,
        }
    }

    async fn connect(mut self, dst: Uri) -> Result<Conn, BoxError> {
        let https = dst.scheme_str() == Some("https");
        let host = dst
            .host()
            .ok_or("the URL has no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let proxies = self.proxies.clone();
        let route = match &proxies {
            Some(p) => p.route(&dst),
            None => Route::Direct,
        };
        match route {
            Route::Direct => {
                let tcp = self.tcp_to(dst).await?;
                if https {
                    let (io, h2) = self.tls()?.connect(&host, tcp).await?;
                    Ok(conn(io, false, h2))
                } else {
                    Ok(conn(Box::new(tcp), false, false))
                }
            }
            Route::Forward(proxy) => {
                let io = self.dial_proxy(proxy).await?;
                Ok(conn(io, true, false))
            }
            Route::Tunnel(proxy) => {
                let mut io = self.dial_proxy(proxy).await?;
                let port = dst.port_u16().unwrap_or(443);
                tunnel(&mut io, &host, port, proxy).await?;
                let (io, h2) = self.tls()?.connect(&host, io).await?;
                Ok(conn(io, false, h2))
            }
        }
    }

    fn tls(&self) -> Result<TlsConnector, BoxError> {
        let tls = match &self.tls {
            TlsSource::System => TlsConnector::system()?,
            TlsSource::Bundle(bundle) => bundle.connector()?,
        };
        tls.ok_or_else(|| {
            "this build of myaws has no TLS support: enable the `rustls` or `native-tls` feature"
                .into()
        })
    }

    async fn tcp_to(&mut self, uri: Uri) -> Result<tokio::net::TcpStream, BoxError> {
        use tower_service::Service;
        std::future::poll_fn(|cx| self.tcp.poll_ready(cx)).await?;
        Ok(self.tcp.call(uri).await?.into_inner())
    }

    /// A stream to the proxy (TLS when it is an `https://` proxy).
    async fn dial_proxy(&mut self, proxy: &ProxyTarget) -> Result<BoxIo, BoxError> {
        let tcp = self.tcp_to(proxy.uri.clone()).await.map_err(|e| {
            ProxyFailed(format!(
                "could not connect to the proxy {}: {e}",
                proxy.shown
            ))
        })?;
        if !proxy.tls {
            return Ok(Box::new(tcp));
        }
        let tls = match self.proxy_tls.clone() {
            Some(tls) => tls,
            None => self.tls().map_err(|e| {
                ProxyFailed(format!("TLS with the proxy {} failed: {e}", proxy.shown))
            })?,
        };
        let (io, _) = tls
            .connect(proxy.host(), tcp)
            .await
            .map_err(|e| ProxyFailed(format!("TLS with the proxy {} failed: {e}", proxy.shown)))?;
        Ok(io)
    }
}

fn conn(io: BoxIo, proxied: bool, h2: bool) -> Conn {
    Conn {
        io: TokioIo::new(io),
        proxied,
        h2,
    }
}

/// Asks the proxy for a tunnel to `host:port` and reads its answer.
async fn tunnel(
    io: &mut BoxIo,
    host: &str,
    port: u16,
    proxy: &ProxyTarget,
) -> Result<(), BoxError> {
    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut head = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n").into_bytes();
    if let Some(auth) = &proxy.auth {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let failed = |what: String| ProxyFailed(format!("proxy {}: {what}", proxy.shown));
    io.write_all(&head)
        .await
        .map_err(|e| failed(format!("sending CONNECT: {e}")))?;
    io.flush()
        .await
        .map_err(|e| failed(format!("sending CONNECT: {e}")))?;
    let mut answer = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    // Byte by byte: nothing past the head may be consumed (the TLS
    // handshake follows), and the head is short.
    while !answer.ends_with(b"\r\n\r\n") {
        if answer.len() >= MAX_CONNECT_RESPONSE {
            return Err(failed("CONNECT answer head too long".into()).into());
        }
        let n = io
            .read(&mut byte)
            .await
            .map_err(|e| failed(format!("reading the CONNECT answer: {e}")))?;
        if n == 0 {
            return Err(failed("closed the connection during CONNECT".into()).into());
        }
        answer.push(byte[0]);
    }
    let status_line = answer
        .split(|b| *b == b'\n')
        .next()
        .map(|l| String::from_utf8_lossy(l).trim().to_string())
        .unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    match status {
        Some(200..=299) => Ok(()),
        Some(407) if proxy.auth.is_some() => Err(failed(
            "refused the proxy credentials (407 Proxy Authentication Required)".into(),
        )
        .into()),
        Some(407) => Err(failed(
            "requires authentication (407): put the credentials in the proxy URL, http://user:password@host:port"
                .into(),
        )
        .into()),
        _ => Err(failed(format!("refused CONNECT to {target}: `{status_line}`")).into()),
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let this = self.clone();
        let timeout = self.timeout;
        Box::pin(async move {
            let work = this.connect(dst);
            match timeout {
                None => work.await,
                Some(limit) => match tokio::time::timeout(limit, work).await {
                    Ok(result) => result,
                    Err(_) => Err(Box::new(ConnectTimedOut(limit)) as BoxError),
                },
            }
        })
    }
}
