//! Waiters against moto: DynamoDB (json protocol, path and error acceptors)
//! and IAM (query protocol, status acceptors).

mod dynamodb_common;

use std::time::{Duration, Instant};

use dynamodb_common::create_table_input;
use myaws_dynamodb::types::{DeleteTableInput, DescribeTableInput};
use myaws_dynamodb::waiters::{WaiterConfig, WaiterErrorKind};
use myaws_iam::types::{CreateUserRequest, GetUserRequest};
use myaws_tests::{session, unique};
use serde_json::json;

fn dynamodb() -> myaws_dynamodb::Client {
    myaws_dynamodb::Client::new(&session()).expect("client")
}

fn iam() -> myaws_iam::Client {
    myaws_iam::Client::new(&session()).expect("client")
}

fn fast(max_attempts: u32) -> Option<WaiterConfig> {
    Some(
        WaiterConfig::default()
            .delay(Duration::from_millis(50))
            .max_attempts(max_attempts),
    )
}

#[test]
fn waiter_names_are_listed_and_unknown_names_explained() {
    let ddb = dynamodb();
    let names = ddb.waiter_names();
    assert!(names.contains(&"table_exists") && names.contains(&"table_not_exists"));
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    // The handle-level list (from the embedded model) agrees.
    use myaws_waiters::WaiterExt;
    assert_eq!(
        ddb.handle().waiter_names(),
        names.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );

    let err = ddb.get_waiter("table_exist").unwrap_err();
    assert_eq!(err.name, "table_exist");
    let text = err.to_string();
    assert!(
        text.contains("table_exists") && text.contains("table_not_exists"),
        "{text}"
    );

    let waiter = ddb.get_waiter("table_exists").expect("waiter");
    assert_eq!(waiter.name(), "TableExists");
    assert_eq!(waiter.operation(), "DescribeTable");
    assert_eq!(waiter.delay(), Duration::from_secs(20));
    assert_eq!(waiter.max_attempts(), 25);

    // A service without waiters.
    let sqs = myaws_sqs::Client::new(&session()).expect("sqs client");
    assert!(sqs.waiter_names().is_empty());
    let err = sqs.get_waiter("queue_exists").unwrap_err();
    assert!(err.valid.is_empty());
}

#[tokio::test]
async fn table_exists_and_not_exists_typed() {
    let ddb = dynamodb();
    let name = unique("waited");
    ddb.create_table(create_table_input(&name))
        .await
        .expect("create_table");
    let describe = || DescribeTableInput::default().table_name(&name);
    let start = Instant::now();
    ddb.wait_until_table_exists(describe())
        .await
        .expect("table exists");
    // moto creates tables ACTIVE: the first attempt succeeds, no 20 s delay.
    assert!(start.elapsed() < Duration::from_secs(10));

    ddb.delete_table(DeleteTableInput::default().table_name(&name))
        .await
        .expect("delete_table");
    ddb.wait_until_table_not_exists(describe())
        .await
        .expect("table gone");
}

#[tokio::test]
async fn waiting_for_a_table_created_meanwhile() {
    let ddb = dynamodb();
    let name = unique("later");
    let creator = {
        let ddb = ddb.clone();
        let name = name.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            ddb.create_table(create_table_input(&name))
                .await
                .expect("create_table");
        })
    };
    // ResourceNotFoundException is a `retry` acceptor until the table exists.
    let waiter = ddb.get_waiter("table_exists").expect("waiter");
    waiter
        .wait(json!({"TableName": name}), fast(100))
        .await
        .expect("table appears");
    creator.await.expect("creator task");
}

#[tokio::test]
async fn max_attempts_and_wrong_parameters() {
    let ddb = dynamodb();
    let missing = unique("never");
    let waiter = ddb.get_waiter("table_exists").expect("waiter");
    let err = waiter
        .wait(json!({"TableName": missing}), fast(3))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WaiterErrorKind::MaxAttemptsExceeded);
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.error_code(), Some("ResourceNotFoundException"));
    let last = err.last_response().expect("last response");
    assert_eq!(last["ResponseMetadata"]["HTTPStatusCode"], 400);
    assert!(
        err.to_string().contains("Previously accepted state"),
        "{err}"
    );

    // The typed convenience with the config override through wait_typed.
    let name = unique("present");
    ddb.create_table(create_table_input(&name))
        .await
        .expect("create_table");
    let err = ddb
        .get_waiter("table_not_exists")
        .expect("waiter")
        .wait_typed(DescribeTableInput::default().table_name(&name), fast(2))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WaiterErrorKind::MaxAttemptsExceeded);
    assert_eq!(err.reason(), "Max attempts exceeded");
    assert_eq!(
        err.last_response().expect("response")["Table"]["TableName"],
        json!(name)
    );

    // Parameters that do not fit the operation fail before any call.
    let err = waiter
        .wait(json!({"TableNam": "x"}), fast(3))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WaiterErrorKind::CallFailed);
    let source = std::error::Error::source(&err).expect("source").to_string();
    assert!(source.contains("TableNam"), "{source}");
}

#[tokio::test]
async fn iam_user_exists_matches_status_and_error_code() {
    let iam = iam();
    let user = unique("waited-user");
    let config = fast(3);
    let waiter = iam.get_waiter("user_exists").expect("waiter");
    let err = waiter
        .wait(json!({"UserName": user}), config)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WaiterErrorKind::MaxAttemptsExceeded);
    assert_eq!(err.error_code(), Some("NoSuchEntity"));

    iam.create_user(CreateUserRequest::default().user_name(&user))
        .await
        .expect("create_user");
    iam.wait_until_user_exists(GetUserRequest::default().user_name(&user))
        .await
        .expect("user exists");
}
