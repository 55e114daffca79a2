//! Received messages read as the model describes them, as botocore's
//! `BaseEventStreamParser`: `:message-type` says whether a message is an
//! event, a modeled exception or an error; `:event-type` /
//! `:exception-type` name the member of the stream's union; the event
//! shape's `eventheader` members come from headers of their name, its
//! `eventpayload` member is the whole payload (bytes for a blob, text for a
//! string, else a body), and without one the payload is the event's body in
//! the protocol's format (JSON, XML or CBOR).

use bytes::Bytes;

use super::error::EventStreamError;
use super::frame::{HeaderValue, Message};
use crate::client::RawServiceError;
use crate::error::{ErrorMetadata, ServiceError};
use crate::model::{Member, ServiceModel, ShapeId, ShapeKind};
use crate::protocol::de::parse_body;
use crate::time::DateTime;
use crate::value::Value;

/// A message read as one of the stream's events.
#[derive(Debug)]
pub(crate) enum Decoded {
    /// A modeled event: the union value with one member set.
    Event(Value),
    /// An event type the model does not know.
    Unknown(String),
}

/// What a stream's errors carry besides the message: the response's
/// status and request id.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResponseMeta {
    /// The HTTP status of the response carrying the stream.
    pub(crate) status: u16,
    /// Its request id.
    pub(crate) request_id: Option<String>,
}

type RawError = EventStreamError<RawServiceError>;

/// Reads `message` as an event of the union `union`.
pub(crate) fn read_message(
    model: &ServiceModel,
    union: ShapeId,
    message: &Message,
    meta: &ResponseMeta,
) -> Result<Decoded, RawError> {
    let union_shape = model.shape(union);
    match message.get_str(":message-type") {
        Some("event") => {
            let event_type = message
                .get_str(":event-type")
                .ok_or_else(|| parse_error("an event message without :event-type"))?;
            let Some(index) = union_shape.member_index(event_type) else {
                return Ok(Decoded::Unknown(event_type.to_string()));
            };
            let member = &union_shape.members[index];
            let value = read_event(model, member.target, message)
                .map_err(|e| parse_error(format!("event {event_type}: {e}")))?;
            let mut slots = vec![Value::Null; union_shape.members.len()];
            slots[index] = value;
            Ok(Decoded::Event(Value::Struct(slots)))
        }
        Some("exception") => {
            let exception_type = message
                .get_str(":exception-type")
                .ok_or_else(|| parse_error("an exception message without :exception-type"))?;
            let member = union_shape
                .member_index(exception_type)
                .map(|i| &union_shape.members[i]);
            let Some(member) = member else {
                return Err(EventStreamError::Error {
                    code: exception_type.to_string(),
                    message: message_text(&message.payload),
                });
            };
            let value = read_event(model, member.target, message)
                .map_err(|e| parse_error(format!("exception {exception_type}: {e}")))?;
            let text = exception_message(model, member.target, &value)
                .or_else(|| message_text(&message.payload));
            Err(EventStreamError::Exception(Box::new(ServiceError::new(
                RawServiceError {
                    shape: Some(model.shape(member.target).name.clone()),
                    value,
                },
                ErrorMetadata {
                    code: exception_type.to_string(),
                    message: text,
                    request_id: meta.request_id.clone(),
                    status: meta.status,
                },
            ))))
        }
        Some("error") => Err(EventStreamError::Error {
            code: message
                .get_str(":error-code")
                .unwrap_or("Unknown")
                .to_string(),
            message: message.get_str(":error-message").map(str::to_string),
        }),
        Some(other) => Err(parse_error(format!("unknown :message-type {other:?}"))),
        None => Err(parse_error("a message without :message-type")),
    }
}

fn parse_error(message: impl Into<String>) -> RawError {
    EventStreamError::Parse(message.into())
}

/// An event (or exception) structure from a message's headers and payload.
pub(crate) fn read_event(
    model: &ServiceModel,
    shape: ShapeId,
    message: &Message,
) -> Result<Value, String> {
    let s = model.shape(shape);
    if s.kind != ShapeKind::Structure {
        // Not an event structure: the payload is the member's value.
        return payload_value(model, shape, &message.payload);
    }
    let payload_member = s.members.iter().position(|m| m.event_payload);
    let mut slots = match payload_member {
        Some(i) => {
            let mut slots = vec![Value::Null; s.members.len()];
            slots[i] = payload_value(model, s.members[i].target, &message.payload)?;
            slots
        }
        None if s.members.iter().any(|m| !m.event_header) => {
            match parse_body(model, shape, &message.payload).map_err(|e| e.message)? {
                Value::Struct(slots) => slots,
                _ => vec![Value::Null; s.members.len()],
            }
        }
        None => vec![Value::Null; s.members.len()],
    };
    for (slot, m) in slots.iter_mut().zip(&s.members) {
        if m.event_header {
            *slot = match message.get(&m.name) {
                Some(h) => header_value(model, m, h)?,
                None => Value::Null,
            };
        }
    }
    Ok(Value::Struct(slots))
}

/// The whole payload as a value of `shape`.
fn payload_value(model: &ServiceModel, shape: ShapeId, payload: &Bytes) -> Result<Value, String> {
    match model.shape(shape).kind {
        ShapeKind::Blob => Ok(Value::blob(payload.clone())),
        ShapeKind::String => std::str::from_utf8(payload)
            .map(|s| Value::String(s.to_string()))
            .map_err(|_| "a string payload that is not UTF-8".to_string()),
        ShapeKind::Structure => parse_body(model, shape, payload).map_err(|e| e.message),
        other => Err(format!("a payload of unsupported type {other:?}")),
    }
}

/// An `eventheader` member from its header.
fn header_value(
    model: &ServiceModel,
    member: &Member,
    value: &HeaderValue,
) -> Result<Value, String> {
    let kind = model.shape(member.target).kind;
    let wrong = || {
        format!(
            "header {} has type {} where the model wants {kind:?}",
            member.name,
            value.type_byte()
        )
    };
    Ok(match (kind, value) {
        (ShapeKind::String, HeaderValue::String(s)) => Value::String(s.clone()),
        (ShapeKind::Blob, HeaderValue::Bytes(b)) => Value::blob(b.clone()),
        (ShapeKind::Blob, HeaderValue::String(s)) => Value::blob(Bytes::from(s.clone())),
        (ShapeKind::Boolean, HeaderValue::Bool(b)) => Value::Bool(*b),
        (
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long,
            HeaderValue::Byte(_)
            | HeaderValue::Int16(_)
            | HeaderValue::Int32(_)
            | HeaderValue::Int64(_),
        ) => Value::Integer(header_integer(value)),
        (ShapeKind::Timestamp, HeaderValue::Timestamp(ms) | HeaderValue::Int64(ms)) => {
            Value::Timestamp(from_millis(*ms))
        }
        _ => return Err(wrong()),
    })
}

fn header_integer(value: &HeaderValue) -> i64 {
    match value {
        HeaderValue::Byte(v) => i64::from(*v),
        HeaderValue::Int16(v) => i64::from(*v),
        HeaderValue::Int32(v) => i64::from(*v),
        HeaderValue::Int64(v) => *v,
        _ => 0,
    }
}

/// A header timestamp (milliseconds since the epoch) as a [`DateTime`].
pub(crate) fn from_millis(ms: i64) -> DateTime {
    DateTime::from_secs_and_nanos(
        ms.div_euclid(1000),
        (ms.rem_euclid(1000) * 1_000_000) as u32,
    )
}

/// The `message` / `Message` member of a parsed exception.
fn exception_message(model: &ServiceModel, shape: ShapeId, value: &Value) -> Option<String> {
    let s = model.shape(shape);
    let slots = value.as_struct()?;
    s.members
        .iter()
        .zip(slots)
        .find(|(m, _)| m.name.eq_ignore_ascii_case("message"))
        .and_then(|(_, v)| v.as_str().map(str::to_string))
}

/// `message` / `Message` of a JSON payload, for exceptions the model does
/// not describe.
fn message_text(payload: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(payload).ok()?;
    json.get("message")
        .or_else(|| json.get("Message"))
        .and_then(|m| m.as_str())
        .map(str::to_string)
}
