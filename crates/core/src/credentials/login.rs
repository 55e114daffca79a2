//! [`LoginProvider`]: credentials of an `aws login` session.
//! (Interim: being written.)

use std::sync::Arc;

use super::{CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext};
use crate::config::Profile;

/// Credentials from the `login_session` token cache.
#[derive(Debug)]
pub struct LoginProvider {
    ctx: Arc<ProviderContext>,
}

impl LoginProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "login";

    /// The provider, when `profile` has `login_session`.
    pub fn from_profile(
        ctx: Arc<ProviderContext>,
        profile: &Profile,
    ) -> Result<Option<Self>, CredentialsError> {
        Ok(profile
            .contains_key("login_session")
            .then_some(LoginProvider { ctx }))
    }
}

impl ProvideCredentials for LoginProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let _ = &self.ctx;
        Box::pin(async { Err(CredentialsError::provider(Self::NAME, "not written yet")) })
    }
}
