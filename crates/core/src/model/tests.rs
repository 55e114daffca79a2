//! Loading models: order, defaults, references and malformed input.

use super::*;

const MINI: &str = r#"{
  "metadata": {"protocol": "json", "protocols": ["query", "json"], "jsonVersion": "1.0",
               "serviceId": "CloudWatch Logs", "endpointPrefix": "logs", "apiVersion": "1"},
  "operations": {"Put": {"name": "Put", "http": {"method": "POST", "requestUri": "/"},
                 "input": {"shape": "PutInput"}, "errors": [{"shape": "Oops"}]}},
  "shapes": {
    "PutInput": {"type": "structure", "required": ["Zeta"],
                 "members": {"Zeta": {"shape": "S"}, "Alpha": {"shape": "L"}}},
    "S": {"type": "string"},
    "L": {"type": "list", "member": {"shape": "S"}},
    "Oops": {"type": "structure", "members": {}, "exception": true,
             "error": {"code": "Oops.Code", "httpStatusCode": 400, "senderFault": true}}
  }
}"#;

#[test]
fn keeps_member_order_and_resolves_references() {
    let m = ServiceModel::from_json(MINI).unwrap();
    let input = m.shape(m.operation("Put").unwrap().input.unwrap());
    let names: Vec<_> = input.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Zeta", "Alpha"]);
    assert!(input.members[0].required);
    assert!(!input.members[1].required);
    assert_eq!(m.shape(input.members[1].target).kind, ShapeKind::List);
}

#[test]
fn picks_protocol_by_botocore_priority() {
    let m = ServiceModel::from_json(MINI).unwrap();
    assert_eq!(m.protocol, Protocol::Json);
    assert_eq!(m.event_name(), "cloudwatch-logs");
}

#[test]
fn rejects_dangling_references() {
    let bad = MINI.replace(
        r#""member": {"shape": "S"}"#,
        r#""member": {"shape": "Nope"}"#,
    );
    let err = ServiceModel::from_json(&bad).unwrap_err();
    assert!(err.0.contains("Nope"), "{err}");
}

#[test]
fn reads_error_traits() {
    let m = ServiceModel::from_json(MINI).unwrap();
    let oops = m.shape(m.shape_id("Oops").unwrap());
    let e = oops.error.as_ref().unwrap();
    assert_eq!(e.code.as_deref(), Some("Oops.Code"));
    assert_eq!(e.http_status_code, Some(400));
}

#[test]
fn reads_retry_and_endpoint_discovery_traits() {
    let doc = MINI
        .replace(
            r#""errors": [{"shape": "Oops"}]}}"#,
            r#""errors": [{"shape": "Oops"}], "endpointdiscovery": {"required": true}},
                "Find": {"name": "Find", "endpointoperation": true},
                "Get": {"name": "Get", "endpointdiscovery": {}}}"#,
        )
        .replace(
            r#""senderFault": true}}"#,
            r#""senderFault": true}, "retryable": {"throttling": true}}"#,
        )
        .replace(
            r#""Zeta": {"shape": "S"}"#,
            r#""Zeta": {"shape": "S", "endpointdiscoveryid": true}"#,
        );
    let m = ServiceModel::from_json(&doc).unwrap();
    let put = m.operation("Put").unwrap();
    assert_eq!(
        put.endpoint_discovery,
        Some(EndpointDiscoveryTrait { required: true })
    );
    let get = m.operation("Get").unwrap();
    assert_eq!(
        get.endpoint_discovery,
        Some(EndpointDiscoveryTrait { required: false })
    );
    assert!(!put.endpoint_operation);
    assert_eq!(m.endpoint_discovery_operation(), m.operation_id("Find"));
    assert!(m.endpoint_discovery_required());
    let oops = m.shape(m.shape_id("Oops").unwrap());
    assert_eq!(oops.retryable, Some(RetryableTrait { throttling: true }));
    let input = m.shape(put.input.unwrap());
    assert!(input.members[0].endpoint_discovery_id && !input.members[1].endpoint_discovery_id);
    // Without the traits: nothing discovered, nothing retryable.
    let plain = ServiceModel::from_json(MINI).unwrap();
    assert_eq!(plain.endpoint_discovery_operation(), None);
    assert!(!plain.endpoint_discovery_required());
    assert_eq!(plain.shape(plain.shape_id("Oops").unwrap()).retryable, None);
}

/// `MINI` with `from` replaced by `to` (which must change it).
fn mini_with(from: &str, to: &str) -> String {
    assert!(MINI.contains(from), "{from}");
    MINI.replacen(from, to, 1)
}

/// The error loading `doc`, which must fail.
fn load_error(doc: &str) -> String {
    match ServiceModel::from_json(doc) {
        Ok(_) => panic!("loaded a malformed model: {doc}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn keeps_document_order_of_shapes_operations_and_members() {
    // Reverse alphabetical, longer than any small-map optimisation.
    let names: Vec<String> = (0..40).rev().map(|i| format!("M{i:02}")).collect();
    let members: Vec<String> = names
        .iter()
        .map(|n| format!(r#""{n}": {{"shape": "S"}}"#))
        .collect();
    let doc = format!(
        r#"{{"metadata": {{"protocol": "json"}},
            "operations": {{"Zed": {{"input": {{"shape": "Z"}}}}, "Alpha": {{}}}},
            "shapes": {{"Z": {{"type": "structure", "members": {{{}}}}}, "S": {{"type": "string"}}}}}}"#,
        members.join(", ")
    );
    let m = ServiceModel::from_json(&doc).unwrap();
    let got: Vec<_> = m.shape(0).members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(got, names);
    assert_eq!(m.shape(0).name, "Z");
    assert_eq!(m.shape_id("S"), Some(1));
    assert_eq!(m.operations[0].name, "Zed");
    assert_eq!(m.operation_id("Alpha"), Some(1));
    assert!(m.shape(0).members.iter().all(|mem| mem.target == 1));
}

#[test]
fn applies_defaults_and_skips_unknown_keys() {
    let doc = r#"{"metadata": {"protocol": "query", "future": {"a": [1, 2]}},
        "operations": {"Op": {"unknown": null, "authtype": "none"}},
        "shapes": {"S": {"type": "string", "pattern": ".*", "min": 1}},
        "version": "2.0"}"#;
    let m = ServiceModel::from_json(doc).unwrap();
    assert_eq!(m.protocol, Protocol::Query);
    assert_eq!(m.metadata.signature_version, "v4");
    assert_eq!(m.metadata.protocols, ["query"]);
    let op = m.operation("Op").unwrap();
    assert_eq!(op.name, "Op");
    assert_eq!(
        (op.http.method.as_str(), op.http.request_uri.as_str()),
        ("POST", "/")
    );
    assert_eq!(op.auth, ["none"]);
    assert_eq!(m.shape(0).min, Some(1.0));
}

#[test]
fn reads_namespaces_in_both_forms_and_escaped_keys() {
    let doc = r#"{"metadata": {"protocol": "rest-xml"}, "shapes": {
        "S": {"type": "structure", "xmlNamespace": "https://a",
              "members": {"\u0041": {"sh\u0061pe": "T", "xmlNamespace": {"prefix": "p", "uri": "https://b"}}}},
        "T": {"type": "string"}}}"#;
    let m = ServiceModel::from_json(doc).unwrap();
    let s = m.shape(0);
    let ns = |prefix: Option<&str>, uri: &str| XmlNamespace {
        prefix: prefix.map(String::from),
        uri: uri.into(),
    };
    assert_eq!(s.xml_namespace, Some(ns(None, "https://a")));
    assert_eq!(s.members[0].name, "A");
    assert_eq!(s.members[0].xml_namespace, Some(ns(Some("p"), "https://b")));
}

#[test]
fn from_value_builds_the_same_model() {
    let value: serde_json::Value = serde_json::from_str(MINI).unwrap();
    let a = ServiceModel::from_json(MINI).unwrap();
    let b = ServiceModel::from_value(value).unwrap();
    assert_eq!(format!("{:?}", a.metadata), format!("{:?}", b.metadata));
    // Shape ids may differ (the value's keys may be sorted): compare by name.
    let input = |m: &ServiceModel| m.shape(m.operations[0].input.unwrap()).name.clone();
    assert_eq!(input(&a), input(&b));
    for shape in a.shapes() {
        let other = b.shape(b.shape_id(&shape.name).unwrap());
        let targets = |m: &ServiceModel, s: &Shape| {
            let names = s.members.iter().map(|x| (&x.name, &m.shape(x.target).name));
            names
                .map(|(a, b)| format!("{a}:{b}"))
                .collect::<std::collections::BTreeSet<_>>()
        };
        assert_eq!(targets(&a, shape), targets(&b, other));
        assert_eq!(format!("{:?}", shape.error), format!("{:?}", other.error));
        assert_eq!(shape.kind, other.kind);
    }
}

#[test]
fn wrong_types_are_errors() {
    let cases = [
        (
            r#""protocol": "json""#,
            r#""protocol": 5"#,
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#""metadata": {"#,
            r#""metadata": null, "x": {"#,
            "expected a metadata object",
        ),
        (
            r#""operations": {"#,
            r#""operations": [], "x": {"#,
            "expected a JSON object",
        ),
        (
            r#""shapes": {"#,
            r#""shapes": "S", "x": {"#,
            "expected a JSON object",
        ),
        (
            r#""http": {"#,
            r#""http": 5, "x": {"#,
            "expected an HTTP binding object",
        ),
        (
            r#""requestUri": "/""#,
            r#""responseCode": 70000"#,
            "expected u16",
        ),
        (
            r#"[{"shape": "Oops"}]"#,
            r#"{"shape": "Oops"}"#,
            "expected a sequence",
        ),
        (
            r#"[{"shape": "Oops"}]"#,
            r#"["Oops"]"#,
            "expected a shape reference object",
        ),
        (
            r#""required": ["Zeta"]"#,
            r#""required": "Zeta""#,
            "expected a sequence",
        ),
        (
            r#""members": {}"#,
            r#""members": null"#,
            "expected a JSON object",
        ),
        (
            r#""members": {}"#,
            r#""members": {"A": "S"}"#,
            "expected a member object",
        ),
        (
            r#""member": {"shape": "S"}"#,
            r#""member": ["S"]"#,
            "expected a member object",
        ),
        (
            r#""exception": true"#,
            r#""exception": "yes""#,
            "expected a boolean",
        ),
        (
            r#""exception": true"#,
            r#""exception": null"#,
            "expected a boolean",
        ),
        (
            r#""httpStatusCode": 400"#,
            r#""httpStatusCode": -1"#,
            "expected u16",
        ),
        (
            r#""senderFault": true"#,
            r#""senderFault": 1"#,
            "expected a boolean",
        ),
        (
            r#""type": "string""#,
            r#""type": "string", "min": "1""#,
            "expected f64",
        ),
        (
            r#""type": "string""#,
            r#""type": "string", "enum": [1]"#,
            "expected a string",
        ),
        (
            r#""type": "string""#,
            r#""type": "string", "xmlNamespace": 1"#,
            "expected an XML namespace",
        ),
        (
            r#""type": "string""#,
            r#""type": ["string"]"#,
            "expected a string",
        ),
    ];
    for (from, to, expected) in cases {
        let err = load_error(&mini_with(from, to));
        assert!(err.contains(expected), "{to}: {err}");
        assert!(err.contains(" at line "), "{to}: no position in {err}");
    }
}

#[test]
fn missing_keys_and_shapes_are_errors() {
    let cases = [
        (
            r#"{"shape": "PutInput"}"#,
            r#"{"shap": "PutInput"}"#,
            "missing field `shape`",
        ),
        (
            r#""member": {"shape": "S"}"#,
            r#""member": {}"#,
            "missing field `shape`",
        ),
        (
            r#""type": "string""#,
            r#""typ": "string""#,
            "missing field `type`",
        ),
        (
            r#""member": {"shape": "S"}"#,
            r#""member": {"shape": "T"}"#,
            "L refers to unknown shape `T`",
        ),
        (
            r#""Zeta": {"shape": "S"}"#,
            r#""Zeta": {"shape": "s"}"#,
            "PutInput refers to unknown shape `s`",
        ),
        (
            r#"{"shape": "PutInput"}"#,
            r#"{"shape": "Nope"}"#,
            "Put refers to unknown shape `Nope`",
        ),
        (
            r#"[{"shape": "Oops"}]"#,
            r#"[{"shape": "Oops"}, {"shape": "Gone"}]"#,
            "Put refers to unknown shape `Gone`",
        ),
        (r#""S": {"type": "string"},"#, "", "unknown shape `S`"),
        (
            r#""member": {"shape": "S"}"#,
            r#""key": {"shape": "S"}"#,
            "list `L` has no member",
        ),
        (
            r#""type": "list""#,
            r#""type": "map""#,
            "map `L` lacks key or value",
        ),
        (
            r#""type": "string""#,
            r#""type": "text""#,
            "shape `S` has unknown type `text`",
        ),
        (
            r#""Zeta": {"shape": "S"}"#,
            r#""Zeta": {"shape": "S", "location": "body"}"#,
            "unknown location `body`",
        ),
        (
            r#""protocol": "json", "protocols": ["query", "json"]"#,
            r#""protocols": ["soap"]"#,
            "no supported protocol",
        ),
    ];
    for (from, to, expected) in cases {
        let err = load_error(&mini_with(from, to));
        assert!(err.contains(expected), "{to}: {err}");
    }
}

#[test]
fn malformed_json_is_an_error() {
    for doc in [
        "",
        "null",
        "[]",
        "{",
        r#"{"shapes": {"S": "#,
        "{} {}",
        &MINI[..MINI.len() / 2],
    ] {
        load_error(doc);
    }
    let value = serde_json::json!({"metadata": {"protocol": "json"}, "shapes": {"S": {}}});
    let err = ServiceModel::from_value(value).unwrap_err();
    assert!(err.0.contains("missing field `type`"), "{err}");
}

#[test]
fn add_operation_checks_its_input() {
    let mut m = ServiceModel::from_json(MINI).unwrap();
    let bad = serde_json::json!({"name": "Get", "input": {"shape": "Nope"}});
    assert!(m
        .add_operation(bad)
        .unwrap_err()
        .0
        .contains("Get refers to unknown shape `Nope`"));
    let bad = serde_json::json!({"name": "Get", "errors": "Oops"});
    assert!(m
        .add_operation(bad)
        .unwrap_err()
        .0
        .contains("expected a sequence"));
    let id = m.add_operation(serde_json::json!({"name": "Get", "output": {"shape": "S"}}));
    assert_eq!(m.operation_id("Get"), Some(id.unwrap()));
}

#[test]
fn lists_are_allocated_at_their_length() {
    let doc = r#"{"metadata": {"protocol": "rest-json", "protocols": ["rest-json", "json", "query"],
                   "auth": ["aws.auth#sigv4", "smithy.api#noAuth", "aws.auth#sigv4a"]},
        "operations": {"Op": {"errors": [{"shape": "E"}], "authtype": "v4",
                              "httpChecksum": {"responseAlgorithms": ["CRC32", "CRC32C", "SHA1"]},
                              "staticContextParams": {"A": {"value": 1}, "B": {"value": 2}, "C": {"value": 3}},
                              "requestcompression": {"encodings": ["gzip"]}}},
        "shapes": {"E": {"type": "structure", "members": {"A": {"shape": "S"}, "B": {"shape": "S"}, "C": {"shape": "S"}}},
                   "S": {"type": "string", "enum": ["a", "b", "c", "d", "e"]}}}"#;
    let m = ServiceModel::from_json(doc).unwrap();
    assert_exact(&m.metadata.protocols);
    assert_exact(&m.metadata.auth);
    match &m.shapes {
        crate::model::ShapeStore::Built { shapes, .. } => assert_exact(shapes),
        other => panic!("a model read from JSON has every shape built: {other:?}"),
    }
    assert_exact(&m.operations);
    for s in m.shapes() {
        assert_exact(&s.members);
        assert_exact(&s.enum_values);
    }
    let op = &m.operations[0];
    assert_exact(&op.errors);
    assert_exact(&op.auth);
    assert_exact(&op.static_context_params);
    assert_exact(&op.request_compression);
    assert_exact(&op.http_checksum.as_ref().unwrap().response_algorithms);
}

#[track_caller]
fn assert_exact<T>(v: &Vec<T>) {
    assert_eq!(v.capacity(), v.len());
}
