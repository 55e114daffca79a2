//! A fault-injection HTTP/1.1 server on 127.0.0.1 for the network tests:
//! raw TCP, so it can reset connections, stall, trickle bodies, lie about
//! lengths, break chunked encoding, read uploads slowly or stop reading
//! them, and stream hostile bodies of any size without holding them.
//!
//! Each connection takes the next [`Fault`] of the script (the last one
//! repeats) and serves one request. Every wait is bounded (no fault holds a
//! connection longer than [`MAX_HOLD`]) and the server stops when dropped.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest any fault keeps a connection.
pub const MAX_HOLD: Duration = Duration::from_secs(30);
/// Longest request head read.
const MAX_HEAD: usize = 64 * 1024;

/// What the server does with one connection.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A normal answer: status, headers and body (`Content-Length` added).
    Reply {
        /// Status code.
        status: u16,
        /// Headers besides `Content-Length` and `Connection`.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Writes these bytes as they are (head and body), then closes.
    Raw(Vec<u8>),
    /// Reads the request, then closes without a word.
    Close,
    /// Reads the request head, then resets the connection (RST).
    Reset,
    /// Reads the request head, then says nothing for this long.
    Stall(Duration),
    /// Accepts and says nothing, not even reading (a TLS handshake or a
    /// request that never gets an answer).
    Silent(Duration),
    /// Sends `head`, then `body` in pieces of `chunk` bytes every
    /// `interval`.
    Trickle {
        /// Status line and headers, ending in the blank line.
        head: Vec<u8>,
        /// The body.
        body: Vec<u8>,
        /// Bytes per piece.
        chunk: usize,
        /// Pause between pieces.
        interval: Duration,
    },
    /// A `200` whose body is `prefix`, `unit` `count` times, then `suffix`,
    /// written as it is generated (never held whole); chunked when
    /// `chunked`, else with its exact `Content-Length`.
    Generated {
        /// Headers besides the framing ones.
        headers: Vec<(String, String)>,
        /// Start of the body.
        prefix: Vec<u8>,
        /// The repeated part.
        unit: Vec<u8>,
        /// How many times.
        count: usize,
        /// End of the body.
        suffix: Vec<u8>,
        /// Chunked transfer encoding instead of a length.
        chunked: bool,
    },
    /// Reads the request body at about `bytes_per_sec`, then does `then`.
    ReadSlowly {
        /// Read rate.
        bytes_per_sec: usize,
        /// The answer once the body is read.
        then: Box<Fault>,
    },
    /// Reads `after` bytes of the request body, then stops reading and
    /// holds the connection for `hold`.
    StopReading {
        /// Body bytes read before stopping.
        after: usize,
        /// How long to hold the connection.
        hold: Duration,
    },
}

impl Fault {
    /// `200` with a body and a content type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Fault {
        Fault::status(200, content_type, body)
    }

    /// A status with a body and a content type.
    pub fn status(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Fault {
        Fault::Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// Adds a header to a [`Fault::Reply`].
    pub fn with_header(mut self, name: &str, value: &str) -> Fault {
        if let Fault::Reply { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Request line.
    pub line: String,
    /// Header lines, as sent.
    pub headers: Vec<(String, String)>,
    /// Body bytes read (all of it, unless the fault stopped reading).
    pub body_len: usize,
}

impl Seen {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    script: Vec<Fault>,
    next: usize,
    seen: Vec<Seen>,
    connections: usize,
}

/// The server; stops when dropped.
pub struct FaultServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server that answers connection *n* with `script[n]` (the
    /// last fault repeats).
    pub async fn start(script: Vec<Fault>) -> FaultServer {
        assert!(!script.is_empty(), "a fault script needs a fault");
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        // Small buffers, so that a server that reads slowly (or not at all)
        // is felt by the client soon.
        let _ = socket.set_recv_buffer_size(64 * 1024);
        socket
            .bind("127.0.0.1:0".parse().expect("addr"))
            .expect("bind 127.0.0.1");
        let listener: TcpListener = socket.listen(128).expect("listen");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State {
            script,
            ..State::default()
        }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let fault = {
                    let mut s = shared.lock().unwrap();
                    s.connections += 1;
                    let i = s.next.min(s.script.len() - 1);
                    s.next += 1;
                    s.script[i].clone()
                };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(MAX_HOLD, serve(tcp, fault, shared)).await;
                });
            }
        });
        FaultServer { addr, state, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests whose head was read, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// How many requests were read.
    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().seen.len()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The request head: the request line, headers and what was read past it.
async fn read_head(tcp: &mut TcpStream) -> Option<(Seen, Vec<u8>)> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = tcp.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let rest = buf[end + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some((
        Seen {
            line,
            headers,
            body_len: 0,
        },
        rest,
    ))
}

/// Reads the request body (`Content-Length` or chunked), at most `limit`
/// bytes, optionally at a rate; returns how many bytes were read.
async fn read_body(
    tcp: &mut TcpStream,
    seen: &Seen,
    already: Vec<u8>,
    limit: usize,
    bytes_per_sec: Option<usize>,
) -> usize {
    let declared = seen
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok());
    let chunked = seen
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    if declared.is_none() && !chunked {
        return 0;
    }
    if seen
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        let _ = tcp.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await;
    }
    let mut got = already.len();
    let mut tail = already;
    let mut buf = vec![0u8; 16 * 1024];
    let started = tokio::time::Instant::now();
    loop {
        let done = match declared {
            Some(n) => got >= n,
            None => tail.ends_with(b"0\r\n\r\n"),
        };
        if done || got >= limit {
            return got;
        }
        let want = buf.len().min(limit - got);
        let n = match tcp.read(&mut buf[..want]).await {
            Ok(0) | Err(_) => return got,
            Ok(n) => n,
        };
        got += n;
        if chunked {
            tail.extend_from_slice(&buf[..n]);
            let keep = tail.len().saturating_sub(8);
            tail.drain(..keep);
        }
        if let Some(rate) = bytes_per_sec {
            let due = Duration::from_secs_f64(got as f64 / rate as f64);
            tokio::time::sleep_until(started + due).await;
        }
    }
}

fn head_bytes(status: u16, headers: &[(String, String)], framing: &str) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} X\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(framing);
    head.push_str("connection: close\r\n\r\n");
    head.into_bytes()
}

async fn serve(mut tcp: TcpStream, fault: Fault, state: Arc<Mutex<State>>) {
    if let Fault::Silent(hold) = fault {
        tokio::time::sleep(hold).await;
        return;
    }
    let Some((mut seen, rest)) = read_head(&mut tcp).await else {
        return;
    };
    let index = {
        let mut s = state.lock().unwrap();
        s.seen.push(seen.clone());
        s.seen.len() - 1
    };
    let record = |seen: &Seen| state.lock().unwrap().seen[index] = seen.clone();
    match fault {
        Fault::Reset => {
            #[allow(deprecated)]
            let _ = tcp.set_linger(Some(Duration::ZERO));
            return;
        }
        Fault::Stall(hold) => {
            tokio::time::sleep(hold).await;
            return;
        }
        Fault::StopReading { after, hold } => {
            seen.body_len = read_body(&mut tcp, &seen, rest, after, None).await;
            record(&seen);
            tokio::time::sleep(hold).await;
            return;
        }
        _ => {}
    }
    let (fault, rate) = match fault {
        Fault::ReadSlowly {
            bytes_per_sec,
            then,
        } => (*then, Some(bytes_per_sec)),
        other => (other, None),
    };
    seen.body_len = read_body(&mut tcp, &seen, rest, usize::MAX, rate).await;
    record(&seen);
    let _ = answer(&mut tcp, fault).await;
    let _ = tcp.shutdown().await;
    // Let the client read everything before the socket goes.
    let mut sink = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut sink)).await;
}

async fn answer(tcp: &mut TcpStream, fault: Fault) -> std::io::Result<()> {
    match fault {
        Fault::Reply {
            status,
            headers,
            body,
        } => {
            let framing = format!("content-length: {}\r\n", body.len());
            tcp.write_all(&head_bytes(status, &headers, &framing))
                .await?;
            tcp.write_all(&body).await
        }
        Fault::Raw(bytes) => tcp.write_all(&bytes).await,
        Fault::Close => Ok(()),
        Fault::Trickle {
            head,
            body,
            chunk,
            interval,
        } => {
            tcp.write_all(&head).await?;
            for piece in body.chunks(chunk.max(1)) {
                tcp.write_all(piece).await?;
                tcp.flush().await?;
                tokio::time::sleep(interval).await;
            }
            Ok(())
        }
        Fault::Generated {
            headers,
            prefix,
            unit,
            count,
            suffix,
            chunked,
        } => {
            let len = prefix.len() + unit.len() * count + suffix.len();
            let framing = if chunked {
                "transfer-encoding: chunked\r\n".to_string()
            } else {
                format!("content-length: {len}\r\n")
            };
            tcp.write_all(&head_bytes(200, &headers, &framing)).await?;
            // Pieces of about 64 KiB.
            let per_piece = (64 * 1024 / unit.len().max(1)).max(1);
            let mut piece = prefix;
            let mut left = count;
            loop {
                let n = per_piece.min(left);
                for _ in 0..n {
                    piece.extend_from_slice(&unit);
                }
                left -= n;
                if left == 0 {
                    piece.extend_from_slice(&suffix);
                }
                if chunked {
                    tcp.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                        .await?;
                    tcp.write_all(&piece).await?;
                    tcp.write_all(b"\r\n").await?;
                } else {
                    tcp.write_all(&piece).await?;
                }
                piece.clear();
                if left == 0 {
                    break;
                }
            }
            if chunked {
                tcp.write_all(b"0\r\n\r\n").await?;
            }
            Ok(())
        }
        Fault::Reset
        | Fault::Stall(_)
        | Fault::Silent(_)
        | Fault::StopReading { .. }
        | Fault::ReadSlowly { .. } => Ok(()),
    }
}
