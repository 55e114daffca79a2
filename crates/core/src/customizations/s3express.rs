//! S3 Express One Zone session auth, as botocore's `S3ExpressIdentityCache`:
//! requests to a directory bucket are signed with session credentials that
//! `CreateSession` returns for that bucket. Sessions are cached per client,
//! per bucket and base access key (at most [`MAX_SESSIONS`], least recently
//! used dropped first), and refreshed ahead of their five-minute expiry
//! (advisory 45 s, mandatory 10 s, botocore's windows).

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::json;

use crate::client::{ClientHandle, ClientInner};
use crate::credentials::{
    Credentials, CredentialsCache, CredentialsError, CredentialsFuture, ProvideCredentials,
};
use crate::time::DateTime;

/// Most sessions kept per client (botocore's `lru_cache(maxsize=100)`).
pub const MAX_SESSIONS: usize = 100;
/// botocore's advisory refresh window for S3 Express sessions.
const ADVISORY: Duration = Duration::from_secs(45);
/// botocore's mandatory refresh window for S3 Express sessions.
const MANDATORY: Duration = Duration::from_secs(10);
/// The provider name on session credentials.
const NAME: &str = "s3express";

/// A session's key: the bucket and the base access key id.
type SessionKey = (String, String);

/// The session credentials of one client, by bucket.
#[derive(Debug, Default)]
pub struct ExpressSessions {
    /// Cached sessions, most recently used last.
    entries: Mutex<Vec<(SessionKey, Arc<CredentialsCache>)>>,
}

impl ExpressSessions {
    /// Session credentials for `bucket`, made with `client`'s own
    /// credentials (fetched from its provider first).
    pub async fn credentials(
        &self,
        client: &ClientHandle,
        bucket: &str,
    ) -> Result<Credentials, CredentialsError> {
        let base = client.config().credentials.provide_credentials().await?;
        let key = (bucket.to_owned(), base.access_key_id().to_owned());
        let session = self.session(key, || CreateSession {
            client: Arc::downgrade(client.inner_arc()),
            bucket: bucket.to_owned(),
        });
        session.provide_credentials().await
    }

    /// The cached session for `key`, made with `provider` if absent.
    fn session(
        &self,
        key: SessionKey,
        provider: impl FnOnce() -> CreateSession,
    ) -> Arc<CredentialsCache> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = entries.iter().position(|(k, _)| *k == key) {
            let entry = entries.remove(i);
            let cache = entry.1.clone();
            entries.push(entry);
            return cache;
        }
        if entries.len() >= MAX_SESSIONS {
            entries.remove(0);
        }
        let cache =
            Arc::new(CredentialsCache::new(Arc::new(provider())).with_windows(ADVISORY, MANDATORY));
        entries.push((key, cache.clone()));
        cache
    }
}

/// Calls `CreateSession` on the client that owns the cache (held weakly: the
/// cache lives inside the client).
struct CreateSession {
    client: Weak<ClientInner>,
    bucket: String,
}

impl std::fmt::Debug for CreateSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateSession")
            .field("bucket", &self.bucket)
            .finish()
    }
}

impl ProvideCredentials for CreateSession {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let client = self
                .client
                .upgrade()
                .map(ClientHandle::from_inner)
                .ok_or_else(|| CredentialsError::provider(NAME, "the client was dropped"))?;
            let out = client
                .call_json("CreateSession", json!({ "Bucket": self.bucket }))
                .await
                .map_err(|e| CredentialsError::Provider {
                    provider: NAME,
                    profile: None,
                    message: format!("CreateSession for bucket {} failed: {e}", self.bucket),
                    source: Some(Arc::new(e)),
                })?;
            session_credentials(&out["Credentials"])
        })
    }
}

/// Credentials from `CreateSession`'s `Credentials` member.
fn session_credentials(creds: &serde_json::Value) -> Result<Credentials, CredentialsError> {
    let field = |name: &str| {
        creds[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                CredentialsError::provider(
                    NAME,
                    format!("the CreateSession response has no Credentials.{name}"),
                )
            })
    };
    let (key, secret, token) = (
        field("AccessKeyId")?,
        field("SecretAccessKey")?,
        field("SessionToken")?,
    );
    let expiry = DateTime::parse(field("Expiration")?).ok_or_else(|| {
        CredentialsError::provider(
            NAME,
            "the CreateSession response has an unreadable Expiration",
        )
    })?;
    Ok(
        Credentials::new(key, secret, Some(token.to_owned()), Some(expiry))
            .with_provider_name(NAME),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_credentials_need_every_field() {
        let good = json!({"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T",
            "Expiration": "2030-01-01T00:00:00Z"});
        let c = session_credentials(&good).unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("A", Some("T")));
        let err = session_credentials(&json!({"AccessKeyId": "A"})).unwrap_err();
        assert!(err.to_string().contains("SecretAccessKey"), "{err}");
    }

    #[test]
    fn sessions_are_bounded_and_least_recently_used_goes_first() {
        let sessions = ExpressSessions::default();
        let provider = || CreateSession {
            client: Weak::new(),
            bucket: "b".into(),
        };
        let first = sessions.session(("b0".into(), "K".into()), provider);
        for i in 1..MAX_SESSIONS {
            sessions.session((format!("b{i}"), "K".into()), provider);
        }
        // Touch b0, then add one more: b1 goes, b0 stays.
        let again = sessions.session(("b0".into(), "K".into()), provider);
        assert!(Arc::ptr_eq(&first, &again));
        sessions.session(("new".into(), "K".into()), provider);
        let entries = sessions.entries.lock().unwrap();
        assert_eq!(entries.len(), MAX_SESSIONS);
        assert!(entries.iter().any(|(k, _)| k.0 == "b0"));
        assert!(!entries.iter().any(|(k, _)| k.0 == "b1"));
    }
}
