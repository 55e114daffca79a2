//! S3 streaming and checksums against moto: default CRC32, explicit SHA256,
//! response validation (and its mismatch error), `when_required` settings,
//! file and stream uploads (signed aws-chunked with a trailing checksum),
//! streams of unknown length refused before they are read, `Expect:
//! 100-continue`, downloads
//! to files, and virtual-hosted addressing through a resolver override.

mod s3_common;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use myaws_core::checksum::{
    ChecksumAlgorithm, RequestChecksumCalculation, ResponseChecksumValidation,
};
use myaws_s3::types::{GetObjectRequest, HeadObjectRequest, PutObjectRequest};
use myaws_s3::{ByteStream, Client, ClientConfig};
use s3_common::{bucket, client, client_with, put};

/// Records the headers (and URI) of every request `s3` sends.
fn record(s3: &Client) -> Arc<Mutex<Vec<(String, http::HeaderMap)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    s3.events().register("before-send.s3", move |e| {
        if let Some(r) = e.request.as_ref() {
            sink.lock()
                .unwrap()
                .push((r.uri().to_string(), r.headers().clone()));
        }
        None
    });
    seen
}

fn header<'a>(h: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

async fn get_bytes(s3: &Client, bucket: &str, key: &str) -> std::io::Result<Bytes> {
    s3.get_object(GetObjectRequest::default().bucket(bucket).key(key))
        .await
        .expect("get_object")
        .body
        .expect("body")
        .collect()
        .await
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn crc32_is_sent_by_default_and_validated_on_download() {
    let s3 = client();
    let b = bucket(&s3, "crc").await;
    let seen = record(&s3);
    put(&s3, &b, "k", "checksummed body").await;
    let want = ChecksumAlgorithm::Crc32.checksum_of(b"checksummed body");
    {
        let seen = seen.lock().unwrap();
        let (_, h) = seen.last().expect("a request");
        assert_eq!(header(h, "x-amz-checksum-crc32"), Some(want.as_str()));
        assert_eq!(header(h, "x-amz-sdk-checksum-algorithm"), Some("CRC32"));
        assert_eq!(header(h, "expect"), None, "small bodies skip 100-continue");
    }
    // when_supported validation turns ChecksumMode on by itself.
    let out = s3
        .get_object(GetObjectRequest::default().bucket(&b).key("k"))
        .await
        .expect("get_object");
    assert_eq!(out.checksum_crc32.as_deref(), Some(want.as_str()));
    {
        let seen = seen.lock().unwrap();
        let (_, h) = seen.last().expect("a request");
        assert_eq!(header(h, "x-amz-checksum-mode"), Some("ENABLED"));
    }
    assert_eq!(
        &out.body.unwrap().collect().await.unwrap()[..],
        b"checksummed body"
    );
}

#[tokio::test]
async fn explicit_sha256_is_sent_and_stored() {
    let s3 = client();
    let b = bucket(&s3, "sha").await;
    let seen = record(&s3);
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&b)
            .key("k")
            .checksum_algorithm("SHA256")
            .body(ByteStream::from("sha body")),
    )
    .await
    .expect("put_object");
    let want = ChecksumAlgorithm::Sha256.checksum_of(b"sha body");
    {
        let seen = seen.lock().unwrap();
        let (_, h) = seen.last().unwrap();
        assert_eq!(header(h, "x-amz-checksum-sha256"), Some(want.as_str()));
        assert_eq!(header(h, "x-amz-checksum-crc32"), None);
    }
    let head = s3
        .head_object(
            HeadObjectRequest::default()
                .bucket(&b)
                .key("k")
                .checksum_mode("ENABLED"),
        )
        .await
        .expect("head_object");
    assert_eq!(head.checksum_sha256.as_deref(), Some(want.as_str()));
}

#[tokio::test]
async fn a_corrupt_download_is_an_error_unless_validation_is_off() {
    let s3 = client();
    let b = bucket(&s3, "corrupt").await;
    // moto stores the checksum it is given without checking it.
    let wrong = ChecksumAlgorithm::Crc32.checksum_of(b"something else");
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&b)
            .key("k")
            .checksum_algorithm("CRC32")
            .checksum_crc32(&wrong)
            .body(ByteStream::from("the real body")),
    )
    .await
    .expect("put_object");
    let err = get_bytes(&s3, &b, "k").await.expect_err("mismatch");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("checksum mismatch"), "{err}");

    let lax = client_with(
        ClientConfig::default()
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired),
    );
    let body = get_bytes(&lax, &b, "k").await.expect("not validated");
    assert_eq!(&body[..], b"the real body");
}

#[tokio::test]
async fn when_required_sends_no_checksum_for_put_object() {
    let s3 = client_with(
        ClientConfig::default()
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired),
    );
    let b = bucket(&s3, "noreq").await;
    let seen = record(&s3);
    put(&s3, &b, "k", "plain").await;
    let seen = seen.lock().unwrap();
    let (_, h) = seen.last().unwrap();
    assert!(
        !h.keys().any(|k| k.as_str().starts_with("x-amz-checksum-")),
        "{h:?}"
    );
    assert_eq!(header(h, "x-amz-sdk-checksum-algorithm"), None);
}

#[tokio::test]
async fn a_stream_of_unknown_length_is_refused_before_it_is_read() {
    // S3 refuses PutObject/UploadPart bodies of unknown length (501 for
    // `Transfer-Encoding: chunked`, 411 for aws-chunked without
    // `x-amz-decoded-content-length`), after the one-shot stream is spent:
    // the client refuses it first and points at the transfer helper.
    let s3 = client();
    let seen = record(&s3);
    let polled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = polled.clone();
    let body = ByteStream::from_stream(futures_util::stream::poll_fn(move |_| {
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Ready(None::<Result<Bytes, std::io::Error>>)
    }));
    let err = s3
        .put_object(PutObjectRequest::default().bucket("b").key("s").body(body))
        .await
        .expect_err("a stream of unknown length");
    let text = err.to_string();
    assert!(text.contains("PutObject"), "{text}");
    assert!(text.contains("from_stream_with_length"), "{text}");
    assert!(text.contains("upload_stream"), "{text}");
    assert!(seen.lock().unwrap().is_empty(), "a request was sent");
    assert!(
        !polled.load(std::sync::atomic::Ordering::SeqCst),
        "the body was read"
    );
}

#[tokio::test]
async fn a_stream_of_known_length_uploads_with_a_trailing_checksum() {
    let s3 = client();
    let b = bucket(&s3, "stream").await;
    let seen = record(&s3);
    let data = pattern(300_000);
    let chunks: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(7_000)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let body =
        ByteStream::from_stream_with_length(futures_util::stream::iter(chunks), data.len() as u64);
    let out = s3
        .put_object(PutObjectRequest::default().bucket(&b).key("s").body(body))
        .await
        .expect("put_object of a stream");
    let want = ChecksumAlgorithm::Crc32.checksum_of(&data);
    assert_eq!(out.checksum_crc32.as_deref(), Some(want.as_str()));
    {
        let seen = seen.lock().unwrap();
        let (_, h) = seen.last().unwrap();
        assert_eq!(header(h, "content-encoding"), Some("aws-chunked"));
        assert_eq!(header(h, "x-amz-trailer"), Some("x-amz-checksum-crc32"));
        assert_eq!(header(h, "x-amz-decoded-content-length"), Some("300000"));
        assert_eq!(
            header(h, "x-amz-content-sha256"),
            Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
        );
        let encoded: u64 = header(h, "content-length").unwrap().parse().unwrap();
        assert!(encoded > data.len() as u64);
        assert_eq!(header(h, "transfer-encoding"), None);
        // Known and under 1 MiB: no `Expect: 100-continue`.
        assert_eq!(header(h, "expect"), None);
    }
    assert_eq!(get_bytes(&s3, &b, "s").await.unwrap(), data);
}

#[tokio::test]
async fn files_upload_with_signed_chunks_and_download_to_files() {
    let s3 = client();
    let b = bucket(&s3, "files").await;
    let seen = record(&s3);
    let dir = std::env::temp_dir().join(format!("myaws-s3-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("upload.bin");
    let data = pattern(2 * 1024 * 1024 + 123);
    std::fs::write(&src, &data).unwrap();

    let body = ByteStream::from_path(&src).unwrap();
    let out = s3
        .put_object(PutObjectRequest::default().bucket(&b).key("f").body(body))
        .await
        .expect("put_object of a file");
    let want = ChecksumAlgorithm::Crc32.checksum_of(&data);
    assert_eq!(out.checksum_crc32.as_deref(), Some(want.as_str()));
    {
        let seen = seen.lock().unwrap();
        let (_, h) = seen.last().unwrap();
        assert_eq!(
            header(h, "x-amz-content-sha256"),
            Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
        );
        assert_eq!(
            header(h, "x-amz-decoded-content-length"),
            Some(data.len().to_string().as_str())
        );
        assert_eq!(header(h, "expect"), Some("100-continue"));
        let encoded: u64 = header(h, "content-length").unwrap().parse().unwrap();
        assert!(encoded > data.len() as u64);
    }

    let part = ByteStream::from_file_range(&src, 1000, 5000).unwrap();
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&b)
            .key("part")
            .body(part),
    )
    .await
    .expect("put_object of a file range");
    assert_eq!(get_bytes(&s3, &b, "part").await.unwrap(), &data[1000..6000]);

    let dst = dir.join("download.bin");
    let got = s3
        .get_object(GetObjectRequest::default().bucket(&b).key("f"))
        .await
        .expect("get_object");
    assert_eq!(got.content_length, Some(data.len() as i64));
    let written = got.body.unwrap().write_to_file(&dst).await.unwrap();
    assert_eq!(written, data.len() as u64);
    assert_eq!(std::fs::read(&dst).unwrap(), data);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn ranged_downloads_stream_in_order() {
    let s3 = client();
    let b = bucket(&s3, "ranges").await;
    let data = pattern(1_500_000);
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&b)
            .key("r")
            .body(ByteStream::from(data.clone())),
    )
    .await
    .expect("put");
    let out = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(&b)
                .key("r")
                .range("bytes=1000-1499999"),
        )
        .await
        .expect("ranged get");
    let mut body = out.body.unwrap();
    let mut got = Vec::new();
    let mut chunks = 0;
    while let Some(c) = body.next().await {
        got.extend_from_slice(&c.expect("chunk"));
        chunks += 1;
    }
    assert!(chunks >= 1);
    assert_eq!(got, &data[1000..]);
}

#[tokio::test]
async fn virtual_hosted_requests_reach_moto_through_a_resolver_override() {
    let moto = myaws_tests::moto();
    let port = moto
        .endpoint
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .expect("moto port");
    let path_client = client();
    let b = bucket(&path_client, "vhost").await;
    let config = ClientConfig::default()
        .endpoint_url(format!("http://s3.localhost.localstack.cloud:{port}"))
        .s3_addressing_style("virtual")
        .resolve_override(
            "localhost.localstack.cloud",
            std::net::IpAddr::from([127, 0, 0, 1]),
        );
    let s3 = Client::with_config(&s3_common::session(), config).expect("client");
    let seen = record(&s3);
    put(&s3, &b, "dir/v key.txt", "virtually hosted").await;
    {
        let seen = seen.lock().unwrap();
        let (uri, h) = seen.last().unwrap();
        let host = format!("{b}.s3.localhost.localstack.cloud:{port}");
        assert_eq!(header(h, "host"), Some(host.as_str()));
        assert_eq!(uri, &format!("http://{host}/dir/v%20key.txt"));
    }
    assert_eq!(
        get_bytes(&s3, &b, "dir/v key.txt").await.unwrap(),
        "virtually hosted"
    );
    // The same object through path style: it is one bucket.
    assert_eq!(
        get_bytes(&path_client, &b, "dir/v key.txt").await.unwrap(),
        "virtually hosted"
    );
}
