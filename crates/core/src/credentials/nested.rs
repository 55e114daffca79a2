//! The service clients credential providers use: STS, SSO, SSO-OIDC and
//! Sign-In, built from compact copies of their botocore models embedded in
//! this crate (`data/auth/`, written by `cargo xtask regen`).
//!
//! They are ordinary myaws clients (same pipeline, endpoint rules, retries
//! and configuration), made from a session that shares the caller's
//! environment, shared config files and profile, as botocore's
//! `create_nested_client`: so `AWS_ENDPOINT_URL_STS`, a profile's
//! `endpoint_url`, `ca_bundle` or `sts_regional_endpoints` apply to them.

use std::sync::{Arc, OnceLock};

use serde_json::Value as Json;

use super::{CredentialsError, ProvideCredentials, ProviderContext};
use crate::client::ClientHandle;
use crate::dynamic::DynamicError;
use crate::error::SdkError;
use crate::service::{LoadedService, ServiceData};
use crate::session::ClientConfig;

/// A service credential providers call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthService {
    /// AWS Security Token Service (`AssumeRole`, `AssumeRoleWithWebIdentity`).
    Sts,
    /// IAM Identity Center's portal (`GetRoleCredentials`).
    Sso,
    /// IAM Identity Center's OIDC service (`CreateToken`).
    SsoOidc,
    /// AWS Sign-In (`CreateOAuth2Token`, for `login_session`).
    Signin,
}

impl AuthService {
    fn data(self) -> &'static ServiceData {
        match self {
            AuthService::Sts => &STS,
            AuthService::Sso => &SSO,
            AuthService::SsoOidc => &SSO_OIDC,
            AuthService::Signin => &SIGNIN,
        }
    }

    fn slot(self) -> &'static OnceLock<LoadedService> {
        static SLOTS: [OnceLock<LoadedService>; 4] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        &SLOTS[self as usize]
    }

    /// The service, parsed once per process.
    fn loaded(self) -> &'static LoadedService {
        self.slot().get_or_init(|| LoadedService::load(self.data()))
    }

    /// The model's `serviceId` (for messages).
    pub fn name(self) -> &'static str {
        match self {
            AuthService::Sts => "STS",
            AuthService::Sso => "SSO",
            AuthService::SsoOidc => "SSO OIDC",
            AuthService::Signin => "Signin",
        }
    }
}

macro_rules! embedded {
    ($name:ident, $dir:literal) => {
        static $name: ServiceData = ServiceData {
            model: include_bytes!(concat!("../../data/auth/", $dir, "/model.bin")),
            endpoint_rules: Some(include_bytes!(concat!(
                "../../data/auth/",
                $dir,
                "/endpoint-rule-set.bin"
            ))),
            paginators: None,
            waiters: None,
        };
    };
}

embedded!(STS, "sts");
embedded!(SSO, "sso");
embedded!(SSO_OIDC, "sso-oidc");
embedded!(SIGNIN, "signin");

/// A client of one [`AuthService`] for one provider.
#[derive(Clone, Debug)]
pub struct NestedClient {
    service: AuthService,
    handle: ClientHandle,
}

impl NestedClient {
    /// A client of `service` in `region` (the session's when `None`),
    /// signing with `credentials` (operations that need no signature never
    /// ask for them).
    pub fn new(
        ctx: &ProviderContext,
        service: AuthService,
        region: Option<&str>,
        credentials: Option<Arc<dyn ProvideCredentials>>,
    ) -> Result<NestedClient, CredentialsError> {
        let provider_error = |message: String| CredentialsError::Provider {
            provider: "nested-client",
            profile: None,
            message,
            source: None,
        };
        let loaded = service
            .loaded()
            .get()
            .map_err(|e| provider_error(format!("embedded {} model: {e}", service.name())))?
            .clone();
        let session = ctx.nested_session(credentials);
        let mut config = ClientConfig::default();
        if let Some(region) = region {
            config = config.region(region);
        }
        let handle = ClientHandle::from_service(&session, loaded, config).map_err(|e| {
            provider_error(format!(
                "cannot make a {} client for credentials: {e}",
                service.name()
            ))
        })?;
        Ok(NestedClient { service, handle })
    }

    /// Calls `operation` with JSON parameters and returns its JSON output.
    ///
    /// Boxed and not inlined, so the call is compiled once rather than in
    /// every provider that awaits it.
    #[inline(never)]
    pub fn call<'a>(
        &'a self,
        operation: &'a str,
        params: Json,
    ) -> crate::client::BoxFuture<'a, Result<Json, SdkError<DynamicError>>> {
        Box::pin(self.handle.call_json(operation, params))
    }

    /// The underlying client (to register hooks, as the login provider does).
    pub fn handle(&self) -> &ClientHandle {
        &self.handle
    }

    /// Which service this is a client of.
    pub fn service(&self) -> AuthService {
        self.service
    }
}
