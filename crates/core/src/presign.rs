//! Presigned requests, as botocore's `generate_presigned_url`: any operation's
//! request signed with SigV4 in the query string (`X-Amz-Algorithm`,
//! `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
//! `X-Amz-Signature`), so that whoever holds the URL can make that one request
//! until it expires, without credentials.
//!
//! S3 follows its own rules (`s3v4`): the payload is `UNSIGNED-PAYLOAD`, so a
//! presigned `PutObject` accepts whatever body the holder uploads. For other
//! services, form-encoded (query protocol) parameters move into the URL, as
//! botocore does; operations whose requests need a document body cannot be
//! presigned.
//!
//! Headers the parameters produce (`Content-Type` of a `PutObject` with
//! `ContentType`, say) are signed and must be sent unchanged with the request:
//! they are returned in [`PresignedRequest::headers`].

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{HOST, USER_AGENT};
use http::{HeaderMap, Method};
use serde_json::Value as Json;

use crate::auth::RequestAuth;
use crate::client::{BoxFuture, ClientHandle};
use crate::convert::{self, JsonOptions};
use crate::hooks::Hooks;
use crate::protocol::{self, SerializeOptions};
use crate::signing::{sign_request, SigningAlgorithm, SigningOptions};
use crate::value::Value;

pub mod db_auth;
mod error;
pub mod post;
mod request;
#[cfg(test)]
mod tests;

pub use db_auth::{generate_db_auth_token, DB_AUTH_TOKEN_EXPIRES_IN};
pub use error::PresignError;
pub use post::{generate_presigned_post, PresignedPost, PresignedPostRequest};

/// The longest expiry SigV4 allows: seven days.
pub const MAX_EXPIRES_IN: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How to presign: expiry, and optionally another HTTP method or a fixed
/// signing time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignOptions {
    /// How long the request stays valid, from 1 second to 7 days. Fractions
    /// of a second are dropped.
    pub expires_in: Duration,
    /// Sign for this method instead of the operation's (botocore's
    /// `HttpMethod`).
    pub http_method: Option<Method>,
    /// Sign as of this time instead of now.
    pub signing_time: Option<SystemTime>,
}

impl PresignOptions {
    /// Options valid for `expires_in`, signed now, with the operation's method.
    pub fn expires_in(expires_in: Duration) -> Self {
        PresignOptions {
            expires_in,
            http_method: None,
            signing_time: None,
        }
    }

    /// Signs for `method` instead of the operation's own.
    pub fn http_method(mut self, method: Method) -> Self {
        self.http_method = Some(method);
        self
    }

    /// Signs as of `time` (for reproducible URLs).
    pub fn signing_time(mut self, time: SystemTime) -> Self {
        self.signing_time = Some(time);
        self
    }

    /// Checks the expiry against SigV4's limits; returns it in whole seconds.
    fn checked_expiry(&self) -> Result<Duration, PresignError> {
        let whole = Duration::from_secs(self.expires_in.as_secs());
        if whole.is_zero() || whole > MAX_EXPIRES_IN {
            return Err(PresignError::InvalidExpiry(self.expires_in));
        }
        Ok(whole)
    }
}

/// What [`ClientHandle::presign_serialized`] presigns.
pub(crate) struct Presign<'a> {
    /// The operation number (model order).
    pub(crate) op: usize,
    /// The input (for endpoint resolution).
    pub(crate) input: &'a Value,
    /// The serialized request.
    pub(crate) serialized: crate::protocol::SerializedRequest,
    /// The region to presign in (the client's when `None`).
    pub(crate) region: Option<&'a str>,
    /// How long the URL is valid.
    pub(crate) expires_in: Duration,
    /// Method override and signing time.
    pub(crate) options: &'a PresignOptions,
}

/// A presigned request: make it with this method, URL and headers (for
/// example with `curl -X {method} -H ... {url}`), plus a body when the
/// operation uploads one.
#[derive(Debug, Clone)]
pub struct PresignedRequest {
    /// The HTTP method.
    pub method: Method,
    /// The full URL, signature included.
    pub url: String,
    /// Signed headers that must be sent as they are (besides `Host`, which
    /// the URL implies). Often empty.
    pub headers: HeaderMap,
}

impl ClientHandle {
    /// Presigns `operation` (its API name, `GetObject`, or the snake_case
    /// method name, `get_object`) with JSON parameters, valid for
    /// `expires_in` (1 second to 7 days).
    pub async fn presign(
        &self,
        operation: &str,
        params: Json,
        expires_in: Duration,
    ) -> Result<PresignedRequest, PresignError> {
        self.presign_json(operation, params, &PresignOptions::expires_in(expires_in))
            .await
    }

    /// Presigns `operation` with JSON parameters and full [`PresignOptions`].
    pub async fn presign_json(
        &self,
        operation: &str,
        params: Json,
        options: &PresignOptions,
    ) -> Result<PresignedRequest, PresignError> {
        options.checked_expiry()?;
        let op = self
            .operation_index(operation)
            .ok_or_else(|| PresignError::UnknownOperation(operation.to_string()))?;
        let model = self.model().clone();
        let operation = &model.operations[op];
        let input = match operation.input {
            Some(shape) => {
                let params = if params.is_null() {
                    Json::Object(Default::default())
                } else {
                    params
                };
                convert::from_json(&model, shape, &params, JsonOptions::default()).map_err(|e| {
                    PresignError::InvalidParams {
                        operation: operation.name.clone(),
                        problems: vec![e.to_string()],
                    }
                })?
            }
            None => Value::Null,
        };
        self.presign_value(op, input, options).await
    }

    /// Presigns operation number `op` (model order) with a [`Value`] input:
    /// what typed conveniences such as S3's `presign_get_object` build on.
    /// Emits `provide-client-params`, `before-parameter-build` and
    /// `before-sign` events, as botocore does while presigning.
    ///
    /// Boxed and not inlined, as [`ClientHandle::invoke`]: the body is
    /// compiled once, in core.
    #[inline(never)]
    pub fn presign_value<'a>(
        &'a self,
        op: usize,
        input: Value,
        options: &'a PresignOptions,
    ) -> BoxFuture<'a, Result<PresignedRequest, PresignError>> {
        Box::pin(self.presign_value_unboxed(op, input, options))
    }

    async fn presign_value_unboxed(
        &self,
        op: usize,
        mut input: Value,
        options: &PresignOptions,
    ) -> Result<PresignedRequest, PresignError> {
        let expires_in = options.checked_expiry()?;
        let model = self.model().clone();
        let operation = model
            .operations
            .get(op)
            .ok_or_else(|| PresignError::UnknownOperation(format!("number {op}")))?;
        let invalid = |problems: Vec<String>| PresignError::InvalidParams {
            operation: operation.name.clone(),
            problems,
        };
        let hooks = Hooks::new(self.events(), self.event_name(), &operation.name);
        if let Some(shape) = operation.input {
            for kind in ["provide-client-params", "before-parameter-build"] {
                hooks
                    .params(kind, &model, shape, &mut input)
                    .map_err(|e| invalid(vec![e.to_string()]))?;
            }
            if let Some(handlers) = self.handlers().op(op) {
                let ctx = crate::customizations::handlers::Context {
                    model: &model,
                    op: operation,
                };
                let mut notes = Default::default();
                handlers
                    .params(&ctx, &mut input, &mut notes)
                    .map_err(|e| invalid(vec![e]))?;
            }
            let problems = crate::validate::validate(&model, shape, &input);
            if !problems.is_empty() {
                return Err(invalid(problems));
            }
        }
        let serialized =
            protocol::serialize_request(&model, operation, &input, &SerializeOptions::default())
                .map_err(|e| PresignError::Request(e.message))?;
        self.presign_serialized(Presign {
            op,
            input: &input,
            serialized,
            region: None,
            expires_in,
            options,
        })
        .await
    }

    /// Presigns a request that is none of the service's operations (RDS's
    /// IAM database authentication tokens): `url` as given, its query
    /// already encoded, signed with the client's credentials for
    /// `signing_name` in `region` (SigV4, `host` the only signed header).
    pub async fn presign_url(
        &self,
        method: Method,
        url: &str,
        signing_name: &str,
        region: &str,
        options: &PresignOptions,
    ) -> Result<PresignedRequest, PresignError> {
        let expires_in = options.checked_expiry()?;
        crate::config::resolve::validate_region(
            region,
            &crate::config::SettingSource::ClientConfig,
        )
        .map_err(|e| PresignError::Request(e.to_string()))?;
        let uri: http::Uri = url
            .parse()
            .map_err(|e| PresignError::Request(format!("invalid URL {url:?}: {e}")))?;
        if uri.host().is_none_or(str::is_empty) {
            return Err(PresignError::Request(format!(
                "the URL {url:?} has no host"
            )));
        }
        let mut request = http::Request::builder()
            .method(method)
            .uri(uri)
            .body(Bytes::new())
            .map_err(|e| PresignError::Request(e.to_string()))?;
        let signing = SigningOptions {
            region,
            name: signing_name,
            s3: false,
            unsigned_payload: false,
            presign_expires: Some(expires_in),
            time: self.presign_time(options),
            algorithm: SigningAlgorithm::SigV4,
        };
        self.sign_presigned(&mut request, &signing).await?;
        let (parts, _) = request.into_parts();
        Ok(PresignedRequest {
            method: parts.method,
            url: parts.uri.to_string(),
            headers: HeaderMap::new(),
        })
    }

    /// Presigns an already serialized request of operation number `op` in
    /// `region` (the client's when `None`): the EC2 and RDS cross-region
    /// copies presign their own request for the source region this way.
    pub(crate) async fn presign_serialized(
        &self,
        presign: Presign<'_>,
    ) -> Result<PresignedRequest, PresignError> {
        let Presign {
            op,
            input,
            mut serialized,
            region,
            expires_in,
            options,
        } = presign;
        let model = self.model().clone();
        let operation = &model.operations[op];
        let hooks = Hooks::new(self.events(), self.event_name(), &operation.name);
        // The endpoint carries the bucket (host or path), as in calls.
        self.quirks()
            .fix_request_path(operation, &mut serialized.path);
        let resolver = self.endpoint_resolver();
        let endpoint = match region {
            Some(region) => resolver.resolve_in_region(&model, operation, input, region),
            None => resolver.resolve(&model, operation, input),
        }
        .map_err(PresignError::Request)?;
        let s3 = SigningOptions::s3_style(&model, &endpoint);
        let rules = request::RequestRules {
            protocol: model.protocol,
            s3,
            operation: &operation.name,
        };
        let unsigned =
            request::unsigned_request(serialized, &endpoint, rules, options.http_method.as_ref())?;
        let mut request = unsigned.map(|()| Bytes::new());
        hooks.request("before-sign", &mut request, 1);
        if let Some(handlers) = self.handlers().op(op) {
            let ctx = crate::customizations::handlers::Context {
                model: &model,
                op: operation,
            };
            handlers.presign(&ctx, &mut request);
        }
        let bucket = crate::customizations::s3::bucket_of(&model, operation, input);
        let auth =
            crate::auth::for_request(&model, operation, &endpoint, &self.auth_settings(), bucket)
                .map_err(PresignError::Request)?;
        let algorithm = match &auth {
            RequestAuth::None => None,
            RequestAuth::SigV4 => Some(SigningAlgorithm::SigV4),
            RequestAuth::SigV4a { region_set } => Some(SigningAlgorithm::SigV4a { region_set }),
            RequestAuth::S3Express { .. } => {
                return Err(PresignError::Signing(
                    "presigned URLs for S3 Express directory buckets are not supported yet; \
                     disable S3 Express session auth to presign with the client's credentials"
                        .to_owned(),
                ))
            }
            RequestAuth::Bearer => {
                return Err(PresignError::Signing(
                    "a request authenticated with a bearer token cannot be presigned".to_owned(),
                ))
            }
            RequestAuth::SigV2 => {
                return Err(PresignError::Signing(
                    "a request signed with the legacy SigV2 cannot be presigned".to_owned(),
                ))
            }
        };
        if let Some(algorithm) = algorithm {
            let signing = SigningOptions {
                region: &endpoint.signing_region,
                name: &endpoint.signing_name,
                s3,
                unsigned_payload: s3 || operation.unsigned_payload,
                presign_expires: Some(expires_in),
                time: self.presign_time(options),
                algorithm,
            };
            self.sign_presigned(&mut request, &signing).await?;
        }
        let (parts, _) = request.into_parts();
        let mut headers = parts.headers;
        headers.remove(HOST);
        headers.remove(USER_AGENT);
        Ok(PresignedRequest {
            method: parts.method,
            url: parts.uri.to_string(),
            headers,
        })
    }

    /// The signing time of a presigned request: the options' or now.
    fn presign_time(&self, options: &PresignOptions) -> std::time::SystemTime {
        options
            .signing_time
            .unwrap_or_else(|| self.config().time_source.now())
    }

    /// Signs `request` with the client's credentials as a presigned request.
    async fn sign_presigned(
        &self,
        request: &mut http::Request<Bytes>,
        signing: &SigningOptions<'_>,
    ) -> Result<(), PresignError> {
        let credentials = self
            .config()
            .credentials
            .provide_credentials()
            .await
            .map_err(PresignError::Credentials)?;
        sign_request(request, &[], &credentials, signing).map_err(PresignError::Signing)
    }
}
