//! Shared helpers of the S3 integration tests.
#![allow(dead_code)]

pub mod server;

pub use myaws_tests::{session, unique};

use myaws_s3::types::{CreateBucketRequest, PutObjectOutput, PutObjectRequest};
use myaws_s3::{ByteStream, Client, ClientConfig, Credentials, Session};

/// A path-style client against moto.
pub fn client() -> Client {
    client_with(ClientConfig::default())
}

/// A client against moto with extra configuration (path style unless set).
pub fn client_with(mut config: ClientConfig) -> Client {
    if config.s3_addressing_style.is_none() {
        config = config.s3_addressing_style("path");
    }
    Client::with_config(&session(), config).expect("client")
}

/// Creates a fresh bucket.
pub async fn bucket(s3: &Client, prefix: &str) -> String {
    let name = unique(prefix);
    s3.create_bucket(CreateBucketRequest::default().bucket(&name))
        .await
        .expect("create_bucket");
    name
}

/// Puts a small object.
pub async fn put(s3: &Client, bucket: &str, key: &str, body: &str) -> PutObjectOutput {
    s3.put_object(
        PutObjectRequest::default()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(body.to_string())),
    )
    .await
    .unwrap_or_else(|e| panic!("put_object {key:?}: {e}"))
}

/// A path-style client of a scripted server, `max_attempts` tries per call.
pub fn scripted_client(endpoint: &str, max_attempts: u32) -> Client {
    scripted_client_with(endpoint, ClientConfig::default().max_attempts(max_attempts))
}

/// A path-style client of a scripted server with extra configuration.
pub fn scripted_client_with(endpoint: &str, config: ClientConfig) -> Client {
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url(endpoint)
        .build()
        .expect("session");
    Client::with_config(&session, config.s3_addressing_style("path")).expect("client")
}
