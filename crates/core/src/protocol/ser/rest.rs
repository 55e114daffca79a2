//! The HTTP bindings shared by rest-json and rest-xml: URI labels (greedy
//! `{Key+}` too), query string members (maps and lists included), headers
//! (lists, `jsonvalue`, prefixed `headers` maps), the payload member, and the
//! body made of the remaining members.

use bytes::Bytes;
use http::HeaderMap;

use crate::model::{
    Location, Member, Operation, ServiceModel, ShapeId, ShapeKind, TimestampFormat,
};
use crate::value::Value;

use super::super::{ProtocolError, SerializedRequest};
use super::traits::{self, mismatch};
use super::{expand_labels, json, method_of, set_header, text, xml};

/// The body encoding of a REST protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    /// rest-json.
    Json,
    /// rest-xml.
    Xml,
}

/// Serializes a rest-json or rest-xml request.
pub(crate) fn serialize(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
    format: BodyFormat,
) -> Result<SerializedRequest, ProtocolError> {
    let mut headers = HeaderMap::new();
    let Some(shape_id) = op.input else {
        let (path, query) = render_uri(&op.http.request_uri, &[])?;
        return Ok(SerializedRequest {
            method: method_of(op)?,
            path,
            query,
            headers,
            body: Bytes::new(),
            host_prefix: None,
        });
    };
    let shape = model.shape(shape_id);

    let mut labels: Vec<(&str, String)> = Vec::new();
    let mut params = QueryParams::default();
    let mut has_body_member = false;
    for (m, v) in traits::set_members(shape, input)? {
        match m.location {
            Location::Uri => labels.push((traits::wire_name(model, m), label_text(model, m, v)?)),
            Location::Querystring => query_member(model, m, v, &mut params)?,
            Location::Header => header_member(model, m, v, &mut headers)?,
            Location::Headers => prefix_headers(model, m, v, &mut headers)?,
            Location::StatusCode => {}
            Location::Body => has_body_member = true,
        }
    }
    let (path, literal_query) = render_uri(&op.http.request_uri, &labels)?;
    let query = join_query(literal_query, &params.encode());

    let (body, raw_payload) = body(model, op, shape_id, input, has_body_member, format)?;
    if format == BodyFormat::Json
        && !raw_payload
        && !body.is_empty()
        && !headers.contains_key("content-type")
    {
        set_header(&mut headers, "Content-Type", "application/json")?;
    }
    Ok(SerializedRequest {
        method: method_of(op)?,
        path,
        query,
        headers,
        body,
        host_prefix: None,
    })
}

/// The body, and whether it is a raw (blob or string) payload that gets no
/// default content type.
fn body(
    model: &ServiceModel,
    op: &Operation,
    shape_id: ShapeId,
    input: &Value,
    has_body_member: bool,
    format: BodyFormat,
) -> Result<(Bytes, bool), ProtocolError> {
    let shape = model.shape(shape_id);
    let slots = traits::struct_slots(shape, input)?;
    if let Some(payload) = shape.payload.as_deref() {
        let index = shape.member_index(payload).ok_or_else(|| {
            ProtocolError::new(format!(
                "payload `{payload}` is not a member of `{}`",
                shape.name
            ))
        })?;
        let member = &shape.members[index];
        let target = model.shape(member.target);
        let value = &slots[index];
        if target.event_stream {
            // The body is the event stream, sent by the event-stream layer.
            return Ok((Bytes::new(), true));
        }
        if matches!(target.kind, ShapeKind::Blob | ShapeKind::String) {
            let bytes = match value {
                Value::Null => Bytes::new(),
                Value::Blob(b) => Bytes::clone(b),
                Value::String(s) => Bytes::from(s.clone()),
                other => return Err(mismatch(target, other)),
            };
            return Ok((bytes, true));
        }
        let text = match (value, format) {
            (Value::Null, BodyFormat::Json) => "{}".to_string(),
            (Value::Null, BodyFormat::Xml) => String::new(),
            (v, BodyFormat::Json) => json::member_body(model, member, v)?,
            (v, BodyFormat::Xml) => xml::member_body(model, member, v)?,
        };
        return Ok((Bytes::from(text), false));
    }
    let in_body = |m: &Member| m.location == Location::Body;
    let text = if has_body_member {
        match format {
            BodyFormat::Json => json::struct_body(model, shape_id, input, in_body)?,
            BodyFormat::Xml => xml::input_body(model, op, shape_id, input, in_body)?,
        }
    } else if format == BodyFormat::Json && shape.members.iter().any(in_body) {
        // rest-json sends `{}` whenever the input has body members at all.
        "{}".to_string()
    } else {
        String::new()
    };
    Ok((Bytes::from(text), false))
}

/// Expands `{Label}` and greedy `{Label+}` in the request URI and splits it
/// into the path and the literal query (`/path?literal`).
fn render_uri(
    template: &str,
    labels: &[(&str, String)],
) -> Result<(String, String), ProtocolError> {
    let out = expand_labels(template, "request URI", |label| {
        let (name, greedy) = match label.strip_suffix('+') {
            Some(n) => (n, true),
            None => (label, false),
        };
        let value = labels
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| ProtocolError::new(format!("URI label `{name}` is not set")))?;
        Ok(if greedy {
            text::uri_encode_greedy(value)
        } else {
            text::uri_encode(value)
        })
    })?;
    Ok(match out.split_once('?') {
        Some((path, query)) => (path.to_string(), query.to_string()),
        None => (out, String::new()),
    })
}

fn join_query(literal: String, params: &str) -> String {
    match (literal.is_empty(), params.is_empty()) {
        (_, true) => literal,
        (true, false) => params.to_string(),
        (false, false) => format!("{literal}&{params}"),
    }
}

/// Query parameters in insertion order; setting a name again replaces its
/// values in place (as botocore's dict update does for map members).
#[derive(Debug, Default)]
struct QueryParams(Vec<(String, Vec<String>)>);

impl QueryParams {
    fn set(&mut self, name: &str, values: Vec<String>) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = values,
            None => self.0.push((name.to_string(), values)),
        }
    }

    fn encode(&self) -> String {
        let mut out = Vec::new();
        for (name, values) in &self.0 {
            for v in values {
                out.push(format!(
                    "{}={}",
                    text::uri_encode(name),
                    text::uri_encode(v)
                ));
            }
        }
        out.join("&")
    }
}

/// A URI label's text (timestamps default to ISO 8601).
fn label_text(model: &ServiceModel, m: &Member, v: &Value) -> Result<String, ProtocolError> {
    let format = traits::timestamp_format(model, m).unwrap_or(TimestampFormat::Iso8601);
    text::scalar(model.shape(m.target), v, format, text::Precision::of(model))
}

/// The text of each item of a list value (null items are skipped), or of a
/// single scalar.
/// Where a member's text goes: timestamps default to RFC 822 in headers
/// (whole seconds) and ISO 8601 in the query string.
#[derive(Debug, Clone, Copy)]
enum Place {
    Header,
    Query,
}

fn texts(
    model: &ServiceModel,
    m: &Member,
    v: &Value,
    place: Place,
) -> Result<Vec<String>, ProtocolError> {
    let (default, precision) = match place {
        // Headers carry whole seconds, whatever the format.
        Place::Header => (TimestampFormat::Rfc822, text::Precision::Seconds),
        Place::Query => (TimestampFormat::Iso8601, text::Precision::of(model)),
    };
    let shape = model.shape(m.target);
    match (shape.kind, v) {
        (ShapeKind::List, Value::List(items)) => {
            let item = shape.member.as_deref().ok_or_else(|| {
                ProtocolError::new(format!("list `{}` has no member", shape.name))
            })?;
            let format = traits::timestamp_format(model, item)
                .or(traits::timestamp_format(model, m))
                .unwrap_or(default);
            items
                .iter()
                .filter(|i| !i.is_null())
                .map(|i| text::scalar(model.shape(item.target), i, format, precision))
                .collect()
        }
        (ShapeKind::List, other) => Err(mismatch(shape, other)),
        _ => {
            let format = traits::timestamp_format(model, m).unwrap_or(default);
            Ok(vec![text::scalar(shape, v, format, precision)?])
        }
    }
}

fn query_member(
    model: &ServiceModel,
    m: &Member,
    v: &Value,
    params: &mut QueryParams,
) -> Result<(), ProtocolError> {
    let shape = model.shape(m.target);
    if shape.kind == ShapeKind::Map {
        let Value::Map(entries) = v else {
            return Err(mismatch(shape, v));
        };
        let value = shape
            .value
            .as_deref()
            .ok_or_else(|| ProtocolError::new(format!("map `{}` has no value", shape.name)))?;
        for (k, item) in entries {
            if !item.is_null() {
                params.set(k, texts(model, value, item, Place::Query)?);
            }
        }
        return Ok(());
    }
    params.set(
        traits::wire_name(model, m),
        texts(model, m, v, Place::Query)?,
    );
    Ok(())
}

fn header_member(
    model: &ServiceModel,
    m: &Member,
    v: &Value,
    headers: &mut HeaderMap,
) -> Result<(), ProtocolError> {
    let shape = model.shape(m.target);
    let name = traits::wire_name(model, m);
    let value = match (shape.kind, v) {
        (ShapeKind::List, Value::List(items)) if items.is_empty() => return Ok(()),
        (ShapeKind::List, _) => {
            let items = texts(model, m, v, Place::Header)?;
            // String items holding a comma or quote are quoted; HTTP dates
            // keep their comma unquoted.
            let strings = shape
                .member
                .as_deref()
                .is_some_and(|i| model.shape(i.target).kind == ShapeKind::String);
            let items: Vec<String> = if strings {
                items.iter().map(|s| quote_list_item(s)).collect()
            } else {
                items
            };
            items.join(",")
        }
        (ShapeKind::String, Value::String(s)) if traits::json_value(model, m) => {
            text::base64(s.as_bytes())
        }
        (ShapeKind::String, Value::Document(d)) if traits::json_value(model, m) => {
            text::base64(text::json_ascii(d).as_bytes())
        }
        _ => texts(model, m, v, Place::Header)?.concat(),
    };
    set_header(headers, name, &value)
}

/// A list header item, quoted when it holds a comma or a double quote.
fn quote_list_item(item: &str) -> String {
    if item.contains([',', '"']) {
        format!("\"{}\"", item.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        item.to_string()
    }
}

fn prefix_headers(
    model: &ServiceModel,
    m: &Member,
    v: &Value,
    headers: &mut HeaderMap,
) -> Result<(), ProtocolError> {
    let shape = model.shape(m.target);
    let Value::Map(entries) = v else {
        return Err(mismatch(shape, v));
    };
    let value = shape
        .value
        .as_deref()
        .ok_or_else(|| ProtocolError::new(format!("map `{}` has no value", shape.name)))?;
    let prefix = traits::wire_name(model, m);
    for (k, item) in entries {
        if !item.is_null() {
            let text = texts(model, value, item, Place::Header)?.concat();
            set_header(headers, &format!("{prefix}{k}"), &text)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{from_json, JsonOptions};
    use serde_json::{json, Value as Json};

    fn request(
        uri: &str,
        members: &str,
        payload: Option<&str>,
        params: Json,
        format: BodyFormat,
    ) -> SerializedRequest {
        let payload = payload
            .map(|p| format!(r#", "payload": "{p}""#))
            .unwrap_or_default();
        let text = r#"{
            "metadata": {"protocol": "rest-json"},
            "shapes": {
                "In": {"type": "structure", "members": MEMBERS PAYLOAD},
                "S": {"type": "string"}, "I": {"type": "integer"}, "T": {"type": "timestamp"},
                "B": {"type": "blob"}, "Bool": {"type": "boolean"},
                "SL": {"type": "list", "member": {"shape": "S"}},
                "TL": {"type": "list", "member": {"shape": "T"}},
                "SM": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
                "LM": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "SL"}},
                "JV": {"type": "string", "jsonvalue": true},
                "Nested": {"type": "structure", "members": {"a": {"shape": "S"}}}
            }
        }"#;
        let text = text
            .replace("MEMBERS", members)
            .replace("PAYLOAD", &payload);
        let mut m = crate::protocol::ser::test_model(&text).unwrap();
        let i = m
            .add_operation(
                json!({"name": "Op", "http": {"method": "PUT", "requestUri": uri},
                                  "input": {"shape": "In"}}),
            )
            .unwrap();
        let op = &m.operations[i];
        let opts = JsonOptions::VECTORS;
        let v = from_json(&m, op.input.unwrap(), &params, opts).unwrap();
        serialize(&m, op, &v, format).unwrap()
    }

    #[test]
    fn labels_and_query() {
        let req = request(
            "/b/{Bucket}/{Key+}?tagging",
            r#"{"Bucket": {"shape": "S", "location": "uri"},
                   "Key": {"shape": "S", "location": "uri"},
                   "n": {"shape": "I", "location": "querystring", "locationName": "max-keys"},
                   "l": {"shape": "SL", "location": "querystring", "locationName": "x"},
                   "t": {"shape": "T", "location": "querystring", "locationName": "at"},
                   "m": {"shape": "LM", "location": "querystring"}}"#,
            None,
            json!({"Bucket": "a b", "Key": "dir/file ~x", "n": 5, "l": ["1", "2 3"], "t": 0,
                   "m": {"y": ["z"], "max-keys": ["7"]}}),
            BodyFormat::Json,
        );
        assert_eq!(req.path, "/b/a%20b/dir/file%20~x");
        assert_eq!(
            req.query,
            "tagging&max-keys=7&x=1&x=2%203&at=1970-01-01T00%3A00%3A00Z&y=z"
        );
        assert!(req.body.is_empty());
        assert!(req.headers.get("content-type").is_none());
    }

    #[test]
    fn header_timestamps_are_whole_seconds_query_ones_keep_the_fraction() {
        let req = request(
            "/",
            r#"{"h": {"shape": "T", "location": "header", "locationName": "x-h",
                      "timestampFormat": "iso8601"},
                "d": {"shape": "T", "location": "header", "locationName": "x-d"},
                "q": {"shape": "T", "location": "querystring", "locationName": "q"}}"#,
            None,
            json!({"h": "2024-02-29T12:34:56.789Z", "d": "2024-02-29T12:34:56.789Z",
                   "q": "2024-02-29T12:34:56.789Z"}),
            BodyFormat::Json,
        );
        assert_eq!(req.headers["x-h"], "2024-02-29T12:34:56Z");
        assert_eq!(req.headers["x-d"], "Thu, 29 Feb 2024 12:34:56 GMT");
        assert_eq!(req.query, "q=2024-02-29T12%3A34%3A56.789000Z");
    }

    #[test]
    fn missing_label_is_an_error() {
        let mut m = crate::protocol::ser::test_model(
            r#"{"metadata": {"protocol": "rest-json"},
                "shapes": {"In": {"type": "structure", "members": {"K": {"shape": "S", "location": "uri"}}},
                           "S": {"type": "string"}}}"#,
        )
        .unwrap();
        let i = m
            .add_operation(
                json!({"name": "Op", "http": {"method": "GET", "requestUri": "/{K}"},
                                  "input": {"shape": "In"}}),
            )
            .unwrap();
        let err = serialize(
            &m,
            &m.operations[i],
            &Value::Struct(vec![Value::Null]),
            BodyFormat::Json,
        )
        .unwrap_err();
        assert!(err.message.contains("`K`"), "{err}");
    }

    #[test]
    fn headers_of_every_kind() {
        let req = request(
            "/",
            r#"{"s": {"shape": "S", "location": "header", "locationName": "x-s"},
                   "l": {"shape": "SL", "location": "header", "locationName": "x-l"},
                   "e": {"shape": "SL", "location": "header", "locationName": "x-e"},
                   "t": {"shape": "T", "location": "header", "locationName": "x-t"},
                   "tl": {"shape": "TL", "location": "header", "locationName": "x-tl"},
                   "te": {"shape": "T", "location": "header", "locationName": "x-te",
                          "timestampFormat": "unixTimestamp"},
                   "b": {"shape": "Bool", "location": "header", "locationName": "x-b"},
                   "j": {"shape": "JV", "location": "header", "locationName": "x-j"},
                   "meta": {"shape": "SM", "location": "headers", "locationName": "x-meta-"}}"#,
            None,
            json!({"s": "v", "l": ["a", "b,c", "\"q\""], "e": [], "t": 0, "tl": [0, 86400], "te": 7,
                   "b": true, "j": {"a": 1}, "meta": {"k1": "v1", "k2": ""}}),
            BodyFormat::Json,
        );
        let h = |n: &str| req.headers.get(n).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(h("x-s").as_deref(), Some("v"));
        assert_eq!(h("x-l").as_deref(), Some(r#"a,"b,c","\"q\"""#));
        assert_eq!(h("x-e"), None);
        assert_eq!(h("x-t").as_deref(), Some("Thu, 01 Jan 1970 00:00:00 GMT"));
        assert_eq!(
            h("x-tl").as_deref(),
            Some("Thu, 01 Jan 1970 00:00:00 GMT,Fri, 02 Jan 1970 00:00:00 GMT")
        );
        assert_eq!(h("x-te").as_deref(), Some("7"));
        assert_eq!(h("x-b").as_deref(), Some("true"));
        assert_eq!(h("x-j").as_deref(), Some("eyJhIjoxfQ=="));
        assert_eq!(h("x-meta-k1").as_deref(), Some("v1"));
        assert_eq!(h("x-meta-k2").as_deref(), Some(""));
        assert!(req.body.is_empty());
    }

    #[test]
    fn body_members_and_payloads() {
        let members = r#"{"h": {"shape": "S", "location": "header", "locationName": "x-h"},
                             "a": {"shape": "S"}}"#;
        let req = request(
            "/",
            members,
            None,
            json!({"h": "x", "a": "y"}),
            BodyFormat::Json,
        );
        assert_eq!(&req.body[..], br#"{"a":"y"}"#);
        assert_eq!(req.headers["content-type"], "application/json");
        let req = request("/", members, None, json!({"h": "x"}), BodyFormat::Json);
        assert_eq!(&req.body[..], b"{}");
        let req = request("/", members, None, json!({"h": "x"}), BodyFormat::Xml);
        assert!(req.body.is_empty());

        let blob = r#"{"d": {"shape": "B"}}"#;
        let req = request(
            "/",
            blob,
            Some("d"),
            json!({"d": "raw bytes"}),
            BodyFormat::Json,
        );
        assert_eq!(&req.body[..], b"raw bytes");
        assert!(req.headers.get("content-type").is_none());
        let req = request("/", blob, Some("d"), json!({}), BodyFormat::Json);
        assert!(req.body.is_empty());

        let nested = r#"{"n": {"shape": "Nested", "locationName": "Top"}}"#;
        let req = request(
            "/",
            nested,
            Some("n"),
            json!({"n": {"a": "1"}}),
            BodyFormat::Xml,
        );
        assert_eq!(&req.body[..], b"<Top><a>1</a></Top>");
        let req = request("/", nested, Some("n"), json!({}), BodyFormat::Json);
        assert_eq!(&req.body[..], b"{}");
        let req = request("/", nested, Some("n"), json!({}), BodyFormat::Xml);
        assert!(req.body.is_empty());
    }
}
