//! Smithy RPC v2 CBOR bodies, like botocore's `RpcV2CBORParser`.
//!
//! Structures are maps keyed by member name (not `locationName`); `null`
//! members and map entries are skipped; unknown keys are ignored; timestamps
//! are tag 1 epoch seconds (an untagged number is accepted too); floats may
//! arrive as integers (upcasting); blobs are byte strings.

use bytes::Bytes;

use super::budget::Budget;
use super::cbor::{self, Cbor};
use super::scalar::timestamp_from_secs;
use super::{check_depth, check_union, empty_struct, kind_name, unknown_union};
use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ProtocolError;
use crate::value::Value;

/// Parses a whole body as structure `shape`; an empty body is an empty
/// structure.
pub(crate) fn parse_body(
    model: &ServiceModel,
    shape: ShapeId,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    if body.is_empty() {
        return Ok(empty_struct(model, shape));
    }
    let budget = Budget::for_body(model, body.len());
    let item = cbor::decode_bounded(body, &budget)?;
    match value(model, shape, &item, 0, &budget)? {
        Value::Null if !model.shape(shape).union => Ok(empty_struct(model, shape)),
        v => Ok(v),
    }
}

/// Converts a CBOR item to a value of shape `id`.
pub(crate) fn value(
    model: &ServiceModel,
    id: ShapeId,
    item: &Cbor,
    depth: usize,
    budget: &Budget,
) -> Result<Value, ProtocolError> {
    check_depth(depth)?;
    budget.slots(1)?;
    let shape = model.shape(id);
    let mismatch = || {
        ProtocolError::new(format!(
            "expected a {} for {}, found a CBOR {}",
            kind_name(shape.kind),
            shape.name,
            item.type_name()
        ))
    };
    if matches!(item, Cbor::Null) {
        return Ok(Value::Null);
    }
    Ok(match shape.kind {
        ShapeKind::Structure if shape.document => Value::Document(Box::new(to_json(item, depth)?)),
        ShapeKind::Structure => {
            let Cbor::Map(entries) = item else {
                return Err(mismatch());
            };
            if shape.union {
                let set = entries
                    .iter()
                    .filter(|(k, v)| k.as_str() != Some("__type") && !matches!(v, Cbor::Null))
                    .count();
                check_union(&shape.name, set)?;
            }
            budget.slots(shape.members.len())?;
            if shape.union {
                let unknown = entries.iter().find_map(|(k, v)| {
                    let k = k.as_str()?;
                    (k != "__type" && !matches!(v, Cbor::Null) && shape.member_index(k).is_none())
                        .then_some(k)
                });
                if let Some(name) = unknown {
                    return Ok(unknown_union(model, id, name));
                }
            }
            let mut slots = vec![Value::Null; shape.members.len()];
            for (k, v) in entries {
                let Some(i) = k.as_str().and_then(|k| shape.member_index(k)) else {
                    continue;
                };
                if !matches!(v, Cbor::Null) {
                    slots[i] = value(model, shape.members[i].target, v, depth + 1, budget)?;
                }
            }
            Value::Struct(slots)
        }
        ShapeKind::List => {
            let Cbor::Array(items) = item else {
                return Err(mismatch());
            };
            let target = shape
                .member
                .as_ref()
                .map(|m| m.target)
                .ok_or_else(|| ProtocolError::new("list shape without member"))?;
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(value(model, target, i, depth + 1, budget)?);
            }
            Value::List(out)
        }
        ShapeKind::Map => {
            let Cbor::Map(entries) = item else {
                return Err(mismatch());
            };
            let target = shape
                .value
                .as_ref()
                .map(|m| m.target)
                .ok_or_else(|| ProtocolError::new("map shape without value"))?;
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = k.as_str().ok_or_else(|| {
                    ProtocolError::new(format!("map {} has a non-text key", shape.name))
                })?;
                if !matches!(v, Cbor::Null) {
                    budget.charge(24 + key.len())?;
                    out.push((key.to_string(), value(model, target, v, depth + 1, budget)?));
                }
            }
            Value::Map(out)
        }
        ShapeKind::String => Value::String(item.as_str().ok_or_else(mismatch)?.to_string()),
        ShapeKind::Boolean => match item {
            Cbor::Bool(b) => Value::Bool(*b),
            _ => return Err(mismatch()),
        },
        ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long => {
            let n = match item {
                Cbor::Float32(_) | Cbor::Float64(_) => item
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                    .map(|f| f as i128),
                _ => item.as_i128(),
            };
            let n = n.ok_or_else(mismatch)?;
            Value::Integer(i64::try_from(n).map_err(|_| {
                ProtocolError::new(format!("integer {n} out of range for {}", shape.name))
            })?)
        }
        ShapeKind::Float | ShapeKind::Double => Value::Float(item.as_f64().ok_or_else(mismatch)?),
        ShapeKind::Blob => match item {
            Cbor::Bytes(b) => Value::blob(Bytes::copy_from_slice(b)),
            _ => return Err(mismatch()),
        },
        ShapeKind::Timestamp => {
            let secs = match item {
                Cbor::Tag(1, inner) => inner.as_f64(),
                Cbor::Tag(..) => None,
                other => other.as_f64(),
            };
            Value::Timestamp(timestamp_from_secs(secs.ok_or_else(mismatch)?)?)
        }
    })
}

/// A CBOR item as JSON, for document shapes.
fn to_json(item: &Cbor, depth: usize) -> Result<serde_json::Value, ProtocolError> {
    use serde_json::Value as Json;
    check_depth(depth)?;
    Ok(match item {
        Cbor::Null => Json::Null,
        Cbor::Bool(b) => Json::Bool(*b),
        Cbor::Unsigned(n) => Json::from(*n),
        Cbor::Negative(n) => match i64::try_from(-1 - *n as i128) {
            Ok(i) => Json::from(i),
            Err(_) => Json::from(-1.0 - *n as f64),
        },
        Cbor::Float32(_) | Cbor::Float64(_) => {
            let x = item.as_f64().unwrap_or(f64::NAN);
            serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
        }
        Cbor::Text(s) => Json::String(s.clone()),
        Cbor::Bytes(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
        Cbor::Array(items) => Json::Array(
            items
                .iter()
                .map(|i| to_json(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Cbor::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                let key = k
                    .as_str()
                    .ok_or_else(|| ProtocolError::new("document map has a non-text key"))?;
                m.insert(key.to_string(), to_json(v, depth + 1)?);
            }
            Json::Object(m)
        }
        Cbor::Tag(_, inner) => to_json(inner, depth + 1)?,
    })
}
