//! The region: explicit > `AWS_REGION` > `AWS_DEFAULT_REGION` > profile
//! `region`, and its validation.

use super::{ConfigError, SettingSource, Sourced, Sources};

/// The longest region name accepted (a DNS label).
const MAX_REGION_LEN: usize = 63;

/// Resolves the region. `explicit` wins; then `AWS_REGION`, then
/// `AWS_DEFAULT_REGION`, then the profile's `region`. The winner is
/// validated with [`validate_region`]; `Ok(None)` means no region is
/// configured anywhere.
pub fn resolve_region(
    explicit: Option<Sourced<&str>>,
    sources: &Sources<'_>,
) -> Result<Option<Sourced<String>>, ConfigError> {
    let found = explicit
        .or_else(|| sources.env("AWS_REGION"))
        .or_else(|| sources.env("AWS_DEFAULT_REGION"))
        .or_else(|| sources.profile("region"));
    match found {
        Some(region) => {
            validate_region(region.value, &region.source)?;
            Ok(Some(region.map(str::to_owned)))
        }
        None => Ok(None),
    }
}

/// Checks that `region` can be used in a host name: non-empty, at most 63
/// characters of `a-z`, `0-9` and `-`, not starting or ending with `-`.
/// (`us-east-1/evil`, `""` or `"us east 1"` are rejected, so a region can
/// never inject a path or another host into an endpoint.)
pub fn validate_region(region: &str, source: &SettingSource) -> Result<(), ConfigError> {
    let reason = if region.is_empty() {
        Some("the region must not be empty".to_owned())
    } else if region.len() > MAX_REGION_LEN {
        Some(format!(
            "the region is longer than {MAX_REGION_LEN} characters"
        ))
    } else if let Some(bad) = region
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        Some(format!(
            "{bad:?} is not allowed; a region contains only lower-case letters, digits and `-` (like `us-east-1`)"
        ))
    } else if region.starts_with('-') || region.ends_with('-') {
        Some("a region cannot start or end with `-`".to_owned())
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ConfigError::invalid(
            "region",
            source.clone(),
            region,
            reason,
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Env, Profile, SharedConfig};

    fn resolve(
        explicit: Option<&str>,
        env: &[(&str, &str)],
        profile_region: Option<&str>,
    ) -> Result<Option<Sourced<String>>, ConfigError> {
        let env = Env::from_pairs(env.iter().copied());
        let shared = SharedConfig::empty();
        let profile = profile_region.map(|r| Profile::new("p").with("region", r));
        let sources = Sources::new(&env, &shared, profile.as_ref());
        resolve_region(
            explicit.map(|r| Sourced::new(r, SettingSource::Session)),
            &sources,
        )
    }

    #[test]
    fn precedence() {
        let all = [
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "eu-west-2"),
        ];
        let got = resolve(Some("ap-south-1"), &all, Some("sa-east-1"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (got.value.as_str(), got.source),
            ("ap-south-1", SettingSource::Session)
        );

        let got = resolve(None, &all, Some("sa-east-1")).unwrap().unwrap();
        assert_eq!(got.value, "eu-west-1");
        assert_eq!(got.source, SettingSource::Env("AWS_REGION".into()));

        let got = resolve(None, &all[1..], Some("sa-east-1"))
            .unwrap()
            .unwrap();
        assert_eq!(got.value, "eu-west-2");

        let got = resolve(None, &[("AWS_REGION", "  ")], Some("sa-east-1"))
            .unwrap()
            .unwrap();
        assert_eq!(got.value, "sa-east-1");
        assert_eq!(
            got.source,
            SettingSource::Profile {
                profile: "p".into(),
                key: "region".into()
            }
        );

        assert_eq!(resolve(None, &[], None).unwrap(), None);
    }

    #[test]
    fn validation_rejects_bad_names_and_names_the_source() {
        for bad in [
            "us-east-1/evil",
            "",
            "us east 1",
            "US-EAST-1",
            "-us",
            "us-",
            "a.b",
            "ü",
        ] {
            let err = validate_region(bad, &SettingSource::Session).unwrap_err();
            assert!(
                matches!(err, ConfigError::InvalidSetting(ref invalid) if invalid.setting == "region"),
                "{bad}: {err}"
            );
        }
        assert!(validate_region(&"a".repeat(64), &SettingSource::Session).is_err());
        for good in [
            "us-east-1",
            "cn-north-1",
            "us-gov-west-1",
            "fake-region-10",
            &"a".repeat(63),
        ] {
            assert!(
                validate_region(good, &SettingSource::Session).is_ok(),
                "{good}"
            );
        }
        let err = resolve(None, &[("AWS_REGION", "us-east-1/evil")], None).unwrap_err();
        assert!(err.to_string().contains("AWS_REGION"), "{err}");
        let err = resolve(None, &[], Some("bad region")).unwrap_err();
        assert!(err.to_string().contains("profile `p`"), "{err}");
    }
}
