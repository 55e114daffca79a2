//! Network settings: proxies (`proxies` in code, else `HTTP_PROXY` /
//! `HTTPS_PROXY` / `NO_PROXY`; the profile's `proxies_config` section),
//! `tcp_keepalive` / `BOTOCORE_TCP_KEEPALIVE`, and the checks on timeouts
//! and pool sizes set in code.

use std::time::Duration;

use super::flags::{resolve_two_way, FLAG};
use super::{sourced_bool, ConfigError, SettingSource, Sourced, Sources};
use crate::http::{mask_proxy_url, proxies_from_env, ProxyConfig};

/// The proxies: the explicit ones, else the environment's; then the
/// profile's `proxies_config` (`proxy_ca_bundle`,
/// `proxy_use_forwarding_for_https`) fills what code left unset. Proxy URLs
/// are checked here (the error masks passwords).
pub fn resolve_proxies(
    explicit: Option<Sourced<&ProxyConfig>>,
    sources: &Sources<'_>,
) -> Result<Option<ProxyConfig>, ConfigError> {
    let (mut config, source) = match explicit {
        Some(p) => (p.value.clone(), p.source),
        None => match proxies_from_env(sources.env) {
            Some(p) => {
                let var = if p.https.is_some() {
                    "HTTPS_PROXY"
                } else {
                    "HTTP_PROXY"
                };
                (p, SettingSource::Env(var.to_owned()))
            }
            None => return Ok(None),
        },
    };
    if config.proxy_ca_bundle.is_none() {
        if let Some(raw) = sources.profile_sub("proxies_config", "proxy_ca_bundle") {
            config.proxy_ca_bundle = Some(raw.value.into());
        }
    }
    if !config.use_forwarding_for_https {
        if let Some(raw) = sources.profile_sub("proxies_config", "proxy_use_forwarding_for_https") {
            config.use_forwarding_for_https =
                sourced_bool("proxy_use_forwarding_for_https", raw)?.value;
        }
    }
    if config.is_empty() {
        return Ok(None);
    }
    config.parse().map_err(|reason| {
        let shown = [&config.http, &config.https]
            .into_iter()
            .flatten()
            .map(|u| mask_proxy_url(u))
            .collect::<Vec<_>>()
            .join(", ");
        ConfigError::invalid("proxies", source, shown, reason)
    })?;
    Ok(Some(config))
}

/// `tcp_keepalive`: explicit, else `BOTOCORE_TCP_KEEPALIVE`, else the
/// profile's `tcp_keepalive`; off by default.
pub fn resolve_tcp_keepalive(
    explicit: Option<bool>,
    sources: &Sources<'_>,
) -> Result<bool, ConfigError> {
    resolve_two_way(
        "tcp_keepalive",
        explicit,
        "BOTOCORE_TCP_KEEPALIVE",
        sources,
        &FLAG,
    )
}

/// A timeout set in code: longer than zero.
pub fn check_timeout(
    setting: &str,
    value: Option<Sourced<Duration>>,
) -> Result<Option<Duration>, ConfigError> {
    match value {
        Some(d) if d.value.is_zero() => Err(ConfigError::invalid(
            setting,
            d.source,
            "0s",
            "a timeout must be longer than zero",
        )),
        other => Ok(other.map(|d| d.value)),
    }
}

/// `max_pool_connections` set in code: at least 1.
pub fn check_pool_size(value: Option<Sourced<usize>>) -> Result<Option<usize>, ConfigError> {
    match value {
        Some(n) if n.value == 0 => Err(ConfigError::invalid(
            "max_pool_connections",
            n.source,
            "0",
            "must be at least 1",
        )),
        other => Ok(other.map(|n| n.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Profile, SharedConfig};

    #[test]
    fn proxies_explicit_over_env_and_profile_section() {
        let env = Env::from_pairs([("HTTPS_PROXY", "http://env:1"), ("NO_PROXY", "x")]);
        let shared = SharedConfig::parse(
            "[default]\nproxies_config =\n  proxy_ca_bundle = /p/ca.pem\n  proxy_use_forwarding_for_https = true\n",
            "",
        )
        .unwrap();
        let profile = shared.profile("default");
        let sources = Sources::new(&env, &shared, profile.as_ref());
        let from_env = resolve_proxies(None, &sources).unwrap().unwrap();
        assert_eq!(from_env.https.as_deref(), Some("http://env:1"));
        assert_eq!(from_env.no_proxy.as_deref(), Some("x"));
        assert_eq!(
            from_env.proxy_ca_bundle.as_deref(),
            Some(std::path::Path::new("/p/ca.pem"))
        );
        assert!(from_env.use_forwarding_for_https);
        let explicit = ProxyConfig::default().http("http://code:2");
        let got = resolve_proxies(
            Some(Sourced::new(&explicit, SettingSource::ClientConfig)),
            &sources,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (got.http.as_deref(), got.https),
            (Some("http://code:2"), None)
        );

        let bad = ProxyConfig::default().https("socks5://u:s3cret@h:1");
        let err = resolve_proxies(Some(Sourced::new(&bad, SettingSource::Session)), &sources)
            .unwrap_err()
            .to_string();
        assert!(err.contains("proxies") && !err.contains("s3cret"), "{err}");
        let none = Env::from_pairs([("AWS_REGION", "x")]);
        let empty = SharedConfig::empty();
        let p = Profile::new("p");
        assert_eq!(
            resolve_proxies(None, &Sources::new(&none, &empty, Some(&p))).unwrap(),
            None
        );
    }

    #[test]
    fn keepalive_and_checks() {
        let env = Env::from_pairs([("BOTOCORE_TCP_KEEPALIVE", "true")]);
        let shared = SharedConfig::empty();
        let p = Profile::new("p").with("tcp_keepalive", "false");
        let sources = Sources::new(&env, &shared, Some(&p));
        assert!(resolve_tcp_keepalive(None, &sources).unwrap());
        assert!(!resolve_tcp_keepalive(Some(false), &sources).unwrap());
        let env = Env::from_pairs([("BOTOCORE_TCP_KEEPALIVE", "yes")]);
        let sources = Sources::new(&env, &shared, Some(&p));
        let err = resolve_tcp_keepalive(None, &sources)
            .unwrap_err()
            .to_string();
        assert!(err.contains("BOTOCORE_TCP_KEEPALIVE"), "{err}");
        let zero = Sourced::new(Duration::ZERO, SettingSource::ClientConfig);
        assert!(check_timeout("operation_timeout", Some(zero))
            .unwrap_err()
            .to_string()
            .contains("operation_timeout"));
        assert!(check_pool_size(Some(Sourced::new(0, SettingSource::Session))).is_err());
        assert_eq!(
            check_pool_size(Some(Sourced::new(5, SettingSource::Session))).unwrap(),
            Some(5)
        );
    }
}
