//! [`SsoProvider`]: role credentials from IAM Identity Center.
//! (Interim: being written.)

use std::sync::Arc;

use super::{CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext};
use crate::config::Profile;

/// Role credentials from the SSO portal (`GetRoleCredentials`).
#[derive(Debug)]
pub struct SsoProvider {
    ctx: Arc<ProviderContext>,
}

impl SsoProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "sso";

    /// The provider, when `profile` is configured for SSO.
    pub fn from_profile(
        ctx: Arc<ProviderContext>,
        profile: &Profile,
    ) -> Result<Option<Self>, CredentialsError> {
        let configured =
            profile.contains_key("sso_account_id") || profile.contains_key("sso_role_name");
        Ok(configured.then_some(SsoProvider { ctx }))
    }
}

impl ProvideCredentials for SsoProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let _ = &self.ctx;
        Box::pin(async { Err(CredentialsError::provider(Self::NAME, "not written yet")) })
    }
}
