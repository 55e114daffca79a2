//! S3 behaviours against a scripted local server: region redirects (and the
//! per-bucket region cache), 200 responses carrying errors (retried), and
//! retries of bodies that can or cannot be sent again.

mod s3_common;

use myaws_s3::types::{CopyObjectRequest, GetObjectRequest, PutObjectRequest};
use myaws_s3::ByteStream;
use s3_common::scripted_client;
use s3_common::server::{self, Reply};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn scope_region(seen: &server::Seen) -> String {
    let auth = seen.header("authorization").unwrap_or_default();
    // Credential=AKID/20260101/<region>/s3/aws4_request
    auth.split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').nth(2))
        .unwrap_or_default()
        .to_string()
}

const REDIRECT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Bucket>far</Bucket><Endpoint>far.s3.eu-west-2.amazonaws.com</Endpoint></Error>";

#[tokio::test]
async fn wrong_region_redirects_once_and_is_remembered() {
    let srv = server::start(|seen, _| {
        if scope_region(seen) == "eu-west-2" {
            Reply::xml(200, "object data").header("content-type", "text/plain")
        } else {
            Reply::xml(301, REDIRECT).header("x-amz-bucket-region", "eu-west-2")
        }
    })
    .await;
    let s3 = scripted_client(&srv.endpoint, 1);
    let out = s3
        .get_object(GetObjectRequest::default().bucket("far").key("k"))
        .await
        .expect("redirected get_object");
    assert_eq!(
        &out.body.unwrap().collect().await.unwrap()[..],
        b"object data"
    );
    {
        let seen = srv.seen.lock().unwrap();
        let regions: Vec<String> = seen.iter().map(scope_region).collect();
        assert_eq!(regions, ["us-east-1", "eu-west-2"]);
    }
    // The bucket's region is cached: the next call goes there first.
    s3.get_object(GetObjectRequest::default().bucket("far").key("k2"))
        .await
        .expect("second get_object");
    let seen = srv.seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert_eq!(scope_region(&seen[2]), "eu-west-2");
}

#[tokio::test]
async fn a_bucket_that_moved_corrects_its_cached_region() {
    // The bucket is in eu-west-2 for the first call, then in ap-south-1.
    let moved = Arc::new(AtomicBool::new(false));
    let now_in = moved.clone();
    let srv = server::start(move |seen, _| {
        let home = if now_in.load(Ordering::SeqCst) {
            "ap-south-1"
        } else {
            "eu-west-2"
        };
        if scope_region(seen) == home {
            Reply::xml(200, "object data").header("content-type", "text/plain")
        } else {
            Reply::xml(301, REDIRECT).header("x-amz-bucket-region", home)
        }
    })
    .await;
    let s3 = scripted_client(&srv.endpoint, 1);
    let get = || s3.get_object(GetObjectRequest::default().bucket("mover").key("k"));
    get().await.expect("first call, redirected to eu-west-2");
    moved.store(true, Ordering::SeqCst);
    get().await.expect("the stale cached region is corrected");
    get().await.expect("the corrected region is used");
    let seen = srv.seen.lock().unwrap();
    let regions: Vec<String> = seen.iter().map(scope_region).collect();
    assert_eq!(
        regions,
        [
            "us-east-1",
            "eu-west-2",
            "eu-west-2",
            "ap-south-1",
            "ap-south-1"
        ]
    );
}

#[tokio::test]
async fn a_redirect_to_an_invalid_region_is_not_followed() {
    for hostile in ["evil.example.com/x", "us east 1", "-bad-", ""] {
        let srv = server::start(move |_, _| {
            Reply::xml(301, REDIRECT).header("x-amz-bucket-region", hostile)
        })
        .await;
        let s3 = scripted_client(&srv.endpoint, 1);
        let err = s3
            .get_object(GetObjectRequest::default().bucket("far").key("k"))
            .await
            .expect_err("nowhere valid to go");
        assert_eq!(
            err.into_service_error().expect("service error").code(),
            "PermanentRedirect"
        );
        assert_eq!(
            srv.seen.lock().unwrap().len(),
            1,
            "{hostile:?} was followed"
        );
    }
}

#[tokio::test]
async fn authorization_header_malformed_names_the_region_in_the_body() {
    let body = "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is wrong; expecting 'ap-southeast-2'</Message><Region>ap-southeast-2</Region></Error>";
    let srv = server::start(move |seen, _| {
        if scope_region(seen) == "ap-southeast-2" {
            Reply::xml(200, "").header("etag", "\"abc\"")
        } else {
            Reply::xml(400, body)
        }
    })
    .await;
    let s3 = scripted_client(&srv.endpoint, 1);
    let out = s3
        .put_object(
            PutObjectRequest::default()
                .bucket("aussie")
                .key("k")
                .body(ByteStream::from("x")),
        )
        .await
        .expect("redirected put_object");
    assert_eq!(out.e_tag.as_deref(), Some("\"abc\""));
    let seen = srv.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    // The body was sent again, whole.
    assert_eq!(seen[1].body_len, 1);
}

#[tokio::test]
async fn a_redirect_without_a_region_is_an_error() {
    let srv = server::start(|_, _| Reply::xml(301, REDIRECT)).await;
    let s3 = scripted_client(&srv.endpoint, 1);
    let err = s3
        .get_object(GetObjectRequest::default().bucket("far").key("k"))
        .await
        .expect_err("no region to go to");
    assert_eq!(
        err.into_service_error().expect("service error").code(),
        "PermanentRedirect"
    );
}

const COPY_OK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>\"etag\"</ETag></CopyObjectResult>";
const COPY_FAILED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>r</RequestId></Error>";

#[tokio::test]
async fn a_200_carrying_an_error_is_retried() {
    let srv = server::start(|_, i| {
        if i == 0 {
            Reply::xml(200, COPY_FAILED)
        } else {
            Reply::xml(200, COPY_OK)
        }
    })
    .await;
    let s3 = scripted_client(&srv.endpoint, 3);
    let out = s3
        .copy_object(
            CopyObjectRequest::default()
                .bucket("b")
                .key("dst")
                .copy_source("b/src"),
        )
        .await
        .expect("copy_object after a retry");
    assert_eq!(
        out.copy_object_result.and_then(|r| r.e_tag).as_deref(),
        Some("\"etag\"")
    );
    assert_eq!(srv.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_200_that_keeps_failing_is_an_error_and_truncated_xml_too() {
    let srv = server::start(|_, _| Reply::xml(200, COPY_FAILED)).await;
    let s3 = scripted_client(&srv.endpoint, 2);
    let err = s3
        .copy_object(
            CopyObjectRequest::default()
                .bucket("b")
                .key("dst")
                .copy_source("b/src"),
        )
        .await
        .expect_err("always failing");
    let e = err.into_service_error().expect("service error");
    assert_eq!(e.code(), "InternalError");
    assert_eq!(srv.seen.lock().unwrap().len(), 2);

    let cut = server::start(|_, _| Reply::xml(200, "<CopyObjectResult><ETag>\"x\"")).await;
    let s3 = scripted_client(&cut.endpoint, 2);
    s3.copy_object(
        CopyObjectRequest::default()
            .bucket("b")
            .key("dst")
            .copy_source("b/src"),
    )
    .await
    .expect_err("a truncated body is not a success");
    assert_eq!(cut.seen.lock().unwrap().len(), 2);
}

const BUSY: &str = "<Error><Code>InternalError</Code><Message>busy</Message></Error>";

#[tokio::test]
async fn file_bodies_are_resent_whole_on_retry() {
    let srv = server::start(|_, i| {
        if i < 2 {
            Reply::xml(500, BUSY)
        } else {
            Reply::xml(200, "").header("etag", "\"e\"")
        }
    })
    .await;
    let path = std::env::temp_dir().join(format!("myaws-quirks-{}", std::process::id()));
    std::fs::write(&path, vec![5u8; 200_000]).unwrap();
    let s3 = scripted_client(&srv.endpoint, 3);
    s3.put_object(
        PutObjectRequest::default()
            .bucket("b")
            .key("k")
            .body(ByteStream::from_path(&path).unwrap()),
    )
    .await
    .expect("third attempt succeeds");
    std::fs::remove_file(&path).unwrap();
    let seen = srv.seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    let declared: Vec<u64> = seen
        .iter()
        .map(|s| s.header("content-length").unwrap().parse().unwrap())
        .collect();
    for (s, n) in seen.iter().zip(&declared) {
        assert_eq!(s.body_len, *n, "every attempt sends the whole encoded body");
        assert_eq!(s.header("x-amz-decoded-content-length"), Some("200000"));
        assert!(String::from_utf8_lossy(&s.body_tail).contains("x-amz-checksum-crc32:"));
    }
    // Each attempt is signed afresh, so chunk signatures differ only if the
    // time did; the framing is identical.
    assert_eq!(declared[0], declared[2]);
}

#[tokio::test]
async fn a_one_shot_stream_is_not_resent_and_says_why() {
    let srv = server::start(|_, _| Reply::xml(500, BUSY)).await;
    let s3 = scripted_client(&srv.endpoint, 3);
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
        vec![Ok(bytes::Bytes::from_static(b"only once"))];
    let err = s3
        .put_object(PutObjectRequest::default().bucket("b").key("k").body(
            ByteStream::from_stream_with_length(futures_util::stream::iter(chunks), 9),
        ))
        .await
        .expect_err("cannot retry");
    let text = err.to_string();
    assert!(text.contains("cannot be sent again"), "{text}");
    assert!(
        text.contains("InternalError") || text.contains("busy"),
        "{text}"
    );
    assert_eq!(
        srv.seen.lock().unwrap().len(),
        1,
        "only one attempt went out"
    );
}
