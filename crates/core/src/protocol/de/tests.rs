//! Behaviour of the parsers beyond the protocol test vectors, through
//! [`parse_response`] and [`parse_error`].

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::json;

use super::{parse_error, parse_response};
use crate::model::ServiceModel;
use crate::protocol::{Response, ServiceErrorParts};
use crate::time::DateTime;
use crate::value::Value;

/// A model with operation `Op` (output `Out`, error `Oops`) for `protocol`.
fn model(protocol: &str, out_members: serde_json::Value, extra: serde_json::Value) -> ServiceModel {
    let mut shapes = json!({
        "Out": {"type": "structure", "members": out_members},
        "Oops": {"type": "structure", "exception": true,
                 "error": {"code": "Oops.Code"},
                 "members": {"Message": {"shape": "S"}, "Extra": {"shape": "S"}}},
        "Other": {"type": "structure", "exception": true, "members": {}},
        "S": {"type": "string"}, "I": {"type": "integer"}, "F": {"type": "double"},
        "B": {"type": "blob"}, "T": {"type": "timestamp"}, "Bool": {"type": "boolean"},
        "SL": {"type": "list", "member": {"shape": "S"}},
        "SM": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
        "U": {"type": "structure", "union": true, "members": {"A": {"shape": "S"}, "N": {"shape": "I"}}}
    });
    if let (Some(s), Some(e)) = (shapes.as_object_mut(), extra.as_object()) {
        s.extend(e.clone());
    }
    let mut m = ServiceModel::from_value(json!({
        "metadata": {"protocol": protocol, "jsonVersion": "1.0", "targetPrefix": "T"},
        "shapes": shapes,
    }))
    .unwrap();
    m.add_operation(
        json!({"name": "Op", "http": {"method": "POST", "requestUri": "/"},
                           "output": {"shape": "Out"}, "errors": [{"shape": "Oops"}]}),
    )
    .unwrap();
    m
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

/// A parsed structure's members by name (test models list members in JSON
/// key order, which `json!` may sort).
struct Fields(Vec<(String, Value)>);

impl Fields {
    fn of(m: &ServiceModel, shape: &str, value: &Value) -> Fields {
        let Value::Struct(slots) = value else {
            panic!("expected a structure, got {value:?}")
        };
        let s = m.shape(m.shape_id(shape).unwrap());
        Fields(
            s.members
                .iter()
                .map(|m| m.name.clone())
                .zip(slots.iter().cloned())
                .collect(),
        )
    }

    fn get(&self, name: &str) -> &Value {
        &self
            .0
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no member {name}"))
            .1
    }

    /// The members that are set, sorted by name.
    fn set(&self) -> Vec<(&str, &Value)> {
        let mut set: Vec<(&str, &Value)> = self
            .0
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(n, v)| (n.as_str(), v))
            .collect();
        set.sort_by(|a, b| a.0.cmp(b.0));
        set
    }
}

fn ok(m: &ServiceModel, status: u16, h: &HeaderMap, body: &[u8]) -> Fields {
    let op = m.operation("Op").unwrap();
    let r = Response {
        status,
        headers: h,
        body,
    };
    Fields::of(m, "Out", &parse_response(m, op, &r).unwrap())
}

fn err(m: &ServiceModel, status: u16, h: &HeaderMap, body: &[u8]) -> ServiceErrorParts {
    let op = m.operation("Op").unwrap();
    parse_error(
        m,
        op,
        &Response {
            status,
            headers: h,
            body,
        },
    )
    .unwrap()
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

#[test]
fn json_maps_drop_nulls_lists_keep_them_and_unknown_keys_are_ignored() {
    let m = model(
        "json",
        json!({"L": {"shape": "SL"}, "M": {"shape": "SM"}}),
        json!({}),
    );
    let v = ok(
        &m,
        200,
        &HeaderMap::new(),
        br#"{"L": ["a", null], "M": {"x": null, "y": "z"}, "Q": 1}"#,
    );
    assert_eq!(*v.get("L"), Value::List(vec![s("a"), Value::Null]));
    assert_eq!(*v.get("M"), Value::Map(vec![("y".into(), s("z"))]));
}

#[test]
fn json_unions_empty_unknown_and_overfull() {
    let m = model("json", json!({"U": {"shape": "U"}}), json!({}));
    let h = HeaderMap::new();
    assert_eq!(
        ok(&m, 200, &h, br#"{"U": {"__type": "x", "N": 3}}"#)
            .get("U")
            .clone(),
        Value::Struct(vec![Value::Null, Value::Integer(3)])
    );
    assert_eq!(
        ok(&m, 200, &h, br#"{"U": {"Future": 1}}"#).get("U").clone(),
        // No member set; the unknown member's name one slot past them.
        Value::Struct(vec![
            Value::Null,
            Value::Null,
            Value::String("Future".into())
        ])
    );
    assert_eq!(
        ok(&m, 200, &h, br#"{"U": null}"#).get("U").clone(),
        Value::Null
    );
    let op = m.operation("Op").unwrap();
    // Several members, none, or only nulls: malformed, as botocore and
    // aws-sdk-rust hold.
    for (body, why) in [
        (&br#"{"U": {"A": "a", "N": 1}}"#[..], "exactly one member"),
        (br#"{"U": {}}"#, "has no member set"),
        (br#"{"U": {"A": null}}"#, "has no member set"),
        (br#"{"U": {"__type": "x"}}"#, "has no member set"),
    ] {
        let r = Response {
            status: 200,
            headers: &h,
            body,
        };
        let err = parse_response(&m, op, &r).unwrap_err().to_string();
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn xml_and_cbor_unions_without_a_member_are_errors() {
    for protocol in ["rest-xml", "smithy-rpc-v2-cbor"] {
        let m = model(protocol, json!({"U": {"shape": "U"}}), json!({}));
        let op = m.operation("Op").unwrap();
        let body: &[u8] = if protocol == "rest-xml" {
            b"<OpResult><U/></OpResult>"
        } else {
            // {"U": {}}
            &[0xa1, 0x61, b'U', 0xa0]
        };
        let h = HeaderMap::new();
        let r = Response {
            status: 200,
            headers: &h,
            body,
        };
        let err = parse_response(&m, op, &r).unwrap_err().to_string();
        assert!(
            err.contains("union U has no member set"),
            "{protocol}: {err}"
        );
    }
}

#[test]
fn json_numbers_timestamps_and_blobs() {
    let m = model(
        "json",
        json!({"I": {"shape": "I"}, "F": {"shape": "F"}, "T": {"shape": "T"}, "T2": {"shape": "T"}, "B": {"shape": "B"}}),
        json!({}),
    );
    let body =
        br#"{"I": 5.0, "F": "-Infinity", "T": 1.5, "T2": "2014-04-29T18:30:38Z", "B": "aGk="}"#;
    let v = ok(&m, 200, &HeaderMap::new(), body);
    assert_eq!(*v.get("I"), Value::Integer(5));
    assert_eq!(*v.get("F"), Value::Float(f64::NEG_INFINITY));
    assert_eq!(
        *v.get("T"),
        Value::Timestamp(DateTime::from_secs_and_nanos(1, 500_000_000))
    );
    assert_eq!(
        *v.get("T2"),
        Value::Timestamp(DateTime::from_secs(1_398_796_238))
    );
    assert_eq!(*v.get("B"), Value::blob(Bytes::from_static(b"hi")));
}

#[test]
fn rest_json_binds_headers_status_and_prefixed_maps_over_the_body() {
    let m = model(
        "rest-json",
        json!({
            "H": {"shape": "S", "location": "header", "locationName": "X-H"},
            "Code": {"shape": "I", "location": "statusCode"},
            "Meta": {"shape": "SM", "location": "headers", "locationName": "X-Meta-"},
            "J": {"shape": "S", "location": "header", "locationName": "x-j", "jsonvalue": true},
            "Times": {"shape": "TL", "location": "header", "locationName": "x-t"},
            "Flag": {"shape": "Bool", "location": "header", "locationName": "x-f"}
        }),
        json!({"TL": {"type": "list", "member": {"shape": "T"}}}),
    );
    let h = headers(&[
        ("x-h", "from header"),
        ("x-meta-one", "1"),
        ("X-Meta-Two", "2"),
        ("x-j", "eyJhIjogWzEsIDJdfQ=="),
        ("x-t", "Mon, 16 Dec 2019 23:48:18 GMT, 1576540098"),
        ("x-f", "TRUE"),
    ]);
    // A body key named like a header-bound member is not read.
    let v = ok(&m, 201, &h, br#"{"H": "from body"}"#);
    assert_eq!(*v.get("H"), s("from header"));
    assert_eq!(*v.get("Code"), Value::Integer(201));
    let Value::Map(mut meta) = v.get("Meta").clone() else {
        panic!("{:?}", v.get("Meta"))
    };
    meta.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(meta, vec![("one".into(), s("1")), ("two".into(), s("2"))]);
    assert_eq!(*v.get("J"), Value::Document(Box::new(json!({"a": [1, 2]}))));
    let t = Value::Timestamp(DateTime::from_secs(1_576_540_098));
    assert_eq!(*v.get("Times"), Value::List(vec![t.clone(), t]));
    assert_eq!(*v.get("Flag"), Value::Bool(true));
}

#[test]
fn payload_blobs_and_strings() {
    let build = |protocol: &str, target: &str| {
        let extra = json!({"SB": {"type": "blob", "streaming": true}});
        let mut m = model(protocol, json!({"Data": {"shape": target}}), extra);
        let id = m.shape_id("Out").unwrap();
        m.shape_mut(id).payload = Some("Data".into());
        m
    };
    let h = HeaderMap::new();
    let blob = build("rest-json", "B");
    assert_eq!(
        ok(&blob, 200, &h, b"\xff\x00raw").get("Data").clone(),
        Value::blob(Bytes::from_static(b"\xff\x00raw"))
    );
    // An empty body is an empty payload, as botocore returns it.
    assert_eq!(
        ok(&blob, 200, &h, b"").get("Data").clone(),
        Value::blob(Bytes::new())
    );
    let streaming = build("rest-xml", "SB");
    assert_eq!(
        ok(&streaming, 200, &h, b"").get("Data").clone(),
        Value::blob(Bytes::new())
    );
    let text = build("rest-xml", "S");
    assert_eq!(
        ok(&text, 200, &h, "héllo".as_bytes()).get("Data").clone(),
        s("héllo")
    );
    let op = text.operation("Op").unwrap();
    let r = Response {
        status: 200,
        headers: &h,
        body: b"\xff",
    };
    assert!(parse_response(&text, op, &r).is_err());
}

#[test]
fn xml_flattened_maps_attributes_and_wrapped_lists() {
    let m = model(
        "rest-xml",
        json!({
            "Flat": {"shape": "SM", "flattened": true, "locationName": "Entry"},
            "Named": {"shape": "NM"},
            "Attr": {"shape": "S", "xmlAttribute": true, "locationName": "xsi:type"},
            "Items": {"shape": "SL"},
            "Empty": {"shape": "S"}
        }),
        json!({"NM": {"type": "map", "key": {"shape": "S", "locationName": "K"},
                      "value": {"shape": "S", "locationName": "V"}}}),
    );
    let body = br#"<Out xmlns:x="urn:x" x:type="t">
        <Entry><key>a</key><value>1</value></Entry><Entry><key>b</key><value>2</value></Entry>
        <Named><entry><K>k</K><V>v</V></entry></Named>
        <Items><member>x</member><anything>y</anything></Items>
        <Empty/>
    </Out>"#;
    let v = ok(&m, 200, &HeaderMap::new(), body);
    assert_eq!(
        *v.get("Flat"),
        Value::Map(vec![("a".into(), s("1")), ("b".into(), s("2"))])
    );
    assert_eq!(*v.get("Named"), Value::Map(vec![("k".into(), s("v"))]));
    assert_eq!(*v.get("Attr"), s("t"));
    assert_eq!(*v.get("Items"), Value::List(vec![s("x"), s("y")]));
    assert_eq!(*v.get("Empty"), s(""));
}

#[test]
fn query_reads_the_result_wrapper_and_ec2_the_root() {
    let mut m = model(
        "query",
        json!({"A": {"shape": "S"}, "N": {"shape": "I"}}),
        json!({}),
    );
    let id = m.operation_id("Op").unwrap();
    m.operations[id].output_result_wrapper = Some("OpResult".into());
    let body = b"<OpResponse><OpResult><A>x</A><N>2</N></OpResult><ResponseMetadata/></OpResponse>";
    assert_eq!(
        ok(&m, 200, &HeaderMap::new(), body).set(),
        [("A", &s("x")), ("N", &Value::Integer(2))]
    );
    // A missing wrapper is an empty result, not an error.
    assert!(ok(&m, 200, &HeaderMap::new(), b"<OpResponse/>")
        .set()
        .is_empty());
    let ec2 = model("ec2", json!({"A": {"shape": "S"}}), json!({}));
    assert_eq!(
        ok(
            &ec2,
            200,
            &HeaderMap::new(),
            b"<OpResponse><A>y</A></OpResponse>"
        )
        .set(),
        [("A", &s("y"))]
    );
}

#[test]
fn xml_error_layouts_and_request_ids() {
    let h = HeaderMap::new();
    let q = model("query", json!({}), json!({}));
    let e = err(&q, 400, &h, b"<ErrorResponse><Error><Type>Sender</Type><Code>Oops.Code</Code><Message>m</Message><Extra>e</Extra></Error><RequestId>r1</RequestId></ErrorResponse>");
    assert_eq!(
        (
            e.code.as_str(),
            e.message.as_deref(),
            e.request_id.as_deref()
        ),
        ("Oops.Code", Some("m"), Some("r1"))
    );
    assert_eq!(e.shape, q.shape_id("Oops"));
    assert_eq!(
        Fields::of(&q, "Oops", &e.value).set(),
        [("Extra", &s("e")), ("Message", &s("m"))]
    );

    let ec2 = model("ec2", json!({}), json!({}));
    let e = err(&ec2, 400, &h, b"<Response><Errors><Error><Code>Oops.Code</Code><Message>m</Message><Extra>x</Extra></Error></Errors><RequestID>r2</RequestID></Response>");
    assert_eq!(
        (e.code.as_str(), e.request_id.as_deref()),
        ("Oops.Code", Some("r2"))
    );
    assert_eq!(
        Fields::of(&ec2, "Oops", &e.value).set(),
        [("Extra", &s("x")), ("Message", &s("m"))]
    );

    let s3 = model("rest-xml", json!({}), json!({}));
    let h2 = headers(&[("x-amz-request-id", "hdr")]);
    let e = err(
        &s3,
        404,
        &h2,
        b"<Error><Code>NoSuchKey</Code><Message>gone</Message><RequestId>body</RequestId></Error>",
    );
    assert_eq!(
        (
            e.code.as_str(),
            e.message.as_deref(),
            e.request_id.as_deref()
        ),
        ("NoSuchKey", Some("gone"), Some("hdr"))
    );
    assert_eq!((e.shape, &e.value), (None, &Value::Null));
    // Not XML: rest-xml falls back to the status; query reports the bad body.
    let e = err(&s3, 403, &h2, b"<not xml");
    assert_eq!(
        (e.code.as_str(), e.message.as_deref()),
        ("403", Some("Forbidden"))
    );
    let op = q.operation("Op").unwrap();
    assert!(parse_error(
        &q,
        op,
        &Response {
            status: 400,
            headers: &h,
            body: b"<not xml"
        }
    )
    .is_err());
}

#[test]
fn json_error_codes_messages_and_shapes() {
    let h = HeaderMap::new();
    let j = model("json", json!({}), json!({}));
    let e = err(
        &j,
        400,
        &headers(&[("x-amzn-requestid", "rid")]),
        br#"{"__type": "com.x#Oops:http://u/", "message": "hi", "Extra": "e"}"#,
    );
    // Matched by shape name when the modeled code (Oops.Code) is not used.
    assert_eq!(
        (
            e.code.as_str(),
            e.message.as_deref(),
            e.request_id.as_deref()
        ),
        ("Oops", Some("hi"), Some("rid"))
    );
    assert_eq!(Fields::of(&j, "Oops", &e.value).set(), [("Extra", &s("e"))]);
    // Query-compatible services put the query code in a header.
    let e = err(
        &j,
        400,
        &headers(&[("x-amzn-query-error", "Oops.Code;Sender")]),
        br#"{"__type": "Nope"}"#,
    );
    assert_eq!(
        (e.code.as_str(), e.shape),
        ("Oops.Code", j.shape_id("Oops"))
    );
    // A body that is not JSON becomes the message.
    let e = err(&j, 400, &h, b"Rate exceeded");
    assert_eq!(
        (e.code.as_str(), e.message.as_deref()),
        ("400", Some("Rate exceeded"))
    );
    // A 5xx HTML page is a generic error.
    let e = err(&j, 503, &h, b"<html><body>down</body></html>");
    assert_eq!(
        (e.code.as_str(), e.message.as_deref()),
        ("503", Some("Service Unavailable"))
    );

    let rj = model("rest-json", json!({}), json!({}));
    let e = err(
        &rj,
        400,
        &headers(&[("x-amzn-errortype", "Other:http://x")]),
        br#"{"__type": "Oops", "code": "Oops"}"#,
    );
    assert_eq!((e.code.as_str(), e.shape), ("Other", rj.shape_id("Other")));
    let e = err(&rj, 400, &h, br#"{"__type": "Other", "code": "ns#Oops"}"#);
    assert_eq!(e.code, "Oops");
    // rest-json: the query-compatible code replaces `__type`, which still
    // names the shape; an error-type header wins over both.
    let qc = headers(&[("x-amzn-query-error", "Legacy.Code;Receiver")]);
    let e = err(&rj, 400, &qc, br#"{"__type": "ns#Other"}"#);
    assert_eq!(
        (e.code.as_str(), e.shape),
        ("Legacy.Code", rj.shape_id("Other"))
    );
    let both = headers(&[
        ("x-amzn-query-error", "Legacy.Code;Receiver"),
        ("x-amzn-errortype", "Oops"),
    ]);
    assert_eq!(err(&rj, 400, &both, b"{}").code, "Oops");
    // A malformed query-error header is ignored.
    let bad = headers(&[("x-amzn-query-error", "Legacy.Code")]);
    assert_eq!(err(&j, 400, &bad, br#"{"__type": "Other"}"#).code, "Other");
}

#[test]
fn cbor_timestamps_upcasting_and_errors() {
    let m = model(
        "smithy-rpc-v2-cbor",
        json!({"T": {"shape": "T"}, "F": {"shape": "F"}, "M": {"shape": "SM"}, "B": {"shape": "B"}}),
        json!({}),
    );
    // {"T": 1(1.5), "F": 3, "M": {"a": null, "b": "c"}, "B": h'00ff'}
    let body = [
        &[0xa4, 0x61, b'T', 0xc1, 0xfb][..],
        &1.5f64.to_be_bytes(),
        &[
            0x61, b'F', 0x03, 0x61, b'M', 0xa2, 0x61, b'a', 0xf6, 0x61, b'b', 0x61, b'c',
        ],
        &[0x61, b'B', 0x42, 0x00, 0xff],
    ]
    .concat();
    let v = ok(&m, 200, &HeaderMap::new(), &body);
    assert_eq!(
        *v.get("T"),
        Value::Timestamp(DateTime::from_secs_and_nanos(1, 500_000_000))
    );
    assert_eq!(*v.get("F"), Value::Float(3.0));
    assert_eq!(*v.get("M"), Value::Map(vec![("b".into(), s("c"))]));
    assert_eq!(*v.get("B"), Value::blob(Bytes::from_static(b"\x00\xff")));
    // Tag 0 (a date string) is not a timestamp encoding RPC v2 uses.
    let op = m.operation("Op").unwrap();
    let bad = [0xa1, 0x61, b'T', 0xc0, 0x61, b'x'];
    let r = Response {
        status: 200,
        headers: &HeaderMap::new(),
        body: &bad,
    };
    assert!(parse_response(&m, op, &r).is_err());
    // Errors: {"__type": "ns#Oops", "Message": "m"}
    let text = |t: &str| [&[0x60 | t.len() as u8][..], t.as_bytes()].concat();
    let body = [
        vec![0xa2],
        text("__type"),
        text("ns#Oops"),
        text("Message"),
        text("m"),
    ]
    .concat();
    let e = err(&m, 400, &HeaderMap::new(), &body);
    assert_eq!((e.code.as_str(), e.message.as_deref()), ("Oops", Some("m")));
    assert_eq!(
        Fields::of(&m, "Oops", &e.value).set(),
        [("Message", &s("m"))]
    );
}

#[test]
fn operations_without_output_parse_to_null() {
    let mut m = model("json", json!({}), json!({}));
    m.add_operation(json!({"name": "Bare", "http": {"method": "POST", "requestUri": "/"}}))
        .unwrap();
    let op = m.operation("Bare").unwrap();
    let h = HeaderMap::new();
    let r = Response {
        status: 200,
        headers: &h,
        body: b"{\"x\": 1}",
    };
    assert_eq!(parse_response(&m, op, &r), Ok(Value::Null));
}

/// Hostile bodies of tiny elements are refused once their values would
/// outgrow the response's memory budget; the same shapes parse when
/// their bodies are reasonable.
#[test]
fn tiny_elements_are_refused_past_the_memory_budget() {
    let extra = json!({
        "Item": {"type": "structure", "members": {"A": {"shape": "S"}, "B": {"shape": "S"},
                 "C": {"shape": "S"}, "D": {"shape": "S"}, "E": {"shape": "S"}}},
        "IL": {"type": "list", "member": {"shape": "Item"}}
    });
    let h = HeaderMap::new();
    let n = 400_000;
    for (protocol, body, small) in [
        (
            "json",
            format!("{{\"L\":[{}{{}}]}}", "{},".repeat(n)).into_bytes(),
            b"{\"L\":[{},{\"A\":\"x\"}]}".to_vec(),
        ),
        (
            "rest-xml",
            format!("<Out><L>{}</L></Out>", "<m/>".repeat(n)).into_bytes(),
            b"<Out><L><m/><m><A>x</A></m></L></Out>".to_vec(),
        ),
    ] {
        let m = model(protocol, json!({"L": {"shape": "IL"}}), extra.clone());
        let op = m.operation("Op").unwrap();
        let r = Response {
            status: 200,
            headers: &h,
            body: &body,
        };
        let e = parse_response(&m, op, &r).unwrap_err();
        assert!(
            e.message.contains("refused as malformed or hostile"),
            "{protocol}: {e}"
        );
        let v = ok(&m, 200, &h, &small);
        let Value::List(items) = v.get("L") else {
            panic!("{protocol}: {:?}", v.get("L"))
        };
        assert_eq!(items.len(), 2, "{protocol}");
    }
}

/// Unknown elements cost nothing: a large body of them parses.
#[test]
fn unknown_elements_are_skipped_without_memory() {
    let h = HeaderMap::new();
    let m = model("rest-xml", json!({"A": {"shape": "S"}}), json!({}));
    let body = format!("<Out>{}<A>x</A></Out>", "<Junk/>".repeat(2_000_000));
    assert_eq!(*ok(&m, 200, &h, body.as_bytes()).get("A"), s("x"));
    let m = model("json", json!({"A": {"shape": "S"}}), json!({}));
    let body = format!("{{{}\"A\":\"x\"}}", "\"J\":[0],".repeat(1_000_000));
    assert_eq!(*ok(&m, 200, &h, body.as_bytes()).get("A"), s("x"));
}

#[test]
fn xml_elements_fill_every_member_named_after_them() {
    // S3's deprecated notification shapes: a scalar `Event` and a
    // flattened `Events` list read from the same `<Event>` elements, in
    // either member order.
    for members in [
        json!({"Event": {"shape": "S"}, "Events": {"shape": "EL", "locationName": "Event"}}),
        json!({"Events": {"shape": "EL", "locationName": "Event"}, "Event": {"shape": "S"}}),
    ] {
        let extra = json!({"EL": {"type": "list", "member": {"shape": "S"}, "flattened": true}});
        let m = model("rest-xml", members, extra);
        let out = ok(
            &m,
            200,
            &HeaderMap::new(),
            b"<Out><Event>a</Event><Event>b</Event></Out>",
        );
        assert_eq!(*out.get("Event"), s("a"));
        assert_eq!(*out.get("Events"), Value::List(vec![s("a"), s("b")]));
    }
}
