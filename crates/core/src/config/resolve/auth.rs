//! Authentication settings: `sts_regional_endpoints`,
//! `auth_scheme_preference`, `sigv4a_signing_region_set` and
//! `s3_disable_express_session_auth` (each from the environment, then the
//! profile, as botocore's config chain).

use super::{sourced_bool, ConfigError, Sources};

/// Whether STS clients use the global endpoint (`sts_regional_endpoints =
/// legacy`, `AWS_STS_REGIONAL_ENDPOINTS`); `regional`, botocore's default,
/// gives `false`. Anything else is an error naming its source.
pub fn resolve_sts_use_global_endpoint(sources: &Sources<'_>) -> Result<bool, ConfigError> {
    match sources.env_or_profile("AWS_STS_REGIONAL_ENDPOINTS", "sts_regional_endpoints") {
        None => Ok(false),
        Some(raw) => match raw.value.trim().to_ascii_lowercase().as_str() {
            "legacy" => Ok(true),
            "regional" => Ok(false),
            _ => Err(ConfigError::invalid(
                "sts_regional_endpoints",
                raw.source,
                raw.value,
                "expected `legacy` or `regional`",
            )),
        },
    }
}

/// The preferred auth schemes, most preferred first (`auth_scheme_preference`
/// / `AWS_AUTH_SCHEME_PREFERENCE`: a comma-separated list such as
/// `sigv4a,sigv4`; botocore strips whitespace and empty entries).
pub fn resolve_auth_scheme_preference(
    explicit: Option<&[String]>,
    sources: &Sources<'_>,
) -> Vec<String> {
    if let Some(list) = explicit {
        return list.to_vec();
    }
    sources
        .env_or_profile("AWS_AUTH_SCHEME_PREFERENCE", "auth_scheme_preference")
        .map(|raw| {
            raw.value
                .split(',')
                .map(|s| s.split_whitespace().collect::<String>())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The SigV4a region set (`sigv4a_signing_region_set` /
/// `AWS_SIGV4A_SIGNING_REGION_SET`), if configured.
pub fn resolve_sigv4a_region_set(explicit: Option<&str>, sources: &Sources<'_>) -> Option<String> {
    explicit.map(str::to_owned).or_else(|| {
        sources
            .env_or_profile("AWS_SIGV4A_SIGNING_REGION_SET", "sigv4a_signing_region_set")
            .map(|raw| raw.value.split_whitespace().collect())
    })
}

/// Whether S3 Express session auth is turned off
/// (`s3_disable_express_session_auth` / `AWS_S3_DISABLE_EXPRESS_SESSION_AUTH`);
/// `None` when unset (the endpoint rules then decide).
pub fn resolve_disable_s3_express_session_auth(
    explicit: Option<bool>,
    sources: &Sources<'_>,
) -> Result<Option<bool>, ConfigError> {
    if explicit.is_some() {
        return Ok(explicit);
    }
    sources
        .env_or_profile(
            "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
            "s3_disable_express_session_auth",
        )
        .map(|raw| sourced_bool("s3_disable_express_session_auth", raw).map(|v| v.value))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, SharedConfig};

    #[test]
    fn auth_settings_from_env_and_profile() {
        let shared = SharedConfig::parse(
            "[default]\nsts_regional_endpoints = legacy\nauth_scheme_preference = sigv4a, sigv4\n\
             sigv4a_signing_region_set = us-west-2,us-east-1\ns3_disable_express_session_auth = true\n",
            "",
        )
        .unwrap();
        let profile = shared.profile("default");
        let env = Env::empty();
        let sources = Sources::new(&env, &shared, profile.as_ref());
        assert!(resolve_sts_use_global_endpoint(&sources).unwrap());
        assert_eq!(
            resolve_auth_scheme_preference(None, &sources),
            ["sigv4a", "sigv4"]
        );
        assert_eq!(
            resolve_sigv4a_region_set(None, &sources).as_deref(),
            Some("us-west-2,us-east-1")
        );
        assert_eq!(
            resolve_disable_s3_express_session_auth(None, &sources).unwrap(),
            Some(true)
        );

        let env = Env::from_pairs([
            ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
            ("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "nope"),
        ]);
        let sources = Sources::new(&env, &shared, profile.as_ref());
        assert!(!resolve_sts_use_global_endpoint(&sources).unwrap());
        let err = resolve_disable_s3_express_session_auth(None, &sources).unwrap_err();
        assert!(
            err.to_string()
                .contains("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH"),
            "{err}"
        );

        let env = Env::from_pairs([("AWS_STS_REGIONAL_ENDPOINTS", "global")]);
        let sources = Sources::new(&env, &shared, profile.as_ref());
        let err = resolve_sts_use_global_endpoint(&sources).unwrap_err();
        assert!(err.to_string().contains("legacy"), "{err}");
    }
}
