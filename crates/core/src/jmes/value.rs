//! JMESPath's view of JSON values: truthiness, type names, ordering and
//! numbers. (Equality is [`py_eq`](super::py_eq): numbers by value, the rest
//! structurally.)

use std::cmp::Ordering;

use serde_json::{Number, Value as Json};

/// JMESPath's truthiness: `null`, `false`, `""`, `[]` and `{}` are false;
/// everything else, `0` included, is true (unlike Python's, see
/// [`truthy`](super::truthy)).
pub(super) fn is_true(value: &Json) -> bool {
    match value {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(_) => true,
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
    }
}

/// The name `type()` returns, also used in error messages.
pub(super) fn type_name(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The order of two numbers or two strings (strings by code point, which is
/// the byte order of UTF-8); `None` for any other pair.
pub(super) fn order(a: &Json, b: &Json) -> Option<Ordering> {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => Some(compare_numbers(x, y)),
        (Json::String(x), Json::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Numbers by value: exactly when both are integers, else as `f64`
/// (`serde_json` never holds NaN, so the order is total).
pub(super) fn compare_numbers(x: &Number, y: &Number) -> Ordering {
    if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
        return x.cmp(&y);
    }
    if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
        return x.cmp(&y);
    }
    let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
    x.partial_cmp(&y).unwrap_or(Ordering::Equal)
}

/// A number from an arithmetic result: an integer when it is one and fits
/// in `i64`, else a float; `null` for infinity (an overflow).
pub(super) fn float_to_json(x: f64) -> Json {
    // 2^63: the first float above i64::MAX.
    const I64_END: f64 = 9_223_372_036_854_775_808.0;
    if x.fract() == 0.0 && (-I64_END..I64_END).contains(&x) {
        Json::from(x as i64)
    } else {
        Number::from_f64(x).map_or(Json::Null, Json::Number)
    }
}

/// A float result (such as an average) kept as a float, `null` if infinite.
pub(super) fn float_json(x: f64) -> Json {
    Number::from_f64(x).map_or(Json::Null, Json::Number)
}
