//! Request compression settings: `disable_request_compression` /
//! `AWS_DISABLE_REQUEST_COMPRESSION` and `request_min_compression_size_bytes`
//! / `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES` (botocore's names, defaults and
//! bounds).

use super::{sourced_bool, ConfigError, SettingSource, Sourced, Sources};
use crate::compression::{
    RequestCompression, DEFAULT_MIN_SIZE_BYTES, MIN_SIZE_LOWER_BOUND, MIN_SIZE_UPPER_BOUND,
};

/// Resolves the compression settings, each from the first of: the explicit
/// value, the environment, the profile, the default (on; 10240 bytes).
///
/// `disable_request_compression` must be `true` or `false` (botocore takes
/// anything else as `false`; myaws says it is wrong).
/// `request_min_compression_size_bytes` must be a whole number from 1 to
/// 1048576, as botocore requires.
pub fn resolve_request_compression(
    explicit_disabled: Option<bool>,
    explicit_min_size: Option<u32>,
    sources: &Sources<'_>,
) -> Result<RequestCompression, ConfigError> {
    let disabled = match explicit_disabled {
        Some(value) => value,
        None => match sources.env_or_profile(
            "AWS_DISABLE_REQUEST_COMPRESSION",
            "disable_request_compression",
        ) {
            Some(raw) => sourced_bool("disable_request_compression", raw)?.value,
            None => false,
        },
    };
    let min_size_bytes = match explicit_min_size {
        Some(value) => {
            let text = value.to_string();
            check_min_size(
                Sourced::new(&text, SettingSource::ClientConfig),
                Some(value),
            )?
        }
        None => match sources.env_or_profile(
            "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
            "request_min_compression_size_bytes",
        ) {
            Some(raw) => {
                let parsed = raw
                    .value
                    .trim()
                    .strip_prefix('+')
                    .unwrap_or(raw.value.trim())
                    .parse::<u32>()
                    .ok();
                check_min_size(raw, parsed)?
            }
            None => DEFAULT_MIN_SIZE_BYTES,
        },
    };
    Ok(RequestCompression {
        disabled,
        min_size_bytes,
    })
}

/// Accepts a minimum size within botocore's bounds.
fn check_min_size(raw: Sourced<&str>, parsed: Option<u32>) -> Result<u32, ConfigError> {
    match parsed {
        Some(n) if (MIN_SIZE_LOWER_BOUND..=MIN_SIZE_UPPER_BOUND).contains(&n) => Ok(n),
        _ => Err(ConfigError::invalid(
            "request_min_compression_size_bytes",
            raw.source,
            raw.value,
            format!(
                "expected a whole number of bytes from {MIN_SIZE_LOWER_BOUND} to \
                 {MIN_SIZE_UPPER_BOUND}"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Profile, SharedConfig};

    fn resolve(
        disabled: Option<bool>,
        min: Option<u32>,
        env: &[(&str, &str)],
        profile: &[(&str, &str)],
    ) -> Result<RequestCompression, ConfigError> {
        let env = Env::from_pairs(env.iter().copied());
        let shared = SharedConfig::empty();
        let profile = profile
            .iter()
            .fold(Profile::new("p"), |p, (k, v)| p.with(*k, *v));
        resolve_request_compression(disabled, min, &Sources::new(&env, &shared, Some(&profile)))
    }

    #[test]
    fn defaults_and_precedence() {
        assert_eq!(
            resolve(None, None, &[], &[]).unwrap(),
            RequestCompression {
                disabled: false,
                min_size_bytes: 10_240
            }
        );
        let env = [
            ("AWS_DISABLE_REQUEST_COMPRESSION", "TRUE"),
            ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", " 2048 "),
        ];
        let profile = [
            ("disable_request_compression", "false"),
            ("request_min_compression_size_bytes", "100"),
        ];
        assert_eq!(
            resolve(None, None, &env, &profile).unwrap(),
            RequestCompression {
                disabled: true,
                min_size_bytes: 2048
            }
        );
        assert_eq!(
            resolve(None, None, &[], &profile).unwrap(),
            RequestCompression {
                disabled: false,
                min_size_bytes: 100
            }
        );
        assert_eq!(
            resolve(Some(false), Some(1), &env, &profile).unwrap(),
            RequestCompression {
                disabled: false,
                min_size_bytes: 1
            }
        );
        assert_eq!(
            resolve(None, Some(1_048_576), &[], &[])
                .unwrap()
                .min_size_bytes,
            1_048_576
        );
    }

    #[test]
    fn bad_values_name_their_source() {
        for bad in ["0", "1048577", "-5", "ten", "1.5", ""] {
            if bad.is_empty() {
                continue; // blank counts as unset
            }
            let err = resolve(
                None,
                None,
                &[],
                &[("request_min_compression_size_bytes", bad)],
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.contains("request_min_compression_size_bytes") && err.contains("profile `p`"),
                "{bad}: {err}"
            );
        }
        let err = resolve(
            None,
            None,
            &[("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "0")],
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES"),
            "{err}"
        );
        let err = resolve(None, Some(0), &[], &[]).unwrap_err().to_string();
        assert!(err.contains("client configuration"), "{err}");
        let err = resolve(
            None,
            None,
            &[("AWS_DISABLE_REQUEST_COMPRESSION", "yes")],
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("AWS_DISABLE_REQUEST_COMPRESSION"), "{err}");
    }
}
