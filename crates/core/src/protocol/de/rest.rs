//! HTTP bindings of the REST protocols (rest-json, rest-xml), like botocore's
//! `BaseRestParser`: members bound to headers, prefixed header maps and the
//! status code, plus the body, which is either the `payload` member or the
//! structure's remaining members.

use bytes::Bytes;

use super::headers::{header_text, member_from_header, prefixed_map};
use super::json::JsonReader;
use super::xml::XmlReader;
use super::xml_tree::TreeReader;
use super::{ProtocolError, Response};
use crate::model::{Location, ServiceModel, ShapeId, ShapeKind};
use crate::value::Value;

/// The body format of a REST protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    /// rest-json.
    Json,
    /// rest-xml.
    Xml,
}

impl BodyFormat {
    /// `body` parsed as shape `id` (a structure, union or document).
    fn parse(self, model: &ServiceModel, id: ShapeId, body: &[u8]) -> Result<Value, ProtocolError> {
        match self {
            BodyFormat::Json => JsonReader::new(model, true).body(id, body),
            BodyFormat::Xml if model.shape(id).exception => {
                TreeReader::new(model, false).body(id, body)
            }
            BodyFormat::Xml => XmlReader::new(model, false).body(id, body),
        }
    }
}

/// Parses structure `shape` (an output or an exception) from a response.
pub(crate) fn parse(
    model: &ServiceModel,
    shape: ShapeId,
    response: &Response<'_>,
    format: BodyFormat,
) -> Result<Value, ProtocolError> {
    let s = model.shape(shape);
    let mut slots = match &s.payload {
        Some(name) => {
            let mut slots = vec![Value::Null; s.members.len()];
            if let Some(i) = s.member_index(name) {
                slots[i] = payload(model, i, shape, response.body, format)?;
            }
            slots
        }
        None => match format.parse(model, shape, response.body)? {
            Value::Struct(slots) => slots,
            _ => vec![Value::Null; s.members.len()],
        },
    };
    // A response carries a handful of headers while an output may bind
    // dozens of members to headers (S3's GetObject: ~50): look each member up
    // among the names present rather than hashing every member's name.
    let present: Vec<&http::HeaderName> = response.headers.keys().collect();
    for (slot, m) in slots.iter_mut().zip(&s.members) {
        match m.location {
            Location::Header => {
                let wire = m.wire_name();
                let found = present.iter().find(|n| {
                    n.as_str().len() == wire.len() && n.as_str().eq_ignore_ascii_case(wire)
                });
                if let Some(text) = found.and_then(|n| header_text(response.headers, n.as_str())) {
                    *slot = member_from_header(model, m, &text)?;
                }
            }
            Location::Headers => *slot = prefixed_map(model, m, response.headers)?,
            Location::StatusCode => *slot = Value::Integer(i64::from(response.status)),
            _ => {}
        }
    }
    Ok(Value::Struct(slots))
}

/// The payload member `index` of `shape`: raw bytes or text for blobs and
/// strings (empty ones for an empty body, as botocore sets them), a parsed
/// body otherwise; event streams are left to the streaming layer.
fn payload(
    model: &ServiceModel,
    index: usize,
    shape: ShapeId,
    body: &[u8],
    format: BodyFormat,
) -> Result<Value, ProtocolError> {
    let member = &model.shape(shape).members[index];
    let target = model.shape(member.target);
    if target.event_stream {
        return Ok(Value::Null);
    }
    match target.kind {
        ShapeKind::Blob => Ok(Value::blob(Bytes::copy_from_slice(body))),
        ShapeKind::String => std::str::from_utf8(body)
            .map(|s| Value::String(s.to_string()))
            .map_err(|_| ProtocolError::new("string payload is not UTF-8")),
        ShapeKind::Structure => format.parse(model, member.target, body),
        kind => Err(ProtocolError::new(format!(
            "payload member {} has unsupported type {}",
            member.name,
            super::kind_name(kind)
        ))),
    }
}
