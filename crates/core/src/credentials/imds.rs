//! [`ImdsProvider`]: credentials from EC2 instance metadata (IMDSv2).
//! (Interim: being written.)

use std::sync::Arc;

use super::{CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext};

/// Credentials of the instance profile, from the instance metadata service.
#[derive(Debug)]
pub struct ImdsProvider {
    ctx: Arc<ProviderContext>,
}

impl ImdsProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "iam-role";

    /// The provider, unless `AWS_EC2_METADATA_DISABLED` turns it off.
    pub fn from_context(ctx: Arc<ProviderContext>) -> Result<Option<Self>, CredentialsError> {
        let disabled = ctx
            .env()
            .get("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        Ok((!disabled).then_some(ImdsProvider { ctx }))
    }
}

impl ProvideCredentials for ImdsProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let _ = &self.ctx;
        Box::pin(async { Err(CredentialsError::provider(Self::NAME, "not written yet")) })
    }
}
