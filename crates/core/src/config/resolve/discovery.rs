//! `endpoint_discovery_enabled` / `AWS_ENDPOINT_DISCOVERY_ENABLED`:
//! `true`, `false` or `auto` (the default).

use super::{ConfigError, Sources};
pub use crate::discovery::EndpointDiscovery;

/// Resolves `endpoint_discovery_enabled`: the explicit value, else
/// `AWS_ENDPOINT_DISCOVERY_ENABLED`, else the profile's
/// `endpoint_discovery_enabled`, else `auto`. Anything but `true`, `false`
/// or `auto` (any case) is an error naming its source, as in botocore.
pub fn resolve_endpoint_discovery(
    explicit: Option<EndpointDiscovery>,
    sources: &Sources<'_>,
) -> Result<EndpointDiscovery, ConfigError> {
    if let Some(value) = explicit {
        return Ok(value);
    }
    match sources.env_or_profile(
        "AWS_ENDPOINT_DISCOVERY_ENABLED",
        "endpoint_discovery_enabled",
    ) {
        Some(raw) => EndpointDiscovery::parse(raw.value).ok_or_else(|| {
            ConfigError::invalid(
                "endpoint_discovery_enabled",
                raw.source,
                raw.value,
                "expected `true`, `false` or `auto`",
            )
        }),
        None => Ok(EndpointDiscovery::Auto),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Profile, SharedConfig};

    fn resolve(
        explicit: Option<EndpointDiscovery>,
        env: &[(&str, &str)],
        profile: &[(&str, &str)],
    ) -> Result<EndpointDiscovery, ConfigError> {
        let env = Env::from_pairs(env.iter().copied());
        let shared = SharedConfig::empty();
        let profile = profile
            .iter()
            .fold(Profile::new("p"), |p, (k, v)| p.with(*k, *v));
        resolve_endpoint_discovery(explicit, &Sources::new(&env, &shared, Some(&profile)))
    }

    #[test]
    fn values_precedence_and_errors() {
        assert_eq!(resolve(None, &[], &[]).unwrap(), EndpointDiscovery::Auto);
        let env = [("AWS_ENDPOINT_DISCOVERY_ENABLED", " TRUE ")];
        let profile = [("endpoint_discovery_enabled", "false")];
        assert_eq!(
            resolve(None, &env, &profile).unwrap(),
            EndpointDiscovery::Enabled
        );
        assert_eq!(
            resolve(None, &[], &profile).unwrap(),
            EndpointDiscovery::Disabled
        );
        assert_eq!(
            resolve(Some(EndpointDiscovery::Auto), &env, &profile).unwrap(),
            EndpointDiscovery::Auto
        );
        assert_eq!(
            resolve(None, &[], &[("endpoint_discovery_enabled", "Auto")]).unwrap(),
            EndpointDiscovery::Auto
        );
        let err = resolve(None, &[("AWS_ENDPOINT_DISCOVERY_ENABLED", "yes")], &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("endpoint_discovery_enabled")
                && err.contains("AWS_ENDPOINT_DISCOVERY_ENABLED"),
            "{err}"
        );
    }
}
