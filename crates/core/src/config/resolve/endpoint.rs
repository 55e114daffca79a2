//! The configured endpoint URL: explicit > `AWS_ENDPOINT_URL_<SERVICE>` >
//! `AWS_ENDPOINT_URL` > the profile's `[services …]` section > the profile's
//! `endpoint_url`, unless configured endpoints are ignored.

use super::{sourced_bool, ConfigError, SettingSource, Sourced, Sources};

/// The per-client inputs to [`resolve_endpoint_url`].
#[derive(Debug, Clone, Default)]
pub struct EndpointUrlOptions<'a> {
    /// An endpoint URL set in code; always used when present.
    pub explicit: Option<Sourced<&'a str>>,
    /// `ignore_configured_endpoint_urls` set in code; wins over the
    /// environment and the profile.
    pub ignore_configured: Option<bool>,
}

/// The service's key in a `[services …]` section: the service id lower-cased
/// with spaces and `-` turned into `_` (`"CloudWatch Logs"` → `cloudwatch_logs`).
fn service_key(service_id: &str) -> String {
    service_id
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

/// The service-specific environment variable: `AWS_ENDPOINT_URL_` plus the
/// service id upper-cased with spaces and `-` turned into `_`
/// (`"CloudWatch Logs"` → `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`).
pub fn endpoint_env_var(service_id: &str) -> String {
    format!(
        "AWS_ENDPOINT_URL_{}",
        service_key(service_id).to_ascii_uppercase()
    )
}

/// Resolves the endpoint URL for the service `service_id` (the model's
/// `metadata.serviceId`, e.g. `"S3"`, `"CloudWatch Logs"`).
///
/// 1. `options.explicit` is always used.
/// 2. Otherwise, when `ignore_configured_endpoint_urls` is true (set in code,
///    else `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, else the profile), nothing
///    else is looked at: `Ok(None)`.
/// 3. Otherwise the first of `AWS_ENDPOINT_URL_<SERVICE>`,
///    `AWS_ENDPOINT_URL`, the service's `endpoint_url` in the
///    `[services NAME]` section the profile points to, and the profile's own
///    `endpoint_url`.
///
/// The winner is checked with [`validate_endpoint_url`]. A profile whose
/// `services` names a missing section is an error (when it is consulted).
pub fn resolve_endpoint_url(
    service_id: &str,
    options: EndpointUrlOptions<'_>,
    sources: &Sources<'_>,
) -> Result<Option<Sourced<String>>, ConfigError> {
    if let Some(explicit) = options.explicit {
        return validated(explicit).map(Some);
    }
    let ignore = match options.ignore_configured {
        Some(flag) => flag,
        None => match sources.env_or_profile(
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        ) {
            Some(raw) => sourced_bool("ignore_configured_endpoint_urls", raw)?.value,
            None => false,
        },
    };
    if ignore {
        return Ok(None);
    }
    let found = match sources
        .env(&endpoint_env_var(service_id))
        .or_else(|| sources.env("AWS_ENDPOINT_URL"))
    {
        Some(found) => Some(found),
        None => match services_endpoint(service_id, sources)? {
            Some(found) => Some(found),
            None => sources.profile("endpoint_url"),
        },
    };
    found.map(validated).transpose()
}

/// The service's `endpoint_url` in the `[services NAME]` section the active
/// profile names with `services = NAME`.
fn services_endpoint<'a>(
    service_id: &str,
    sources: &Sources<'a>,
) -> Result<Option<Sourced<&'a str>>, ConfigError> {
    let Some(profile) = sources.profile else {
        return Ok(None);
    };
    let Some(section_name) = profile
        .get("services")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let section = sources.shared.services(section_name).ok_or_else(|| {
        ConfigError::MissingServicesSection {
            profile: profile.name().to_owned(),
            section: section_name.to_owned(),
        }
    })?;
    let key = service_key(service_id);
    let value = section
        .sub(&key)
        .and_then(|block| block.get("endpoint_url"))
        .map(|url| url.trim())
        .filter(|url| !url.is_empty());
    Ok(value.map(|url| {
        Sourced::new(
            url,
            SettingSource::Services {
                section: section_name.to_owned(),
                service: key,
                key: "endpoint_url".to_owned(),
            },
        )
    }))
}

/// Validates and takes ownership.
fn validated(raw: Sourced<&str>) -> Result<Sourced<String>, ConfigError> {
    validate_endpoint_url(raw.value, &raw.source)?;
    Ok(raw.map(str::to_owned))
}

/// Checks that `url` is an absolute `http` or `https` URL with a host (a
/// port, path and query are allowed).
pub fn validate_endpoint_url(url: &str, source: &SettingSource) -> Result<(), ConfigError> {
    let invalid = |reason: &str| ConfigError::invalid("endpoint_url", source.clone(), url, reason);
    let uri: http::Uri = url
        .parse()
        .map_err(|_| invalid("not a valid URL; expected something like `https://host:port`"))?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        // Never echo the password back.
        return Err(ConfigError::invalid(
            "endpoint_url",
            source.clone(),
            crate::http::mask_proxy_url(url),
            "user information (`user:password@`) is not allowed in an endpoint URL: it would be sent in the Host header; remove it",
        ));
    }
    match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("http" | "https") => {}
        Some(_) => return Err(invalid("the scheme must be `http` or `https`")),
        None => return Err(invalid("the URL needs a scheme (`https://` or `http://`)")),
    }
    match uri.host() {
        Some(host) if !host.is_empty() && host != "[]" => Ok(()),
        _ => Err(invalid("the URL has no host")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Profile, SharedConfig};

    #[test]
    fn env_var_names() {
        assert_eq!(endpoint_env_var("S3"), "AWS_ENDPOINT_URL_S3");
        assert_eq!(
            endpoint_env_var("CloudWatch Logs"),
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"
        );
        assert_eq!(endpoint_env_var("ACM-PCA"), "AWS_ENDPOINT_URL_ACM_PCA");
        assert_eq!(
            service_key("Elastic Load Balancing v2"),
            "elastic_load_balancing_v2"
        );
    }

    #[test]
    fn validation() {
        let src = SettingSource::ClientConfig;
        for good in [
            "https://example.com",
            "http://localhost:4566",
            "https://h:1/path?q=1",
            "http://127.0.0.1",
            "http://[::1]:8080",
        ] {
            assert!(validate_endpoint_url(good, &src).is_ok(), "{good}");
        }
        for bad in [
            "",
            "example.com",
            "ftp://example.com",
            "https://",
            "https:// spaced.com",
            "not a url",
            "/just/a/path",
        ] {
            let err = validate_endpoint_url(bad, &src).unwrap_err();
            assert!(err.to_string().contains("endpoint_url"), "{bad}: {err}");
        }
        for userinfo in ["http://user:pw-s3cret@host:1", "https://user@host"] {
            let err = validate_endpoint_url(userinfo, &src)
                .unwrap_err()
                .to_string();
            assert!(err.contains("user information"), "{err}");
            assert!(!err.contains("pw-s3cret"), "{err}");
        }
    }

    #[test]
    fn missing_services_section_is_an_error() {
        let env = Env::empty();
        let shared = SharedConfig::empty();
        let profile = Profile::new("p").with("services", "nope");
        let sources = Sources::new(&env, &shared, Some(&profile));
        let err = resolve_endpoint_url("S3", EndpointUrlOptions::default(), &sources).unwrap_err();
        assert!(
            matches!(err, ConfigError::MissingServicesSection { ref section, .. } if section == "nope"),
            "{err}"
        );
        // ...but only when it is consulted: the environment wins first.
        let env = Env::from_pairs([("AWS_ENDPOINT_URL", "http://localhost:1")]);
        let sources = Sources::new(&env, &shared, Some(&profile));
        let got = resolve_endpoint_url("S3", EndpointUrlOptions::default(), &sources)
            .unwrap()
            .unwrap();
        assert_eq!(got.value, "http://localhost:1");
    }

    #[test]
    fn invalid_configured_values_name_their_source() {
        let env = Env::from_pairs([("AWS_ENDPOINT_URL_SQS", "localhost:9324")]);
        let shared = SharedConfig::empty();
        let sources = Sources::new(&env, &shared, None);
        let err = resolve_endpoint_url("SQS", EndpointUrlOptions::default(), &sources).unwrap_err();
        assert!(err.to_string().contains("AWS_ENDPOINT_URL_SQS"), "{err}");

        let env = Env::from_pairs([("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "maybe")]);
        let sources = Sources::new(&env, &shared, None);
        let err = resolve_endpoint_url("SQS", EndpointUrlOptions::default(), &sources).unwrap_err();
        assert!(
            err.to_string()
                .contains("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
            "{err}"
        );
    }
}
