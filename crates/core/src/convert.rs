//! Conversion between JSON-like parameters (the dynamic path, boto3's dicts)
//! and model-shaped [`Value`]s, with type checking.
//!
//! JSON conventions (as the AWS CLI uses them): blobs are base64 strings,
//! timestamps are ISO 8601 strings or epoch seconds, float special values are
//! the strings `"NaN"`, `"Infinity"` and `"-Infinity"`.

use std::fmt;

use base64::Engine as _;
use serde_json::{Map, Number, Value as Json};

use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::time::DateTime;
use crate::value::Value;

/// How blobs and timestamps are written as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonOptions {
    /// Blobs as base64 strings (true) or as the bytes' text (false; test vectors).
    pub blobs_base64: bool,
    /// Timestamps as epoch seconds (true) or ISO 8601 strings (false).
    pub timestamps_epoch: bool,
    /// Reject strings outside a modeled enum.
    pub check_enums: bool,
}

impl JsonOptions {
    /// The conventions of botocore's protocol test vectors: blobs as their
    /// text, timestamps as epoch seconds, enums unchecked.
    pub const VECTORS: JsonOptions = JsonOptions {
        blobs_base64: false,
        timestamps_epoch: true,
        check_enums: false,
    };
}

impl Default for JsonOptions {
    fn default() -> Self {
        JsonOptions {
            blobs_base64: true,
            timestamps_epoch: false,
            check_enums: true,
        }
    }
}

/// A parameter had the wrong type, an unknown name or a bad value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// Path to the parameter (`Entries[0].Id`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "invalid input: {}", self.message)
        } else {
            write!(f, "invalid parameter {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ParamError {}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn type_name(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "list",
        Json::Object(_) => "object",
    }
}

/// Converts JSON parameters into a [`Value`] of shape `shape`.
pub fn from_json(
    model: &ServiceModel,
    shape: ShapeId,
    json: &Json,
    opts: JsonOptions,
) -> Result<Value, ParamError> {
    from_json_at(model, shape, json, opts, "", 0)
}

const MAX_DEPTH: usize = 64;

/// Whether `m` is a string header member with the `jsonvalue` trait (a JSON
/// document, base64-encoded on the wire).
fn is_json_value_header(model: &ServiceModel, m: &crate::model::Member) -> bool {
    m.location == crate::model::Location::Header
        && crate::protocol::ser::traits::json_value(model, m)
        && model.shape(m.target).kind == ShapeKind::String
}

fn from_json_at(
    model: &ServiceModel,
    id: ShapeId,
    json: &Json,
    opts: JsonOptions,
    path: &str,
    depth: usize,
) -> Result<Value, ParamError> {
    let shape = model.shape(id);
    let err = |message: String| ParamError {
        path: path.to_string(),
        message,
    };
    if depth > MAX_DEPTH {
        return Err(err("nesting too deep".into()));
    }
    if json.is_null() {
        return Ok(Value::Null);
    }
    let mismatch = |want: &str| err(format!("expected {want}, got {}", type_name(json)));
    Ok(match shape.kind {
        ShapeKind::Structure if shape.document => Value::Document(Box::new(json.clone())),
        ShapeKind::Structure if shape.event_stream && depth > 0 => {
            return Err(err(
                "an event stream cannot be given as a JSON parameter: pass the events to \
                 `call_stream_with_input`"
                    .into(),
            ))
        }
        ShapeKind::Structure => {
            let obj = json.as_object().ok_or_else(|| mismatch("an object"))?;
            let mut slots = vec![Value::Null; shape.members.len()];
            for (key, val) in obj {
                let Some(i) = shape.member_index(key) else {
                    let valid: Vec<&str> = shape.members.iter().map(|m| m.name.as_str()).collect();
                    return Err(err(format!(
                        "unknown parameter \"{key}\", must be one of: {}",
                        valid.join(", ")
                    )));
                };
                let m = &shape.members[i];
                slots[i] = if is_json_value_header(model, m) {
                    // boto3 takes any JSON-serializable value here and sends
                    // it JSON-encoded (then base64) in the header, a string
                    // included (`"text"` with its quotes).
                    Value::Document(Box::new(val.clone()))
                } else {
                    from_json_at(model, m.target, val, opts, &join(path, key), depth + 1)?
                };
            }
            if shape.union && slots.iter().filter(|s| !s.is_null()).count() > 1 {
                return Err(err("a union takes exactly one member".into()));
            }
            Value::Struct(slots)
        }
        ShapeKind::List => {
            let arr = json.as_array().ok_or_else(|| mismatch("a list"))?;
            let target = shape.member.as_ref().map(|m| m.target).unwrap_or(id);
            let mut out = Vec::with_capacity(arr.len());
            for (i, item) in arr.iter().enumerate() {
                let p = format!("{path}[{i}]");
                out.push(from_json_at(model, target, item, opts, &p, depth + 1)?);
            }
            Value::List(out)
        }
        ShapeKind::Map => {
            let obj = json.as_object().ok_or_else(|| mismatch("an object"))?;
            let target = shape.value.as_ref().map(|m| m.target).unwrap_or(id);
            let mut out = Vec::with_capacity(obj.len());
            for (k, v) in obj {
                out.push((
                    k.clone(),
                    from_json_at(model, target, v, opts, &join(path, k), depth + 1)?,
                ));
            }
            Value::Map(out)
        }
        ShapeKind::String => {
            let s = json.as_str().ok_or_else(|| mismatch("a string"))?;
            if opts.check_enums
                && !shape.enum_values.is_empty()
                && !shape.enum_values.iter().any(|e| e == s)
            {
                return Err(err(format!(
                    "\"{s}\" is not a valid value, must be one of: {}",
                    shape.enum_values.join(", ")
                )));
            }
            Value::String(s.to_string())
        }
        ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long => {
            let n = json.as_i64().ok_or_else(|| mismatch("an integer"))?;
            let (lo, hi) = match shape.kind {
                ShapeKind::Byte => (i8::MIN as i64, i8::MAX as i64),
                ShapeKind::Short => (i16::MIN as i64, i16::MAX as i64),
                ShapeKind::Integer => (i32::MIN as i64, i32::MAX as i64),
                _ => (i64::MIN, i64::MAX),
            };
            if n < lo || n > hi {
                return Err(err(format!("{n} does not fit the parameter's type")));
            }
            Value::Integer(n)
        }
        ShapeKind::Float | ShapeKind::Double => match json {
            Json::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => Value::Float(match s.as_str() {
                "NaN" => f64::NAN,
                "Infinity" => f64::INFINITY,
                "-Infinity" => f64::NEG_INFINITY,
                _ => return Err(mismatch("a number")),
            }),
            _ => return Err(mismatch("a number")),
        },
        ShapeKind::Boolean => Value::Bool(json.as_bool().ok_or_else(|| mismatch("a boolean"))?),
        ShapeKind::Blob => {
            let s = json.as_str().ok_or_else(|| mismatch("a string"))?;
            if opts.blobs_base64 {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map_err(|_| err("expected a base64 string".into()))?;
                Value::blob(bytes)
            } else {
                Value::blob(bytes::Bytes::copy_from_slice(s.as_bytes()))
            }
        }
        ShapeKind::Timestamp => match json {
            Json::Number(n) => Value::Timestamp(
                n.as_f64()
                    .and_then(DateTime::from_secs_f64)
                    .ok_or_else(|| err("timestamp out of range".into()))?,
            ),
            Json::String(s) => Value::Timestamp(
                DateTime::parse(s).ok_or_else(|| err(format!("\"{s}\" is not a timestamp")))?,
            ),
            _ => return Err(mismatch("a timestamp")),
        },
    })
}

/// Converts a [`Value`] of shape `shape` to JSON (absent members omitted).
pub fn to_json(model: &ServiceModel, shape: ShapeId, value: &Value, opts: JsonOptions) -> Json {
    let s = model.shape(shape);
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Integer(i) => Json::Number((*i).into()),
        Value::Float(x) => match Number::from_f64(*x) {
            Some(n) => Json::Number(n),
            None if x.is_nan() => Json::String("NaN".into()),
            None if *x > 0.0 => Json::String("Infinity".into()),
            None => Json::String("-Infinity".into()),
        },
        Value::String(s) => Json::String(s.clone()),
        Value::Blob(b) => Json::String(if opts.blobs_base64 {
            base64::engine::general_purpose::STANDARD.encode(&**b)
        } else {
            String::from_utf8_lossy(b).into_owned()
        }),
        Value::Timestamp(t) => {
            if opts.timestamps_epoch {
                Number::from_f64(t.as_secs_f64())
                    .map(|n| {
                        if t.subsec_nanos() == 0 {
                            Json::Number(t.secs().into())
                        } else {
                            Json::Number(n)
                        }
                    })
                    .unwrap_or(Json::Null)
            } else {
                Json::String(t.to_iso8601())
            }
        }
        Value::Document(d) => (**d).clone(),
        // A streaming body has no JSON form; it travels beside the params.
        Value::Stream(_) => Json::Null,
        // Nor do events: the dynamic path returns them beside the output
        // (`call_stream`).
        Value::EventStream(_) => Json::Null,
        Value::List(items) => {
            let target = s.member.as_ref().map(|m| m.target).unwrap_or(shape);
            Json::Array(
                items
                    .iter()
                    .map(|v| to_json(model, target, v, opts))
                    .collect(),
            )
        }
        Value::Map(entries) => {
            let target = s.value.as_ref().map(|m| m.target).unwrap_or(shape);
            let mut obj = Map::with_capacity(entries.len());
            for (k, v) in entries {
                obj.insert(k.clone(), to_json(model, target, v, opts));
            }
            Json::Object(obj)
        }
        Value::Struct(slots) => {
            let mut obj = Map::with_capacity(present(slots));
            if let Some(name) = crate::protocol::de::unknown_union_member(s, slots) {
                // boto3's shape for a union member this model does not know.
                obj.insert(
                    "SDK_UNKNOWN_MEMBER".to_owned(),
                    serde_json::json!({ "name": name }),
                );
                return Json::Object(obj);
            }
            for (m, v) in s.members.iter().zip(slots) {
                if !v.is_null() {
                    obj.insert(m.name.clone(), to_json(model, m.target, v, opts));
                }
            }
            Json::Object(obj)
        }
    }
}

/// A list's items converted one by one, without holding the value list's
/// buffer whole beside the JSON list's (for a 50,000-object listing, 1.7
/// MiB of slots beside as much or more of JSON values).
///
/// Where a JSON value is the size of a value slot (serde_json without
/// `preserve_order`), the items are converted in place: the standard
/// library's in-place collection reuses the buffer. Otherwise see
/// [`convert_from_end`].
fn list_into_json(items: Vec<Value>, mut convert: impl FnMut(Value) -> Json) -> Vec<Json> {
    use std::mem::{align_of, size_of};
    if size_of::<Json>() == size_of::<Value>() && align_of::<Json>() == align_of::<Value>() {
        let mut out: Vec<Json> = items.into_iter().map(convert).collect();
        // The parser grew the list by doubling.
        out.shrink_to_fit();
        return out;
    }
    convert_from_end(items, &mut convert)
}

/// `items` converted, taken from the end with the list shrunk each time an
/// eighth of it is free, so its buffer is given back as the output fills.
/// The output is allocated at its length; its pages are touched only as it
/// fills.
fn convert_from_end<T>(mut items: Vec<Value>, mut convert: impl FnMut(Value) -> T) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    while let Some(item) = items.pop() {
        out.push(convert(item));
        if items.capacity() - items.len() >= (items.capacity() / 8).max(64) {
            // glibc shrinks a block in place, giving the tail back; an
            // allocator that copies instead copies 8x the list at most.
            items.shrink_to_fit();
        }
    }
    out.reverse();
    out
}

/// How many members of a structure are set.
fn present(slots: &[Value]) -> usize {
    slots.iter().filter(|v| !v.is_null()).count()
}

/// [`to_json`] that consumes the value: strings are moved, and each list
/// item, map entry and member is dropped once converted, so a large output
/// is not held twice (as a `Value` tree and as JSON) at its peak.
pub fn into_json(model: &ServiceModel, shape: ShapeId, value: Value, opts: JsonOptions) -> Json {
    let s = model.shape(shape);
    match value {
        Value::String(text) => Json::String(text),
        Value::List(items) => {
            let target = s.member.as_ref().map(|m| m.target).unwrap_or(shape);
            Json::Array(list_into_json(items, |item| {
                into_json(model, target, item, opts)
            }))
        }
        Value::Map(entries) => {
            let target = s.value.as_ref().map(|m| m.target).unwrap_or(shape);
            let mut obj = Map::with_capacity(entries.len());
            for (k, v) in entries {
                obj.insert(k, into_json(model, target, v, opts));
            }
            Json::Object(obj)
        }
        Value::Struct(slots) if crate::protocol::de::unknown_union_member(s, &slots).is_none() => {
            // Sized exactly: with serde_json's `preserve_order` a map grown
            // by doubling holds up to twice the entries it needs, which is
            // most of a large listing's JSON.
            let mut obj = Map::with_capacity(present(&slots));
            for (m, v) in s.members.iter().zip(slots) {
                if !v.is_null() {
                    obj.insert(m.name.clone(), into_json(model, m.target, v, opts));
                }
            }
            Json::Object(obj)
        }
        // Scalars (and unknown union members) are small: as `to_json`.
        other => to_json(model, shape, &other, opts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> ServiceModel {
        ServiceModel::from_value(json!({
            "metadata": {"protocol": "json"},
            "shapes": {
                "In": {"type": "structure", "members": {
                    "Name": {"shape": "S"}, "Count": {"shape": "I"}, "Color": {"shape": "E"},
                    "Tags": {"shape": "M"}, "Data": {"shape": "B"}, "When": {"shape": "T"},
                    "Items": {"shape": "L"}}},
                "S": {"type": "string"}, "I": {"type": "integer"}, "B": {"type": "blob"},
                "T": {"type": "timestamp"}, "E": {"type": "string", "enum": ["red", "blue"]},
                "M": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
                "L": {"type": "list", "member": {"shape": "I"}}
            }
        }))
        .unwrap()
    }

    #[test]
    fn round_trips_every_kind() {
        let m = model();
        let id = m.shape_id("In").unwrap();
        let input = json!({"Name": "q", "Count": 3, "Color": "red", "Tags": {"a": "b"},
                           "Data": "aGk=", "When": "2014-04-29T18:30:38Z", "Items": [1, 2]});
        let v = from_json(&m, id, &input, JsonOptions::default()).unwrap();
        assert_eq!(to_json(&m, id, &v, JsonOptions::default()), input);
        // The consuming form writes the same JSON.
        assert_eq!(into_json(&m, id, v, JsonOptions::default()), input);
    }

    /// boto3 takes any JSON value for a `jsonvalue` header and encodes it
    /// as JSON; the body keeps strings as they are.
    #[test]
    fn json_value_headers_take_any_json_value() {
        let m = ServiceModel::from_value(json!({
            "metadata": {"protocol": "rest-json"},
            "shapes": {
                "In": {"type": "structure", "members": {
                    "H": {"shape": "S", "location": "header", "locationName": "x-h",
                          "jsonvalue": true},
                    "B": {"shape": "S", "jsonvalue": true}}},
                "S": {"type": "string"}
            }
        }))
        .unwrap();
        let id = m.shape_id("In").unwrap();
        for header in [json!("text"), json!({"a": [1, true]})] {
            let input = json!({"H": header, "B": "{}"});
            let v = from_json(&m, id, &input, JsonOptions::default()).unwrap();
            let h = &v.as_struct().unwrap()[m.shape(id).member_index("H").unwrap()];
            assert_eq!(*h, Value::Document(Box::new(header.clone())));
            let b = &v.as_struct().unwrap()[m.shape(id).member_index("B").unwrap()];
            assert_eq!(*b, Value::String("{}".into()));
            assert!(crate::validate::validate(&m, id, &v).is_empty());
        }
    }

    #[test]
    fn long_lists_keep_their_order() {
        let items: Vec<Value> = (0..1000).map(Value::Integer).collect();
        let want: Vec<i64> = (0..1000).collect();
        let from_end = convert_from_end(items.clone(), |v| match v {
            Value::Integer(i) => i,
            _ => -1,
        });
        assert_eq!(from_end, want);
        let json = list_into_json(items, |v| match v {
            Value::Integer(i) => Json::from(i),
            _ => Json::Null,
        });
        assert_eq!(
            json,
            want.iter().map(|&i| Json::from(i)).collect::<Vec<_>>()
        );
        assert_eq!(json.capacity(), json.len());
    }

    #[test]
    fn names_the_bad_parameter() {
        let m = model();
        let id = m.shape_id("In").unwrap();
        let e = from_json(&m, id, &json!({"Items": [1, "x"]}), JsonOptions::default()).unwrap_err();
        assert_eq!(e.path, "Items[1]");
        let e = from_json(&m, id, &json!({"Nope": 1}), JsonOptions::default()).unwrap_err();
        assert!(e.message.contains("unknown parameter \"Nope\""), "{e}");
        let e = from_json(&m, id, &json!({"Color": "green"}), JsonOptions::default()).unwrap_err();
        assert_eq!(e.path, "Color");
        let e = from_json(
            &m,
            id,
            &json!({"Count": 1u64 << 40}),
            JsonOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.path, "Count");
    }
}
