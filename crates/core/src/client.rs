//! [`ClientHandle`]: the service-independent client every generated client
//! wraps, and the one request pipeline:
//! validate → serialize → resolve endpoint → sign → send → parse → retry.

// Errors are the uncommon path and carry metadata by value; boxing them would
// cost an allocation on every failed attempt for no gain.
#![allow(clippy::result_large_err)]

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, HOST, USER_AGENT};
use http::{Request, Uri};
use tracing::Instrument;

use crate::body::{BoxStream, SdkBody};
use crate::customizations;
use crate::endpoint_resolution::{EndpointResolver, ResolvedEndpoint};
use crate::error::{
    BuildError, DispatchError, DispatchErrorKind, ErrorMetadata, OperationError, ResponseError,
    SdkError, ServiceError, ValidationError,
};
use crate::events::{Events, HookOutcome};
use crate::hooks::Hooks;
use crate::http::{BufferedResponse, HttpClient, HttpSettings};
use crate::model::{Operation, ServiceModel};
use crate::protocol::{self, Response, SerializeOptions, ServiceErrorParts};
use crate::retry::{self, FailureKind, RetryPolicy, RetryQuota};
use crate::service::{LoadedService, Service};
use crate::session::{ClientConfig, ResolvedConfig, Session};
use crate::signing::{SigningAlgorithm, SigningOptions};
use crate::value::{FromValue, IntoValue, Value};

/// A boxed, sendable future: what core's heavy entry points return, so that
/// their bodies are compiled once, in core (see [`ClientHandle::invoke`]).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// What [`ClientHandle::invoke`] resolves to: the output value, the HTTP
/// status and the request id, or the error with the raw service error.
pub type InvokeResult = Result<(Value, u16, Option<String>), SdkError<RawServiceError>>;

/// Largest response body read into memory for parsing.
const MAX_RESPONSE_BODY: usize = 64 << 20;
/// Largest body of a (not yet streamed) blob payload response.
const MAX_PAYLOAD_BODY: usize = 1 << 30;

/// The `User-Agent` myaws sends.
pub const USER_AGENT_VALUE: &str = concat!("myaws-rust/", env!("CARGO_PKG_VERSION"));

/// A service error before it is typed: the matched exception shape and its
/// parsed members.
#[derive(Debug, Clone, PartialEq)]
pub struct RawServiceError {
    /// The exception shape name, when the code matched a modeled exception.
    pub shape: Option<String>,
    /// The exception's members ([`Value::Null`] when unmodeled).
    pub value: Value,
}

/// The client behind every service client: configuration, HTTP pool, retry
/// quota and the service model. Cheap to clone (an `Arc`), `Send + Sync`.
#[derive(Clone)]
pub struct ClientHandle {
    inner: Arc<Inner>,
}

struct Inner {
    service: Service,
    config: ResolvedConfig,
    http: HttpClient,
    retry: RetryPolicy,
    quota: RetryQuota,
    endpoint: EndpointResolver,
    quirks: customizations::Quirks,
    event_name: String,
    events: Events,
}

impl fmt::Debug for ClientHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientHandle")
            .field("service", &self.inner.service.model.metadata.service_id)
            .field("region", &self.inner.config.region)
            .field("endpoint_url", &self.inner.config.endpoint_url)
            .finish_non_exhaustive()
    }
}

impl ClientHandle {
    /// Creates a client for `service` from the session's configuration with
    /// per-client overrides.
    pub fn new(
        session: &Session,
        service: &'static LoadedService,
        overrides: ClientConfig,
    ) -> Result<ClientHandle, BuildError> {
        let service = service
            .get()
            .map_err(|e| BuildError::new(format!("embedded service model: {e}")))?
            .clone();
        Self::from_service(session, service, overrides)
    }

    /// Creates a client for a service whose model was loaded at run time.
    pub fn from_service(
        session: &Session,
        service: Service,
        overrides: ClientConfig,
    ) -> Result<ClientHandle, BuildError> {
        let model = &service.model;
        let config = session
            .resolve(&model.metadata.service_id, &overrides)
            .map_err(|e| BuildError::new(e.to_string()))?;
        let http = HttpClient::new(&HttpSettings {
            connect_timeout: Some(config.connect_timeout),
            read_timeout: Some(config.read_timeout),
            ca_bundle: config.ca_bundle.clone(),
            resolve_overrides: config.resolve_overrides.clone(),
        })
        .map_err(BuildError::new)?;
        let retry = RetryPolicy {
            mode: config.retry.mode,
            max_attempts: config.retry.max_attempts.max(1),
        };
        let endpoint = EndpointResolver::new(&service, &config).map_err(BuildError::new)?;
        let quirks = customizations::Quirks::for_model(model);
        Ok(ClientHandle {
            inner: Arc::new(Inner {
                event_name: model.event_name(),
                service,
                config,
                http,
                retry,
                quota: RetryQuota::default(),
                endpoint,
                quirks,
                events: Events::default(),
            }),
        })
    }

    /// The client's service-specific behaviour.
    pub(crate) fn quirks(&self) -> &customizations::Quirks {
        &self.inner.quirks
    }

    /// The service model.
    pub fn model(&self) -> &Arc<ServiceModel> {
        &self.inner.service.model
    }

    /// The service: model plus raw endpoint rules, paginators and waiters.
    pub fn service(&self) -> &Service {
        &self.inner.service
    }

    /// The resolved configuration of this client.
    pub fn config(&self) -> &ResolvedConfig {
        &self.inner.config
    }

    /// The client's event registry (shared by its clones): register hooks
    /// such as `before-call.sqs.SendMessage` here.
    pub fn events(&self) -> &Events {
        &self.inner.events
    }

    /// Read-only client metadata, as boto3's `client.meta`.
    pub fn meta(&self) -> ClientMeta<'_> {
        ClientMeta { handle: self }
    }

    /// The service's name in event names (`sqs`, `s3`, `cloudwatch-logs`).
    pub fn event_name(&self) -> &str {
        &self.inner.event_name
    }

    /// The client's endpoint resolver (used by presigning to build requests).
    pub fn endpoint_resolver(&self) -> &EndpointResolver {
        &self.inner.endpoint
    }

    /// Calls operation number `op` (model order) with a typed input and output.
    pub async fn call<I, O, E>(&self, op: usize, input: I) -> Result<O, SdkError<E>>
    where
        I: IntoValue,
        O: FromValue,
        E: OperationError,
    {
        let value = input.into_value();
        match self.invoke(op, value).await {
            Ok((out, status, request_id)) => O::from_value(out).map_err(|e| {
                SdkError::Response(ResponseError {
                    status,
                    message: e.message,
                    request_id,
                })
            }),
            Err(e) => {
                Err(e.map_service(|raw| E::from_service_error(raw.shape.as_deref(), raw.value)))
            }
        }
    }

    /// Calls operation number `op` with a [`Value`] input; returns the output
    /// value, the HTTP status and the request id. This is the pipeline.
    ///
    /// The pipeline's future is boxed behind this non-inlined function on
    /// purpose: an `async fn` body is compiled again in every crate that
    /// awaits it, so an unboxed pipeline (and the HTTP stack under it) would
    /// be re-generated in each service crate and in the user's binary.
    #[inline(never)]
    pub fn invoke(&self, op: usize, input: Value) -> BoxFuture<'_, InvokeResult> {
        Box::pin(self.invoke_unboxed(op, input))
    }

    async fn invoke_unboxed(&self, op: usize, input: Value) -> InvokeResult {
        let model = self.model().clone();
        let operation = model
            .operations
            .get(op)
            .ok_or_else(|| SdkError::Construction(format!("no operation number {op}")))?;
        let span = tracing::debug_span!(
            "myaws.call",
            service = %self.inner.event_name,
            operation = %operation.name,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.run(&model, operation, input).instrument(span).await
    }

    async fn run(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        mut input: Value,
    ) -> Result<(Value, u16, Option<String>), SdkError<RawServiceError>> {
        let hooks = Hooks::new(&self.inner.events, &self.inner.event_name, &operation.name);
        // S3/streaming: the streamed payload travels beside the params.
        let payload = customizations::upload::take_stream_payload(model, operation, &mut input);
        if let Some(shape) = operation.input {
            for kind in ["provide-client-params", "before-parameter-build"] {
                if let Some(outcome) = hooks.params(kind, model, shape, &mut input)? {
                    return self.short_circuit(model, operation, outcome);
                }
            }
            crate::checksum::response::enable_mode_member(
                model,
                operation,
                &mut input,
                self.inner.config.response_checksum_validation,
            );
            let problems = crate::validate::validate(model, shape, &input);
            if !problems.is_empty() {
                return Err(SdkError::Validation(ValidationError {
                    operation: operation.name.clone(),
                    problems,
                }));
            }
            if let Some(outcome) = hooks.params("before-call", model, shape, &mut input)? {
                return self.short_circuit(model, operation, outcome);
            }
        }
        let mut serialized =
            protocol::serialize_request(model, operation, &input, &SerializeOptions::default())
                .map_err(|e| SdkError::Construction(e.message))?;
        let quirks = &self.inner.quirks;
        quirks.fix_request_path(operation, &mut serialized.path);
        // A bucket whose region a redirect taught us goes there directly.
        let (bucket, cached_region) = quirks.bucket_region(model, operation, &input);
        let mut endpoint = self
            .resolve_endpoint(model, operation, &input, cached_region.as_deref())
            .map_err(SdkError::Construction)?;
        let mut request = build_request(&serialized, &endpoint.url, &endpoint.headers)
            .map_err(SdkError::Construction)?;
        let signed = !operation
            .auth
            .iter()
            .any(|a| a == "none" || a == "smithy.api#noAuth");
        let upload = customizations::upload::prepare(
            customizations::upload::UploadContext {
                model,
                op: operation,
                input: &input,
                setting: self.inner.config.request_checksum_calculation,
                signed,
                s3: quirks.is_s3(),
            },
            &request,
            payload,
        )
        .map_err(SdkError::Construction)?;
        upload.apply_headers(&mut request);
        let validation = crate::checksum::response::algorithms(model, operation, &input);
        let stream_member = customizations::streaming_output_member(model, operation);
        let mut redirected = cached_region.is_some();
        let mut last_error: Option<String> = None;
        hooks.request("request-created", &mut request, 1);
        let max_body = if output_has_blob_payload(model, operation) {
            MAX_PAYLOAD_BODY
        } else {
            MAX_RESPONSE_BODY
        };

        let mut attempt = 1u32;
        let mut retry_cost: Option<u32> = None;
        loop {
            tracing::Span::current().record("attempts", attempt);
            let mut req = request.clone();
            hooks.request("before-sign", &mut req, attempt);
            let credentials = if signed {
                Some(
                    self.inner
                        .config
                        .credentials
                        .provide_credentials()
                        .await
                        .map_err(SdkError::Credentials)?,
                )
            } else {
                None
            };
            let opts = SigningOptions {
                region: &endpoint.signing_region,
                name: &endpoint.signing_name,
                s3: SigningOptions::s3_style(model, &endpoint),
                unsigned_payload: operation.unsigned_payload,
                presign_expires: None,
                time: SystemTime::now(),
                // Endpoint resolution rejects the auth schemes needing SigV4a.
                algorithm: SigningAlgorithm::SigV4,
            };
            let body = upload
                .sign_and_body(&mut req, credentials.as_ref().map(|c| (c, &opts)))
                .map_err(|e| match &last_error {
                    Some(previous) => SdkError::Construction(format!("{e} (after: {previous})")),
                    None => SdkError::Construction(e),
                })?;
            let outcome = match hooks.before_send(&mut req, attempt) {
                Some(canned) => Ok((canned, None)),
                None => {
                    self.send(req.map(|_| body), stream_member.is_some(), max_body)
                        .await
                }
            };
            let (kind, err) = match outcome {
                Ok((mut resp, stream)) => {
                    let status = resp.head.status.as_u16();
                    tracing::Span::current().record("status", status);
                    if stream.is_none() {
                        resp.head.status =
                            quirks.effective_status(model, operation, resp.head.status, &resp.body);
                    }
                    let mut handled = self.handle_response(model, operation, &resp);
                    if handled.is_ok() && stream.is_none() && !validation.is_empty() {
                        if let Err(e) = customizations::validate_buffered(
                            status,
                            &resp.head.headers,
                            &resp.body,
                            &validation,
                        ) {
                            handled = Err(SdkError::Response(ResponseError {
                                status,
                                message: e.to_string(),
                                request_id: request_id(&resp),
                            }));
                        }
                    }
                    match handled {
                        Ok(mut value) => {
                            quirks.fix_output(model, operation, &resp.body, &mut value);
                            if self.inner.retry.uses_quota() {
                                self.inner.quota.release(retry_cost);
                            }
                            let request_id = request_id(&resp);
                            if let Some(r) = &request_id {
                                tracing::Span::current().record("request_id", r.as_str());
                            }
                            hooks.after_call(model, operation, &resp, &mut value)?;
                            if let (Some(index), Some((body, len))) = (stream_member, stream) {
                                let checksum = crate::checksum::response::select(
                                    status,
                                    &resp.head.headers,
                                    &validation,
                                );
                                customizations::attach_stream(
                                    &mut value, index, body, len, checksum,
                                );
                            }
                            tracing::debug!(status, "call succeeded");
                            return Ok((value, status, request_id));
                        }
                        Err(err) => {
                            let kind = match &err {
                                SdkError::Service(s) => retry::classify(
                                    s.code(),
                                    s.status(),
                                    s.kind()
                                        .shape
                                        .as_deref()
                                        .is_some_and(|n| is_retryable_shape(model, n)),
                                ),
                                _ => FailureKind::Permanent,
                            };
                            if let SdkError::Service(s) = &err {
                                if let Some(r) = s.request_id() {
                                    tracing::Span::current().record("request_id", r);
                                }
                                // The bucket lives elsewhere: go there once.
                                let target =
                                    bucket.as_deref().filter(|_| !redirected).and_then(|b| {
                                        let error = (resp.head.status.as_u16(), s.code());
                                        let region = quirks.redirect(
                                            operation,
                                            b,
                                            error,
                                            &resp.head.headers,
                                            &resp.body,
                                        )?;
                                        Some((b, region))
                                    });
                                if let Some((b, region)) = target {
                                    tracing::debug!(bucket = %b, %region, "redirecting to the bucket's region");
                                    redirected = true;
                                    endpoint = self
                                        .resolve_endpoint(model, operation, &input, Some(&region))
                                        .map_err(SdkError::Construction)?;
                                    request = build_request(
                                        &serialized,
                                        &endpoint.url,
                                        &endpoint.headers,
                                    )
                                    .map_err(SdkError::Construction)?;
                                    upload.apply_headers(&mut request);
                                    last_error = Some(err.to_string());
                                    continue;
                                }
                            }
                            (kind, err)
                        }
                    }
                }
                Err(dispatch) => {
                    let kind = match dispatch.kind {
                        DispatchErrorKind::Timeout => FailureKind::Timeout,
                        DispatchErrorKind::Connect | DispatchErrorKind::Io => {
                            FailureKind::Connection
                        }
                        DispatchErrorKind::Unsupported => FailureKind::Permanent,
                    };
                    (kind, SdkError::Dispatch(dispatch))
                }
            };
            let decision = match hooks.needs_retry(&err, attempt) {
                Some(HookOutcome::Retry(delay)) => Some(delay),
                Some(HookOutcome::NoRetry) => None,
                _ => {
                    if !self.inner.retry.should_retry(attempt, kind) {
                        None
                    } else if !self.inner.retry.uses_quota() {
                        Some(self.inner.retry.backoff(attempt))
                    } else if let Some(cost) = self.inner.quota.acquire(kind) {
                        retry_cost = Some(retry_cost.unwrap_or(0) + cost);
                        Some(self.inner.retry.backoff(attempt))
                    } else {
                        tracing::debug!(attempt, "retry quota exhausted");
                        None
                    }
                }
            };
            let Some(delay) = decision else {
                tracing::debug!(attempt, error = %err, "call failed");
                hooks.after_call_error(&err);
                return Err(err);
            };
            tracing::debug!(attempt, ?delay, error = %err, "retrying");
            last_error = Some(err.to_string());
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The endpoint of a call, in `region` instead of the client's when given.
    fn resolve_endpoint(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        input: &Value,
        region: Option<&str>,
    ) -> Result<ResolvedEndpoint, String> {
        match region {
            Some(r) => self
                .inner
                .endpoint
                .resolve_in_region(model, operation, input, r),
            None => self.inner.endpoint.resolve(model, operation, input),
        }
    }

    /// Sends one attempt. A successful response of an operation with a
    /// streaming payload comes back with its body unread (the stream and its
    /// declared length); anything else is read whole.
    async fn send(
        &self,
        request: Request<SdkBody>,
        streams_output: bool,
        max_body: usize,
    ) -> Result<(BufferedResponse, Option<(BoxStream, Option<u64>)>), DispatchError> {
        let response = self.inner.http.send_streaming(request).await?;
        if streams_output && response.head.status.is_success() {
            let (head, body) = response.into_stream();
            let len = head
                .headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let buffered = BufferedResponse {
                head,
                body: Bytes::new(),
            };
            return Ok((buffered, Some((body, len))));
        }
        Ok((response.buffer(max_body).await?, None))
    }

    /// Turns a `before-call` outcome into the call's result.
    fn short_circuit(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        outcome: HookOutcome,
    ) -> Result<(Value, u16, Option<String>), SdkError<RawServiceError>> {
        let opts = crate::convert::JsonOptions {
            check_enums: false,
            ..Default::default()
        };
        match outcome {
            HookOutcome::Return(json) => {
                let value = match operation.output {
                    Some(shape) => {
                        crate::convert::from_json(model, shape, &json, opts).map_err(|e| {
                            SdkError::Construction(format!(
                                "a before-call handler returned an invalid output: {e}"
                            ))
                        })?
                    }
                    None => Value::Null,
                };
                Ok((value, 200, None))
            }
            HookOutcome::Fail { meta, members } => {
                let shape = model.error_shape_for_code(&meta.code);
                let value = match shape {
                    Some(id) => {
                        crate::convert::from_json(model, id, &members, opts).unwrap_or(Value::Null)
                    }
                    None => Value::Null,
                };
                Err(SdkError::Service(ServiceError::new(
                    RawServiceError {
                        shape: shape.map(|id| model.shape(id).name.clone()),
                        value,
                    },
                    meta,
                )))
            }
            other => Err(SdkError::Construction(format!(
                "a before-call handler returned {other:?}, which only other events accept"
            ))),
        }
    }

    #[allow(clippy::result_large_err)] // errors are rare; no need to box
    fn handle_response(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        resp: &BufferedResponse,
    ) -> Result<Value, SdkError<RawServiceError>> {
        let status = resp.head.status.as_u16();
        let response = Response {
            status,
            headers: &resp.head.headers,
            body: &resp.body,
        };
        if (200..300).contains(&status) {
            return protocol::parse_response(model, operation, &response).map_err(|e| {
                SdkError::Response(ResponseError {
                    status,
                    message: e.message,
                    request_id: request_id(resp),
                })
            });
        }
        let parts = protocol::parse_error(model, operation, &response).unwrap_or_else(|e| {
            tracing::debug!(error = %e, "unparseable error body");
            ServiceErrorParts {
                code: resp
                    .head
                    .status
                    .canonical_reason()
                    .unwrap_or("Unknown")
                    .replace(' ', ""),
                message: None,
                request_id: request_id(resp),
                shape: None,
                value: Value::Null,
            }
        });
        let meta = ErrorMetadata {
            code: parts.code,
            message: parts.message,
            request_id: parts.request_id.or_else(|| request_id(resp)),
            status,
        };
        let shape = parts.shape.map(|id| model.shape(id).name.clone());
        Err(SdkError::Service(ServiceError::new(
            RawServiceError {
                shape,
                value: parts.value,
            },
            meta,
        )))
    }
}

/// Read-only metadata of a client (boto3's `client.meta`).
#[derive(Debug, Clone, Copy)]
pub struct ClientMeta<'a> {
    handle: &'a ClientHandle,
}

impl<'a> ClientMeta<'a> {
    /// The client's region.
    pub fn region(&self) -> Option<&'a str> {
        self.handle.inner.config.region.as_deref()
    }

    /// The base endpoint URL (custom, or resolved by the rule set for a call
    /// without resource parameters).
    pub fn endpoint_url(&self) -> Option<String> {
        let inner = &self.handle.inner;
        if let Some(url) = &inner.config.endpoint_url {
            return Some(url.clone());
        }
        let model = &inner.service.model;
        let op = model.operations.first()?;
        let input = op
            .input
            .map(|s| Value::Struct(vec![Value::Null; model.shape(s).members.len()]));
        inner
            .endpoint
            .resolve(model, op, &input.unwrap_or(Value::Null))
            .ok()
            .map(|e| e.url)
    }

    /// The service model (operations, shapes, documentation when loaded).
    pub fn service_model(&self) -> &'a ServiceModel {
        &self.handle.inner.service.model
    }

    /// The operation names (API names), sorted.
    pub fn operation_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self
            .service_model()
            .operations
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        names.sort_unstable();
        names
    }

    /// The modeled exceptions of the service (shape names), sorted.
    pub fn exceptions(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self
            .service_model()
            .shapes
            .iter()
            .filter(|s| s.exception)
            .map(|s| s.name.as_str())
            .collect();
        names.sort_unstable();
        names
    }

    /// The modeled exception an error code stands for, if any.
    pub fn exception_for_code(&self, code: &str) -> Option<&'a str> {
        let model = self.service_model();
        model
            .error_shape_for_code(code)
            .map(|id| model.shape(id).name.as_str())
    }

    /// The resolved configuration.
    pub fn config(&self) -> &'a ResolvedConfig {
        &self.handle.inner.config
    }

    /// The event registry.
    pub fn events(&self) -> &'a Events {
        &self.handle.inner.events
    }
}

fn is_retryable_shape(model: &ServiceModel, name: &str) -> bool {
    // botocore marks some exceptions with a `retryable` trait; the compact
    // model keeps it as part of the error traits in future versions.
    let _ = (model, name);
    false
}

fn output_has_blob_payload(model: &ServiceModel, op: &Operation) -> bool {
    op.output.is_some_and(|o| {
        let shape = model.shape(o);
        shape.payload.as_ref().is_some_and(|p| {
            shape.member_index(p).is_some_and(|i| {
                model.shape(shape.members[i].target).kind == crate::model::ShapeKind::Blob
            })
        })
    })
}

fn request_id(resp: &BufferedResponse) -> Option<String> {
    for name in ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"] {
        if let Some(v) = resp.head.headers.get(name).and_then(|v| v.to_str().ok()) {
            return Some(v.to_string());
        }
    }
    None
}

/// `endpoint_url` joined with the operation's path, query and host prefix
/// (never in front of an IP address or `localhost`): the full URL and its
/// authority (for the `Host` header). Shared by calls and presigned URLs.
pub(crate) fn join_url(
    ser: &protocol::SerializedRequest,
    endpoint_url: &str,
) -> Result<(String, String), String> {
    let base: Uri = endpoint_url
        .parse()
        .map_err(|e| format!("invalid endpoint URL {endpoint_url:?}: {e}"))?;
    let scheme = base.scheme_str().unwrap_or("https");
    let mut authority = base
        .authority()
        .ok_or_else(|| format!("endpoint URL {endpoint_url:?} has no host"))?
        .to_string();
    if let Some(prefix) = &ser.host_prefix {
        let host = base.host().unwrap_or("");
        if host.parse::<std::net::IpAddr>().is_err()
            && host != "localhost"
            && !host.starts_with('[')
        {
            authority = format!("{prefix}{authority}");
        }
    }
    let mut path = format!("{}{}", base.path().trim_end_matches('/'), ser.path);
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !ser.query.is_empty() {
        path.push(if path.contains('?') { '&' } else { '?' });
        path.push_str(&ser.query);
    }
    Ok((format!("{scheme}://{authority}{path}"), authority))
}

/// Joins the endpoint URL and the serialized request into an HTTP request.
fn build_request(
    ser: &protocol::SerializedRequest,
    endpoint_url: &str,
    endpoint_headers: &[(String, Vec<String>)],
) -> Result<Request<Bytes>, String> {
    let (uri, authority) = join_url(ser, endpoint_url)?;
    let mut builder = Request::builder().method(ser.method.clone()).uri(&uri);
    let headers = builder.headers_mut().ok_or("invalid request")?;
    for (k, v) in &ser.headers {
        headers.append(k, v.clone());
    }
    for (k, values) in endpoint_headers {
        let name = HeaderName::try_from(k.as_str()).map_err(|e| e.to_string())?;
        for v in values {
            headers.append(
                name.clone(),
                HeaderValue::try_from(v.as_str()).map_err(|e| e.to_string())?,
            );
        }
    }
    headers.insert(
        HOST,
        HeaderValue::try_from(authority.as_str()).map_err(|e| e.to_string())?,
    );
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    if !ser.body.is_empty() || ser.method == http::Method::POST || ser.method == http::Method::PUT {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(ser.body.len()));
    }
    builder
        .body(ser.body.clone())
        .map_err(|e| format!("invalid request to {uri}: {e}"))
}

impl From<DispatchError> for SdkError<RawServiceError> {
    fn from(e: DispatchError) -> Self {
        SdkError::Dispatch(e)
    }
}
