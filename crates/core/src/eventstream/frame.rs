//! One `application/vnd.amazon.eventstream` message on the wire:
//!
//! ```text
//! [total length u32][headers length u32][prelude CRC32 u32]
//! [headers ...][payload ...][message CRC32 u32]
//! ```
//!
//! All integers are big-endian; the prelude CRC covers the first 8 bytes and
//! the message CRC everything before it. A header is a name (1-byte length,
//! UTF-8), a type byte and a value of that type ([`HeaderValue`]).
//!
//! Lengths are capped ([`MAX_FRAME_LEN`], [`MAX_HEADERS_LEN`]) in both
//! directions, and decoding never trusts a declared length beyond the bytes
//! actually present.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

/// The prelude: total length, headers length, prelude CRC.
pub const PRELUDE_LEN: usize = 12;
/// The trailing message CRC.
pub const MESSAGE_CRC_LEN: usize = 4;
/// The smallest frame: a prelude and a message CRC, nothing else.
pub const MIN_FRAME_LEN: usize = PRELUDE_LEN + MESSAGE_CRC_LEN;
/// The largest frame accepted or written (16 MiB, the event stream
/// specification's maximum message size).
pub const MAX_FRAME_LEN: usize = 16 << 20;
/// The largest headers section accepted or written (128 KiB).
pub const MAX_HEADERS_LEN: usize = 128 << 10;

/// A header value: one of the ten wire types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// Types 0 (`true`) and 1 (`false`).
    Bool(bool),
    /// Type 2: a signed byte.
    Byte(i8),
    /// Type 3: a signed 16-bit integer.
    Int16(i16),
    /// Type 4: a signed 32-bit integer.
    Int32(i32),
    /// Type 5: a signed 64-bit integer.
    Int64(i64),
    /// Type 6: bytes (at most 65,535).
    Bytes(Bytes),
    /// Type 7: a UTF-8 string (at most 65,535 bytes).
    String(String),
    /// Type 8: milliseconds since the Unix epoch.
    Timestamp(i64),
    /// Type 9: a 16-byte UUID.
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// The wire type byte.
    pub fn type_byte(&self) -> u8 {
        match self {
            HeaderValue::Bool(true) => 0,
            HeaderValue::Bool(false) => 1,
            HeaderValue::Byte(_) => 2,
            HeaderValue::Int16(_) => 3,
            HeaderValue::Int32(_) => 4,
            HeaderValue::Int64(_) => 5,
            HeaderValue::Bytes(_) => 6,
            HeaderValue::String(_) => 7,
            HeaderValue::Timestamp(_) => 8,
            HeaderValue::Uuid(_) => 9,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Encoded size of the value (type byte included).
    fn encoded_len(&self) -> usize {
        1 + match self {
            HeaderValue::Bool(_) => 0,
            HeaderValue::Byte(_) => 1,
            HeaderValue::Int16(_) => 2,
            HeaderValue::Int32(_) => 4,
            HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
            HeaderValue::Bytes(b) => 2 + b.len(),
            HeaderValue::String(s) => 2 + s.len(),
            HeaderValue::Uuid(_) => 16,
        }
    }
}

/// A named header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name (1 to 255 bytes).
    pub name: String,
    /// The value.
    pub value: HeaderValue,
}

/// One event-stream message: headers and a payload.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// The headers, in wire order.
    pub headers: Vec<Header>,
    /// The payload.
    pub payload: Bytes,
}

/// Payloads may carry anything a user sends or receives: `Debug` shows
/// their length only.
impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("headers", &self.headers)
            .field("payload", &format_args!("{} bytes", self.payload.len()))
            .finish()
    }
}

impl Message {
    /// A message with `payload` and no headers.
    pub fn new(payload: impl Into<Bytes>) -> Message {
        Message {
            headers: Vec::new(),
            payload: payload.into(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: HeaderValue) -> Message {
        self.headers.push(Header {
            name: name.into(),
            value,
        });
        self
    }

    /// The value of the header `name`, if present.
    pub fn get(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| &h.value)
    }

    /// The value of the string header `name`, if present and a string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(HeaderValue::as_str)
    }

    /// The encoded size of this message.
    pub fn encoded_len(&self) -> usize {
        MIN_FRAME_LEN + self.headers_len() + self.payload.len()
    }

    fn headers_len(&self) -> usize {
        self.headers
            .iter()
            .map(|h| 1 + h.name.len() + h.value.encoded_len())
            .sum()
    }

    /// Encodes the message as one frame.
    pub fn encode(&self) -> Result<Bytes, FrameError> {
        let mut out = BytesMut::with_capacity(self.encoded_len().min(MAX_FRAME_LEN));
        self.encode_into(&mut out)?;
        Ok(out.freeze())
    }

    /// Appends the message's frame to `out`; fails (writing nothing) when a
    /// header or the frame is over a limit.
    pub fn encode_into(&self, out: &mut BytesMut) -> Result<(), FrameError> {
        let headers_len = self.headers_len();
        if headers_len > MAX_HEADERS_LEN {
            return Err(FrameError::HeadersTooLong {
                declared: headers_len as u64,
            });
        }
        let total = self.encoded_len();
        if total > MAX_FRAME_LEN {
            return Err(FrameError::FrameTooLong {
                declared: total as u64,
            });
        }
        for h in &self.headers {
            if h.name.is_empty() || h.name.len() > u8::MAX as usize {
                return Err(FrameError::InvalidHeader(format!(
                    "header name of {} bytes (1 to 255 allowed)",
                    h.name.len()
                )));
            }
            let long = match &h.value {
                HeaderValue::Bytes(b) => b.len() > u16::MAX as usize,
                HeaderValue::String(s) => s.len() > u16::MAX as usize,
                _ => false,
            };
            if long {
                return Err(FrameError::InvalidHeader(format!(
                    "header {} is longer than 65,535 bytes",
                    h.name
                )));
            }
        }
        let start = out.len();
        out.reserve(total);
        out.put_u32(total as u32);
        out.put_u32(headers_len as u32);
        let prelude_crc = crc32fast::hash(&out[start..start + 8]);
        out.put_u32(prelude_crc);
        for h in &self.headers {
            out.put_u8(h.name.len() as u8);
            out.put_slice(h.name.as_bytes());
            out.put_u8(h.value.type_byte());
            match &h.value {
                HeaderValue::Bool(_) => {}
                HeaderValue::Byte(v) => out.put_i8(*v),
                HeaderValue::Int16(v) => out.put_i16(*v),
                HeaderValue::Int32(v) => out.put_i32(*v),
                HeaderValue::Int64(v) | HeaderValue::Timestamp(v) => out.put_i64(*v),
                HeaderValue::Bytes(b) => {
                    out.put_u16(b.len() as u16);
                    out.put_slice(b);
                }
                HeaderValue::String(s) => {
                    out.put_u16(s.len() as u16);
                    out.put_slice(s.as_bytes());
                }
                HeaderValue::Uuid(u) => out.put_slice(u),
            }
        }
        out.put_slice(&self.payload);
        let crc = crc32fast::hash(&out[start..]);
        out.put_u32(crc);
        Ok(())
    }

    /// Decodes exactly one frame (`frame` holds nothing else). The payload
    /// shares `frame`'s memory.
    pub fn decode(frame: Bytes) -> Result<Message, FrameError> {
        let prelude = Prelude::read(&frame)?;
        if frame.len() != prelude.total {
            return Err(FrameError::Truncated {
                received: frame.len(),
                expected: Some(prelude.total),
            });
        }
        let crc_at = prelude.total - MESSAGE_CRC_LEN;
        let expected = be_u32(&frame[crc_at..]);
        let computed = crc32fast::hash(&frame[..crc_at]);
        if expected != computed {
            return Err(FrameError::MessageCrc { expected, computed });
        }
        let headers_end = PRELUDE_LEN + prelude.headers;
        let headers = parse_headers(&frame[PRELUDE_LEN..headers_end])?;
        Ok(Message {
            headers,
            payload: frame.slice(headers_end..crc_at),
        })
    }
}

/// A frame's prelude, checked: CRC and lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prelude {
    /// Total frame length.
    pub(crate) total: usize,
    /// Headers length.
    pub(crate) headers: usize,
}

impl Prelude {
    /// Reads and checks the prelude at the start of `bytes` (at least
    /// [`PRELUDE_LEN`] bytes, else [`FrameError::Truncated`]).
    pub(crate) fn read(bytes: &[u8]) -> Result<Prelude, FrameError> {
        if bytes.len() < PRELUDE_LEN {
            return Err(FrameError::Truncated {
                received: bytes.len(),
                expected: None,
            });
        }
        let total = be_u32(&bytes[0..4]);
        let headers = be_u32(&bytes[4..8]);
        let expected = be_u32(&bytes[8..12]);
        let computed = crc32fast::hash(&bytes[0..8]);
        if expected != computed {
            return Err(FrameError::PreludeCrc { expected, computed });
        }
        if total as usize > MAX_FRAME_LEN {
            return Err(FrameError::FrameTooLong {
                declared: u64::from(total),
            });
        }
        if headers as usize > MAX_HEADERS_LEN {
            return Err(FrameError::HeadersTooLong {
                declared: u64::from(headers),
            });
        }
        if (total as usize) < MIN_FRAME_LEN || headers as usize > total as usize - MIN_FRAME_LEN {
            return Err(FrameError::InvalidLength { total, headers });
        }
        Ok(Prelude {
            total: total as usize,
            headers: headers as usize,
        })
    }
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Reads headers until `bytes` is used up.
fn parse_headers(mut bytes: &[u8]) -> Result<Vec<Header>, FrameError> {
    let mut headers: Vec<Header> = Vec::new();
    while !bytes.is_empty() {
        let name_len = take(&mut bytes, 1, "header name length")?[0] as usize;
        if name_len == 0 {
            return Err(FrameError::InvalidHeader("empty header name".into()));
        }
        let name = std::str::from_utf8(take(&mut bytes, name_len, "header name")?)
            .map_err(|_| FrameError::InvalidHeader("header name is not UTF-8".into()))?
            .to_string();
        let kind = take(&mut bytes, 1, "header type")?[0];
        let value = match kind {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(take(&mut bytes, 1, &name)?[0] as i8),
            3 => HeaderValue::Int16(i16::from_be_bytes(array(take(&mut bytes, 2, &name)?))),
            4 => HeaderValue::Int32(i32::from_be_bytes(array(take(&mut bytes, 4, &name)?))),
            5 => HeaderValue::Int64(i64::from_be_bytes(array(take(&mut bytes, 8, &name)?))),
            8 => HeaderValue::Timestamp(i64::from_be_bytes(array(take(&mut bytes, 8, &name)?))),
            9 => HeaderValue::Uuid(array(take(&mut bytes, 16, &name)?)),
            6 | 7 => {
                let len = u16::from_be_bytes(array(take(&mut bytes, 2, &name)?)) as usize;
                let raw = take(&mut bytes, len, &name)?;
                if kind == 6 {
                    HeaderValue::Bytes(Bytes::copy_from_slice(raw))
                } else {
                    HeaderValue::String(
                        std::str::from_utf8(raw)
                            .map_err(|_| {
                                FrameError::InvalidHeader(format!(
                                    "string header {name} is not UTF-8"
                                ))
                            })?
                            .to_string(),
                    )
                }
            }
            other => {
                return Err(FrameError::InvalidHeader(format!(
                    "header {name} has unknown type {other}"
                )))
            }
        };
        if headers.iter().any(|h| h.name == name) {
            return Err(FrameError::InvalidHeader(format!(
                "duplicate header {name}"
            )));
        }
        headers.push(Header { name, value });
    }
    Ok(headers)
}

/// The next `n` bytes of `bytes`, or an error naming `what` ran short.
fn take<'a>(bytes: &mut &'a [u8], n: usize, what: &str) -> Result<&'a [u8], FrameError> {
    if bytes.len() < n {
        return Err(FrameError::InvalidHeader(format!(
            "headers end inside {what}"
        )));
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

/// The bytes are not a valid event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameError {
    /// The prelude's CRC32 does not match its first 8 bytes.
    PreludeCrc {
        /// The CRC the prelude carries.
        expected: u32,
        /// The CRC of the bytes received.
        computed: u32,
    },
    /// The message CRC32 does not match the frame.
    MessageCrc {
        /// The CRC the frame carries.
        expected: u32,
        /// The CRC of the bytes received.
        computed: u32,
    },
    /// The frame declares (or would need) more than [`MAX_FRAME_LEN`] bytes.
    FrameTooLong {
        /// The declared length.
        declared: u64,
    },
    /// The headers section is longer than [`MAX_HEADERS_LEN`].
    HeadersTooLong {
        /// The declared length.
        declared: u64,
    },
    /// The prelude's lengths do not fit together (a frame shorter than its
    /// prelude and CRC, or headers longer than the frame).
    InvalidLength {
        /// The declared total length.
        total: u32,
        /// The declared headers length.
        headers: u32,
    },
    /// A header is malformed (truncated, unknown type, not UTF-8, duplicate).
    InvalidHeader(String),
    /// The stream ended inside a frame.
    Truncated {
        /// Bytes of the frame received.
        received: usize,
        /// The frame's declared length, when its prelude arrived.
        expected: Option<usize>,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::PreludeCrc { expected, computed } => write!(
                f,
                "event stream prelude CRC mismatch (frame says {expected:#010x}, computed {computed:#010x})"
            ),
            FrameError::MessageCrc { expected, computed } => write!(
                f,
                "event stream message CRC mismatch (frame says {expected:#010x}, computed {computed:#010x})"
            ),
            FrameError::FrameTooLong { declared } => write!(
                f,
                "event stream frame of {declared} bytes is over the {MAX_FRAME_LEN}-byte limit"
            ),
            FrameError::HeadersTooLong { declared } => write!(
                f,
                "event stream headers of {declared} bytes are over the {MAX_HEADERS_LEN}-byte limit"
            ),
            FrameError::InvalidLength { total, headers } => write!(
                f,
                "event stream frame lengths do not fit (total {total}, headers {headers})"
            ),
            FrameError::InvalidHeader(why) => write!(f, "invalid event stream header: {why}"),
            FrameError::Truncated {
                received,
                expected: Some(n),
            } => write!(
                f,
                "event stream ended inside a frame ({received} of {n} bytes received)"
            ),
            FrameError::Truncated {
                received,
                expected: None,
            } => write!(
                f,
                "event stream ended inside a frame prelude ({received} of {PRELUDE_LEN} bytes received)"
            ),
        }
    }
}

impl std::error::Error for FrameError {}
