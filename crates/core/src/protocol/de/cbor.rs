//! A generic CBOR (RFC 8949) decoder built on `minicbor`, for Smithy RPC v2
//! bodies.
//!
//! [`decode`] turns exactly one data item into a [`Cbor`] tree: definite and
//! indefinite lengths, every integer width (negative integers down to
//! `-2^64`), half, single and double floats, and tags (kept, so callers decide
//! what tag 1 means). Lengths declared in the input are never trusted for
//! allocation beyond the bytes that remain, nesting is capped at
//! [`MAX_DEPTH`], and truncated, reserved or mis-nested encodings are errors.

use minicbor::data::Type;
use minicbor::Decoder;

use super::budget::Budget;
use super::MAX_DEPTH;
use crate::protocol::ProtocolError;

/// A decoded CBOR data item.
#[derive(Debug, Clone, PartialEq)]
pub enum Cbor {
    /// Major type 0: an unsigned integer.
    Unsigned(u64),
    /// Major type 1: the negative integer `-1 - n`, holding `n`.
    Negative(u64),
    /// Major type 2: a byte string (chunks of an indefinite one joined).
    Bytes(Vec<u8>),
    /// Major type 3: a UTF-8 text string (chunks joined).
    Text(String),
    /// Major type 4: an array.
    Array(Vec<Cbor>),
    /// Major type 5: a map, entries in wire order.
    Map(Vec<(Cbor, Cbor)>),
    /// Major type 6: a tagged item.
    Tag(u64, Box<Cbor>),
    /// `false` / `true`.
    Bool(bool),
    /// `null`, and `undefined` (which botocore also reads as `None`).
    Null,
    /// A half or single precision float (a half widens to `f32` exactly).
    Float32(f32),
    /// A double precision float.
    Float64(f64),
}

impl Cbor {
    /// The item as an `i128`, if it is an integer.
    pub fn as_i128(&self) -> Option<i128> {
        match *self {
            Cbor::Unsigned(n) => Some(n as i128),
            Cbor::Negative(n) => Some(-1 - n as i128),
            _ => None,
        }
    }

    /// The item as an `f64`, if it is a number (integers convert).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Cbor::Float32(x) => Some(x as f64),
            Cbor::Float64(x) => Some(x),
            _ => self.as_i128().map(|i| i as f64),
        }
    }

    /// The text, if this is a text string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cbor::Text(s) => Some(s),
            _ => None,
        }
    }

    /// A short description of the item's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Cbor::Unsigned(_) | Cbor::Negative(_) => "integer",
            Cbor::Bytes(_) => "byte string",
            Cbor::Text(_) => "text string",
            Cbor::Array(_) => "array",
            Cbor::Map(_) => "map",
            Cbor::Tag(..) => "tagged item",
            Cbor::Bool(_) => "boolean",
            Cbor::Null => "null",
            Cbor::Float32(_) | Cbor::Float64(_) => "float",
        }
    }
}

/// Decodes one data item that must fill `input` exactly.
pub fn decode(input: &[u8]) -> Result<Cbor, ProtocolError> {
    decode_bounded(input, &Budget::new(usize::MAX, 0))
}

/// [`decode`], charging every item to `budget`.
pub(crate) fn decode_bounded(input: &[u8], budget: &Budget) -> Result<Cbor, ProtocolError> {
    let mut d = Decoder::new(input);
    let item = item(&mut d, 0, budget)?;
    if d.position() != input.len() {
        return Err(cbor_error(format!(
            "{} unexpected bytes after the data item",
            input.len() - d.position()
        )));
    }
    Ok(item)
}

fn cbor_error(message: impl std::fmt::Display) -> ProtocolError {
    ProtocolError::new(format!("invalid CBOR in response body: {message}"))
}

fn wrap(e: minicbor::decode::Error) -> ProtocolError {
    cbor_error(e)
}

/// Bytes left to read: a bound on how many items can still follow.
fn remaining(d: &Decoder<'_>) -> usize {
    d.input().len().saturating_sub(d.position())
}

fn item(d: &mut Decoder<'_>, depth: usize, budget: &Budget) -> Result<Cbor, ProtocolError> {
    if depth > MAX_DEPTH {
        return Err(cbor_error(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    budget.charge(std::mem::size_of::<Cbor>())?;
    Ok(match d.datatype().map_err(wrap)? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Cbor::Unsigned(d.u64().map_err(wrap)?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
            let n: i128 = d.int().map_err(wrap)?.into();
            // n is in [-2^64, -1], so -1 - n is in [0, 2^64 - 1].
            Cbor::Negative((-1 - n) as u64)
        }
        Type::Bytes | Type::BytesIndef => {
            let mut out = Vec::new();
            for chunk in d.bytes_iter().map_err(wrap)? {
                let chunk = chunk.map_err(wrap)?;
                budget.charge(chunk.len())?;
                out.extend_from_slice(chunk);
            }
            Cbor::Bytes(out)
        }
        Type::String | Type::StringIndef => {
            let mut out = String::new();
            for chunk in d.str_iter().map_err(wrap)? {
                let chunk = chunk.map_err(wrap)?;
                budget.charge(chunk.len())?;
                out.push_str(chunk);
            }
            Cbor::Text(out)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(wrap)?;
            let mut out = Vec::with_capacity(bounded(len, remaining(d)));
            match len {
                Some(n) => {
                    for _ in 0..n {
                        out.push(item(d, depth + 1, budget)?);
                    }
                }
                None => {
                    while !take_break(d)? {
                        out.push(item(d, depth + 1, budget)?);
                    }
                }
            }
            Cbor::Array(out)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(wrap)?;
            let mut out = Vec::with_capacity(bounded(len, remaining(d) / 2));
            match len {
                Some(n) => {
                    for _ in 0..n {
                        let k = item(d, depth + 1, budget)?;
                        out.push((k, item(d, depth + 1, budget)?));
                    }
                }
                None => {
                    while !take_break(d)? {
                        let k = item(d, depth + 1, budget)?;
                        out.push((k, item(d, depth + 1, budget)?));
                    }
                }
            }
            Cbor::Map(out)
        }
        Type::Tag => {
            let tag = d.tag().map_err(wrap)?.as_u64();
            Cbor::Tag(tag, Box::new(item(d, depth + 1, budget)?))
        }
        Type::Bool => Cbor::Bool(d.bool().map_err(wrap)?),
        Type::Null => {
            d.null().map_err(wrap)?;
            Cbor::Null
        }
        Type::Undefined => {
            d.undefined().map_err(wrap)?;
            Cbor::Null
        }
        Type::F16 => Cbor::Float32(half(d)?),
        Type::F32 => Cbor::Float32(d.f32().map_err(wrap)?),
        Type::F64 => Cbor::Float64(d.f64().map_err(wrap)?),
        Type::Break => return Err(cbor_error("unexpected break")),
        other => return Err(cbor_error(format!("unsupported item type {other}"))),
    })
}

/// Initial capacity for a collection: the declared length, but never more
/// than the input could hold, nor a large up-front amount.
fn bounded(declared: Option<u64>, remaining: usize) -> usize {
    const MAX_PREALLOCATION: usize = 1024;
    declared.map_or(0, |n| {
        usize::try_from(n)
            .unwrap_or(usize::MAX)
            .min(remaining)
            .min(MAX_PREALLOCATION)
    })
}

/// Consumes a break byte (end of an indefinite item) if it is next; the end
/// of input instead is an error.
fn take_break(d: &mut Decoder<'_>) -> Result<bool, ProtocolError> {
    match d.datatype() {
        Ok(Type::Break) => {
            d.set_position(d.position() + 1);
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(e) => Err(cbor_error(format!("expected a break marker: {e}"))),
    }
}

/// Reads a half-precision float (initial byte `0xf9`).
fn half(d: &mut Decoder<'_>) -> Result<f32, ProtocolError> {
    let start = d.position();
    let bytes = d
        .input()
        .get(start + 1..start + 3)
        .ok_or_else(|| cbor_error("truncated half-precision float"))?;
    let bits = u16::from_be_bytes([bytes[0], bytes[1]]);
    d.set_position(start + 3);
    Ok(f16_to_f32(bits))
}

/// IEEE 754 binary16 to binary32 (exact).
fn f16_to_f32(bits: u16) -> f32 {
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f32::from(bits & 0x3ff);
    let magnitude = match exponent {
        0 => fraction * 2f32.powi(-24),
        31 if fraction == 0.0 => f32::INFINITY,
        31 => f32::NAN,
        e => (1024.0 + fraction) * 2f32.powi(e - 25),
    };
    if bits & 0x8000 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn decodes_half_floats() {
        assert_eq!(decode(&hex("f93c00")).unwrap(), Cbor::Float32(1.0));
        assert_eq!(decode(&hex("f9c400")).unwrap(), Cbor::Float32(-4.0));
        assert_eq!(
            decode(&hex("f97c00")).unwrap(),
            Cbor::Float32(f32::INFINITY)
        );
        assert_eq!(
            decode(&hex("f90001")).unwrap(),
            Cbor::Float32(5.960_464_5e-8)
        );
        assert!(matches!(decode(&hex("f97e00")).unwrap(), Cbor::Float32(x) if x.is_nan()));
        assert!(decode(&hex("f97e")).is_err());
    }

    #[test]
    fn decodes_the_full_negative_range() {
        let min = decode(&hex("3bffffffffffffffff")).unwrap();
        assert_eq!(min.as_i128(), Some(-(1i128 << 64)));
    }

    #[test]
    fn joins_indefinite_chunks_and_keeps_tags() {
        let v = decode(&hex("7f626162626364ff")).unwrap();
        assert_eq!(v, Cbor::Text("abcd".into()));
        let v = decode(&hex("c11a5e1a8d22")).unwrap();
        assert_eq!(v, Cbor::Tag(1, Box::new(Cbor::Unsigned(1_578_798_370))));
    }

    #[test]
    fn huge_declared_lengths_fail_without_allocating() {
        for bad in [
            "9bffffffffffffffff",
            "bbffffffffffffffff",
            "5bffffffffffffffff00",
        ] {
            assert!(decode(&hex(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_trailing_bytes_and_deep_nesting() {
        assert!(decode(&hex("0000")).is_err());
        let deep = vec![0x81u8; MAX_DEPTH + 2];
        let err = decode(&deep).unwrap_err();
        assert!(err.message.contains("nested"), "{err}");
    }
}
