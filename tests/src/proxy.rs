//! A small HTTP proxy on 127.0.0.1 for the proxy tests: `CONNECT` tunnels
//! (bytes relayed both ways) and plain forwarding of absolute-form requests
//! (one request per connection), with optional Basic authentication. It
//! only ever connects to 127.0.0.1 and records what it was asked.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a client asked the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// `CONNECT host:port` or `GET http://…`: the request line's method and
    /// target.
    pub method: String,
    /// The target (authority for `CONNECT`, the absolute URL otherwise).
    pub target: String,
    /// The `Proxy-Authorization` header, if any.
    pub auth: Option<String>,
}

/// The proxy; stops when dropped.
pub struct TestProxy {
    port: u16,
    log: Arc<Mutex<Vec<ProxyRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestProxy {
    /// Starts a proxy; with `credentials` (`user`, `password`) it answers
    /// `407` to requests without them.
    pub async fn start(credentials: Option<(&str, &str)>) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let expected = credentials.map(|(u, p)| format!("Basic {}", base64(&format!("{u}:{p}"))));
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = log.clone();
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let log = shared.clone();
                let expected = expected.clone();
                tokio::spawn(async move {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(60), handle(tcp, expected, log))
                            .await;
                });
            }
        });
        TestProxy { port, log, task }
    }

    /// The proxy URL with `userinfo` (e.g. `user:pass@`) in it.
    pub fn url(&self, userinfo: &str) -> String {
        format!("http://{userinfo}127.0.0.1:{}", self.port)
    }

    /// What was asked, in order.
    pub fn requests(&self) -> Vec<ProxyRequest> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    mut client: TcpStream,
    expected: Option<String>,
    log: Arc<Mutex<Vec<ProxyRequest>>>,
) -> Option<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let auth = headers
        .iter()
        .find(|(k, _)| k == "proxy-authorization")
        .map(|(_, v)| v.clone());
    log.lock().unwrap().push(ProxyRequest {
        method: method.clone(),
        target: target.clone(),
        auth: auth.clone(),
    });
    if expected.is_some() && auth != expected {
        let _ = client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        return Some(());
    }
    if method == "CONNECT" {
        let port = target.rsplit_once(':')?.1.parse::<u16>().ok()?;
        let mut upstream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .ok()?;
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        return Some(());
    }
    // Forwarding: `GET http://host:port/path HTTP/1.1`.
    let rest = target.strip_prefix("http://")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let port = authority.rsplit_once(':')?.1.parse::<u16>().ok()?;
    let mut upstream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let path = if path.is_empty() { "/" } else { path };
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in &headers {
        if k != "proxy-authorization" && k != "connection" {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    out.push_str("connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await.ok()?;
    upstream.write_all(&buf[end..]).await.ok()?;
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
    Some(())
}

fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            *group.get(1).unwrap_or(&0),
            *group.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
