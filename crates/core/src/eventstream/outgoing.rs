//! The request side of an operation with an input event stream: the
//! events taken out of the input, the request's headers, the seed signature
//! (`STREAMING-AWS4-HMAC-SHA256-EVENTS`) and the body that sends the
//! events. The RPC protocols (json, CBOR) send the input's other members
//! first, as an `initial-request` event.

use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use http::Request;

use super::frame::{HeaderValue as EventHeader, Message};
use super::{encode_body, EncodeContext, EventStreamValue, InputFailure, CONTENT_TYPE as EVENTS};
use crate::body::SdkBody;
use crate::credentials::Credentials;
use crate::model::{Operation, Protocol, ServiceModel, ShapeId};
use crate::signing::event_stream::{EventSigner, EVENTS_PAYLOAD_HASH};
use crate::signing::{sign_payload, Payload, SigningAlgorithm, SigningOptions};
use crate::time::TimeSource;
use crate::value::Value;

/// An input event stream on its way to the request body.
pub(crate) struct OutgoingEvents {
    events: EventStreamValue,
    model: Arc<ServiceModel>,
    union: ShapeId,
    /// The serialized input sent as `initial-request` (RPC protocols).
    initial: Option<Message>,
    failure: InputFailure,
}

impl std::fmt::Debug for OutgoingEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingEvents")
            .field("union", &self.model.shape(self.union).name)
            .finish_non_exhaustive()
    }
}

/// Takes the input event stream out of `input` (member `index`), leaving
/// the member absent for the serializer. An absent stream sends no events.
pub(crate) fn take(
    model: &Arc<ServiceModel>,
    op: &Operation,
    input: &mut Value,
) -> Option<OutgoingEvents> {
    let shape = op.input?;
    let index = super::stream_member(model, shape)?;
    let union = model.shape(shape).members[index].target;
    let slot = match input {
        Value::Struct(slots) => slots.get_mut(index).map(std::mem::take),
        _ => None,
    };
    let events = match slot {
        Some(Value::EventStream(events)) => events,
        _ => EventStreamValue::input(Box::pin(futures_util::stream::empty())),
    };
    Some(OutgoingEvents {
        events,
        model: model.clone(),
        union,
        initial: None,
        failure: InputFailure::default(),
    })
}

impl OutgoingEvents {
    /// Where a failure to send is recorded (for the response's receiver).
    pub(crate) fn failure(&self) -> InputFailure {
        self.failure.clone()
    }

    /// Why sending stopped, if it did.
    pub(crate) fn failed(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Turns the serialized request into the event stream's: the RPC
    /// protocols' body becomes the `initial-request` event; the body is
    /// the event stream (`Content-Type: application/vnd.amazon.eventstream`,
    /// no length).
    pub(crate) fn prepare(&mut self, request: &mut Request<Bytes>) {
        if matches!(self.model.protocol, Protocol::Json | Protocol::RpcV2Cbor) {
            let media = request
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_string();
            self.initial = Some(
                Message::new(request.body().clone())
                    .header(":message-type", EventHeader::String("event".into()))
                    .header(":event-type", EventHeader::String("initial-request".into()))
                    .header(":content-type", EventHeader::String(media)),
            );
        }
        *request.body_mut() = Bytes::new();
        let headers = request.headers_mut();
        headers.remove(CONTENT_LENGTH);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(EVENTS));
    }

    /// Signs `request` (the seed of the events' signatures) when `signing`
    /// says so, and returns the body that sends the events. The events can
    /// be sent once: a second attempt fails.
    pub(crate) fn sign_and_body(
        &self,
        request: &mut Request<Bytes>,
        signing: Option<(&Credentials, &SigningOptions<'_>, &TimeSource)>,
    ) -> Result<SdkBody, String> {
        let signer = match signing {
            Some((_, opts, _)) if matches!(opts.algorithm, SigningAlgorithm::SigV4a { .. }) => {
                return Err(
                    "input event streams are signed with SigV4 only; SigV4a event signatures \
                     are not implemented"
                        .into(),
                )
            }
            Some((credentials, opts, clock)) => {
                let seed = sign_payload(
                    request,
                    Payload::Precomputed(EVENTS_PAYLOAD_HASH),
                    credentials,
                    opts,
                    |settings| settings.content_sha256_header = true,
                )
                .map_err(|e| format!("signing failed: {e}"))?;
                Some(EventSigner::new(
                    credentials.clone(),
                    opts.region,
                    opts.name,
                    seed,
                    clock.clone(),
                ))
            }
            None => None,
        };
        let events = self.events.take_input().ok_or(
            "the input event stream was already sent and cannot be sent again (the call \
             cannot be retried)",
        )?;
        let body = encode_body(
            events,
            EncodeContext {
                model: self.model.clone(),
                union: self.union,
                initial: self.initial.clone(),
                signer,
                failure: self.failure.clone(),
            },
        );
        Ok(SdkBody::from_stream(body, None))
    }
}
