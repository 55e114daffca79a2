//! A loopback event-stream server for the tests: 127.0.0.1 only, HTTP/1.1
//! and HTTP/2 (prior knowledge on plain TCP, ALPN `h2` over TLS with a CA
//! made for the test), hyper underneath. A handler gets each request (head
//! and body stream) and answers through a [`Reply`]: the head, then body
//! pieces as it likes, or a TCP reset in the middle.
//!
//! Frames are written and read here with code of the tests' own (from the
//! event-stream specification), and input events' chained signatures are
//! checked independently of myaws ([`EventSignatures`]). Every connection
//! and the server stop when it is dropped; accepting is bounded by the
//! test's lifetime, and each test bounds itself in time.

#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use hmac::{Hmac, KeyInit, Mac};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use myaws_tests::test_server::Recorded;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// How the server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain TCP: HTTP/1.1, or HTTP/2 with prior knowledge.
    Plain,
    /// TLS offering `h2` and `http/1.1` by ALPN.
    Tls,
}

/// One request as the handler sees it.
pub struct Exchange {
    /// Method, URI, version, headers.
    pub parts: http::request::Parts,
    /// The request body, read as it arrives.
    pub body: Incoming,
    /// Where the answer goes.
    pub reply: Reply,
}

impl Exchange {
    /// The request as the SigV4 verifier wants it (body left out).
    pub fn recorded(&self) -> Recorded {
        let mut headers: Vec<(String, String)> = self
            .parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        if !headers.iter().any(|(k, _)| k == "host") {
            if let Some(authority) = self.parts.uri.authority() {
                headers.push(("host".into(), authority.to_string()));
            }
        }
        Recorded {
            method: self.parts.method.to_string(),
            target: self
                .parts
                .uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            headers,
            body: Vec::new(),
        }
    }
}

/// Reads a whole (small) request body.
pub async fn read_all(body: Incoming) -> Bytes {
    body.collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default()
}

/// A response's status and headers.
type Head = (u16, Vec<(String, String)>);

/// The answer to one request.
pub struct Reply {
    head: Option<oneshot::Sender<Head>>,
    body: mpsc::Sender<Bytes>,
    kill: Arc<Notify>,
}

impl Reply {
    /// Sends the status and headers (once; the body follows).
    pub fn head(&mut self, status: u16, headers: &[(&str, &str)]) {
        if let Some(tx) = self.head.take() {
            let headers = headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let _ = tx.send((status, headers));
        }
    }

    /// Sends a piece of the body; false when the client has gone.
    pub async fn send(&self, bytes: impl Into<Bytes>) -> bool {
        self.body.send(bytes.into()).await.is_ok()
    }

    /// Resets the connection now (TCP RST: the socket lingers 0 s). The
    /// body is held open until then, so it cannot end cleanly first.
    pub async fn reset(self) {
        self.kill.notify_one();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.body.closed()).await;
    }

    /// True once the client stopped reading (the body channel closed).
    pub async fn closed(&self) {
        self.body.closed().await
    }
}

/// A request handler.
pub type Handler =
    Arc<dyn Fn(Exchange) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync + 'static>;

/// Wraps an async closure as a [`Handler`].
pub fn handler<F, Fut>(f: F) -> Handler
where
    F: Fn(Exchange) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |exchange| Box::pin(f(exchange)))
}

/// What the server saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Connections accepted.
    pub connections: AtomicUsize,
    /// Connections that ended (the client closed them, or they were reset).
    pub closed: AtomicUsize,
    /// (method, path, HTTP version) of each request.
    pub requests: Mutex<Vec<(String, String, http::Version)>>,
}

/// A running server; stops when dropped.
pub struct Server {
    pub port: u16,
    pub mode: Mode,
    /// The CA to trust (TLS mode).
    pub ca_path: Option<std::path::PathBuf>,
    pub seen: Arc<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(p) = &self.ca_path {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Server {
    /// Starts a server answering with `handler`.
    pub async fn start(mode: Mode, handler: Handler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Seen::default());
        let (acceptor, ca_path) = match mode {
            Mode::Plain => (None, None),
            Mode::Tls => {
                let (ca_pem, config) = tls_config();
                let path = std::env::temp_dir()
                    .join(myaws_tests::unique("myaws-es-ca"))
                    .with_extension("pem");
                std::fs::write(&path, ca_pem).unwrap();
                (Some(TlsAcceptor::from(Arc::new(config))), Some(path))
            }
        };
        let state = seen.clone();
        let task = tokio::spawn(async move {
            // Bounded: no test needs more connections than this.
            for _ in 0..1_000 {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                // Dropping the socket resets it (RST), not a graceful close.
                let _ = tcp.set_zero_linger();
                state.connections.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                let state = state.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let kill = Arc::new(Notify::new());
                    match acceptor {
                        Some(acceptor) => {
                            if let Ok(tls) = acceptor.accept(tcp).await {
                                serve(TokioIo::new(tls), handler, state.clone(), kill).await;
                            }
                        }
                        None => serve(TokioIo::new(tcp), handler, state.clone(), kill).await,
                    }
                    state.closed.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        Server {
            port,
            mode,
            ca_path,
            seen,
            task,
        }
    }

    /// The endpoint URL (`https://localhost:PORT` in TLS mode).
    pub fn url(&self) -> String {
        match self.mode {
            Mode::Plain => format!("http://127.0.0.1:{}", self.port),
            Mode::Tls => format!("https://localhost:{}", self.port),
        }
    }

    /// The client configuration reaching this server (its CA trusted; one
    /// attempt, short timeouts).
    pub fn client_config(&self) -> myaws_core::ClientConfig {
        let mut config = myaws_core::ClientConfig::default()
            .max_attempts(1)
            .read_timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5));
        if let Some(ca) = &self.ca_path {
            config = config.ca_bundle(ca);
        }
        config
    }

    /// HTTP versions of the requests so far.
    pub fn versions(&self) -> Vec<http::Version> {
        self.seen
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.2)
            .collect()
    }
}

async fn serve<IO>(io: TokioIo<IO>, handler: Handler, seen: Arc<Seen>, kill: Arc<Notify>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service_kill = kill.clone();
    let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
        let handler = handler.clone();
        let seen = seen.clone();
        let kill = service_kill.clone();
        async move {
            let (parts, body) = request.into_parts();
            seen.requests.lock().unwrap().push((
                parts.method.to_string(),
                parts.uri.path().to_string(),
                parts.version,
            ));
            let (head_tx, head_rx) = oneshot::channel();
            let (body_tx, body_rx) = mpsc::channel::<Bytes>(4);
            let reply = Reply {
                head: Some(head_tx),
                body: body_tx,
                kill,
            };
            tokio::spawn(handler(Exchange { parts, body, reply }));
            let (status, headers) = head_rx.await.unwrap_or((500, Vec::new()));
            let stream = futures_util::stream::unfold(body_rx, |mut rx| async move {
                rx.recv()
                    .await
                    .map(|b| (Ok::<_, Infallible>(Frame::data(b)), rx))
            });
            let mut response = http::Response::builder().status(status);
            for (k, v) in headers {
                response = response.header(k, v);
            }
            Ok::<_, Infallible>(response.body(StreamBody::new(stream)).unwrap())
        }
    });
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let connection = builder.serve_connection(io, service);
    tokio::select! {
        _ = connection => {}
        _ = kill.notified() => {}
    }
}

/// A CA (PEM) and a server config for `localhost` signed by it, offering
/// `h2` and `http/1.1`.
fn tls_config() -> (String, ServerConfig) {
    let (ca_pem, mut config) = myaws_tests::tls_server::make_ca_and_server();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    (ca_pem, config)
}

// ------------------------------------------------------------ frames

/// A header value of the tests' own frame writer.
#[derive(Debug, Clone, PartialEq)]
pub enum Hv {
    Str(String),
    Bytes(Vec<u8>),
    Time(i64),
    Long(i64),
    Bool(bool),
}

fn crc(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// Encodes one frame (prelude, headers, payload, CRCs).
pub fn frame(headers: &[(&str, Hv)], payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    for (name, value) in headers {
        h.push(name.len() as u8);
        h.extend_from_slice(name.as_bytes());
        match value {
            Hv::Bool(true) => h.push(0),
            Hv::Bool(false) => h.push(1),
            Hv::Long(n) => {
                h.push(5);
                h.extend_from_slice(&n.to_be_bytes());
            }
            Hv::Bytes(b) => {
                h.push(6);
                h.extend_from_slice(&(b.len() as u16).to_be_bytes());
                h.extend_from_slice(b);
            }
            Hv::Str(s) => {
                h.push(7);
                h.extend_from_slice(&(s.len() as u16).to_be_bytes());
                h.extend_from_slice(s.as_bytes());
            }
            Hv::Time(ms) => {
                h.push(8);
                h.extend_from_slice(&ms.to_be_bytes());
            }
        }
    }
    let total = 16 + h.len() + payload.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(h.len() as u32).to_be_bytes());
    let prelude_crc = crc(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(payload);
    let message_crc = crc(&out);
    out.extend_from_slice(&message_crc.to_be_bytes());
    out
}

/// An event message with a `:content-type`.
pub fn event(event_type: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    frame(
        &[
            (":message-type", Hv::Str("event".into())),
            (":event-type", Hv::Str(event_type.into())),
            (":content-type", Hv::Str(content_type.into())),
        ],
        payload,
    )
}

/// A JSON event.
pub fn json_event(event_type: &str, payload: &serde_json::Value) -> Vec<u8> {
    event(
        event_type,
        "application/json",
        payload.to_string().as_bytes(),
    )
}

/// A modeled exception event.
pub fn exception(exception_type: &str, payload: &serde_json::Value) -> Vec<u8> {
    frame(
        &[
            (":message-type", Hv::Str("exception".into())),
            (":exception-type", Hv::Str(exception_type.into())),
            (":content-type", Hv::Str("application/json".into())),
        ],
        payload.to_string().as_bytes(),
    )
}

/// A decoded frame: headers and payload.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub headers: Vec<(String, Hv, Vec<u8>)>,
    pub payload: Vec<u8>,
}

impl Decoded {
    pub fn get(&self, name: &str) -> Option<&Hv> {
        self.headers
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, _)| v)
    }

    pub fn str(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Hv::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The encoded bytes of header `name` (for the `:date` hash).
    fn raw_header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, raw)| raw.as_slice())
    }
}

/// Takes one whole frame off the front of `buf`, checking both CRCs.
pub fn take_frame(buf: &mut Vec<u8>) -> Result<Option<Decoded>, String> {
    if buf.len() < 12 {
        return Ok(None);
    }
    let total = u32::from_be_bytes(buf[0..4].try_into().unwrap()) as usize;
    let hlen = u32::from_be_bytes(buf[4..8].try_into().unwrap()) as usize;
    if crc(&buf[0..8]) != u32::from_be_bytes(buf[8..12].try_into().unwrap()) {
        return Err("prelude CRC".into());
    }
    if total > 16 << 20 || total < 16 + hlen {
        return Err(format!("bad lengths {total}/{hlen}"));
    }
    if buf.len() < total {
        return Ok(None);
    }
    let frame: Vec<u8> = buf.drain(..total).collect();
    if crc(&frame[..total - 4]) != u32::from_be_bytes(frame[total - 4..].try_into().unwrap()) {
        return Err("message CRC".into());
    }
    let mut headers = Vec::new();
    let mut h = &frame[12..12 + hlen];
    while !h.is_empty() {
        let start = h;
        let n = h[0] as usize;
        let name = String::from_utf8(h[1..1 + n].to_vec()).map_err(|e| e.to_string())?;
        let kind = h[1 + n];
        h = &h[2 + n..];
        let value = match kind {
            0 => Hv::Bool(true),
            1 => Hv::Bool(false),
            5 | 8 => {
                let v = i64::from_be_bytes(h[..8].try_into().unwrap());
                h = &h[8..];
                if kind == 5 {
                    Hv::Long(v)
                } else {
                    Hv::Time(v)
                }
            }
            6 | 7 => {
                let len = u16::from_be_bytes(h[..2].try_into().unwrap()) as usize;
                let raw = h[2..2 + len].to_vec();
                h = &h[2 + len..];
                if kind == 6 {
                    Hv::Bytes(raw)
                } else {
                    Hv::Str(String::from_utf8(raw).map_err(|e| e.to_string())?)
                }
            }
            other => return Err(format!("header type {other} not expected here")),
        };
        let raw = start[..start.len() - h.len()].to_vec();
        headers.push((name, value, raw));
    }
    Ok(Some(Decoded {
        headers,
        payload: frame[12 + hlen..total - 4].to_vec(),
    }))
}

// ------------------------------------------------------------ signatures

/// Checks the chained signatures of an input event stream, written from
/// the SigV4 event-stream description (no code shared with myaws).
pub struct EventSignatures {
    key: Vec<u8>,
    scope: String,
    previous: String,
    /// Signed frames checked so far (the closing empty frame included).
    pub checked: usize,
    /// The closing empty frame was seen.
    pub ended: bool,
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `YYYYMMDDTHHMMSSZ` of milliseconds since the epoch.
fn amz_date(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

impl EventSignatures {
    /// Starts from a request whose SigV4 signature was verified (`seed`),
    /// signed with `secret` for `scope` (`DATE/REGION/SERVICE/aws4_request`).
    pub fn new(secret: &str, scope: &str, seed: &str) -> EventSignatures {
        let mut parts = scope.split('/');
        let mut key = hmac(
            format!("AWS4{secret}").as_bytes(),
            parts.next().unwrap_or_default().as_bytes(),
        );
        for part in parts {
            key = hmac(&key, part.as_bytes());
        }
        EventSignatures {
            key,
            scope: scope.to_string(),
            previous: seed.to_string(),
            checked: 0,
            ended: false,
        }
    }

    /// Checks one signed frame; returns the wrapped message's bytes (empty
    /// for the closing frame).
    pub fn check(&mut self, frame: &Decoded) -> Result<Vec<u8>, String> {
        if self.ended {
            return Err("a frame after the closing frame".into());
        }
        let Some(Hv::Time(ms)) = frame.get(":date") else {
            return Err("no :date".into());
        };
        let Some(Hv::Bytes(signature)) = frame.get(":chunk-signature") else {
            return Err("no :chunk-signature".into());
        };
        let date_header = frame.raw_header(":date").unwrap_or_default();
        let date = amz_date(*ms);
        // The scope's date must be the frame's.
        let scope_date = self.scope.split('/').next().unwrap_or_default();
        if !date.starts_with(scope_date) {
            return Err(format!(
                "frame date {date} outside the scope {}",
                self.scope
            ));
        }
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{date}\n{}\n{}\n{}\n{}",
            self.scope,
            self.previous,
            hex(&Sha256::digest(date_header)),
            hex(&Sha256::digest(&frame.payload))
        );
        let expected = hex(&hmac(&self.key, string_to_sign.as_bytes()));
        if hex(signature) != expected {
            return Err(format!(
                "event signature mismatch at frame {} (string to sign:\n{string_to_sign})",
                self.checked
            ));
        }
        self.previous = expected;
        self.checked += 1;
        if frame.payload.is_empty() {
            self.ended = true;
        }
        Ok(frame.payload.clone())
    }
}

/// Reads a request body of signed frames, checking each (and its inner
/// message's CRCs), and hands each inner message to `each` as it arrives.
/// Returns the signatures' state at the end of the body.
pub async fn read_signed_events(
    body: &mut Incoming,
    mut signatures: EventSignatures,
    mut each: impl FnMut(Decoded),
) -> Result<EventSignatures, String> {
    let mut buf = Vec::new();
    for _ in 0..100_000 {
        let Some(frame) = body.frame().await else {
            break;
        };
        let frame = frame.map_err(|e| e.to_string())?;
        if let Ok(data) = frame.into_data() {
            buf.extend_from_slice(&data);
        }
        while let Some(outer) = take_frame(&mut buf)? {
            let mut inner = signatures.check(&outer)?;
            if inner.is_empty() {
                continue;
            }
            let message = take_frame(&mut inner)?.ok_or("a truncated inner message")?;
            if !inner.is_empty() {
                return Err("bytes after the inner message".into());
            }
            each(message);
        }
    }
    if !buf.is_empty() {
        return Err(format!("{} bytes of a partial frame at the end", buf.len()));
    }
    Ok(signatures)
}

/// A frame stream as a body: sends `frames` with the `Reply`, each piece
/// `piece` bytes (so frames straddle reads).
pub async fn send_in_pieces(reply: &Reply, bytes: &[u8], piece: usize) -> bool {
    for chunk in bytes.chunks(piece.max(1)) {
        if !reply.send(Bytes::copy_from_slice(chunk)).await {
            return false;
        }
    }
    true
}

/// Collects a stream of results until the end or an error, bounded.
pub async fn drain<S, T, E>(mut stream: S) -> (Vec<T>, Option<E>)
where
    S: futures_util::Stream<Item = Result<T, E>> + Unpin,
{
    let mut items = Vec::new();
    for _ in 0..1_000_000 {
        match stream.next().await {
            Some(Ok(item)) => items.push(item),
            Some(Err(e)) => return (items, Some(e)),
            None => break,
        }
    }
    (items, None)
}
