//! Request serialization for every protocol, following botocore's
//! `serialize.py`.
//!
//! [`serialize`] fills absent idempotency tokens, hands the input to the
//! protocol's serializer and expands the endpoint host prefix:
//!
//! * `query`: the query and EC2 protocols (form-encoded bodies);
//! * `json`: awsJson 1.0/1.1 (and the JSON bodies of rest-json);
//! * `rest`: the HTTP bindings of rest-json and rest-xml, with `xml`
//!   writing rest-xml bodies;
//! * `cbor`: Smithy RPC v2 CBOR.
//!
//! Scalars as text and the percent-encodings live in `text`, member traits
//! as botocore resolves them in `traits`, the host prefix in `host`.

use std::borrow::Cow;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use super::{ProtocolError, SerializeOptions, SerializedRequest};
use crate::model::{Operation, Protocol, ServiceModel};
use crate::value::Value;

mod cbor;
mod host;
mod json;
mod query;
mod rest;
pub(crate) mod text;
pub(crate) mod traits;
mod xml;

/// How deeply values may nest before serialization gives up.
const MAX_DEPTH: usize = 128;

/// Serializes `input` for `op` with the model's protocol.
///
/// `input` is a [`Value::Struct`] of the operation's input shape, or
/// [`Value::Null`] for "no parameters".
pub fn serialize(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
    opts: &SerializeOptions,
) -> Result<SerializedRequest, ProtocolError> {
    let input = prepare_input(model, op, input, opts)?;
    let mut request = match model.protocol {
        Protocol::Query => query::serialize(model, op, &input, query::Dialect::Query)?,
        Protocol::Ec2 => query::serialize(model, op, &input, query::Dialect::Ec2)?,
        Protocol::Json => json::serialize_rpc(model, op, &input)?,
        Protocol::RestJson => rest::serialize(model, op, &input, rest::BodyFormat::Json)?,
        Protocol::RestXml => rest::serialize(model, op, &input, rest::BodyFormat::Xml)?,
        Protocol::RpcV2Cbor => cbor::serialize(model, op, &input)?,
    };
    request.host_prefix = host::expand(model, op, &input)?;
    Ok(request)
}

/// A structure value as a body in the model's format, with its media type:
/// an input event's payload. Query and EC2 have no event streams.
pub(crate) fn event_body(
    model: &ServiceModel,
    shape: crate::model::ShapeId,
    value: &Value,
) -> Result<(bytes::Bytes, &'static str), ProtocolError> {
    Ok(match model.protocol {
        Protocol::Json | Protocol::RestJson => (
            json::struct_body(model, shape, value, |_| true)?.into(),
            "application/json",
        ),
        Protocol::RestXml => (
            xml::shape_body(model, shape, value)?.into(),
            "application/xml",
        ),
        Protocol::RpcV2Cbor => (
            cbor::struct_bytes(model, shape, value)?.into(),
            "application/cbor",
        ),
        Protocol::Query | Protocol::Ec2 => {
            return Err(ProtocolError::new(format!(
                "the {} protocol has no event streams",
                model.protocol.name()
            )))
        }
    })
}

/// The input as a structure of the input shape (an empty one for
/// [`Value::Null`]), with absent top-level `idempotencyToken` members filled
/// (botocore's `generate_idempotent_uuid` handler).
fn prepare_input<'v>(
    model: &ServiceModel,
    op: &Operation,
    input: &'v Value,
    opts: &SerializeOptions,
) -> Result<Cow<'v, Value>, ProtocolError> {
    let Some(id) = op.input else {
        return Ok(Cow::Borrowed(input));
    };
    let shape = model.shape(id);
    let mut input = match input {
        Value::Null => Cow::Owned(Value::Struct(vec![Value::Null; shape.members.len()])),
        other => {
            traits::struct_slots(shape, other)?;
            Cow::Borrowed(other)
        }
    };
    let missing: Vec<usize> = match input.as_ref() {
        Value::Struct(slots) => shape
            .members
            .iter()
            .zip(slots)
            .enumerate()
            .filter(|(_, (m, v))| m.idempotency_token && v.is_null())
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    };
    if !missing.is_empty() {
        if let Value::Struct(slots) = input.to_mut() {
            for i in missing {
                slots[i] = Value::String((opts.idempotency_token)());
            }
        }
    }
    Ok(input)
}

/// The operation's HTTP method (botocore defaults to `POST`).
pub(crate) fn method_of(op: &Operation) -> Result<Method, ProtocolError> {
    if op.http.method.is_empty() {
        return Ok(Method::POST);
    }
    Method::from_bytes(op.http.method.as_bytes())
        .map_err(|_| ProtocolError::new(format!("invalid HTTP method `{}`", op.http.method)))
}

/// Sets a header, replacing any earlier value; names and values that HTTP
/// cannot carry are errors.
pub(crate) fn set_header(
    headers: &mut HeaderMap,
    name: &str,
    value: &str,
) -> Result<(), ProtocolError> {
    let n = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ProtocolError::new(format!("invalid header name `{name}`")))?;
    let v = HeaderValue::from_bytes(value.as_bytes())
        .map_err(|_| ProtocolError::new(format!("invalid value for header `{name}`")))?;
    headers.insert(n, v);
    Ok(())
}

/// Parses a model from JSON text, keeping member order whatever serde_json's
/// features (`serde_json::json!` maps are sorted without `preserve_order`).
#[cfg(test)]
pub(crate) fn test_model(text: &str) -> Result<ServiceModel, crate::model::ModelError> {
    ServiceModel::from_json(text)
}

/// Expands the `{Label}` placeholders of `template` (a request URI or a host
/// prefix, named by `what` in errors) with `value(label)`.
pub(crate) fn expand_labels(
    template: &str,
    what: &str,
    mut value: impl FnMut(&str) -> Result<String, ProtocolError>,
) -> Result<String, ProtocolError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| ProtocolError::new(format!("unclosed label in {what} `{template}`")))?;
        out.push_str(&value(&after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The model's `targetPrefix` (the RPC protocols' operation namespace);
/// a model of `protocol` without one cannot be serialized.
pub(crate) fn target_prefix<'m>(
    model: &'m ServiceModel,
    protocol: &str,
) -> Result<&'m str, ProtocolError> {
    model
        .metadata
        .target_prefix
        .as_deref()
        .ok_or_else(|| ProtocolError::new(format!("{protocol} model has no targetPrefix")))
}

/// Fails when values nest deeper than any model needs.
pub(crate) fn check_depth(depth: usize) -> Result<(), ProtocolError> {
    if depth > MAX_DEPTH {
        Err(ProtocolError::new("input nests too deeply"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token() -> String {
        "tok-1".into()
    }

    fn model(protocol: &str) -> ServiceModel {
        let text = r#"{
            "metadata": {"protocol": "PROTOCOL", "apiVersion": "2020-01-08", "targetPrefix": "Svc",
                         "jsonVersion": "1.0"},
            "shapes": {
                "In": {"type": "structure", "members": {
                    "token": {"shape": "S", "idempotencyToken": true},
                    "label": {"shape": "S", "hostLabel": true}}},
                "S": {"type": "string"}
            }
        }"#;
        let mut m = test_model(&text.replace("PROTOCOL", protocol)).unwrap();
        m.add_operation(
            json!({"name": "Op", "http": {"method": "POST", "requestUri": "/"},
                               "input": {"shape": "In"}, "endpoint": {"hostPrefix": "{label}."}}),
        )
        .unwrap();
        m
    }

    #[test]
    fn fills_idempotency_tokens_and_host_prefix_in_every_protocol() {
        let opts = SerializeOptions {
            idempotency_token: token,
        };
        for protocol in [
            "query",
            "ec2",
            "json",
            "rest-json",
            "rest-xml",
            "smithy-rpc-v2-cbor",
        ] {
            let m = model(protocol);
            let op = m.operation("Op").unwrap();
            let input = Value::Struct(vec![Value::Null, Value::String("abc".into())]);
            let req = serialize(&m, op, &input, &opts).unwrap();
            assert_eq!(req.host_prefix.as_deref(), Some("abc."), "{protocol}");
            let body = String::from_utf8_lossy(&req.body);
            assert!(body.contains("tok-1"), "{protocol}: {body}");

            let given = Value::Struct(vec![
                Value::String("mine".into()),
                Value::String("abc".into()),
            ]);
            let req = serialize(&m, op, &given, &opts).unwrap();
            let body = String::from_utf8_lossy(&req.body);
            assert!(
                body.contains("mine") && !body.contains("tok-1"),
                "{protocol}: {body}"
            );
        }
    }

    #[test]
    fn rejects_malformed_input() {
        let m = model("json");
        let op = m.operation("Op").unwrap();
        let opts = SerializeOptions::default();
        assert!(serialize(&m, op, &Value::String("x".into()), &opts).is_err());
        assert!(serialize(&m, op, &Value::Struct(vec![Value::Null]), &opts).is_err());
        // The host label is required.
        assert!(serialize(&m, op, &Value::Null, &opts).is_err());
    }

    #[test]
    fn headers_must_be_valid_http() {
        let mut h = HeaderMap::new();
        assert!(set_header(&mut h, "x-ok", "v").is_ok());
        assert!(set_header(&mut h, "bad name", "v").is_err());
        assert!(set_header(&mut h, "x-bad", "a\nb").is_err());
    }
}
