//! Acceptor matching on canned responses and the wait loop on scripted ones.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value as Json};

use crate::acceptor::{Acceptor, State};
use crate::model::{parse_acceptor, WaiterModel};
use crate::{wait_with, AttemptFuture, CallError, WaiterConfig, WaiterErrorKind, WaiterSpec};

fn acceptor(config: Json) -> Acceptor {
    parse_acceptor(&config).expect("valid acceptor")
}

fn ok(output: Json, status: u16) -> Json {
    let mut r = output;
    r["ResponseMetadata"] = json!({"HTTPStatusCode": status});
    r
}

fn err(code: &str, status: u16) -> Json {
    json!({"Error": {"Code": code, "Message": "boom"}, "ResponseMetadata": {"HTTPStatusCode": status}})
}

#[test]
fn path_matches_the_value_and_never_an_error() {
    let a = acceptor(
        json!({"state": "success", "matcher": "path", "argument": "Table.TableStatus", "expected": "ACTIVE"}),
    );
    assert_eq!(a.state, State::Success);
    assert!(a.matches(&ok(json!({"Table": {"TableStatus": "ACTIVE"}}), 200)));
    assert!(!a.matches(&ok(json!({"Table": {"TableStatus": "CREATING"}}), 200)));
    assert!(!a.matches(&ok(json!({}), 200)));
    // An error response never matches a path acceptor, even if it has the member.
    let mut e = err("X", 400);
    e["Table"] = json!({"TableStatus": "ACTIVE"});
    assert!(!a.matches(&e));

    // Booleans and numbers compare by value; expressions may compute them.
    let a = acceptor(json!({"state": "failure", "matcher": "path",
        "argument": "length(Items[?Status == 'FAILED']) > `0`", "expected": true}));
    assert!(a.matches(&ok(
        json!({"Items": [{"Status": "OK"}, {"Status": "FAILED"}]}),
        200
    )));
    assert!(!a.matches(&ok(json!({"Items": [{"Status": "OK"}]}), 200)));
    let a = acceptor(
        json!({"state": "success", "matcher": "path", "argument": "Count", "expected": 2}),
    );
    assert!(a.matches(&ok(json!({"Count": 2.0}), 200)));
    assert!(!a.matches(&ok(json!({"Count": "2"}), 200)));
}

#[test]
fn path_all_needs_every_element_of_a_non_empty_list() {
    let a = acceptor(json!({"state": "success", "matcher": "pathAll",
        "argument": "Reservations[].Instances[].State.Name", "expected": "running"}));
    let page = |states: &[&str]| {
        let instances: Vec<Json> = states
            .iter()
            .map(|s| json!({"State": {"Name": s}}))
            .collect();
        ok(json!({"Reservations": [{"Instances": instances}]}), 200)
    };
    assert!(a.matches(&page(&["running", "running"])));
    assert!(!a.matches(&page(&["running", "pending"])));
    assert!(!a.matches(&page(&[])), "an empty list never matches");
    assert!(
        !a.matches(&ok(json!({"Reservations": "running"}), 200)),
        "not a list"
    );
    assert!(!a.matches(&err("X", 400)));
}

#[test]
fn path_any_needs_one_element() {
    let a = acceptor(json!({"state": "failure", "matcher": "pathAny",
        "argument": "Items[].Status", "expected": "FAILED"}));
    assert_eq!(a.state, State::Failure);
    assert!(a.matches(&ok(
        json!({"Items": [{"Status": "OK"}, {"Status": "FAILED"}]}),
        200
    )));
    assert!(!a.matches(&ok(json!({"Items": [{"Status": "OK"}]}), 200)));
    assert!(!a.matches(&ok(json!({"Items": []}), 200)));
    assert!(!a.matches(&ok(json!({"Items": {"Status": "FAILED"}}), 200)));
    assert!(!a.matches(&err("X", 400)));
}

#[test]
fn status_matches_successes_and_errors() {
    let a = acceptor(json!({"state": "retry", "matcher": "status", "expected": 404}));
    assert_eq!(a.state, State::Retry);
    assert!(a.matches(&err("NotFound", 404)));
    assert!(!a.matches(&err("NotFound", 403)));
    let a = acceptor(json!({"state": "success", "matcher": "status", "expected": 200}));
    assert!(a.matches(&ok(json!({}), 200)));
    assert!(!a.matches(&json!({})), "no ResponseMetadata, no match");
}

#[test]
fn error_matches_codes_any_error_and_no_error() {
    let code = acceptor(
        json!({"state": "success", "matcher": "error", "expected": "ResourceNotFoundException"}),
    );
    assert!(code.matches(&err("ResourceNotFoundException", 400)));
    assert!(!code.matches(&err("ValidationException", 400)));
    assert!(!code.matches(&ok(json!({}), 200)));

    let any = acceptor(json!({"state": "failure", "matcher": "error", "expected": true}));
    assert!(any.matches(&err("Whatever", 500)));
    assert!(!any.matches(&ok(json!({}), 200)));
    assert!(!any.matches(&json!({"Error": "not an object"})));

    let none = acceptor(json!({"state": "success", "matcher": "error", "expected": false}));
    assert!(none.matches(&ok(json!({}), 200)));
    assert!(!none.matches(&err("Whatever", 500)));
}

#[test]
fn explanations_follow_botocore() {
    let a =
        acceptor(json!({"state": "success", "matcher": "path", "argument": "A", "expected": "x"}));
    assert_eq!(
        a.explanation(),
        "For expression \"A\" we matched expected path: \"x\""
    );
    let a = acceptor(json!({"state": "success", "matcher": "status", "expected": 404}));
    assert_eq!(a.explanation(), "Matched expected HTTP status code: 404");
    let a = acceptor(json!({"state": "success", "matcher": "error", "expected": "E"}));
    assert_eq!(a.explanation(), "Matched expected service error code: E");
}

#[test]
fn bad_acceptors_and_documents_are_rejected() {
    for bad in [
        json!({"state": "success", "matcher": "magic", "expected": 1}),
        json!({"state": "maybe", "matcher": "status", "expected": 200}),
        json!({"state": "success", "matcher": "path", "expected": 1}),
        json!({"state": "success", "matcher": "path", "argument": "A[", "expected": 1}),
        json!({"state": "success", "matcher": "status"}),
    ] {
        assert!(parse_acceptor(&bad).is_err(), "{bad}");
    }
    assert!(WaiterModel::parse(r#"{"version": 1, "waiters": {}}"#)
        .unwrap_err()
        .contains("Unsupported waiter version"));
    assert!(WaiterModel::parse("not json").is_err());
    let m = WaiterModel::parse(
        r#"{"version": 2, "waiters": {"X": {"operation": "Op", "acceptors": []}}}"#,
    )
    .unwrap();
    assert!(m.get("X").unwrap().unwrap_err().contains("delay"));
}

#[test]
fn model_names_are_snake_case_and_sorted() {
    let m = WaiterModel::parse(
        r#"{"version": 2, "waiters": {
            "TableNotExists": {"operation": "DescribeTable", "delay": 20, "maxAttempts": 25, "acceptors": []},
            "TableExists": {"operation": "DescribeTable", "delay": 20, "maxAttempts": 25, "acceptors": []},
            "BucketExists": {"operation": "HeadBucket", "delay": 5, "maxAttempts": 20, "acceptors": []}}}"#,
    )
    .unwrap();
    assert_eq!(
        m.names(),
        vec!["bucket_exists", "table_exists", "table_not_exists"]
    );
    assert_eq!(m.model_name("table_not_exists"), Some("TableNotExists"));
    assert_eq!(m.model_name("TableExists"), Some("TableExists"));
    assert_eq!(m.model_name("table"), None);
    let spec = m.get("BucketExists").unwrap().unwrap();
    assert_eq!(spec.delay, Duration::from_secs(5));
    assert_eq!(spec.max_attempts, 20);
}

#[test]
fn every_bundled_waiter_compiles() {
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let mut checked = 0;
    for entry in std::fs::read_dir(&models).expect("models dir").flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path().join("waiters-2.json")) else {
            continue;
        };
        let model = WaiterModel::parse(&text).expect("document");
        for name in model.names() {
            let model_name = model.model_name(&name).expect("name");
            let spec = model.get(model_name).expect("waiter").expect("compiles");
            assert!(!spec.acceptors.is_empty(), "{name}");
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} waiters");
}

/// `TableExists` of DynamoDB.
fn table_exists() -> WaiterSpec {
    WaiterModel::parse(
        r#"{"version": 2, "waiters": {"TableExists": {"delay": 20, "operation": "DescribeTable", "maxAttempts": 25,
            "acceptors": [
                {"expected": "ACTIVE", "matcher": "path", "state": "success", "argument": "Table.TableStatus"},
                {"expected": "ResourceNotFoundException", "matcher": "error", "state": "retry"},
                {"expected": "DELETING", "matcher": "path", "state": "failure", "argument": "Table.TableStatus"}
            ]}}}"#,
    )
    .unwrap()
    .get("TableExists")
    .unwrap()
    .unwrap()
}

/// Answers from a script; counts calls.
fn scripted(
    responses: Vec<Result<Json, String>>,
) -> (impl FnMut() -> AttemptFuture + Send, Arc<Mutex<u32>>) {
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    let mut queue: VecDeque<_> = responses.into();
    let attempt = move || -> AttemptFuture {
        *counter.lock().unwrap() += 1;
        let next = queue
            .pop_front()
            .unwrap_or_else(|| Err("script exhausted".into()));
        Box::pin(async move { next.map_err(|e| -> CallError { e.into() }) })
    };
    (attempt, calls)
}

fn fast(max_attempts: u32) -> Option<WaiterConfig> {
    Some(
        WaiterConfig::default()
            .delay(Duration::from_millis(1))
            .max_attempts(max_attempts),
    )
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn retries_until_success() {
    run(async {
        let (mut attempt, calls) = scripted(vec![
            Ok(err("ResourceNotFoundException", 400)),
            Ok(ok(json!({"Table": {"TableStatus": "CREATING"}}), 200)),
            Ok(ok(json!({"Table": {"TableStatus": "ACTIVE"}}), 200)),
        ]);
        wait_with(&table_exists(), fast(10), &mut attempt)
            .await
            .expect("success");
        assert_eq!(*calls.lock().unwrap(), 3);
    });
}

#[test]
fn failure_state_stops_with_the_response() {
    run(async {
        let (mut attempt, calls) = scripted(vec![
            Ok(ok(json!({"Table": {"TableStatus": "CREATING"}}), 200)),
            Ok(ok(json!({"Table": {"TableStatus": "DELETING"}}), 200)),
        ]);
        let e = wait_with(&table_exists(), fast(10), &mut attempt)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::FailureState);
        assert_eq!(e.attempts(), 2);
        assert_eq!(
            e.last_response().unwrap()["Table"]["TableStatus"],
            "DELETING"
        );
        assert!(
            e.to_string().starts_with(
                "Waiter TableExists failed: Waiter encountered a terminal failure state"
            ),
            "{e}"
        );
        assert_eq!(*calls.lock().unwrap(), 2);
    });
}

#[test]
fn max_attempts_exceeded_names_the_last_accepted_state() {
    run(async {
        let (mut attempt, calls) = scripted(vec![Ok(err("ResourceNotFoundException", 400)); 5]);
        let e = wait_with(&table_exists(), fast(3), &mut attempt)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::MaxAttemptsExceeded);
        assert_eq!(e.attempts(), 3);
        assert_eq!(*calls.lock().unwrap(), 3);
        assert!(e.reason().contains("Previously accepted state: Matched expected service error code: ResourceNotFoundException"), "{e}");
        assert_eq!(e.error_code(), Some("ResourceNotFoundException"));

        // Nothing matched at all.
        let (mut attempt, _) = scripted(vec![
            Ok(ok(
                json!({"Table": {"TableStatus": "CREATING"}}),
                200
            ));
            2
        ]);
        let e = wait_with(&table_exists(), fast(2), &mut attempt)
            .await
            .unwrap_err();
        assert_eq!(e.reason(), "Max attempts exceeded");
    });
}

#[test]
fn unexpected_errors_stop_at_once() {
    run(async {
        let (mut attempt, calls) = scripted(vec![
            Ok(err("ResourceNotFoundException", 400)),
            Ok(err("AccessDeniedException", 403)),
            Ok(ok(json!({"Table": {"TableStatus": "ACTIVE"}}), 200)),
        ]);
        let e = wait_with(&table_exists(), fast(10), &mut attempt)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::UnexpectedError);
        assert_eq!(
            e.reason(),
            "An error occurred (AccessDeniedException): boom"
        );
        assert_eq!(e.error_code(), Some("AccessDeniedException"));
        assert_eq!(*calls.lock().unwrap(), 2);

        // A call that got no answer carries its error.
        let (mut attempt, _) = scripted(vec![Err("connection refused".into())]);
        let e = wait_with(&table_exists(), fast(10), &mut attempt)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), WaiterErrorKind::CallFailed);
        assert!(e.last_response().is_none());
        let source = std::error::Error::source(&e).expect("source").to_string();
        assert_eq!(source, "connection refused");
    });
}

#[test]
fn the_model_delay_applies_without_override() {
    run(async {
        let mut spec = table_exists();
        spec.delay = Duration::from_millis(30);
        let (mut attempt, _) = scripted(vec![
            Ok(err("ResourceNotFoundException", 400)),
            Ok(err("ResourceNotFoundException", 400)),
            Ok(ok(json!({"Table": {"TableStatus": "ACTIVE"}}), 200)),
        ]);
        let start = std::time::Instant::now();
        wait_with(&spec, None, &mut attempt).await.expect("success");
        assert!(
            start.elapsed() >= Duration::from_millis(60),
            "{:?}",
            start.elapsed()
        );
    });
}
