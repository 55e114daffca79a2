//! Event streams (`application/vnd.amazon.eventstream`), in both
//! directions, for every protocol that has them (rest-json, rest-xml, json,
//! smithy-rpc-v2-cbor), driven by the model's `eventstream`, `event`,
//! `eventpayload` and `eventheader` traits.
//!
//! * [`frame`]: one message's binary framing, both CRC32s checked, every
//!   header type, lengths capped ([`frame::MAX_FRAME_LEN`],
//!   [`frame::MAX_HEADERS_LEN`]); [`decoder`]: messages out of a body that
//!   arrives in pieces, holding at most one frame.
//! * Output: the pipeline hands a successful response's body to a
//!   [`RawEventReceiver`] (after reading the RPC protocols'
//!   `initial-response` into the output's other members);
//!   [`EventReceiver<T>`] types its events with the generated enum `T`
//!   ([`EventUnion`]). Exception events end the stream with
//!   [`EventStreamError::Exception`].
//! * Input: a caller puts an [`EventStreamInput<T>`] (any stream of typed
//!   events) in the input; the pipeline writes each event as a message,
//!   signs it with the chained SigV4 event signature
//!   ([`crate::signing::event_stream`]) and sends the frames as the request
//!   body, over HTTP/2 ([`HTTP2_NEEDS_FEATURE`] without the `http2`
//!   feature).
//!
//! Both travel through the pipeline inside a [`Value::EventStream`].

pub mod decoder;
mod error;
pub mod frame;
mod marshal;
pub(crate) mod outgoing;
mod receiver;
mod sender;
#[cfg(test)]
mod tests;
mod unmarshal;

use std::fmt;
use std::sync::{Arc, Mutex};

pub use error::EventStreamError;
pub use frame::{FrameError, Header, HeaderValue, Message};
pub use futures_util::Stream;
pub use receiver::{EventReceiver, RawEvent, RawEventReceiver};
pub use sender::EventStreamInput;

pub(crate) use receiver::InputFailure;
pub(crate) use sender::{encode_body, EncodeContext, InputEvents};
pub(crate) use unmarshal::ResponseMeta;

use crate::error::OperationError;
use crate::model::{Operation, ServiceModel, ShapeId};
use crate::value::{ConversionError, FromValue, Value};

/// Why an operation with an input event stream cannot be called in a build
/// without HTTP/2.
pub const HTTP2_NEEDS_FEATURE: &str = "this operation sends an input event stream, which AWS \
     serves over HTTP/2 only: enable the `http2` cargo feature of myaws-core (or of the \
     service crate)";

/// The media type of event-stream bodies.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// Implemented by the generated enum of a stream's events: one variant per
/// event member of the union, read from the union value with
/// [`FromValue`] (see [`union_member`]), and `Unknown` for event types the
/// model does not know.
pub trait EventUnion: FromValue + Send + 'static {
    /// The typed error of the stream's modeled exception events.
    type Error: OperationError;

    /// The event for an `:event-type` the model does not know.
    fn unknown(event_type: String) -> Self;
}

/// The member set in a union value: its index and value (for generated
/// `FromValue` impls of event enums).
pub fn union_member(value: Value) -> Result<(usize, Value), ConversionError> {
    match value {
        Value::Struct(slots) => slots
            .into_iter()
            .enumerate()
            .find(|(_, v)| !v.is_null())
            .ok_or_else(|| ConversionError {
                message: "an event with no member set".into(),
            }),
        other => Err(ConversionError::expected("event", &other)),
    }
}

/// Reads one received message as an event of the union `union` (what a
/// receiver does with each message): an event, an unknown event type, or
/// the error an exception or error message stands for.
pub fn read_event(
    model: &ServiceModel,
    union: ShapeId,
    message: &Message,
) -> Result<RawEvent, EventStreamError<crate::client::RawServiceError>> {
    match unmarshal::read_message(model, union, message, &ResponseMeta::default())? {
        unmarshal::Decoded::Event(value) => Ok(RawEvent::Event(value)),
        unmarshal::Decoded::Unknown(name) => Ok(RawEvent::Unknown(name)),
    }
}

/// The error of a generated `FromValue` impl given a union member that is
/// not one of its events.
pub fn not_an_event(union: &str, member: usize) -> ConversionError {
    ConversionError {
        message: format!("member {member} of {union} is not an event"),
    }
}

/// A union value of `len` members with member `index` set to `value` (for
/// generated `IntoValue` impls of event enums).
pub fn union_value(len: usize, index: usize, value: Value) -> Value {
    let mut slots = vec![Value::Null; len];
    if let Some(slot) = slots.get_mut(index) {
        *slot = value;
    }
    Value::Struct(slots)
}

/// The index of the member of `shape` whose target is an event stream.
pub fn stream_member(model: &ServiceModel, shape: ShapeId) -> Option<usize> {
    model
        .shape(shape)
        .members
        .iter()
        .position(|m| model.shape(m.target).event_stream)
}

/// The output member of `op` that is an event stream, if any.
pub fn output_stream_member(model: &ServiceModel, op: &Operation) -> Option<usize> {
    stream_member(model, op.output?)
}

/// The input member of `op` that is an event stream, if any.
pub fn input_stream_member(model: &ServiceModel, op: &Operation) -> Option<usize> {
    stream_member(model, op.input?)
}

/// Fails when an operation needs HTTP/2 (`required`) and this build has
/// none (`available`).
pub fn check_http2(required: bool, available: bool) -> Result<(), &'static str> {
    if required && !available {
        Err(HTTP2_NEEDS_FEATURE)
    } else {
        Ok(())
    }
}

/// An event stream inside a [`Value`]: an output's receiver on its way to
/// the typed output, or an input's events on their way to the request body.
/// Clones share it; it is taken once. Compares by identity.
#[derive(Clone)]
pub struct EventStreamValue(Arc<Mutex<Source>>);

enum Source {
    Output(RawEventReceiver),
    Input(InputEvents),
    Taken,
}

impl EventStreamValue {
    /// An output's events.
    pub(crate) fn output(receiver: RawEventReceiver) -> Self {
        EventStreamValue(Arc::new(Mutex::new(Source::Output(receiver))))
    }

    /// An input's events.
    pub(crate) fn input(events: InputEvents) -> Self {
        EventStreamValue(Arc::new(Mutex::new(Source::Input(events))))
    }

    fn take(&self) -> Source {
        std::mem::replace(
            &mut *self.0.lock().unwrap_or_else(|e| e.into_inner()),
            Source::Taken,
        )
    }

    /// The output's receiver, unless it was taken or this is an input.
    pub fn take_receiver(&self) -> Option<RawEventReceiver> {
        match self.take() {
            Source::Output(r) => Some(r),
            other => {
                *self.0.lock().unwrap_or_else(|e| e.into_inner()) = other;
                None
            }
        }
    }

    /// The input's events, unless they were taken or this is an output.
    pub(crate) fn take_input(&self) -> Option<InputEvents> {
        match self.take() {
            Source::Input(events) => Some(events),
            other => {
                *self.0.lock().unwrap_or_else(|e| e.into_inner()) = other;
                None
            }
        }
    }
}

impl PartialEq for EventStreamValue {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for EventStreamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &*self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            Source::Output(_) => "output",
            Source::Input(_) => "input",
            Source::Taken => "taken",
        };
        write!(f, "EventStream({what})")
    }
}

impl<T: EventUnion> FromValue for EventReceiver<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::EventStream(stream) => stream
                .take_receiver()
                .map(EventReceiver::new)
                .ok_or_else(|| ConversionError {
                    message: "the event stream was already taken".into(),
                }),
            other => Err(ConversionError::expected("event stream", &other)),
        }
    }
}
