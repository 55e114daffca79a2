//! Robustness of the response parsers: the corpus in
//! `tests/vectors/malformed/`, truncations and random mutations of valid
//! bodies, absurd nesting and bad header values go through every parser. The
//! parsers of a body's own format must reject it; none may panic or overflow
//! the stack.

use std::path::PathBuf;

use http::{HeaderMap, HeaderValue};
use myaws_core::model::ServiceModel;
use myaws_core::protocol::{parse_error, parse_response, Response};
use myaws_core::Value;
use serde_json::Value as Json;

const PROTOCOLS: [&str; 6] = [
    "json",
    "rest-json",
    "rest-xml",
    "query",
    "ec2",
    "smithy-rpc-v2-cbor",
];

fn malformed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/malformed")
}

/// The corpus model with `protocol` set.
fn model(protocol: &str) -> ServiceModel {
    let text = std::fs::read_to_string(malformed_dir().join("model.json")).expect("model.json");
    let mut json: Json = serde_json::from_str(&text).expect("model is JSON");
    json["metadata"]["protocol"] = Json::String(protocol.into());
    ServiceModel::from_value(json).expect("model loads")
}

/// The protocols whose body format is `family` (`json`, `xml`, `cbor`).
fn protocols_of(family: &str) -> &'static [&'static str] {
    match family {
        "json" => &["json", "rest-json"],
        "xml" => &["query", "ec2", "rest-xml"],
        "cbor" => &["smithy-rpc-v2-cbor"],
        other => panic!("unknown family {other}"),
    }
}

fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ASCII"), 16).expect("hex"))
        .collect()
}

/// `(family, file name, body)` for every corpus file.
fn corpus() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = Vec::new();
    for family in ["json", "xml", "cbor"] {
        let dir = malformed_dir().join(family);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let raw = std::fs::read(&path).expect("corpus file");
            let body = if name.ends_with(".hex") {
                unhex(std::str::from_utf8(&raw).expect("hex text"))
            } else {
                raw
            };
            out.push((family, name, body));
        }
    }
    out
}

/// Header sets: none, and every bound header malformed.
fn header_sets() -> Vec<HeaderMap> {
    let mut bad = HeaderMap::new();
    for (name, value) in [
        ("x-str", &b"caf\xe9"[..]),
        ("x-int", b"twelve"),
        ("x-times", b"Mon, garbage, 1576540098"),
        ("x-json", b"!!not base64!!"),
        ("x-meta-a", b"\x80\xff"),
        ("x-err", b""),
        ("x-amzn-query-error", b";;;"),
        ("x-amzn-errortype", b"#:#:"),
        ("x-amzn-requestid", b"\xff"),
    ] {
        bad.append(name, HeaderValue::from_bytes(value).expect("header value"));
    }
    vec![HeaderMap::new(), bad]
}

/// Runs a body through both parsers of both operations; returns
/// `parse_response(Op)`'s result.
fn run_all(
    model: &ServiceModel,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, String> {
    let response = Response {
        status,
        headers,
        body,
    };
    let payload_op = model.operation("PayloadOp").expect("PayloadOp");
    let _ = parse_response(model, payload_op, &response);
    let _ = parse_error(model, payload_op, &response);
    let op = model.operation("Op").expect("Op");
    let _ = parse_error(model, op, &response);
    parse_response(model, op, &response).map_err(|e| e.message)
}

#[test]
fn every_parser_survives_every_corpus_file() {
    let corpus = corpus();
    assert!(corpus.len() >= 60, "corpus has only {} files", corpus.len());
    let mut runs = 0;
    for protocol in PROTOCOLS {
        let model = model(protocol);
        for (_, _, body) in &corpus {
            for headers in &header_sets() {
                for status in [200, 400, 404, 500, 503] {
                    let _ = run_all(&model, status, headers, body);
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, corpus.len() * PROTOCOLS.len() * 10);
}

#[test]
fn parsers_of_the_bodys_format_reject_it() {
    let mut accepted = Vec::new();
    for (family, name, body) in corpus() {
        for protocol in protocols_of(family) {
            let model = model(protocol);
            if let Ok(v) = run_all(&model, 200, &HeaderMap::new(), &body) {
                accepted.push(format!("{protocol} accepted {family}/{name}: {v:?}"));
            }
        }
    }
    assert!(accepted.is_empty(), "{}", accepted.join("\n"));
}

/// A valid body of each format with members of every kind.
fn valid_bodies() -> [(&'static str, Vec<u8>); 3] {
    let json = br#"{"Str":"s","Int":7,"Long":-9,"Flt":1.5,"Dbl":"NaN","Bool":true,"Blob":"aGk=","Time":1398796238,"List":["a","b"],"FlatList":[{"Name":"n","Child":{"Name":"c"}}],"Map":{"k":{"Name":"v"}},"FlatMap":{"a":"b"},"Nested":{"Items":[{"Name":"i"}]},"Union":{"A":"x"},"Doc":{"any":[1,true,null]}}"#;
    let xml = br#"<Out attr="at"><Str>s</Str><Int>7</Int><Long>-9</Long><Flt>1.5</Flt><Dbl>NaN</Dbl><Bool>true</Bool><Blob>aGk=</Blob><Time>2014-04-29T18:30:38Z</Time><List><member>a</member><member>b</member></List><item><Name>n</Name><Child><Name>c</Name></Child></item><Map><entry><key>k</key><value><Name>v</Name></value></entry></Map><FlatMap><key>a</key><value>b</value></FlatMap><Nested><Items><item><Name>i</Name></item></Items></Nested><Union><A>x</A></Union></Out>"#;
    // {"Str": "s", "Int": 7, "Time": 1(1398796238), "List": ["a", "b"],
    //  "Nested": {"Name": "n"}, "Flt": 1.5 (half float)}
    let cbor = unhex(
        "a6 63537472 6173 63496e74 07 6454696d65 c11a535ff04e 644c697374 82 6161 6162 \
         664e6573746564 a1 644e616d65 616e 63466c74 f93e00",
    );
    [
        ("json", json.to_vec()),
        ("xml", xml.to_vec()),
        ("cbor", cbor),
    ]
}

fn member<'a>(model: &ServiceModel, value: &'a Value, name: &str) -> &'a Value {
    let shape = model.shape(model.shape_id("Out").expect("Out"));
    let i = shape.member_index(name).expect("member");
    &value.as_struct().expect("a structure")[i]
}

#[test]
fn valid_bodies_parse_and_every_truncation_is_rejected() {
    for (family, body) in valid_bodies() {
        for protocol in protocols_of(family) {
            let model = model(protocol);
            let full = run_all(&model, 200, &HeaderMap::new(), &body)
                .unwrap_or_else(|e| panic!("{protocol}: valid body rejected: {e}"));
            assert_eq!(
                member(&model, &full, "Str"),
                &Value::String("s".into()),
                "{protocol}"
            );
            assert_eq!(
                member(&model, &full, "Int"),
                &Value::Integer(7),
                "{protocol}"
            );
            assert_eq!(
                member(&model, &full, "Flt"),
                &Value::Float(1.5),
                "{protocol}"
            );
            let list = Value::List(vec![Value::String("a".into()), Value::String("b".into())]);
            assert_eq!(member(&model, &full, "List"), &list, "{protocol}");
            for len in 1..body.len() {
                let prefix = &body[..len];
                if prefix.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                assert!(
                    run_all(&model, 200, &HeaderMap::new(), prefix).is_err(),
                    "{protocol} accepted a truncation to {len} of {} bytes",
                    body.len()
                );
            }
        }
    }
}

#[test]
fn random_mutations_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x006d_7961_7773);
    let mut parsed = 0;
    let mut rejected = 0;
    for (family, body) in valid_bodies() {
        for protocol in protocols_of(family) {
            let model = model(protocol);
            for _ in 0..600 {
                let mut b = body.clone();
                for _ in 0..rng.usize(1..4) {
                    let at = rng.usize(..b.len());
                    match rng.u8(..4) {
                        0 => b[at] = rng.u8(..),
                        1 => b[at] ^= 1 << rng.u8(..8),
                        2 => {
                            b.remove(at);
                        }
                        _ => b.insert(at, rng.u8(..)),
                    }
                    if b.is_empty() {
                        b.push(rng.u8(..));
                    }
                }
                match run_all(&model, 200, &HeaderMap::new(), &b) {
                    Ok(_) => parsed += 1,
                    Err(_) => rejected += 1,
                }
                let _ = run_all(&model, 400, &HeaderMap::new(), &b);
            }
        }
    }
    // Mutations must exercise both outcomes, or the corpus is not doing its job.
    assert!(
        parsed > 0 && rejected > 0,
        "parsed {parsed}, rejected {rejected}"
    );
}

#[test]
fn absurd_nesting_is_rejected_without_overflowing_the_stack() {
    const DEPTH: usize = 100_000;
    let json_arrays = format!("{{\"List\": {}{}}}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let json_objects = format!("{}{}", "{\"Nested\": ".repeat(DEPTH), "}".repeat(DEPTH));
    let xml = format!("{}{}", "<Nested>".repeat(DEPTH), "</Nested>".repeat(DEPTH));
    let mut cbor = vec![0x81u8; DEPTH];
    cbor.push(0);
    let mut cbor_maps = Vec::new();
    for _ in 0..DEPTH {
        cbor_maps.extend_from_slice(&unhex("a1 664e6573746564"));
    }
    cbor_maps.push(0xa0);
    let cases: [(&str, &[u8]); 5] = [
        ("json", json_arrays.as_bytes()),
        ("json", json_objects.as_bytes()),
        ("xml", xml.as_bytes()),
        ("cbor", &cbor),
        ("cbor", &cbor_maps),
    ];
    for (family, body) in cases {
        for protocol in protocols_of(family) {
            let model = model(protocol);
            let err = run_all(&model, 200, &HeaderMap::new(), body).unwrap_err();
            assert!(!err.is_empty(), "{protocol}");
            for status in [400, 500] {
                let response = Response {
                    status,
                    headers: &HeaderMap::new(),
                    body,
                };
                let op = model.operation("Op").unwrap();
                let _ = parse_error(&model, op, &response);
            }
        }
    }
}

#[test]
fn malformed_bound_headers_are_errors() {
    for protocol in ["rest-json", "rest-xml"] {
        let model = model(protocol);
        for (name, value) in [
            ("x-int", "twelve"),
            ("x-times", "Mon, garbage"),
            ("x-json", "!!not base64!!"),
            ("x-json", "bm90IGpzb24="),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_static(value));
            let err = run_all(&model, 200, &headers, b"").unwrap_err();
            assert!(!err.is_empty(), "{protocol} {name}");
        }
        let mut headers = HeaderMap::new();
        headers.insert("x-int", HeaderValue::from_static(" 12 "));
        let ok = run_all(&model, 200, &headers, b"").expect("valid header");
        assert_eq!(member(&model, &ok, "HInt"), &Value::Integer(12));
    }
}
