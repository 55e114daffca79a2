//! Input (serialization) cases.
//!
//! A case gives operation parameters and the request botocore expects. The
//! runner builds the model from the suite, converts the parameters (blobs as
//! raw text, timestamps as epoch seconds, no enum checks), serializes with a
//! fixed idempotency token and compares method, URI (path and query), the
//! listed headers, forbidden headers, the body (semantically per protocol) and
//! the host prefix, with botocore's documented relaxations only.
//!
//! Operations with `requestcompression` then go through myaws's request
//! compression with botocore's default settings, as a call would: the
//! vectors check the `Content-Encoding` header, and the runner checks that
//! the body is the gzip of the serialized request.

pub mod cbor;
pub mod xml;

use std::io::Read as _;

use base64::Engine as _;
use myaws_core::compression::{maybe_compress, RequestCompression};
use myaws_core::convert::{from_json, JsonOptions};
use myaws_core::model::Protocol;
use myaws_core::protocol::{serialize_request, SerializeOptions, SerializedRequest};
use myaws_core::{ServiceModel, Value};
use serde_json::{json, Value as Json};

use super::Outcome;

/// The idempotency token the vectors expect.
pub const FIXED_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

fn fixed_token() -> String {
    FIXED_TOKEN.to_string()
}

/// Runs one serialization case of `suite`.
pub fn run_case(suite: &Json, case: &Json) -> Outcome {
    match check(suite, case) {
        Ok(()) => Outcome::Pass,
        Err(why) => Outcome::Fail(why),
    }
}

fn check(suite: &Json, case: &Json) -> Result<(), String> {
    let mut model = ServiceModel::from_value(json!({
        "metadata": suite.get("metadata").cloned().unwrap_or(Json::Null),
        "shapes": suite.get("shapes").cloned().unwrap_or(Json::Null),
    }))
    .map_err(|e| format!("model: {e}"))?;
    let given = case.get("given").cloned().ok_or("case has no `given`")?;
    let index = model
        .add_operation(given)
        .map_err(|e| format!("operation: {e}"))?;
    let op = &model.operations[index];
    let params = case.get("params").cloned().unwrap_or_else(|| json!({}));
    let input = match op.input {
        Some(id) => {
            let opts = JsonOptions::VECTORS;
            from_json(&model, id, &params, opts).map_err(|e| format!("params: {e}"))?
        }
        None => Value::Null,
    };
    let opts = SerializeOptions {
        idempotency_token: fixed_token,
    };
    let mut request =
        serialize_request(&model, op, &input, &opts).map_err(|e| format!("serialize: {e}"))?;
    let uncompressed = request.body.clone();
    let settings = RequestCompression::default();
    let encoding =
        maybe_compress(&settings, op, &mut request, false).map_err(|e| format!("compress: {e}"))?;
    if encoding.is_some() {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&request.body[..])
            .read_to_end(&mut plain)
            .map_err(|e| format!("compressed body is not gzip: {e}"))?;
        if plain != uncompressed {
            return Err("compressed body does not decompress to the serialized body".into());
        }
    } else if !op.request_compression.is_empty() && uncompressed.len() >= 10_240 {
        return Err("a body over the minimum size was not compressed".into());
    }
    let expected = case.get("serialized").ok_or("case has no `serialized`")?;
    compare(model.protocol, suite, &request, expected)
}

/// Compares a serialized request with a case's `serialized` object.
pub fn compare(
    protocol: Protocol,
    suite: &Json,
    request: &SerializedRequest,
    expected: &Json,
) -> Result<(), String> {
    let field = |name: &str| expected.get(name).and_then(Json::as_str);

    if let Some(method) = field("method") {
        if request.method.as_str() != method {
            return Err(format!("method: got {}, want {method}", request.method));
        }
    }
    if let Some(uri) = field("uri") {
        let got = if request.query.is_empty() {
            request.path.clone()
        } else {
            format!("{}?{}", request.path, request.query)
        };
        if got != uri {
            return Err(format!("uri: got {got:?}, want {uri:?}"));
        }
    }
    if let Some(headers) = expected.get("headers").and_then(Json::as_object) {
        for (name, want) in headers {
            let want = want
                .as_str()
                .ok_or_else(|| format!("header {name}: not a string"))?;
            check_header(protocol, request, name, want)?;
        }
    }
    if let Some(forbidden) = expected.get("forbidHeaders").and_then(Json::as_array) {
        for name in forbidden.iter().filter_map(Json::as_str) {
            if request
                .headers
                .contains_key(name.to_ascii_lowercase().as_str())
            {
                return Err(format!("header {name} must not be sent"));
            }
        }
    }
    if let Some(body) = field("body") {
        check_body(protocol, &request.body, body)?;
    }
    if let Some(host) = field("host") {
        let endpoint = suite
            .get("clientEndpoint")
            .and_then(Json::as_str)
            .ok_or("case expects a host but the suite has no clientEndpoint")?;
        let base = endpoint
            .split_once("://")
            .map_or(endpoint, |(_, rest)| rest);
        let got = format!("{}{base}", request.host_prefix.as_deref().unwrap_or(""));
        if got != host {
            return Err(format!("host: got {got:?}, want {host:?}"));
        }
    }
    Ok(())
}

fn check_header(
    protocol: Protocol,
    request: &SerializedRequest,
    name: &str,
    want: &str,
) -> Result<(), String> {
    let values: Vec<&str> = request
        .headers
        .get_all(name.to_ascii_lowercase().as_str())
        .iter()
        .map(|v| v.to_str().unwrap_or("<non-ASCII>"))
        .collect();
    let got = values.join(",");
    if name.eq_ignore_ascii_case("content-type") {
        // botocore's relaxations: rest-xml's content type is not checked (botocore
        // sends none), rest-json checks only application/json (raw payloads get
        // none), query/ec2 add `; charset=utf-8`.
        let unchecked = match protocol {
            Protocol::RestXml => true,
            Protocol::RestJson => want != "application/json",
            _ => false,
        };
        let charset = matches!(protocol, Protocol::Query | Protocol::Ec2)
            && got == format!("{want}; charset=utf-8");
        if unchecked || charset {
            return Ok(());
        }
    }
    if values.is_empty() {
        return Err(format!("header {name}: missing, want {want:?}"));
    }
    if got == want {
        return Ok(());
    }
    // List headers: the vectors join items with ", ", botocore with ",".
    if got.replace(", ", ",") == want.replace(", ", ",") {
        return Ok(());
    }
    Err(format!("header {name}: got {got:?}, want {want:?}"))
}

fn check_body(protocol: Protocol, got: &[u8], want: &str) -> Result<(), String> {
    let shown = || String::from_utf8_lossy(got).into_owned();
    if want.is_empty() || got.is_empty() {
        return if want.is_empty() && got.is_empty() {
            Ok(())
        } else {
            Err(format!("body: got {:?}, want {want:?}", shown()))
        };
    }
    match protocol {
        Protocol::Json | Protocol::RestJson => {
            match (
                serde_json::from_slice::<Json>(got),
                serde_json::from_str::<Json>(want),
            ) {
                (Ok(g), Ok(w)) if json_eq(&g, &w) => Ok(()),
                (Ok(_), Ok(_)) => Err(format!("body: got {}, want {want}", shown())),
                // Raw payloads (blobs, strings) are compared as bytes.
                _ if got == want.as_bytes() => Ok(()),
                _ => Err(format!("body: got {:?}, want {want:?}", shown())),
            }
        }
        Protocol::RestXml => match (xml::canonical(got), xml::canonical(want.as_bytes())) {
            (Ok(g), Ok(w)) if g == w => Ok(()),
            (Ok(g), Ok(w)) => Err(format!(
                "body: got {}, want {want}\n  got:  {g:?}\n  want: {w:?}",
                shown()
            )),
            _ if got == want.as_bytes() => Ok(()),
            _ => Err(format!("body: got {:?}, want {want:?}", shown())),
        },
        Protocol::Query | Protocol::Ec2 => {
            if got == want.as_bytes() {
                Ok(())
            } else {
                Err(format!("body: got {:?}, want {want:?}", shown()))
            }
        }
        Protocol::RpcV2Cbor => {
            let want_bytes = base64::engine::general_purpose::STANDARD
                .decode(want)
                .map_err(|e| format!("expected body is not base64: {e}"))?;
            let g = cbor::decode(got).map_err(|e| format!("body is not CBOR: {e}"))?;
            let w =
                cbor::decode(&want_bytes).map_err(|e| format!("expected body is not CBOR: {e}"))?;
            if g == w {
                Ok(())
            } else {
                Err(format!("body: got {g:?}, want {w:?}"))
            }
        }
    }
}

/// JSON equality where numbers compare by value (`1` equals `1.0`), as
/// Python's comparison of parsed JSON does.
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(protocol: &str) -> Json {
        json!({
            "metadata": {"protocol": protocol, "apiVersion": "2020-01-08", "targetPrefix": "Svc",
                         "jsonVersion": "1.1"},
            "shapes": {"In": {"type": "structure", "members": {"Name": {"shape": "S"}}},
                       "S": {"type": "string"}},
            "clientEndpoint": "https://example.com"
        })
    }

    fn case(params: Json, serialized: Json) -> Json {
        json!({"id": "x", "given": {"name": "Op", "http": {"method": "POST", "requestUri": "/"},
                                    "input": {"shape": "In"}},
               "params": params, "serialized": serialized})
    }

    #[test]
    fn passes_a_matching_request_and_fails_a_different_one() {
        let s = suite("json");
        let good = case(
            json!({"Name": "a"}),
            json!({"method": "POST", "uri": "/", "body": "{\"Name\": \"a\"}",
                   "headers": {"X-Amz-Target": "Svc.Op"}}),
        );
        assert_eq!(run_case(&s, &good), Outcome::Pass);
        let wrong_body = case(
            json!({"Name": "a"}),
            json!({"method": "POST", "uri": "/", "body": "{\"Name\": \"b\"}"}),
        );
        assert!(matches!(run_case(&s, &wrong_body), Outcome::Fail(_)));
        let wrong_header = case(
            json!({}),
            json!({"method": "POST", "uri": "/", "headers": {"X-Amz-Target": "Svc.No"}}),
        );
        assert!(matches!(run_case(&s, &wrong_header), Outcome::Fail(_)));
        let forbidden = case(
            json!({}),
            json!({"method": "POST", "uri": "/", "forbidHeaders": ["X-Amz-Target"]}),
        );
        assert!(matches!(run_case(&s, &forbidden), Outcome::Fail(_)));
        let wrong_method = case(json!({}), json!({"method": "GET", "uri": "/"}));
        assert!(matches!(run_case(&s, &wrong_method), Outcome::Fail(_)));
    }

    #[test]
    fn query_bodies_are_exact_and_content_type_relaxed() {
        let s = suite("query");
        let good = case(
            json!({"Name": "a b"}),
            json!({"method": "POST", "uri": "/", "body": "Action=Op&Version=2020-01-08&Name=a+b",
                   "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
        );
        assert_eq!(run_case(&s, &good), Outcome::Pass);
        let reordered = case(
            json!({"Name": "a b"}),
            json!({"method": "POST", "uri": "/", "body": "Version=2020-01-08&Action=Op&Name=a+b"}),
        );
        assert!(matches!(run_case(&s, &reordered), Outcome::Fail(_)));
    }

    #[test]
    fn compressed_requests_are_checked() {
        let s = suite("json");
        let compressed = |header: &str, name: &str| {
            let mut c = case(
                json!({"Name": name}),
                json!({"method": "POST", "uri": "/", "headers": {"Content-Encoding": header}}),
            );
            c["given"]["requestcompression"] = json!({"encodings": ["gzip"]});
            c
        };
        let big = "x".repeat(20_000);
        assert_eq!(run_case(&s, &compressed("gzip", &big)), Outcome::Pass);
        assert!(matches!(
            run_case(&s, &compressed("br", &big)),
            Outcome::Fail(_)
        ));
        // Below the minimum size: sent as it is, so no Content-Encoding.
        assert!(matches!(
            run_case(&s, &compressed("gzip", "small")),
            Outcome::Fail(_)
        ));
    }

    #[test]
    fn json_numbers_compare_by_value() {
        assert!(json_eq(&json!({"a": [1, 2.5]}), &json!({"a": [1.0, 2.5]})));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 2})));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 1, "b": 1})));
    }
}
