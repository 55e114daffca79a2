//! The request pipeline, in botocore's stages:
//!
//! 1. **prepare params**: `provide-client-params` / `before-parameter-build`
//!    hooks, response-checksum mode, validation, `before-call` (which may
//!    answer instead of the service);
//! 2. **serialize** the request and **resolve the endpoint** and the auth
//!    scheme ([`Call::new`]);
//! 3. per **attempt** ([`ClientHandle::attempt`]): `before-sign`, the
//!    identity, signing, `before-send`, sending, and classifying the
//!    response into an [`Attempt`];
//! 4. **decide** what comes next ([`ClientHandle::decide`]): return,
//!    redirect to the bucket's region, or retry after a delay.
//!
//! Each stage is a function that returns a value; the loop in
//! [`ClientHandle::run`] only strings them together.

use std::time::Duration;

use bytes::Bytes;
use http::Request;

use super::request::build_request;
use super::response::{
    buffered_stream, is_retryable_shape, output_has_blob_payload, request_id, SendOptions,
};
use super::{ClientHandle, InvokeResult, RawServiceError, MAX_PAYLOAD_BODY, MAX_RESPONSE_BODY};
use crate::auth::RequestAuth;
use crate::checksum::ChecksumAlgorithm;
use crate::customizations::{self, upload::Upload};
use crate::endpoint_resolution::ResolvedEndpoint;
use crate::error::{DispatchErrorKind, ResponseError, SdkError, ValidationError};
use crate::events::HookOutcome;
use crate::eventstream::outgoing::{self, OutgoingEvents};
use crate::eventstream::{EventStreamValue, ResponseMeta};
use crate::hooks::Hooks;
use crate::model::{Operation, ServiceModel};
use crate::protocol::{self, SerializeOptions};
use crate::retry::{self, FailureKind};
use crate::value::Value;

type Failure = SdkError<RawServiceError>;

/// One call after its parameters were prepared: what stays the same across
/// attempts (the endpoint, request and auth change only on a redirect).
struct Call<'a> {
    model: &'a ServiceModel,
    operation: &'a Operation,
    hooks: Hooks<'a>,
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
    /// A redirect was already followed (or a cached region used).
    redirected: bool,
    /// The error that made the pipeline redirect or retry, for messages.
    last_error: Option<String>,
    /// Retry-quota tokens taken by this call's retries.
    retry_cost: Option<u32>,
}

/// How one attempt ended.
enum Attempt {
    /// The parsed output, HTTP status and request id.
    Success(Value, u16, Option<String>),
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
        model: &ServiceModel,
        operation: &Operation,
        mut input: Value,
    ) -> InvokeResult {
        let hooks = Hooks::new(&self.inner.events, &self.inner.event_name, &operation.name);
        // S3/streaming: the streamed payload travels beside the params.
        let payload = customizations::upload::take_stream_payload(model, operation, &mut input);
        if let Some(outcome) = self.prepare_params(&hooks, model, operation, &mut input)? {
            return self.short_circuit(model, operation, outcome);
        }
        // Input event streams travel beside the params too.
        let events = outgoing::take(self.model(), operation, &mut input);
        let mut call = Call::new(self, hooks, model, operation, input, (payload, events))?;
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempts", attempt);
            let outcome = self.attempt(&mut call, attempt).await?;
            match self.decide(&mut call, attempt, outcome)? {
                Next::Return(result) => return result,
                Next::Redirect(region) => call.redirect(self, &region)?,
                Next::Retry(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Stage 1: parameter hooks, the response-checksum mode member and
    /// validation. `Some` when a hook answered instead of the service.
    fn prepare_params(
        &self,
        hooks: &Hooks<'_>,
        model: &ServiceModel,
        operation: &Operation,
        input: &mut Value,
    ) -> Result<Option<HookOutcome>, Failure> {
        let Some(shape) = operation.input else {
            return Ok(None);
        };
        for kind in ["provide-client-params", "before-parameter-build"] {
            if let Some(outcome) = hooks.params(kind, model, shape, input)? {
                return Ok(Some(outcome));
            }
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

    /// The endpoint of a call, in `region` instead of the client's when given.
    fn resolve_endpoint(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        input: &Value,
        region: Option<&str>,
    ) -> Result<ResolvedEndpoint, Failure> {
        let endpoint = &self.inner.endpoint;
        match region {
            Some(r) => endpoint.resolve_in_region(model, operation, input, r),
            None => endpoint.resolve(model, operation, input),
        }
        .map_err(SdkError::Construction)
    }

    /// Stage 3: one attempt, from signing to a classified outcome.
    async fn attempt(&self, call: &mut Call<'_>, attempt: u32) -> Result<Attempt, Failure> {
        let mut request = call.request.clone();
        call.hooks.request("before-sign", &mut request, attempt);
        let identity = self.identity(&call.auth).await?;
        let body = self
            .sign(
                call.model,
                call.operation,
                &call.endpoint,
                &call.auth,
                identity,
                (&call.upload, call.events_in.as_ref()),
                &mut request,
            )
            .map_err(|e| match &call.last_error {
                Some(previous) => SdkError::Construction(format!("{e} (after: {previous})")),
                None => SdkError::Construction(e),
            })?;
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
                    DispatchErrorKind::Timeout => FailureKind::Timeout,
                    DispatchErrorKind::Connect | DispatchErrorKind::Io => FailureKind::Connection,
                    DispatchErrorKind::Unsupported => FailureKind::Permanent,
                };
                return Ok(Attempt::Failure {
                    error: SdkError::Dispatch(dispatch),
                    kind,
                    redirect: None,
                });
            }
        };
        let (model, operation) = (call.model, call.operation);
        let quirks = &self.inner.quirks;
        let status = response.head.status.as_u16();
        tracing::Span::current().record("status", status);
        if stream.is_none() {
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
                let request_id = request_id(&response);
                if let Some(r) = &request_id {
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
                            request_id: request_id.clone(),
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
                return Ok(Attempt::Success(value, status, request_id));
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
        let kind = retry::classify(
            service.code(),
            service.status(),
            service
                .kind()
                .shape
                .as_deref()
                .is_some_and(|n| is_retryable_shape(model, n)),
        );
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
            });
        Ok(Attempt::Failure {
            error,
            kind,
            redirect,
        })
    }

    /// Stage 4: what comes after an attempt.
    fn decide(&self, call: &mut Call<'_>, attempt: u32, outcome: Attempt) -> Result<Next, Failure> {
        let (error, kind) = match outcome {
            Attempt::Success(value, status, request_id) => {
                if self.inner.retry.uses_quota() {
                    self.inner.quota.release(call.retry_cost);
                }
                tracing::debug!(status, "call succeeded");
                return Ok(Next::Return(Ok((value, status, request_id))));
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
        let delay = match call.hooks.needs_retry(&error, attempt) {
            Some(HookOutcome::Retry(delay)) => Some(delay),
            Some(HookOutcome::NoRetry) => None,
            _ => self.retry_delay(call, attempt, kind),
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
    /// (and, in standard mode, the retry quota pays for it).
    fn retry_delay(
        &self,
        call: &mut Call<'_>,
        attempt: u32,
        kind: FailureKind,
    ) -> Option<Duration> {
        let retry = &self.inner.retry;
        if !retry.should_retry(attempt, kind) {
            return None;
        }
        if retry.uses_quota() {
            let Some(cost) = self.inner.quota.acquire(kind) else {
                tracing::debug!(attempt, "retry quota exhausted");
                return None;
            };
            call.retry_cost = Some(call.retry_cost.unwrap_or(0) + cost);
        }
        Some(retry.backoff(attempt))
    }
}

impl<'a> Call<'a> {
    /// Stage 2: serializes the request, resolves the endpoint (in the
    /// bucket's known region, if a redirect taught us one) and the auth
    /// scheme, and decides how the body is sent.
    fn new(
        client: &ClientHandle,
        hooks: Hooks<'a>,
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
        let quirks = &client.inner.quirks;
        quirks.fix_request_path(operation, &mut serialized.path);
        let (bucket, cached_region) = quirks.bucket_region(model, operation, &input);
        let endpoint =
            client.resolve_endpoint(model, operation, &input, cached_region.as_deref())?;
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
        Ok(Call {
            event_output: crate::eventstream::output_stream_member(model, operation),
            events_in,
            validation: crate::checksum::response::algorithms(model, operation, &input),
            stream_member: customizations::streaming_output_member(model, operation),
            max_body: if output_has_blob_payload(model, operation) {
                MAX_PAYLOAD_BODY
            } else {
                MAX_RESPONSE_BODY
            },
            redirected: cached_region.is_some(),
            model,
            operation,
            hooks,
            input,
            serialized,
            endpoint,
            request,
            auth,
            upload,
            bucket,
            last_error: None,
            retry_cost: None,
        })
    }

    /// Points the call at `region` (the bucket's, from a redirect): endpoint,
    /// auth and request are made again; the redirect is not followed twice.
    fn redirect(&mut self, client: &ClientHandle, region: &str) -> Result<(), Failure> {
        tracing::debug!(bucket = ?self.bucket, %region, "redirecting to the bucket's region");
        self.redirected = true;
        self.endpoint =
            client.resolve_endpoint(self.model, self.operation, &self.input, Some(region))?;
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
