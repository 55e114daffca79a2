//! The encodings of a canonical request: SigV4's URI encoding (every byte
//! but the unreserved `A-Z a-z 0-9 - . _ ~` as `%XX`; SigV2's too), the
//! decoding of a query string (`application/x-www-form-urlencoded`, as the
//! `url` crate's `form_urlencoded::parse`), RFC 3986 path normalization,
//! and lowercase hex.

use std::borrow::Cow;

/// True for the bytes SigV4 never encodes.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `text` URI-encoded to `out`; `/` stays as it is when `keep_slash`.
pub(super) fn encode_into(out: &mut String, text: &str, keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if unreserved(b) || keep_slash && b == b'/' {
            continue;
        }
        // Bytes before `i` since `start` are unreserved ASCII, so both ends
        // are character boundaries when the run is not empty.
        if start < i {
            out.push_str(&text[start..i]);
        }
        out.push('%');
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
        start = i + 1;
    }
    if start < bytes.len() {
        out.push_str(&text[start..]);
    }
}

/// `text` URI-encoded (`/` encoded too), borrowed when nothing changes.
pub(super) fn encode(text: &str) -> Cow<'_, str> {
    if text.bytes().all(unreserved) {
        Cow::Borrowed(text)
    } else {
        let mut out = String::with_capacity(text.len() + 8);
        encode_into(&mut out, text, false);
        Cow::Owned(out)
    }
}

/// One `name=value` pair of a raw query string in canonical form: decoded as
/// `application/x-www-form-urlencoded` (`+` is a space, invalid UTF-8 becomes
/// U+FFFD) and URI-encoded again. Borrowed when already canonical.
pub(super) fn canonical_query_component(raw: &str) -> Cow<'_, str> {
    if raw.bytes().all(unreserved) {
        return Cow::Borrowed(raw);
    }
    let decoded = form_decode(raw);
    let mut out = String::with_capacity(decoded.len() + 8);
    encode_into(&mut out, &decoded, false);
    Cow::Owned(out)
}

/// `raw` decoded as `application/x-www-form-urlencoded`, as the `url`
/// crate's `form_urlencoded::parse`: `+` is a space, `%XX` a byte (a `%`
/// not followed by two hex digits stays as it is), invalid UTF-8 becomes
/// U+FFFD. Borrowed when nothing is encoded.
pub(super) fn form_decode(raw: &str) -> Cow<'_, str> {
    if !raw.bytes().any(|b| b == b'+' || b == b'%') {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |j: usize| bytes.get(j).and_then(|&d| (d as char).to_digit(16));
        match b {
            b'+' => decoded.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(hi), Some(lo)) => {
                    decoded.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                _ => decoded.push(b'%'),
            },
            _ => decoded.push(b),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&decoded).into_owned())
}

/// The path with dot segments and empty segments removed (RFC 3986 5.2.4),
/// as SigV4 normalizes it for every service but S3. Borrowed when already
/// normal.
pub(super) fn normalize_path(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Cow::Owned(remove_dot_segments(&format!("/{path}")));
    };
    // A trailing empty segment (a trailing `/`) is kept as it is.
    let normal = rest.is_empty() || {
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        !rest.is_empty() && rest.split('/').all(|s| !matches!(s, "" | "." | ".."))
    };
    if normal {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(remove_dot_segments(path))
    }
}

/// RFC 3986 5.2.4 for an absolute path: empty and `.` segments go, `..`
/// removes the previous one; a path ending in a directory keeps its `/`.
fn remove_dot_segments(path: &str) -> String {
    let mut kept: Vec<&str> = Vec::with_capacity(path.len() / 2 + 1);
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            other => kept.push(other),
        }
    }
    let mut out = String::with_capacity(path.len());
    for segment in &kept {
        out.push('/');
        out.push_str(segment);
    }
    let directory = ["/", "/.", "/./", "/..", "/../"]
        .iter()
        .any(|end| path.ends_with(end));
    if out.is_empty() || directory && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Lowercase hex of `bytes` into `out` (twice as long as `bytes`).
pub(crate) fn hex_into<'a>(bytes: &[u8], out: &'a mut [u8]) -> &'a str {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xf)];
    }
    let out = &out[..bytes.len() * 2];
    std::str::from_utf8(out).expect("hex digits are ASCII")
}

/// Lowercase hex of `bytes`, as a new string.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = vec![0; bytes.len() * 2];
    hex_into(bytes, &mut out);
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// Lowercase hex SHA-256 of `data`, written into `out`.
pub(super) fn sha256_hex<'a>(data: &[u8], out: &'a mut [u8; 64]) -> &'a str {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(data);
    hex_into(&digest, out)
}
