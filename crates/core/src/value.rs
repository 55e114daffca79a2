//! [`Value`]: the protocol-neutral data tree every call passes through.
//!
//! Typed inputs become a `Value` (via [`IntoValue`]), the protocol layer turns
//! it into an HTTP request using the service model, and a response is parsed
//! back into a `Value` that typed outputs are read from (via [`FromValue`]).
//! The dynamic call path converts JSON to and from `Value` with the model
//! (see [`crate::convert`]).
//!
//! A structure is a dense vector indexed by the position of the member in the
//! model; an absent member is [`Value::Null`].

use std::collections::HashMap;
use std::fmt;

use bytes::Bytes;

use crate::time::DateTime;

/// A protocol-neutral value shaped by a service model.
#[derive(Clone, PartialEq, Default)]
pub enum Value {
    /// Absent.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer kind (byte, short, integer, long).
    Integer(i64),
    /// Any float kind (float, double), including NaN and infinities.
    Float(f64),
    /// A string (or enum value).
    String(String),
    /// Bytes (boxed, so every slot of a value tree is 32 bytes: blobs are
    /// rare next to strings and structures).
    Blob(Box<Bytes>),
    /// A point in time.
    Timestamp(DateTime),
    /// A list.
    List(Vec<Value>),
    /// A map with string keys, in wire order.
    Map(Vec<(String, Value)>),
    /// A structure: one slot per model member, [`Value::Null`] when absent.
    Struct(Vec<Value>),
    /// An open document (JSON-like).
    Document(Box<serde_json::Value>),
    /// A streaming payload (a file or a stream) that the pipeline sends or
    /// hands over without reading it into memory.
    Stream(crate::body::ByteStream),
    /// An event stream: an output's events as they arrive, or an input's
    /// events to send.
    EventStream(crate::eventstream::EventStreamValue),
}

impl Value {
    /// A blob value.
    pub fn blob(bytes: impl Into<Bytes>) -> Value {
        Value::Blob(Box::new(bytes.into()))
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A short name of the variant, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Blob(_) => "blob",
            Value::Timestamp(_) => "timestamp",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Struct(_) => "structure",
            Value::Document(_) => "document",
            Value::Stream(_) => "stream",
            Value::EventStream(_) => "event stream",
        }
    }

    /// The struct slots, if this is a structure.
    pub fn as_struct(&self) -> Option<&[Value]> {
        match self {
            Value::Struct(v) => Some(v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Blob(b) => write!(f, "Blob({} bytes)", b.len()),
            Value::Timestamp(t) => write!(f, "{t}"),
            Value::List(l) => f.debug_list().entries(l).finish(),
            Value::Map(m) => f
                .debug_map()
                .entries(m.iter().map(|(k, v)| (k, v)))
                .finish(),
            Value::Struct(s) => f.debug_list().entries(s).finish(),
            Value::Document(d) => write!(f, "{d}"),
            Value::Stream(b) => write!(f, "{b:?}"),
            Value::EventStream(e) => write!(f, "{e:?}"),
        }
    }
}

/// A typed value could not be read from a [`Value`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionError {
    /// What was expected and what was found.
    pub message: String,
}

impl ConversionError {
    /// An error saying `expected` was wanted but `found` was given.
    pub fn expected(expected: &str, found: &Value) -> Self {
        ConversionError {
            message: format!("expected {expected}, found {}", found.kind_name()),
        }
    }
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConversionError {}

/// Converts a typed value into a [`Value`] (consuming it).
pub trait IntoValue {
    /// Performs the conversion.
    fn into_value(self) -> Value;
}

/// Reads a typed value out of a [`Value`].
pub trait FromValue: Sized {
    /// Performs the conversion.
    fn from_value(value: Value) -> Result<Self, ConversionError>;
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        match self {
            Some(v) => v.into_value(),
            None => Value::Null,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        Value::List(self.into_iter().map(IntoValue::into_value).collect())
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::List(items) => items.into_iter().map(T::from_value).collect(),
            other => Err(ConversionError::expected("list", &other)),
        }
    }
}

impl<K: Into<String>, T: IntoValue> IntoValue for HashMap<K, T> {
    fn into_value(self) -> Value {
        let mut entries: Vec<(String, Value)> = self
            .into_iter()
            .map(|(k, v)| (k.into(), v.into_value()))
            .collect();
        // Deterministic wire order (HashMap iteration order is random).
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Map(entries)
    }
}

impl<K: From<String> + std::hash::Hash + Eq, T: FromValue> FromValue for HashMap<K, T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Map(entries) => entries
                .into_iter()
                .map(|(k, v)| Ok((K::from(k), T::from_value(v)?)))
                .collect(),
            other => Err(ConversionError::expected("map", &other)),
        }
    }
}

impl IntoValue for String {
    fn into_value(self) -> Value {
        Value::String(self)
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(ConversionError::expected("string", &other)),
        }
    }
}

impl IntoValue for bool {
    fn into_value(self) -> Value {
        Value::Bool(self)
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(ConversionError::expected("boolean", &other)),
        }
    }
}

macro_rules! integer_value {
    ($($t:ty),*) => {$(
        impl IntoValue for $t {
            fn into_value(self) -> Value {
                Value::Integer(self as i64)
            }
        }
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, ConversionError> {
                match value {
                    Value::Integer(i) => <$t>::try_from(i).map_err(|_| ConversionError {
                        message: format!("integer {i} out of range for {}", stringify!($t)),
                    }),
                    other => Err(ConversionError::expected("integer", &other)),
                }
            }
        }
    )*};
}
integer_value!(i8, i16, i32, i64);

impl IntoValue for f64 {
    fn into_value(self) -> Value {
        Value::Float(self)
    }
}

impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Float(x) => Ok(x),
            Value::Integer(i) => Ok(i as f64),
            other => Err(ConversionError::expected("number", &other)),
        }
    }
}

impl IntoValue for f32 {
    fn into_value(self) -> Value {
        Value::Float(self as f64)
    }
}

impl FromValue for f32 {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        f64::from_value(value).map(|x| x as f32)
    }
}

impl IntoValue for Bytes {
    fn into_value(self) -> Value {
        Value::blob(self)
    }
}

impl FromValue for Bytes {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Blob(b) => Ok(*b),
            Value::String(s) => Ok(Bytes::from(s)),
            other => Err(ConversionError::expected("blob", &other)),
        }
    }
}

impl IntoValue for DateTime {
    fn into_value(self) -> Value {
        Value::Timestamp(self)
    }
}

impl FromValue for DateTime {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Timestamp(t) => Ok(t),
            other => Err(ConversionError::expected("timestamp", &other)),
        }
    }
}

impl IntoValue for serde_json::Value {
    fn into_value(self) -> Value {
        Value::Document(Box::new(self))
    }
}

impl FromValue for serde_json::Value {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Document(d) => Ok(*d),
            other => Err(ConversionError::expected("document", &other)),
        }
    }
}

impl IntoValue for () {
    fn into_value(self) -> Value {
        Value::Null
    }
}

impl FromValue for () {
    fn from_value(_: Value) -> Result<Self, ConversionError> {
        Ok(())
    }
}

impl<T: IntoValue> IntoValue for Box<T> {
    fn into_value(self) -> Value {
        (*self).into_value()
    }
}

impl<T: FromValue> FromValue for Box<T> {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        T::from_value(value).map(Box::new)
    }
}

/// Reads structure slots in order; used by generated `FromValue` impls.
pub struct StructReader {
    slots: std::vec::IntoIter<Value>,
}

impl StructReader {
    /// Starts reading a structure value; any other value is an error.
    pub fn new(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Struct(slots) => Ok(StructReader {
                slots: slots.into_iter(),
            }),
            other => Err(ConversionError::expected("structure", &other)),
        }
    }

    /// Reads the next member (absent when the struct has fewer slots).
    #[allow(clippy::should_implement_trait)]
    pub fn next<T: FromValue>(&mut self, member: &str) -> Result<T, ConversionError> {
        let value = self.next_value();
        // The error path is a plain function, not a generic closure: this
        // method is instantiated for every member type of every service.
        T::from_value(value).map_err(|e| e.in_member(member))
    }

    fn next_value(&mut self) -> Value {
        self.slots.next().unwrap_or(Value::Null)
    }
}

impl ConversionError {
    /// The same error, prefixed with the member it was found in.
    #[inline(never)]
    fn in_member(self, member: &str) -> ConversionError {
        ConversionError {
            message: format!("{member}: {}", self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every structure member costs a value slot: keep it small, whatever
    /// serde_json features the build unifies (`preserve_order` doubles a
    /// `serde_json::Value`, which is why documents are boxed).
    #[test]
    fn a_value_slot_is_thirty_two_bytes() {
        assert_eq!(std::mem::size_of::<super::Value>(), 32);
    }

    use super::*;

    #[test]
    fn option_maps_to_null() {
        assert_eq!(None::<String>.into_value(), Value::Null);
        assert_eq!(Option::<String>::from_value(Value::Null), Ok(None));
    }

    #[test]
    fn integer_range_is_checked() {
        assert!(i32::from_value(Value::Integer(i64::MAX)).is_err());
        assert_eq!(i32::from_value(Value::Integer(-5)), Ok(-5));
    }

    #[test]
    fn map_order_is_deterministic() {
        let mut m = HashMap::new();
        for k in ["b", "a", "c"] {
            m.insert(k.to_string(), 1i32);
        }
        let Value::Map(entries) = m.into_value() else {
            panic!("not a map")
        };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
    }

    #[test]
    fn struct_reader_names_the_member_on_error() {
        let v = Value::Struct(vec![Value::Bool(true)]);
        let mut r = StructReader::new(v).unwrap();
        let err = r.next::<Option<String>>("QueueUrl").unwrap_err();
        assert!(err.message.starts_with("QueueUrl:"), "{err}");
    }
}
