//! botocore's customizations end to end against moto: SSE-C keys (base64
//! with their MD5; moto accepts but does not check them, so the headers are
//! checked as they leave), `CopySource` with non-ASCII keys, S3 Control with
//! the account in the host once, and EC2 `UserData` sent base64-encoded
//! (moto decodes it for `DescribeInstanceAttribute`).

use std::net::{IpAddr, Ipv4Addr};

use myaws_core::ClientConfig;
use myaws_s3::types::{
    CopyObjectRequest, CreateBucketRequest, GetObjectRequest, HeadObjectRequest, PutObjectRequest,
};
use myaws_tests::{moto, session, unique};
use serde_json::json;

fn s3() -> myaws_s3::Client {
    myaws_s3::Client::with_config(
        &session(),
        ClientConfig::default().s3_addressing_style("path"),
    )
    .unwrap()
}

async fn bucket(s3: &myaws_s3::Client) -> String {
    let name = unique("fidelity");
    s3.create_bucket(CreateBucketRequest::default().bucket(&name))
        .await
        .unwrap();
    name
}

#[tokio::test]
async fn sse_c_round_trip() {
    let s3 = s3();
    let bucket = bucket(&s3).await;
    let key = "0123456789abcdef0123456789abcdef";
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = sent.clone();
    s3.events()
        .register("before-send.s3.PutObject", move |event| {
            let headers = event.request.as_deref()?.headers();
            let get = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            seen.lock().unwrap().push((
                get("x-amz-server-side-encryption-customer-key"),
                get("x-amz-server-side-encryption-customer-key-md5"),
            ));
            None
        });
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&bucket)
            .key("secret.txt")
            .sse_customer_algorithm("AES256")
            .sse_customer_key(key)
            .body(myaws_s3::ByteStream::from_bytes(&b"encrypted at rest"[..])),
    )
    .await
    .expect("PutObject with SSE-C");
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let (sent_key, sent_md5) = sent.lock().unwrap()[0].clone();
    assert_eq!(sent_key.as_deref(), Some(b64.encode(key).as_str()));
    let md5 = b64.decode(sent_md5.unwrap()).unwrap();
    // A base64 MD5 digest (its value is checked in core's handler tests).
    assert_eq!(md5.len(), 16);
    let got = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(&bucket)
                .key("secret.txt")
                .sse_customer_algorithm("AES256")
                .sse_customer_key(key),
        )
        .await
        .expect("GetObject with SSE-C");
    let body = got.body.unwrap().collect().await.unwrap();
    assert_eq!(&body[..], b"encrypted at rest");
    s3.head_object(
        HeadObjectRequest::default()
            .bucket(&bucket)
            .key("secret.txt")
            .sse_customer_algorithm("AES256")
            .sse_customer_key(key),
    )
    .await
    .expect("HeadObject with SSE-C");
}

#[tokio::test]
async fn copy_source_with_non_ascii_keys() {
    let s3 = s3();
    let bucket = bucket(&s3).await;
    let source_key = "dossier/ünïcödé naïve+plus&amp.txt";
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&bucket)
            .key(source_key)
            .body(myaws_s3::ByteStream::from_bytes(&b"copied"[..])),
    )
    .await
    .unwrap();
    s3.copy_object(
        CopyObjectRequest::default()
            .bucket(&bucket)
            .key("copy.txt")
            .copy_source(format!("{bucket}/{source_key}")),
    )
    .await
    .expect("CopyObject with a non-ASCII source key");
    let got = s3
        .get_object(GetObjectRequest::default().bucket(&bucket).key("copy.txt"))
        .await
        .unwrap();
    assert_eq!(&got.body.unwrap().collect().await.unwrap()[..], b"copied");
    // The listing comes back with the keys decoded (EncodingType=url asked
    // for and undone).
    let listing = s3
        .call("ListObjectsV2", json!({"Bucket": bucket}))
        .await
        .unwrap();
    let keys: Vec<&str> = listing["Contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["Key"].as_str())
        .collect();
    assert!(keys.contains(&source_key), "{keys:?}");
}

#[tokio::test]
async fn s3_control_puts_the_account_in_the_host_once() {
    // moto on a host name, so the rules' `{AccountId}.` host label resolves
    // to it too.
    let port = moto().endpoint.rsplit(':').next().unwrap().to_owned();
    let config = ClientConfig::default()
        .endpoint_url(format!("http://s3-control.test:{port}"))
        .resolve_override("s3-control.test", IpAddr::V4(Ipv4Addr::LOCALHOST));
    let control = myaws_s3control::Client::with_config(&session(), config).unwrap();
    let hosts = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = hosts.clone();
    control.events().register("before-send", move |event| {
        if let Some(request) = event.request.as_deref() {
            let host = request.headers().get("host").unwrap().to_str().unwrap();
            seen.lock().unwrap().push(host.to_owned());
        }
        None
    });
    let account = "123456789012";
    control
        .call(
            "PutPublicAccessBlock",
            json!({"AccountId": account, "PublicAccessBlockConfiguration": {"BlockPublicAcls": true}}),
        )
        .await
        .expect("PutPublicAccessBlock");
    let got = control
        .call("GetPublicAccessBlock", json!({"AccountId": account}))
        .await
        .expect("GetPublicAccessBlock");
    assert_eq!(
        got["PublicAccessBlockConfiguration"]["BlockPublicAcls"],
        true
    );
    for host in hosts.lock().unwrap().iter() {
        assert_eq!(host, &format!("{account}.s3-control.test:{port}"));
    }
}

#[tokio::test]
async fn ec2_user_data_round_trip() {
    let ec2 = myaws_ec2::Client::new(&session()).unwrap();
    let script = "#!/bin/sh\necho 'hello from myaws'\n";
    let run = ec2
        .call(
            "RunInstances",
            json!({"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1, "UserData": script}),
        )
        .await
        .expect("RunInstances (the ClientToken is filled by myaws)");
    let id = run["Instances"][0]["InstanceId"]
        .as_str()
        .unwrap()
        .to_owned();
    let attribute = ec2
        .call(
            "DescribeInstanceAttribute",
            json!({"InstanceId": id, "Attribute": "userData"}),
        )
        .await
        .unwrap();
    let encoded = attribute["UserData"]["Value"].as_str().unwrap();
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), script);
}
