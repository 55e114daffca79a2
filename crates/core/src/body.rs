//! [`ByteStream`]: request and response bodies.

use bytes::Bytes;

use crate::value::{ConversionError, FromValue, IntoValue, Value};

/// A body of bytes. Today it holds the bytes in memory; streaming sources and
/// sinks build on the same type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByteStream {
    bytes: Bytes,
}

impl ByteStream {
    /// A body from bytes.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        ByteStream {
            bytes: bytes.into(),
        }
    }

    /// Collects the whole body.
    pub async fn collect(self) -> Result<Bytes, std::io::Error> {
        Ok(self.bytes)
    }

    /// The length, when known.
    pub fn len(&self) -> Option<u64> {
        Some(self.bytes.len() as u64)
    }

    /// True when the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl From<Bytes> for ByteStream {
    fn from(b: Bytes) -> Self {
        ByteStream::from_bytes(b)
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(b: Vec<u8>) -> Self {
        ByteStream::from_bytes(b)
    }
}

impl From<&'static str> for ByteStream {
    fn from(s: &'static str) -> Self {
        ByteStream::from_bytes(Bytes::from_static(s.as_bytes()))
    }
}

impl From<String> for ByteStream {
    fn from(s: String) -> Self {
        ByteStream::from_bytes(s)
    }
}

impl IntoValue for ByteStream {
    fn into_value(self) -> Value {
        Value::Blob(self.bytes)
    }
}

impl FromValue for ByteStream {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        Bytes::from_value(value).map(ByteStream::from_bytes)
    }
}
