//! The canonical request of SigV4 and SigV4a, written into one `String`:
//!
//! ```text
//! METHOD
//! canonical URI            (path, normalized and encoded again unless S3)
//! canonical query string   (pairs decoded, URI-encoded, sorted)
//! name:value[,value...]    (one line per signed header, sorted by name)
//!
//! signed;header;names
//! payload hash
//! ```
//!
//! SigV4a adds its region set: the `x-amz-region-set` header, or the
//! `X-Amz-Region-Set` parameter of a presigned URL.

use std::borrow::Cow;
use std::ops::Range;

use http::{HeaderMap, Uri};

use super::date::Stamp;
use super::encoding::{canonical_query_component, encode, encode_into, normalize_path};
use super::{PathEncoding, SignerSettings};
use crate::protocol::de::decode_header_value;

/// Everything a canonical request is made of.
pub(super) struct Inputs<'a> {
    pub method: &'a str,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    pub settings: &'a SignerSettings,
    pub stamp: &'a Stamp,
    pub payload_hash: &'a str,
    pub session_token: Option<&'a str>,
    /// For presigning: `<access key id>/<scope>`.
    pub credential: &'a str,
    /// For presigning: `AWS4-HMAC-SHA256` or `AWS4-ECDSA-P256-SHA256`.
    pub algorithm: &'a str,
    /// The SigV4a region set.
    pub region_set: Option<&'a str>,
}

/// A canonical request and where its signed headers list is.
pub(super) struct CanonicalRequest {
    pub text: String,
    signed_headers: Range<usize>,
}

impl CanonicalRequest {
    /// `host;x-amz-date;...`.
    pub fn signed_headers(&self) -> &str {
        &self.text[self.signed_headers.clone()]
    }

    /// The text with the values of sensitive headers and of the session
    /// token parameter replaced, for tracing.
    pub fn redacted(&self) -> Redacted<'_> {
        Redacted::new(&self.text)
    }
}

/// Headers never signed: set or changed on the way (by proxies, by the HTTP
/// stack) or the signature itself.
fn never_signed(name: &str) -> bool {
    matches!(
        name,
        "authorization" | "user-agent" | "x-amzn-trace-id" | "transfer-encoding"
    )
}

/// Builds the canonical request.
pub(super) fn build(inputs: &Inputs<'_>) -> Result<CanonicalRequest, String> {
    let headers = signed_headers(inputs)?;
    let presign = inputs.settings.expires_in.is_some();

    let path = inputs.uri.path();
    let query = inputs.uri.query();
    let header_len: usize = headers.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut text = String::with_capacity(
        inputs.method.len()
            + path.len() * 3 / 2
            + query.map_or(0, |q| q.len() * 3 / 2)
            + header_len * 3 / 2
            + inputs.payload_hash.len()
            + if presign { 420 } else { 8 },
    );
    text.push_str(inputs.method);
    text.push('\n');

    // Canonical URI.
    let path = if inputs.settings.normalize_path {
        normalize_path(path)
    } else {
        Cow::Borrowed(path)
    };
    match inputs.settings.percent_encoding_mode {
        PathEncoding::Double => encode_into(&mut text, &path, true),
        PathEncoding::Single => text.push_str(&path),
    }
    text.push('\n');

    // Canonical query string.
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    if let Some(query) = query {
        pairs.reserve(query.len() / 8 + 1);
        for sequence in query.split('&').filter(|s| !s.is_empty()) {
            let (name, value) = sequence.split_once('=').unwrap_or((sequence, ""));
            pairs.push((
                canonical_query_component(name),
                canonical_query_component(value),
            ));
        }
    }
    if let Some(expires) = inputs.settings.expires_in {
        let mut names = String::new();
        push_names(&mut names, &headers, ";");
        pairs.extend([
            (
                Cow::Borrowed("X-Amz-Date"),
                Cow::Borrowed(inputs.stamp.date_time()),
            ),
            (
                Cow::Borrowed("X-Amz-Expires"),
                Cow::Owned(expires.as_secs().to_string()),
            ),
            (
                Cow::Borrowed("X-Amz-Algorithm"),
                Cow::Borrowed(inputs.algorithm),
            ),
            (
                Cow::Borrowed("X-Amz-Credential"),
                Cow::Owned(encode(inputs.credential).into_owned()),
            ),
            (
                Cow::Borrowed("X-Amz-SignedHeaders"),
                Cow::Owned(encode(&names).into_owned()),
            ),
        ]);
        if let Some(token) = inputs.session_token {
            pairs.push((Cow::Borrowed("X-Amz-Security-Token"), encode(token)));
        }
        if let Some(region_set) = inputs.region_set {
            pairs.push((Cow::Borrowed("X-Amz-Region-Set"), encode(region_set)));
        }
    }
    pairs.sort_unstable();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            text.push('&');
        }
        text.push_str(name);
        text.push('=');
        text.push_str(value);
    }
    text.push('\n');

    // Canonical headers: one line per name, values in order, joined by ','.
    let mut previous: Option<&str> = None;
    for (name, value) in &headers {
        if previous == Some(*name) {
            text.push(',');
        } else {
            if previous.is_some() {
                text.push('\n');
            }
            text.push_str(name);
            text.push(':');
            previous = Some(name);
        }
        text.push_str(value);
    }
    if previous.is_some() {
        text.push('\n');
    }
    text.push('\n');

    let start = text.len();
    push_names(&mut text, &headers, ";");
    let signed_headers = start..text.len();
    text.push('\n');
    text.push_str(inputs.payload_hash);
    Ok(CanonicalRequest {
        text,
        signed_headers,
    })
}

/// Appends the distinct names of the sorted `headers`, separated by `sep`.
fn push_names(out: &mut String, headers: &[(&str, Cow<'_, str>)], sep: &str) {
    let mut previous: Option<&str> = None;
    for (name, _) in headers {
        if previous == Some(*name) {
            continue;
        }
        if previous.is_some() {
            out.push_str(sep);
        }
        out.push_str(name);
        previous = Some(name);
    }
}

/// The signed headers, sorted by name (values of one name in request
/// order): the request's own (bytes beyond ASCII signed as UTF-8 text) with `host` from the URI when missing, and for header signing
/// `x-amz-date`, the session token, (S3) `x-amz-content-sha256` and
/// (SigV4a) `x-amz-region-set`, which replace any the request has.
fn signed_headers<'a>(inputs: &Inputs<'a>) -> Result<Vec<(&'a str, Cow<'a, str>)>, String> {
    let presign = inputs.settings.expires_in.is_some();
    let token = inputs.session_token.filter(|_| !presign);
    let content_sha256 = inputs.settings.content_sha256_header && !presign;
    let region_set = inputs.region_set.filter(|_| !presign);
    let replaced = |name: &str| {
        !presign
            && (name == "x-amz-date"
                || token.is_some() && name == "x-amz-security-token"
                || content_sha256 && name == "x-amz-content-sha256"
                || region_set.is_some() && name == "x-amz-region-set")
    };
    // Presigned URLs leave these to whoever sends the request.
    let unsigned_in_query =
        |name: &str| presign && matches!(name, "x-amz-user-agent" | "x-amz-checksum-mode");

    let mut out = Vec::with_capacity(inputs.headers.len() + 4);
    let mut has_host = false;
    for (name, value) in inputs.headers {
        let name = name.as_str();
        has_host |= name == "host";
        if never_signed(name) || replaced(name) || unsigned_in_query(name) {
            continue;
        }
        let value = match value.to_str() {
            Ok(text) => trim_all(text),
            // Bytes beyond ASCII are signed as botocore signs them: UTF-8
            // text, else Latin-1 characters.
            Err(_) => Cow::Owned(trim_all(&decode_header_value(value.as_bytes())).into_owned()),
        };
        out.push((name, value));
    }
    if !has_host {
        out.push(("host", Cow::Borrowed(host_of(inputs.uri)?)));
    }
    if !presign {
        out.push(("x-amz-date", Cow::Borrowed(inputs.stamp.date_time())));
        if let Some(token) = token {
            out.push(("x-amz-security-token", Cow::Borrowed(token)));
        }
        if content_sha256 {
            out.push(("x-amz-content-sha256", Cow::Borrowed(inputs.payload_hash)));
        }
        if let Some(region_set) = region_set {
            out.push(("x-amz-region-set", Cow::Borrowed(region_set)));
        }
    }
    // Stable: the values of a repeated header keep their order.
    out.sort_by(|a, b| a.0.cmp(b.0));
    Ok(out)
}

/// The `Host` header a request to `uri` carries: the host, with the port
/// unless it is the scheme's default.
fn host_of(uri: &Uri) -> Result<&str, String> {
    let authority = uri
        .authority()
        .ok_or("a request to sign needs a Host header or an absolute URI")?;
    let default_port = matches!(
        (uri.scheme_str(), uri.port().as_ref().map(|p| p.as_str())),
        (Some("http"), Some("80")) | (Some("https"), Some("443"))
    );
    Ok(if default_port {
        authority.host()
    } else {
        authority.as_str()
    })
}

/// A header value with leading and trailing spaces removed and runs of
/// spaces made one (other whitespace is kept, as S3 wants).
pub(super) fn trim_all(value: &str) -> Cow<'_, str> {
    let value = value.trim_matches(' ');
    if !value.contains("  ") {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut after_space = false;
    for c in value.chars() {
        if c == ' ' && after_space {
            continue;
        }
        after_space = c == ' ';
        out.push(c);
    }
    Cow::Owned(out)
}

/// A canonical request shown with secrets replaced.
pub(super) struct Redacted<'a>(&'a str);

impl<'a> Redacted<'a> {
    /// Shows the canonical request `text` redacted.
    pub(super) fn new(text: &'a str) -> Self {
        Redacted(text)
    }
}

/// Headers whose values are credentials (as aws-sigv4 redacts them).
fn sensitive(name: &str) -> bool {
    matches!(
        name,
        "authorization"
            | "proxy-authorization"
            | "x-amz-security-token"
            | "cookie"
            | "set-cookie"
            | "x-amz-server-side-encryption-customer-key"
            | "x-amz-server-side-encryption-customer-key-md5"
            | "x-amz-copy-source-server-side-encryption-customer-key"
            | "x-amz-copy-source-server-side-encryption-customer-key-md5"
    )
}

impl std::fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, line) in self.0.split('\n').enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            match i {
                // The query string.
                2 => {
                    for (j, pair) in line.split('&').enumerate() {
                        if j > 0 {
                            f.write_str("&")?;
                        }
                        match pair.split_once('=') {
                            Some(("X-Amz-Security-Token", _)) => {
                                f.write_str("X-Amz-Security-Token=** redacted **")?
                            }
                            _ => f.write_str(pair)?,
                        }
                    }
                }
                i if i > 2 => match line.split_once(':') {
                    Some((name, _)) if sensitive(name) => write!(f, "{name}:** redacted **")?,
                    _ => f.write_str(line)?,
                },
                _ => f.write_str(line)?,
            }
        }
        Ok(())
    }
}
