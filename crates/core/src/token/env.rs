//! [`EnvTokenProvider`]: a bearer token from `AWS_BEARER_TOKEN_<NAME>`, as
//! botocore's `ScopedEnvTokenProvider` and `utils.get_token_from_environment`.

use super::{ProvideToken, Token, TokenError, TokenFuture};
use crate::config::Env;

/// A bearer token from the environment variable named after a service's
/// signing name: `AWS_BEARER_TOKEN_` + the name upper-cased with `-` and
/// spaces turned into `_` (`bedrock` → `AWS_BEARER_TOKEN_BEDROCK`).
///
/// The variable is read from the environment snapshot on every call; unset
/// or blank is [`TokenError::NotFound`]. `Debug` shows the variable's name,
/// never its value.
#[derive(Debug, Clone)]
pub struct EnvTokenProvider {
    env: Env,
    variable: Option<String>,
}

impl EnvTokenProvider {
    /// The provider's name on the tokens it returns (botocore's `METHOD`).
    pub const NAME: &'static str = "env";

    /// The provider for the service whose signing name is `signing_name`
    /// (a blank name never finds a token, as in botocore).
    pub fn new(env: Env, signing_name: &str) -> Self {
        EnvTokenProvider {
            env,
            variable: Self::variable_name(signing_name),
        }
    }

    /// The variable botocore reads for `signing_name`
    /// (`_get_bearer_env_var_name`), or `None` for a blank name.
    pub fn variable_name(signing_name: &str) -> Option<String> {
        if signing_name.trim().is_empty() {
            return None;
        }
        let name = signing_name.replace(['-', ' '], "_").to_uppercase();
        Some(format!("AWS_BEARER_TOKEN_{name}"))
    }

    /// The variable this provider reads, if any.
    pub fn variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// The token, if the variable is set.
    pub fn load(&self) -> Result<Token, TokenError> {
        let Some(variable) = &self.variable else {
            return Err(TokenError::NotFound {
                tried: vec!["environment (no signing name to scope a variable)".to_owned()],
            });
        };
        match self.env.get_non_empty(variable) {
            Some(token) => Ok(Token::new(token, None).with_provider_name(Self::NAME)),
            None => Err(TokenError::NotFound {
                tried: vec![format!("environment variable {variable} (not set)")],
            }),
        }
    }
}

impl ProvideToken for EnvTokenProvider {
    fn provide_token(&self) -> TokenFuture<'_> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
