//! Values bound to HTTP headers (REST protocols).
//!
//! A header value is read as text (repeated headers joined with `", "`, as
//! urllib3 does), then converted by the member's shape: scalars as in XML text,
//! `jsonvalue` strings base64-decoded and parsed as JSON, and lists split on
//! commas outside quoted strings, with HTTP dates kept whole.

use base64::Engine as _;
use http::HeaderMap;

use super::kind_name;
use super::scalar::{self, BoolStyle};
use crate::model::{Member, ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ProtocolError;
use crate::value::Value;

/// The text of header `name` (case-insensitive), repeated values joined with
/// `", "`; `None` when absent.
pub(crate) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    // A `&str` key is matched case-insensitively without allocating (an
    // invalid name finds nothing); this runs for every header-bound member.
    let mut values = headers.get_all(name).iter();
    let mut text = decode_value(values.next()?.as_bytes());
    for value in values {
        text.push_str(", ");
        text.push_str(&decode_value(value.as_bytes()));
    }
    Some(text)
}

/// Header bytes as text: UTF-8 when valid, else ISO-8859-1 (as http.client).
pub(crate) fn decode_value(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Parses the header-bound `member` from `text`.
pub(crate) fn member_from_header(
    model: &ServiceModel,
    member: &Member,
    text: &str,
) -> Result<Value, ProtocolError> {
    let shape = model.shape(member.target);
    match shape.kind {
        ShapeKind::String if member.json_value || shape.json_value => json_value(text),
        ShapeKind::List => {
            let item = shape
                .member
                .as_ref()
                .map(|m| m.target)
                .ok_or_else(|| ProtocolError::new("list shape without member"))?;
            let items = split_list(text, model.shape(item).kind == ShapeKind::Timestamp);
            items
                .iter()
                .map(|s| scalar_from_header(model, item, s))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List)
        }
        _ => scalar_from_header(model, member.target, text),
    }
}

/// Builds the `headers`-bound map of every header starting with the member's
/// prefix (case-insensitive), keyed by the rest of the (lower-case) name.
pub(crate) fn prefixed_map(
    model: &ServiceModel,
    member: &Member,
    headers: &HeaderMap,
) -> Result<Value, ProtocolError> {
    let prefix = member
        .location_name
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let map = model.shape(member.target);
    let value_shape = map.value.as_ref().map(|m| m.target).ok_or_else(|| {
        ProtocolError::new(format!("headers member {} is not a map", member.name))
    })?;
    let mut out: Vec<(String, Value)> = Vec::new();
    for name in headers.keys() {
        let Some(key) = name.as_str().strip_prefix(prefix.as_str()) else {
            continue;
        };
        let text = header_text(headers, name.as_str()).unwrap_or_default();
        out.push((
            key.to_string(),
            scalar_from_header(model, value_shape, &text)?,
        ));
    }
    Ok(Value::Map(out))
}

fn scalar_from_header(
    model: &ServiceModel,
    shape: ShapeId,
    text: &str,
) -> Result<Value, ProtocolError> {
    let s = model.shape(shape);
    match s.kind {
        ShapeKind::List | ShapeKind::Map | ShapeKind::Structure if !s.document => {
            Err(ProtocolError::new(format!(
                "a {} cannot be bound to a header",
                kind_name(s.kind)
            )))
        }
        _ => scalar::from_text(model, shape, text, BoolStyle::Header),
    }
}

/// A `jsonvalue` header: base64 of a JSON document.
fn json_value(text: &str) -> Result<Value, ProtocolError> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| ProtocolError::new("jsonvalue header is not base64"))?;
    let json: serde_json::Value = serde_json::from_slice(&raw)
        .map_err(|e| ProtocolError::new(format!("jsonvalue header is not JSON: {e}")))?;
    Ok(Value::Document(Box::new(json)))
}

/// Splits a list header (RFC 7230 `#rule`): commas separate items unless they
/// are inside a quoted string (whose quotes and backslash escapes are
/// removed). For timestamp lists an item that is only a weekday (`Mon`) is
/// rejoined with the next one, keeping HTTP dates whole.
pub(crate) fn split_list(text: &str, timestamps: bool) -> Vec<String> {
    let mut items = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let mut item = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => item.extend(chars.next()),
                    '"' => break,
                    c => item.push(c),
                }
            }
            // Anything between the closing quote and the comma is dropped.
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
            }
            items.push(item);
        } else {
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
                item.push(c);
            }
            items.push(item.trim().to_string());
        }
        if chars.peek().is_none() {
            break;
        }
    }
    if timestamps {
        rejoin_http_dates(items)
    } else {
        items
    }
}

fn rejoin_http_dates(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    let mut pending: Option<String> = None;
    for item in items {
        match pending.take() {
            Some(day) => out.push(format!("{day}, {item}")),
            None if !item.is_empty() && item.chars().all(|c| c.is_ascii_alphabetic()) => {
                pending = Some(item)
            }
            None => out.push(item),
        }
    }
    out.extend(pending);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_plain_and_quoted_items() {
        assert_eq!(split_list("a, b ,c", false), ["a", "b", "c"]);
        assert_eq!(
            split_list(r#""b,c", "\"def\"", a"#, false),
            ["b,c", "\"def\"", "a"]
        );
        assert_eq!(split_list("", false), [""]);
    }

    #[test]
    fn keeps_http_dates_whole() {
        let text = "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT";
        assert_eq!(
            split_list(text, true),
            [
                "Mon, 16 Dec 2019 23:48:18 GMT",
                "Tue, 17 Dec 2019 23:48:18 GMT"
            ]
        );
        assert_eq!(
            split_list("2019-12-16T23:48:18Z, 1576540098", true),
            ["2019-12-16T23:48:18Z", "1576540098"]
        );
    }

    #[test]
    fn joins_repeated_headers_and_decodes_latin1() {
        let mut h = HeaderMap::new();
        h.append("x-a", "1".parse().unwrap());
        h.append("x-a", "2".parse().unwrap());
        h.insert("x-b", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
        assert_eq!(header_text(&h, "X-A").as_deref(), Some("1, 2"));
        assert_eq!(header_text(&h, "x-b").as_deref(), Some("café"));
        assert_eq!(header_text(&h, "x-c"), None);
        assert_eq!(header_text(&h, "bad name"), None);
    }
}
