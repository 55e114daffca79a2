//! JSON bodies (awsJson 1.0/1.1 and rest-json) and the awsJson RPC request.
//!
//! Structures become objects keyed by each member's `locationName` (or name),
//! absent members are left out, blobs are base64 strings, timestamps default
//! to epoch seconds, float special values are the strings `NaN`, `Infinity`
//! and `-Infinity`, and documents are written as they are.

use bytes::Bytes;
use http::HeaderMap;

use crate::model::{Member, Operation, ServiceModel, Shape, ShapeId, ShapeKind, TimestampFormat};
use crate::value::Value;

use super::super::{ProtocolError, SerializedRequest};
use super::text::{self, Epoch};
use super::traits::{self, mismatch};
use super::{check_depth, method_of, set_header, target_prefix};

/// Serializes an awsJson (1.0 / 1.1) request: `POST /` with the JSON body,
/// `X-Amz-Target: {targetPrefix}.{Operation}` and
/// `Content-Type: application/x-amz-json-{jsonVersion}`; query-compatible
/// services also get `x-amzn-query-mode: true`.
pub(crate) fn serialize_rpc(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
) -> Result<SerializedRequest, ProtocolError> {
    let prefix = target_prefix(model, "json protocol")?;
    let version = model.metadata.json_version.as_deref().unwrap_or("1.0");
    let body = match op.input {
        Some(id) if !input.is_null() => struct_body(model, id, input, |_| true)?,
        _ => "{}".to_string(),
    };
    let mut headers = HeaderMap::new();
    set_header(
        &mut headers,
        "X-Amz-Target",
        &format!("{prefix}.{}", op.name),
    )?;
    set_header(
        &mut headers,
        "Content-Type",
        &format!("application/x-amz-json-{version}"),
    )?;
    if model.metadata.aws_query_compatible {
        set_header(&mut headers, "x-amzn-query-mode", "true")?;
    }
    Ok(SerializedRequest {
        method: method_of(op)?,
        path: "/".into(),
        query: String::new(),
        headers,
        body: Bytes::from(body),
        host_prefix: None,
    })
}

/// A structure value as a JSON object, keeping only the members `include`
/// accepts (rest-json leaves out members bound to the URI, query or headers).
pub(crate) fn struct_body(
    model: &ServiceModel,
    shape: ShapeId,
    value: &Value,
    include: impl Fn(&Member) -> bool,
) -> Result<String, ProtocolError> {
    let mut out = String::new();
    write_struct(model, &mut out, model.shape(shape), value, &include, 0)?;
    Ok(out)
}

/// The JSON for one member's value (a rest-json structure or document payload).
pub(crate) fn member_body(
    model: &ServiceModel,
    member: &Member,
    value: &Value,
) -> Result<String, ProtocolError> {
    let mut out = String::new();
    write_value(model, &mut out, member, value, 0)?;
    Ok(out)
}

fn write_struct(
    model: &ServiceModel,
    out: &mut String,
    shape: &Shape,
    value: &Value,
    include: &dyn Fn(&Member) -> bool,
    depth: usize,
) -> Result<(), ProtocolError> {
    out.push('{');
    let mut first = true;
    for (m, v) in traits::set_members(shape, value)? {
        if !include(m) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        write_string(out, traits::wire_name(model, m))?;
        out.push(':');
        write_value(model, out, m, v, depth + 1)?;
    }
    out.push('}');
    Ok(())
}

fn write_value(
    model: &ServiceModel,
    out: &mut String,
    m: &Member,
    value: &Value,
    depth: usize,
) -> Result<(), ProtocolError> {
    check_depth(depth)?;
    let shape = model.shape(m.target);
    match (shape.kind, value) {
        (_, Value::Null) => out.push_str("null"),
        (ShapeKind::Structure, Value::Document(d)) if shape.document => out.push_str(
            &serde_json::to_string(d).map_err(|e| ProtocolError::new(format!("document: {e}")))?,
        ),
        (ShapeKind::Structure, Value::Struct(_)) if !shape.document => {
            write_struct(model, out, shape, value, &|_| true, depth)?
        }
        (ShapeKind::List, Value::List(items)) => {
            let item = element(shape, &shape.member)?;
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(model, out, item, v, depth + 1)?;
            }
            out.push(']');
        }
        (ShapeKind::Map, Value::Map(entries)) => {
            let item = element(shape, &shape.value)?;
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k)?;
                out.push(':');
                write_value(model, out, item, v, depth + 1)?;
            }
            out.push('}');
        }
        (ShapeKind::String, Value::String(s)) => write_string(out, s)?,
        (ShapeKind::Boolean, Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        (
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long,
            Value::Integer(i),
        ) => out.push_str(&i.to_string()),
        (ShapeKind::Float | ShapeKind::Double, Value::Float(x)) => write_float(out, *x)?,
        (ShapeKind::Float | ShapeKind::Double, Value::Integer(i)) => write_float(out, *i as f64)?,
        (ShapeKind::Blob, Value::Blob(b)) => write_string(out, &text::base64(b))?,
        (ShapeKind::Timestamp, Value::Timestamp(t)) => {
            match traits::timestamp_format(model, m).unwrap_or(TimestampFormat::UnixTimestamp) {
                TimestampFormat::UnixTimestamp => {
                    match text::epoch(t, text::Precision::of(model)) {
                        Epoch::Whole(s) => out.push_str(&s.to_string()),
                        Epoch::Fraction(f) => write_float(out, f)?,
                    }
                }
                other => write_string(out, &text::timestamp(t, other, text::Precision::of(model)))?,
            }
        }
        _ => return Err(mismatch(shape, value)),
    }
    Ok(())
}

/// The list member or map value of a collection shape.
fn element<'a>(shape: &Shape, m: &'a Option<Box<Member>>) -> Result<&'a Member, ProtocolError> {
    m.as_deref()
        .ok_or_else(|| ProtocolError::new(format!("shape `{}` has no element shape", shape.name)))
}

fn write_string(out: &mut String, s: &str) -> Result<(), ProtocolError> {
    let quoted =
        serde_json::to_string(s).map_err(|e| ProtocolError::new(format!("string: {e}")))?;
    out.push_str(&quoted);
    Ok(())
}

fn write_float(out: &mut String, x: f64) -> Result<(), ProtocolError> {
    match serde_json::Number::from_f64(x) {
        Some(n) => out.push_str(&n.to_string()),
        // NaN and the infinities are not JSON numbers: AWS sends them as strings.
        None => write_string(out, &text::float(x))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{from_json, JsonOptions};
    use crate::time::DateTime;
    use serde_json::{json, Value as Json};

    fn model() -> ServiceModel {
        let mut m = crate::protocol::ser::test_model(r#"{
            "metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "Svc"},
            "shapes": {
                "In": {"type": "structure", "members": {
                    "Name": {"shape": "S", "locationName": "name"},
                    "Data": {"shape": "B"},
                    "When": {"shape": "T"},
                    "Iso": {"shape": "T", "timestampFormat": "iso8601"},
                    "Ratio": {"shape": "D"},
                    "Tags": {"shape": "M"},
                    "Items": {"shape": "L"},
                    "Doc": {"shape": "Doc"},
                    "Nested": {"shape": "In"}}},
                "S": {"type": "string"}, "B": {"type": "blob"}, "T": {"type": "timestamp"},
                "D": {"type": "double"}, "Doc": {"type": "structure", "members": {}, "document": true},
                "M": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
                "L": {"type": "list", "member": {"shape": "D"}}
            }
        }"#)
        .unwrap();
        m.add_operation(
            json!({"name": "Op", "http": {"method": "POST", "requestUri": "/"},
                               "input": {"shape": "In"}}),
        )
        .unwrap();
        m
    }

    fn body(params: Json) -> Json {
        let m = model();
        let op = m.operation("Op").unwrap();
        let opts = JsonOptions::VECTORS;
        let v = from_json(&m, op.input.unwrap(), &params, opts).unwrap();
        let req = serialize_rpc(&m, op, &v).unwrap();
        serde_json::from_slice(&req.body).unwrap()
    }

    #[test]
    fn rpc_headers_and_empty_body() {
        let m = model();
        let op = m.operation("Op").unwrap();
        let req = serialize_rpc(&m, op, &Value::Null).unwrap();
        assert_eq!(req.headers["x-amz-target"], "Svc.Op");
        assert_eq!(req.headers["content-type"], "application/x-amz-json-1.1");
        assert!(req.headers.get("x-amzn-query-mode").is_none());
        assert_eq!(&req.body[..], b"{}");
        assert_eq!(req.path, "/");
    }

    #[test]
    fn writes_every_kind() {
        let got = body(json!({
            "Name": "a\"b", "Data": "hi", "When": 1398796238, "Iso": 1398796238,
            "Ratio": "NaN", "Tags": {"k": "v"}, "Items": [1.5, "-Infinity"],
            "Doc": {"any": [1, null]}, "Nested": {"Name": "x", "Nested": {}}
        }));
        assert_eq!(
            got,
            json!({"name": "a\"b", "Data": "aGk=", "When": 1398796238,
                   "Iso": "2014-04-29T18:30:38Z", "Ratio": "NaN", "Tags": {"k": "v"},
                   "Items": [1.5, "-Infinity"], "Doc": {"any": [1, null]},
                   "Nested": {"name": "x", "Nested": {}}})
        );
    }

    #[test]
    fn epoch_seconds_are_whole_as_botocore_sends_them() {
        let m = model();
        let op = m.operation("Op").unwrap();
        let shape = m.shape(op.input.unwrap());
        let mut slots = vec![Value::Null; shape.members.len()];
        slots[2] = Value::Timestamp(DateTime::from_secs_and_nanos(10, 250_000_000));
        let req = serialize_rpc(&m, op, &Value::Struct(slots)).unwrap();
        // botocore's `_timestamp_unixtimestamp`: int(timegm(...)).
        assert_eq!(&req.body[..], br#"{"When":10}"#);
    }

    #[test]
    fn rejects_values_of_the_wrong_kind() {
        let m = model();
        let op = m.operation("Op").unwrap();
        let shape = m.shape(op.input.unwrap());
        let mut slots = vec![Value::Null; shape.members.len()];
        slots[0] = Value::Integer(1);
        let err = serialize_rpc(&m, op, &Value::Struct(slots)).unwrap_err();
        assert!(err.message.contains("`S`"), "{err}");
        assert!(serialize_rpc(&m, op, &Value::Struct(vec![])).is_err());
    }
}
