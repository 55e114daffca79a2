//! Endpoint discovery's pieces: modes, identifiers, keys, responses, cache.

use std::time::Duration;

use super::*;
use crate::retry::Clock;

/// A service like DynamoDB (optional discovery, a discovery operation that
/// takes nothing) or, with `required`, like Timestream, with an
/// identifier member and a discovery operation taking `Operation` and
/// `Identifiers`.
fn model(required: bool, takes_ids: bool) -> ServiceModel {
    let discovery_input = if takes_ids {
        r#""input": {"shape": "DescribeIn"},"#
    } else {
        ""
    };
    ServiceModel::from_json(&format!(
        r#"{{"metadata": {{"protocol": "json", "endpointPrefix": "svc", "apiVersion": "2012-08-10"}},
            "operations": {{
              "Put": {{"name": "Put", "input": {{"shape": "PutIn"}},
                       "endpointdiscovery": {{"required": {required}}}}},
              "Plain": {{"name": "Plain"}},
              "DescribeEndpoints": {{"name": "DescribeEndpoints", {discovery_input}
                                     "output": {{"shape": "DescribeOut"}}, "endpointoperation": true}}}},
            "shapes": {{
              "PutIn": {{"type": "structure", "members": {{
                  "Table": {{"shape": "S", "endpointdiscoveryid": true}},
                  "Nested": {{"shape": "Inner"}}, "Other": {{"shape": "S"}}}}}},
              "Inner": {{"type": "structure", "members": {{"Id": {{"shape": "S", "endpointdiscoveryid": true}}}}}},
              "DescribeIn": {{"type": "structure", "members": {{
                  "Operation": {{"shape": "S"}}, "Identifiers": {{"shape": "Ids"}}}}}},
              "Ids": {{"type": "map", "key": {{"shape": "S"}}, "value": {{"shape": "S"}}}},
              "DescribeOut": {{"type": "structure", "members": {{"Endpoints": {{"shape": "Endpoints"}}}}}},
              "Endpoints": {{"type": "list", "member": {{"shape": "Endpoint"}}}},
              "Endpoint": {{"type": "structure", "members": {{
                  "Address": {{"shape": "S"}}, "CachePeriodInMinutes": {{"shape": "L"}}}}}},
              "S": {{"type": "string"}}, "L": {{"type": "long"}}}}}}"#
    ))
    .unwrap()
}

#[test]
fn modes_follow_botocore_registration() {
    let optional = model(false, false);
    let required = model(true, false);
    use EndpointDiscovery::*;
    let mode = DiscoveryMode::for_client;
    assert_eq!(
        mode(Enabled, false, &optional),
        DiscoveryMode::Active { always: true }
    );
    assert_eq!(mode(Auto, false, &optional), DiscoveryMode::Blocked);
    assert_eq!(
        mode(Auto, false, &required),
        DiscoveryMode::Active { always: false }
    );
    assert_eq!(mode(Disabled, false, &required), DiscoveryMode::Blocked);
    // An endpoint URL set in code turns discovery off altogether.
    assert_eq!(mode(Enabled, true, &optional), DiscoveryMode::Off);
    let none = ServiceModel::from_json(
        r#"{"metadata": {"protocol": "json"}, "operations": {}, "shapes": {}}"#,
    )
    .unwrap();
    assert_eq!(mode(Enabled, false, &none), DiscoveryMode::Off);

    let put = required.operation("Put").unwrap();
    let plain = required.operation("Plain").unwrap();
    assert!(DiscoveryMode::Blocked.blocks(put));
    assert!(!DiscoveryMode::Blocked.blocks(plain));
    assert!(!DiscoveryMode::Off.blocks(put));
    let put_optional = optional.operation("Put").unwrap();
    assert!(!DiscoveryMode::Blocked.blocks(put_optional));
    let auto = DiscoveryMode::Active { always: false };
    assert!(auto.discovers(put) && !auto.discovers(put_optional));
    assert!(auto.applies_to(put_optional) && !auto.applies_to(plain));
    assert!(DiscoveryMode::Active { always: true }.discovers(put_optional));

    assert_eq!(EndpointDiscovery::parse(" TRUE "), Some(Enabled));
    assert_eq!(EndpointDiscovery::parse("auto"), Some(Auto));
    assert_eq!(EndpointDiscovery::parse("False"), Some(Disabled));
    assert_eq!(EndpointDiscovery::parse("yes"), None);
}

#[test]
fn identifiers_keys_and_inputs() {
    let m = model(true, true);
    let put = m.operation("Put").unwrap();
    let discovery = m.operation("DescribeEndpoints").unwrap();
    let input = Value::Struct(vec![
        Value::String("t1".into()),
        Value::Struct(vec![Value::String("i1".into())]),
        Value::String("x".into()),
    ]);
    let ids = gather_identifiers(&m, put.input.unwrap(), &input);
    assert_eq!(
        ids,
        [
            ("Id".to_owned(), "i1".to_owned()),
            ("Table".to_owned(), "t1".to_owned())
        ]
    );
    let key = cache_key(&m, discovery, "Put", &ids);
    assert_eq!(key.operation.as_deref(), Some("Put"));
    assert_eq!(key.identifiers, ids);
    let Value::Struct(slots) = discovery_input(&m, discovery, "Put", &ids) else {
        panic!()
    };
    assert_eq!(slots[0], Value::String("Put".into()));
    assert!(matches!(&slots[1], Value::Map(entries) if entries.len() == 2));
    // No identifiers: neither Operation nor Identifiers are sent or keyed.
    assert_eq!(cache_key(&m, discovery, "Put", &[]), CacheKey::default());
    assert_eq!(
        discovery_input(&m, discovery, "Put", &[]),
        Value::Struct(vec![Value::Null, Value::Null])
    );
    // A discovery operation that takes nothing (DynamoDB): one key for all.
    let ddb = model(false, false);
    let ddb_discovery = ddb.operation("DescribeEndpoints").unwrap();
    assert_eq!(
        cache_key(&ddb, ddb_discovery, "Put", &ids),
        CacheKey::default()
    );
    assert_eq!(
        discovery_input(&ddb, ddb_discovery, "Put", &ids),
        Value::Null
    );
}

fn endpoints_value(items: Vec<(Value, Value)>) -> Value {
    Value::Struct(vec![Value::List(
        items
            .into_iter()
            .map(|(a, c)| Value::Struct(vec![a, c]))
            .collect(),
    )])
}

#[test]
fn responses_are_parsed_and_checked() {
    let m = model(false, false);
    let d = m.operation("DescribeEndpoints").unwrap();
    let ok = endpoints_value(vec![
        (Value::String("ddb.example.com".into()), Value::Integer(5)),
        (
            Value::String("http://127.0.0.1:9".into()),
            Value::Integer(-3),
        ),
        (Value::String("https://x".into()), Value::Integer(i64::MAX)),
    ]);
    let parsed = parse_endpoints(&m, d, &ok, 100.0).unwrap();
    assert_eq!(parsed[0].url, "https://ddb.example.com");
    assert_eq!(parsed[0].expires, 400.0);
    assert_eq!(parsed[1].url, "http://127.0.0.1:9");
    assert_eq!(parsed[1].expires, 100.0);
    assert_eq!(parsed[2].expires, 100.0 + MAX_CACHE_MINUTES as f64 * 60.0);
    assert!(parse_endpoints(&m, d, &endpoints_value(vec![]), 0.0)
        .unwrap()
        .is_empty());
    let many = endpoints_value(
        (0..1000)
            .map(|_| (Value::String("h".into()), Value::Integer(1)))
            .collect(),
    );
    assert_eq!(
        parse_endpoints(&m, d, &many, 0.0).unwrap().len(),
        MAX_ENDPOINTS
    );
    for bad in [
        endpoints_value(vec![(Value::Null, Value::Integer(1))]),
        endpoints_value(vec![(Value::String("h".into()), Value::Null)]),
        endpoints_value(vec![(Value::String("https://".into()), Value::Integer(1))]),
        endpoints_value(vec![(Value::String("ftp://h".into()), Value::Integer(1))]),
        endpoints_value(vec![(Value::String("h h".into()), Value::Integer(1))]),
        Value::Struct(vec![Value::Null]),
        Value::Null,
    ] {
        assert!(parse_endpoints(&m, d, &bad, 0.0).is_err(), "{bad:?}");
    }
}

#[test]
fn cache_expiry_failures_and_bounds() {
    let clock = Clock::manual(0.0);
    let cache = EndpointCache::new(clock.clone());
    let key = CacheKey::default();
    assert_eq!(cache.current(&key), None);
    cache.store(
        &key,
        vec![DiscoveredEndpoint {
            url: "https://a".into(),
            expires: 60.0,
        }],
    );
    assert_eq!(cache.current(&key).as_deref(), Some("https://a"));
    clock.advance(Duration::from_secs(60));
    assert_eq!(cache.current(&key), None);
    assert_eq!(cache.stale(&key).as_deref(), Some("https://a"));
    cache.mark_failed(&key);
    assert!(cache.recently_failed(&key));
    clock.advance(Duration::from_secs(59));
    assert!(cache.recently_failed(&key));
    clock.advance(Duration::from_secs(1));
    assert!(!cache.recently_failed(&key));
    cache.mark_failed(&key);
    cache.store(&key, Vec::new());
    assert!(!cache.recently_failed(&key));
    assert_eq!(cache.stale(&key), None);
    cache.invalidate(&key);
    assert!(cache.is_empty());
    // Bounded: old keys make room.
    for i in 0..(cache::MAX_KEYS + 50) {
        let key = CacheKey {
            operation: Some(format!("Op{i}")),
            identifiers: Vec::new(),
        };
        cache.store(
            &key,
            vec![DiscoveredEndpoint {
                url: "https://b".into(),
                expires: f64::MAX,
            }],
        );
        cache.mark_failed(&key);
    }
    assert_eq!(cache.len(), cache::MAX_KEYS);
}
