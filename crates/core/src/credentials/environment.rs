//! [`EnvironmentProvider`]: credentials from environment variables, as
//! botocore's `EnvProvider`.

use super::{Credentials, CredentialsError, CredentialsFuture, ProvideCredentials};
use crate::config::Env;
use crate::time::DateTime;

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, the session token
/// (`AWS_SECURITY_TOKEN`, then `AWS_SESSION_TOKEN`, botocore's order),
/// `AWS_CREDENTIAL_EXPIRATION` (ISO 8601) and `AWS_ACCOUNT_ID` from an
/// [`Env`] snapshot.
///
/// Credentials whose `AWS_CREDENTIAL_EXPIRATION` has passed are refused
/// ([`CredentialsError::Expired`]): nothing could refresh them.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "env";

    /// Reads from `env`.
    pub fn new(env: Env) -> Self {
        EnvironmentProvider { env }
    }

    /// Whether the environment has an access key (so this provider, and not
    /// a later one in a chain, answers).
    pub fn is_configured(&self) -> bool {
        self.env.get_non_empty("AWS_ACCESS_KEY_ID").is_some()
    }

    /// The synchronous lookup behind the async interface.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let Some(access_key_id) = self.env.get_non_empty("AWS_ACCESS_KEY_ID") else {
            return Err(CredentialsError::NotFound {
                tried: vec!["environment variables (AWS_ACCESS_KEY_ID not set)".to_owned()],
            });
        };
        let Some(secret) = self.env.get_non_empty("AWS_SECRET_ACCESS_KEY") else {
            return Err(CredentialsError::Incomplete {
                provider: Self::NAME,
                missing: "AWS_SECRET_ACCESS_KEY".to_owned(),
                location: "the environment".to_owned(),
            });
        };
        let token = ["AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"]
            .into_iter()
            .find_map(|var| self.env.get_non_empty(var))
            .map(str::to_owned);
        let expires_at = match self.env.get_non_empty("AWS_CREDENTIAL_EXPIRATION") {
            Some(raw) => {
                let expiry =
                    DateTime::parse(raw.trim()).ok_or_else(|| CredentialsError::Invalid {
                        provider: Self::NAME,
                        setting: "AWS_CREDENTIAL_EXPIRATION".to_owned(),
                        reason: format!("{raw:?} is not an ISO 8601 timestamp"),
                    })?;
                if expiry <= DateTime::now() {
                    return Err(CredentialsError::Expired {
                        provider: Self::NAME,
                        expired_at: expiry,
                    });
                }
                Some(expiry)
            }
            None => None,
        };
        let account_id = self.env.get_non_empty("AWS_ACCOUNT_ID").map(str::to_owned);
        Ok(Credentials::new(access_key_id, secret, token, expires_at)
            .with_account_id(account_id)
            .with_provider_name(Self::NAME))
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }
}
