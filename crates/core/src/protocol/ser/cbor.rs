//! The Smithy RPC v2 CBOR protocol: `POST /service/{targetPrefix}/operation/{Op}`
//! with the input as a CBOR map and `smithy-protocol: rpc-v2-cbor`.
//!
//! Structures are maps of their set members, `float` shapes are CBOR
//! single-precision and `double` double-precision floats (NaN and the
//! infinities as half-precision, as botocore writes them), timestamps are
//! tag 1 around epoch seconds (an integer when whole, else a double), blobs are
//! byte strings.

use bytes::Bytes;
use http::{HeaderMap, Method};
use minicbor::data::Tag;
use minicbor::Encoder;

use crate::model::{Member, Operation, ServiceModel, Shape, ShapeKind};
use crate::value::Value;

use super::super::{ProtocolError, SerializedRequest};
use super::text::{self, Epoch};
use super::traits::{self, mismatch};
use super::{check_depth, set_header, target_prefix};

type Enc = Encoder<Vec<u8>>;

/// Serializes an RPC v2 CBOR request.
pub(crate) fn serialize(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
) -> Result<SerializedRequest, ProtocolError> {
    let prefix = target_prefix(model, "smithy-rpc-v2-cbor")?;
    let body = match op.input {
        Some(id) => {
            let mut e = Encoder::new(Vec::new());
            write_struct(model, &mut e, model.shape(id), input, 0)?;
            e.into_writer()
        }
        None => Vec::new(),
    };
    let media = if has_event_stream_output(model, op) {
        "application/vnd.amazon.eventstream"
    } else {
        "application/cbor"
    };
    let mut headers = HeaderMap::new();
    set_header(&mut headers, "smithy-protocol", "rpc-v2-cbor")?;
    set_header(&mut headers, "Accept", media)?;
    if !body.is_empty() {
        set_header(&mut headers, "Content-Type", media)?;
    }
    if model.metadata.aws_query_compatible {
        set_header(&mut headers, "x-amzn-query-mode", "true")?;
    }
    Ok(SerializedRequest {
        method: Method::POST,
        path: format!("/service/{prefix}/operation/{}", op.name),
        query: String::new(),
        headers,
        body: Bytes::from(body),
        host_prefix: None,
    })
}

/// A structure value as a CBOR map: an event payload.
pub(crate) fn struct_bytes(
    model: &ServiceModel,
    shape: crate::model::ShapeId,
    value: &Value,
) -> Result<Vec<u8>, ProtocolError> {
    let mut e = Encoder::new(Vec::new());
    write_struct(model, &mut e, model.shape(shape), value, 0)?;
    Ok(e.into_writer())
}

fn has_event_stream_output(model: &ServiceModel, op: &Operation) -> bool {
    op.output.is_some_and(|id| {
        model
            .shape(id)
            .members
            .iter()
            .any(|m| model.shape(m.target).event_stream)
    })
}

fn fail<E: std::fmt::Display>(e: E) -> ProtocolError {
    ProtocolError::new(format!("CBOR encoding failed: {e}"))
}

fn write_struct(
    model: &ServiceModel,
    e: &mut Enc,
    shape: &Shape,
    value: &Value,
    depth: usize,
) -> Result<(), ProtocolError> {
    if value.is_null() {
        e.map(0).map_err(fail)?;
        return Ok(());
    }
    let members: Vec<(&Member, &Value)> = traits::set_members(shape, value)?.collect();
    e.map(members.len() as u64).map_err(fail)?;
    for (m, v) in members {
        e.str(traits::wire_name(model, m)).map_err(fail)?;
        write_value(model, e, m, v, depth + 1)?;
    }
    Ok(())
}

fn write_value(
    model: &ServiceModel,
    e: &mut Enc,
    m: &Member,
    value: &Value,
    depth: usize,
) -> Result<(), ProtocolError> {
    check_depth(depth)?;
    let shape = model.shape(m.target);
    match (shape.kind, value) {
        (_, Value::Null) => {
            e.null().map_err(fail)?;
        }
        (ShapeKind::Structure, Value::Document(d)) if shape.document => {
            write_document(e, d, depth)?
        }
        (ShapeKind::Structure, Value::Struct(_)) if !shape.document => {
            write_struct(model, e, shape, value, depth)?
        }
        (ShapeKind::List, Value::List(items)) => {
            let item = element(shape, &shape.member)?;
            e.array(items.len() as u64).map_err(fail)?;
            for v in items {
                write_value(model, e, item, v, depth + 1)?;
            }
        }
        (ShapeKind::Map, Value::Map(entries)) => {
            let item = element(shape, &shape.value)?;
            e.map(entries.len() as u64).map_err(fail)?;
            for (k, v) in entries {
                e.str(k).map_err(fail)?;
                write_value(model, e, item, v, depth + 1)?;
            }
        }
        (ShapeKind::String, Value::String(s)) => {
            e.str(s).map_err(fail)?;
        }
        (ShapeKind::Boolean, Value::Bool(b)) => {
            e.bool(*b).map_err(fail)?;
        }
        (
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long,
            Value::Integer(i),
        ) => {
            e.i64(*i).map_err(fail)?;
        }
        (ShapeKind::Float | ShapeKind::Double, Value::Float(x)) => write_float(e, shape.kind, *x)?,
        (ShapeKind::Float | ShapeKind::Double, Value::Integer(i)) => {
            write_float(e, shape.kind, *i as f64)?
        }
        (ShapeKind::Blob, Value::Blob(b)) => {
            e.bytes(b).map_err(fail)?;
        }
        (ShapeKind::Timestamp, Value::Timestamp(t)) => {
            e.tag(Tag::new(1)).map_err(fail)?;
            match text::epoch(t, text::Precision::of(model)) {
                Epoch::Whole(s) => e.i64(s).map_err(fail)?,
                Epoch::Fraction(f) => e.f64(f).map_err(fail)?,
            };
        }
        _ => return Err(mismatch(shape, value)),
    }
    Ok(())
}

fn write_float(e: &mut Enc, kind: ShapeKind, x: f64) -> Result<(), ProtocolError> {
    // NaN and the infinities as half-precision floats (major type 7, 25).
    let half: Option<[u8; 3]> = if x.is_nan() {
        Some([0xf9, 0x7e, 0x00])
    } else if x == f64::INFINITY {
        Some([0xf9, 0x7c, 0x00])
    } else if x == f64::NEG_INFINITY {
        Some([0xf9, 0xfc, 0x00])
    } else {
        None
    };
    match (half, kind) {
        (Some(bytes), _) => e.writer_mut().extend_from_slice(&bytes),
        (None, ShapeKind::Float) => {
            e.f32(x as f32).map_err(fail)?;
        }
        (None, _) => {
            e.f64(x).map_err(fail)?;
        }
    }
    Ok(())
}

fn write_document(e: &mut Enc, d: &serde_json::Value, depth: usize) -> Result<(), ProtocolError> {
    check_depth(depth)?;
    use serde_json::Value as J;
    match d {
        J::Null => {
            e.null().map_err(fail)?;
        }
        J::Bool(b) => {
            e.bool(*b).map_err(fail)?;
        }
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                e.i64(i).map_err(fail)?;
            } else if let Some(u) = n.as_u64() {
                e.u64(u).map_err(fail)?;
            } else {
                e.f64(n.as_f64().unwrap_or(f64::NAN)).map_err(fail)?;
            }
        }
        J::String(s) => {
            e.str(s).map_err(fail)?;
        }
        J::Array(items) => {
            e.array(items.len() as u64).map_err(fail)?;
            for v in items {
                write_document(e, v, depth + 1)?;
            }
        }
        J::Object(obj) => {
            e.map(obj.len() as u64).map_err(fail)?;
            for (k, v) in obj {
                e.str(k).map_err(fail)?;
                write_document(e, v, depth + 1)?;
            }
        }
    }
    Ok(())
}

fn element<'a>(shape: &Shape, m: &'a Option<Box<Member>>) -> Result<&'a Member, ProtocolError> {
    m.as_deref()
        .ok_or_else(|| ProtocolError::new(format!("shape `{}` has no element shape", shape.name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{from_json, JsonOptions};
    use serde_json::json;

    fn model(compatible: bool) -> ServiceModel {
        let text = r#"{
            "metadata": {"protocol": "smithy-rpc-v2-cbor", "targetPrefix": "Svc" COMPAT},
            "shapes": {
                "In": {"type": "structure", "members": {
                    "s": {"shape": "S"}, "n": {"shape": "I"}, "f": {"shape": "F"},
                    "d": {"shape": "D"}, "t": {"shape": "T"}, "b": {"shape": "B"},
                    "l": {"shape": "L"}}},
                "S": {"type": "string"}, "I": {"type": "integer"}, "F": {"type": "float"},
                "D": {"type": "double"}, "T": {"type": "timestamp"}, "B": {"type": "blob"},
                "L": {"type": "list", "member": {"shape": "I"}}
            }
        }"#;
        let compat = if compatible {
            r#", "awsQueryCompatible": {}"#
        } else {
            ""
        };
        let mut m = crate::protocol::ser::test_model(&text.replace("COMPAT", compat)).unwrap();
        m.add_operation(json!({"name": "Op", "input": {"shape": "In"}}))
            .unwrap();
        m.add_operation(json!({"name": "NoIn"})).unwrap();
        m
    }

    fn encode(params: serde_json::Value) -> Vec<u8> {
        let m = model(false);
        let op = m.operation("Op").unwrap();
        let opts = JsonOptions::VECTORS;
        let v = from_json(&m, op.input.unwrap(), &params, opts).unwrap();
        serialize(&m, op, &v).unwrap().body.to_vec()
    }

    #[test]
    fn encodes_scalars_exactly() {
        // {"s": "a", "n": -2}
        assert_eq!(
            encode(json!({"s": "a", "n": -2})),
            [0xa2, 0x61, b's', 0x61, b'a', 0x61, b'n', 0x21]
        );
        // {"f": 7.625 as float32}
        assert_eq!(
            encode(json!({"f": 7.625})),
            [0xa1, 0x61, b'f', 0xfa, 0x40, 0xf4, 0x00, 0x00]
        );
        // {"d": NaN} as half precision
        assert_eq!(
            encode(json!({"d": "NaN"})),
            [0xa1, 0x61, b'd', 0xf9, 0x7e, 0x00]
        );
        // {"t": 1(1000)}
        assert_eq!(
            encode(json!({"t": 1000})),
            [0xa1, 0x61, b't', 0xc1, 0x19, 0x03, 0xe8]
        );
        // {"t": 1(1)}: botocore sends whole seconds (tag 1, an integer).
        assert_eq!(encode(json!({"t": 1.5})), [0xa1, 0x61, b't', 0xc1, 0x01]);
        // {"b": h'6869', "l": [1]}
        assert_eq!(
            encode(json!({"b": "hi", "l": [1]})),
            [0xa2, 0x61, b'b', 0x42, b'h', b'i', 0x61, b'l', 0x81, 0x01]
        );
    }

    #[test]
    fn path_and_headers() {
        let m = model(true);
        let req = serialize(&m, m.operation("Op").unwrap(), &Value::Null).unwrap();
        assert_eq!(req.path, "/service/Svc/operation/Op");
        assert_eq!(&req.body[..], [0xa0]);
        assert_eq!(req.headers["content-type"], "application/cbor");
        assert_eq!(req.headers["accept"], "application/cbor");
        assert_eq!(req.headers["smithy-protocol"], "rpc-v2-cbor");
        assert_eq!(req.headers["x-amzn-query-mode"], "true");
        let req = serialize(&m, m.operation("NoIn").unwrap(), &Value::Null).unwrap();
        assert!(req.body.is_empty());
        assert!(req.headers.get("content-type").is_none());
        let m = model(false);
        let req = serialize(&m, m.operation("Op").unwrap(), &Value::Null).unwrap();
        assert!(req.headers.get("x-amzn-query-mode").is_none());
    }
}
