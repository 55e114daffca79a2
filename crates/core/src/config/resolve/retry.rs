//! Retry settings: `AWS_RETRY_MODE` / `retry_mode` and `AWS_MAX_ATTEMPTS` /
//! `max_attempts`.

use super::{ConfigError, SettingSource, Sourced, Sources};

pub use crate::retry::RetryMode;

/// Parses a retry mode name: `standard`, `legacy` or `adaptive` (ASCII case
/// and surrounding whitespace ignored).
pub fn parse_retry_mode(text: &str) -> Option<RetryMode> {
    RetryMode::parse(&text.trim().to_ascii_lowercase())
}

/// The resolved retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetryConfig {
    /// The retry mode.
    pub mode: RetryMode,
    /// Total attempts, the first one included (at least 1), when configured.
    /// `None`: the mode's default for the service (3 in standard and
    /// adaptive modes; `_retry.json`'s in legacy mode, 5 for most services
    /// and 10 for DynamoDB).
    pub max_attempts: Option<u32>,
}

impl RetryConfig {
    /// Total attempts for most services: the configured number, else the
    /// mode's default (legacy DynamoDB clients make 10).
    pub fn max_attempts_or_default(&self) -> u32 {
        self.max_attempts
            .unwrap_or_else(|| self.mode.default_max_attempts())
    }
}

/// Resolves the retry settings. Each of mode and max attempts is taken from
/// the first of: the explicit value, the environment (`AWS_RETRY_MODE`,
/// `AWS_MAX_ATTEMPTS`), the profile (`retry_mode`, `max_attempts`). The mode
/// defaults to `standard`; max attempts is left unset when configured
/// nowhere (the client applies the mode's default for its service).
///
/// An unknown mode, a max attempts that is not a whole number, or a max
/// attempts below 1 is an error naming its source.
pub fn resolve_retry(
    explicit_mode: Option<Sourced<RetryMode>>,
    explicit_max_attempts: Option<Sourced<u32>>,
    sources: &Sources<'_>,
) -> Result<RetryConfig, ConfigError> {
    let mode = match explicit_mode {
        Some(mode) => mode.value,
        None => match sources.env_or_profile("AWS_RETRY_MODE", "retry_mode") {
            Some(raw) => parse_retry_mode(raw.value).ok_or_else(|| {
                ConfigError::invalid(
                    "retry_mode",
                    raw.source.clone(),
                    raw.value,
                    "expected `standard`, `legacy` or `adaptive`",
                )
            })?,
            None => RetryMode::default(),
        },
    };
    let max_attempts = match explicit_max_attempts {
        Some(max) => Some(check_max_attempts(
            max.value,
            &max.value.to_string(),
            max.source,
        )?),
        None => match sources.env_or_profile("AWS_MAX_ATTEMPTS", "max_attempts") {
            Some(raw) => {
                let parsed = raw
                    .value
                    .strip_prefix('+')
                    .unwrap_or(raw.value)
                    .parse::<u32>()
                    .map_err(|_| {
                        ConfigError::invalid(
                            "max_attempts",
                            raw.source.clone(),
                            raw.value,
                            "expected a whole number of attempts, at least 1",
                        )
                    })?;
                Some(check_max_attempts(parsed, raw.value, raw.source)?)
            }
            None => None,
        },
    };
    Ok(RetryConfig { mode, max_attempts })
}

/// Rejects zero attempts.
fn check_max_attempts(value: u32, raw: &str, source: SettingSource) -> Result<u32, ConfigError> {
    if value == 0 {
        return Err(ConfigError::invalid(
            "max_attempts",
            source,
            raw,
            "must be at least 1 (it counts the first attempt too)",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Profile, SharedConfig};

    fn resolve(
        mode: Option<RetryMode>,
        max: Option<u32>,
        env: &[(&str, &str)],
        profile: &[(&str, &str)],
    ) -> Result<RetryConfig, ConfigError> {
        let env = Env::from_pairs(env.iter().copied());
        let shared = SharedConfig::empty();
        let profile = profile
            .iter()
            .fold(Profile::new("p"), |p, (k, v)| p.with(*k, *v));
        let sources = Sources::new(&env, &shared, Some(&profile));
        resolve_retry(
            mode.map(|m| Sourced::new(m, SettingSource::ClientConfig)),
            max.map(|m| Sourced::new(m, SettingSource::ClientConfig)),
            &sources,
        )
    }

    #[test]
    fn defaults() {
        assert_eq!(
            resolve(None, None, &[], &[]).unwrap(),
            RetryConfig {
                mode: RetryMode::Standard,
                max_attempts: None
            }
        );
        let legacy = resolve(None, None, &[], &[("retry_mode", "legacy")]).unwrap();
        assert_eq!(
            legacy,
            RetryConfig {
                mode: RetryMode::Legacy,
                max_attempts: None
            }
        );
        assert_eq!(legacy.max_attempts_or_default(), 5);
        let adaptive = resolve(None, None, &[("AWS_RETRY_MODE", "Adaptive")], &[]).unwrap();
        assert_eq!(
            adaptive,
            RetryConfig {
                mode: RetryMode::Adaptive,
                max_attempts: None
            }
        );
        assert_eq!(adaptive.max_attempts_or_default(), 3);
    }

    #[test]
    fn precedence() {
        let env = [("AWS_RETRY_MODE", "adaptive"), ("AWS_MAX_ATTEMPTS", "7")];
        let profile = [("retry_mode", "legacy"), ("max_attempts", "9")];
        assert_eq!(
            resolve(None, None, &env, &profile).unwrap(),
            RetryConfig {
                mode: RetryMode::Adaptive,
                max_attempts: Some(7)
            }
        );
        assert_eq!(
            resolve(None, None, &[], &profile).unwrap(),
            RetryConfig {
                mode: RetryMode::Legacy,
                max_attempts: Some(9)
            }
        );
        assert_eq!(
            resolve(Some(RetryMode::Standard), Some(2), &env, &profile).unwrap(),
            RetryConfig {
                mode: RetryMode::Standard,
                max_attempts: Some(2)
            }
        );
    }

    #[test]
    fn bad_values_are_errors_naming_the_source() {
        let err = resolve(None, None, &[("AWS_RETRY_MODE", "fast")], &[]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("retry_mode")
                && text.contains("AWS_RETRY_MODE")
                && text.contains("\"fast\""),
            "{text}"
        );

        for bad in ["three", "-1", "0", "1.5", "99999999999"] {
            let err = resolve(None, None, &[], &[("max_attempts", bad)]).unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("max_attempts") && text.contains("profile `p`"),
                "{bad}: {text}"
            );
        }
        assert!(resolve(None, Some(0), &[], &[]).is_err());
        assert_eq!(
            resolve(None, None, &[("AWS_MAX_ATTEMPTS", " 4 ")], &[])
                .unwrap()
                .max_attempts,
            Some(4)
        );
    }

    #[test]
    fn mode_names() {
        assert_eq!(parse_retry_mode(" Standard "), Some(RetryMode::Standard));
        assert_eq!(parse_retry_mode("LEGACY"), Some(RetryMode::Legacy));
        assert_eq!(parse_retry_mode("adaptive"), Some(RetryMode::Adaptive));
        assert_eq!(parse_retry_mode("fast"), None);
    }
}
