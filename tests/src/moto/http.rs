//! A minimal blocking HTTP/1.1 client over `std::net::TcpStream`: just
//! enough to see whether moto answers and to call its `/moto-api/` routes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Status and body of an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code, e.g. 200.
    pub status: u16,
    /// The body as sent (not de-chunked), decoded as UTF-8 lossily.
    pub body: String,
}

/// Sends `method path` with an empty body to `endpoint` (`http://host:port`)
/// and reads the whole response; `timeout` bounds connecting and each read
/// or write.
pub fn request(
    endpoint: &str,
    method: &str,
    path: &str,
    timeout: Duration,
) -> Result<Response, String> {
    let authority = authority(endpoint)?;
    let addr = resolve(authority)?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("connecting to {endpoint}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| format!("setting timeouts: {e}"))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(head.as_bytes())
        .map_err(|e| format!("sending {method} {path} to {endpoint}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("reading the answer to {method} {path} from {endpoint}: {e}"))?;
    parse_response(&raw)
}

/// The `host:port` part of an `http://` endpoint.
fn authority(endpoint: &str) -> Result<&str, String> {
    let rest = endpoint
        .strip_prefix("http://")
        .ok_or_else(|| format!("endpoint `{endpoint}` does not start with http://"))?;
    Ok(rest.trim_end_matches('/'))
}

/// The first socket address `authority` resolves to.
fn resolve(authority: &str) -> Result<SocketAddr, String> {
    authority
        .to_socket_addrs()
        .map_err(|e| format!("resolving {authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("{authority} resolves to no address"))
}

/// Splits a raw response into status code and body.
fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("incomplete HTTP response: {text:?}"))?;
    let status_line = head.lines().next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .filter(|_| status_line.starts_with("HTTP/1."))
        .ok_or_else(|| format!("bad HTTP status line: {status_line:?}"))?;
    Ok(Response {
        status,
        body: body.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_and_body() {
        let raw = b"HTTP/1.1 404 NOT FOUND\r\nContent-Length: 2\r\n\r\nno";
        let response = parse_response(raw).unwrap();
        assert_eq!(response.status, 404);
        assert_eq!(response.body, "no");
    }

    #[test]
    fn rejects_garbage_and_truncated_heads() {
        assert!(parse_response(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2").is_err());
    }

    #[test]
    fn endpoint_must_be_plain_http() {
        assert_eq!(
            authority("http://127.0.0.1:5000/").unwrap(),
            "127.0.0.1:5000"
        );
        assert!(authority("https://127.0.0.1:5000").is_err());
    }

    #[test]
    fn reads_a_response_from_a_socket() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let n = conn.read(&mut buf).unwrap();
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
                .unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        let response = request(&endpoint, "POST", "/x", Duration::from_secs(5)).unwrap();
        let sent = server.join().unwrap();
        assert!(sent.starts_with("POST /x HTTP/1.1\r\n"), "{sent}");
        assert_eq!(response.status, 200);
        assert_eq!(response.body, "hi");
    }
}
