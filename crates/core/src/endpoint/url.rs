//! `parseURL`: split an endpoint URL into the record the rules inspect.

use std::borrow::Cow;
use std::net::Ipv6Addr;

use super::val::Val;

/// The parts of an `http`/`https` URL without a query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedUrl {
    /// `http` or `https` (lower case).
    pub scheme: String,
    /// Host and optional port, as written.
    pub authority: String,
    /// The path as written (may be empty).
    pub path: String,
    /// The path with a trailing slash (`/` for an empty path).
    pub normalized_path: String,
    /// True when the host is an IPv4 or IPv6 address.
    pub is_ip: bool,
}

impl ParsedUrl {
    /// The record `parseURL` returns.
    pub(crate) fn into_val(self) -> Val {
        Val::record(vec![
            (Cow::Borrowed("scheme"), Val::Str(self.scheme)),
            (Cow::Borrowed("authority"), Val::Str(self.authority)),
            (Cow::Borrowed("path"), Val::Str(self.path)),
            (
                Cow::Borrowed("normalizedPath"),
                Val::Str(self.normalized_path),
            ),
            (Cow::Borrowed("isIp"), Val::Bool(self.is_ip)),
        ])
    }
}

/// Parses `text`; `None` for other schemes, a query string, a bad port or no
/// host.
pub(crate) fn parse_url(text: &str) -> Option<ParsedUrl> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    // A fragment is not part of the endpoint; a query makes the URL unusable.
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    if rest.contains('?') {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = host_of(authority)?;
    if host.is_empty() {
        return None;
    }
    let is_ip = if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        // Drop an IPv6 zone id (`%25eth0`).
        let addr = inner.split_once('%').map_or(inner, |(a, _)| a);
        if addr.parse::<Ipv6Addr>().is_err() {
            return None;
        }
        true
    } else {
        looks_like_ipv4(host)
    };
    let mut normalized_path = path.to_string();
    if !normalized_path.ends_with('/') {
        normalized_path.push('/');
    }
    Some(ParsedUrl {
        scheme,
        authority: authority.to_string(),
        path: path.to_string(),
        normalized_path,
        is_ip,
    })
}

/// The host part of an authority (`user@host:port`), after checking the port.
fn host_of(authority: &str) -> Option<&str> {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if host_port.starts_with('[') {
        let end = host_port.find(']')?;
        let (host, after) = host_port.split_at(end + 1);
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if let Some(port) = port {
        // An empty port (`host:`) means the default one.
        if !port.is_empty()
            && (!port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err())
        {
            return None;
        }
    }
    Some(host)
}

/// Four dot-separated groups of one to three digits (what botocore treats as
/// an IPv4 address).
pub(crate) fn looks_like_ipv4(host: &str) -> bool {
    let mut groups = 0;
    for group in host.split('.') {
        groups += 1;
        if group.is_empty() || group.len() > 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    groups == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts() {
        let u = parse_url("https://example.com:8443/a/b").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.authority, "example.com:8443");
        assert_eq!(u.path, "/a/b");
        assert_eq!(u.normalized_path, "/a/b/");
        assert!(!u.is_ip);
        let u = parse_url("HTTP://host").unwrap();
        assert_eq!(
            (
                u.scheme.as_str(),
                u.path.as_str(),
                u.normalized_path.as_str()
            ),
            ("http", "", "/")
        );
    }

    #[test]
    fn detects_ip_hosts() {
        assert!(parse_url("http://192.168.1.1:1234/foo/").unwrap().is_ip);
        assert!(parse_url("https://[2001:db8::1]:443").unwrap().is_ip);
        assert!(parse_url("https://[fe80::1%25en0]/").unwrap().is_ip);
        assert!(!parse_url("https://999.999.abc.blah").unwrap().is_ip);
        assert!(!parse_url("https://1.2.3").unwrap().is_ip);
    }

    #[test]
    fn rejects_unusable_urls() {
        for bad in [
            "acbd://example.com",
            "example.com",
            "http://abc.com:a/foo",
            "http://abc.com:70000/",
            "https://example.com/path?query1=foo",
            "https://",
            "https://:80/",
            "https://[::1",
            "https://[not-an-ip]/",
        ] {
            assert_eq!(parse_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn record_fields() {
        let v = parse_url("http://h/p").unwrap().into_val();
        assert_eq!(v.field("authority"), Some(&Val::Str("h".into())));
        assert_eq!(v.field("isIp"), Some(&Val::Bool(false)));
        assert_eq!(v.field("normalizedPath"), Some(&Val::Str("/p/".into())));
    }
}
