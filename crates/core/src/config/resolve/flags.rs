//! Smaller client settings: FIPS and dual-stack endpoints, the CA bundle and
//! the S3 addressing style.

use std::path::PathBuf;

use super::{ConfigError, Sourced, Sources};
use crate::checksum::{parse_when, RequestChecksumCalculation, ResponseChecksumValidation};

/// The accepted values of the S3 `addressing_style` setting.
pub const S3_ADDRESSING_STYLES: [&str; 3] = ["auto", "virtual", "path"];

/// Parses a boolean setting: `true` or `false`, ASCII case ignored,
/// surrounding whitespace allowed. Anything else is `None`.
pub fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// How a two-valued setting is written, and its value when unset.
pub(super) struct TwoWay {
    parse: fn(&str) -> Option<bool>,
    expected: &'static str,
    default: bool,
}

/// `true` / `false`, off when unset.
pub(super) const FLAG: TwoWay = TwoWay {
    parse: parse_bool,
    expected: "expected `true` or `false`",
    default: false,
};

/// `when_supported` (true) / `when_required` (false), `when_supported` when
/// unset.
const WHEN: TwoWay = TwoWay {
    parse: parse_when,
    expected: "expected `when_supported` or `when_required`",
    default: true,
};

/// A two-valued setting: explicit, else the environment variable, else the
/// profile key, else the default of `kind`.
pub(super) fn resolve_two_way(
    setting: &str,
    explicit: Option<bool>,
    env_var: &str,
    sources: &Sources<'_>,
    kind: &TwoWay,
) -> Result<bool, ConfigError> {
    if let Some(value) = explicit {
        return Ok(value);
    }
    match sources.env_or_profile(env_var, setting) {
        Some(raw) => (kind.parse)(raw.value)
            .ok_or_else(|| ConfigError::invalid(setting, raw.source, raw.value, kind.expected)),
        None => Ok(kind.default),
    }
}

/// Whether to use FIPS endpoints: explicit, else `AWS_USE_FIPS_ENDPOINT`,
/// else the profile's `use_fips_endpoint`, else `false`.
pub fn resolve_use_fips(
    explicit: Option<bool>,
    sources: &Sources<'_>,
) -> Result<bool, ConfigError> {
    resolve_two_way(
        "use_fips_endpoint",
        explicit,
        "AWS_USE_FIPS_ENDPOINT",
        sources,
        &FLAG,
    )
}

/// Whether to use dual-stack (IPv6) endpoints: explicit, else
/// `AWS_USE_DUALSTACK_ENDPOINT`, else the profile's `use_dualstack_endpoint`,
/// else `false`.
pub fn resolve_use_dual_stack(
    explicit: Option<bool>,
    sources: &Sources<'_>,
) -> Result<bool, ConfigError> {
    resolve_two_way(
        "use_dualstack_endpoint",
        explicit,
        "AWS_USE_DUALSTACK_ENDPOINT",
        sources,
        &FLAG,
    )
}

/// The CA bundle file: explicit, else `AWS_CA_BUNDLE`, else the profile's
/// `ca_bundle`. A leading `~` and `$VAR`s in configured paths are expanded.
pub fn resolve_ca_bundle(explicit: Option<PathBuf>, sources: &Sources<'_>) -> Option<PathBuf> {
    if explicit.is_some() {
        return explicit;
    }
    let raw = sources.env_or_profile("AWS_CA_BUNDLE", "ca_bundle")?;
    sources
        .env
        .expand_path(raw.value)
        .or_else(|| Some(PathBuf::from(raw.value)))
}

/// The S3 addressing style: explicit, else `addressing_style` in the
/// profile's `s3` sub-section. Must be `auto`, `virtual` or `path`.
pub fn resolve_s3_addressing_style(
    explicit: Option<Sourced<&str>>,
    sources: &Sources<'_>,
) -> Result<Option<Sourced<String>>, ConfigError> {
    let Some(raw) = explicit.or_else(|| sources.profile_sub("s3", "addressing_style")) else {
        return Ok(None);
    };
    let normalized = raw.value.trim().to_ascii_lowercase();
    if !S3_ADDRESSING_STYLES.contains(&normalized.as_str()) {
        return Err(ConfigError::invalid(
            "s3 addressing_style",
            raw.source,
            raw.value,
            "expected `auto`, `virtual` or `path`",
        ));
    }
    Ok(Some(Sourced::new(normalized, raw.source)))
}

/// `request_checksum_calculation`: explicit, else
/// `AWS_REQUEST_CHECKSUM_CALCULATION`, else the profile key, else
/// `when_supported`.
pub fn resolve_request_checksum_calculation(
    explicit: Option<RequestChecksumCalculation>,
    sources: &Sources<'_>,
) -> Result<RequestChecksumCalculation, ConfigError> {
    let supported = resolve_two_way(
        "request_checksum_calculation",
        explicit.map(|e| e == RequestChecksumCalculation::WhenSupported),
        "AWS_REQUEST_CHECKSUM_CALCULATION",
        sources,
        &WHEN,
    )?;
    Ok(if supported {
        RequestChecksumCalculation::WhenSupported
    } else {
        RequestChecksumCalculation::WhenRequired
    })
}

/// `response_checksum_validation`: explicit, else
/// `AWS_RESPONSE_CHECKSUM_VALIDATION`, else the profile key, else
/// `when_supported`.
pub fn resolve_response_checksum_validation(
    explicit: Option<ResponseChecksumValidation>,
    sources: &Sources<'_>,
) -> Result<ResponseChecksumValidation, ConfigError> {
    let supported = resolve_two_way(
        "response_checksum_validation",
        explicit.map(|e| e == ResponseChecksumValidation::WhenSupported),
        "AWS_RESPONSE_CHECKSUM_VALIDATION",
        sources,
        &WHEN,
    )?;
    Ok(if supported {
        ResponseChecksumValidation::WhenSupported
    } else {
        ResponseChecksumValidation::WhenRequired
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Profile, SettingSource, SharedConfig};

    fn with_sources<T>(
        env: &[(&str, &str)],
        profile: Profile,
        f: impl FnOnce(&Sources<'_>) -> T,
    ) -> T {
        let env = Env::from_pairs(env.iter().copied());
        let shared = SharedConfig::empty();
        f(&Sources::new(&env, &shared, Some(&profile)))
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool(" false "), Some(false));
        assert_eq!(parse_bool("1"), None);
        assert_eq!(parse_bool("yes"), None);
    }

    #[test]
    fn fips_and_dual_stack_precedence() {
        let profile = Profile::new("p")
            .with("use_fips_endpoint", "true")
            .with("use_dualstack_endpoint", "true");
        with_sources(
            &[("AWS_USE_FIPS_ENDPOINT", "false")],
            profile.clone(),
            |s| {
                assert!(!resolve_use_fips(None, s).unwrap());
                assert!(resolve_use_fips(Some(true), s).unwrap());
                assert!(resolve_use_dual_stack(None, s).unwrap());
                assert!(!resolve_use_dual_stack(Some(false), s).unwrap());
            },
        );
        with_sources(&[], Profile::new("p"), |s| {
            assert!(!resolve_use_fips(None, s).unwrap());
            assert!(!resolve_use_dual_stack(None, s).unwrap());
        });
        let err = with_sources(
            &[("AWS_USE_DUALSTACK_ENDPOINT", "yes")],
            Profile::new("p"),
            |s| resolve_use_dual_stack(None, s).unwrap_err(),
        );
        assert!(
            err.to_string().contains("AWS_USE_DUALSTACK_ENDPOINT"),
            "{err}"
        );
    }

    #[test]
    fn ca_bundle_precedence_and_expansion() {
        let profile = Profile::new("p").with("ca_bundle", "~/certs/ca.pem");
        with_sources(&[("HOME", "/home/u")], profile.clone(), |s| {
            assert_eq!(
                resolve_ca_bundle(None, s),
                Some(PathBuf::from("/home/u/certs/ca.pem"))
            );
            assert_eq!(
                resolve_ca_bundle(Some("/x".into()), s),
                Some(PathBuf::from("/x"))
            );
        });
        with_sources(&[("AWS_CA_BUNDLE", "/etc/ca.pem")], profile, |s| {
            assert_eq!(
                resolve_ca_bundle(None, s),
                Some(PathBuf::from("/etc/ca.pem"))
            );
        });
        with_sources(&[], Profile::new("p"), |s| {
            assert_eq!(resolve_ca_bundle(None, s), None)
        });
    }

    #[test]
    fn addressing_style() {
        let profile = Profile::new("p").with_sub("s3", [("addressing_style", "Path")]);
        with_sources(&[], profile.clone(), |s| {
            let got = resolve_s3_addressing_style(None, s).unwrap().unwrap();
            assert_eq!(got.value, "path");
            assert_eq!(
                got.source,
                SettingSource::Profile {
                    profile: "p".into(),
                    key: "s3.addressing_style".into()
                }
            );
            let explicit = Sourced::new("virtual", SettingSource::ClientConfig);
            assert_eq!(
                resolve_s3_addressing_style(Some(explicit), s)
                    .unwrap()
                    .unwrap()
                    .value,
                "virtual"
            );
        });
        // A plain (non-nested) `s3` value is not a sub-section.
        with_sources(
            &[],
            Profile::new("p").with("s3", "addressing_style = path"),
            |s| {
                assert_eq!(resolve_s3_addressing_style(None, s).unwrap(), None);
            },
        );
        let err = with_sources(
            &[],
            Profile::new("p").with_sub("s3", [("addressing_style", "sideways")]),
            |s| resolve_s3_addressing_style(None, s).unwrap_err(),
        );
        assert!(err.to_string().contains("s3.addressing_style"), "{err}");
    }

    #[test]
    fn checksum_settings_precedence_and_errors() {
        let profile = Profile::new("p")
            .with("request_checksum_calculation", "WHEN_REQUIRED")
            .with("response_checksum_validation", "when_required");
        with_sources(&[], profile.clone(), |s| {
            assert_eq!(
                resolve_request_checksum_calculation(None, s).unwrap(),
                RequestChecksumCalculation::WhenRequired
            );
            assert_eq!(
                resolve_response_checksum_validation(None, s).unwrap(),
                ResponseChecksumValidation::WhenRequired
            );
            assert_eq!(
                resolve_request_checksum_calculation(
                    Some(RequestChecksumCalculation::WhenSupported),
                    s
                )
                .unwrap(),
                RequestChecksumCalculation::WhenSupported
            );
        });
        with_sources(
            &[("AWS_REQUEST_CHECKSUM_CALCULATION", "when_supported")],
            profile,
            |s| {
                assert_eq!(
                    resolve_request_checksum_calculation(None, s).unwrap(),
                    RequestChecksumCalculation::WhenSupported
                );
            },
        );
        with_sources(&[], Profile::new("p"), |s| {
            assert_eq!(
                resolve_response_checksum_validation(None, s).unwrap(),
                ResponseChecksumValidation::WhenSupported
            );
        });
        with_sources(
            &[("AWS_RESPONSE_CHECKSUM_VALIDATION", "sometimes")],
            Profile::new("p"),
            |s| {
                let e = resolve_response_checksum_validation(None, s).unwrap_err();
                assert!(e.to_string().contains("when_supported"), "{e}");
            },
        );
    }
}
