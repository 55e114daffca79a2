//! Response and error parsing for every protocol, following botocore's
//! `parsers.py`.
//!
//! Each wire format has its own module that walks a body with the service
//! model: `json` (awsJson and rest-json bodies, read with serde without a
//! JSON tree), `xml` (query, ec2 and rest-xml outputs, read from the event
//! stream without a tree), `xml_tree` over the small tree that [`xml_dom`]
//! builds (XML error bodies, which are small), and `cbor_shape`
//! over the generic items of the [`cbor`] decoder (Smithy RPC v2). `rest`
//! binds headers, status codes and payloads for the REST protocols, `headers`
//! reads header-bound values, `scalar` converts text, and `error` extracts
//! error codes, messages and request ids.
//!
//! Every parser rejects malformed input with a [`ProtocolError`]: nesting is
//! capped at [`MAX_DEPTH`] and nothing is pre-allocated from a length the input
//! declares.

mod budget;
pub mod cbor;
mod cbor_shape;
mod error;
mod headers;
mod json;
mod rest;
mod scalar;
#[cfg(test)]
mod tests;
mod xml;
pub mod xml_dom;
mod xml_tree;

/// Header bytes as text (UTF-8, else Latin-1), shared with the signer.
pub(crate) use headers::decode_value as decode_header_value;

use super::{ProtocolError, Response, ServiceErrorParts};
use crate::model::{Location, Member, Operation, Protocol, ServiceModel, ShapeId, ShapeKind};
use crate::value::Value;

/// The deepest nesting of lists, maps, structures or elements any parser
/// accepts; deeper input is rejected as malformed.
pub const MAX_DEPTH: usize = 128;

/// Parses a successful response for `op` into a [`Value::Struct`] of its output
/// shape, or [`Value::Null`] when the operation has no output.
///
/// Event-stream members are left [`Value::Null`]: the streaming layer decodes
/// them from the raw body.
pub fn parse_response(
    model: &ServiceModel,
    op: &Operation,
    response: &Response<'_>,
) -> Result<Value, ProtocolError> {
    let Some(output) = op.output else {
        return Ok(Value::Null);
    };
    match model.protocol {
        Protocol::Query => {
            xml::XmlReader::new(model, false).query_output(output, op, response.body)
        }
        Protocol::Ec2 => xml::XmlReader::new(model, true).query_output(output, op, response.body),
        Protocol::Json => {
            if has_event_stream(model, output) {
                return Ok(empty_struct(model, output));
            }
            json::JsonReader::new(model, false).body(output, response.body)
        }
        Protocol::RpcV2Cbor => {
            if has_event_stream(model, output) {
                return Ok(empty_struct(model, output));
            }
            cbor_shape::parse_body(model, output, response.body)
        }
        Protocol::RestJson => rest::parse(model, output, response, rest::BodyFormat::Json),
        Protocol::RestXml => rest::parse(model, output, response, rest::BodyFormat::Xml),
    }
}

/// Parses `body` as structure `shape` in the model's body format (JSON,
/// XML or CBOR): the event-stream layer reads event payloads and the
/// `initial-response` with it. Query and EC2 have no event streams.
pub(crate) fn parse_body(
    model: &ServiceModel,
    shape: ShapeId,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    match model.protocol {
        Protocol::Json => json::JsonReader::new(model, false).body(shape, body),
        Protocol::RestJson => json::JsonReader::new(model, true).body(shape, body),
        Protocol::RestXml => xml::XmlReader::new(model, false).body(shape, body),
        Protocol::RpcV2Cbor => cbor_shape::parse_body(model, shape, body),
        Protocol::Query | Protocol::Ec2 => Err(ProtocolError::new(format!(
            "the {} protocol has no event streams",
            model.protocol.name()
        ))),
    }
}

/// Parses an error response for `op`: code, message, request id, the modeled
/// exception shape the code names (if any) and that shape's members.
pub fn parse_error(
    model: &ServiceModel,
    op: &Operation,
    response: &Response<'_>,
) -> Result<ServiceErrorParts, ProtocolError> {
    error::parse(model, op, response)
}

/// A structure value with every member absent.
pub(crate) fn empty_struct(model: &ServiceModel, shape: ShapeId) -> Value {
    Value::Struct(vec![Value::Null; model.shape(shape).members.len()])
}

/// A union holding a member this model does not know, named `name`: no
/// member set, and the name in one slot past the members (what botocore
/// returns as `{"SDK_UNKNOWN_MEMBER": {"name": ...}}`; typed values ignore
/// the extra slot).
pub(crate) fn unknown_union(model: &ServiceModel, shape: ShapeId, name: &str) -> Value {
    let mut slots = vec![Value::Null; model.shape(shape).members.len()];
    slots.push(Value::String(name.to_owned()));
    Value::Struct(slots)
}

/// The name of the unknown member of a union a parser left without a
/// member (one slot past the members).
pub fn unknown_union_member<'v>(
    shape: &crate::model::Shape,
    slots: &'v [Value],
) -> Option<&'v str> {
    if !shape.union || slots.len() != shape.members.len() + 1 {
        return None;
    }
    slots.last()?.as_str()
}

/// True when a member is bound outside the body (REST protocols).
pub(crate) fn is_bound_outside_body(member: &Member) -> bool {
    matches!(
        member.location,
        Location::Header | Location::Headers | Location::StatusCode
    )
}

/// True when one of the structure's members is an event stream.
fn has_event_stream(model: &ServiceModel, shape: ShapeId) -> bool {
    model
        .shape(shape)
        .members
        .iter()
        .any(|m| model.shape(m.target).event_stream)
}

/// Fails when `depth` is past [`MAX_DEPTH`].
pub(crate) fn check_depth(depth: usize) -> Result<(), ProtocolError> {
    if depth > MAX_DEPTH {
        Err(ProtocolError::new(format!(
            "response nested deeper than {MAX_DEPTH} levels"
        )))
    } else {
        Ok(())
    }
}

/// Checks the member count of a union present in a response: exactly one
/// member must be set. None (`{}`, `<U/>`) is as malformed as several, as
/// botocore ("must have one and only one member set") and aws-sdk-rust
/// ("Union did not contain a valid variant") hold; an absent union is never
/// checked here.
pub(crate) fn check_union(shape_name: &str, set: usize) -> Result<(), ProtocolError> {
    match set {
        1 => Ok(()),
        0 => Err(ProtocolError::new(format!(
            "invalid response: union {shape_name} has no member set"
        ))),
        _ => Err(ProtocolError::new(format!(
            "invalid response: union {shape_name} must have exactly one member set"
        ))),
    }
}

/// A short name of a shape kind for error messages.
pub(crate) fn kind_name(kind: ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Structure => "structure",
        ShapeKind::List => "list",
        ShapeKind::Map => "map",
        ShapeKind::String => "string",
        ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long => "integer",
        ShapeKind::Float | ShapeKind::Double => "float",
        ShapeKind::Boolean => "boolean",
        ShapeKind::Blob => "blob",
        ShapeKind::Timestamp => "timestamp",
    }
}
