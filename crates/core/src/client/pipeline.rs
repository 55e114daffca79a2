//! The request pipeline, in botocore's stages:
//!
//! 1. **prepare params**: `provide-client-params` / `before-parameter-build`
//!    hooks, response-checksum mode, validation, `before-call` (which may
//!    answer instead of the service);
//! 2. **serialize** the request and **resolve the endpoint** and the auth
//!    scheme ([`Call::new`]);
//!    The body is compressed here when the operation asks for it
//!    ([`crate::compression`]);
//! 3. per **attempt** ([`ClientHandle::attempt`]): the discovered endpoint
//!    ([`crate::discovery`]), `before-sign`, the identity, signing, adaptive
//!    mode's send token, `before-send`, sending, the CRC32 check of
//!    DynamoDB bodies, and classifying the response into an [`Attempt`]
//!    (which adaptive mode's rate limiter records);
//! 4. **decide** what comes next ([`ClientHandle::decide`]): return,
//!    redirect to the bucket's region, or retry after a delay
//!    ([`crate::retry`]).
//!
//! Each stage is a function that returns a value; the loop in
//! [`ClientHandle::run`] only strings them together.

use std::time::Duration;

use bytes::Bytes;
use http::Request;

use super::discover::CallDiscovery;
use super::metadata::RequestIds;
use super::request::{build_request, join_url};
use super::response::{buffered_stream, request_id, SendOptions};
use super::{ClientHandle, InvokeResult, RawServiceError, ResponseMetadata};
use crate::auth::RequestAuth;
use crate::checksum::ChecksumAlgorithm;
use crate::customizations::handlers::{CallNotes, Context, OpHandlers};
use crate::customizations::{self, upload::Upload};
use crate::endpoint_resolution::ResolvedEndpoint;
use crate::error::{
    DispatchError, DispatchErrorKind, ResponseError, SdkError, TimeoutKind, ValidationError,
};
use crate::events::HookOutcome;
use crate::eventstream::outgoing::{self, OutgoingEvents};
use crate::eventstream::{EventStreamValue, ResponseMeta};
use crate::hooks::Hooks;
use crate::model::{Operation, ServiceModel};
use crate::protocol::{self, SerializeOptions};
use crate::retry::quota::NO_RETRY_INCREMENT;
use crate::retry::{self, FailureKind};
use crate::value::Value;

type Failure = SdkError<RawServiceError>;

/// One call after its parameters were prepared: what stays the same across
/// attempts (the endpoint, request and auth change only on a redirect).
struct Call<'a> {
    model: &'a ServiceModel,
    operation: &'a Operation,
    hooks: Hooks<'a>,
    /// botocore's built-in handlers of the operation.
    handlers: Option<&'a OpHandlers>,
    /// Notes the handlers share across stages (botocore's request context).
    notes: CallNotes,
    input: Value,
    serialized: protocol::SerializedRequest,
    endpoint: ResolvedEndpoint,
    request: Request<Bytes>,
    auth: RequestAuth,
    upload: Upload,
    /// Response checksums to validate.
    validation: Vec<ChecksumAlgorithm>,
    /// The output's streaming payload member, if any.
    stream_member: Option<usize>,
    /// The output's event-stream member, if any.
    event_output: Option<usize>,
    /// The input's event stream, sent as the request body (over HTTP/2).
    events_in: Option<OutgoingEvents>,
    /// Largest buffered response body.
    max_body: usize,
    /// The S3 bucket of the call, if any (for redirects and S3 Express).
    bucket: Option<String>,
    /// A redirect was already followed in this call.
    redirected: bool,
    /// The bucket's region this call is sent to, when not the client's
    /// (from the cache or a redirect).
    bucket_region: Option<String>,
    /// The error that made the pipeline redirect or retry, for messages.
    last_error: Option<String>,
    /// Retry-quota tokens the last retry of this call took (given back on
    /// success, as botocore does).
    retry_cost: Option<u32>,
    /// The call's part in endpoint discovery, if any.
    discovery: Option<CallDiscovery>,
}

/// How one attempt ended.
enum Attempt {
    /// The parsed output and the response's metadata.
    Success(Value, ResponseMetadata),
    /// A failure, how to classify it for retries, and the region a redirect
    /// points the bucket to, if any.
    Failure {
        error: Failure,
        kind: FailureKind,
        redirect: Option<String>,
    },
}

/// What the pipeline does after an attempt.
enum Next {
    Return(InvokeResult),
    Redirect(String),
    Retry(Duration),
}

impl ClientHandle {
    /// The pipeline for one call (see the module docs).
    pub(super) async fn run(
        &self,
        op: usize,
        model: &ServiceModel,
        operation: &Operation,
        mut input: Value,
    ) -> InvokeResult {
        let hooks = Hooks::new(&self.inner.events, &self.inner.event_name, &operation.name);
        let handlers = self.inner.handlers.op(op);
        let mut notes = CallNotes {
            invocation_id: crate::protocol::random_uuid(),
            max_attempts: (self.inner.retry.mode() != crate::retry::RetryMode::Legacy)
                .then(|| self.inner.retry.max_attempts()),
            ..CallNotes::default()
        };
        // S3/streaming: the streamed payload travels beside the params.
        let payload = customizations::upload::take_stream_payload(model, operation, &mut input);
        let prepared =
            self.prepare_params(&hooks, handlers, model, operation, &mut input, &mut notes)?;
        if let Some(outcome) = prepared {
            return self.short_circuit(model, operation, outcome);
        }
        if let Some(rule) = handlers.and_then(|h| h.presigned_url) {
            self.inject_presigned_url(op, rule, &mut input).await?;
        }
        // Input event streams travel beside the params too.
        let events = outgoing::take(self.model(), operation, &mut input);
        let mut call = Call::new(
            self,
            hooks,
            handlers,
            notes,
            model,
            operation,
            input,
            (payload, events),
        )?;
        let attempts = self.attempts(&mut call);
        match self.inner.config.operation_timeout {
            None => attempts.await,
            Some(limit) => tokio::time::timeout(limit, attempts)
                .await
                .unwrap_or_else(|_| {
                    Err(SdkError::Dispatch(DispatchError::timed_out(
                        TimeoutKind::Operation,
                        format!(
                            "{} did not complete within the operation timeout of {} s",
                            operation.name,
                            limit.as_secs_f64()
                        ),
                    )))
                }),
        }
    }

    /// Stages 3 and 4 until the call returns; each attempt within the
    /// attempt timeout, if one is set.
    async fn attempts(&self, call: &mut Call<'_>) -> InvokeResult {
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempts", attempt);
            let outcome = match self.inner.config.attempt_timeout {
                None => self.attempt(call, attempt).await?,
                Some(limit) => match tokio::time::timeout(limit, self.attempt(call, attempt)).await
                {
                    Ok(outcome) => outcome?,
                    Err(_) => Attempt::Failure {
                        error: SdkError::Dispatch(DispatchError::timed_out(
                            TimeoutKind::Attempt,
                            format!(
                                "attempt {attempt} did not complete within the attempt timeout of {} s",
                                limit.as_secs_f64()
                            ),
                        )),
                        kind: FailureKind::Transport { timeout: true },
                        redirect: None,
                    },
                },
            };
            self.record_for_rate_limiter(&outcome);
            match self.decide(call, attempt, outcome)? {
                Next::Return(result) => return result,
                Next::Redirect(region) => call.redirect(self, &region)?,
                Next::Retry(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Stage 1: parameter hooks, botocore's `before-parameter-build`
    /// handlers, the response-checksum mode member and validation. `Some`
    /// when a hook answered instead of the service.
    fn prepare_params(
        &self,
        hooks: &Hooks<'_>,
        handlers: Option<&OpHandlers>,
        model: &ServiceModel,
        operation: &Operation,
        input: &mut Value,
        notes: &mut CallNotes,
    ) -> Result<Option<HookOutcome>, Failure> {
        if self.inner.discovery.blocks(operation) {
            return Err(SdkError::Construction(format!(
                "{} requires endpoint discovery, which is not enabled \
                 (set endpoint_discovery_enabled to `true` or `auto`)",
                operation.name
            )));
        }
        let Some(shape) = operation.input else {
            return Ok(None);
        };
        for kind in ["provide-client-params", "before-parameter-build"] {
            if let Some(outcome) = hooks.params(kind, model, shape, input)? {
                return Ok(Some(outcome));
            }
        }
        if let Some(handlers) = handlers {
            let ctx = Context {
                model,
                op: operation,
            };
            handlers.params(&ctx, input, notes).map_err(|problem| {
                SdkError::Validation(ValidationError {
                    operation: operation.name.clone(),
                    problems: vec![problem],
                })
            })?;
        }
        crate::checksum::response::enable_mode_member(
            model,
            operation,
            input,
            self.inner.config.response_checksum_validation,
        );
        let problems = crate::validate::validate(model, shape, input);
        if !problems.is_empty() {
            return Err(SdkError::Validation(ValidationError {
                operation: operation.name.clone(),
                problems,
            }));
        }
        hooks.params("before-call", model, shape, input)
    }

    /// The endpoint of a call, in `region` instead of the client's when
    /// given, with the built-ins botocore's `before-endpoint-resolution`
    /// handlers change for it.
    fn resolve_endpoint(
        &self,
        handlers: Option<&OpHandlers>,
        model: &ServiceModel,
        operation: &Operation,
        input: &Value,
        region: Option<&str>,
    ) -> Result<ResolvedEndpoint, Failure> {
        let endpoint = &self.inner.endpoint;
        let customize = |builtins: &mut crate::endpoint::BuiltIns| {
            if let Some(handlers) = handlers {
                handlers.builtins(
                    &Context {
                        model,
                        op: operation,
                    },
                    input,
                    builtins,
                );
            }
        };
        endpoint
            .resolve_customized(model, operation, input, region, &customize)
            .map_err(SdkError::Construction)
    }

    /// Stage 3: one attempt, from signing to a classified outcome.
    async fn attempt(&self, call: &mut Call<'_>, attempt: u32) -> Result<Attempt, Failure> {
        let mut request = call.request.clone();
        if let Some(discovery) = &call.discovery {
            if let Some(url) = self
                .discovered_endpoint(call.model, call.operation, discovery)
                .await?
            {
                point_at(&mut request, &call.serialized, &url)?;
            }
        }
        call.notes.attempt = attempt;
        if let Some(handlers) = call.handlers {
            let ctx = Context {
                model: call.model,
                op: call.operation,
            };
            handlers
                .request(&ctx, &call.notes, &mut request)
                .map_err(SdkError::Construction)?;
        }
        call.hooks.request("before-sign", &mut request, attempt);
        let identity = self.identity(&call.auth).await?;
        // botocore signs the request before its HTTP layer adds the
        // length: `Content-Length` is signed only when the input set it.
        let unsigned_length = if call
            .serialized
            .headers
            .contains_key(http::header::CONTENT_LENGTH)
        {
            None
        } else {
            request.headers_mut().remove(http::header::CONTENT_LENGTH)
        };
        let signed = self.sign(
            call.model,
            call.operation,
            &call.endpoint,
            &call.auth,
            identity,
            (&call.upload, call.events_in.as_ref()),
            &mut request,
        );
        if let Some(length) = unsigned_length {
            request
                .headers_mut()
                .entry(http::header::CONTENT_LENGTH)
                .or_insert(length);
        }
        let body = signed.map_err(|e| match &call.last_error {
            Some(previous) => SdkError::Construction(format!("{e} (after: {previous})")),
            None => SdkError::Construction(e),
        })?;
        if let Some(handlers) = call.handlers {
            let ctx = Context {
                model: call.model,
                op: call.operation,
            };
            handlers.send(&ctx, &call.notes, request.headers_mut());
        }
        if let Some(limiter) = &self.inner.limiter {
            limiter.acquire().await;
        }
        let sent = match call.hooks.before_send(&mut request, attempt) {
            Some(canned) => Ok((canned, None)),
            None => {
                let how = SendOptions {
                    streams_output: call.stream_member.is_some() || call.event_output.is_some(),
                    max_body: call.max_body,
                    http2: call.events_in.is_some(),
                };
                self.send(request.map(|_| body), how).await
            }
        };
        let (mut response, stream) = match sent {
            Ok(sent) => sent,
            Err(mut dispatch) => {
                if let Some(why) = call.events_in.as_ref().and_then(OutgoingEvents::failed) {
                    dispatch.message = format!("sending the input event stream failed: {why}");
                }
                let kind = match dispatch.kind {
                    DispatchErrorKind::Timeout => FailureKind::Transport { timeout: true },
                    DispatchErrorKind::Connect | DispatchErrorKind::Io => {
                        FailureKind::Transport { timeout: false }
                    }
                    _ => FailureKind::Permanent,
                };
                return Ok(Attempt::Failure {
                    error: SdkError::Dispatch(dispatch),
                    kind,
                    redirect: None,
                });
            }
        };
        let (model, operation) = (call.model, call.operation);
        let ctx = Context {
            model,
            op: operation,
        };
        let quirks = &self.inner.quirks;
        let status = response.head.status.as_u16();
        tracing::Span::current().record("status", status);
        call.notes.ttl = crate::customizations::handlers::TtlBasis::of(
            &response.head.headers,
            self.inner.config.read_timeout,
        );
        if let (Some(handlers), None) = (call.handlers, &stream) {
            handlers.response(&ctx, &mut response, &mut call.notes);
        }
        if stream.is_none() {
            if let Some(header) = self.inner.retry.crc32_header() {
                if let Err(mismatch) =
                    retry::crc32::check(&response.head.headers, header, &response.body)
                {
                    tracing::debug!(%mismatch, "CRC32 check failed");
                    return Ok(Attempt::Failure {
                        error: SdkError::Response(ResponseError {
                            status,
                            message: mismatch.to_string(),
                            request_id: request_id(&response),
                        }),
                        kind: FailureKind::Crc32Mismatch { status },
                        redirect: None,
                    });
                }
            }
            response.head.status =
                quirks.effective_status(model, operation, response.head.status, &response.body);
        }
        let mut handled = self.handle_response(model, operation, &response);
        if handled.is_ok() && stream.is_none() && !call.validation.is_empty() {
            if let Err(e) = customizations::validate_buffered(
                status,
                &response.head.headers,
                &response.body,
                &call.validation,
            ) {
                handled = Err(SdkError::Response(ResponseError {
                    status,
                    message: e.to_string(),
                    request_id: request_id(&response),
                }));
            }
        }
        let error = match handled {
            Ok(mut value) => {
                quirks.fix_output(model, operation, &response.body, &mut value);
                if let Some(handlers) = call.handlers {
                    handlers.output(&ctx, &call.notes, &mut value);
                }
                let ids = RequestIds::read(model.protocol, &response.head.headers, &response.body);
                if let Some(r) = &ids.request_id {
                    tracing::Span::current().record("request_id", r.as_str());
                }
                let mut stream = stream;
                let events = match call.event_output {
                    Some(index) => {
                        // A canned (`before-send`) answer's body was buffered.
                        let body = match stream.take() {
                            Some((body, _)) => body,
                            None => buffered_stream(&response.body),
                        };
                        let meta = ResponseMeta {
                            status,
                            request_id: ids.request_id.clone(),
                        };
                        let input_failure = call.events_in.as_ref().map(OutgoingEvents::failure);
                        let opened = self
                            .open_events(operation, index, body, meta, input_failure, &mut value)
                            .await;
                        match opened {
                            Ok(receiver) => Some((index, receiver)),
                            Err((error, kind)) => {
                                return Ok(Attempt::Failure {
                                    error,
                                    kind,
                                    redirect: None,
                                })
                            }
                        }
                    }
                    None => None,
                };
                call.hooks
                    .after_call(model, operation, &response, &mut value)?;
                if let (Some((index, receiver)), Value::Struct(slots)) = (events, &mut value) {
                    if let Some(slot) = slots.get_mut(index) {
                        *slot = Value::EventStream(EventStreamValue::output(receiver));
                    }
                }
                if let (Some(index), Some((body, len))) = (call.stream_member, stream) {
                    let checksum = crate::checksum::response::select(
                        status,
                        &response.head.headers,
                        &call.validation,
                    );
                    customizations::attach_stream(&mut value, index, body, len, checksum);
                }
                let headers = std::mem::take(&mut response.head.headers);
                let metadata = ResponseMetadata::new(status, headers, ids);
                return Ok(Attempt::Success(value, metadata));
            }
            Err(error) => error,
        };
        let SdkError::Service(service) = &error else {
            return Ok(Attempt::Failure {
                error,
                kind: FailureKind::Permanent,
                redirect: None,
            });
        };
        if let Some(r) = service.request_id() {
            tracing::Span::current().record("request_id", r);
        }
        let kind = FailureKind::Service {
            status: service.status(),
            code: service.code().to_owned(),
            modeled: retry::modeled_retry(model, operation, service.code()),
        };
        // The bucket lives elsewhere: go there once.
        let redirect = call
            .bucket
            .as_deref()
            .filter(|_| !call.redirected)
            .and_then(|bucket| {
                quirks.redirect(
                    operation,
                    bucket,
                    (response.head.status.as_u16(), service.code()),
                    &response.head.headers,
                    &response.body,
                )
            })
            // Sent there already: going again would only repeat the error.
            .filter(|region| call.bucket_region.as_deref() != Some(region.as_str()));
        Ok(Attempt::Failure {
            error,
            kind,
            redirect,
        })
    }

    /// Stage 4: what comes after an attempt.
    fn decide(&self, call: &mut Call<'_>, attempt: u32, outcome: Attempt) -> Result<Next, Failure> {
        let (error, kind) = match outcome {
            Attempt::Success(value, mut metadata) => {
                metadata.retry_attempts = attempt - 1;
                let status = metadata.http_status_code;
                if self.inner.retry.uses_quota() {
                    self.inner
                        .quota
                        .release(call.retry_cost.unwrap_or(NO_RETRY_INCREMENT));
                }
                tracing::debug!(status, "call succeeded");
                return Ok(Next::Return(Ok((value, metadata))));
            }
            Attempt::Failure {
                error,
                redirect: Some(region),
                ..
            } => {
                call.last_error = Some(error.to_string());
                return Ok(Next::Redirect(region));
            }
            Attempt::Failure { error, kind, .. } => (error, kind),
        };
        let invalidated = self.invalidate_discovered(call, &kind);
        let delay = match call.hooks.needs_retry(&error, attempt) {
            Some(HookOutcome::Retry(delay)) => Some(delay),
            Some(HookOutcome::NoRetry) => None,
            _ => self.retry_delay(call, attempt, &kind).or_else(|| {
                // The discovered endpoint was wrong: go again at once (to
                // the regular or a newly discovered endpoint), within the
                // attempts allowed.
                (invalidated && attempt < self.inner.retry.max_attempts()).then_some(Duration::ZERO)
            }),
        };
        let Some(delay) = delay else {
            tracing::debug!(attempt, error = %error, "call failed");
            call.hooks.after_call_error(&error);
            return Ok(Next::Return(Err(error)));
        };
        tracing::debug!(attempt, ?delay, error = %error, "retrying");
        call.last_error = Some(error.to_string());
        Ok(Next::Retry(delay))
    }

    /// The retry policy's delay before the next attempt, if it allows one
    /// (and, in standard and adaptive modes, the retry quota pays for it).
    fn retry_delay(
        &self,
        call: &mut Call<'_>,
        attempt: u32,
        kind: &FailureKind,
    ) -> Option<Duration> {
        let retry = &self.inner.retry;
        if !retry.is_retryable(attempt, kind) {
            return None;
        }
        if let Some(cost) = retry.quota_cost(kind) {
            if !self.inner.quota.acquire(cost) {
                tracing::debug!(attempt, "retry quota exhausted");
                return None;
            }
            call.retry_cost = Some(cost);
        }
        Some(retry.backoff(attempt))
    }

    /// Adaptive mode: every attempt's outcome feeds the rate limiter.
    fn record_for_rate_limiter(&self, outcome: &Attempt) {
        if let Some(limiter) = &self.inner.limiter {
            let throttled = match outcome {
                Attempt::Success(..) => false,
                Attempt::Failure { kind, .. } => kind.is_throttling(),
            };
            limiter.on_response(throttled);
        }
    }

    /// A `421` or `InvalidEndpointException` on a call taking part in
    /// endpoint discovery drops its cached endpoints (botocore's
    /// `handle_retries`); whether it did.
    fn invalidate_discovered(&self, call: &Call<'_>, kind: &FailureKind) -> bool {
        let Some(discovery) = &call.discovery else {
            return false;
        };
        if kind.status() != Some(421) && kind.code() != Some("InvalidEndpointException") {
            return false;
        }
        tracing::debug!("the discovered endpoint was refused: dropping it");
        self.inner.endpoint_cache.invalidate(&discovery.key);
        true
    }
}

/// Points an attempt's request at a discovered endpoint: its URL and `Host`.
fn point_at(
    request: &mut Request<Bytes>,
    serialized: &protocol::SerializedRequest,
    endpoint_url: &str,
) -> Result<(), Failure> {
    let (url, authority) = join_url(serialized, endpoint_url).map_err(SdkError::Construction)?;
    *request.uri_mut() = url
        .parse()
        .map_err(|e| SdkError::Construction(format!("discovered endpoint {url:?}: {e}")))?;
    let host = http::HeaderValue::try_from(authority)
        .map_err(|e| SdkError::Construction(format!("discovered endpoint {url:?}: {e}")))?;
    request.headers_mut().insert(http::header::HOST, host);
    Ok(())
}

impl<'a> Call<'a> {
    /// Stage 2: serializes the request, resolves the endpoint (in the
    /// bucket's known region, if a redirect taught us one) and the auth
    /// scheme, and decides how the body is sent.
    #[allow(clippy::too_many_arguments)]
    fn new(
        client: &ClientHandle,
        hooks: Hooks<'a>,
        handlers: Option<&'a OpHandlers>,
        notes: CallNotes,
        model: &'a ServiceModel,
        operation: &'a Operation,
        input: Value,
        body: (Option<crate::body::ByteStream>, Option<OutgoingEvents>),
    ) -> Result<Call<'a>, Failure> {
        let (payload, mut events_in) = body;
        if events_in.is_some() {
            crate::eventstream::check_http2(true, cfg!(feature = "http2"))
                .map_err(|e| SdkError::Construction(e.to_string()))?;
        }
        let mut serialized =
            protocol::serialize_request(model, operation, &input, &SerializeOptions::default())
                .map_err(|e| SdkError::Construction(e.message))?;
        if operation.endpoint_operation {
            // botocore's `inject_api_version_header_if_needed`.
            let version = http::HeaderValue::try_from(model.metadata.api_version.as_str())
                .map_err(|e| SdkError::Construction(format!("apiVersion: {e}")))?;
            serialized.headers.insert("x-amz-api-version", version);
        }
        crate::compression::maybe_compress(
            &client.inner.config.request_compression,
            operation,
            &mut serialized,
            payload.is_some(),
        )
        .map_err(SdkError::Construction)?;
        let quirks = &client.inner.quirks;
        quirks.fix_request_path(operation, &mut serialized.path);
        if let Some(handlers) = handlers {
            let ctx = Context {
                model,
                op: operation,
            };
            handlers
                .serialized(&ctx, &mut serialized, payload.as_ref())
                .map_err(SdkError::Construction)?;
        }
        let (bucket, cached_region) = quirks.bucket_region(model, operation, &input);
        let endpoint = client.resolve_endpoint(
            handlers,
            model,
            operation,
            &input,
            cached_region.as_deref(),
        )?;
        let mut request = build_request(&serialized, &endpoint.url, &endpoint.headers)
            .map_err(SdkError::Construction)?;
        let auth = client.request_auth(model, operation, &endpoint, bucket.as_deref())?;
        let upload = customizations::upload::prepare(
            customizations::upload::UploadContext {
                model,
                op: operation,
                input: &input,
                setting: client.inner.config.request_checksum_calculation,
                signed: matches!(auth, RequestAuth::SigV4 | RequestAuth::S3Express { .. }),
                s3: quirks.is_s3(),
                declared_length: serialized.headers.get(http::header::CONTENT_LENGTH),
            },
            &request,
            payload,
        )
        .map_err(SdkError::Construction)?;
        upload.apply_headers(&mut request);
        if let Some(events) = &mut events_in {
            events.prepare(&mut request);
        }
        hooks.request("request-created", &mut request, 1);
        let discovery = client.call_discovery(model, operation, &input);
        Ok(Call {
            event_output: crate::eventstream::output_stream_member(model, operation),
            events_in,
            validation: crate::checksum::response::algorithms(model, operation, &input),
            stream_member: customizations::streaming_output_member(model, operation),
            max_body: customizations::limits::max_response_body(model, operation),
            // A cached region may be stale (the bucket moved): a redirect
            // from it is followed once and corrects the cache.
            redirected: false,
            bucket_region: cached_region,
            model,
            operation,
            hooks,
            handlers,
            notes,
            input,
            serialized,
            endpoint,
            request,
            auth,
            upload,
            bucket,
            last_error: None,
            retry_cost: None,
            discovery,
        })
    }

    /// Points the call at `region` (the bucket's, from a redirect): endpoint,
    /// auth and request are made again; the redirect is not followed twice.
    fn redirect(&mut self, client: &ClientHandle, region: &str) -> Result<(), Failure> {
        tracing::debug!(bucket = ?self.bucket, %region, "redirecting to the bucket's region");
        self.redirected = true;
        self.bucket_region = Some(region.to_string());
        self.endpoint = client.resolve_endpoint(
            self.handlers,
            self.model,
            self.operation,
            &self.input,
            Some(region),
        )?;
        self.auth = client.request_auth(
            self.model,
            self.operation,
            &self.endpoint,
            self.bucket.as_deref(),
        )?;
        self.request = build_request(&self.serialized, &self.endpoint.url, &self.endpoint.headers)
            .map_err(SdkError::Construction)?;
        self.upload.apply_headers(&mut self.request);
        if let Some(events) = &mut self.events_in {
            events.prepare(&mut self.request);
        }
        Ok(())
    }
}
