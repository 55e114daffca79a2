//! The response stage of the pipeline: sending one attempt, reading its
//! body (or handing a streaming payload or an event stream over unread),
//! and turning a response (or a `before-call` hook's answer) into the
//! output value or the service error.

use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::Request;

use super::{ClientHandle, RawServiceError};
use crate::body::{BoxStream, SdkBody};
use crate::error::{DispatchError, ErrorMetadata, ResponseError, SdkError, ServiceError};
use crate::events::HookOutcome;
use crate::eventstream::{EventStreamError, InputFailure, RawEventReceiver, ResponseMeta};
use crate::http::BufferedResponse;
use crate::model::{Operation, Protocol, ServiceModel};
use crate::protocol::{self, Response, ServiceErrorParts};
use crate::retry::FailureKind;
use crate::value::Value;

/// How one attempt is sent and its response read.
#[derive(Debug, Clone, Copy)]
pub(super) struct SendOptions {
    /// A successful response's body is handed over unread (a streaming
    /// payload or an event stream).
    pub(super) streams_output: bool,
    /// The largest body read into memory.
    pub(super) max_body: usize,
    /// Over HTTP/2 only (input event streams).
    pub(super) http2: bool,
}

impl ClientHandle {
    /// Sends one attempt. A successful response of an operation with a
    /// streaming payload comes back with its body unread (the stream and its
    /// declared length); anything else is read whole.
    pub(super) async fn send(
        &self,
        request: Request<SdkBody>,
        how: SendOptions,
    ) -> Result<(BufferedResponse, Option<(BoxStream, Option<u64>)>), DispatchError> {
        let SendOptions {
            streams_output,
            max_body,
            http2,
        } = how;
        let response = if http2 {
            self.inner.http.send_streaming_h2(request).await?
        } else {
            self.inner.http.send_streaming(request).await?
        };
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

    /// The receiver of a successful response's output event stream (member
    /// `index` of the output). The RPC protocols' `initial-response` event
    /// is read first, into the output's other members; a failure there is
    /// the attempt's, classified for retries.
    pub(super) async fn open_events(
        &self,
        operation: &Operation,
        index: usize,
        body: BoxStream,
        meta: ResponseMeta,
        input_failure: Option<InputFailure>,
        output: &mut Value,
    ) -> Result<RawEventReceiver, (SdkError<RawServiceError>, FailureKind)> {
        let model = self.model();
        let shape = operation
            .output
            .expect("an event-stream member belongs to an output shape");
        let union = model.shape(shape).members[index].target;
        let (status, request_id) = (meta.status, meta.request_id.clone());
        let mut receiver = RawEventReceiver::new(body, model.clone(), union, meta);
        if let Some(failure) = input_failure {
            receiver.set_input_failure(failure);
        }
        if !matches!(model.protocol, Protocol::Json | Protocol::RpcV2Cbor) {
            return Ok(receiver);
        }
        let unreadable = |message: String| {
            let error = SdkError::Response(ResponseError {
                status,
                message,
                request_id: request_id.clone(),
            });
            (error, FailureKind::Permanent)
        };
        let payload = match receiver.initial_response().await {
            Ok(payload) => payload,
            Err(EventStreamError::Io(e)) => {
                let message = format!("reading the initial-response event: {e}");
                let timeout = e.kind() == std::io::ErrorKind::TimedOut;
                let error = if timeout {
                    DispatchError::timed_out(crate::error::TimeoutKind::Read, message)
                } else {
                    DispatchError::io(message)
                };
                let error = SdkError::Dispatch(error.with_source(e));
                return Err((error, FailureKind::Transport { timeout }));
            }
            Err(e) => {
                return Err(unreadable(format!(
                    "reading the initial-response event: {e}"
                )))
            }
        };
        if let Some(payload) = payload {
            let parsed = protocol::de::parse_body(model, shape, &payload)
                .map_err(|e| unreadable(format!("the initial-response event: {}", e.message)))?;
            if let (Value::Struct(slots), Value::Struct(parsed)) = (output, parsed) {
                for (i, (slot, value)) in slots.iter_mut().zip(parsed).enumerate() {
                    if i != index && !value.is_null() {
                        *slot = value;
                    }
                }
            }
        }
        Ok(receiver)
    }

    /// Turns a `before-call` outcome into the call's result.
    pub(super) fn short_circuit(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        outcome: HookOutcome,
    ) -> Result<(Value, super::ResponseMetadata), SdkError<RawServiceError>> {
        let opts = crate::convert::JsonOptions {
            check_enums: false,
            ..Default::default()
        };
        match outcome {
            HookOutcome::Return(json) => {
                // JSON cannot carry events: an `Ok` without the stream
                // would be missing data.
                if crate::eventstream::output_stream_member(model, operation).is_some() {
                    return Err(SdkError::Construction(format!(
                        "{} answers with an event stream, which a before-call handler \
                         (or Stubber) response cannot carry; answer at the transport \
                         (`before-send` or a plugged-in HTTP client) with event frames instead",
                        operation.name
                    )));
                }
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
                Ok((value, super::ResponseMetadata::answered_by_hook()))
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
    pub(super) fn handle_response(
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

pub(super) fn request_id(resp: &BufferedResponse) -> Option<String> {
    for name in ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"] {
        if let Some(v) = resp.head.headers.get(name).and_then(|v| v.to_str().ok()) {
            return Some(v.to_string());
        }
    }
    None
}

/// A body already in memory as a stream (one chunk).
pub(super) fn buffered_stream(body: &Bytes) -> BoxStream {
    let chunk = body.clone();
    Box::pin(futures_util::stream::iter(
        (!chunk.is_empty()).then_some(Ok(chunk)),
    ))
}
