//! Output (parsing) cases: an HTTP response goes through
//! [`parse_response`] or [`parse_error`] and the result is compared with the
//! case's `result`, or with its `errorCode` / `errorMessage` / `error`.
//!
//! Values are compared as botocore's runner does after its fix-ups:
//! timestamps as epoch seconds, blobs as their UTF-8 text, special floats as
//! `"NaN"` / `"Infinity"` / `"-Infinity"`, numbers by value (a float that came
//! from a single-precision CBOR float may differ in its last bits).

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use myaws_core::convert::{to_json, JsonOptions};
use myaws_core::model::{Protocol, ServiceModel};
use myaws_core::protocol::{parse_error, parse_response, Response};
use serde_json::{json, Value as Json};

use super::Outcome;

/// Runs one parsing case of `suite`.
pub fn run_case(suite: &Json, case: &Json) -> Outcome {
    match run(suite, case) {
        Ok(()) => Outcome::Pass,
        Err(why) => Outcome::Fail(why),
    }
}

fn run(suite: &Json, case: &Json) -> Result<(), String> {
    let model = build_model(suite, case)?;
    let name = case
        .pointer("/given/name")
        .and_then(Json::as_str)
        .ok_or("case has no given.name")?;
    let op = model
        .operation(name)
        .ok_or("operation missing from model")?;
    let (status, headers, body) = response_parts(case, model.protocol)?;
    let response = Response {
        status,
        headers: &headers,
        body: &body,
    };
    if case.get("error").is_some() {
        let parts = parse_error(&model, op, &response).map_err(|e| format!("parse_error: {e}"))?;
        let want_code = case.get("errorCode").and_then(Json::as_str).unwrap_or("");
        if parts.code != want_code {
            return Err(format!("code {:?}, expected {want_code:?}", parts.code));
        }
        let want_message = case
            .get("errorMessage")
            .and_then(Json::as_str)
            .unwrap_or("");
        let message = parts.message.as_deref().unwrap_or("");
        if message != want_message {
            return Err(format!("message {message:?}, expected {want_message:?}"));
        }
        let got = match parts.shape {
            Some(shape) => to_json(&model, shape, &parts.value, JsonOptions::VECTORS),
            None => json!({}),
        };
        compare(&got, &case["error"]).map_err(|e| format!("error members: {e}"))
    } else {
        let value =
            parse_response(&model, op, &response).map_err(|e| format!("parse_response: {e}"))?;
        let got = match op.output {
            Some(shape) => to_json(&model, shape, &value, JsonOptions::VECTORS),
            None => json!({}),
        };
        let got = if got.is_null() { json!({}) } else { got };
        compare(&got, case.get("result").unwrap_or(&json!({}))).map_err(|e| format!("result: {e}"))
    }
}

/// The suite's metadata and shapes plus the case's operation. For `query`,
/// botocore's runner adds `resultWrapper: <Operation>Result` to outputs that
/// have members (real query models carry it; the test models leave it out).
fn build_model(suite: &Json, case: &Json) -> Result<ServiceModel, String> {
    let mut model = ServiceModel::from_value(json!({
        "metadata": suite["metadata"],
        "shapes": suite["shapes"],
    }))
    .map_err(|e| e.to_string())?;
    let mut given = case.get("given").cloned().ok_or("case has no given")?;
    if model.protocol == Protocol::Query {
        let name = given["name"].as_str().unwrap_or_default().to_string();
        if let Some(output) = given.get_mut("output").and_then(Json::as_object_mut) {
            let has_members = output
                .get("shape")
                .and_then(Json::as_str)
                .and_then(|s| suite.pointer(&format!("/shapes/{s}/members")))
                .and_then(Json::as_object)
                .is_some_and(|m| !m.is_empty());
            if has_members && !output.contains_key("resultWrapper") {
                output.insert("resultWrapper".into(), json!(format!("{name}Result")));
            }
        }
    }
    model.add_operation(given).map_err(|e| e.to_string())?;
    Ok(model)
}

/// Status, headers and body of the case's response. CBOR bodies are base64 in
/// the vectors; a missing body is empty (`<xml/>` for query, as botocore).
fn response_parts(case: &Json, protocol: Protocol) -> Result<(u16, HeaderMap, Vec<u8>), String> {
    let response = case.get("response").ok_or("case has no response")?;
    let status = response
        .get("status_code")
        .and_then(Json::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("response has no status_code")?;
    let mut headers = HeaderMap::new();
    if let Some(h) = response.get("headers").and_then(Json::as_object) {
        for (k, v) in h {
            let name =
                HeaderName::from_bytes(k.as_bytes()).map_err(|e| format!("header {k}: {e}"))?;
            let value = HeaderValue::from_str(v.as_str().unwrap_or_default())
                .map_err(|e| format!("header {k}: {e}"))?;
            headers.append(name, value);
        }
    }
    let body = match response.get("body").and_then(Json::as_str) {
        Some(text) if protocol == Protocol::RpcV2Cbor => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| format!("body is not base64: {e}"))?,
        Some(text) => text.as_bytes().to_vec(),
        None if protocol == Protocol::Query => b"<xml/>".to_vec(),
        None => Vec::new(),
    };
    Ok((status, headers, body))
}

/// Compares parsed output with the expected JSON; the error names the path of
/// the first difference.
fn compare(got: &Json, want: &Json) -> Result<(), String> {
    compare_at(got, want, "$")
}

fn compare_at(got: &Json, want: &Json, path: &str) -> Result<(), String> {
    let differ = || Err(format!("at {path}: got {got}, expected {want}"));
    match (got, want) {
        (Json::Number(a), Json::Number(b)) => {
            if same_number(a, b) {
                Ok(())
            } else {
                differ()
            }
        }
        (Json::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                return differ();
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare_at(x, y, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Json::Object(a), Json::Object(b)) => {
            if let Some(k) = a.keys().find(|k| !b.contains_key(*k)) {
                return Err(format!("at {path}: unexpected key {k:?} in {got}"));
            }
            for (k, y) in b {
                match a.get(k) {
                    Some(x) => compare_at(x, y, &format!("{path}.{k}"))?,
                    None => return Err(format!("at {path}: missing key {k:?} in {got}")),
                }
            }
            Ok(())
        }
        _ if got == want => Ok(()),
        _ => differ(),
    }
}

/// Integers exactly; otherwise within a millionth of a unit (timestamps with
/// fractions), or equal as single-precision floats for small magnitudes.
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
        return false;
    };
    x == y || (x - y).abs() <= 1e-6 || (y.abs() < 1e6 && x as f32 == y as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        assert!(compare(&json!(1.0), &json!(1)).is_ok());
        assert!(compare(&json!(946845296.123), &json!(946845296.123_000_1)).is_ok());
        assert!(compare(&json!(1.100_000_023_841_858), &json!(1.1)).is_ok());
        assert!(compare(&json!(1.2), &json!(1.1)).is_err());
        assert!(compare(&json!(946845297), &json!(946845296)).is_err());
    }

    #[test]
    fn objects_must_match_both_ways() {
        assert!(compare(&json!({"a": [1, "x"]}), &json!({"a": [1, "x"]})).is_ok());
        let e = compare(&json!({"a": 1, "b": 2}), &json!({"a": 1})).unwrap_err();
        assert!(e.contains("unexpected key \"b\""), "{e}");
        let e = compare(&json!({"a": [1]}), &json!({"a": [2]})).unwrap_err();
        assert!(e.contains("$.a[0]"), "{e}");
    }
}
