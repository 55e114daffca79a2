use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Method;
use serde_json::json;

use super::*;
use crate::credentials::Credentials;
use crate::service::Service;
use crate::session::{ClientConfig, Session};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn client(service: &str, endpoint: &str, token: Option<&str>) -> ClientHandle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../models")
        .join(service);
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            SECRET,
            token.map(str::to_string),
            None,
        ))
        .endpoint_url(endpoint)
        .build()
        .unwrap();
    ClientHandle::from_service(
        &session,
        Service::from_dir(&dir).unwrap(),
        ClientConfig::default(),
    )
    .unwrap()
}

fn s3() -> ClientHandle {
    client("s3", "https://s3.amazonaws.com", None)
}

/// 2013-05-24T00:00:00Z, the time of the AWS documentation's example.
fn may_24_2013() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_369_353_600)
}

/// The decoded query parameters of a URL.
fn query(url: &str) -> HashMap<String, String> {
    let (_, q) = url.split_once('?').expect("a query string");
    q.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .unwrap()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

#[tokio::test]
async fn matches_the_aws_documentation_example() {
    // "Authenticating Requests: Using Query Parameters" in the S3 API
    // reference: GET examplebucket/test.txt, 24 hours, signed host only.
    let options =
        PresignOptions::expires_in(Duration::from_secs(86400)).signing_time(may_24_2013());
    let presigned = s3()
        .presign_json(
            "GetObject",
            json!({"Bucket": "examplebucket", "Key": "test.txt"}),
            &options,
        )
        .await
        .unwrap();
    assert_eq!(presigned.method, Method::GET);
    assert!(
        presigned
            .url
            .starts_with("https://examplebucket.s3.amazonaws.com/test.txt?"),
        "{}",
        presigned.url
    );
    let q = query(&presigned.url);
    assert_eq!(
        q["X-Amz-Signature"],
        "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
    assert_eq!(q["X-Amz-Date"], "20130524T000000Z");
    assert_eq!(q["X-Amz-SignedHeaders"], "host");
    assert!(presigned.headers.is_empty(), "{:?}", presigned.headers);
}

#[tokio::test]
async fn query_carries_every_auth_parameter_and_no_secret() {
    let c = client("s3", "https://s3.amazonaws.com", Some("the-session-token"));
    let presigned = c
        .presign(
            "get_object",
            json!({"Bucket": "examplebucket", "Key": "dir/a b.txt"}),
            Duration::from_secs(900),
        )
        .await
        .unwrap();
    let q = query(&presigned.url);
    assert_eq!(q["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
    let credential = &q["X-Amz-Credential"];
    assert!(
        credential.starts_with("AKIAIOSFODNN7EXAMPLE/")
            && credential.ends_with("/us-east-1/s3/aws4_request"),
        "{credential}"
    );
    assert_eq!(q["X-Amz-Date"].len(), "20130524T000000Z".len());
    assert_eq!(q["X-Amz-Expires"], "900");
    assert_eq!(q["X-Amz-SignedHeaders"], "host");
    assert_eq!(q["X-Amz-Security-Token"], "the-session-token");
    let signature = &q["X-Amz-Signature"];
    assert_eq!(signature.len(), 64);
    assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(
        presigned.url.contains("/dir/a%20b.txt?"),
        "{}",
        presigned.url
    );
    for secret_part in [SECRET, "wJalrXUtnFEMI", "bPxRfiCYEXAMPLEKEY"] {
        assert!(!presigned.url.contains(secret_part));
    }
    assert!(!format!("{presigned:?}").contains("bPxRfiCYEXAMPLEKEY"));
}

#[tokio::test]
async fn put_with_content_type_signs_the_header_and_returns_it() {
    let presigned = s3()
        .presign(
            "PutObject",
            json!({"Bucket": "examplebucket", "Key": "k", "ContentType": "text/plain",
                   "Body": "aWdub3JlZA=="}),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert_eq!(presigned.method, Method::PUT);
    assert_eq!(presigned.headers["content-type"], "text/plain");
    assert!(presigned.headers.get("content-length").is_none());
    let q = query(&presigned.url);
    assert_eq!(q["X-Amz-SignedHeaders"], "content-type;host");
}

#[tokio::test]
async fn signature_depends_on_expiry_method_and_time() {
    let c = s3();
    let params = json!({"Bucket": "examplebucket", "Key": "k"});
    let base = PresignOptions::expires_in(Duration::from_secs(60)).signing_time(may_24_2013());
    let sign = |o: PresignOptions| {
        let c = c.clone();
        let params = params.clone();
        async move {
            let url = c.presign_json("GetObject", params, &o).await.unwrap().url;
            query(&url)["X-Amz-Signature"].clone()
        }
    };
    let reference = sign(base.clone()).await;
    assert_eq!(reference, sign(base.clone()).await, "deterministic");
    let longer = PresignOptions {
        expires_in: Duration::from_secs(61),
        ..base.clone()
    };
    assert_ne!(reference, sign(longer).await);
    assert_ne!(
        reference,
        sign(base.clone().http_method(Method::HEAD)).await
    );
    let later = base.signing_time(may_24_2013() + Duration::from_secs(1));
    assert_ne!(reference, sign(later).await);
}

#[tokio::test]
async fn expiry_must_be_between_one_second_and_seven_days() {
    let c = s3();
    let params = json!({"Bucket": "examplebucket", "Key": "k"});
    for bad in [
        Duration::ZERO,
        Duration::from_millis(999),
        MAX_EXPIRES_IN + Duration::from_secs(1),
        Duration::from_secs(u64::MAX),
    ] {
        let err = c
            .presign("GetObject", params.clone(), bad)
            .await
            .unwrap_err();
        assert!(
            matches!(err, PresignError::InvalidExpiry(d) if d == bad),
            "{err:?}"
        );
        assert!(err.to_string().contains("7 days"), "{err}");
    }
    for (good, expect) in [
        (MAX_EXPIRES_IN, "604800"),
        (Duration::from_secs(1), "1"),
        (Duration::from_millis(1500), "1"),
    ] {
        let url = c
            .presign("GetObject", params.clone(), good)
            .await
            .unwrap()
            .url;
        assert_eq!(query(&url)["X-Amz-Expires"], expect);
    }
}

#[tokio::test]
async fn bad_operations_and_params_are_errors() {
    let c = s3();
    let err = c
        .presign("NoSuchThing", json!({}), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PresignError::UnknownOperation(n) if n == "NoSuchThing"),
        "{err:?}"
    );
    let err = c
        .presign("GetObject", json!({"Bucket": "b"}), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PresignError::InvalidParams { operation, problems }
            if operation == "GetObject" && problems.iter().any(|p| p.contains("Key"))),
        "{err:?}"
    );
    let err = c
        .presign("GetObject", json!({"Bucket": 5}), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(matches!(err, PresignError::InvalidParams { .. }), "{err:?}");
}

#[tokio::test]
async fn query_protocol_parameters_move_into_the_url() {
    let c = client("sts", "https://sts.amazonaws.com", None);
    let presigned = c
        .presign_json(
            "GetCallerIdentity",
            json!({}),
            &PresignOptions::expires_in(Duration::from_secs(60)).http_method(Method::GET),
        )
        .await
        .unwrap();
    assert_eq!(presigned.method, Method::GET);
    let q = query(&presigned.url);
    assert_eq!(q["Action"], "GetCallerIdentity");
    assert_eq!(q["Version"], "2011-06-15");
    assert!(q["X-Amz-Credential"].ends_with("/us-east-1/sts/aws4_request"));
    assert!(presigned.headers.get("content-type").is_none());
}

#[tokio::test]
async fn document_bodies_cannot_be_presigned() {
    let c = client("sqs", "https://sqs.us-east-1.amazonaws.com", None);
    let err = c
        .presign(
            "SendMessage",
            json!({"QueueUrl": "https://q", "MessageBody": "hi"}),
            Duration::from_secs(60),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, PresignError::BodyNotPresignable(n) if n == "SendMessage"),
        "{err:?}"
    );
}

#[tokio::test]
async fn before_sign_handlers_can_add_signed_headers() {
    let c = s3();
    c.events().register("before-sign.s3.GetObject", |event| {
        if let Some(request) = event.request.as_deref_mut() {
            request
                .headers_mut()
                .insert("x-amz-meta-origin", http::HeaderValue::from_static("hook"));
        }
        None
    });
    let presigned = c
        .presign(
            "GetObject",
            json!({"Bucket": "examplebucket", "Key": "k"}),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert_eq!(presigned.headers["x-amz-meta-origin"], "hook");
    assert_eq!(
        query(&presigned.url)["X-Amz-SignedHeaders"],
        "host;x-amz-meta-origin"
    );
}

#[tokio::test]
async fn path_style_keeps_the_bucket_once_in_the_path() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/s3");
    let session = Session::builder()
        .region("eu-west-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url("http://127.0.0.1:5000")
        .build()
        .unwrap();
    let c = ClientHandle::from_service(
        &session,
        Service::from_dir(&dir).unwrap(),
        ClientConfig::default().s3_addressing_style("path"),
    )
    .unwrap();
    let get = c
        .presign(
            "GetObject",
            json!({"Bucket": "my-bucket", "Key": "a/b.txt"}),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert!(
        get.url
            .starts_with("http://127.0.0.1:5000/my-bucket/a/b.txt?X-Amz-"),
        "{}",
        get.url
    );
    assert!(query(&get.url)["X-Amz-Credential"].ends_with("/eu-west-1/s3/aws4_request"));
    let list = c
        .presign(
            "ListObjectsV2",
            json!({"Bucket": "my-bucket", "Prefix": "a/"}),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    let q = query(&list.url);
    assert!(
        list.url.starts_with("http://127.0.0.1:5000/my-bucket?"),
        "{}",
        list.url
    );
    assert_eq!(q["list-type"], "2");
    assert_eq!(q["prefix"], "a/");
}

/// An RDS client in us-east-1 with `akid`/`skid` (and `token`) whose clock
/// reads 2016-11-07T17:39:33Z, the time of botocore's own test.
fn rds_at_botocore_test_time(token: Option<&str>) -> ClientHandle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/rds");
    let session = Session::builder()
        .env(crate::config::Env::from_pairs([(
            "AWS_EC2_METADATA_DISABLED",
            "true",
        )]))
        .shared_config(crate::config::SharedConfig::empty())
        .region("us-east-1")
        .credentials(Credentials::new(
            "akid",
            "skid",
            token.map(str::to_string),
            None,
        ))
        .build()
        .unwrap();
    let clock = crate::time::TimeSource::fixed(UNIX_EPOCH + Duration::from_secs(1_478_540_373));
    ClientHandle::from_service(
        &session,
        Service::from_dir(&dir).unwrap(),
        ClientConfig::default().time_source(clock),
    )
    .unwrap()
}

/// Expected tokens are botocore 1.43.67's for the same inputs (the first is
/// also botocore's unit test's).
#[test]
fn db_auth_tokens_are_botocore_s() {
    let run = |f| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    };
    let rds = rds_at_botocore_test_time(None);
    let host = "prod-instance.us-east-1.rds.amazonaws.com";
    assert_eq!(
        run(generate_db_auth_token(
            &rds,
            host,
            3306,
            "someusername",
            None
        ))
        .unwrap(),
        "prod-instance.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser=someusername\
         &X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=akid%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request\
         &X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61"
    );
    assert_eq!(
        run(generate_db_auth_token(
            &rds,
            host,
            5432,
            "user name+é",
            Some("eu-west-1")
        ))
        .unwrap(),
        "prod-instance.us-east-1.rds.amazonaws.com:5432/?Action=connect\
         &DBUser=user%20name%2B%C3%A9&X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=akid%2F20161107%2Feu-west-1%2Frds-db%2Faws4_request\
         &X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=835d59af7ea9835ed9bb7c38961029bd993a6255c5e25b81e517fd171f5c66d2"
    );
    let with_token = rds_at_botocore_test_time(Some("tok/en+="));
    assert_eq!(
        run(generate_db_auth_token(
            &with_token,
            "h.example.com",
            3306,
            "u",
            None
        ))
        .unwrap(),
        "h.example.com:3306/?Action=connect&DBUser=u&X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=akid%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request\
         &X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\
         &X-Amz-Security-Token=tok%2Fen%2B%3D\
         &X-Amz-Signature=41d58517e71667beb7b9122f81a0817603f4e3e3a474842ef4b1e70fddbfc841"
    );
    // Bad input is an error, not a token for another host.
    for (host, user) in [("", "u"), ("h/evil", "u"), ("https://h", "u"), ("h", "")] {
        let err = run(generate_db_auth_token(&rds, host, 3306, user, None)).unwrap_err();
        assert!(matches!(err, PresignError::InvalidParams { .. }), "{err}");
    }
    let err = run(generate_db_auth_token(
        &rds,
        host,
        3306,
        "u",
        Some("us east"),
    ))
    .unwrap_err();
    assert!(matches!(err, PresignError::Request(_)), "{err}");
}

/// Presigned POST forms equal botocore 1.43.67's (with `signature_version`
/// `s3v4`, at the same time) field for field; the URL is the bucket's
/// regional endpoint where botocore uses the global one.
#[test]
fn presigned_posts_are_botocore_s() {
    let s3_in = |region: &str, token: Option<&str>| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/s3");
        let session = Session::builder()
            .env(crate::config::Env::from_pairs([(
                "AWS_EC2_METADATA_DISABLED",
                "true",
            )]))
            .shared_config(crate::config::SharedConfig::empty())
            .region(region)
            .credentials(Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                token.map(str::to_string),
                None,
            ))
            .build()
            .unwrap();
        ClientHandle::from_service(
            &session,
            Service::from_dir(&dir).unwrap(),
            ClientConfig::default(),
        )
        .unwrap()
    };
    // 2024-05-01T12:34:56.789Z.
    let at = UNIX_EPOCH + Duration::from_millis(1_714_566_896_789);
    let west = s3_in("us-west-2", None);
    let central = s3_in("eu-central-1", Some("tok/en+="));
    let request = PresignedPostRequest::new("my-bucket", "uploads/${filename}")
        .field("acl", "public-read")
        .field("Content-Type", "image/png")
        .condition(json!({"acl": "public-read"}))
        .condition(json!(["starts-with", "$Content-Type", "image/"]))
        .condition(json!(["content-length-range", 0, 1048576]))
        .condition(json!({"x-amz-meta-note": "caf\u{e9} \u{2603} \"q\"\u{7f}"}))
        .expires_in(Duration::from_secs(600));
    let post = block_on(generate_presigned_post(&west, request, Some(at))).unwrap();
    assert_eq!(post.url, "https://my-bucket.s3.us-west-2.amazonaws.com/");
    let want = [
        ("acl", "public-read"),
        ("Content-Type", "image/png"),
        ("key", "uploads/${filename}"),
        ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
        ("x-amz-credential", "AKIDEXAMPLE/20240501/us-west-2/s3/aws4_request"),
        ("x-amz-date", "20240501T123456Z"),
        ("policy", "eyJleHBpcmF0aW9uIjogIjIwMjQtMDUtMDFUMTI6NDQ6NTZaIiwgImNvbmRpdGlvbnMiOiBbeyJhY2wiOiAicHVibGljLXJlYWQifSwgWyJzdGFydHMtd2l0aCIsICIkQ29udGVudC1UeXBlIiwgImltYWdlLyJdLCBbImNvbnRlbnQtbGVuZ3RoLXJhbmdlIiwgMCwgMTA0ODU3Nl0sIHsieC1hbXotbWV0YS1ub3RlIjogImNhZlx1MDBlOSBcdTI2MDMgXCJxXCJcdTAwN2YifSwgeyJidWNrZXQiOiAibXktYnVja2V0In0sIFsic3RhcnRzLXdpdGgiLCAiJGtleSIsICJ1cGxvYWRzLyJdLCB7IngtYW16LWFsZ29yaXRobSI6ICJBV1M0LUhNQUMtU0hBMjU2In0sIHsieC1hbXotY3JlZGVudGlhbCI6ICJBS0lERVhBTVBMRS8yMDI0MDUwMS91cy13ZXN0LTIvczMvYXdzNF9yZXF1ZXN0In0sIHsieC1hbXotZGF0ZSI6ICIyMDI0MDUwMVQxMjM0NTZaIn1dfQ=="),
        ("x-amz-signature", "a45724c87a5fbd5cc56cbe1cd0e07c4c6c80fb58cf8bbcbc8240c8ff8b4e7a30"),
    ];
    let got: Vec<(&str, &str)> = post
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(got, want);

    let request = PresignedPostRequest::new("my-bucket", "k \u{e9}.txt");
    let post = block_on(generate_presigned_post(
        &central,
        request.expires_in(Duration::from_secs(600)),
        Some(at),
    ))
    .unwrap();
    let field = |name: &str| {
        post.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("x-amz-security-token"), Some("tok/en+="));
    assert_eq!(field("policy"), Some("eyJleHBpcmF0aW9uIjogIjIwMjQtMDUtMDFUMTI6NDQ6NTZaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAibXktYnVja2V0In0sIHsia2V5IjogImsgXHUwMGU5LnR4dCJ9LCB7IngtYW16LWFsZ29yaXRobSI6ICJBV1M0LUhNQUMtU0hBMjU2In0sIHsieC1hbXotY3JlZGVudGlhbCI6ICJBS0lERVhBTVBMRS8yMDI0MDUwMS9ldS1jZW50cmFsLTEvczMvYXdzNF9yZXF1ZXN0In0sIHsieC1hbXotZGF0ZSI6ICIyMDI0MDUwMVQxMjM0NTZaIn0sIHsieC1hbXotc2VjdXJpdHktdG9rZW4iOiAidG9rL2VuKz0ifV19"));
    assert_eq!(
        field("x-amz-signature"),
        Some("15fb35f173fb9c32baa8f0ff0175824289cf8d33386f155cdfd6c7a3ff227b9f")
    );
    // The token never shows in Debug.
    let shown = format!("{post:?}");
    assert!(!shown.contains("tok/en"), "{shown}");
    // Bad input is an error.
    let bad = PresignedPostRequest::new("", "k");
    assert!(block_on(generate_presigned_post(&west, bad, Some(at))).is_err());
    let forever = PresignedPostRequest::new("b", "k").expires_in(Duration::from_secs(8 * 86_400));
    assert!(matches!(
        block_on(generate_presigned_post(&west, forever, Some(at))),
        Err(PresignError::InvalidExpiry(_))
    ));
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}
