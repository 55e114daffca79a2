//! The authentication stage of the pipeline: which scheme a request gets
//! ([`crate::auth`]), the identity it is signed with (credentials, S3
//! Express session credentials, a bearer token), and the signing itself
//! (SigV4, SigV4a, the legacy SigV2, a bearer header).

use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderValue, AUTHORIZATION};
use http::Request;

use super::{ClientHandle, RawServiceError};
use crate::auth::{self, AuthSettings, RequestAuth};
use crate::body::SdkBody;
use crate::credentials::Credentials;
use crate::customizations::upload::Upload;
use crate::endpoint_resolution::ResolvedEndpoint;
use crate::error::SdkError;
use crate::eventstream::outgoing::OutgoingEvents;
use crate::model::{Operation, ServiceModel};
use crate::signing::{SigningAlgorithm, SigningOptions};
use crate::token::{EnvTokenProvider, ProvideToken};

/// What one attempt is signed with.
pub(super) enum Identity {
    /// Nothing: the request goes as it is.
    None,
    /// AWS credentials (SigV4, SigV4a, or an S3 Express session's).
    Credentials(Credentials),
    /// A bearer token.
    Token(String),
}

type Failure = SdkError<RawServiceError>;

impl ClientHandle {
    /// The authentication of a call to `endpoint` (re-decided when a
    /// redirect changes the endpoint).
    pub(super) fn request_auth(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        endpoint: &ResolvedEndpoint,
        bucket: Option<&str>,
    ) -> Result<RequestAuth, Failure> {
        auth::for_request(model, operation, endpoint, &self.auth_settings(), bucket)
            .map_err(SdkError::Construction)
    }

    /// The client's settings that decide auth schemes.
    pub(crate) fn auth_settings(&self) -> AuthSettings<'_> {
        let config = &self.inner.config;
        AuthSettings {
            signature_version: config.signature_version,
            preference: &config.auth_scheme_preference,
            sigv4a_region_set: config.sigv4a_signing_region_set.as_deref(),
            env_bearer_token: self.inner.env_bearer,
        }
    }

    /// The identity an attempt is signed with.
    pub(super) async fn identity(&self, auth: &RequestAuth) -> Result<Identity, Failure> {
        let provider = &self.inner.config.credentials;
        match auth {
            RequestAuth::None => Ok(Identity::None),
            RequestAuth::SigV4 | RequestAuth::SigV4a { .. } | RequestAuth::SigV2 => provider
                .provide_credentials()
                .await
                .map(Identity::Credentials)
                .map_err(SdkError::Credentials),
            RequestAuth::S3Express { bucket } => self
                .inner
                .express
                .credentials(self, bucket)
                .await
                .map(Identity::Credentials)
                .map_err(SdkError::Credentials),
            RequestAuth::Bearer => {
                let Some(provider) = &self.inner.bearer else {
                    return Err(SdkError::Construction(
                        "the service's model allows no bearer token".to_owned(),
                    ));
                };
                provider
                    .provide_token()
                    .await
                    .map(|token| Identity::Token(token.token().to_owned()))
                    .map_err(|e| SdkError::Credentials(e.into()))
            }
        }
    }

    /// Signs `request` as `auth` says with `identity` and returns the body
    /// to send with it: the upload's, or the input event stream's.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sign(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        endpoint: &ResolvedEndpoint,
        auth: &RequestAuth,
        identity: Identity,
        body: (&Upload, Option<&OutgoingEvents>),
        request: &mut Request<Bytes>,
    ) -> Result<SdkBody, String> {
        let (upload, events) = body;
        match identity {
            Identity::None => match events {
                Some(events) => events.sign_and_body(request, None),
                None => upload.sign_and_body(request, None),
            },
            Identity::Token(token) => {
                let value = HeaderValue::try_from(format!("Bearer {token}"))
                    .map_err(|_| "the bearer token is not a valid header value".to_owned())?;
                request.headers_mut().insert(AUTHORIZATION, value);
                match events {
                    Some(events) => events.sign_and_body(request, None),
                    None => upload.sign_and_body(request, None),
                }
            }
            Identity::Credentials(credentials) if *auth == RequestAuth::SigV2 => {
                let time = self.inner.config.time_source.now();
                crate::signing::v2::sign(request, &credentials, time)
                    .map_err(|e| format!("signing failed: {e}"))?;
                upload.sign_and_body(request, None)
            }
            Identity::Credentials(credentials) => {
                let credentials = match auth {
                    RequestAuth::S3Express { .. } => express_signing(request, credentials)?,
                    _ => credentials,
                };
                let algorithm = match auth {
                    RequestAuth::SigV4a { region_set } => SigningAlgorithm::SigV4a { region_set },
                    _ => SigningAlgorithm::SigV4,
                };
                let opts = SigningOptions {
                    region: &endpoint.signing_region,
                    name: &endpoint.signing_name,
                    s3: SigningOptions::s3_style(model, endpoint),
                    unsigned_payload: operation.unsigned_payload,
                    presign_expires: None,
                    time: self.inner.config.time_source.now(),
                    algorithm,
                };
                match events {
                    Some(events) => events.sign_and_body(
                        request,
                        Some((&credentials, &opts, &self.inner.config.time_source)),
                    ),
                    None => upload.sign_and_body(request, Some((&credentials, &opts))),
                }
            }
        }
    }
}

/// Services botocore prefers a bearer token for when one is configured in
/// the environment (`get_bearer_auth_supported_services`).
const ENV_BEARER_SERVICES: [&str; 1] = ["bedrock"];

/// The bearer-token provider of a client whose model allows bearer auth
/// anywhere, and whether an environment token makes bearer the preferred
/// scheme.
pub(super) fn bearer_setup(
    session: &crate::session::Session,
    model: &ServiceModel,
) -> (Option<Arc<dyn ProvideToken>>, bool) {
    let is_bearer = |name: &String| name == "bearer" || name == "smithy.api#httpBearerAuth";
    let uses_bearer = model.metadata.signature_version == "bearer"
        || model.metadata.auth.iter().any(is_bearer)
        || model
            .operations
            .iter()
            .any(|op| op.auth.iter().any(is_bearer));
    if !uses_bearer {
        return (None, false);
    }
    let signing_name = model.signing_name();
    let env_bearer = ENV_BEARER_SERVICES.contains(&signing_name)
        && EnvTokenProvider::variable_name(signing_name)
            .is_some_and(|var| session.env().get_non_empty(&var).is_some());
    (Some(session.token_provider(signing_name)), env_bearer)
}

/// S3 Express: the session token goes in `x-amz-s3session-token` (signed)
/// instead of `x-amz-security-token`, as botocore's `S3ExpressAuth`.
fn express_signing(
    request: &mut Request<Bytes>,
    session: Credentials,
) -> Result<Credentials, String> {
    let token = session
        .session_token()
        .ok_or("the S3 Express session has no session token")?;
    let value = HeaderValue::try_from(token)
        .map_err(|_| "the S3 Express session token is not a valid header value".to_owned())?;
    request.headers_mut().insert("x-amz-s3session-token", value);
    Ok(Credentials::new(
        session.access_key_id(),
        session.secret_access_key(),
        None,
        session.expires_at(),
    )
    .with_provider_name(session.provider_name()))
}
