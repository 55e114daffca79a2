//! JSON bodies (awsJson 1.0/1.1 and rest-json), like botocore's
//! `BaseJSONParser`.
//!
//! Members are found by `locationName` (or name); unknown keys and `null`
//! values are skipped; map entries whose value is `null` are dropped; blobs are
//! base64; timestamps are epoch numbers or any timestamp string; floats may be
//! `"NaN"`, `"Infinity"` or `"-Infinity"`; documents are kept as JSON.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

use super::budget::{Budget, SLOT};
use super::scalar::{decode_base64, parse_bool, parse_timestamp, shorten, timestamp_from_secs};
use super::{
    check_union, empty_struct, is_bound_outside_body, kind_name, unknown_union, MAX_DEPTH,
};
use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ProtocolError;
use crate::value::Value;

/// Walks JSON with the service model, building values as the text is read
/// (no JSON tree in between), each charged to a [`Budget`].
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
        if body.iter().all(u8::is_ascii_whitespace) {
            return self.top(shape, &Json::Object(Map::new()));
        }
        let budget = Budget::for_body(self.model, body.len());
        let mut de = serde_json::Deserializer::from_slice(body);
        let value = self
            .seed(shape, 0, &budget)
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| ProtocolError::new(format!("invalid JSON in response body: {e}")))?;
        Ok(self.fix_top(shape, value))
    }

    /// Parses an already decoded top-level value as `shape`.
    pub(crate) fn top(&self, shape: ShapeId, json: &Json) -> Result<Value, ProtocolError> {
        let budget = Budget::new(usize::MAX, 0);
        let value = self
            .seed(shape, 0, &budget)
            .deserialize(json)
            .map_err(|e| ProtocolError::new(e.to_string()))?;
        Ok(self.fix_top(shape, value))
    }

    fn fix_top(&self, shape: ShapeId, value: Value) -> Value {
        match value {
            Value::Null
                if self.model.shape(shape).kind == ShapeKind::Structure
                    && !self.model.shape(shape).union =>
            {
                empty_struct(self.model, shape)
            }
            v => v,
        }
    }

    fn seed<'a>(&'a self, id: ShapeId, depth: usize, budget: &'a Budget) -> ShapeSeed<'a> {
        ShapeSeed {
            reader: self,
            id,
            depth,
            budget,
        }
    }
}

/// Reads one value of shape `id`.
struct ShapeSeed<'a> {
    reader: &'a JsonReader<'a>,
    id: ShapeId,
    depth: usize,
    budget: &'a Budget,
}

impl ShapeSeed<'_> {
    fn child(&self, id: ShapeId) -> ShapeSeed<'_> {
        ShapeSeed {
            reader: self.reader,
            id,
            depth: self.depth + 1,
            budget: self.budget,
        }
    }

    fn mismatch<E: de::Error>(&self, found: String) -> E {
        let shape = self.reader.model.shape(self.id);
        E::custom(format!(
            "expected a {} for {}, found {found}",
            kind_name(shape.kind),
            shape.name
        ))
    }

    fn protocol<E: de::Error>(e: ProtocolError) -> E {
        E::custom(e.message)
    }
}

impl<'de> DeserializeSeed<'de> for ShapeSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "response nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let shape = self.reader.model.shape(self.id);
        if shape.kind == ShapeKind::Structure && shape.document {
            let doc = DocSeed {
                budget: self.budget,
                depth: self.depth,
            }
            .deserialize(d)?;
            return Ok(match doc {
                Json::Null => Value::Null,
                doc => Value::Document(Box::new(doc)),
            });
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value of {}", self.reader.model.shape(self.id).name)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        match self.reader.model.shape(self.id).kind {
            ShapeKind::Boolean => Ok(Value::Bool(b)),
            _ => Err(self.mismatch("a boolean".into())),
        }
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        self.number(Some(n), n as f64, n.to_string())
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        self.number(i64::try_from(n).ok(), n as f64, n.to_string())
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        let int = (x.fract() == 0.0 && x.abs() < 9.2e18).then_some(x as i64);
        self.number(int, x, x.to_string())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        // The value's own slot is its parent's; the text is on the heap.
        self.budget.charge(text.len()).map_err(Self::protocol)?;
        let shape = self.reader.model.shape(self.id);
        let value = match shape.kind {
            ShapeKind::String => Value::String(text.to_owned()),
            ShapeKind::Boolean => Value::Bool(parse_bool(text).map_err(Self::protocol)?),
            ShapeKind::Float | ShapeKind::Double => match special_float(text) {
                Some(x) => Value::Float(x),
                None => return Err(self.mismatch(format!("string {}", shorten(text)))),
            },
            ShapeKind::Blob => Value::blob(decode_base64(text).map_err(Self::protocol)?),
            ShapeKind::Timestamp => {
                Value::Timestamp(parse_timestamp(text).map_err(Self::protocol)?)
            }
            _ => return Err(self.mismatch(format!("string {}", shorten(text)))),
        };
        Ok(value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let shape = self.reader.model.shape(self.id);
        if shape.kind != ShapeKind::List {
            return Err(self.mismatch("a list".into()));
        }
        let item = item_shape(self.reader.model, self.id).map_err(Self::protocol)?;
        let mut out = Vec::new();
        loop {
            // A slot for each item, charged before it is read.
            self.budget.slots(1).map_err(Self::protocol)?;
            match seq.next_element_seed(self.child(item))? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::List(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let model = self.reader.model;
        let shape = model.shape(self.id);
        match shape.kind {
            ShapeKind::Map => {
                let target = shape
                    .value
                    .as_ref()
                    .map(|m| m.target)
                    .ok_or_else(|| de::Error::custom("map shape without value"))?;
                let mut out: Vec<(String, Value)> = Vec::new();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    self.budget
                        .charge(SLOT + 24 + key.len())
                        .map_err(Self::protocol)?;
                    let v = map.next_value_seed(self.child(target))?;
                    if !v.is_null() {
                        out.push((key.into_owned(), v));
                    }
                }
                Ok(Value::Map(out))
            }
            ShapeKind::Structure => {
                self.budget
                    .slots(shape.members.len())
                    .map_err(Self::protocol)?;
                let mut slots = vec![Value::Null; shape.members.len()];
                // For unions: how many members are set, and whether the
                // first one is a member this model knows.
                let mut set = 0usize;
                let mut first_known = None;
                let mut unknown_name = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let found = shape.members.iter().position(|m| m.wire_name() == key);
                    let member = found.map(|i| &shape.members[i]);
                    let skip = match member {
                        None => true,
                        Some(m) => self.reader.rest && is_bound_outside_body(m),
                    };
                    if skip {
                        let null = map.next_value_seed(IsNull)?;
                        if shape.union && !null && key != "__type" {
                            set += 1;
                            if first_known.is_none() {
                                unknown_name = Some(key.into_owned());
                            }
                            first_known.get_or_insert(false);
                        }
                        continue;
                    }
                    let i = found.unwrap_or_default();
                    let v = map.next_value_seed(self.child(shape.members[i].target))?;
                    if shape.union && !v.is_null() {
                        set += 1;
                        first_known.get_or_insert(true);
                    }
                    slots[i] = v;
                }
                if shape.union {
                    check_union(&shape.name, set).map_err(Self::protocol)?;
                    if first_known == Some(false) {
                        // A variant this model does not know: the union
                        // stays empty, with the variant's name.
                        let name = unknown_name.unwrap_or_default();
                        return Ok(unknown_union(model, self.id, &name));
                    }
                }
                Ok(Value::Struct(slots))
            }
            _ => Err(self.mismatch("an object".into())),
        }
    }
}

impl ShapeSeed<'_> {
    fn number<E: de::Error>(self, int: Option<i64>, x: f64, shown: String) -> Result<Value, E> {
        match self.reader.model.shape(self.id).kind {
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long => int
                .map(Value::Integer)
                .ok_or_else(|| self.mismatch(format!("number {shown}"))),
            ShapeKind::Float | ShapeKind::Double => Ok(Value::Float(x)),
            ShapeKind::Timestamp => Ok(Value::Timestamp(
                timestamp_from_secs(x).map_err(Self::protocol)?,
            )),
            _ => Err(self.mismatch(format!("number {shown}"))),
        }
    }
}

/// Skips a value, telling whether it was `null`.
struct IsNull;

impl<'de> DeserializeSeed<'de> for IsNull {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IsNull {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// Reads a document (open JSON), charging every node to the budget.
struct DocSeed<'a> {
    budget: &'a Budget,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "response nested deeper than {MAX_DEPTH} levels"
            )));
        }
        d.deserialize_any(self)
    }
}

impl DocSeed<'_> {
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        self.budget.charge(bytes).map_err(|e| E::custom(e.message))
    }

    fn child(&self) -> DocSeed<'_> {
        DocSeed {
            budget: self.budget,
            depth: self.depth + 1,
        }
    }
}

/// What one JSON node costs.
const JSON_NODE: usize = std::mem::size_of::<Json>();

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON document")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Json, E> {
        self.charge(JSON_NODE)?;
        Ok(Json::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Json, E> {
        self.charge(JSON_NODE)?;
        Ok(Json::from(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Json, E> {
        self.charge(JSON_NODE)?;
        Ok(Json::from(n))
    }
    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Json, E> {
        self.charge(JSON_NODE)?;
        Ok(serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        self.charge(JSON_NODE + s.len())?;
        Ok(Json::String(s.to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        self.charge(JSON_NODE)?;
        let mut out = Vec::new();
        loop {
            self.charge(JSON_NODE)?;
            match seq.next_element_seed(self.child())? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        self.charge(JSON_NODE)?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.charge(JSON_NODE + 64 + key.len())?;
            let v = map.next_value_seed(self.child())?;
            out.insert(key, v);
        }
        Ok(Json::Object(out))
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

/// The string spellings of special floats.
fn special_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}
