//! Reading and writing members of a [`Value::Struct`] by member name, for
//! handlers (botocore's handlers work on dicts keyed by member name).

use crate::model::{ServiceModel, ShapeId};
use crate::value::Value;

/// The slot of member `name` of the structure `value` of shape `shape`.
pub(super) fn slot<'v>(
    model: &ServiceModel,
    shape: ShapeId,
    value: &'v Value,
    name: &str,
) -> Option<&'v Value> {
    let index = model.shape(shape).member_index(name)?;
    value.as_struct()?.get(index).filter(|v| !v.is_null())
}

/// The mutable slot of member `name` (the structure is made if `value` is
/// null).
pub(super) fn slot_mut<'v>(
    model: &ServiceModel,
    shape: ShapeId,
    value: &'v mut Value,
    name: &str,
) -> Option<&'v mut Value> {
    let shape = model.shape(shape);
    let index = shape.member_index(name)?;
    if value.is_null() {
        *value = Value::Struct(vec![Value::Null; shape.members.len()]);
    }
    match value {
        Value::Struct(slots) => slots.get_mut(index),
        _ => None,
    }
}

/// The string member `name` of the operation input `input`, if set.
pub(super) fn input_str<'v>(
    model: &ServiceModel,
    input_shape: Option<ShapeId>,
    input: &'v Value,
    name: &str,
) -> Option<&'v str> {
    slot(model, input_shape?, input, name)?.as_str()
}

/// Sets member `name` of the structure `value` (no-op if the shape has no
/// such member).
pub(super) fn set(model: &ServiceModel, shape: ShapeId, value: &mut Value, name: &str, new: Value) {
    if let Some(slot) = slot_mut(model, shape, value, name) {
        *slot = new;
    }
}

/// Python's `urllib.parse.quote(text, safe)`: percent-encodes every UTF-8
/// byte but ASCII letters, digits, `_.-~` and `safe`.
pub(super) fn quote(text: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Python's `urllib.parse.unquote` (`plus`: `unquote_plus`, where `+` is a
/// space): `%XX` escapes decoded, invalid UTF-8 replaced.
pub(super) fn unquote(text: &str, plus: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_and_unquote_match_python() {
        let safe = b"-=;:+&[]{}\"',";
        assert_eq!(
            quote("Root=1-5759e988;Parent=53995c3f;Sampled=1", safe),
            "Root=1-5759e988;Parent=53995c3f;Sampled=1"
        );
        assert_eq!(quote("a b/é\n", safe), "a%20b%2F%C3%A9%0A");
        assert_eq!(quote("photos/2024 é.jpg", b"/"), "photos/2024%20%C3%A9.jpg");
        assert_eq!(unquote("a%20b+c%C3%A9%zz%", false), "a b+cé%zz%");
        assert_eq!(unquote("a+b%2Bc", true), "a b+c");
    }
}
