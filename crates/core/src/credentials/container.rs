//! [`ContainerProvider`]: credentials from the ECS / EKS Pod Identity
//! container endpoint. (Interim: being written.)

use std::sync::Arc;

use super::{CredentialsError, CredentialsFuture, ProvideCredentials, ProviderContext};

/// Credentials from `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
#[derive(Debug)]
pub struct ContainerProvider {
    ctx: Arc<ProviderContext>,
}

impl ContainerProvider {
    /// The provider's name on the credentials it returns.
    pub const NAME: &'static str = "container-role";

    /// The provider, when the environment configures one.
    pub fn from_context(ctx: Arc<ProviderContext>) -> Option<Self> {
        let env = ctx.env();
        (env.contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            || env.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        .then_some(ContainerProvider { ctx })
    }
}

impl ProvideCredentials for ContainerProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let _ = &self.ctx;
        Box::pin(async { Err(CredentialsError::provider(Self::NAME, "not written yet")) })
    }
}
