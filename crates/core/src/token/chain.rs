//! [`TokenChain`]: the first provider with a token wins, as botocore's
//! `TokenProviderChain`; [`TokenChain::default_chain`] is botocore's
//! `create_token_resolver` (environment, then SSO).

use std::sync::Arc;

use super::{EnvTokenProvider, ProvideToken, SsoTokenProvider, TokenError, TokenFuture};
use crate::credentials::ProviderContext;

/// Asks its providers in order; a provider answering
/// [`TokenError::NotFound`] passes to the next one, any other error stops
/// the chain (a broken configuration is reported, not skipped).
#[derive(Debug, Clone)]
pub struct TokenChain {
    providers: Vec<Arc<dyn ProvideToken>>,
}

impl TokenChain {
    /// A chain of `providers`, asked in order.
    pub fn new(providers: Vec<Arc<dyn ProvideToken>>) -> Self {
        TokenChain { providers }
    }

    /// botocore's `create_token_resolver` for the service whose signing name
    /// is `signing_name`: `AWS_BEARER_TOKEN_<SIGNING_NAME>` from the
    /// environment, then the SSO token of the context's profile.
    ///
    /// A broken `sso-session` configuration is reported when the chain gets
    /// to it (so a token in the environment still works), as in botocore.
    pub fn default_chain(ctx: Arc<ProviderContext>, signing_name: &str) -> Self {
        let env: Arc<dyn ProvideToken> =
            Arc::new(EnvTokenProvider::new(ctx.env().clone(), signing_name));
        let mut providers = vec![env];
        let profile = ctx.active_profile.name.clone();
        match SsoTokenProvider::for_active_profile(ctx) {
            Ok(Some(sso)) => providers.push(Arc::new(sso)),
            Ok(None) => providers.push(Arc::new(Unconfigured(format!(
                "SSO (profile `{profile}` has no sso_session)"
            )))),
            Err(error) => providers.push(Arc::new(Misconfigured(error))),
        }
        TokenChain { providers }
    }

    /// The providers, in order.
    pub fn providers(&self) -> &[Arc<dyn ProvideToken>] {
        &self.providers
    }

    async fn first(&self) -> Result<super::Token, TokenError> {
        let mut tried = Vec::new();
        for provider in &self.providers {
            match provider.provide_token().await {
                Err(TokenError::NotFound { tried: more }) => tried.extend(more),
                other => return other,
            }
        }
        Err(TokenError::NotFound { tried })
    }
}

impl ProvideToken for TokenChain {
    fn provide_token(&self) -> TokenFuture<'_> {
        Box::pin(self.first())
    }
}

/// A provider that is not configured: says where it looked.
#[derive(Debug)]
struct Unconfigured(String);

impl ProvideToken for Unconfigured {
    fn provide_token(&self) -> TokenFuture<'_> {
        let tried = vec![self.0.clone()];
        Box::pin(async move { Err(TokenError::NotFound { tried }) })
    }
}

/// A provider whose configuration is broken: reports it when asked.
#[derive(Debug)]
struct Misconfigured(TokenError);

impl ProvideToken for Misconfigured {
    fn provide_token(&self) -> TokenFuture<'_> {
        let error = self.0.clone();
        Box::pin(async move { Err(error) })
    }
}
