//! Pure resolution of client settings from explicit values, the environment
//! and the active profile.
//!
//! Every function takes what it needs ([`Sources`]: an [`Env`], the
//! [`SharedConfig`] and the active [`Profile`]) and returns the winning value
//! with its [`SettingSource`], or an error that names the setting and where
//! the bad value came from. Explicit values are passed in as
//! [`Sourced`] so the caller says whether they came from the session builder
//! or a client's configuration. Blank values in the environment or a profile
//! count as unset.

mod auth;
mod compression;
mod discovery;
mod endpoint;
mod flags;
mod network;
mod region;
mod retry;

pub use auth::{
    resolve_auth_scheme_preference, resolve_disable_s3_express_session_auth,
    resolve_sigv4a_region_set, resolve_sts_use_global_endpoint,
};
pub use compression::resolve_request_compression;
pub use discovery::{resolve_endpoint_discovery, EndpointDiscovery};
pub use endpoint::{
    endpoint_env_var, resolve_endpoint_url, validate_endpoint_url, EndpointUrlOptions,
};
pub use flags::{
    parse_bool, resolve_ca_bundle, resolve_request_checksum_calculation,
    resolve_response_checksum_validation, resolve_s3_addressing_style, resolve_use_dual_stack,
    resolve_use_fips, S3_ADDRESSING_STYLES,
};
pub use network::{check_pool_size, check_timeout, resolve_proxies, resolve_tcp_keepalive};
pub use region::{resolve_region, validate_region};
pub use retry::{parse_retry_mode, resolve_retry, RetryConfig, RetryMode};

use super::{ConfigError, Env, Profile, SettingSource, SharedConfig};

/// A value together with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: SettingSource,
}

impl<T> Sourced<T> {
    /// Pairs a value with its source.
    pub fn new(value: T, source: SettingSource) -> Self {
        Sourced { value, source }
    }

    /// Applies `f` to the value, keeping the source.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sourced<U> {
        Sourced {
            value: f(self.value),
            source: self.source,
        }
    }
}

/// What settings are resolved from, besides explicit values.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The environment snapshot.
    pub env: &'a Env,
    /// The shared config and credentials files.
    pub shared: &'a SharedConfig,
    /// The active profile, if it exists.
    pub profile: Option<&'a Profile>,
}

impl<'a> Sources<'a> {
    /// Bundles the three sources.
    pub fn new(env: &'a Env, shared: &'a SharedConfig, profile: Option<&'a Profile>) -> Self {
        Sources {
            env,
            shared,
            profile,
        }
    }

    /// A non-blank environment variable.
    pub(crate) fn env(&self, var: &str) -> Option<Sourced<&'a str>> {
        self.env
            .get_non_empty(var)
            .map(|value| Sourced::new(value, SettingSource::Env(var.to_owned())))
    }

    /// A non-blank plain value of the active profile.
    pub(crate) fn profile(&self, key: &str) -> Option<Sourced<&'a str>> {
        let profile = self.profile?;
        let value = profile.get(key)?.trim();
        (!value.is_empty()).then(|| {
            Sourced::new(
                value,
                SettingSource::Profile {
                    profile: profile.name().to_owned(),
                    key: key.to_owned(),
                },
            )
        })
    }

    /// A non-blank value of the active profile's nested sub-section `sub`.
    pub(crate) fn profile_sub(&self, sub: &str, key: &str) -> Option<Sourced<&'a str>> {
        let profile = self.profile?;
        let value = profile.sub(sub)?.get(key)?.trim();
        (!value.is_empty()).then(|| {
            Sourced::new(
                value,
                SettingSource::Profile {
                    profile: profile.name().to_owned(),
                    key: format!("{sub}.{key}"),
                },
            )
        })
    }

    /// The first of: the environment variable `var`, the profile key `key`.
    pub(crate) fn env_or_profile(&self, var: &str, key: &str) -> Option<Sourced<&'a str>> {
        self.env(var).or_else(|| self.profile(key))
    }
}

/// Turns an error-free lookup of a boolean into a checked one.
pub(crate) fn sourced_bool(
    setting: &str,
    raw: Sourced<&str>,
) -> Result<Sourced<bool>, ConfigError> {
    match parse_bool(raw.value) {
        Some(value) => Ok(Sourced::new(value, raw.source)),
        None => Err(ConfigError::invalid(
            setting,
            raw.source,
            raw.value,
            "expected `true` or `false`",
        )),
    }
}
