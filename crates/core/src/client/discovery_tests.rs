//! Endpoint discovery through the whole pipeline: a loopback server plays
//! DynamoDB's regular endpoint (answering `DescribeEndpoints`) and another
//! the discovered one; a manual clock drives the cache.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

use super::retry_tests::{client, json_reply, runtime, service, session};
use super::ClientHandle;
use crate::discovery::{DiscoveryMode, EndpointDiscovery};
use crate::retry::Clock;
use crate::service::{LoadedService, Service, ServiceData};
use crate::session::ClientConfig;
use crate::test_server::{Recorded, Reply, TestServer};

/// What the regular endpoint answers `DescribeEndpoints` with.
#[derive(Clone)]
enum Describe {
    /// This address, for this many minutes.
    Endpoint(String, i64),
    /// Closes the connection.
    Fail,
    /// A service error.
    Deny,
}

fn target(request: &Recorded) -> &str {
    request.header("x-amz-target").unwrap_or_default()
}

fn is_describe(request: &Recorded) -> bool {
    target(request).ends_with(".DescribeEndpoints")
}

/// The regular endpoint: `DescribeEndpoints` per `describe`, anything else
/// answered as from the regular endpoint.
async fn regular(describe: Arc<Mutex<Describe>>) -> TestServer {
    TestServer::start(move |request| {
        if !is_describe(request) {
            return json_reply(200, &json!({"TableNames": ["regular"]}), None);
        }
        match describe.lock().unwrap().clone() {
            Describe::Endpoint(address, minutes) => json_reply(
                200,
                &json!({"Endpoints": [{"Address": address, "CachePeriodInMinutes": minutes}]}),
                None,
            ),
            Describe::Fail => Reply::Close,
            Describe::Deny => json_reply(
                400,
                &json!({"__type": "com.amazon.coral.service#AccessDeniedException", "message": "no"}),
                None,
            ),
        }
    })
    .await
}

/// The discovered endpoint: answers as such, or `421` while `refuse` is set.
async fn discovered(refuse: Arc<Mutex<bool>>) -> TestServer {
    TestServer::start(move |_| {
        if std::mem::take(&mut *refuse.lock().unwrap()) {
            return json_reply(
                421,
                &json!({"__type": "com.amazonaws.dynamodb.v20120810#InvalidEndpointException", "message": "moved"}),
                None,
            );
        }
        json_reply(200, &json!({"TableNames": ["discovered"]}), None)
    })
    .await
}

/// A DynamoDB client whose configured (not in-code) endpoint is `url`.
fn ddb(service: Service, url: &str, config: ClientConfig) -> ClientHandle {
    let session = session(&[("AWS_ENDPOINT_URL_DYNAMODB", url)]);
    ClientHandle::from_service(&session, service, config).unwrap()
}

/// The DynamoDB model with `ListTables` requiring discovery (as Timestream's
/// operations do).
fn ddb_requiring_discovery() -> Service {
    let mut model: serde_json::Value = {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/dynamodb");
        serde_json::from_str(&std::fs::read_to_string(dir.join("service-2.json")).unwrap()).unwrap()
    };
    model["operations"]["ListTables"]["endpointdiscovery"] = json!({"required": true});
    let rules = service("dynamodb").rule_set().unwrap().unwrap().to_packed();
    let model = crate::ServiceModel::from_json(&model.to_string()).unwrap();
    let data: &'static ServiceData = Box::leak(Box::new(ServiceData {
        model: Box::leak(model.to_packed().into_boxed_slice()),
        endpoint_rules: Some(Box::leak(rules.into_boxed_slice())),
        paginators: None,
        waiters: None,
    }));
    let loaded: &'static LoadedService = Box::leak(Box::new(LoadedService::load(data)));
    loaded.get().unwrap().clone()
}

fn tables(out: &serde_json::Value) -> &str {
    out["TableNames"][0].as_str().unwrap()
}

#[test]
fn discovers_caches_expires_and_invalidates() {
    runtime().block_on(async {
        let refuse = Arc::new(Mutex::new(false));
        let found = discovered(refuse.clone()).await;
        let describe = Arc::new(Mutex::new(Describe::Endpoint(found.url(), 1)));
        let home = regular(describe).await;
        let clock = Clock::manual(0.0);
        let ddb = ddb(
            service("dynamodb"),
            &home.url(),
            ClientConfig::default()
                .endpoint_discovery_enabled(EndpointDiscovery::Enabled)
                .clock(clock.clone()),
        );
        assert_eq!(ddb.discovery_mode(), DiscoveryMode::Active { always: true });

        let out = ddb.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "discovered");
        let asked = home.requests();
        assert_eq!(asked.len(), 1);
        assert!(is_describe(&asked[0]));
        assert_eq!(asked[0].header("x-amz-api-version"), Some("2012-08-10"));
        let sent = found.requests();
        assert_eq!(sent.len(), 1);
        assert!(target(&sent[0]).ends_with(".ListTables"));
        assert_eq!(sent[0].header("x-amz-api-version"), None);
        let authority = found.url().trim_start_matches("http://").to_owned();
        assert_eq!(sent[0].header("host"), Some(authority.as_str()));

        // Cached for CachePeriodInMinutes.
        clock.advance(Duration::from_secs(59));
        ddb.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(home.requests().len(), 1);
        assert_eq!(found.requests().len(), 2);
        // Expired: discovered again.
        clock.advance(Duration::from_secs(2));
        ddb.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(home.requests().len(), 2);

        // A 421 drops the endpoint; the call is retried at once, discovering
        // again.
        *refuse.lock().unwrap() = true;
        let out = ddb.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "discovered");
        assert_eq!(home.requests().len(), 3);
        assert_eq!(found.requests().len(), 5);
        assert_eq!(ddb.endpoint_cache().len(), 1);
    });
}

#[test]
fn auto_discovers_required_operations_only_and_code_endpoints_turn_it_off() {
    runtime().block_on(async {
        let found = discovered(Arc::default()).await;
        let describe = Arc::new(Mutex::new(Describe::Endpoint(found.url(), 10)));
        let home = regular(describe).await;

        // DynamoDB itself requires discovery nowhere: `auto` does nothing.
        let plain = ddb(service("dynamodb"), &home.url(), ClientConfig::default());
        assert_eq!(plain.discovery_mode(), DiscoveryMode::Blocked);
        let out = plain.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "regular");

        let required = ddb_requiring_discovery();
        let auto = ddb(required.clone(), &home.url(), ClientConfig::default());
        assert_eq!(
            auto.discovery_mode(),
            DiscoveryMode::Active { always: false }
        );
        let out = auto.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "discovered");
        // An optional operation keeps the regular endpoint.
        let before = found.requests().len();
        auto.call_json("DescribeLimits", json!({})).await.unwrap();
        assert_eq!(found.requests().len(), before);

        // Off: the required operation is refused before anything is sent.
        let sent = home.requests().len();
        let off = ddb(
            required.clone(),
            &home.url(),
            ClientConfig::default().endpoint_discovery_enabled(EndpointDiscovery::Disabled),
        );
        let err = off.call_json("ListTables", json!({})).await.unwrap_err();
        assert!(
            err.to_string().contains("requires endpoint discovery"),
            "{err}"
        );
        off.call_json("DescribeLimits", json!({})).await.unwrap();
        assert_eq!(home.requests().len(), sent + 1);

        // An endpoint URL set in code: no discovery, nothing refused.
        let coded = client(
            "dynamodb",
            &session(&[]),
            ClientConfig::default()
                .endpoint_url(home.url())
                .endpoint_discovery_enabled(EndpointDiscovery::Enabled),
        );
        assert_eq!(coded.discovery_mode(), DiscoveryMode::Off);
        let coded_required = ClientHandle::from_service(
            &session(&[]),
            required,
            ClientConfig::default().endpoint_url(home.url()),
        )
        .unwrap();
        let out = coded_required
            .call_json("ListTables", json!({}))
            .await
            .unwrap();
        assert_eq!(tables(&out), "regular");
        let out = coded.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "regular");

        // The environment turns it on.
        let session = session(&[
            ("AWS_ENDPOINT_URL_DYNAMODB", &home.url()),
            ("AWS_ENDPOINT_DISCOVERY_ENABLED", "true"),
        ]);
        let env_on =
            ClientHandle::from_service(&session, service("dynamodb"), ClientConfig::default())
                .unwrap();
        assert_eq!(
            env_on.discovery_mode(),
            DiscoveryMode::Active { always: true }
        );
    });
}

#[test]
fn failed_refreshes_fall_back_or_fail_by_requirement() {
    runtime().block_on(async {
        let found = discovered(Arc::default()).await;
        let describe = Arc::new(Mutex::new(Describe::Fail));
        let home = regular(describe.clone()).await;
        let clock = Clock::manual(0.0);
        let config = ClientConfig::default().max_attempts(1).clock(clock.clone());

        // Optional: the regular endpoint while discovery fails, and no new
        // attempt to discover for 60 s.
        let optional = ddb(
            service("dynamodb"),
            &home.url(),
            config
                .clone()
                .endpoint_discovery_enabled(EndpointDiscovery::Enabled),
        );
        let out = optional.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "regular");
        let describes = |s: &TestServer| s.requests().iter().filter(|r| is_describe(r)).count();
        assert_eq!(describes(&home), 1);
        clock.advance(Duration::from_secs(30));
        optional.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(describes(&home), 1);
        clock.advance(Duration::from_secs(31));
        optional.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(describes(&home), 2);

        // Stale endpoints are used while discovery fails.
        *describe.lock().unwrap() = Describe::Endpoint(found.url(), 1);
        clock.advance(Duration::from_secs(61));
        let out = optional.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "discovered");
        *describe.lock().unwrap() = Describe::Fail;
        clock.advance(Duration::from_secs(120));
        let out = optional.call_json("ListTables", json!({})).await.unwrap();
        assert_eq!(tables(&out), "discovered");

        // Required: the call fails, saying why, and nothing is sent.
        let required = ddb(ddb_requiring_discovery(), &home.url(), config.clone());
        let before = home.requests().len();
        let err = required
            .call_json("ListTables", json!({}))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("endpoint discovery failed") && text.contains("ListTables"),
            "{text}"
        );
        // Recently failed: required operations still try once more.
        required
            .call_json("ListTables", json!({}))
            .await
            .unwrap_err();
        assert_eq!(home.requests().len(), before + 2);
        assert!(home.requests()[before..].iter().all(is_describe));

        // A service error from the discovery call fails the call.
        *describe.lock().unwrap() = Describe::Deny;
        let denied = ddb(
            service("dynamodb"),
            &home.url(),
            config
                .clone()
                .endpoint_discovery_enabled(EndpointDiscovery::Enabled),
        );
        let err = denied.call_json("ListTables", json!({})).await.unwrap_err();
        assert_eq!(err.code(), Some("AccessDeniedException"), "{err}");

        // A hostile answer is an error, not a request to anywhere.
        *describe.lock().unwrap() = Describe::Endpoint("ftp://evil".into(), 5);
        let hostile = ddb(
            service("dynamodb"),
            &home.url(),
            config.endpoint_discovery_enabled(EndpointDiscovery::Enabled),
        );
        let err = hostile
            .call_json("ListTables", json!({}))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not an HTTP(S) URL"), "{err}");
    });
}
