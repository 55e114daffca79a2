//! The CBOR decoder against botocore's decode vectors
//! (`tests/vectors/cbor/decode-{success,error}-tests.json`).
//!
//! Every success case is checked, tags included (botocore skips the tag
//! cases and the null-map-value cases; the generic decoder keeps both).

use std::path::PathBuf;

use myaws_core::protocol::de::cbor::{decode, Cbor};
use serde_json::Value as Json;

fn vectors(name: &str) -> Vec<Json> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/cbor")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed: Json = serde_json::from_str(&quote_negints(&text)).expect("vector file is JSON");
    parsed.as_array().expect("a list of cases").clone()
}

/// `{"negint": -18446744073709551615}` does not fit an `i64`; quote every
/// negint so it is compared exactly.
fn quote_negints(text: &str) -> String {
    let key = "\"negint\": ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(key) {
        let (head, tail) = rest.split_at(i + key.len());
        out.push_str(head);
        let end = tail
            .find(|c: char| !(c == '-' || c.is_ascii_digit()))
            .unwrap_or(tail.len());
        out.push('"');
        out.push_str(&tail[..end]);
        out.push('"');
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn hex(s: &str) -> Vec<u8> {
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digits = std::str::from_utf8(pair).expect("ASCII hex");
            u8::from_str_radix(digits, 16).expect("hex digit")
        })
        .collect()
}

/// Checks a decoded item against a typed expectation; the error says where.
fn check(got: &Cbor, want: &Json, path: &str) -> Result<(), String> {
    let obj = want
        .as_object()
        .filter(|o| o.len() == 1)
        .ok_or(format!("{path}: bad expectation {want}"))?;
    let (kind, expected) = obj.iter().next().expect("one key");
    let ok = match (kind.as_str(), got) {
        ("uint", Cbor::Unsigned(n)) => expected.as_u64() == Some(*n),
        ("negint", Cbor::Negative(n)) => {
            let want: i128 = expected
                .as_str()
                .and_then(|s| s.parse().ok())
                .ok_or("negint")?;
            want == -1 - i128::from(*n)
        }
        ("bytestring", Cbor::Bytes(b)) => {
            let want: Vec<u64> = expected
                .as_array()
                .ok_or("bytes")?
                .iter()
                .filter_map(Json::as_u64)
                .collect();
            want == b.iter().map(|&x| u64::from(x)).collect::<Vec<_>>()
        }
        ("string", Cbor::Text(s)) => expected.as_str() == Some(s.as_str()),
        ("bool", Cbor::Bool(b)) => expected.as_bool() == Some(*b),
        ("null", Cbor::Null) => true,
        ("float32", Cbor::Float32(x)) => expected.as_u64() == Some(u64::from(x.to_bits())),
        ("float64", Cbor::Float64(x)) => expected.as_u64() == Some(x.to_bits()),
        ("list", Cbor::Array(items)) => {
            let want = expected.as_array().ok_or("list")?;
            if want.len() != items.len() {
                return Err(format!(
                    "{path}: {} items, expected {}",
                    items.len(),
                    want.len()
                ));
            }
            for (i, (g, w)) in items.iter().zip(want).enumerate() {
                check(g, w, &format!("{path}[{i}]"))?;
            }
            true
        }
        ("map", Cbor::Map(entries)) => {
            let want = expected.as_object().ok_or("map")?;
            if want.len() != entries.len() {
                return Err(format!(
                    "{path}: {} entries, expected {}",
                    entries.len(),
                    want.len()
                ));
            }
            for (k, v) in entries {
                let key = k.as_str().ok_or(format!("{path}: non-text key"))?;
                let w = want
                    .get(key)
                    .ok_or(format!("{path}: unexpected key {key}"))?;
                check(v, w, &format!("{path}.{key}"))?;
            }
            true
        }
        ("tag", Cbor::Tag(id, inner)) => {
            expected["id"].as_u64() == Some(*id)
                && check(inner, &expected["value"], &format!("{path}<tag>")).is_ok()
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{path}: got {got:?}, expected {want}"))
    }
}

#[test]
fn decodes_every_success_vector() {
    let cases = vectors("decode-success-tests.json");
    assert!(cases.len() > 100, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["description"].as_str().unwrap_or("?");
        let input = hex(case["input"].as_str().expect("input"));
        match decode(&input) {
            Ok(item) => {
                if let Err(e) = check(&item, &case["expect"], "$") {
                    failures.push(format!("{name}: {e}"));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rejects_every_error_vector() {
    let cases = vectors("decode-error-tests.json");
    assert!(cases.len() > 50, "only {} cases", cases.len());
    let accepted: Vec<String> = cases
        .iter()
        .filter(|case| decode(&hex(case["input"].as_str().expect("input"))).is_ok())
        .map(|case| case["description"].as_str().unwrap_or("?").to_string())
        .collect();
    assert!(accepted.is_empty(), "decoded malformed input: {accepted:?}");
}

#[test]
fn quoting_keeps_other_numbers() {
    let text = r#"[{"negint": -5}, {"uint": 7}, {"negint": -18446744073709551616}]"#;
    assert_eq!(
        quote_negints(text),
        r#"[{"negint": "-5"}, {"uint": 7}, {"negint": "-18446744073709551616"}]"#
    );
}

#[test]
fn the_checker_notices_differences() {
    use serde_json::json;
    assert!(check(&Cbor::Unsigned(1), &json!({"uint": 2}), "$").is_err());
    assert!(check(&Cbor::Text("a".into()), &json!({"bytestring": [97]}), "$").is_err());
    let map = Cbor::Map(vec![(Cbor::Text("foo".into()), Cbor::Null)]);
    assert!(check(&map, &json!({"map": {"foo": {"null": {}}}}), "$").is_ok());
    assert!(check(&map, &json!({"map": {"bar": {"null": {}}}}), "$").is_err());
}
