//! Input events written as messages, the reverse of [`super::unmarshal`]:
//! `:message-type` `event`, `:event-type` the union member's name, the
//! event's `eventheader` members as headers of their names, and the payload
//! (the `eventpayload` member as bytes, text or a body, else the event's
//! other members as a body in the protocol's format) with its
//! `:content-type`.

use bytes::Bytes;

use super::frame::{HeaderValue, Message};
use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ser::event_body;
use crate::value::Value;

/// The message for `value`, a union value of `union` with one member set.
pub(crate) fn event_message(
    model: &ServiceModel,
    union: ShapeId,
    value: &Value,
) -> Result<Message, String> {
    let union_shape = model.shape(union);
    let slots = value.as_struct().ok_or_else(|| {
        format!(
            "an input event of {} must be one of its events (an `Unknown` event cannot be sent)",
            union_shape.name
        )
    })?;
    let mut set = slots.iter().enumerate().filter(|(_, v)| !v.is_null());
    let (index, event) = match (set.next(), set.next()) {
        (Some(one), None) => one,
        (None, _) => {
            return Err(format!(
                "an input event of {} has no member set (an `Unknown` event cannot be sent)",
                union_shape.name
            ))
        }
        (Some(_), Some(_)) => {
            return Err(format!(
                "an input event of {} has more than one member set",
                union_shape.name
            ))
        }
    };
    let member = union_shape
        .members
        .get(index)
        .ok_or("an input event has more members than its union")?;
    let message = Message::new(Bytes::new())
        .header(":message-type", HeaderValue::String("event".into()))
        .header(":event-type", HeaderValue::String(member.name.clone()));
    write_event(model, member.target, event, message)
        .map_err(|e| format!("event {}: {e}", member.name))
}

/// Fills `message` with the headers and payload of event `value` of
/// `shape`.
pub(crate) fn write_event(
    model: &ServiceModel,
    shape: ShapeId,
    value: &Value,
    mut message: Message,
) -> Result<Message, String> {
    let s = model.shape(shape);
    let slots = value.as_struct().ok_or("an event must be a structure")?;
    let mut body_slots = Vec::with_capacity(slots.len());
    let mut payload = None;
    for (m, v) in s.members.iter().zip(slots) {
        if m.event_header {
            if !v.is_null() {
                let kind = model.shape(m.target).kind;
                message = message.header(m.name.clone(), header_value(kind, v, &m.name)?);
            }
            body_slots.push(Value::Null);
        } else if m.event_payload {
            payload = Some((m.target, v));
            body_slots.push(Value::Null);
        } else {
            body_slots.push(v.clone());
        }
    }
    let (bytes, content_type) = match payload {
        Some((_, Value::Null)) => (Bytes::new(), None),
        Some((target, v)) => match (model.shape(target).kind, v) {
            (ShapeKind::Blob, Value::Blob(b)) => {
                (Bytes::clone(b), Some("application/octet-stream"))
            }
            (ShapeKind::Blob, Value::String(t)) => {
                (Bytes::from(t.clone()), Some("application/octet-stream"))
            }
            (ShapeKind::String, Value::String(t)) => (Bytes::from(t.clone()), Some("text/plain")),
            (ShapeKind::Structure, v) => {
                let (b, media) = event_body(model, target, v).map_err(|e| e.message)?;
                (b, Some(media))
            }
            (kind, v) => {
                return Err(format!(
                    "a {} where the payload's model wants {kind:?}",
                    v.kind_name()
                ))
            }
        },
        None if s.members.iter().any(|m| !m.event_header) => {
            let (b, media) =
                event_body(model, shape, &Value::Struct(body_slots)).map_err(|e| e.message)?;
            (b, Some(media))
        }
        None => (Bytes::new(), None),
    };
    if let Some(media) = content_type {
        message = message.header(":content-type", HeaderValue::String(media.into()));
    }
    message.payload = bytes;
    Ok(message)
}

/// An `eventheader` member's value as a header of the model's type.
fn header_value(kind: ShapeKind, value: &Value, name: &str) -> Result<HeaderValue, String> {
    Ok(match (kind, value) {
        (ShapeKind::String, Value::String(s)) => HeaderValue::String(s.clone()),
        (ShapeKind::Blob, Value::Blob(b)) => HeaderValue::Bytes(Bytes::clone(b)),
        (ShapeKind::Blob, Value::String(s)) => HeaderValue::Bytes(Bytes::from(s.clone())),
        (ShapeKind::Boolean, Value::Bool(b)) => HeaderValue::Bool(*b),
        (ShapeKind::Byte, Value::Integer(n)) => HeaderValue::Byte(narrow(*n, name)?),
        (ShapeKind::Short, Value::Integer(n)) => HeaderValue::Int16(narrow(*n, name)?),
        (ShapeKind::Integer, Value::Integer(n)) => HeaderValue::Int32(narrow(*n, name)?),
        (ShapeKind::Long, Value::Integer(n)) => HeaderValue::Int64(*n),
        (ShapeKind::Timestamp, Value::Timestamp(t)) => HeaderValue::Timestamp(
            t.secs()
                .saturating_mul(1000)
                .saturating_add(i64::from(t.subsec_nanos() / 1_000_000)),
        ),
        (kind, v) => {
            return Err(format!(
                "header {name}: a {} where the model wants {kind:?}",
                v.kind_name()
            ))
        }
    })
}

fn narrow<T: TryFrom<i64>>(n: i64, name: &str) -> Result<T, String> {
    T::try_from(n).map_err(|_| format!("header {name}: {n} is out of range"))
}
