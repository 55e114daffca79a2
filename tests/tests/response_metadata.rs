//! boto3's `ResponseMetadata` on every output, typed and dynamic, against
//! moto over HTTP. (The request ids botocore finds in each protocol are
//! compared case by case by `cargo xtask botocore-diff`; retries are counted
//! in `faults.rs`.)

use myaws_s3::types::{CreateBucketRequest, PutObjectRequest};
use myaws_sqs::types::{CreateQueueRequest, DeleteQueueRequest};
use myaws_tests::unique;
use serde_json::json;

#[tokio::test]
async fn typed_outputs_carry_the_response_metadata() {
    let sqs = myaws_sqs::Client::new(&myaws_tests::session()).expect("client");
    let created = sqs
        .create_queue(CreateQueueRequest::default().queue_name(unique("meta")))
        .await
        .expect("create_queue");
    let metadata = created
        .response_metadata
        .expect("metadata on a typed output");
    assert_eq!(metadata.http_status_code, 200);
    assert_eq!(metadata.retry_attempts, 0);
    assert!(
        metadata.http_headers.contains_key("content-type"),
        "{:?}",
        metadata.http_headers
    );
    // An operation the model gives no output still returns its metadata.
    let deleted: myaws_sqs::types::DeleteQueueOutput = sqs
        .delete_queue(DeleteQueueRequest::default().queue_url(created.queue_url.unwrap()))
        .await
        .expect("delete_queue");
    assert_eq!(
        deleted.response_metadata.map(|m| m.http_status_code),
        Some(200)
    );
}

#[tokio::test]
async fn s3_outputs_carry_the_request_and_host_ids() {
    let s3 = myaws_s3::Client::new(&myaws_tests::session()).expect("client");
    let bucket = unique("meta");
    s3.create_bucket(CreateBucketRequest::default().bucket(&bucket))
        .await
        .expect("create_bucket");
    let put = s3
        .put_object(
            PutObjectRequest::default()
                .bucket(&bucket)
                .key("k")
                .body(myaws_s3::ByteStream::from("x")),
        )
        .await
        .expect("put_object");
    let metadata = put.response_metadata.expect("metadata");
    let header = |name: &str| {
        metadata
            .http_headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    // botocore's rule: `x-amzn-RequestId` if sent (no host id), else S3's
    // `x-amz-request-id` with `x-amz-id-2` as the host id.
    assert!(metadata.request_id.is_some(), "{metadata:?}");
    match header("x-amzn-requestid") {
        Some(id) => assert_eq!((metadata.request_id, metadata.host_id), (Some(id), None)),
        None => {
            assert_eq!(metadata.request_id, header("x-amz-request-id"));
            assert_eq!(
                metadata.host_id,
                Some(header("x-amz-id-2").unwrap_or_default())
            );
        }
    }
    assert_eq!(header("etag").as_deref(), put.e_tag.as_deref());
}

#[tokio::test]
async fn dynamic_outputs_have_boto3s_response_metadata_key() {
    let sqs = myaws_sqs::Client::new(&myaws_tests::session()).expect("client");
    let out = sqs
        .call("CreateQueue", json!({"QueueName": unique("meta-dyn")}))
        .await
        .expect("CreateQueue");
    let metadata = &out["ResponseMetadata"];
    assert_eq!(metadata["HTTPStatusCode"], 200, "{out}");
    assert_eq!(metadata["RetryAttempts"], 0, "{out}");
    let headers = metadata["HTTPHeaders"].as_object().expect("headers");
    assert!(!headers.is_empty());
    assert!(
        headers.keys().all(|k| *k == k.to_lowercase()),
        "{headers:?}"
    );
    let url = out["QueueUrl"].as_str().expect("QueueUrl").to_string();
    // No-output operations return only the metadata, as boto3 does.
    let deleted = sqs
        .call("DeleteQueue", json!({"QueueUrl": url}))
        .await
        .expect("DeleteQueue");
    let keys: Vec<&String> = deleted.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ResponseMetadata"], "{deleted}");
}
