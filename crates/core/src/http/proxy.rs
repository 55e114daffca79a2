//! Proxies, as botocore configures them: boto3's `proxies` (a proxy URL per
//! endpoint scheme) and `proxies_config` (`proxy_ca_bundle`,
//! `proxy_use_forwarding_for_https`), or the environment's `HTTP_PROXY`,
//! `HTTPS_PROXY` and `NO_PROXY` (lower-case names win, as in Python).
//!
//! An `https` endpoint is reached through a `CONNECT` tunnel (TLS end to end
//! with the service); an `http` endpoint's requests are forwarded with their
//! absolute URL. Credentials in a proxy URL (`http://user:pass@proxy:3128`)
//! become `Proxy-Authorization: Basic …`; they never appear in `Debug`,
//! errors or traces.

use std::fmt;
use std::path::PathBuf;

use base64::Engine as _;
use http::{HeaderValue, Uri};

/// Proxy settings of a client (boto3's `proxies` and `proxies_config`).
///
/// ```
/// use myaws_core::http::ProxyConfig;
///
/// let proxies = ProxyConfig::default()
///     .https("http://user:secret@proxy.internal:3128")
///     .no_proxy("169.254.169.254,.internal");
/// assert!(!format!("{proxies:?}").contains("secret"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProxyConfig {
    /// The proxy for `http://` endpoints.
    pub http: Option<String>,
    /// The proxy for `https://` endpoints.
    pub https: Option<String>,
    /// Hosts reached directly: comma-separated names (a name also matches
    /// its subdomains; a leading `.` is ignored), `host:port`, or `*` for
    /// every host.
    pub no_proxy: Option<String>,
    /// A PEM file of CA certificates trusted for an `https://` proxy's own
    /// certificate (boto3's `proxy_ca_bundle`).
    pub proxy_ca_bundle: Option<PathBuf>,
    /// Through an `https://` proxy, send `https` requests to the proxy
    /// (which then sees them) instead of tunnelling with `CONNECT`
    /// (boto3's `proxy_use_forwarding_for_https`).
    pub use_forwarding_for_https: bool,
}

impl ProxyConfig {
    /// The proxy for `http://` endpoints.
    pub fn http(mut self, url: impl Into<String>) -> Self {
        self.http = Some(url.into());
        self
    }

    /// The proxy for `https://` endpoints.
    pub fn https(mut self, url: impl Into<String>) -> Self {
        self.https = Some(url.into());
        self
    }

    /// Hosts reached without the proxy (`NO_PROXY` syntax).
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.no_proxy = Some(hosts.into());
        self
    }

    /// CA certificates for an `https://` proxy's certificate.
    pub fn proxy_ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.proxy_ca_bundle = Some(path.into());
        self
    }

    /// Forward `https` requests through an `https://` proxy instead of
    /// tunnelling.
    pub fn use_forwarding_for_https(mut self, on: bool) -> Self {
        self.use_forwarding_for_https = on;
        self
    }

    /// True when no proxy is set.
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }

    /// Parses and checks the URLs; the error names the bad setting and never
    /// shows a password.
    pub(crate) fn parse(&self) -> Result<Proxies, String> {
        let parse = |which: &str, url: &Option<String>| {
            url.as_deref()
                .map(|u| ProxyTarget::parse(u).map_err(|e| format!("{which} proxy: {e}")))
                .transpose()
        };
        Ok(Proxies {
            http: parse("http", &self.http)?,
            https: parse("https", &self.https)?,
            no_proxy: NoProxy::parse(self.no_proxy.as_deref().unwrap_or("")),
            forward_https: self.use_forwarding_for_https,
        })
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("http", &self.http.as_deref().map(mask))
            .field("https", &self.https.as_deref().map(mask))
            .field("no_proxy", &self.no_proxy)
            .field("proxy_ca_bundle", &self.proxy_ca_bundle)
            .field("use_forwarding_for_https", &self.use_forwarding_for_https)
            .finish()
    }
}

/// A proxy URL with any password replaced by `***`.
pub fn mask(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let masked = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{user}:***@{host}")
        }
        None => authority.to_string(),
    };
    if scheme.is_empty() {
        format!("{masked}{tail}")
    } else {
        format!("{scheme}://{masked}{tail}")
    }
}

/// The proxies from the environment (`http_proxy`/`HTTP_PROXY`,
/// `https_proxy`/`HTTPS_PROXY`, `no_proxy`/`NO_PROXY`; the lower-case name
/// wins, as in Python's `urllib`), or `None` when neither proxy is set.
pub fn from_env(env: &crate::config::Env) -> Option<ProxyConfig> {
    let get = |name: &str| {
        env.get_non_empty(&name.to_ascii_lowercase())
            .or_else(|| env.get_non_empty(&name.to_ascii_uppercase()))
            .map(str::to_owned)
    };
    let config = ProxyConfig {
        http: get("http_proxy"),
        https: get("https_proxy"),
        no_proxy: get("no_proxy"),
        ..ProxyConfig::default()
    };
    (!config.is_empty()).then_some(config)
}

/// Parsed proxy settings.
#[derive(Clone, Debug)]
pub(crate) struct Proxies {
    http: Option<ProxyTarget>,
    https: Option<ProxyTarget>,
    no_proxy: NoProxy,
    forward_https: bool,
}

/// How a request to some URL travels.
#[derive(Clone, Debug)]
pub(crate) enum Route<'a> {
    /// Straight to the host.
    Direct,
    /// Through `CONNECT` at the proxy.
    Tunnel(&'a ProxyTarget),
    /// Sent to the proxy with its absolute URL.
    Forward(&'a ProxyTarget),
}

impl Proxies {
    /// How to reach `uri`.
    pub(crate) fn route(&self, uri: &Uri) -> Route<'_> {
        let https = uri.scheme_str() == Some("https");
        let proxy = if https { &self.https } else { &self.http };
        let Some(proxy) = proxy else {
            return Route::Direct;
        };
        if let Some(authority) = uri.authority() {
            if self
                .no_proxy
                .bypasses(authority.host(), authority.port_u16())
            {
                return Route::Direct;
            }
        }
        if !https || (proxy.tls && self.forward_https) {
            Route::Forward(proxy)
        } else {
            Route::Tunnel(proxy)
        }
    }
}

/// One proxy: where it is, whether it speaks TLS, and its credentials.
#[derive(Clone)]
pub(crate) struct ProxyTarget {
    /// `scheme://host:port` (no credentials).
    pub(crate) uri: Uri,
    /// The proxy speaks TLS (`https://`).
    pub(crate) tls: bool,
    /// `Basic …` for `Proxy-Authorization` (marked sensitive).
    pub(crate) auth: Option<HeaderValue>,
    /// The URL with its password masked, for messages.
    pub(crate) shown: String,
}

impl fmt::Debug for ProxyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl ProxyTarget {
    /// Parses a proxy URL as botocore does: no scheme means `http://`.
    fn parse(url: &str) -> Result<ProxyTarget, String> {
        let url = url.trim();
        let full = if url.starts_with("http:") || url.starts_with("https:") {
            url.to_string()
        } else if let Some(rest) = url.strip_prefix("//") {
            format!("http://{rest}")
        } else if url.contains("://") {
            return Err(format!(
                "`{}`: only http:// and https:// proxies are supported",
                mask(url)
            ));
        } else {
            format!("http://{url}")
        };
        let shown = mask(&full);
        let (scheme, rest) = full
            .split_once("://")
            .ok_or_else(|| format!("`{shown}` is not a URL"))?;
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if hostport.is_empty() {
            return Err(format!("`{shown}` names no host"));
        }
        let tls = scheme == "https";
        let default_port = if tls { 443 } else { 80 };
        let uri: Uri = format!("{scheme}://{hostport}")
            .parse()
            .map_err(|e| format!("`{shown}`: {e}"))?;
        let uri = if uri.port().is_none() {
            format!("{scheme}://{hostport}:{default_port}")
                .parse()
                .map_err(|e| format!("`{shown}`: {e}"))?
        } else {
            uri
        };
        let auth = match userinfo {
            None => None,
            Some(userinfo) => {
                let (user, pass) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .map(|c| c.into_owned())
                        .map_err(|_| format!("`{shown}`: credentials are not UTF-8"))
                };
                let token = base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    decode(user)?,
                    decode(pass)?
                ));
                let mut value = HeaderValue::from_str(&format!("Basic {token}"))
                    .map_err(|_| format!("`{shown}`: unusable credentials"))?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        Ok(ProxyTarget {
            uri,
            tls,
            auth,
            shown,
        })
    }

    /// The proxy's host name (without brackets for IPv6).
    pub(crate) fn host(&self) -> &str {
        let host = self.uri.host().unwrap_or("");
        host.trim_start_matches('[').trim_end_matches(']')
    }
}

/// A `NO_PROXY` list.
#[derive(Clone, Debug, Default)]
struct NoProxy {
    all: bool,
    names: Vec<String>,
}

impl NoProxy {
    fn parse(list: &str) -> NoProxy {
        let list = list.trim();
        NoProxy {
            all: list == "*",
            names: list
                .split(',')
                .map(|n| n.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|n| !n.is_empty())
                .collect(),
        }
    }

    /// Python's `proxy_bypass_environment`: the host (with or without its
    /// port) equals a name or ends with `.name`.
    fn bypasses(&self, host: &str, port: Option<u16>) -> bool {
        if self.all {
            return true;
        }
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let with_port = port.map(|p| format!("{host}:{p}"));
        self.names.iter().any(|name| {
            let candidates = std::iter::once(host.as_str()).chain(with_port.as_deref());
            candidates.into_iter().any(|h| {
                h == name
                    || h.strip_suffix(name.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(config: &ProxyConfig, url: &str) -> String {
        let proxies = config.parse().unwrap();
        match proxies.route(&url.parse().unwrap()) {
            Route::Direct => "direct".into(),
            Route::Tunnel(p) => format!("tunnel {}", p.uri),
            Route::Forward(p) => format!("forward {}", p.uri),
        }
    }

    #[test]
    fn routes_by_scheme_and_no_proxy() {
        let config = ProxyConfig::default()
            .http("proxy:3128")
            .https("http://u:p@sec.proxy")
            .no_proxy(" .internal , example.org:8080,169.254.169.254");
        assert_eq!(
            route(&config, "http://s3.amazonaws.com/"),
            "forward http://proxy:3128/"
        );
        assert_eq!(
            route(&config, "https://s3.amazonaws.com/"),
            "tunnel http://sec.proxy:80/"
        );
        assert_eq!(route(&config, "https://a.b.internal/"), "direct");
        assert_eq!(route(&config, "https://internal/"), "direct");
        assert_eq!(
            route(&config, "https://notinternal/"),
            "tunnel http://sec.proxy:80/"
        );
        assert_eq!(route(&config, "http://example.org:8080/"), "direct");
        assert_eq!(
            route(&config, "http://example.org/"),
            "forward http://proxy:3128/"
        );
        assert_eq!(route(&config, "http://169.254.169.254/"), "direct");
        let all = ProxyConfig::default().https("http://p:1").no_proxy("*");
        assert_eq!(route(&all, "https://x/"), "direct");
        let forwarding = ProxyConfig::default()
            .https("https://p:1")
            .use_forwarding_for_https(true);
        assert_eq!(route(&forwarding, "https://x/"), "forward https://p:1/");
    }

    #[test]
    fn credentials_become_basic_auth_and_are_masked() {
        let p = ProxyTarget::parse("http://us%40er:pa%3Ass@proxy:8080").unwrap();
        assert_eq!(
            p.auth.as_ref().unwrap().to_str().unwrap(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("us@er:pa:ss")
            )
        );
        assert!(p.auth.as_ref().unwrap().is_sensitive());
        assert_eq!(p.shown, "http://us%40er:***@proxy:8080");
        assert!(!format!("{p:?}").contains("pa%3Ass"));
        let config = ProxyConfig::default().http("http://u:s3cret@h:1");
        assert!(!format!("{config:?}").contains("s3cret"));
        let err = ProxyConfig::default()
            .https("socks5://u:s3cret@h:1")
            .parse()
            .unwrap_err();
        assert!(
            err.contains("only http:// and https://") && !err.contains("s3cret"),
            "{err}"
        );
        assert!(ProxyConfig::default().http("http://").parse().is_err());
    }

    #[test]
    fn environment_lower_case_wins() {
        let env = crate::config::Env::from_pairs([
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:1"),
            ("NO_PROXY", "localhost"),
        ]);
        let config = from_env(&env).unwrap();
        assert_eq!(config.https.as_deref(), Some("http://lower:1"));
        assert_eq!(config.http, None);
        assert_eq!(config.no_proxy.as_deref(), Some("localhost"));
        assert!(from_env(&crate::config::Env::from_pairs([("NO_PROXY", "x")])).is_none());
    }
}
