//! Retries, adaptive mode, request compression and endpoint discovery end
//! to end, configured as a user would (a temporary HOME, environment
//! variables), against moto (behind recording proxies that misbehave on
//! cue) and loopback servers playing DynamoDB, STS and CloudWatch.

mod dynamodb_common;

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dynamodb_common::create_table_input;
use myaws_core::discovery::DiscoveryMode;
use myaws_core::retry::{Clock, RetryMode};
use myaws_dynamodb::types::{AttributeValue, GetItemInput, ListTablesInput, PutItemInput};
use myaws_dynamodb::{ClientConfig, SdkError, Session};
use myaws_tests::test_server::{Recorded, Reply, TestServer};
use myaws_tests::{moto, unique, workspace_root, Home};
use serde_json::json;

/// moto's `host:port`, for forwarding proxies.
fn upstream() -> String {
    moto().endpoint.trim_start_matches("http://").to_owned()
}

/// A session configured only by `home` and `vars` (plus a region and test
/// credentials), as a user's would be.
fn user_session(home: &Home, vars: &[(&str, &str)]) -> Session {
    let mut all = vec![
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ];
    all.extend_from_slice(vars);
    Session::builder()
        .env(home.env(&all))
        .build()
        .expect("session")
}

fn ddb(session: &Session, config: ClientConfig) -> myaws_dynamodb::Client {
    myaws_dynamodb::Client::with_config(session, config).expect("dynamodb client")
}

fn json_reply(status: u16, body: &serde_json::Value, crc32: Option<u32>) -> Reply {
    let mut headers = vec![(
        "content-type".to_owned(),
        "application/x-amz-json-1.0".to_owned(),
    )];
    if let Some(crc) = crc32 {
        headers.push(("x-amz-crc32".into(), crc.to_string()));
    }
    Reply::Http {
        status,
        headers,
        body: body.to_string().into_bytes(),
    }
}

/// Answers the n-th request (from 0) with `script(n, request)`.
fn scripted(
    script: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let count = AtomicUsize::new(0);
    move |request| script(count.fetch_add(1, Ordering::SeqCst), request)
}

fn target(request: &Recorded) -> &str {
    request.header("x-amz-target").unwrap_or_default()
}

fn item(id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("id".to_owned(), AttributeValue::S(id.to_owned()))])
}

#[tokio::test]
async fn moto_dynamodb_passes_crc32_checks_in_every_mode() {
    // moto sends x-amz-crc32 with every DynamoDB response; each is checked.
    let home = Home::new();
    for mode in ["standard", "legacy", "adaptive"] {
        home.config(&format!("[default]\nretry_mode = {mode}\n"));
        let session = user_session(&home, &[("AWS_ENDPOINT_URL", &moto().endpoint)]);
        let ddb = ddb(&session, ClientConfig::default());
        assert_eq!(ddb.handle().retry_policy().mode().name(), mode);
        assert_eq!(
            ddb.handle().retry_policy().crc32_header(),
            Some("x-amz-crc32")
        );
        let table = unique("crc");
        ddb.create_table(create_table_input(&table)).await.unwrap();
        ddb.put_item(PutItemInput::default().table_name(&table).item(item("a")))
            .await
            .unwrap();
        let got = ddb
            .get_item(GetItemInput::default().table_name(&table).key(item("a")))
            .await
            .unwrap();
        assert_eq!(
            got.item.unwrap()["id"].as_s().map(String::as_str),
            Some("a")
        );
    }
}

#[tokio::test]
async fn a_corrupted_dynamodb_response_is_retried_then_fails_clearly() {
    // A proxy in front of moto that corrupts the first answer's checksum...
    let upstream = upstream();
    let proxy = TestServer::start(scripted(move |n, _| match n {
        0 => json_reply(200, &json!({"TableNames": ["forged"]}), Some(7)),
        _ => Reply::Forward(upstream.clone()),
    }))
    .await;
    let home = Home::new();
    let session = user_session(&home, &[("AWS_ENDPOINT_URL_DYNAMODB", &proxy.url())]);
    let ddb = ddb(&session, ClientConfig::default());
    let out = ddb.list_tables(ListTablesInput::default()).await.unwrap();
    // ...so the retry's real answer is what the call returns.
    assert!(!out
        .table_names
        .unwrap_or_default()
        .contains(&"forged".to_owned()));
    assert_eq!(proxy.requests().len(), 2);

    // Always corrupted: every attempt (max_attempts from the profile), then
    // an error saying what happened.
    let body = json!({"TableNames": ["forged"]});
    let crc = crc32(body.to_string().as_bytes()) ^ 1;
    let bad = TestServer::start(move |_| json_reply(200, &body, Some(crc))).await;
    home.config("[default]\nmax_attempts = 4\n");
    let session = user_session(&home, &[("AWS_ENDPOINT_URL_DYNAMODB", &bad.url())]);
    let err = ddb_for(&session)
        .list_tables(ListTablesInput::default())
        .await
        .unwrap_err();
    assert_eq!(bad.requests().len(), 4);
    assert!(matches!(err, SdkError::Response(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("CRC32") && text.contains("x-amz-crc32") && text.contains("corrupted"),
        "{text}"
    );
}

fn ddb_for(session: &Session) -> myaws_dynamodb::Client {
    ddb(session, ClientConfig::default())
}

/// CRC32 (IEEE), as DynamoDB computes it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test]
async fn modeled_retryable_errors_are_retried_against_moto() {
    // ReplicatedWriteConflictException is modeled `retryable`: a proxy
    // answers PutItem with it once, then lets moto answer.
    let upstream = upstream();
    let proxy = TestServer::start(scripted(move |_, request| {
        static CONFLICTS: AtomicUsize = AtomicUsize::new(0);
        if target(request).ends_with(".PutItem") && CONFLICTS.fetch_add(1, Ordering::SeqCst) == 0
        {
            return json_reply(
                409,
                &json!({"__type": "com.amazonaws.dynamodb.v20120810#ReplicatedWriteConflictException",
                        "message": "conflict"}),
                None,
            );
        }
        Reply::Forward(upstream.clone())
    }))
    .await;
    let home = Home::new();
    let session = user_session(&home, &[("AWS_ENDPOINT_URL_DYNAMODB", &proxy.url())]);
    let ddb = ddb_for(&session);
    let table = unique("conflict");
    ddb.create_table(create_table_input(&table)).await.unwrap();
    ddb.put_item(PutItemInput::default().table_name(&table).item(item("b")))
        .await
        .expect("retried after the conflict");
    let puts = proxy
        .requests()
        .iter()
        .filter(|r| target(r).ends_with(".PutItem"))
        .count();
    assert_eq!(puts, 2);
    let got = ddb
        .get_item(GetItemInput::default().table_name(&table).key(item("b")))
        .await
        .unwrap();
    assert!(got.item.is_some());
}

#[tokio::test]
async fn web_identity_survives_an_idp_communication_error() {
    // STS answers the first AssumeRoleWithWebIdentity with
    // IDPCommunicationError (retried by botocore's special case), then moto
    // answers.
    let upstream = upstream();
    let proxy = TestServer::start(scripted(move |n, _| match n {
        0 => Reply::Http {
            status: 400,
            headers: vec![("content-type".into(), "text/xml".into())],
            body: b"<ErrorResponse><Error><Type>Sender</Type><Code>IDPCommunicationError</Code>\
<Message>the IdP did not answer</Message></Error><RequestId>r</RequestId></ErrorResponse>"
                .to_vec(),
        },
        _ => Reply::Forward(upstream.clone()),
    }))
    .await;
    let home = Home::new();
    let token = home.write("token", "oidc-token");
    let env = home.env(&[
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL_STS", &proxy.url()),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod"),
    ]);
    let session = Session::builder().env(env).build().unwrap();
    let creds = session
        .credentials()
        .await
        .expect("credentials after a retry");
    assert_eq!(creds.provider_name(), "assume-role-with-web-identity");
    assert_eq!(proxy.requests().len(), 2);
}

#[tokio::test]
async fn legacy_mode_from_the_profile_uses_retry_json() {
    let home = Home::new();
    home.config("[default]\nretry_mode = legacy\n");
    let session = user_session(&home, &[("AWS_ENDPOINT_URL", &moto().endpoint)]);
    // `_retry.json`: 10 attempts for DynamoDB, 5 for the rest.
    assert_eq!(ddb_for(&session).handle().retry_policy().max_attempts(), 10);
    let sqs = myaws_sqs::Client::new(&session).unwrap();
    assert_eq!(sqs.handle().retry_policy().max_attempts(), 5);

    // SQS's own policy: 403 RequestThrottled; the general ones: any 429 or
    // 509. Standard mode would not retry a bare 429.
    let answers = [(429, "Busy"), (509, "Bandwidth"), (403, "RequestThrottled")];
    let upstream = upstream();
    let proxy = TestServer::start(scripted(move |n, _| match answers.get(n) {
        Some((status, code)) => Reply::Http {
            status: *status,
            headers: vec![
                ("content-type".into(), "application/x-amz-json-1.0".into()),
                ("x-amzn-query-error".into(), format!("{code};Sender")),
            ],
            body: json!({"__type": format!("com.amazonaws.sqs#{code}"), "message": "m"})
                .to_string()
                .into_bytes(),
        },
        None => Reply::Forward(upstream.clone()),
    }))
    .await;
    let session = user_session(&home, &[("AWS_ENDPOINT_URL_SQS", &proxy.url())]);
    let sqs = myaws_sqs::Client::new(&session).unwrap();
    sqs.list_queues(myaws_sqs::types::ListQueuesRequest::default())
        .await
        .expect("the fourth attempt reaches moto");
    assert_eq!(proxy.requests().len(), 4);

    // The same 429 in standard mode: not retried.
    let bare_429 = TestServer::start(|_| Reply::status(429, "slow down")).await;
    home.config("[default]\nretry_mode = standard\n");
    let session = user_session(&home, &[("AWS_ENDPOINT_URL_SQS", &bare_429.url())]);
    let sqs = myaws_sqs::Client::new(&session).unwrap();
    sqs.list_queues(myaws_sqs::types::ListQueuesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(bare_429.requests().len(), 1);
}

#[tokio::test]
async fn adaptive_mode_from_the_environment_slows_down_under_throttling() {
    let throttle = Arc::new(Mutex::new(false));
    let upstream = upstream();
    let flag = throttle.clone();
    let proxy = TestServer::start(move |_| {
        if *flag.lock().unwrap() {
            json_reply(
                400,
                &json!({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                        "message": "Rate exceeded"}),
                None,
            )
        } else {
            Reply::Forward(upstream.clone())
        }
    })
    .await;
    let home = Home::new();
    let session = user_session(
        &home,
        &[
            ("AWS_RETRY_MODE", "adaptive"),
            ("AWS_MAX_ATTEMPTS", "1"),
            ("AWS_ENDPOINT_URL_DYNAMODB", &proxy.url()),
        ],
    );
    let clock = Clock::manual(0.0);
    let ddb = ddb(&session, ClientConfig::default().clock(clock.clone()));
    assert_eq!(ddb.handle().retry_policy().mode(), RetryMode::Adaptive);
    let limiter = ddb.handle().rate_limiter().unwrap();
    // Four calls a second against moto, by the manual clock.
    for _ in 0..20 {
        clock.advance(Duration::from_millis(250));
        ddb.list_tables(ListTablesInput::default()).await.unwrap();
    }
    let calm = limiter.state();
    assert!(
        !calm.enabled && (calm.measured_rate - 4.0).abs() < 0.01,
        "{calm:?}"
    );

    *throttle.lock().unwrap() = true;
    let before = clock.now();
    for _ in 0..10 {
        let err = ddb
            .list_tables(ListTablesInput::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("ThrottlingException"));
    }
    let slowed = limiter.state();
    assert!(slowed.enabled, "{slowed:?}");
    assert!(slowed.fill_rate < calm.measured_rate, "{slowed:?}");
    // The ten calls were held back by the limiter: the manual clock only
    // moves when it makes them wait.
    let waited = clock.now() - before;
    assert!(waited > 2.0, "waited {waited} s: {slowed:?}");
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A CloudWatch client (from `models/`) configured by `home` and `vars`,
/// sending to `url`.
fn cloudwatch(home: &Home, url: &str, vars: &[(&str, &str)]) -> myaws_core::client::ClientHandle {
    let mut env = vec![("AWS_ENDPOINT_URL", url)];
    env.extend_from_slice(vars);
    user_session(home, &env)
        .client_from_model(
            workspace_root().join("models/cloudwatch"),
            myaws_core::ClientConfig::default(),
        )
        .unwrap()
}

#[tokio::test]
async fn put_metric_data_is_compressed_as_configured() {
    let server = TestServer::start(|_| Reply::Http {
        status: 200,
        headers: vec![("smithy-protocol".into(), "rpc-v2-cbor".into())],
        body: Vec::new(),
    })
    .await;
    let metrics = |n: usize| {
        let data: Vec<_> = (0..n)
            .map(|i| json!({"MetricName": format!("requests-{i}"), "Value": i as f64, "Unit": "Count"}))
            .collect();
        json!({"Namespace": "shop", "MetricData": data})
    };
    let home = Home::new();
    home.config("[default]\nrequest_min_compression_size_bytes = 2048\n");
    let url = server.url();
    // ~3 KiB: above the profile's 2048 bytes, below the default 10240.
    let mid = metrics(60);
    let calls = [
        (vec![], mid.clone()),
        (
            vec![("AWS_DISABLE_REQUEST_COMPRESSION", "true")],
            mid.clone(),
        ),
        (
            vec![("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "10240")],
            mid,
        ),
        (vec![], metrics(3)),
    ];
    for (vars, body) in calls {
        cloudwatch(&home, &url, &vars)
            .call_json("PutMetricData", body)
            .await
            .unwrap();
    }
    let requests = server.requests();
    let [gzipped, disabled, above_env_minimum, small] = &requests[..] else {
        panic!("{} requests", requests.len())
    };
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(disabled.header("content-encoding"), None);
    assert!(disabled.body.len() > 2048 && disabled.body.len() < 10_240);
    assert_eq!(gunzip(&gzipped.body), disabled.body);
    assert_eq!(above_env_minimum.header("content-encoding"), None);
    assert_eq!(above_env_minimum.body, disabled.body);
    assert_eq!(small.header("content-encoding"), None);

    // A bad setting is refused before anything is sent.
    home.config("[default]\nrequest_min_compression_size_bytes = 2000000\n");
    let err = user_session(&home, &[])
        .client_from_model(
            workspace_root().join("models/cloudwatch"),
            myaws_core::ClientConfig::default(),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("request_min_compression_size_bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn endpoint_discovery_sends_calls_where_describe_endpoints_says() {
    // The discovered endpoint: a recording proxy in front of moto that
    // refuses one request with a 421 on cue.
    let upstream = upstream();
    let refuse_next = Arc::new(Mutex::new(false));
    let refuse = refuse_next.clone();
    let discovered = TestServer::start(move |_| {
        if std::mem::take(&mut *refuse.lock().unwrap()) {
            return json_reply(
                421,
                &json!({"__type": "com.amazonaws.dynamodb.v20120810#InvalidEndpointException",
                        "message": "moved"}),
                None,
            );
        }
        Reply::Forward(upstream.clone())
    })
    .await;
    // The configured DynamoDB endpoint only answers DescribeEndpoints.
    let address = discovered.url();
    let regular = TestServer::start(move |request| {
        if !target(request).ends_with(".DescribeEndpoints") {
            return json_reply(
                400,
                &json!({"__type": "com.amazon.coral.service#UnknownOperationException"}),
                None,
            );
        }
        json_reply(
            200,
            &json!({"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1}]}),
            None,
        )
    })
    .await;
    let home = Home::new();
    home.config("[default]\nendpoint_discovery_enabled = true\n");
    let session = user_session(&home, &[("AWS_ENDPOINT_URL_DYNAMODB", &regular.url())]);
    let clock = Clock::manual(0.0);
    let ddb = ddb(&session, ClientConfig::default().clock(clock.clone()));
    assert_eq!(
        ddb.handle().discovery_mode(),
        DiscoveryMode::Active { always: true }
    );
    let describes = || {
        let requests = regular.requests();
        assert!(requests
            .iter()
            .all(|r| r.header("x-amz-api-version") == Some("2012-08-10")));
        requests.len()
    };
    let table = unique("discovered");
    ddb.create_table(create_table_input(&table)).await.unwrap();
    let tables = ddb
        .list_tables(ListTablesInput::default().limit(100))
        .await
        .unwrap()
        .table_names
        .unwrap_or_default();
    assert!(tables.contains(&table), "moto answered: {tables:?}");
    // One discovery, cached for a minute.
    assert_eq!(describes(), 1);
    assert_eq!(discovered.requests().len(), 2);
    clock.advance(Duration::from_secs(61));
    ddb.list_tables(ListTablesInput::default()).await.unwrap();
    assert_eq!(describes(), 2);
    // A 421: discovered again, and the call goes through.
    *refuse_next.lock().unwrap() = true;
    ddb.list_tables(ListTablesInput::default()).await.unwrap();
    assert_eq!(describes(), 3);
    assert_eq!(discovered.requests().len(), 5);

    // `false` in the environment wins over the profile; DynamoDB requires
    // discovery nowhere, so calls go to the regular endpoint.
    let off = user_session(
        &home,
        &[
            ("AWS_ENDPOINT_URL_DYNAMODB", regular.url().as_str()),
            ("AWS_ENDPOINT_DISCOVERY_ENABLED", "false"),
        ],
    );
    let client = ddb_for(&off);
    assert_eq!(client.handle().discovery_mode(), DiscoveryMode::Blocked);
    let err = client
        .list_tables(ListTablesInput::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnknownOperationException"), "{err}");
    // A bad value names its source.
    let bad = Session::builder()
        .env(home.env(&[("AWS_ENDPOINT_DISCOVERY_ENABLED", "sometimes")]))
        .build()
        .unwrap();
    let err = myaws_dynamodb::Client::new(&bad).unwrap_err();
    assert!(
        err.to_string().contains("AWS_ENDPOINT_DISCOVERY_ENABLED"),
        "{err}"
    );
}
