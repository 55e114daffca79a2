//! Requests of both sides in one form, and the wire-level decoders the
//! comparison needs: URLs, percent-decoding, form and query pairs,
//! `aws-chunked` framing and the SigV4 `Authorization` header.

use base64::Engine as _;
use serde_json::Value as Json;

use super::myaws_side::Captured;

/// A request reduced to what is compared.
#[derive(Debug, Clone)]
pub struct Wire {
    /// Method.
    pub method: String,
    /// `scheme://host[:port]`, host lowercase, default ports dropped.
    pub origin: String,
    /// Host with port (as the `Host` header would say).
    pub authority: String,
    /// Raw path.
    pub path: String,
    /// Raw query string (without `?`).
    pub query: String,
    /// Headers: lowercase names, values as latin-1 text, trimmed, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Wire {
    /// From the oracle's `request` object.
    pub fn from_botocore(request: &Json) -> Result<Wire, String> {
        let get = |k: &str| {
            request
                .get(k)
                .ok_or_else(|| format!("oracle request without `{k}`"))
        };
        let method = get("method")?.as_str().unwrap_or("").to_string();
        let url = get("url")?.as_str().unwrap_or("");
        let mut headers = Vec::new();
        for pair in get("headers")?.as_array().into_iter().flatten() {
            let name = pair.get(0).and_then(Json::as_str).unwrap_or("");
            let value = pair.get(1).and_then(Json::as_str).unwrap_or("");
            headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        }
        let body = base64::engine::general_purpose::STANDARD
            .decode(get("body")?.as_str().unwrap_or(""))
            .map_err(|e| format!("oracle body is not base64: {e}"))?;
        Wire::new(method, url, headers, body)
    }

    /// From what myaws's `before-send` hook recorded.
    pub fn from_myaws(c: &Captured) -> Result<Wire, String> {
        let headers = c
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), latin1(v).trim().to_string()))
            .collect();
        Wire::new(c.method.clone(), &c.uri, headers, c.body.to_vec())
    }

    fn new(
        method: String,
        url: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Result<Wire, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("not an absolute URL: {url}"))?;
        let scheme = scheme.to_ascii_lowercase();
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        let authority = authority.to_ascii_lowercase();
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let authority = authority
            .strip_suffix(default_port)
            .unwrap_or(&authority)
            .to_string();
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, q),
            None => (rest, ""),
        };
        let path = if path.is_empty() { "/" } else { path };
        Ok(Wire {
            method,
            origin: format!("{scheme}://{authority}"),
            authority,
            path: path.to_string(),
            query: query.to_string(),
            headers,
            body,
        })
    }

    /// The value of header `name` (lowercase); repeated headers joined
    /// with `,`.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    }

    /// Removes header `name`.
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| k != name);
    }

    /// Sets header `name`, replacing any value.
    pub fn set_header(&mut self, name: &str, value: String) {
        self.remove_header(name);
        self.headers.push((name.to_string(), value));
    }
}

impl std::fmt::Display for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}{}", self.method, self.origin, self.path)?;
        if !self.query.is_empty() {
            write!(f, "?{}", self.query)?;
        }
        writeln!(f)?;
        for (k, v) in &self.headers {
            writeln!(f, "{k}: {v}")?;
        }
        write!(f, "\n{}", String::from_utf8_lossy(&self.body))
    }
}

/// Bytes as latin-1 text (what a header value is on the wire).
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// Percent-decodes `text`; `%2B` stays distinct from a literal `+` (AWS
/// reads a literal `+` in a query as a space), so both are kept as
/// written: a literal `+` decodes to `+`, `%2B` to `%2B`. With `form`, `+`
/// is a space (form bodies).
pub fn percent_decode(text: &str, form: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(b'+')) if !form => {
                out.extend_from_slice(b"%2B");
                i += 3;
            }
            (_, Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', None) if form => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a=1&b=2` as decoded pairs; a key without `=` has the value `""`.
pub fn pairs(text: &str, form: bool) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, form), percent_decode(v, form)),
            None => (percent_decode(p, form), String::new()),
        })
        .collect()
}

/// Header name and value pairs.
pub type Headers = Vec<(String, String)>;

/// An `aws-chunked` body: the payload and the trailing headers, or `None`
/// when `body` is not well-formed framing.
pub fn decode_aws_chunked(body: &[u8]) -> Option<(Vec<u8>, Headers)> {
    let mut payload = Vec::new();
    let mut rest = body;
    // Every iteration consumes at least the chunk-size line.
    loop {
        let line_end = find(rest, b"\r\n")?;
        let line = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size_text = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            break;
        }
        if rest.len() < size + 2 || &rest[size..size + 2] != b"\r\n" {
            return None;
        }
        payload.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
    let mut trailers = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n")?;
        if line_end == 0 {
            break;
        }
        let line = std::str::from_utf8(&rest[..line_end]).ok()?;
        let (k, v) = line.split_once(':')?;
        trailers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        rest = &rest[line_end + 2..];
    }
    Some((payload, trailers))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts of a SigV4 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// `AWS4-HMAC-SHA256`, ...
    pub algorithm: String,
    /// `AKID/date/region/service/aws4_request`.
    pub credential: String,
    /// Signed header names, as listed.
    pub signed_headers: Vec<String>,
    /// Hex signature.
    pub signature: String,
}

impl Authorization {
    /// Parses `ALGO Credential=..., SignedHeaders=..., Signature=...`.
    pub fn parse(value: &str) -> Option<Authorization> {
        let (algorithm, rest) = value.split_once(' ')?;
        let mut credential = None;
        let mut signed = None;
        let mut signature = None;
        for part in rest.split(',') {
            let (k, v) = part.trim().split_once('=')?;
            match k {
                "Credential" => credential = Some(v.to_string()),
                "SignedHeaders" => signed = Some(v.split(';').map(str::to_string).collect()),
                "Signature" => signature = Some(v.to_string()),
                _ => {}
            }
        }
        Some(Authorization {
            algorithm: algorithm.to_string(),
            credential: credential?,
            signed_headers: signed?,
            signature: signature?,
        })
    }
}

/// True for a uuid4 in its canonical text form.
pub fn is_uuid4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            14 => *c == b'4',
            19 => matches!(c, b'8' | b'9' | b'a' | b'b' | b'A' | b'B'),
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_and_default_ports_drop() {
        let w = Wire::new(
            "GET".into(),
            "https://Example.COM:443/a%20b?x=1&y",
            vec![],
            vec![],
        )
        .unwrap();
        assert_eq!(w.origin, "https://example.com");
        assert_eq!(w.path, "/a%20b");
        assert_eq!(w.query, "x=1&y");
        let w = Wire::new("GET".into(), "http://h:8080", vec![], vec![]).unwrap();
        assert_eq!((w.origin.as_str(), w.path.as_str()), ("http://h:8080", "/"));
    }

    #[test]
    fn percent_decoding_keeps_plus_distinct_outside_forms() {
        assert_eq!(percent_decode("a%20b%2Bc+d%zz%", false), "a b%2Bc+d%zz%");
        assert_eq!(percent_decode("a+b%2B", true), "a b+");
        assert_eq!(
            pairs("b=2&a&c=%26", false),
            vec![
                ("b".to_string(), "2".to_string()),
                ("a".to_string(), String::new()),
                ("c".to_string(), "&".to_string())
            ]
        );
    }

    #[test]
    fn aws_chunked_bodies_decode() {
        let body = b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n";
        let (payload, trailers) = decode_aws_chunked(body).unwrap();
        assert_eq!(payload, b"hello");
        assert_eq!(
            trailers,
            vec![("x-amz-checksum-crc32".to_string(), "NhCmhg==".to_string())]
        );
        assert!(decode_aws_chunked(b"5\r\nhel").is_none());
        assert!(decode_aws_chunked(b"{}").is_none());
    }

    #[test]
    fn authorization_parses() {
        let a = Authorization::parse(
            "AWS4-HMAC-SHA256 Credential=AK/20240501/us-east-1/sqs/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(a.credential, "AK/20240501/us-east-1/sqs/aws4_request");
        assert_eq!(a.signed_headers, vec!["host", "x-amz-date"]);
        assert_eq!(a.signature, "abc");
    }

    #[test]
    fn uuid4_shape() {
        assert!(is_uuid4("33c671cb-60cd-42c2-8990-95f26fb13101"));
        assert!(!is_uuid4("33c671cb-60cd-12c2-8990-95f26fb13101"));
        assert!(!is_uuid4("rich-idempotency-token-0001"));
    }
}
