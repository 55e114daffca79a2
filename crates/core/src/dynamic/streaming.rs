//! Streams on the dynamic path: [`ClientHandle::call_stream`] returns an
//! output's event stream as a stream of JSON events ([`JsonEventReceiver`])
//! and its streaming blob (S3 `GetObject`'s `Body`) as a [`ByteStream`];
//! [`ClientHandle::call_stream_with_input`] also sends JSON events.
//! [`ClientHandle::call_json`] collects a streaming blob up to
//! [`MAX_COLLECTED_BODY`] and refuses event streams, so it never returns
//! `null` where data was.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_util::{Stream, StreamExt};
use serde_json::Value as Json;

use super::DynamicError;
use crate::body::ByteStream;
use crate::client::{ClientHandle, RawServiceError, ResponseMetadata};
use crate::convert::{self, JsonOptions};
use crate::error::{ResponseError, SdkError, ValidationError};
use crate::eventstream::{EventStreamError, EventStreamValue, RawEvent, RawEventReceiver};
use crate::json_call::output_options;
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

/// The largest streaming blob (S3 `GetObject`'s `Body`) that
/// [`ClientHandle::call_json`] reads into its JSON output (base64): 64 MiB.
/// Larger bodies are an error there; read them with
/// [`ClientHandle::call_stream`].
pub const MAX_COLLECTED_BODY: usize = 64 << 20;

/// What [`ClientHandle::call_stream`] returns.
#[derive(Debug)]
pub struct StreamingOutput {
    /// The output's members as JSON, without its event stream or
    /// streaming blob.
    pub output: Json,
    /// The output's event stream, for operations that have one.
    pub events: Option<JsonEventReceiver>,
    /// The output's streaming blob (S3 `GetObject`'s `Body`), for
    /// operations that have one.
    pub body: Option<ByteStream>,
}

/// The events of an output event stream as JSON: `{"<Event>": {...}}` per
/// event (the union with its one member, as `call_json` writes outputs), or
/// `{"Unknown": {"EventType": "<:event-type>"}}` for event types the model
/// does not know. Modeled exception events end it with
/// [`EventStreamError::Exception`] carrying the exception's members.
#[derive(Debug)]
pub struct JsonEventReceiver {
    raw: Option<RawEventReceiver>,
}

impl JsonEventReceiver {
    /// The next event; `Ok(None)` at the end (and after an error).
    pub async fn recv(&mut self) -> Result<Option<Json>, EventStreamError<DynamicError>> {
        std::future::poll_fn(|cx| self.poll_recv(cx))
            .await
            .transpose()
    }

    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Json, EventStreamError<DynamicError>>>> {
        let Some(raw) = self.raw.as_mut() else {
            return Poll::Ready(None);
        };
        let model = raw.model().clone();
        let union = raw.union_shape();
        let event = match ready!(raw.poll_event(cx)) {
            None => {
                self.raw = None;
                return Poll::Ready(None);
            }
            Some(Err(e)) => {
                self.raw = None;
                return Poll::Ready(Some(Err(e.map_exception(|raw| dynamic_error(&model, raw)))));
            }
            Some(Ok(event)) => event,
        };
        Poll::Ready(Some(Ok(match event {
            RawEvent::Event(value) => convert::into_json(&model, union, value, output_options()),
            RawEvent::Unknown(name) => serde_json::json!({"Unknown": {"EventType": name}}),
        })))
    }
}

impl Stream for JsonEventReceiver {
    type Item = Result<Json, EventStreamError<DynamicError>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx)
    }
}

/// A raw service error on the dynamic path: the exception's name and
/// members as JSON.
pub(super) fn dynamic_error(model: &ServiceModel, raw: RawServiceError) -> DynamicError {
    let members = match raw.shape.as_deref().and_then(|n| model.shape_id(n)) {
        Some(id) => convert::to_json(model, id, &raw.value, JsonOptions::default()),
        None => Json::Null,
    };
    DynamicError {
        exception: raw.shape,
        members,
    }
}

/// Refuses, before anything is sent, an operation whose event streams
/// `call_json` cannot carry.
pub(super) fn refuse_event_streams(
    model: &ServiceModel,
    op: &Operation,
) -> Result<(), SdkError<DynamicError>> {
    let problem = if crate::eventstream::input_stream_member(model, op).is_some() {
        format!(
            "{} sends an input event stream, which JSON parameters cannot carry: use \
             `call_stream_with_input`",
            op.name
        )
    } else if crate::eventstream::output_stream_member(model, op).is_some() {
        format!(
            "{} returns an event stream, which a JSON result cannot carry: use `call_stream`",
            op.name
        )
    } else {
        return Ok(());
    };
    Err(SdkError::Validation(ValidationError {
        operation: op.name.clone(),
        problems: vec![problem],
    }))
}

/// Reads a streaming blob in `output` (a top-level member) into memory,
/// up to [`MAX_COLLECTED_BODY`], so it is written as base64 JSON.
pub(super) async fn collect_bodies(
    op: &Operation,
    output: &mut Value,
    metadata: &ResponseMetadata,
) -> Result<(), SdkError<DynamicError>> {
    let (status, request_id) = (metadata.http_status_code, metadata.request_id.as_deref());
    let Value::Struct(slots) = output else {
        return Ok(());
    };
    for slot in slots.iter_mut() {
        let Value::Stream(body) = slot else {
            continue;
        };
        let too_large = || {
            SdkError::Response(ResponseError {
                status,
                message: format!(
                    "{}'s streaming body is larger than the {MAX_COLLECTED_BODY} bytes `call` \
                     reads into JSON: use `call_stream` to read it as a stream",
                    op.name
                ),
                request_id: request_id.map(str::to_string),
            })
        };
        if body.len().is_some_and(|n| n > MAX_COLLECTED_BODY as u64) {
            return Err(too_large());
        }
        let mut stream = body
            .try_clone_stream()
            .map_err(|e| read_failed(op, e, status, request_id))?;
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| read_failed(op, e, status, request_id))?;
            if out.len() + chunk.len() > MAX_COLLECTED_BODY {
                return Err(too_large());
            }
            out.extend_from_slice(&chunk);
        }
        *slot = Value::blob(out.freeze());
    }
    Ok(())
}

fn read_failed(
    op: &Operation,
    e: std::io::Error,
    status: u16,
    request_id: Option<&str>,
) -> SdkError<DynamicError> {
    SdkError::Response(ResponseError {
        status,
        message: format!("reading {}'s streaming body: {e}", op.name),
        request_id: request_id.map(str::to_string),
    })
}

impl ClientHandle {
    /// Calls `operation` with JSON parameters like
    /// [`call_json`](Self::call_json), returning its event stream as JSON
    /// events and its streaming blob as a [`ByteStream`], unread.
    pub async fn call_stream(
        &self,
        operation: &str,
        params: Json,
    ) -> Result<StreamingOutput, SdkError<DynamicError>> {
        self.call_streams(operation, params, None).await
    }

    /// [`call_stream`](Self::call_stream) for an operation with an input
    /// event stream: `events` are its events as JSON, each the union with
    /// one member (`{"AudioEvent": {"AudioChunk": "<base64>"}}`). An event
    /// that does not convert ends the request with an error.
    pub async fn call_stream_with_input(
        &self,
        operation: &str,
        params: Json,
        events: impl Stream<Item = Json> + Send + 'static,
    ) -> Result<StreamingOutput, SdkError<DynamicError>> {
        self.call_streams(operation, params, Some(Box::pin(events)))
            .await
    }

    async fn call_streams(
        &self,
        operation: &str,
        params: Json,
        events: Option<Pin<Box<dyn Stream<Item = Json> + Send + 'static>>>,
    ) -> Result<StreamingOutput, SdkError<DynamicError>> {
        let model = self.model().clone();
        let (op_index, mut input) = self.dynamic_input(operation, params)?;
        let op = &model.operations[op_index];
        match (crate::eventstream::input_stream_member(&model, op), events) {
            (Some(index), Some(events)) => {
                let union = model.shape(op.input.unwrap_or_default()).members[index].target;
                let conversion_model = model.clone();
                let values = events.map(move |json| {
                    convert::from_json(&conversion_model, union, &json, JsonOptions::default())
                        .map_err(|e| format!("an input event: {e}"))
                });
                if let Value::Struct(slots) = &mut input {
                    slots[index] = Value::EventStream(EventStreamValue::input(Box::pin(values)));
                }
            }
            (None, Some(_)) => {
                return Err(SdkError::Validation(ValidationError {
                    operation: op.name.clone(),
                    problems: vec![format!("{} takes no input event stream", op.name)],
                }))
            }
            (_, None) => {}
        }
        let (mut out, metadata) = self
            .invoke(op_index, input)
            .await
            .map_err(|e| e.map_service(|raw| dynamic_error(&model, raw)))?;
        let mut result = StreamingOutput {
            output: Json::Null,
            events: None,
            body: None,
        };
        if let Value::Struct(slots) = &mut out {
            for slot in slots.iter_mut() {
                match std::mem::take(slot) {
                    Value::Stream(body) => result.body = Some(body),
                    Value::EventStream(events) => {
                        result.events = Some(JsonEventReceiver {
                            raw: events.take_receiver(),
                        })
                    }
                    other => *slot = other,
                }
            }
        }
        result.output = match op.output {
            Some(shape) => convert::into_json(&model, shape, out, output_options()),
            None => Json::Object(Default::default()),
        };
        add_response_metadata(&mut result.output, &metadata);
        Ok(result)
    }
}

/// Adds boto3's `ResponseMetadata` key to a JSON output (an output that is
/// not an object, which no model produces, is left alone; a hook's answer
/// is returned as the hook gave it, as botocore's `Stubber` does).
pub(super) fn add_response_metadata(output: &mut Json, metadata: &ResponseMetadata) {
    if metadata.answered_by_hook {
        return;
    }
    if output.is_null() {
        *output = Json::Object(Default::default());
    }
    if let Json::Object(map) = output {
        map.insert("ResponseMetadata".into(), metadata.to_json());
    }
}
