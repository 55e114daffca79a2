//! Scalars as text, and the percent-encodings of the text protocols.
//!
//! Numbers are written as Python writes them (botocore formats with `str()`),
//! float special values as `NaN`, `Infinity` and `-Infinity`, and timestamps
//! in the three AWS formats.

use base64::Engine as _;

use crate::model::{Shape, ShapeKind, TimestampFormat};
use crate::time::DateTime;
use crate::value::Value;

use super::super::ProtocolError;
use super::traits::mismatch;

/// Standard base64 with padding.
pub(crate) fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A JSON document as botocore writes a `jsonvalue` header before base64:
/// compact, and ASCII only (Python's `json.dumps` escapes every other
/// character as `\uXXXX`, in UTF-16 surrogate pairs past the BMP).
pub(crate) fn json_ascii(doc: &serde_json::Value) -> String {
    let text = doc.to_string();
    if text.is_ascii() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut units = [0u16; 2];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            // Outside ASCII only string contents occur, so escaping is safe.
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// A float as Python's `repr` writes it (`1.5`, `10.0`, `1e+16`, `1.5e-05`),
/// with `NaN`, `Infinity` and `-Infinity` for the special values.
pub(crate) fn float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, as Python's repr.
    let sci = format!("{x:e}");
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return sci;
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        out.push_str(&format!("e{sign}{:02}", exp.unsigned_abs()));
    }
    out
}

/// Epoch seconds: an integer when whole, else a float (microsecond precision).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Epoch {
    /// Whole seconds.
    Whole(i64),
    /// Fractional seconds.
    Fraction(f64),
}

/// How precise serialized timestamps are (botocore's serializer
/// `timestamp_precision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    /// botocore's default: epoch timestamps in whole seconds (truncated),
    /// ISO 8601 with microseconds when there is a fraction.
    Default,
    /// Milliseconds in both (botocore's `enable_millisecond_timestamp_precision`
    /// handler, registered for Bedrock AgentCore).
    Millisecond,
    /// Whole seconds in every format: headers (botocore's REST serializer
    /// goes through `calendar.timegm`, which drops the fraction).
    Seconds,
}

impl Precision {
    /// The precision of `model`'s service.
    pub(crate) fn of(model: &crate::model::ServiceModel) -> Precision {
        if model.metadata.service_id == "Bedrock AgentCore" {
            Precision::Millisecond
        } else {
            Precision::Default
        }
    }
}

/// `t` as epoch seconds: whole seconds (botocore truncates), or with
/// milliseconds in [`Precision::Millisecond`].
pub(crate) fn epoch(t: &DateTime, precision: Precision) -> Epoch {
    let millis = t.subsec_nanos() / 1_000_000;
    match precision {
        Precision::Millisecond if millis > 0 => {
            Epoch::Fraction(t.secs() as f64 + f64::from(millis) / 1e3)
        }
        _ => Epoch::Whole(t.secs()),
    }
}

/// `t` in `format`: ISO 8601 (`2014-04-29T18:30:38Z`, or `.123000Z` with
/// microseconds when there is a fraction, as botocore's `%f`), RFC 822 HTTP
/// date (whole seconds) or epoch seconds.
pub(crate) fn timestamp(t: &DateTime, format: TimestampFormat, precision: Precision) -> String {
    match format {
        TimestampFormat::Iso8601 => {
            let whole = DateTime::from_secs(t.secs()).to_iso8601();
            let stem = whole.trim_end_matches('Z');
            match precision {
                Precision::Millisecond => {
                    format!("{stem}.{:03}Z", t.subsec_nanos() / 1_000_000)
                }
                Precision::Default => match t.subsec_nanos() / 1000 {
                    0 => whole,
                    micros => format!("{stem}.{micros:06}Z"),
                },
                Precision::Seconds => whole,
            }
        }
        TimestampFormat::Rfc822 => DateTime::from_secs(t.secs()).to_http_date(),
        TimestampFormat::UnixTimestamp => match epoch(t, precision) {
            Epoch::Whole(s) => s.to_string(),
            Epoch::Fraction(f) => float(f),
        },
    }
}

/// A scalar value of `shape` as text: strings as they are, booleans as
/// `true`/`false`, numbers as Python prints them, blobs in base64 and
/// timestamps in `format` (unless the caller resolved another one).
pub(crate) fn scalar(
    shape: &Shape,
    value: &Value,
    format: TimestampFormat,
    precision: Precision,
) -> Result<String, ProtocolError> {
    Ok(match (shape.kind, value) {
        (ShapeKind::String, Value::String(s)) => s.clone(),
        (ShapeKind::Boolean, Value::Bool(b)) => b.to_string(),
        (
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long,
            Value::Integer(i),
        ) => i.to_string(),
        (ShapeKind::Float | ShapeKind::Double, Value::Float(x)) => float(*x),
        (ShapeKind::Float | ShapeKind::Double, Value::Integer(i)) => float(*i as f64),
        (ShapeKind::Timestamp, Value::Timestamp(t)) => timestamp(t, format, precision),
        (ShapeKind::Blob, Value::Blob(b)) => base64(b),
        _ => return Err(mismatch(shape, value)),
    })
}

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

fn encode(text: &str, keep: impl Fn(u8) -> bool, space_as_plus: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else if b == b' ' && space_as_plus {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
    out
}

/// Percent-encodes a URI label or query component: everything but
/// `A-Za-z0-9-_.~` (botocore's `percent_encode`).
pub(crate) fn uri_encode(text: &str) -> String {
    encode(text, unreserved, false)
}

/// Percent-encodes a greedy URI label (`{Key+}`): as [`uri_encode`] but `/`
/// is kept.
pub(crate) fn uri_encode_greedy(text: &str) -> String {
    encode(text, |b| unreserved(b) || b == b'/', false)
}

/// Form-encodes (`application/x-www-form-urlencoded`) a key or value as
/// Python's `urlencode` does: spaces become `+`.
pub(crate) fn form_encode(text: &str) -> String {
    encode(text, unreserved, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_value_headers_are_ascii_like_python_json_dumps() {
        // json.dumps("café ☃ 𝄞", separators=(",", ":"))
        let doc = serde_json::json!({"k": "café ☃ 𝄞", "n": [1, true]});
        assert_eq!(
            json_ascii(&doc),
            r#"{"k":"caf\u00e9 \u2603 \ud834\udd1e","n":[1,true]}"#
        );
        assert_eq!(json_ascii(&serde_json::json!("plain")), r#""plain""#);
    }

    #[test]
    fn floats_print_like_python_repr() {
        let cases = [
            (1.1, "1.1"),
            (10.0, "10.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.6, "123456789012345.6"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e300, "1e+300"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (x, want) in cases {
            assert_eq!(float(x), want, "{x:?}");
        }
    }

    #[test]
    fn timestamps_in_every_format() {
        let d = Precision::Default;
        let t = DateTime::from_secs(1576540098);
        assert_eq!(
            timestamp(&t, TimestampFormat::Iso8601, d),
            "2019-12-16T23:48:18Z"
        );
        assert_eq!(
            timestamp(&t, TimestampFormat::Rfc822, d),
            "Mon, 16 Dec 2019 23:48:18 GMT"
        );
        assert_eq!(
            timestamp(&t, TimestampFormat::UnixTimestamp, d),
            "1576540098"
        );
        let f = DateTime::from_secs_and_nanos(1576540098, 123_456_000);
        assert_eq!(
            timestamp(&f, TimestampFormat::Iso8601, d),
            "2019-12-16T23:48:18.123456Z"
        );
        assert_eq!(
            timestamp(&f, TimestampFormat::Rfc822, d),
            "Mon, 16 Dec 2019 23:48:18 GMT"
        );
        // botocore sends whole epoch seconds (truncated).
        assert_eq!(
            timestamp(&f, TimestampFormat::UnixTimestamp, d),
            "1576540098"
        );
        assert_eq!(epoch(&t, d), Epoch::Whole(1576540098));
        assert_eq!(epoch(&f, d), Epoch::Whole(1576540098));
        // Millisecond precision (Bedrock AgentCore).
        let ms = Precision::Millisecond;
        assert_eq!(epoch(&f, ms), Epoch::Fraction(1576540098.123));
        assert_eq!(
            timestamp(&f, TimestampFormat::Iso8601, ms),
            "2019-12-16T23:48:18.123Z"
        );
        assert_eq!(
            timestamp(&t, TimestampFormat::Iso8601, ms),
            "2019-12-16T23:48:18.000Z"
        );
    }

    #[test]
    fn percent_encodings() {
        let s = " %:/?#[]@!$&'()*+,;=😹-_.~aZ9";
        assert_eq!(
            uri_encode(s),
            "%20%25%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%F0%9F%98%B9-_.~aZ9"
        );
        assert_eq!(uri_encode_greedy("a b/c~d"), "a%20b/c~d");
        assert_eq!(form_encode("a b/c=d"), "a+b%2Fc%3Dd");
    }

    #[test]
    fn scalars_check_their_shape() {
        let shape = |kind| Shape {
            name: "S".into(),
            kind,
            members: vec![],
            member: None,
            key: None,
            value: None,
            enum_values: vec![],
            flattened: false,
            location_name: None,
            xml_namespace: None,
            payload: None,
            exception: false,
            error: None,
            retryable: None,
            union: false,
            document: false,
            sensitive: false,
            streaming: false,
            event_stream: false,
            event: false,
            timestamp_format: None,
            min: None,
            max: None,
            documentation: None,
            json_value: false,
        };
        let iso = TimestampFormat::Iso8601;
        assert_eq!(
            scalar(
                &shape(ShapeKind::Boolean),
                &Value::Bool(false),
                iso,
                Precision::Default
            )
            .unwrap(),
            "false"
        );
        assert_eq!(
            scalar(
                &shape(ShapeKind::Double),
                &Value::Integer(3),
                iso,
                Precision::Default
            )
            .unwrap(),
            "3.0"
        );
        assert_eq!(
            scalar(
                &shape(ShapeKind::Blob),
                &Value::blob(bytes::Bytes::from_static(b"value")),
                iso,
                Precision::Default
            )
            .unwrap(),
            "dmFsdWU="
        );
        assert!(scalar(
            &shape(ShapeKind::Integer),
            &Value::String("1".into()),
            iso,
            Precision::Default
        )
        .is_err());
        assert!(scalar(
            &shape(ShapeKind::String),
            &Value::Integer(1),
            iso,
            Precision::Default
        )
        .is_err());
    }
}
