//! Auth schemes beyond plain SigV4, end to end: unsigned requests to a
//! public bucket (moto), and S3 Express One Zone sessions (a loopback
//! directory-bucket server that checks every signature independently).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use myaws_core::auth::SignatureVersion;
use myaws_core::credentials::CredentialsError;
use myaws_core::{ClientConfig, Credentials, SdkError, Session};
use myaws_s3::types::{CreateBucketRequest, GetObjectRequest, PutObjectRequest};
use myaws_tests::sigv4_check;
use myaws_tests::test_server::{Recorded, Reply, TestServer};
use myaws_tests::{moto, unique, Home};

#[tokio::test]
async fn unsigned_requests_read_a_public_bucket_without_any_credentials() {
    // Set up the bucket with credentials.
    let owner = myaws_s3::Client::with_config(
        &myaws_tests::session(),
        ClientConfig::default().s3_addressing_style("path"),
    )
    .unwrap();
    let bucket = unique("public");
    owner
        .create_bucket(CreateBucketRequest::default().bucket(&bucket))
        .await
        .unwrap();
    owner
        .put_object(
            PutObjectRequest::default()
                .bucket(&bucket)
                .key("hello.txt")
                .acl("public-read")
                .body(myaws_s3::ByteStream::from_bytes(&b"public data"[..])),
        )
        .await
        .unwrap();

    // A user with no credentials anywhere, through a recording proxy.
    let upstream = moto().endpoint.trim_start_matches("http://").to_owned();
    let proxy = TestServer::start(move |_| Reply::Forward(upstream.clone())).await;
    let home = Home::new();
    let session = Session::builder()
        .env(home.env(&[("AWS_REGION", "us-east-1")]))
        .endpoint_url(proxy.url())
        .build()
        .unwrap();
    let config = ClientConfig::default().s3_addressing_style("path");
    let unsigned = myaws_s3::Client::with_config(
        &session,
        config.clone().signature_version(SignatureVersion::Unsigned),
    )
    .unwrap();
    let object = unsigned
        .get_object(GetObjectRequest::default().bucket(&bucket).key("hello.txt"))
        .await
        .expect("unsigned GetObject");
    let body = object.body.unwrap().collect().await.unwrap();
    assert_eq!(&body[..], b"public data");
    let sent = proxy.requests().pop().unwrap();
    for header in ["authorization", "x-amz-security-token", "x-amz-date"] {
        assert_eq!(sent.header(header), None, "{header} sent unsigned");
    }

    // The same user signing: a typed credentials error, nothing sent.
    let signed = myaws_s3::Client::with_config(&session, config).unwrap();
    let before = proxy.requests().len();
    let err = signed
        .get_object(GetObjectRequest::default().bucket(&bucket).key("hello.txt"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SdkError::Credentials(CredentialsError::NotFound { .. })
        ),
        "{err:?}"
    );
    assert_eq!(proxy.requests().len(), before);
}

const BUCKET: &str = "data--usw2-az1--x-s3";
const BASE_KEY: &str = "AKIDBASE";
const BASE_SECRET: &str = "base-secret";
const SESSION_KEY: &str = "ASIASESSION";
const SESSION_SECRET: &str = "session-secret";
const SESSION_TOKEN: &str = "session-token-1";

/// A directory-bucket server: `CreateSession` must be signed with the base
/// credentials, everything else with the session's, and every signature is
/// checked; a bad request gets a 403 naming what was wrong.
fn express_server(sessions: Arc<AtomicUsize>) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |request| {
        let is_session = request.target.ends_with("?session");
        let secret = if is_session {
            BASE_SECRET
        } else {
            SESSION_SECRET
        };
        let auth = match sigv4_check::verify(request, secret, true) {
            Ok(auth) => auth,
            Err(e) => return Reply::status(403, e),
        };
        if !auth.scope.ends_with("/us-west-2/s3express/aws4_request") {
            return Reply::status(403, format!("wrong scope {}", auth.scope));
        }
        if is_session {
            sessions.fetch_add(1, Ordering::SeqCst);
            if auth.access_key_id != BASE_KEY {
                return Reply::status(403, "CreateSession not signed with the base key");
            }
            return Reply::Http {
                status: 200,
                headers: vec![("content-type".into(), "application/xml".into())],
                body: format!(
                    "<CreateSessionResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                     <Credentials><SessionToken>{SESSION_TOKEN}</SessionToken>\
                     <SecretAccessKey>{SESSION_SECRET}</SecretAccessKey>\
                     <AccessKeyId>{SESSION_KEY}</AccessKeyId>\
                     <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></CreateSessionResult>"
                )
                .into_bytes(),
            };
        }
        if auth.access_key_id != SESSION_KEY {
            return Reply::status(403, "not signed with the session key");
        }
        if request.header("x-amz-s3session-token") != Some(SESSION_TOKEN)
            || !auth
                .signed_headers
                .iter()
                .any(|h| h == "x-amz-s3session-token")
        {
            return Reply::status(403, "no signed x-amz-s3session-token");
        }
        if request.header("x-amz-security-token").is_some() {
            return Reply::status(403, "x-amz-security-token sent to S3 Express");
        }
        Reply::status(200, "express object")
    }
}

#[tokio::test]
async fn s3_express_requests_use_cached_session_credentials() {
    let sessions = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(express_server(sessions.clone())).await;
    let home = Home::new();
    let session = Session::builder()
        .env(home.env(&[("AWS_REGION", "us-west-2")]))
        .credentials(Credentials::new(
            BASE_KEY,
            BASE_SECRET,
            Some("base-token".into()),
            None,
        ))
        .build()
        .unwrap();
    let s3 =
        myaws_s3::Client::with_config(&session, ClientConfig::default().endpoint_url(server.url()))
            .unwrap();
    for _ in 0..3 {
        let object = s3
            .get_object(GetObjectRequest::default().bucket(BUCKET).key("k"))
            .await
            .unwrap_or_else(|e| panic!("GetObject on a directory bucket: {e}"));
        let body = object.body.unwrap().collect().await.unwrap();
        assert_eq!(&body[..], b"express object");
    }
    // One CreateSession for three requests.
    assert_eq!(sessions.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0].target, format!("/{BUCKET}?session"));
    assert_eq!(requests[1].target, format!("/{BUCKET}/k"));

    // Turned off: the client's own credentials sign the request directly.
    let plain = myaws_s3::Client::with_config(
        &session,
        ClientConfig::default()
            .endpoint_url(server.url())
            .disable_s3_express_session_auth(true),
    )
    .unwrap();
    let err = plain
        .get_object(GetObjectRequest::default().bucket(BUCKET).key("k"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
    let last = server.requests().pop().unwrap();
    assert_eq!(
        sigv4_check::authorization(&last).unwrap().access_key_id,
        BASE_KEY
    );
    assert_eq!(sessions.load(Ordering::SeqCst), 1);
}
