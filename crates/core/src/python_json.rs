//! JSON written byte for byte as Python's `json.dumps` writes it by default
//! (`", "` and `": "` separators, non-ASCII escaped as `\uXXXX`, floats as
//! Python's `repr`): what botocore signs (presigned POST policies) and
//! encodes (pagination tokens) must match it exactly.

use std::fmt::Write as _;

use serde_json::Value as Json;

/// Appends `value` to `out` as `json.dumps(value)`.
pub(crate) fn write(out: &mut String, value: &Json) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => {
                let _ = write!(out, "{i}");
            }
            (_, Some(u), _) => {
                let _ = write!(out, "{u}");
            }
            (_, _, Some(f)) => out.push_str(&crate::protocol::ser::text::float(f)),
            _ => out.push_str("null"),
        },
        Json::String(s) => write_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write(out, item);
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, k);
                out.push_str(": ");
                write(out, v);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string with `json.dumps`'s escapes.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn writes_as_python_does() {
        let mut out = String::new();
        super::write(
            &mut out,
            &json!({"a": [1, -2, 1.5, null, true], "k\u{e9}y": "line\n\"q\" \u{1f600}"}),
        );
        assert_eq!(
            out,
            r#"{"a": [1, -2, 1.5, null, true], "k\u00e9y": "line\n\"q\" \ud83d\ude00"}"#
        );
    }
}
