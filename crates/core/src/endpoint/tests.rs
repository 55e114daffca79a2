//! Engine behaviour through the public API: small rule sets written here.

use serde_json::json;

use super::*;

fn rules(parameters: serde_json::Value, rules: serde_json::Value) -> RuleSet {
    let doc = json!({"version": "1.0", "parameters": parameters, "rules": rules});
    RuleSet::from_value(&doc).unwrap()
}

fn error_rule(message: &str) -> serde_json::Value {
    json!({"type": "error", "conditions": [], "error": message})
}

#[test]
fn parameter_errors_are_clear() {
    let r = rules(
        json!({"Region": {"type": "string", "required": true}, "UseFIPS": {"type": "boolean", "default": false}}),
        json!([error_rule("reached")]),
    );
    let e = r.resolve(&Params::new()).unwrap_err();
    assert_eq!(e.kind(), EndpointErrorKind::InvalidParams);
    assert_eq!(
        e.to_string(),
        "missing required endpoint parameter `Region`"
    );
    let e = r
        .resolve(
            &Params::new()
                .with_str("Region", "x")
                .with_str("UseFIPS", "yes"),
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "endpoint parameter `UseFIPS` must be a boolean, got a string"
    );
    // Undeclared parameters are ignored.
    let e = r
        .resolve(
            &Params::new()
                .with_str("Region", "x")
                .with_bool("Other", true),
        )
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.message()),
        (EndpointErrorKind::Rule, "reached")
    );
}

#[test]
fn no_matching_rule_lists_the_params() {
    let r = rules(
        json!({"Region": {"type": "string"}}),
        json!([{"type": "error", "conditions": [
            {"fn": "stringEquals", "argv": [{"ref": "Region"}, "r"]}
        ], "error": "set"}]),
    );
    let e = r
        .resolve(&Params::new().with_bool("Undeclared", true))
        .unwrap_err();
    assert_eq!(e.kind(), EndpointErrorKind::NoMatch);
    assert_eq!(e.message(), "No endpoint found for parameters:");
    let e = r
        .resolve(&Params::new().with_str("Region", "zz"))
        .unwrap_err();
    assert_eq!(e.message(), "No endpoint found for parameters:\nRegion: zz");
    let e = r
        .resolve(&Params::new().with_str("Region", "r"))
        .unwrap_err();
    assert_eq!(e.message(), "set");
}

#[test]
fn malformed_rule_sets_are_errors() {
    for text in [
        "not json",
        r#"{"rules": []}"#,
        r#"{"parameters": {}}"#,
        r#"{"parameters": {"A": {"type": "float"}}, "rules": []}"#,
        r#"{"parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "nope", "argv": []}], "error": "x"}]}"#,
    ] {
        let e = RuleSet::from_json(text).unwrap_err();
        assert_eq!(e.kind(), EndpointErrorKind::InvalidRuleSet, "{text}");
        assert!(
            e.to_string().starts_with("invalid endpoint rule set: "),
            "{e}"
        );
    }
}

#[test]
fn sibling_rules_reassign_variables_after_failures() {
    // The first rule assigns `p` and then fails; a tree assigns `p` and all
    // its children fail. The last rule assigns `p` again and must see its
    // own value.
    let r = rules(
        json!({"Region": {"type": "string"}}),
        json!([
            {"type": "endpoint", "conditions": [
                {"fn": "aws.partition", "argv": ["us-gov-west-1"], "assign": "p"},
                {"fn": "booleanEquals", "argv": [true, false]}
            ], "endpoint": {"url": "https://never"}},
            {"type": "tree", "conditions": [
                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}
            ], "rules": [
                {"type": "error", "conditions": [{"fn": "stringEquals", "argv": ["{p#name}", "nope"]}], "error": "x"}
            ]},
            {"type": "endpoint", "conditions": [
                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}
            ], "endpoint": {"url": "https://{Region}.{p#dnsSuffix}"}}
        ]),
    );
    let e = r
        .resolve(&Params::new().with_str("Region", "cn-north-1"))
        .unwrap();
    assert_eq!(e.url, "https://cn-north-1.amazonaws.com.cn");
}

#[test]
fn lazy_functions_split_and_headers() {
    let r = rules(
        json!({"A": {"type": "string"}, "B": {"type": "string"}, "Flag": {"type": "boolean", "default": false}}),
        json!([{
            "type": "endpoint",
            "conditions": [
                {"fn": "coalesce", "argv": [{"ref": "A"}, {"ref": "B"}, "fallback"], "assign": "picked"},
                {"fn": "ite", "argv": [{"ref": "Flag"}, "on", "off"], "assign": "mode"},
                {"fn": "split", "argv": ["{picked}", "--", 0], "assign": "parts"},
                {"fn": "getAttr", "argv": [{"ref": "parts"}, "[0]"], "assign": "first"}
            ],
            "endpoint": {
                "url": "https://{first}.{mode}.example.com",
                "headers": {"x-picked": ["{picked}", {"fn": "uriEncode", "argv": ["{mode} !"]}]},
                "properties": {"list": ["{first}", 1, {"k": "{mode}"}], "static": {"a": [true]}}
            }
        }]),
    );
    let e = r.resolve(&Params::new().with_str("B", "x--y")).unwrap();
    assert_eq!(e.url, "https://x.off.example.com");
    assert_eq!(
        e.header("x-picked"),
        Some(&["x--y".to_string(), "off%20%21".to_string()][..])
    );
    assert_eq!(
        serde_json::Value::Object(e.properties),
        json!({"list": ["x", 1, {"k": "off"}], "static": {"a": [true]}})
    );
    let e = r
        .resolve(&Params::new().with_str("A", "a").with_bool("Flag", true))
        .unwrap();
    assert_eq!(e.url, "https://a.on.example.com");
    let e = r.resolve(&Params::new()).unwrap();
    assert_eq!(e.url, "https://fallback.off.example.com");
}

#[test]
fn type_errors_during_evaluation() {
    let r = rules(
        json!({"A": {"type": "string"}}),
        json!([{"type": "error", "conditions": [{"fn": "booleanEquals", "argv": [{"ref": "A"}, true]}], "error": "x"}]),
    );
    let e = r.resolve(&Params::new().with_str("A", "s")).unwrap_err();
    assert_eq!(e.kind(), EndpointErrorKind::Evaluation);
    assert!(
        e.to_string()
            .contains("argument 1 of `booleanEquals` must be a boolean"),
        "{e}"
    );
    // An unset argument makes the comparison false rather than an error.
    assert_eq!(
        r.resolve(&Params::new()).unwrap_err().kind(),
        EndpointErrorKind::NoMatch
    );
}

#[test]
fn string_array_parameters_and_defaults() {
    let r = rules(
        json!({"L": {"type": "stringArray", "required": true, "default": ["d0", "d1"]}}),
        json!([{"type": "endpoint",
                "conditions": [{"fn": "getAttr", "argv": [{"ref": "L"}, "[1]"], "assign": "second"}],
                "endpoint": {"url": "https://{second}"}},
               error_rule("short")]),
    );
    assert_eq!(r.resolve(&Params::new()).unwrap().url, "https://d1");
    let p = Params::new().with_string_array("L", ["only"]);
    assert_eq!(r.resolve(&p).unwrap_err().message(), "short");
    assert_eq!(r.parameters()[0].param_type, ParamType::StringArray);
}

#[test]
fn rule_sets_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleSet>();
    assert_send_sync::<Endpoint>();
    assert_send_sync::<EndpointError>();
}

/// A rule set reading `Bucket` and `UseFIPS` and declaring `Key`, which no
/// rule reads (as S3's does).
fn bucket_rules() -> RuleSet {
    rules(
        json!({
            "Bucket": {"type": "string", "required": true},
            "UseFIPS": {"type": "boolean", "default": false},
            "Key": {"type": "string"}
        }),
        json!([
            {"type": "error", "conditions": [
                {"fn": "stringEquals", "argv": [{"ref": "Bucket"}, "bad"]}
            ], "error": "bad bucket"},
            {"type": "endpoint", "conditions": [
                {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}
            ], "endpoint": {"url": "https://{Bucket}.fips.example"}},
            {"type": "endpoint", "conditions": [],
             "endpoint": {"url": "https://{Bucket}.example"}}
        ]),
    )
}

#[test]
fn resolved_endpoints_are_kept_by_the_parameters_the_rules_read() {
    let r = bucket_rules();
    assert_eq!(r.cached_endpoints(), 0);
    let a = Params::new().with_str("Bucket", "a").with_str("Key", "k1");
    let first = r.resolve_shared(&a).unwrap();
    assert_eq!(first.url, "https://a.example");
    assert_eq!(r.cached_endpoints(), 1);
    // Another key of the same bucket is the same endpoint: `Key` is unread.
    let other_key = Params::new().with_str("Bucket", "a").with_str("Key", "k2");
    let again = r.resolve_shared(&other_key).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    assert_eq!(r.cached_endpoints(), 1);
    // A default is part of the key as its value: `false` given or defaulted
    // is one entry, `true` another with its own result.
    r.resolve(
        &Params::new()
            .with_str("Bucket", "a")
            .with_bool("UseFIPS", false),
    )
    .unwrap();
    assert_eq!(r.cached_endpoints(), 1);
    let fips = r
        .resolve(
            &Params::new()
                .with_str("Bucket", "a")
                .with_bool("UseFIPS", true),
        )
        .unwrap();
    assert_eq!(fips.url, "https://a.fips.example");
    let b = r.resolve(&Params::new().with_str("Bucket", "b")).unwrap();
    assert_eq!(b.url, "https://b.example");
    assert_eq!(r.cached_endpoints(), 3);
}

#[test]
fn errors_are_not_kept_and_every_parameter_is_still_checked() {
    let r = bucket_rules();
    for _ in 0..2 {
        let e = r
            .resolve(&Params::new().with_str("Bucket", "bad"))
            .unwrap_err();
        assert_eq!(e.message(), "bad bucket");
    }
    assert_eq!(r.cached_endpoints(), 0);
    r.resolve(&Params::new().with_str("Bucket", "a")).unwrap();
    // `Key` is not in the cache key, yet a `Key` of the wrong type is
    // refused, not answered from the cache.
    let e = r
        .resolve(&Params::new().with_str("Bucket", "a").with_bool("Key", true))
        .unwrap_err();
    assert_eq!(e.kind(), EndpointErrorKind::InvalidParams);
    let e = r.resolve(&Params::new()).unwrap_err();
    assert_eq!(e.kind(), EndpointErrorKind::InvalidParams);
}

#[test]
fn the_cache_holds_at_most_a_hundred_endpoints() {
    let r = bucket_rules();
    for i in 0..250 {
        let bucket = format!("b{i}");
        let e = r
            .resolve(&Params::new().with_str("Bucket", &bucket))
            .unwrap();
        assert_eq!(e.url, format!("https://{bucket}.example"));
        assert!(r.cached_endpoints() <= 100);
    }
    assert_eq!(r.cached_endpoints(), 100);
}

#[test]
fn the_s3_rules_do_not_read_key_prefix_or_copy_source() {
    // Every object of a bucket shares one cached endpoint only because no
    // rule reads these three parameters; a new S3 rule set that did would
    // make this fail.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../models/s3/endpoint-rule-set-1.json");
    let r = RuleSet::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let params = |key: &str| {
        Params::new()
            .with_str("Region", "us-east-1")
            .with_str("Bucket", "bucket")
            .with_str("Key", key)
            .with_str("Prefix", key)
            .with_str("CopySource", key)
    };
    let first = r.resolve_shared(&params("a")).unwrap();
    let second = r.resolve_shared(&params("b/c")).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &second));
    assert_eq!(first.url, "https://bucket.s3.us-east-1.amazonaws.com");
    let other = r
        .resolve_shared(&params("a").with_str("Bucket", "other"))
        .unwrap();
    assert_eq!(other.url, "https://other.s3.us-east-1.amazonaws.com");
    assert_eq!(r.cached_endpoints(), 2);
}
