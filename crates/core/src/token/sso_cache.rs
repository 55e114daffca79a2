//! The SSO token cache that `aws sso login` writes, as botocore's
//! `SSOTokenLoader` over a `JSONFileCache` of `~/.aws/sso/cache`: one JSON
//! file per session, named by the SHA-1 hex digest of the `sso-session` name
//! (or, for legacy profiles, of the start URL).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};
use sha1::{Digest, Sha1};

use crate::config::Env;
use crate::credentials::files;
use crate::signing::hex;
use crate::time::DateTime;

/// The largest cache file read (a real one is a few kilobytes).
pub(crate) const MAX_CACHE_FILE: u64 = 1 << 20;

/// A cached token file's keys and values.
pub(crate) type CachedToken = Map<String, Json>;

/// `~/.aws/sso/cache` (botocore's `_SSO_TOKEN_CACHE_DIR`), when the
/// environment has a home directory.
pub(crate) fn cache_dir(env: &Env) -> Option<PathBuf> {
    env.home_dir()
        .map(|home| home.join(".aws").join("sso").join("cache"))
}

/// The cache file of a session (by its `sso-session` name) or of a legacy
/// profile (by its start URL): `<sha1 hex>.json` (`_generate_cache_key`).
pub(crate) fn cache_file(dir: &Path, key_input: &str) -> PathBuf {
    dir.join(format!("{}.json", hex(&Sha1::digest(key_input.as_bytes()))))
}

/// Reads the cached token at `path` (botocore's `SSOTokenLoader.__call__`).
/// `name` is the session name or start URL (for "does not exist"),
/// `start_url` the start URL (for "is invalid", as botocore words it).
/// Errors are botocore's `SSOTokenLoadError` messages.
pub(crate) async fn load(path: &Path, name: &str, start_url: &str) -> Result<CachedToken, String> {
    let text = match files::read_if_exists(path, MAX_CACHE_FILE).await {
        Ok(Some(text)) => text,
        Ok(None) => {
            return Err(format!(
                "Error loading SSO Token: Token for {name} does not exist (no file {})",
                path.display()
            ))
        }
        Err(e) => {
            return Err(format!(
                "Error loading SSO Token: cannot read {}: {e}",
                path.display()
            ))
        }
    };
    let invalid = || format!("Error loading SSO Token: Token for {start_url} is invalid");
    let token = match serde_json::from_str::<Json>(&text) {
        Ok(Json::Object(token)) => token,
        _ => {
            return Err(format!(
                "{} ({} is not a JSON object)",
                invalid(),
                path.display()
            ))
        }
    };
    if !token.contains_key("accessToken") || !token.contains_key("expiresAt") {
        return Err(invalid());
    }
    Ok(token)
}

/// Writes `token` to `path` atomically (botocore's `SSOTokenLoader.save_token`).
pub(crate) async fn save(path: &Path, token: &CachedToken) -> std::io::Result<()> {
    let text = serde_json::to_string(token).map_err(std::io::Error::other)?;
    files::write_atomically(path, text).await
}

/// A string value of a cached token.
pub(crate) fn string<'a>(token: &'a CachedToken, key: &str) -> Option<&'a str> {
    token.get(key).and_then(Json::as_str)
}

/// A timestamp value of a cached token (`expiresAt`,
/// `registrationExpiresAt`), with botocore's message when it is unreadable.
pub(crate) fn timestamp(token: &CachedToken, key: &str) -> Result<DateTime, String> {
    string(token, key).and_then(DateTime::parse).ok_or_else(|| {
        format!("Error loading SSO Token: {key} in the cached token is not a timestamp")
    })
}

/// `time` as botocore writes cache timestamps (`%Y-%m-%dT%H:%M:%SZ`).
pub(crate) fn format_timestamp(time: DateTime) -> String {
    DateTime::from_secs(time.secs()).to_iso8601()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sha1_hex() {
        // botocore's tests/unit/test_utils.py::TestSSOTokenLoader.
        let dir = Path::new("/c");
        assert_eq!(
            cache_file(dir, "https://d-abc123.awsapps.com/start"),
            dir.join("40a89917e3175433e361b710a9d43528d7f1890a.json")
        );
        assert_eq!(
            cache_file(dir, "admin"),
            dir.join("d033e22ae348aeb5660fc2140aec35850c4da997.json")
        );
    }

    #[test]
    fn timestamps_are_written_as_botocore() {
        let t = DateTime::from_secs_and_nanos(1_763_510_400, 500_000_000);
        assert_eq!(format_timestamp(t), "2025-11-19T00:00:00Z");
    }
}
