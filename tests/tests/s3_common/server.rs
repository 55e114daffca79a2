//! A scripted HTTP/1.1 server on 127.0.0.1 for S3 behaviours moto cannot
//! show (redirects, 200-with-error, retries) and for the memory benchmark:
//! it reads request bodies as a stream (content-length or chunked) without
//! keeping them, answers `100 Continue` when asked, and can stream a
//! generated response body of any size.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Method.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Bytes of body received (after HTTP chunked decoding).
    pub body_len: u64,
    /// The first 64 KiB and the last 256 bytes of the body.
    pub body_head: Vec<u8>,
    /// The last bytes of the body.
    pub body_tail: Vec<u8>,
}

impl Seen {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response body.
pub enum Body {
    /// Fixed bytes.
    Bytes(Vec<u8>),
    /// `len` bytes produced by repeating `pattern`.
    Generated { pattern: Bytes, len: u64 },
}

/// A scripted response.
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
}

impl Reply {
    /// A response with an XML (or empty) body.
    pub fn xml(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/xml".into())],
            body: Body::Bytes(body.as_bytes().to_vec()),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = Arc<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:port`.
    pub endpoint: String,
    /// Every request so far.
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

/// Starts a server answering with `handler(request, index)`.
pub async fn start(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler: Handler = Arc::new(handler);
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let handler = handler.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let _ = serve(socket, handler, log).await;
            });
        }
    });
    Server { endpoint, seen }
}

async fn serve(
    socket: tokio::net::TcpStream,
    handler: Handler,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).await?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let mut seen = Seen {
            method,
            target,
            headers,
            body_len: 0,
            body_head: Vec::new(),
            body_tail: Vec::new(),
        };
        if seen.header("expect") == Some("100-continue") {
            write.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        }
        let chunked = seen
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        if chunked {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).await?;
                let n = u64::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                    .unwrap_or(0);
                if n == 0 {
                    let mut end = String::new();
                    reader.read_line(&mut end).await?;
                    break;
                }
                drain(&mut reader, n, &mut seen).await?;
                let mut crlf = [0u8; 2];
                reader.read_exact(&mut crlf).await?;
            }
        } else if let Some(n) = seen.header("content-length").and_then(|v| v.parse().ok()) {
            drain(&mut reader, n, &mut seen).await?;
        }
        let index = {
            let mut log = log.lock().unwrap();
            log.push(seen.clone());
            log.len() - 1
        };
        let reply = handler(&seen, index);
        let len = match &reply.body {
            Body::Bytes(b) => b.len() as u64,
            Body::Generated { len, .. } => *len,
        };
        let mut head = format!("HTTP/1.1 {} X\r\ncontent-length: {len}\r\n", reply.status);
        for (k, v) in &reply.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("x-amz-request-id: scripted\r\n\r\n");
        write.write_all(head.as_bytes()).await?;
        if seen.method != "HEAD" {
            match reply.body {
                Body::Bytes(b) => write.write_all(&b).await?,
                Body::Generated { pattern, len } => {
                    let mut left = len;
                    while left > 0 {
                        let n = left.min(pattern.len() as u64) as usize;
                        write.write_all(&pattern[..n]).await?;
                        left -= n as u64;
                    }
                }
            }
        }
        write.flush().await?;
    }
}

async fn drain(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    mut n: u64,
    seen: &mut Seen,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    while n > 0 {
        let want = n.min(buf.len() as u64) as usize;
        let got = reader.read(&mut buf[..want]).await?;
        if got == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let data = &buf[..got];
        if seen.body_head.len() < 64 * 1024 {
            let room = 64 * 1024 - seen.body_head.len();
            seen.body_head.extend_from_slice(&data[..room.min(got)]);
        }
        seen.body_tail.extend_from_slice(data);
        if seen.body_tail.len() > 256 {
            let cut = seen.body_tail.len() - 256;
            seen.body_tail.drain(..cut);
        }
        seen.body_len += got as u64;
        n -= got as u64;
    }
    Ok(())
}
