//! The built-in handlers through the whole pipeline, on the real models in
//! `models/`: each test makes the call a user would and checks the request
//! myaws would send (captured at `before-send`) or the output it returns.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bytes::Bytes;
use serde_json::json;

use crate::client::ClientHandle;
use crate::config::{Env, SharedConfig};
use crate::credentials::Credentials;
use crate::events::{HookOutcome, HttpResponse};
use crate::service::Service;
use crate::session::{ClientConfig, Session};

/// A request as it would have been sent.
#[derive(Debug, Clone)]
struct Sent {
    method: String,
    uri: String,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Sent {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The form (query protocol) or query-string parameters, decoded.
    fn params(&self) -> Vec<(String, String)> {
        let text = if self.body.is_empty() {
            self.uri.split_once('?').map_or("", |(_, q)| q).to_owned()
        } else {
            String::from_utf8_lossy(&self.body).into_owned()
        };
        text.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (
                    super::values::unquote(k, true),
                    super::values::unquote(v, true),
                )
            })
            .collect()
    }

    fn param(&self, key: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// A client of `service` (from `models/`) in `region` whose requests are
/// captured and answered with `status` and `body`.
fn client(
    service: &str,
    region: &str,
    status: u16,
    body: &str,
) -> (ClientHandle, Arc<Mutex<Vec<Sent>>>) {
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .shared_config(SharedConfig::empty())
        .region(region)
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../models")
        .join(service);
    let client = ClientHandle::from_service(
        &session,
        Service::from_dir(&dir).unwrap(),
        ClientConfig::default(),
    )
    .unwrap();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let seen = sent.clone();
    let body = Bytes::from(body.to_owned());
    client.events().register("before-send", move |event| {
        let request = event.request.as_deref()?;
        seen.lock().unwrap().push(Sent {
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            headers: request.headers().clone(),
            body: request.body().clone(),
        });
        Some(HookOutcome::Respond(HttpResponse {
            status,
            headers: http::HeaderMap::new(),
            body: body.clone(),
        }))
    });
    (client, sent)
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn last(sent: &Arc<Mutex<Vec<Sent>>>) -> Sent {
    sent.lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a request was made")
}

#[test]
fn every_registration_names_a_botocore_event_kind() {
    let kinds = [
        "before-parameter-build",
        "before-endpoint-resolution",
        "before-call",
        "request-created",
        "before-sign",
        "before-send",
        "before-parse",
        "after-call",
    ];
    let all: Vec<&super::Builtin> = super::all_builtins().collect();
    assert!(all.len() > 40, "{}", all.len());
    for b in all {
        let kind = b.event.split('.').next().unwrap();
        assert!(kinds.contains(&kind), "{} ({})", b.event, b.name);
        assert!(!b.name.is_empty());
    }
}

#[test]
fn s3_bad_bucket_names_are_refused_before_sending() {
    let (s3, sent) = client("s3", "us-east-1", 200, "");
    for bucket in ["", "has space", "a/b"] {
        let err =
            run(s3.call_json("PutObject", json!({"Bucket": bucket, "Key": "k"}))).unwrap_err();
        assert!(err.to_string().contains("Invalid bucket name"), "{err}");
    }
    assert!(sent.lock().unwrap().is_empty());
}

#[test]
fn s3_sse_c_keys_are_base64_with_their_md5() {
    let (s3, sent) = client("s3", "us-east-1", 200, "");
    let key = "0123456789abcdef0123456789abcdef";
    run(s3.call_json(
        "PutObject",
        json!({"Bucket": "b", "Key": "k", "SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}),
    ))
    .unwrap();
    let req = last(&sent);
    let b64 = base64::engine::general_purpose::STANDARD;
    use md5::Digest as _;
    assert_eq!(
        req.header("x-amz-server-side-encryption-customer-key"),
        Some(b64.encode(key).as_str())
    );
    assert_eq!(
        req.header("x-amz-server-side-encryption-customer-key-md5"),
        Some(b64.encode(md5::Md5::digest(key.as_bytes())).as_str())
    );
    // With the MD5 given, both are sent as given.
    run(s3.call_json(
        "GetObject",
        json!({"Bucket": "b", "Key": "k", "SSECustomerAlgorithm": "AES256",
               "SSECustomerKey": "given-key", "SSECustomerKeyMD5": "given-md5"}),
    ))
    .ok();
    let req = last(&sent);
    assert_eq!(
        req.header("x-amz-server-side-encryption-customer-key"),
        Some("given-key")
    );
    // CopySource keys too.
    run(s3.call_json(
        "CopyObject",
        json!({"Bucket": "b", "Key": "k", "CopySource": "src/key",
               "CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": key}),
    ))
    .ok();
    let req = last(&sent);
    assert_eq!(
        req.header("x-amz-copy-source-server-side-encryption-customer-key"),
        Some(b64.encode(key).as_str())
    );
}

#[test]
fn s3_copy_source_is_percent_encoded_and_signed() {
    let (s3, sent) = client("s3", "us-east-1", 200, "<CopyObjectResult/>");
    run(s3.call_json(
        "CopyObject",
        json!({"Bucket": "b", "Key": "k", "CopySource": "src/ünï code+1.txt?versionId=v1"}),
    ))
    .unwrap();
    let req = last(&sent);
    assert_eq!(
        req.header("x-amz-copy-source"),
        Some("src/%C3%BCn%C3%AF%20code%2B1.txt?versionId=v1")
    );
    let auth = req.header("authorization").unwrap();
    assert!(auth.contains("x-amz-copy-source"), "{auth}");
}

#[test]
fn s3_non_ascii_metadata_is_refused() {
    let (s3, sent) = client("s3", "us-east-1", 200, "");
    let err = run(s3.call_json(
        "PutObject",
        json!({"Bucket": "b", "Key": "k", "Metadata": {"note": "café"}}),
    ))
    .unwrap_err();
    assert!(err.to_string().contains("Non ascii"), "{err}");
    assert!(sent.lock().unwrap().is_empty());
}

#[test]
fn s3_listings_ask_for_url_encoding_and_decode_it() {
    let body = r#"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
        <Name>b</Name><Prefix>a%20dir%2F</Prefix><EncodingType>url</EncodingType>
        <Contents><Key>a%20dir%2Ff%C3%A9%0A.txt</Key></Contents>
        <CommonPrefixes><Prefix>a%20dir%2Fsub%2F</Prefix></CommonPrefixes>
        </ListBucketResult>"#;
    let (s3, sent) = client("s3", "us-east-1", 200, body);
    let out =
        run(s3.call_json("ListObjectsV2", json!({"Bucket": "b", "Prefix": "a dir/"}))).unwrap();
    assert_eq!(last(&sent).param("encoding-type").as_deref(), Some("url"));
    assert_eq!(out["Contents"][0]["Key"], "a dir/fé\n.txt");
    assert_eq!(out["Prefix"], "a dir/");
    assert_eq!(out["CommonPrefixes"][0]["Prefix"], "a dir/sub/");
    // Asked for by the caller: left as S3 sent it.
    let out = run(s3.call_json(
        "ListObjectsV2",
        json!({"Bucket": "b", "EncodingType": "url"}),
    ))
    .unwrap();
    assert_eq!(out["Contents"][0]["Key"], "a%20dir%2Ff%C3%A9%0A.txt");
}

#[test]
fn s3_xml_payload_line_breaks_are_escaped() {
    let (s3, sent) = client("s3", "us-east-1", 200, "<DeleteResult/>");
    run(s3.call_json(
        "DeleteObjects",
        json!({"Bucket": "b", "Delete": {"Objects": [{"Key": "line\nbreak\r"}]}}),
    ))
    .unwrap();
    let body = String::from_utf8_lossy(&last(&sent).body).into_owned();
    assert!(body.contains("line&#xA;break&#xD;"), "{body}");
}

#[test]
fn s3_expires_string_keeps_the_raw_header() {
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .shared_config(SharedConfig::empty())
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/s3");
    let s3 = ClientHandle::from_service(
        &session,
        Service::from_dir(&dir).unwrap(),
        ClientConfig::default(),
    )
    .unwrap();
    s3.events().register("before-send", |_| {
        let mut headers = http::HeaderMap::new();
        headers.insert("expires", "not a date".parse().unwrap());
        Some(HookOutcome::Respond(HttpResponse {
            status: 200,
            headers,
            body: Bytes::new(),
        }))
    });
    let out = run(s3.call_json("HeadObject", json!({"Bucket": "b", "Key": "k"}))).unwrap();
    assert_eq!(out.get("Expires"), None);
    assert_eq!(out["ExpiresString"], "not a date");
}

#[test]
fn idempotency_tokens_are_filled_before_validation() {
    let (ec2, sent) = client("ec2", "us-east-1", 200, "<RunInstancesResponse/>");
    run(ec2.call_json(
        "RunInstances",
        json!({"MinCount": 1, "MaxCount": 1, "ImageId": "ami-1", "UserData": "#!/bin/sh\necho hi"}),
    ))
    .unwrap();
    let req = last(&sent);
    let token = req.param("ClientToken").unwrap();
    assert_eq!(token.len(), 36, "{token}");
    assert_eq!(
        req.param("UserData").as_deref(),
        Some(
            base64::engine::general_purpose::STANDARD
                .encode("#!/bin/sh\necho hi")
                .as_str()
        )
    );
    assert!(req.header("amz-sdk-invocation-id").is_some());
    // botocore adds both after signing, and `max` only once an attempt
    // has been checked against it.
    assert_eq!(req.header("amz-sdk-request"), Some("attempt=1"));
    let signed = req.header("authorization").unwrap_or_default();
    assert!(!signed.contains("amz-sdk"), "{signed}");
}

#[test]
fn ec2_copy_snapshot_carries_a_presigned_url_for_the_source_region() {
    let (ec2, sent) = client("ec2", "us-west-2", 200, "<CopySnapshotResponse/>");
    run(ec2.call_json(
        "CopySnapshot",
        json!({"SourceRegion": "eu-west-1", "SourceSnapshotId": "snap-1"}),
    ))
    .unwrap();
    let req = last(&sent);
    assert_eq!(req.param("DestinationRegion").as_deref(), Some("us-west-2"));
    let url = req.param("PresignedUrl").expect("a presigned URL");
    assert!(
        url.starts_with("https://ec2.eu-west-1.amazonaws.com/?"),
        "{url}"
    );
    for part in [
        "Action=CopySnapshot",
        "SourceSnapshotId=snap-1",
        "DestinationRegion=us-west-2",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "%2Feu-west-1%2Fec2%2Faws4_request",
        "X-Amz-Expires=3600",
    ] {
        assert!(url.contains(part), "{part} not in {url}");
    }
}

#[test]
fn rds_source_region_becomes_a_presigned_url() {
    let (rds, sent) = client("rds", "us-east-1", 200, "<CopyDBSnapshotResponse/>");
    run(rds.call_json(
        "CopyDBSnapshot",
        json!({"SourceDBSnapshotIdentifier": "arn:aws:rds:eu-west-1:123:snapshot:s",
               "TargetDBSnapshotIdentifier": "t", "SourceRegion": "eu-west-1"}),
    ))
    .unwrap();
    let req = last(&sent);
    assert_eq!(req.param("SourceRegion"), None, "client-side only");
    let url = req.param("PreSignedUrl").expect("a presigned URL");
    assert!(
        url.starts_with("https://rds.eu-west-1.amazonaws.com/?"),
        "{url}"
    );
    assert!(url.contains("DestinationRegion=us-east-1"), "{url}");
    // Without SourceRegion nothing is added.
    run(rds.call_json(
        "CopyDBSnapshot",
        json!({"SourceDBSnapshotIdentifier": "s", "TargetDBSnapshotIdentifier": "t"}),
    ))
    .unwrap();
    assert_eq!(last(&sent).param("PreSignedUrl"), None);
}

#[test]
fn glacier_version_account_and_checksums() {
    let (glacier, sent) = client("glacier", "us-east-1", 201, "");
    run(glacier.call_json(
        "UploadArchive",
        json!({"vaultName": "v", "body": base64::engine::general_purpose::STANDARD.encode("archive")}),
    ))
    .ok();
    let req = last(&sent);
    assert_eq!(req.header("x-amz-glacier-version"), Some("2012-06-01"));
    assert!(req.uri.contains("/-/vaults/v/archives"), "{}", req.uri);
    assert_eq!(
        req.header("x-amz-sha256-tree-hash"),
        Some(super::services::glacier_tree_hash(b"archive").as_str())
    );
    assert!(req.header("x-amz-content-sha256").is_some());
}

#[test]
fn route53_ids_keep_their_last_part() {
    let (route53, sent) = client("route53", "us-east-1", 200, "<GetHostedZoneResponse/>");
    run(route53.call_json("GetHostedZone", json!({"Id": "/hostedzone/Z123"}))).ok();
    assert!(
        last(&sent).uri.ends_with("/2013-04-01/hostedzone/Z123"),
        "{}",
        last(&sent).uri
    );
}

#[test]
fn api_gateway_asks_for_json() {
    let (apigw, sent) = client("apigateway", "us-east-1", 200, "{}");
    run(apigw.call_json("GetRestApis", json!({}))).unwrap();
    assert_eq!(last(&sent).header("accept"), Some("application/json"));
}

#[test]
fn iam_policy_documents_are_decoded() {
    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    let encoded = super::values::quote(policy, b"");
    let body = format!(
        "<GetRolePolicyResponse><GetRolePolicyResult><RoleName>r</RoleName>\
         <PolicyName>p</PolicyName><PolicyDocument>{encoded}</PolicyDocument>\
         </GetRolePolicyResult></GetRolePolicyResponse>"
    );
    let (iam, _) = client("iam", "us-east-1", 200, &body);
    let out =
        run(iam.call_json("GetRolePolicy", json!({"RoleName": "r", "PolicyName": "p"}))).unwrap();
    assert_eq!(
        out["PolicyDocument"],
        json!({"Version": "2012-10-17", "Statement": []})
    );
}

#[test]
fn s3_control_account_is_not_in_the_host_twice() {
    let (s3control, sent) = client(
        "s3control",
        "us-west-2",
        200,
        "<GetPublicAccessBlockOutput/>",
    );
    run(s3control.call_json("GetPublicAccessBlock", json!({"AccountId": "123456789012"}))).ok();
    let uri = last(&sent).uri;
    assert!(
        uri.starts_with("https://123456789012.s3-control.us-west-2.amazonaws.com/"),
        "{uri}"
    );
}

#[test]
fn sso_oidc_oauth2_errors_get_their_description_as_message() {
    let body = r#"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#;
    let (oidc, _) = client("sso-oidc", "us-east-1", 400, body);
    let err = run(oidc.call_json(
        "CreateToken",
        json!({"clientId": "c", "clientSecret": "s", "grantType": "refresh_token"}),
    ))
    .unwrap_err();
    assert_eq!(err.message(), Some("Invalid refresh token"), "{err}");
}

#[test]
fn cloudformation_json_templates_are_documents() {
    let body =
        "<GetTemplateResponse><GetTemplateResult><TemplateBody>{\"Resources\":{}}</TemplateBody>\
                </GetTemplateResult></GetTemplateResponse>";
    let (cfn, _) = client("cloudformation", "us-east-1", 200, body);
    let out = run(cfn.call_json("GetTemplate", json!({"StackName": "s"}))).unwrap();
    assert_eq!(out["TemplateBody"], json!({"Resources": {}}));
}

#[test]
fn cloudsearch_domain_search_is_a_form_post() {
    let (csd, sent) = client("cloudsearchdomain", "us-east-1", 200, "{}");
    run(csd.call_json("Search", json!({"query": "star wars"}))).ok();
    let req = last(&sent);
    assert_eq!(req.method, "POST");
    assert!(!req.uri.contains('?'), "{}", req.uri);
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(
        String::from_utf8_lossy(&req.body).contains("q=star"),
        "{:?}",
        req.body
    );
}

#[test]
fn machine_learning_predict_goes_to_the_predict_endpoint() {
    let (ml, sent) = client("machinelearning", "us-east-1", 200, "{}");
    run(ml.call_json(
        "Predict",
        json!({"MLModelId": "m", "Record": {}, "PredictEndpoint": "https://realtime.machinelearning.us-east-1.amazonaws.com"}),
    ))
    .ok();
    let req = last(&sent);
    assert!(
        req.uri
            .starts_with("https://realtime.machinelearning.us-east-1.amazonaws.com/"),
        "{}",
        req.uri
    );
    assert_eq!(
        req.header("host"),
        Some("realtime.machinelearning.us-east-1.amazonaws.com")
    );
}

#[test]
fn operations_are_found_by_boto3_method_names_and_aliases() {
    let (cloudwatch, _) = client("cloudwatch", "us-east-1", 200, "");
    let index = cloudwatch.operation_index("GetOTelEnrichment").unwrap();
    assert_eq!(
        cloudwatch.operation_index("get_otel_enrichment"),
        Some(index)
    );
    // botocore's ClientMethodAlias for the older name.
    assert_eq!(
        cloudwatch.operation_index("get_o_tel_enrichment"),
        Some(index)
    );
    let (signin, _) = client("signin", "us-east-1", 200, "");
    assert!(signin.operation_index("create_oauth2_token").is_some());
    assert!(signin.operation_index("create_o_auth2_token").is_some());
}

/// The `amz-sdk-request` values of a call answered 500 twice, in `mode`.
fn retry_header_values(mode: crate::retry::RetryMode) -> Vec<(String, String)> {
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .shared_config(SharedConfig::empty())
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/sqs");
    let config = ClientConfig::default().retry_mode(mode).max_attempts(2);
    let client =
        ClientHandle::from_service(&session, Service::from_dir(&dir).unwrap(), config).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    client.events().register("before-send", move |event| {
        let headers = event.request.as_deref()?.headers();
        let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
        log.lock().unwrap().push((
            get("amz-sdk-invocation-id").to_owned(),
            get("amz-sdk-request").to_owned(),
        ));
        Some(HookOutcome::Respond(HttpResponse {
            status: 500,
            headers: http::HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
        }))
    });
    let result = run(client.call_json("ListQueues", json!({})));
    assert!(result.is_err());
    let values = seen.lock().unwrap().clone();
    values
}

#[test]
fn retry_headers_count_attempts_and_name_the_maximum_from_the_second() {
    let standard = retry_header_values(crate::retry::RetryMode::Standard);
    assert_eq!(standard.len(), 2, "{standard:?}");
    assert_eq!(standard[0].0.len(), 36);
    assert_eq!(standard[0].0, standard[1].0, "one invocation id per call");
    assert_eq!(standard[0].1, "attempt=1");
    assert_eq!(standard[1].1, "attempt=2; max=2");
    // botocore's legacy mode never says `max`.
    let legacy = retry_header_values(crate::retry::RetryMode::Legacy);
    let values: Vec<&str> = legacy.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(values, ["attempt=1", "attempt=2"]);
}

/// Answers every request 500 with `date` as its `Date`, keeping each
/// request's `amz-sdk-request`.
#[derive(Debug)]
struct DatedFailures {
    date: &'static str,
    seen: Arc<Mutex<Vec<String>>>,
}

impl crate::http::HttpTransport for DatedFailures {
    fn send(
        &self,
        request: http::Request<crate::http::RequestBody>,
    ) -> crate::client::BoxFuture<
        '_,
        Result<http::Response<crate::http::ResponseBody>, crate::DispatchError>,
    > {
        use http_body_util::BodyExt as _;
        let value = request
            .headers()
            .get("amz-sdk-request")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        self.seen.lock().unwrap().push(value);
        let date = self.date;
        Box::pin(async move {
            let body = http_body_util::Full::new(Bytes::from_static(b"{}"))
                .map_err(|e| match e {})
                .boxed_unsync();
            let response = http::Response::builder()
                .status(500)
                .header(http::header::DATE, date)
                .body(body)
                .unwrap();
            Ok(response)
        })
    }
}

/// The `amz-sdk-request` values of a call whose two attempts are answered
/// 500 with `date` as the server's `Date`.
fn retry_headers_after_dated_failures(date: &'static str) -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let transport = DatedFailures {
        date,
        seen: seen.clone(),
    };
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .shared_config(SharedConfig::empty())
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .http_transport(crate::http::SharedTransport::new(transport))
        .build()
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/sqs");
    let config = ClientConfig::default()
        .max_attempts(2)
        .retry_mode(crate::retry::RetryMode::Standard);
    let client =
        ClientHandle::from_service(&session, Service::from_dir(&dir).unwrap(), config).unwrap();
    assert!(run(client.call_json("ListQueues", json!({}))).is_err());
    let values = seen.lock().unwrap().clone();
    values
}

#[test]
fn a_retry_after_a_dated_response_carries_the_servers_clock_plus_the_read_timeout() {
    // botocore's `_calculate_ttl`: Date + the 60 s default read timeout.
    assert_eq!(
        retry_headers_after_dated_failures("Sun, 06 Dec 2026 18:00:00 GMT"),
        ["attempt=1", "ttl=20261206T180100Z; attempt=2; max=2"]
    );
    // An unreadable Date gives no ttl rather than a wrong one.
    assert_eq!(
        retry_headers_after_dated_failures("yesterday"),
        ["attempt=1", "attempt=2; max=2"]
    );
}

#[test]
fn get_bucket_location_always_has_a_location_constraint_on_the_dynamic_path() {
    let (s3, _) = client(
        "s3",
        "us-east-1",
        200,
        r#"<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>"#,
    );
    let out = run(s3.call_json("GetBucketLocation", json!({"Bucket": "b"}))).unwrap();
    assert_eq!(
        out.get("LocationConstraint"),
        Some(&serde_json::Value::Null)
    );
    let (s3, _) = client(
        "s3",
        "us-east-1",
        200,
        r#"<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>"#,
    );
    let out = run(s3.call_json("GetBucketLocation", json!({"Bucket": "b"}))).unwrap();
    assert_eq!(out["LocationConstraint"], "eu-west-1");
}
