//! Scalars from text: XML element text, XML attributes and HTTP headers.
//!
//! botocore converts text with Python's `int()`, `float()`, its timestamp
//! parser and `base64.b64decode`; these helpers accept the same inputs that
//! matter on the wire (surrounding whitespace, `NaN`/`Infinity`, every
//! timestamp format) and return errors for the rest.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use bytes::Bytes;

use super::kind_name;
use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ProtocolError;
use crate::time::DateTime;
use crate::value::Value;

/// How booleans are spelled in the text being parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoolStyle {
    /// XML bodies: exactly `true` is true, anything else false (botocore).
    Xml,
    /// Headers: `true`/`false` in any case; anything else is an error.
    Header,
}

/// Converts text to a scalar of shape `shape`.
pub(crate) fn from_text(
    model: &ServiceModel,
    shape: ShapeId,
    text: &str,
    bools: BoolStyle,
) -> Result<Value, ProtocolError> {
    let s = model.shape(shape);
    Ok(match s.kind {
        ShapeKind::String => Value::String(text.to_string()),
        ShapeKind::Boolean => Value::Bool(match bools {
            BoolStyle::Xml => text == "true",
            BoolStyle::Header => parse_bool(text)?,
        }),
        ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long => {
            Value::Integer(parse_int(text)?)
        }
        ShapeKind::Float | ShapeKind::Double => Value::Float(parse_float(text)?),
        ShapeKind::Timestamp => Value::Timestamp(parse_timestamp(text)?),
        ShapeKind::Blob => Value::blob(decode_base64(text)?),
        ShapeKind::Structure if s.document => {
            Value::Document(Box::new(serde_json::Value::String(text.into())))
        }
        kind => {
            return Err(ProtocolError::new(format!(
                "expected a {} for {}, found text",
                kind_name(kind),
                s.name
            )))
        }
    })
}

/// `true`/`false`, any case, surrounding whitespace ignored.
pub(crate) fn parse_bool(text: &str) -> Result<bool, ProtocolError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ProtocolError::new(format!(
            "invalid boolean {}",
            shorten(text)
        )))
    }
}

/// A decimal integer, surrounding whitespace ignored.
pub(crate) fn parse_int(text: &str) -> Result<i64, ProtocolError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| ProtocolError::new(format!("invalid integer {}", shorten(text))))
}

/// A float as Python's `float()` reads it, including `NaN`, `inf` and
/// `Infinity` in any case.
pub(crate) fn parse_float(text: &str) -> Result<f64, ProtocolError> {
    text.trim()
        .parse::<f64>()
        .map_err(|_| ProtocolError::new(format!("invalid number {}", shorten(text))))
}

/// Any timestamp format: epoch seconds, ISO 8601 or an HTTP date.
pub(crate) fn parse_timestamp(text: &str) -> Result<DateTime, ProtocolError> {
    DateTime::parse(text)
        .ok_or_else(|| ProtocolError::new(format!("invalid timestamp {}", shorten(text))))
}

/// Epoch seconds as a number (JSON and CBOR timestamps).
pub(crate) fn timestamp_from_secs(secs: f64) -> Result<DateTime, ProtocolError> {
    DateTime::from_secs_f64(secs)
        .ok_or_else(|| ProtocolError::new(format!("timestamp {secs} out of range")))
}

/// Lenient like Python's `b64decode`: whitespace is skipped and padding is
/// optional.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes base64 text into bytes.
pub(crate) fn decode_base64(text: &str) -> Result<Bytes, ProtocolError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64
        .decode(compact.as_bytes())
        .map(Bytes::from)
        .map_err(|_| ProtocolError::new(format!("invalid base64 {}", shorten(text))))
}

/// The start of `text`, quoted, for error messages.
pub(crate) fn shorten(text: &str) -> String {
    const LIMIT: usize = 40;
    match text.char_indices().nth(LIMIT) {
        Some((i, _)) => format!("{:?}...", &text[..i]),
        None => format!("{text:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_accept_python_spellings() {
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(parse_float(" Infinity ").unwrap(), f64::INFINITY);
        assert_eq!(parse_float("-inf").unwrap(), f64::NEG_INFINITY);
        assert_eq!(parse_float("1.5e3").unwrap(), 1500.0);
        assert!(parse_float("one").is_err());
    }

    #[test]
    fn integers_trim_and_reject_garbage() {
        assert_eq!(parse_int(" -42\n").unwrap(), -42);
        assert!(parse_int("4.2").is_err());
        assert!(parse_int("99999999999999999999").is_err());
    }

    #[test]
    fn base64_is_lenient_about_padding_and_whitespace() {
        assert_eq!(&decode_base64("dmFs\ndWU=").unwrap()[..], b"value");
        assert_eq!(&decode_base64("dmFsdWU").unwrap()[..], b"value");
        assert!(decode_base64("***").is_err());
        assert!(decode_base64("").unwrap().is_empty());
    }

    #[test]
    fn error_text_is_truncated() {
        let long = "x".repeat(100);
        assert!(shorten(&long).len() < 50);
        assert_eq!(shorten("ab"), "\"ab\"");
    }
}
