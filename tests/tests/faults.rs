//! The network layer against a fault-injection server (127.0.0.1 only, every
//! wait bounded): resets, stalls, trickles, wrong lengths, broken chunked
//! encoding, hostile bodies, 5xx and throttling sequences in every protocol,
//! redirects, retry-quota exhaustion, timeouts and stalled streams. Each
//! case asserts its outcome: the error's type, whether it was retried (how
//! many requests the server saw), and how long it took.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use myaws_core::client::ClientHandle;
use myaws_core::config::Env;
use myaws_core::dynamic::DynamicError;
use myaws_core::http::StalledStreamProtection;
use myaws_core::{ClientConfig, Credentials, DispatchErrorKind, SdkError, Session, TimeoutKind};
use myaws_tests::fault_server::{Fault, FaultServer};
use serde_json::{json, Value as Json};

type CallResult = Result<Json, SdkError<DynamicError>>;

fn session() -> Session {
    Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap()
}

fn model_dir(service: &str) -> PathBuf {
    if service == "cloudwatch-cbor" {
        return cbor_model_dir();
    }
    myaws_tests::workspace_root().join("models").join(service)
}

/// CloudWatch's model speaking only Smithy RPC v2 CBOR (the real one lists
/// JSON first, which botocore and myaws prefer).
fn cbor_model_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let from = myaws_tests::workspace_root().join("models/cloudwatch");
        let dir = std::env::temp_dir().join(format!("myaws-cbor-model-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut model: Json =
            serde_json::from_str(&std::fs::read_to_string(from.join("service-2.json")).unwrap())
                .unwrap();
        model["metadata"]["protocols"] = json!(["smithy-rpc-v2-cbor"]);
        std::fs::write(dir.join("service-2.json"), model.to_string()).unwrap();
        std::fs::copy(
            from.join("endpoint-rule-set-1.json"),
            dir.join("endpoint-rule-set-1.json"),
        )
        .unwrap();
        dir
    })
    .clone()
}

/// Short timeouts, three attempts, the server as endpoint.
fn config(server: &FaultServer) -> ClientConfig {
    ClientConfig::default()
        .endpoint_url(server.url())
        .max_attempts(3)
        .connect_timeout(Duration::from_secs(2))
        .read_timeout(Duration::from_millis(500))
}

fn client(service: &str, config: ClientConfig) -> ClientHandle {
    session()
        .client_from_model(model_dir(service), config)
        .unwrap()
}

async fn list_tables(config: ClientConfig) -> CallResult {
    client("dynamodb", config)
        .call_json("ListTables", json!({}))
        .await
}

fn dispatch(result: &CallResult) -> &myaws_core::DispatchError {
    match result {
        Err(SdkError::Dispatch(e)) => e,
        other => panic!("expected a dispatch error, got {other:?}"),
    }
}

const JSON_CT: &str = "application/x-amz-json-1.0";

// ------------------------------------------------------------ connections

#[tokio::test]
async fn reset_before_the_answer_is_retried_then_fails() {
    let server = FaultServer::start(vec![Fault::Reset]).await;
    let r = list_tables(config(&server)).await;
    let e = dispatch(&r);
    assert!(
        matches!(e.kind, DispatchErrorKind::Io | DispatchErrorKind::Connect),
        "{e}"
    );
    assert!(
        std::error::Error::source(e).is_some(),
        "the hyper error is kept as the source"
    );
    assert_eq!(server.requests(), 3, "three attempts");
}

#[tokio::test]
async fn close_without_an_answer_is_retried_then_succeeds() {
    let server = FaultServer::start(vec![
        Fault::Close,
        Fault::Close,
        Fault::ok(JSON_CT, r#"{"TableNames":["t"]}"#),
    ])
    .await;
    let mut r = list_tables(config(&server)).await.unwrap();
    assert_eq!(r["ResponseMetadata"]["RetryAttempts"], 2, "{r}");
    r.as_object_mut().unwrap().remove("ResponseMetadata");
    assert_eq!(r, json!({"TableNames": ["t"]}));
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn refused_connections_are_connect_errors() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = ClientConfig::default()
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .max_attempts(2);
    let r = client("dynamodb", config)
        .call_json("ListTables", json!({}))
        .await;
    assert_eq!(dispatch(&r).kind, DispatchErrorKind::Connect, "{r:?}");
}

#[tokio::test]
async fn a_silent_tls_handshake_is_a_connect_timeout() {
    let server = FaultServer::start(vec![Fault::Silent(Duration::from_secs(10))]).await;
    let config = ClientConfig::default()
        .endpoint_url(format!("https://{}", server.addr()))
        .max_attempts(1)
        .connect_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let r = client("dynamodb", config)
        .call_json("ListTables", json!({}))
        .await;
    let e = dispatch(&r);
    assert_eq!(e.timeout(), Some(TimeoutKind::Connect), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

// ------------------------------------------------------------- responses

#[tokio::test]
async fn a_stall_before_the_head_is_a_read_timeout_and_retried() {
    let server = FaultServer::start(vec![Fault::Stall(Duration::from_secs(10))]).await;
    let started = Instant::now();
    let r = list_tables(config(&server)).await;
    let e = dispatch(&r);
    assert_eq!(e.timeout(), Some(TimeoutKind::Read), "{e}");
    assert_eq!(server.requests(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_stall_in_the_body_is_a_read_timeout() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 100\r\n\r\n";
    let server = FaultServer::start(vec![Fault::Trickle {
        head: head.to_vec(),
        body: br#"{"TableNam"#.to_vec(),
        chunk: 10,
        interval: Duration::from_secs(10),
    }])
    .await;
    let r = list_tables(config(&server).max_attempts(1)).await;
    assert_eq!(dispatch(&r).timeout(), Some(TimeoutKind::Read), "{r:?}");
}

#[tokio::test]
async fn a_trickling_body_that_keeps_flowing_never_times_out() {
    // 2 KiB in 64-byte pieces every 50 ms: 1.6 s, three times the read
    // timeout, but never 500 ms without a byte.
    let body = format!(r#"{{"TableNames":["{}"]}}"#, "t".repeat(2000));
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {JSON_CT}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let server = FaultServer::start(vec![Fault::Trickle {
        head: head.into_bytes(),
        body: body.into_bytes(),
        chunk: 64,
        interval: Duration::from_millis(50),
    }])
    .await;
    let started = Instant::now();
    let r = list_tables(config(&server)).await.unwrap();
    assert!(started.elapsed() > Duration::from_millis(1000));
    assert_eq!(r["TableNames"][0].as_str().unwrap().len(), 2000);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_trickle_below_the_throughput_floor_is_a_stalled_stream() {
    let body = vec![b' '; 4000];
    let head =
        format!("HTTP/1.1 200 OK\r\ncontent-type: {JSON_CT}\r\ncontent-length: 4000\r\n\r\n");
    let server = FaultServer::start(vec![Fault::Trickle {
        head: head.into_bytes(),
        body,
        chunk: 16,
        interval: Duration::from_millis(200),
    }])
    .await;
    let config = config(&server).max_attempts(1).stalled_stream_protection(
        StalledStreamProtection::default()
            .grace_period(Duration::from_secs(1))
            .min_throughput(1000),
    );
    let started = Instant::now();
    let r = list_tables(config).await;
    assert_eq!(
        dispatch(&r).timeout(),
        Some(TimeoutKind::StalledStream),
        "{r:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_shorter_than_its_length_is_an_io_error_and_retried() {
    let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"TableNames\":[]".to_vec();
    let server = FaultServer::start(vec![Fault::Raw(raw)]).await;
    let r = list_tables(config(&server)).await;
    assert_eq!(dispatch(&r).kind, DispatchErrorKind::Io, "{r:?}");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_body_longer_than_its_length_is_cut_and_fails_to_parse() {
    let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 10\r\nconnection: close\r\n\r\n{\"TableNames\":[]}".to_vec();
    let server = FaultServer::start(vec![Fault::Raw(raw)]).await;
    let r = list_tables(config(&server)).await;
    assert!(matches!(r, Err(SdkError::Response(_))), "{r:?}");
    assert_eq!(server.requests(), 1, "a parse error is not retried");
}

#[tokio::test]
async fn invalid_chunked_encoding_is_an_io_error() {
    let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".to_vec();
    let server = FaultServer::start(vec![Fault::Raw(raw)]).await;
    let r = list_tables(config(&server)).await;
    assert_eq!(dispatch(&r).kind, DispatchErrorKind::Io, "{r:?}");
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_unread_and_not_retried() {
    let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: 1000000000000\r\n\r\n{".to_vec();
    let server = FaultServer::start(vec![Fault::Raw(raw)]).await;
    let r = list_tables(config(&server)).await;
    let e = dispatch(&r);
    assert_eq!(e.kind, DispatchErrorKind::BodyTooLarge, "{e}");
    assert!(e.to_string().contains("1000000000000"), "{e}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn lambda_invoke_payloads_follow_lambdas_limit() {
    let generated = |count: usize| Fault::Generated {
        headers: vec![("content-type".into(), "application/json".into())],
        prefix: b"\"".to_vec(),
        unit: vec![b'x'; 1024],
        count,
        suffix: b"\"".to_vec(),
        chunked: true,
    };
    // 5 MiB: fine.
    let server = FaultServer::start(vec![generated(5 * 1024)]).await;
    let out = client("lambda", config(&server))
        .call_json("Invoke", json!({"FunctionName": "f"}))
        .await
        .unwrap();
    let payload = out["Payload"].as_str().unwrap();
    assert!(payload.len() > 5 * 1024 * 1024, "{}", payload.len());
    // 7 MiB (chunked, no declared length): over Lambda's 6 MB, refused
    // once the limit is passed, not retried.
    let server = FaultServer::start(vec![generated(7 * 1024)]).await;
    let r = client("lambda", config(&server))
        .call_json("Invoke", json!({"FunctionName": "f"}))
        .await;
    let e = dispatch(&r);
    assert_eq!(e.kind, DispatchErrorKind::BodyTooLarge, "{e}");
    assert!(e.to_string().contains("6291556"), "{e}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn hostile_bodies_are_response_errors_not_retried() {
    // Nesting past the parser's limit.
    let deep = format!(
        "{{\"TableNames\":{}{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    // Tiny elements past the memory budget: 400k empty function records.
    let tiny = Fault::Generated {
        headers: vec![("content-type".into(), "application/json".into())],
        prefix: b"{\"Functions\":[".to_vec(),
        unit: b"{},".to_vec(),
        count: 400_000,
        suffix: b"{}]}".to_vec(),
        chunked: false,
    };
    let server = FaultServer::start(vec![Fault::ok(JSON_CT, deep)]).await;
    let r = list_tables(config(&server)).await;
    assert!(
        matches!(&r, Err(SdkError::Response(e)) if e.message.contains("JSON")),
        "{r:?}"
    );
    assert_eq!(server.requests(), 1);

    let server = FaultServer::start(vec![tiny]).await;
    let r = client("lambda", config(&server))
        .call_json("ListFunctions", json!({}))
        .await;
    assert!(
        matches!(&r, Err(SdkError::Response(e)) if e.message.contains("refused as malformed or hostile")),
        "{r:?}"
    );
    assert_eq!(server.requests(), 1);
}

// ------------------------------------------------- errors in every protocol

/// One operation per protocol, with its success and throttling answers.
struct Protocol {
    service: &'static str,
    op: &'static str,
    ok: Fault,
    throttle: Fault,
    throttle_code: &'static str,
}

fn cbor_text(s: &str) -> Vec<u8> {
    assert!(s.len() < 24);
    let mut out = vec![0x60 + s.len() as u8];
    out.extend_from_slice(s.as_bytes());
    out
}

fn protocols() -> Vec<Protocol> {
    let xml = "text/xml";
    let mut cbor_error = vec![0xa1];
    cbor_error.extend(cbor_text("__type"));
    cbor_error.extend(cbor_text("Throttling"));
    vec![
        Protocol {
            service: "dynamodb",
            op: "ListTables",
            ok: Fault::ok(JSON_CT, r#"{"TableNames":["t"]}"#),
            throttle: Fault::status(
                400,
                JSON_CT,
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#,
            ),
            throttle_code: "ThrottlingException",
        },
        Protocol {
            service: "iam",
            op: "ListUsers",
            ok: Fault::ok(xml, "<ListUsersResponse><ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>"),
            throttle: Fault::status(400, xml, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>"),
            throttle_code: "Throttling",
        },
        Protocol {
            service: "ec2",
            op: "DescribeRegions",
            ok: Fault::ok(xml, "<DescribeRegionsResponse><requestId>r</requestId><regionInfo><item><regionName>us-east-1</regionName></item></regionInfo></DescribeRegionsResponse>"),
            throttle: Fault::status(503, xml, "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r</RequestID></Response>"),
            throttle_code: "RequestLimitExceeded",
        },
        Protocol {
            service: "lambda",
            op: "ListFunctions",
            ok: Fault::ok("application/json", r#"{"Functions":[]}"#),
            throttle: Fault::status(429, "application/json", r#"{"Type":"User","message":"Rate exceeded"}"#)
                .with_header("x-amzn-ErrorType", "TooManyRequestsException"),
            throttle_code: "TooManyRequestsException",
        },
        Protocol {
            service: "s3",
            op: "ListBuckets",
            ok: Fault::ok(xml, "<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>"),
            throttle: Fault::status(503, xml, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>r</RequestId></Error>"),
            throttle_code: "SlowDown",
        },
        Protocol {
            service: "cloudwatch-cbor",
            op: "ListDashboards",
            ok: Fault::ok("application/cbor", vec![0xa0]).with_header("smithy-protocol", "rpc-v2-cbor"),
            throttle: Fault::status(400, "application/cbor", cbor_error)
                .with_header("smithy-protocol", "rpc-v2-cbor")
                .with_header("x-amzn-query-error", "Throttling;Sender"),
            throttle_code: "Throttling",
        },
    ]
}

/// Runs `op` of each protocol against a server with `script(protocol)`,
/// all at once; returns each result with the requests its server saw.
async fn per_protocol(
    script: impl Fn(&Protocol) -> Vec<Fault>,
) -> Vec<(&'static str, CallResult, usize)> {
    let mut runs = Vec::new();
    for p in protocols() {
        let server = FaultServer::start(script(&p)).await;
        runs.push(async move {
            let r = client(p.service, config(&server))
                .call_json(p.op, json!({}))
                .await;
            (p.service, r, server.requests())
        });
    }
    futures_util::future::join_all(runs).await
}

#[tokio::test]
async fn throttling_then_success_in_every_protocol() {
    for (service, r, requests) in
        per_protocol(|p| vec![p.throttle.clone(), p.throttle.clone(), p.ok.clone()]).await
    {
        assert!(r.is_ok(), "{service}: {r:?}");
        assert_eq!(requests, 3, "{service}");
    }
}

#[tokio::test]
async fn server_errors_then_success_in_every_protocol() {
    for (service, r, requests) in per_protocol(|p| {
        let empty_500 = Fault::status(500, "text/plain", "");
        vec![empty_500.clone(), empty_500, p.ok.clone()]
    })
    .await
    {
        assert!(r.is_ok(), "{service}: {r:?}");
        assert_eq!(requests, 3, "{service}");
        let metadata = &r.unwrap()["ResponseMetadata"];
        assert_eq!(metadata["RetryAttempts"], 2, "{service}: {metadata}");
        assert_eq!(metadata["HTTPStatusCode"], 200, "{service}: {metadata}");
    }
}

#[tokio::test]
async fn throttling_that_never_ends_fails_with_the_code_in_every_protocol() {
    let codes: Vec<(&str, &str)> = protocols()
        .iter()
        .map(|p| (p.service, p.throttle_code))
        .collect();
    for (service, r, requests) in per_protocol(|p| vec![p.throttle.clone()]).await {
        let code = codes.iter().find(|(s, _)| *s == service).unwrap().1;
        assert_eq!(
            r.as_ref().err().and_then(|e| e.code()),
            Some(code),
            "{service}: {r:?}"
        );
        assert_eq!(requests, 3, "{service}");
    }
}

#[tokio::test]
async fn redirects_elsewhere_are_not_followed() {
    let server = FaultServer::start(vec![
        Fault::status(307, JSON_CT, "").with_header("location", "http://127.0.0.1:9/elsewhere")
    ])
    .await;
    let r = list_tables(config(&server)).await;
    assert_eq!(
        r.as_ref().err().and_then(|e| e.status()),
        Some(307),
        "{r:?}"
    );
    assert!(server.requests() >= 1);
    assert!(
        server.seen().iter().all(|s| s.line.starts_with("POST / ")),
        "{:?}",
        server.seen()
    );
}

#[tokio::test]
async fn the_retry_quota_runs_out_under_a_persistent_outage() {
    let server = FaultServer::start(vec![Fault::status(500, "text/plain", "")]).await;
    let handle = client("dynamodb", config(&server));
    // 60 calls at once: their retries drain the quota (500 tokens, 5 per
    // retry), so not every call gets its two retries.
    let calls = (0..60).map(|_| handle.call_json("ListTables", json!({})));
    let results = futures_util::future::join_all(calls).await;
    assert!(results
        .iter()
        .all(|r| r.as_ref().err().and_then(|e| e.status()) == Some(500)));
    let during = server.requests();
    assert!(
        during < 180,
        "the quota limited the retries: {during} requests"
    );
    // Now a call gets its first attempt only.
    let r = handle.call_json("ListTables", json!({})).await;
    assert!(r.is_err());
    assert_eq!(server.requests(), during + 1, "no retry without quota");
}

// ---------------------------------------------------------------- deadlines

#[tokio::test]
async fn attempt_timeouts_end_each_attempt_and_are_retried() {
    let server = FaultServer::start(vec![Fault::Stall(Duration::from_secs(10))]).await;
    let config = config(&server)
        .read_timeout(Duration::from_secs(20))
        .attempt_timeout(Duration::from_millis(200));
    let r = list_tables(config).await;
    assert_eq!(dispatch(&r).timeout(), Some(TimeoutKind::Attempt), "{r:?}");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn the_operation_timeout_ends_the_call_retries_included() {
    let server = FaultServer::start(vec![Fault::Stall(Duration::from_secs(10))]).await;
    let config = config(&server)
        .read_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_millis(500));
    let started = Instant::now();
    let r = list_tables(config).await;
    assert_eq!(
        dispatch(&r).timeout(),
        Some(TimeoutKind::Operation),
        "{r:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

// ------------------------------------------------------------------ uploads

fn s3(server: &FaultServer, config: ClientConfig) -> myaws_s3::Client {
    myaws_s3::Client::with_config(&session(), config.endpoint_url(server.url())).unwrap()
}

fn put(len: usize) -> myaws_s3::types::PutObjectRequest {
    myaws_s3::types::PutObjectRequest::default()
        .bucket("b")
        .key("k")
        .body(myaws_core::body::ByteStream::from_bytes(vec![7u8; len]))
}

#[tokio::test]
async fn an_upload_slower_than_the_read_timeout_succeeds_while_it_flows() {
    // 16 MiB read at 8 MiB/s: 2 s, twice the 1 s read timeout. (The
    // kernel's send buffer, up to 4 MiB, is half a second at this rate: the
    // answer comes within the read timeout of the last byte leaving.)
    let server = FaultServer::start(vec![Fault::ReadSlowly {
        bytes_per_sec: 8 << 20,
        then: Box::new(Fault::ok("text/xml", "").with_header("etag", "\"e\"")),
    }])
    .await;
    let config = ClientConfig::default()
        .max_attempts(1)
        .read_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let out = s3(&server, config).put_object(put(16 << 20)).await;
    let took = started.elapsed();
    assert!(out.is_ok(), "{out:?}");
    println!("16 MiB upload at 8 MiB/s with a 1 s read timeout: {took:?}");
    assert!(
        took >= Duration::from_secs(2),
        "took {took:?}: not twice the read timeout"
    );
    assert_eq!(server.seen()[0].body_len, 16 << 20);
}

#[tokio::test]
async fn a_stalled_upload_fails_within_the_grace_period() {
    let server = FaultServer::start(vec![Fault::StopReading {
        after: 256 * 1024,
        hold: Duration::from_secs(20),
    }])
    .await;
    let config = ClientConfig::default()
        .max_attempts(1)
        .read_timeout(Duration::from_secs(20))
        .stalled_stream_protection(
            StalledStreamProtection::default().grace_period(Duration::from_secs(2)),
        );
    let started = Instant::now();
    let r = s3(&server, config).put_object(put(8 << 20)).await;
    let took = started.elapsed();
    match &r {
        Err(SdkError::Dispatch(e)) => {
            assert_eq!(e.timeout(), Some(TimeoutKind::StalledStream), "{e}")
        }
        other => panic!("{other:?}"),
    }
    println!("stalled upload failed after {took:?} (grace period 2 s)");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[tokio::test]
async fn without_stall_protection_a_stalled_upload_hits_the_read_timeout() {
    let server = FaultServer::start(vec![Fault::StopReading {
        after: 256 * 1024,
        hold: Duration::from_secs(20),
    }])
    .await;
    let config = ClientConfig::default()
        .max_attempts(1)
        .read_timeout(Duration::from_secs(1))
        .stalled_stream_protection(StalledStreamProtection::disabled());
    let started = Instant::now();
    let r = s3(&server, config).put_object(put(8 << 20)).await;
    match &r {
        Err(SdkError::Dispatch(e)) => assert_eq!(e.timeout(), Some(TimeoutKind::Read), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_consumer_of_a_download_is_not_a_stalled_stream() {
    let server = FaultServer::start(vec![Fault::Generated {
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        prefix: Vec::new(),
        unit: vec![1u8; 64 * 1024],
        count: 32,
        suffix: Vec::new(),
        chunked: false,
    }])
    .await;
    let config = ClientConfig::default().stalled_stream_protection(
        StalledStreamProtection::default().grace_period(Duration::from_millis(500)),
    );
    let out = s3(&server, config)
        .get_object(
            myaws_s3::types::GetObjectRequest::default()
                .bucket("b")
                .key("k"),
        )
        .await
        .unwrap();
    let mut body = out.body.unwrap();
    let mut total = 0;
    let mut pauses = 0;
    while let Some(chunk) = body.next().await {
        total += chunk.unwrap().len();
        if pauses < 3 {
            // The consumer is busy for longer than the grace period.
            tokio::time::sleep(Duration::from_millis(800)).await;
            pauses += 1;
        }
    }
    assert_eq!(total, 32 * 64 * 1024);
}

// ------------------------------------------------------------ configuration

#[tokio::test]
async fn endpoint_urls_with_user_info_are_refused_before_sending() {
    let server = FaultServer::start(vec![Fault::ok(JSON_CT, "{}")]).await;
    let url = format!("http://user:s3cret@{}", server.addr());
    let err = session()
        .client_from_model(
            model_dir("dynamodb"),
            ClientConfig::default().endpoint_url(url),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("user information") && !err.contains("s3cret"),
        "{err}"
    );
    assert_eq!(server.connections(), 0);
}

// ------------------------------------------------------ a plugged-in client

/// Answers from memory, recording the requests: another HTTP stack under
/// every client of a session.
#[derive(Debug, Default)]
struct Canned {
    seen: std::sync::Mutex<Vec<String>>,
    /// Send a body that never ends instead.
    hang: bool,
}

impl myaws_core::http::HttpTransport for Canned {
    fn send(
        &self,
        request: http::Request<myaws_core::http::RequestBody>,
    ) -> myaws_core::client::BoxFuture<
        '_,
        Result<http::Response<myaws_core::http::ResponseBody>, myaws_core::DispatchError>,
    > {
        use http_body_util::BodyExt;
        self.seen
            .lock()
            .unwrap()
            .push(format!("{} {}", request.method(), request.uri()));
        let hang = self.hang;
        Box::pin(async move {
            let body = if hang {
                let pending = futures_util::stream::pending::<
                    Result<http_body::Frame<bytes::Bytes>, myaws_core::body::BoxError>,
                >();
                http_body_util::StreamBody::new(pending).boxed_unsync()
            } else {
                http_body_util::Full::new(bytes::Bytes::from_static(br#"{"TableNames":["x"]}"#))
                    .map_err(|e| match e {})
                    .boxed_unsync()
            };
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", JSON_CT)
                .body(body)
                .unwrap())
        })
    }
}

#[tokio::test]
async fn a_plugged_in_transport_sends_every_request_under_myaws_timeouts() {
    let canned = std::sync::Arc::new(Canned::default());
    let shared = myaws_core::http::SharedTransport(canned.clone());
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .http_transport(shared)
        .build()
        .unwrap();
    let client = session
        .client_from_model(model_dir("dynamodb"), ClientConfig::default())
        .unwrap();
    let mut out = client.call_json("ListTables", json!({})).await.unwrap();
    out.as_object_mut().unwrap().remove("ResponseMetadata");
    assert_eq!(out, json!({"TableNames": ["x"]}));
    assert_eq!(
        canned.seen.lock().unwrap().as_slice(),
        ["POST https://dynamodb.us-east-1.amazonaws.com/"]
    );

    // The read timeout applies to a plugged-in transport's bodies too.
    let hanging = myaws_core::http::SharedTransport::new(Canned {
        hang: true,
        ..Canned::default()
    });
    let config = ClientConfig::default()
        .http_transport(hanging)
        .max_attempts(1)
        .read_timeout(Duration::from_millis(200));
    let r = session
        .client_from_model(model_dir("dynamodb"), config)
        .unwrap()
        .call_json("ListTables", json!({}))
        .await;
    assert_eq!(dispatch(&r).timeout(), Some(TimeoutKind::Read), "{r:?}");
}
