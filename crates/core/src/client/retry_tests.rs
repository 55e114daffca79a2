//! Retries, adaptive mode and request compression through the whole
//! pipeline, against a loopback server playing DynamoDB, STS, SQS and
//! CloudWatch with the real models.

use std::io::Read as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::ClientHandle;
use crate::config::{Env, SharedConfig};
use crate::credentials::Credentials;
use crate::retry::{Clock, RetryMode};
use crate::service::Service;
use crate::session::{ClientConfig, Session};
use crate::test_server::{Recorded, Reply, TestServer};

pub(super) fn session(env: &[(&str, &str)]) -> Session {
    let mut pairs: Vec<(&str, &str)> = vec![("AWS_EC2_METADATA_DISABLED", "true")];
    pairs.extend_from_slice(env);
    Session::builder()
        .env(Env::from_pairs(pairs))
        .shared_config(SharedConfig::empty())
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap()
}

/// A service from `models/`, parsed once per test process.
pub(super) fn service(name: &str) -> Service {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Service>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(name.to_owned())
        .or_insert_with(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../models")
                .join(name);
            Service::from_dir(&dir).unwrap()
        })
        .clone()
}

pub(super) fn client(name: &str, session: &Session, config: ClientConfig) -> ClientHandle {
    ClientHandle::from_service(session, service(name), config).unwrap()
}

pub(super) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub(super) fn json_reply(status: u16, body: &serde_json::Value, crc32: Option<u32>) -> Reply {
    let body = body.to_string().into_bytes();
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
        body,
    }
}

fn ddb_error(status: u16, kind: &str) -> Reply {
    json_reply(
        status,
        &json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"), "message": "m"}),
        None,
    )
}

/// A handler answering the n-th request (from 0) with `script(n)`.
fn scripted(
    script: impl Fn(usize) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let count = Arc::new(AtomicUsize::new(0));
    move |_| script(count.fetch_add(1, Ordering::SeqCst))
}

#[test]
fn a_corrupted_dynamodb_body_is_retried_then_fails_clearly() {
    runtime().block_on(async {
        let body = json!({"TableNames": ["t"]});
        let good = crc32fast::hash(body.to_string().as_bytes());
        // Always corrupted: every attempt is made, then a checksum error.
        let server = TestServer::start(move |_| json_reply(200, &body, Some(good ^ 1))).await;
        let ddb = client(
            "dynamodb",
            &session(&[]),
            ClientConfig::default().endpoint_url(server.url()),
        );
        let err = ddb.call_json("ListTables", json!({})).await.unwrap_err();
        assert_eq!(server.requests().len(), 3);
        let text = err.to_string();
        assert!(
            text.contains("CRC32") && text.contains("x-amz-crc32"),
            "{text}"
        );
        assert_eq!(ddb.retry_quota().available(), 500 - 2 * 5);

        // Corrupted once: the retry returns the real answer.
        let body = json!({"TableNames": ["t"]});
        let server = TestServer::start(scripted(move |n| {
            let crc = crc32fast::hash(body.to_string().as_bytes());
            json_reply(200, &body, Some(if n == 0 { crc ^ 1 } else { crc }))
        }))
        .await;
        let ddb = client(
            "dynamodb",
            &session(&[]),
            ClientConfig::default().endpoint_url(server.url()),
        );
        let mut out = ddb.call_json("ListTables", json!({})).await.unwrap();
        let metadata = out.as_object_mut().unwrap().remove("ResponseMetadata");
        assert_eq!(metadata.unwrap()["RetryAttempts"], 1);
        assert_eq!(out, json!({"TableNames": ["t"]}));
        assert_eq!(server.requests().len(), 2);
        // The retry's 5 tokens came back with the success.
        assert_eq!(ddb.retry_quota().available(), 500);
    });
}

#[test]
fn legacy_dynamodb_checks_crc32_with_its_own_schedule() {
    runtime().block_on(async {
        let body = json!({"TableNames": []});
        let bad = crc32fast::hash(body.to_string().as_bytes()) ^ 0xff;
        let server = TestServer::start(move |_| json_reply(200, &body, Some(bad))).await;
        let config = ClientConfig::default()
            .endpoint_url(server.url())
            .retry_mode(RetryMode::Legacy);
        let ddb = client("dynamodb", &session(&[]), config.clone());
        // `_retry.json`: 10 attempts for DynamoDB unless configured.
        assert_eq!(ddb.retry_policy().max_attempts(), 10);
        let ddb = client("dynamodb", &session(&[]), config.max_attempts(3));
        let started = std::time::Instant::now();
        let err = ddb.call_json("ListTables", json!({})).await.unwrap_err();
        assert!(err.to_string().contains("CRC32"), "{err}");
        assert_eq!(server.requests().len(), 3);
        // 50 ms then 100 ms: DynamoDB's fixed legacy delays.
        assert!(started.elapsed() >= Duration::from_millis(150));
        // Legacy mode has no quota.
        assert_eq!(ddb.retry_quota().available(), 500);
    });
}

#[test]
fn modeled_retryable_errors_are_retried() {
    runtime().block_on(async {
        // ReplicatedWriteConflictException is `retryable` in the DynamoDB
        // model (and a 409, which nothing else would retry).
        let server = TestServer::start(scripted(|n| match n {
            0 => ddb_error(409, "ReplicatedWriteConflictException"),
            _ => json_reply(200, &json!({}), None),
        }))
        .await;
        let ddb = client(
            "dynamodb",
            &session(&[]),
            ClientConfig::default().endpoint_url(server.url()),
        );
        let put = json!({"TableName": "t", "Item": {"k": {"S": "v"}}});
        ddb.call_json("PutItem", put.clone()).await.unwrap();
        assert_eq!(server.requests().len(), 2);
        // Not one of ListTables's errors: not retried there.
        let server =
            TestServer::start(|_| ddb_error(409, "ReplicatedWriteConflictException")).await;
        let ddb = client(
            "dynamodb",
            &session(&[]),
            ClientConfig::default().endpoint_url(server.url()),
        );
        ddb.call_json("ListTables", json!({})).await.unwrap_err();
        assert_eq!(server.requests().len(), 1);
        // A plain modeled error is not retried.
        let server = TestServer::start(|_| ddb_error(400, "ConditionalCheckFailedException")).await;
        let ddb = client(
            "dynamodb",
            &session(&[]),
            ClientConfig::default().endpoint_url(server.url()),
        );
        ddb.call_json("PutItem", put).await.unwrap_err();
        assert_eq!(server.requests().len(), 1);
    });
}

fn sts_error(code: &str) -> Reply {
    Reply::Http {
        status: 400,
        headers: vec![("content-type".into(), "text/xml".into())],
        body: format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
             <Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>"
        )
        .into_bytes(),
    }
}

#[test]
fn sts_idp_communication_errors_are_retried() {
    runtime().block_on(async {
        let ok = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012\
                  </Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
        let server = TestServer::start(scripted(move |n| match n {
            0 => sts_error("IDPCommunicationError"),
            _ => Reply::status(200, ok),
        }))
        .await;
        let sts = client(
            "sts",
            &session(&[]),
            ClientConfig::default().endpoint_url(server.url()),
        );
        let out = sts.call_json("GetCallerIdentity", json!({})).await.unwrap();
        assert_eq!(out["Account"], "123456789012");
        assert_eq!(server.requests().len(), 2);
        // Legacy mode retries it too (`_retry.json`'s sts section).
        let server = TestServer::start(scripted(move |n| match n {
            0 => sts_error("IDPCommunicationError"),
            _ => Reply::status(200, ok),
        }))
        .await;
        let sts = client(
            "sts",
            &session(&[]),
            ClientConfig::default()
                .endpoint_url(server.url())
                .retry_mode(RetryMode::Legacy),
        );
        sts.call_json("GetCallerIdentity", json!({})).await.unwrap();
        assert_eq!(server.requests().len(), 2);
        // Another client error is not retried.
        let server = TestServer::start(|_| sts_error("InvalidIdentityToken")).await;
        let sts = client(
            "sts",
            &session(&[]),
            ClientConfig::default().endpoint_url(server.url()),
        );
        sts.call_json("GetCallerIdentity", json!({}))
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1);
    });
}

fn sqs_error(status: u16, code: &str) -> Reply {
    Reply::Http {
        status,
        headers: vec![
            ("content-type".into(), "application/x-amz-json-1.0".into()),
            ("x-amzn-query-error".into(), format!("{code};Sender")),
        ],
        body: json!({"__type": format!("com.amazonaws.sqs#{code}"), "message": "m"})
            .to_string()
            .into_bytes(),
    }
}

#[test]
fn legacy_and_standard_modes_retry_different_things() {
    runtime().block_on(async {
        // (status, code, retried in standard, retried in legacy)
        let cases = [
            (429, "Whatever", false, true),
            (509, "Whatever", false, true),
            (400, "RequestTimeoutException", true, false),
            (403, "RequestThrottled", true, true),
            (400, "ThrottlingException", true, true),
            (400, "QueueDoesNotExist", false, false),
        ];
        for (status, code, standard, legacy) in cases {
            for (mode, retried) in [(RetryMode::Standard, standard), (RetryMode::Legacy, legacy)] {
                let server = TestServer::start(move |_| sqs_error(status, code)).await;
                let sqs = client(
                    "sqs",
                    &session(&[]),
                    ClientConfig::default()
                        .endpoint_url(server.url())
                        .retry_mode(mode)
                        .max_attempts(2),
                );
                let err = sqs.call_json("ListQueues", json!({})).await.unwrap_err();
                assert_eq!(err.code(), Some(code));
                let attempts = server.requests().len();
                assert_eq!(
                    attempts,
                    if retried { 2 } else { 1 },
                    "{mode:?} {status} {code}"
                );
            }
        }
    });
}

#[test]
fn adaptive_mode_slows_down_under_throttling() {
    runtime().block_on(async {
        // 40 successes, then the service throttles every request.
        let server = TestServer::start(scripted(|n| {
            if n < 40 {
                json_reply(200, &json!({"TableNames": []}), None)
            } else {
                ddb_error(400, "ThrottlingException")
            }
        }))
        .await;
        let clock = Clock::manual(1000.0);
        let ddb = client(
            "dynamodb",
            &session(&[]),
            ClientConfig::default()
                .endpoint_url(server.url())
                .retry_mode(RetryMode::Adaptive)
                .max_attempts(1)
                .clock(clock.clone()),
        );
        let limiter = ddb
            .rate_limiter()
            .expect("adaptive mode has a rate limiter");
        // 10 requests a second, by the manual clock.
        let tick = Duration::from_millis(125); // 8/s, exact in binary
        for _ in 0..40 {
            clock.advance(tick);
            ddb.call_json("ListTables", json!({})).await.unwrap();
        }
        let calm = limiter.state();
        assert!(!calm.enabled, "{calm:?}");
        assert!((calm.measured_rate - 8.0).abs() < 0.01, "{calm:?}");
        // Throttled: the limiter turns on at 0.7 × the measured rate.
        clock.advance(tick);
        let err = ddb.call_json("ListTables", json!({})).await.unwrap_err();
        assert_eq!(err.code(), Some("ThrottlingException"));
        let throttled = limiter.state();
        assert!(throttled.enabled);
        assert!((throttled.fill_rate - 0.7 * throttled.last_max_rate).abs() < 1e-9);
        // Keep calling as fast as the caller likes: the limiter makes the
        // calls wait (the manual clock moves only by those waits), and each
        // throttling error lowers the rate further, down to 0.5/s.
        let start = clock.now();
        for _ in 0..20 {
            ddb.call_json("ListTables", json!({})).await.unwrap_err();
        }
        let waited = clock.now() - start;
        let slow = limiter.state();
        assert!(waited > 1.0, "waited {waited} s: {slow:?}");
        assert!(
            slow.fill_rate < throttled.fill_rate,
            "{slow:?} {throttled:?}"
        );
        assert!(slow.fill_rate >= 0.5);
        assert_eq!(server.requests().len(), 61);
        // Standard mode has no limiter.
        let standard = client("dynamodb", &session(&[]), ClientConfig::default());
        assert!(standard.rate_limiter().is_none());
    });
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn put_metric_data_is_gzipped_above_the_threshold() {
    runtime().block_on(async {
        let server = TestServer::start(|_| Reply::Http {
            status: 200,
            headers: vec![("smithy-protocol".into(), "rpc-v2-cbor".into())],
            body: Vec::new(),
        })
        .await;
        let metrics = |n: usize| {
            let data: Vec<_> = (0..n)
                .map(|i| json!({"MetricName": format!("metric-{i}"), "Value": i as f64}))
                .collect();
            json!({"Namespace": "app", "MetricData": data})
        };
        let cw = |config: ClientConfig| {
            client(
                "cloudwatch",
                &session(&[]),
                config.endpoint_url(server.url()),
            )
        };
        let big = metrics(600); // well over 10 KiB serialized
        let small = metrics(2);

        cw(ClientConfig::default().disable_request_compression(true))
            .call_json("PutMetricData", big.clone())
            .await
            .unwrap();
        cw(ClientConfig::default())
            .call_json("PutMetricData", big.clone())
            .await
            .unwrap();
        cw(ClientConfig::default())
            .call_json("PutMetricData", small.clone())
            .await
            .unwrap();
        cw(ClientConfig::default().request_min_compression_size_bytes(1))
            .call_json("PutMetricData", small)
            .await
            .unwrap();
        let requests = server.requests();
        let [plain, gzipped, small_plain, small_gzipped] = &requests[..] else {
            panic!("{} requests", requests.len())
        };
        assert!(plain.body.len() > 10_240);
        assert_eq!(plain.header("content-encoding"), None);
        assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
        assert!(gzipped.body.len() < plain.body.len() / 4);
        assert_eq!(gunzip(&gzipped.body), plain.body);
        assert_eq!(
            gzipped.header("content-length"),
            Some(gzipped.body.len().to_string().as_str())
        );
        assert_eq!(small_plain.header("content-encoding"), None);
        assert_eq!(small_gzipped.header("content-encoding"), Some("gzip"));
        assert_eq!(gunzip(&small_gzipped.body), small_plain.body);
        // The signature covers the compressed body.
        let signed = gzipped.header("authorization").unwrap();
        assert!(signed.contains("content-encoding"), "{signed}");
    });
}

#[test]
fn compression_settings_come_from_the_environment() {
    let s = session(&[
        ("AWS_DISABLE_REQUEST_COMPRESSION", "true"),
        ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "42"),
    ]);
    let cw = client("cloudwatch", &s, ClientConfig::default());
    let settings = cw.config().request_compression;
    assert!(settings.disabled);
    assert_eq!(settings.min_size_bytes, 42);
    let bad = session(&[("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "0")]);
    let err = ClientHandle::from_service(&bad, service("cloudwatch"), ClientConfig::default())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES"),
        "{err}"
    );
}
