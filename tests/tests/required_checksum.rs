//! Operations that only carry the legacy `httpChecksumRequired` trait (S3
//! Control's PutBucketTagging) get botocore 1.36+'s CRC32 checksum header,
//! no `Content-MD5`, checked on the signed request a `before-send` hook sees.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use myaws_core::events::{HookOutcome, HttpResponse};
use myaws_core::ClientConfig;
use serde_json::json;

#[tokio::test]
async fn required_checksums_are_crc32_of_the_body() {
    // Never contacted: the hook answers before anything is sent.
    let session = myaws_tests::offline_session();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/s3control");
    let client = session
        .client_from_model(&dir, ClientConfig::default())
        .unwrap();
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    client
        .events()
        .register("before-send.s3-control.PutBucketTagging", move |e| {
            let req = e.request.as_deref().unwrap();
            let header = |name: &str| {
                req.headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_string())
            };
            *s.lock().unwrap() = Some((
                header("x-amz-checksum-crc32"),
                header("content-md5"),
                req.body().clone(),
            ));
            Some(HookOutcome::Respond(HttpResponse {
                status: 200,
                ..Default::default()
            }))
        });
    client
        .call_json(
            "PutBucketTagging",
            json!({"AccountId": "123456789012", "Bucket": "bucket-one",
                   "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}),
        )
        .await
        .unwrap();
    let (crc32, md5, body) = seen
        .lock()
        .unwrap()
        .clone()
        .expect("the request reached before-send");
    assert!(!body.is_empty());
    let want =
        base64::engine::general_purpose::STANDARD.encode(crc32fast::hash(&body).to_be_bytes());
    assert_eq!(crc32.as_deref(), Some(want.as_str()));
    assert_eq!(md5, None);
}
