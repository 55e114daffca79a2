//! JSON bodies (awsJson 1.0/1.1 and rest-json), like botocore's
//! `BaseJSONParser`.
//!
//! Members are found by `locationName` (or name); unknown keys and `null`
//! values are skipped; map entries whose value is `null` are dropped; blobs are
//! base64; timestamps are epoch numbers or any timestamp string; floats may be
//! `"NaN"`, `"Infinity"` or `"-Infinity"`; documents are kept as JSON.

use serde_json::{Map, Value as Json};

use super::scalar::{decode_base64, parse_bool, parse_timestamp, shorten, timestamp_from_secs};
use super::{check_depth, check_union, empty_struct, is_bound_outside_body, kind_name};
use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ProtocolError;
use crate::value::Value;

/// Walks JSON values with the service model.
pub(crate) struct JsonReader<'m> {
    model: &'m ServiceModel,
    /// REST body: members bound to headers or the status code are not read
    /// from the body.
    rest: bool,
}

impl<'m> JsonReader<'m> {
    /// A reader for awsJson (`rest = false`) or rest-json bodies.
    pub(crate) fn new(model: &'m ServiceModel, rest: bool) -> Self {
        JsonReader { model, rest }
    }

    /// Parses a whole body as `shape`: an empty body is `{}`, invalid JSON is
    /// an error, a top-level `null` is an empty structure.
    pub(crate) fn body(&self, shape: ShapeId, body: &[u8]) -> Result<Value, ProtocolError> {
        let json = parse_strict(body)?;
        self.top(shape, &json)
    }

    /// Parses an already decoded top-level value as `shape`.
    pub(crate) fn top(&self, shape: ShapeId, json: &Json) -> Result<Value, ProtocolError> {
        match self.value(shape, json, 0)? {
            Value::Null
                if self.model.shape(shape).kind == ShapeKind::Structure
                    && !self.model.shape(shape).union =>
            {
                Ok(empty_struct(self.model, shape))
            }
            v => Ok(v),
        }
    }

    /// Converts `json` to a value of shape `id`.
    pub(crate) fn value(
        &self,
        id: ShapeId,
        json: &Json,
        depth: usize,
    ) -> Result<Value, ProtocolError> {
        check_depth(depth)?;
        if json.is_null() {
            return Ok(Value::Null);
        }
        let shape = self.model.shape(id);
        let mismatch = || {
            ProtocolError::new(format!(
                "expected a {} for {}, found {}",
                kind_name(shape.kind),
                shape.name,
                json_type(json)
            ))
        };
        Ok(match shape.kind {
            ShapeKind::Structure if shape.document => Value::Document(json.clone()),
            ShapeKind::Structure => {
                let obj = json.as_object().ok_or_else(mismatch)?;
                return self.structure(id, obj, depth);
            }
            ShapeKind::List => {
                let arr = json.as_array().ok_or_else(mismatch)?;
                let item = item_shape(self.model, id)?;
                let mut out = Vec::with_capacity(arr.len());
                for v in arr {
                    out.push(self.value(item, v, depth + 1)?);
                }
                Value::List(out)
            }
            ShapeKind::Map => {
                let obj = json.as_object().ok_or_else(mismatch)?;
                let target = shape
                    .value
                    .as_ref()
                    .map(|m| m.target)
                    .ok_or_else(|| ProtocolError::new("map shape without value"))?;
                let mut out = Vec::with_capacity(obj.len());
                for (k, v) in obj {
                    if !v.is_null() {
                        out.push((k.clone(), self.value(target, v, depth + 1)?));
                    }
                }
                Value::Map(out)
            }
            ShapeKind::String => Value::String(json.as_str().ok_or_else(mismatch)?.to_string()),
            ShapeKind::Boolean => match json {
                Json::Bool(b) => Value::Bool(*b),
                Json::String(s) => Value::Bool(parse_bool(s)?),
                _ => return Err(mismatch()),
            },
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long => {
                Value::Integer(json_int(json).ok_or_else(mismatch)?)
            }
            ShapeKind::Float | ShapeKind::Double => match json {
                Json::Number(n) => Value::Float(n.as_f64().ok_or_else(mismatch)?),
                Json::String(s) => Value::Float(special_float(s).ok_or_else(mismatch)?),
                _ => return Err(mismatch()),
            },
            ShapeKind::Blob => Value::Blob(decode_base64(json.as_str().ok_or_else(mismatch)?)?),
            ShapeKind::Timestamp => Value::Timestamp(match json {
                Json::Number(n) => timestamp_from_secs(n.as_f64().ok_or_else(mismatch)?)?,
                Json::String(s) => parse_timestamp(s)?,
                _ => return Err(mismatch()),
            }),
        })
    }

    fn structure(
        &self,
        id: ShapeId,
        obj: &Map<String, Json>,
        depth: usize,
    ) -> Result<Value, ProtocolError> {
        let shape = self.model.shape(id);
        if shape.union {
            let set: Vec<&String> = obj
                .iter()
                .filter(|(k, v)| *k != "__type" && !v.is_null())
                .map(|(k, _)| k)
                .collect();
            if !check_union(&shape.name, set.len())? {
                return Ok(Value::Null);
            }
            if !shape
                .members
                .iter()
                .any(|m| m.wire_name() == set[0].as_str())
            {
                // A variant this model does not know: the union stays empty.
                return Ok(empty_struct(self.model, id));
            }
        }
        let mut slots = vec![Value::Null; shape.members.len()];
        for (slot, m) in slots.iter_mut().zip(&shape.members) {
            if self.rest && is_bound_outside_body(m) {
                continue;
            }
            if let Some(v) = obj.get(m.wire_name()) {
                *slot = self.value(m.target, v, depth + 1)?;
            }
        }
        Ok(Value::Struct(slots))
    }
}

/// The member shape of a list.
pub(crate) fn item_shape(model: &ServiceModel, list: ShapeId) -> Result<ShapeId, ProtocolError> {
    model
        .shape(list)
        .member
        .as_ref()
        .map(|m| m.target)
        .ok_or_else(|| ProtocolError::new("list shape without member"))
}

/// Parses a body; empty (or blank) is `{}`, invalid JSON is an error.
pub(crate) fn parse_strict(body: &[u8]) -> Result<Json, ProtocolError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Json::Object(Map::new()));
    }
    serde_json::from_slice(body)
        .map_err(|e| ProtocolError::new(format!("invalid JSON in response body: {e}")))
}

/// Parses an error body like botocore: empty is `{}`, and a body that is not
/// JSON becomes `{"message": <body text>}`.
pub(crate) fn parse_lenient(body: &[u8]) -> Json {
    parse_strict(body).unwrap_or_else(|_| {
        let mut m = Map::new();
        let text = String::from_utf8_lossy(body).into_owned();
        m.insert("message".into(), Json::String(text));
        Json::Object(m)
    })
}

/// An integer, also from an integral float (`5.0`).
fn json_int(json: &Json) -> Option<i64> {
    json.as_i64().or_else(|| {
        json.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
            .map(|f| f as i64)
    })
}

/// The string spellings of special floats.
fn special_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

fn json_type(json: &Json) -> String {
    match json {
        Json::Null => "null".into(),
        Json::Bool(_) => "a boolean".into(),
        Json::Number(n) => format!("number {n}"),
        Json::String(s) => format!("string {}", shorten(s)),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "an object".into(),
    }
}
