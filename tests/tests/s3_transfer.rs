//! Managed transfers (`upload_file` / `upload_stream` / `download_file` /
//! `copy`) against moto: round trips below and above the multipart
//! threshold compared by SHA-256, progress totals, parts really in flight
//! together, the extra arguments reaching the object (HeadObject,
//! GetObjectTagging) and every request that needs them, part checksums in
//! the completion, memory bounded while streaming, and no multipart upload
//! left behind when a part (or the source) fails.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use base64::Engine as _;
use myaws_core::checksum::ChecksumAlgorithm as Sum;
use myaws_core::events::HttpResponse;
use myaws_core::{Bytes, DateTime};
use myaws_s3::custom::transfer::{
    DownloadFile, ObjectCopy, TransferConfig, TransferError, UploadFile, UploadStream, MIB,
};
use myaws_s3::types::{
    BucketVersioningStatus, ChecksumAlgorithm, ChecksumMode, GetObjectRequest,
    GetObjectTaggingRequest, HeadObjectRequest, ListMultipartUploadsRequest, MetadataDirective,
    PutBucketVersioningRequest, RequestPayer, ServerSideEncryption, StorageClass, TaggingDirective,
    VersioningConfiguration,
};
use myaws_s3::{Client, ClientConfig, Credentials, HookOutcome, Session};
use myaws_tests::unique;
use sha2::{Digest, Sha256};

mod s3_common;
use s3_common::{bucket, client};

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(unique("myaws-transfer"));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .expect("read scratch dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `size` pseudo-random bytes (xorshift from `seed`) to `path`.
fn write_file(path: &Path, size: u64, seed: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut state = seed | 1;
    let mut left = size;
    let mut block = [0u8; 8192];
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n]).expect("write");
        left -= n as u64;
    }
    file.flush().expect("flush");
}

/// SHA-256 of a file, hex.
fn sha256(path: &Path) -> String {
    let mut file = std::fs::File::open(path).expect("open");
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A progress callback and the total it has seen.
fn counter() -> (Arc<AtomicU64>, impl Fn(u64) + Send + Sync + 'static) {
    let total = Arc::new(AtomicU64::new(0));
    let seen = total.clone();
    (total, move |n| {
        seen.fetch_add(n, Ordering::SeqCst);
    })
}

async fn open_uploads(s3: &Client, bucket: &str) -> usize {
    s3.list_multipart_uploads(ListMultipartUploadsRequest::default().bucket(bucket))
        .await
        .expect("list_multipart_uploads")
        .uploads
        .unwrap_or_default()
        .len()
}

async fn round_trip(s3: &Client, size: u64, config: &TransferConfig) -> (u32, u32) {
    let bucket = bucket(s3, "transfer").await;
    let scratch = Scratch::new();
    let source = scratch.path("source.bin");
    write_file(&source, size, size + 7);
    let (uploaded, on_upload) = counter();
    let up = s3
        .upload_file(
            UploadFile::new(&source, &bucket, "data/source.bin")
                .content_type("application/octet-stream")
                .on_progress(on_upload),
            config,
        )
        .await
        .expect("upload_file");
    assert_eq!(up.bytes, size);
    assert_eq!(uploaded.load(Ordering::SeqCst), size, "upload progress");

    let head = s3
        .head_object(
            HeadObjectRequest::default()
                .bucket(&bucket)
                .key("data/source.bin"),
        )
        .await
        .expect("head_object");
    assert_eq!(head.content_length, Some(size as i64));

    let target = scratch.path("copy.bin");
    let (downloaded, on_download) = counter();
    let down = s3
        .download_file(
            DownloadFile::new(&bucket, "data/source.bin", &target).on_progress(on_download),
            config,
        )
        .await
        .expect("download_file");
    assert_eq!(down.bytes, size);
    assert_eq!(downloaded.load(Ordering::SeqCst), size, "download progress");
    assert_eq!(std::fs::metadata(&target).expect("target").len(), size);
    assert_eq!(sha256(&source), sha256(&target), "contents differ");
    assert_eq!(
        scratch.entries(),
        ["copy.bin", "source.bin"],
        "no temp files left"
    );
    assert_eq!(open_uploads(s3, &bucket).await, 0);
    (up.parts, down.parts)
}

#[tokio::test]
async fn small_files_go_in_one_request_each_way() {
    let s3 = client();
    let (up, down) = round_trip(&s3, 3 * MIB + 5, &TransferConfig::default()).await;
    assert_eq!((up, down), (0, 1));
}

#[tokio::test]
async fn empty_files_round_trip() {
    let s3 = client();
    let (up, down) = round_trip(&s3, 0, &TransferConfig::default()).await;
    assert_eq!((up, down), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn large_files_go_in_parts_each_way() {
    let s3 = client();
    let config = TransferConfig::default()
        .multipart_threshold(5 * MIB)
        .part_size(5 * MIB)
        .concurrency(3);
    // 12 MiB + 1: two full parts and a 2 MiB + 1 byte last part.
    let (up, down) = round_trip(&s3, 12 * MIB + 1, &config).await;
    assert_eq!((up, down), (3, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn downloads_take_small_ranges_in_parallel() {
    let s3 = client();
    let bucket = bucket(&s3, "ranges").await;
    let scratch = Scratch::new();
    let source = scratch.path("source.bin");
    let size = 3 * MIB + 12345;
    write_file(&source, size, 42);
    s3.upload_file(
        UploadFile::new(&source, &bucket, "k"),
        &TransferConfig::default(),
    )
    .await
    .expect("upload_file");

    // Count GetObjects in flight: each waits (up to 5 s) for a second one,
    // so with concurrency > 1 two are seen at once.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (f, p) = (in_flight.clone(), peak.clone());
    s3.handle()
        .events()
        .register("before-send.s3.GetObject", move |_| {
            let now = f.fetch_add(1, Ordering::SeqCst) + 1;
            p.fetch_max(now, Ordering::SeqCst);
            let start = Instant::now();
            while f.load(Ordering::SeqCst) < 2 && start.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(5));
            }
            p.fetch_max(f.load(Ordering::SeqCst), Ordering::SeqCst);
            None
        });
    let f = in_flight.clone();
    s3.handle()
        .events()
        .register("after-call.s3.GetObject", move |_| {
            f.fetch_sub(1, Ordering::SeqCst);
            None
        });

    let config = TransferConfig::default()
        .multipart_threshold(MIB)
        .part_size(MIB)
        .concurrency(3);
    let target = scratch.path("copy.bin");
    let (seen, on_progress) = counter();
    let down = s3
        .download_file(
            DownloadFile::new(&bucket, "k", &target).on_progress(on_progress),
            &config,
        )
        .await
        .expect("download_file");
    assert_eq!(down.parts, 4);
    assert_eq!(seen.load(Ordering::SeqCst), size);
    assert_eq!(sha256(&source), sha256(&target));
    let peak = peak.load(Ordering::SeqCst);
    assert!((2..=3).contains(&peak), "peak GetObjects in flight: {peak}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_part_aborts_the_multipart_upload() {
    let s3 = client();
    let bucket = bucket(&s3, "abort").await;
    let scratch = Scratch::new();
    let source = scratch.path("source.bin");
    write_file(&source, 11 * MIB, 9);
    let sent_parts = Arc::new(AtomicUsize::new(0));
    let sent = sent_parts.clone();
    s3.handle()
        .events()
        .register("before-send.s3.UploadPart", move |event| {
            sent.fetch_add(1, Ordering::SeqCst);
            let uri = event.request.as_ref().map(|r| r.uri().to_string());
            if uri.is_some_and(|u| u.contains("partNumber=2")) {
                return Some(HookOutcome::Respond(HttpResponse {
                    status: 500,
                    headers: Default::default(),
                    body: Bytes::from_static(
                        b"<Error><Code>InternalError</Code><Message>injected</Message></Error>",
                    ),
                }));
            }
            None
        });
    let config = TransferConfig::default()
        .multipart_threshold(5 * MIB)
        .part_size(5 * MIB)
        .concurrency(2);
    let err = s3
        .upload_file(UploadFile::new(&source, &bucket, "big"), &config)
        .await
        .expect_err("part 2 fails");
    assert!(
        matches!(
            &err,
            TransferError::Api {
                operation: "UploadPart",
                status: Some(500),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), Some("InternalError"));
    assert!(sent_parts.load(Ordering::SeqCst) >= 2);
    assert_eq!(
        open_uploads(&s3, &bucket).await,
        0,
        "orphaned multipart upload"
    );
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&bucket).key("big"))
        .await;
    assert_eq!(head.expect_err("no object").status(), Some(404));
}

#[tokio::test]
async fn a_failed_download_leaves_no_file() {
    let s3 = client();
    let bucket = bucket(&s3, "missing").await;
    let scratch = Scratch::new();
    let target = scratch.path("never.bin");
    let err = s3
        .download_file(
            DownloadFile::new(&bucket, "no-such-key", &target),
            &TransferConfig::default(),
        )
        .await
        .expect_err("missing key");
    assert!(
        matches!(
            &err,
            TransferError::Api {
                operation: "HeadObject",
                status: Some(404),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(scratch.entries().is_empty(), "{:?}", scratch.entries());
}

#[tokio::test]
async fn bad_configs_fail_before_anything_is_created() {
    let s3 = client();
    let bucket = bucket(&s3, "config").await;
    let scratch = Scratch::new();
    let source = scratch.path("source.bin");
    write_file(&source, 2 * MIB, 1);
    for config in [
        TransferConfig::default()
            .multipart_threshold(MIB)
            .part_size(MIB),
        TransferConfig::default().concurrency(0),
    ] {
        let err = s3
            .upload_file(UploadFile::new(&source, &bucket, "k"), &config)
            .await
            .expect_err("invalid config");
        assert!(matches!(err, TransferError::InvalidConfig(_)), "{err:?}");
    }
    assert_eq!(open_uploads(&s3, &bucket).await, 0);
    let err = s3
        .upload_file(
            UploadFile::new(scratch.path("absent.bin"), &bucket, "k"),
            &TransferConfig::default(),
        )
        .await
        .expect_err("no such file");
    assert!(matches!(err, TransferError::Io { .. }), "{err:?}");
}

/// `download_file` sizes objects with HeadObject, whose response declares
/// the object's length but carries no body: a 5 GiB object's HEAD must not
/// be refused as an oversized body.
#[tokio::test]
async fn head_of_a_huge_object_is_not_read_as_a_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.expect("read");
            assert!(n > 0, "request ended early");
            request.extend_from_slice(&buf[..n]);
        }
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5368709120\r\nETag: \"abc\"\r\n\
                  Connection: close\r\n\r\n",
            )
            .await
            .expect("write");
        String::from_utf8_lossy(&request).into_owned()
    });
    let session = Session::builder()
        .region(myaws_tests::REGION)
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url(&endpoint)
        .build()
        .expect("session");
    let s3 = Client::with_config(
        &session,
        ClientConfig::default().s3_addressing_style("path"),
    )
    .expect("client");
    let head = s3
        .head_object(HeadObjectRequest::default().bucket("b").key("huge"))
        .await
        .expect("head_object");
    assert_eq!(head.content_length, Some(5 << 30));
    assert_eq!(head.e_tag.as_deref(), Some("\"abc\""));
    let request = server.await.expect("server");
    assert!(request.starts_with("HEAD /b/huge "), "{request}");
}

// ---------------------------------------------------------------- extra arguments, streams, copies

/// `size` pseudo-random bytes, the same as [`write_file`] writes.
fn pattern(size: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size as usize + 8);
    let mut state = seed | 1;
    while (out.len() as u64) < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(size as usize);
    out
}

fn sha256_of(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 5 MiB parts from 5 MiB up, `concurrency` at a time.
fn five_mib_parts(concurrency: usize) -> TransferConfig {
    TransferConfig::default()
        .multipart_threshold(5 * MIB)
        .part_size(5 * MIB)
        .concurrency(concurrency)
}

/// A request as it was sent: operation, URI, headers and in-memory body.
struct Sent {
    operation: String,
    uri: String,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Sent {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

type Log = Arc<Mutex<Vec<Sent>>>;

/// Records every request `s3` sends.
fn record(s3: &Client) -> Log {
    let log: Log = Arc::default();
    let sink = log.clone();
    s3.handle().events().register("before-send.s3", move |e| {
        if let Some(r) = e.request.as_ref() {
            sink.lock().unwrap().push(Sent {
                operation: e.operation.to_string(),
                uri: r.uri().to_string(),
                headers: r.headers().clone(),
                body: r.body().clone(),
            });
        }
        None
    });
    log
}

/// The recorded requests of `operation`.
fn of<'a>(log: &'a [Sent], operation: &str) -> Vec<&'a Sent> {
    log.iter().filter(|s| s.operation == operation).collect()
}

async fn download_bytes(s3: &Client, bucket: &str, key: &str) -> Vec<u8> {
    s3.get_object(GetObjectRequest::default().bucket(bucket).key(key))
        .await
        .expect("get_object")
        .body
        .expect("body")
        .collect()
        .await
        .expect("read body")
        .to_vec()
}

async fn tags_of(s3: &Client, bucket: &str, key: &str) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = s3
        .get_object_tagging(GetObjectTaggingRequest::default().bucket(bucket).key(key))
        .await
        .expect("get_object_tagging")
        .tag_set
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default()))
        .collect();
    tags.sort();
    tags
}

async fn versioned_bucket(s3: &Client, prefix: &str) -> String {
    let bucket = bucket(s3, prefix).await;
    s3.put_bucket_versioning(
        PutBucketVersioningRequest::default()
            .bucket(&bucket)
            .versioning_configuration(
                VersioningConfiguration::default().status(BucketVersioningStatus::Enabled),
            ),
    )
    .await
    .expect("put_bucket_versioning");
    bucket
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_arguments_reach_the_object_in_one_request_or_in_parts() {
    let s3 = client();
    let bucket = bucket(&s3, "args").await;
    let log = record(&s3);
    let scratch = Scratch::new();
    let expires = DateTime::from_secs(4_102_444_800); // 2100-01-01
    for (name, size, parts) in [("small", MIB + 3, 0), ("large", 11 * MIB, 3)] {
        log.lock().unwrap().clear();
        let source = scratch.path(name);
        write_file(&source, size, size);
        let up = s3
            .upload_file(
                UploadFile::new(&source, &bucket, name)
                    .content_type("text/plain")
                    .cache_control("max-age=3600")
                    .content_disposition("attachment; filename=\"x.txt\"")
                    .content_language("de")
                    .expires(expires)
                    .metadata(HashMap::from([("origin".to_string(), name.to_string())]))
                    .storage_class(StorageClass::StandardIa)
                    .server_side_encryption(ServerSideEncryption::AwsKms)
                    .ssekms_key_id("alias/transfer-test")
                    .bucket_key_enabled(true)
                    .tags([("team", "storage"), ("note", "a b/c=d")])
                    .website_redirect_location("/elsewhere")
                    .grant_read("uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""),
                &five_mib_parts(3),
            )
            .await
            .expect("upload_file");
        assert_eq!((up.bytes, up.parts), (size, parts), "{name}");

        let head = s3
            .head_object(HeadObjectRequest::default().bucket(&bucket).key(name))
            .await
            .expect("head_object");
        assert_eq!(head.storage_class, Some(StorageClass::StandardIa), "{name}");
        assert_eq!(head.content_type.as_deref(), Some("text/plain"), "{name}");
        assert_eq!(
            head.cache_control.as_deref(),
            Some("max-age=3600"),
            "{name}"
        );
        assert_eq!(
            head.content_disposition.as_deref(),
            Some("attachment; filename=\"x.txt\""),
            "{name}"
        );
        assert_eq!(head.content_language.as_deref(), Some("de"), "{name}");
        assert_eq!(head.expires, Some(expires), "{name}");
        assert_eq!(
            head.metadata.as_ref().and_then(|m| m.get("origin")),
            Some(&name.to_string()),
            "{name}"
        );
        assert_eq!(
            head.server_side_encryption,
            Some(ServerSideEncryption::AwsKms),
            "{name}"
        );
        assert!(
            head.ssekms_key_id
                .as_deref()
                .is_some_and(|k| k.contains("transfer-test")),
            "{name}: {:?}",
            head.ssekms_key_id
        );
        assert_eq!(
            tags_of(&s3, &bucket, name).await,
            pairs(&[("note", "a b/c=d"), ("team", "storage")]),
            "{name}"
        );

        // What moto does not keep is checked on the wire: the request that
        // creates the object carried it.
        {
            let log = log.lock().unwrap();
            let creating = if parts == 0 {
                "PutObject"
            } else {
                "CreateMultipartUpload"
            };
            let create = of(&log, creating);
            assert_eq!(create.len(), 1, "{name}");
            let create = create[0];
            assert_eq!(
                create.header("x-amz-website-redirect-location"),
                Some("/elsewhere")
            );
            assert_eq!(
                create.header("x-amz-server-side-encryption-bucket-key-enabled"),
                Some("true")
            );
            assert!(create
                .header("x-amz-grant-read")
                .is_some_and(|g| g.contains("AllUsers")));
            assert_eq!(create.header("x-amz-checksum-algorithm"), {
                // CRC32 by default, as boto3; the PutObject carries it as
                // the SDK's algorithm header instead.
                if parts == 0 {
                    None
                } else {
                    Some("CRC32")
                }
            });
            // The parts carry none of the object's attributes.
            for part in of(&log, "UploadPart") {
                for attribute in [
                    "x-amz-storage-class",
                    "x-amz-tagging",
                    "x-amz-meta-origin",
                    "x-amz-server-side-encryption",
                    "x-amz-website-redirect-location",
                    "cache-control",
                ] {
                    assert_eq!(part.header(attribute), None, "{attribute} on a part");
                }
                assert_eq!(part.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
            }
        }

        let target = scratch.path(&format!("{name}.copy"));
        s3.download_file(
            DownloadFile::new(&bucket, name, &target),
            &five_mib_parts(3),
        )
        .await
        .expect("download_file");
        assert_eq!(sha256(&source), sha256(&target), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_part_carries_its_checksum_into_the_completion() {
    let s3 = client();
    let bucket = bucket(&s3, "sums").await;
    let log = record(&s3);
    let size = 11 * MIB;
    let data = Arc::new(pattern(size, 5));
    let scratch = Scratch::new();
    let file = scratch.path("sums.bin");
    std::fs::write(&file, data.as_slice()).expect("write");
    let cases = [
        (None, Sum::Crc32, false),
        (Some(ChecksumAlgorithm::Crc32c), Sum::Crc32c, false),
        (Some(ChecksumAlgorithm::Crc64nvme), Sum::Crc64Nvme, false),
        (Some(ChecksumAlgorithm::Sha1), Sum::Sha1, false),
        (Some(ChecksumAlgorithm::Sha256), Sum::Sha256, false),
        // File parts send their checksum as an aws-chunked trailer.
        (Some(ChecksumAlgorithm::Sha256), Sum::Sha256, true),
    ];
    for (algorithm, sum, from_file) in cases {
        log.lock().unwrap().clear();
        let key = format!("sum-{}-{from_file}", sum.name());
        let out = if from_file {
            let mut up = UploadFile::new(&file, &bucket, &key);
            if let Some(a) = algorithm.clone() {
                up = up.checksum_algorithm(a);
            }
            s3.upload_file(up, &five_mib_parts(2)).await
        } else {
            let chunks: Vec<Result<Bytes, std::io::Error>> = data
                .chunks(MIB as usize)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            let mut up =
                UploadStream::from_stream(futures_util::stream::iter(chunks), &bucket, &key);
            if let Some(a) = algorithm.clone() {
                up = up.checksum_algorithm(a);
            }
            s3.upload_stream(up, &five_mib_parts(2)).await
        }
        .unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!((out.bytes, out.parts), (size, 3), "{key}");

        let expected: Vec<String> = data
            .chunks(5 * MIB as usize)
            .map(|part| sum.checksum_of(part))
            .collect();
        {
            let sent = log.lock().unwrap();
            let create = of(&sent, "CreateMultipartUpload");
            assert_eq!(
                create[0].header("x-amz-checksum-algorithm"),
                Some(sum.name()),
                "{key}"
            );
            let parts = of(&sent, "UploadPart");
            assert_eq!(parts.len(), 3, "{key}");
            for part in parts {
                assert_eq!(
                    part.header("x-amz-sdk-checksum-algorithm"),
                    Some(sum.name()),
                    "{key}"
                );
                if from_file {
                    assert_eq!(part.header("x-amz-trailer"), Some(sum.header_name()));
                } else {
                    let number: usize = part
                        .uri
                        .split("partNumber=")
                        .nth(1)
                        .and_then(|n| n.split('&').next())
                        .and_then(|n| n.parse().ok())
                        .expect("part number");
                    assert_eq!(
                        part.header(sum.header_name()),
                        Some(expected[number - 1].as_str()),
                        "{key} part {number}"
                    );
                }
            }
            let complete = of(&sent, "CompleteMultipartUpload");
            let body = String::from_utf8_lossy(&complete[0].body);
            for (i, value) in expected.iter().enumerate() {
                let element = format!("<Checksum{0}>{value}</Checksum{0}>", sum.name());
                assert!(
                    body.contains(&element),
                    "{key}: part {} lacks {element} in {body}",
                    i + 1
                );
            }
        }
        // Ranged GETs: moto without its optional CRC64NVME library stores a
        // CRC32 under the CRC64NVME name for whole-object checksums, which a
        // whole GET would (rightly) refuse.
        let target = scratch.path(&key);
        s3.download_file(
            DownloadFile::new(&bucket, &key, &target),
            &five_mib_parts(2),
        )
        .await
        .expect("download_file");
        assert_eq!(sha256(&target), sha256_of(&data), "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_customer_key_goes_with_every_request_that_needs_it() {
    let s3 = client();
    let bucket = bucket(&s3, "ssec").await;
    let log = record(&s3);
    let scratch = Scratch::new();
    let source = scratch.path("secret.bin");
    write_file(&source, 11 * MIB, 77);
    let key = [0x42u8; 32];
    let key_b64 = base64::engine::general_purpose::STANDARD.encode(key);
    let key_md5 = Sum::Md5.checksum_of(&key);
    let config = five_mib_parts(3);
    s3.upload_file(
        UploadFile::new(&source, &bucket, "secret").sse_customer_key(key),
        &config,
    )
    .await
    .expect("upload_file");
    let target = scratch.path("secret.out");
    let down = s3
        .download_file(
            DownloadFile::new(&bucket, "secret", &target).sse_customer_key(key),
            &config,
        )
        .await
        .expect("download_file");
    assert_eq!(down.parts, 3);
    assert_eq!(sha256(&source), sha256(&target));
    let log = log.lock().unwrap();
    let mut checked = HashMap::new();
    for sent in log.iter() {
        assert_eq!(
            sent.header("x-amz-server-side-encryption-customer-algorithm"),
            Some("AES256"),
            "{} {}",
            sent.operation,
            sent.uri
        );
        assert_eq!(
            sent.header("x-amz-server-side-encryption-customer-key"),
            Some(key_b64.as_str()),
            "{}",
            sent.operation
        );
        assert_eq!(
            sent.header("x-amz-server-side-encryption-customer-key-md5"),
            Some(key_md5.as_str()),
            "{}",
            sent.operation
        );
        *checked.entry(sent.operation.as_str()).or_insert(0) += 1;
    }
    let mut checked: Vec<(&str, i32)> = checked.into_iter().collect();
    checked.sort();
    assert_eq!(
        checked,
        [
            ("CompleteMultipartUpload", 1),
            ("CreateMultipartUpload", 1),
            ("GetObject", 3),
            ("HeadObject", 1),
            ("UploadPart", 3)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn downloads_take_a_version_and_their_arguments_to_every_request() {
    let s3 = client();
    let bucket = versioned_bucket(&s3, "versions").await;
    let old = pattern(6 * MIB + 11, 1);
    let new = pattern(2 * MIB, 2);
    let config = five_mib_parts(2);
    let mut versions = Vec::new();
    for data in [&old, &new] {
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(data.clone()))]);
        s3.upload_stream(UploadStream::from_stream(body, &bucket, "doc"), &config)
            .await
            .expect("upload_stream");
        let head = s3
            .head_object(HeadObjectRequest::default().bucket(&bucket).key("doc"))
            .await
            .expect("head_object");
        versions.push(head.version_id.expect("a version"));
    }
    assert_ne!(versions[0], versions[1]);

    let log = record(&s3);
    let scratch = Scratch::new();
    let target = scratch.path("old.bin");
    let down = s3
        .download_file(
            DownloadFile::new(&bucket, "doc", &target)
                .version_id(&versions[0])
                .request_payer(RequestPayer::Requester)
                .expected_bucket_owner("123456789012")
                .checksum_mode(ChecksumMode::Enabled),
            &config,
        )
        .await
        .expect("download_file of the old version");
    assert_eq!((down.bytes, down.parts), (old.len() as u64, 2));
    assert_eq!(sha256(&target), sha256_of(&old));
    {
        let log = log.lock().unwrap();
        assert_eq!(of(&log, "HeadObject").len(), 1);
        assert_eq!(of(&log, "GetObject").len(), 2);
        for sent in log.iter() {
            assert!(
                sent.uri.contains(&format!("versionId={}", versions[0])),
                "{}",
                sent.uri
            );
            assert_eq!(sent.header("x-amz-request-payer"), Some("requester"));
            assert_eq!(
                sent.header("x-amz-expected-bucket-owner"),
                Some("123456789012")
            );
            assert_eq!(sent.header("x-amz-checksum-mode"), Some("ENABLED"));
        }
    }

    // One whole-object GET with the checksum mode: S3 (moto) sends the
    // object's checksum and the client checks the bytes against it.
    let latest = scratch.path("new.bin");
    s3.download_file(
        DownloadFile::new(&bucket, "doc", &latest).checksum_mode(ChecksumMode::Enabled),
        &config,
    )
    .await
    .expect("download_file of the latest version");
    assert_eq!(sha256(&latest), sha256_of(&new));
}

/// A reader of `data` that hands out at most 64 KiB per read and records
/// the most bytes it had handed out that were not yet uploaded.
struct Metered {
    data: Arc<Vec<u8>>,
    at: usize,
    uploaded: Arc<AtomicU64>,
    peak_held: Arc<AtomicU64>,
}

impl tokio::io::AsyncRead for Metered {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = buf
            .remaining()
            .min(64 * 1024)
            .min(self.data.len() - self.at);
        let at = self.at;
        buf.put_slice(&self.data[at..at + n]);
        self.at += n;
        let held = self.at as u64 - self.uploaded.load(Ordering::SeqCst);
        self.peak_held.fetch_max(held, Ordering::SeqCst);
        Poll::Ready(Ok(()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_of_unknown_length_goes_in_parts_read_as_they_go() {
    let s3 = client();
    let bucket = bucket(&s3, "reader").await;
    let log = record(&s3);
    // Slow parts, so that a reader not held back would run ahead of them.
    s3.handle()
        .events()
        .register("before-send.s3.UploadPart", |_| {
            std::thread::sleep(Duration::from_millis(150));
            None
        });
    let size = 23 * MIB + 7;
    let data = Arc::new(pattern(size, 3));
    let uploaded = Arc::new(AtomicU64::new(0));
    let peak_held = Arc::new(AtomicU64::new(0));
    let reader = Metered {
        data: data.clone(),
        at: 0,
        uploaded: uploaded.clone(),
        peak_held: peak_held.clone(),
    };
    let seen = uploaded.clone();
    let concurrency = 2;
    let out = s3
        .upload_stream(
            UploadStream::from_reader(reader, &bucket, "streamed")
                .content_type("application/x-stream")
                .on_progress(move |n| {
                    seen.fetch_add(n, Ordering::SeqCst);
                }),
            &five_mib_parts(concurrency),
        )
        .await
        .expect("upload_stream");
    assert_eq!((out.bytes, out.parts), (size, 5));
    assert_eq!(uploaded.load(Ordering::SeqCst), size);
    let peak = peak_held.load(Ordering::SeqCst);
    assert!(
        peak <= concurrency as u64 * 5 * MIB,
        "held {peak} bytes not yet uploaded; the bound is {}",
        concurrency as u64 * 5 * MIB
    );
    // Reading really waited: with the whole source read ahead, the peak
    // would be its size.
    assert!(peak < size);
    {
        let log = log.lock().unwrap();
        assert_eq!(of(&log, "UploadPart").len(), 5);
        assert_eq!(of(&log, "PutObject").len(), 0);
    }
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&bucket).key("streamed"))
        .await
        .expect("head_object");
    assert_eq!(head.content_length, Some(size as i64));
    assert_eq!(head.content_type.as_deref(), Some("application/x-stream"));
    assert_eq!(
        sha256_of(&download_bytes(&s3, &bucket, "streamed").await),
        sha256_of(&data)
    );
    assert_eq!(open_uploads(&s3, &bucket).await, 0);
}

#[tokio::test]
async fn a_short_stream_is_one_put_of_a_known_length() {
    let s3 = client();
    let bucket = bucket(&s3, "short").await;
    let log = record(&s3);
    let data = pattern(300_000, 8);
    let chunks: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(7_000)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let out = s3
        .upload_stream(
            UploadStream::from_stream(futures_util::stream::iter(chunks), &bucket, "short")
                .storage_class(StorageClass::OnezoneIa),
            &TransferConfig::default(),
        )
        .await
        .expect("upload_stream");
    assert_eq!((out.bytes, out.parts), (300_000, 0));
    let empty = s3
        .upload_stream(
            UploadStream::from_stream(
                futures_util::stream::iter(Vec::<Result<Bytes, std::io::Error>>::new()),
                &bucket,
                "empty",
            ),
            &TransferConfig::default().multipart_threshold(0),
        )
        .await
        .expect("upload_stream of nothing");
    assert_eq!((empty.bytes, empty.parts), (0, 0));
    {
        let log = log.lock().unwrap();
        let puts = of(&log, "PutObject");
        assert_eq!(puts.len(), 2);
        for put in puts {
            // Sent with its length: no chunked encodings S3 would refuse.
            assert_eq!(put.header("transfer-encoding"), None);
            assert_ne!(put.header("content-encoding"), Some("aws-chunked"));
        }
        assert_eq!(of(&log, "CreateMultipartUpload").len(), 0);
    }
    assert_eq!(download_bytes(&s3, &bucket, "short").await, data);
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&bucket).key("short"))
        .await
        .expect("head_object");
    assert_eq!(head.storage_class, Some(StorageClass::OnezoneIa));
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&bucket).key("empty"))
        .await
        .expect("head_object of the empty object");
    assert_eq!(head.content_length, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_source_that_fails_mid_way_aborts_the_upload() {
    let s3 = client();
    let bucket = bucket(&s3, "broken").await;
    let items: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from(pattern(6 * MIB, 4))),
        Ok(Bytes::from(pattern(5 * MIB, 5))),
        Err(std::io::Error::other("the pipe broke")),
    ];
    let err = s3
        .upload_stream(
            UploadStream::from_stream(futures_util::stream::iter(items), &bucket, "broken"),
            &five_mib_parts(2),
        )
        .await
        .expect_err("the source fails");
    assert!(
        matches!(&err, TransferError::Read(e) if e.to_string() == "the pipe broke"),
        "{err:?}"
    );
    assert_eq!(
        open_uploads(&s3, &bucket).await,
        0,
        "orphaned multipart upload"
    );
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&bucket).key("broken"))
        .await;
    assert_eq!(head.expect_err("no object").status(), Some(404));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copies_match_their_source_in_one_request_or_in_parts() {
    let s3 = client();
    let bucket = bucket(&s3, "copy").await;
    let log = record(&s3);
    let scratch = Scratch::new();
    let config = five_mib_parts(3);
    for (name, size, parts) in [("small", 3 * MIB + 1, 0), ("large", 12 * MIB + 5, 3)] {
        let source = scratch.path(name);
        write_file(&source, size, size + 1);
        s3.upload_file(
            UploadFile::new(&source, &bucket, name)
                .content_type("text/csv")
                .cache_control("no-cache")
                .metadata(HashMap::from([("kind".to_string(), name.to_string())]))
                .tags([("source", name)]),
            &config,
        )
        .await
        .expect("upload_file");

        // The source's metadata and tags carry over, as with CopyObject.
        log.lock().unwrap().clear();
        let (copied, on_progress) = counter();
        let copy_key = format!("{name}.copy");
        let out = s3
            .copy(
                ObjectCopy::new(&bucket, name, &bucket, &copy_key)
                    .storage_class(StorageClass::StandardIa)
                    .on_progress(on_progress),
                &config,
            )
            .await
            .expect("copy");
        assert_eq!((out.bytes, out.parts), (size, parts), "{name}");
        assert_eq!(copied.load(Ordering::SeqCst), size, "{name} progress");
        {
            let log = log.lock().unwrap();
            let part_copies = of(&log, "UploadPartCopy");
            assert_eq!(part_copies.len() as u32, parts, "{name}");
            assert_eq!(of(&log, "CopyObject").len(), usize::from(parts == 0));
            let source_e_tag = of(&log, "HeadObject").len();
            assert_eq!(source_e_tag, 1, "{name}: one HEAD of the source");
            let mut ranges: Vec<&str> = part_copies
                .iter()
                .map(|p| p.header("x-amz-copy-source-range").expect("a range"))
                .collect();
            ranges.sort();
            if parts == 3 {
                assert_eq!(
                    ranges,
                    [
                        "bytes=0-5242879",
                        "bytes=10485760-12582916",
                        "bytes=5242880-10485759"
                    ]
                );
            }
            for p in part_copies {
                assert!(p.header("x-amz-copy-source-if-match").is_some(), "pinned");
            }
        }
        let target = scratch.path(&copy_key);
        s3.download_file(DownloadFile::new(&bucket, &copy_key, &target), &config)
            .await
            .expect("download_file");
        assert_eq!(sha256(&source), sha256(&target), "{name}");
        let head = s3
            .head_object(HeadObjectRequest::default().bucket(&bucket).key(&copy_key))
            .await
            .expect("head_object");
        assert_eq!(head.content_type.as_deref(), Some("text/csv"), "{name}");
        assert_eq!(head.cache_control.as_deref(), Some("no-cache"), "{name}");
        assert_eq!(
            head.metadata.as_ref().and_then(|m| m.get("kind")),
            Some(&name.to_string()),
            "{name}"
        );
        assert_eq!(head.storage_class, Some(StorageClass::StandardIa), "{name}");
        assert_eq!(
            tags_of(&s3, &bucket, &copy_key).await,
            pairs(&[("source", name)]),
            "{name}"
        );

        // REPLACE puts the copy's own metadata and tags on it.
        let replaced = format!("{name}.replaced");
        s3.copy(
            ObjectCopy::new(&bucket, name, &bucket, &replaced)
                .metadata_directive(MetadataDirective::Replace)
                .tagging_directive(TaggingDirective::Replace)
                .content_type("application/json")
                .metadata(HashMap::from([("fresh".to_string(), "yes".to_string())]))
                .tags([("replaced", "true")]),
            &config,
        )
        .await
        .expect("copy with REPLACE");
        let head = s3
            .head_object(HeadObjectRequest::default().bucket(&bucket).key(&replaced))
            .await
            .expect("head_object");
        assert_eq!(head.content_type.as_deref(), Some("application/json"));
        let metadata = head.metadata.unwrap_or_default();
        assert_eq!(metadata.get("fresh").map(String::as_str), Some("yes"));
        assert_eq!(
            metadata.get("kind"),
            None,
            "{name}: source metadata replaced"
        );
        if parts > 0 {
            // moto's CopyObject keeps the source's tags whatever the
            // directive; the multipart copy sets exactly the given ones.
            assert_eq!(
                tags_of(&s3, &bucket, &replaced).await,
                pairs(&[("replaced", "true")])
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_copy_takes_a_source_version_and_the_source_customer_key() {
    let s3 = client();
    let bucket = versioned_bucket(&s3, "copyver").await;
    let config = five_mib_parts(2);
    let old = pattern(11 * MIB, 6);
    let new = pattern(MIB, 7);
    let key = [9u8; 32];
    let mut versions = Vec::new();
    for data in [&old, &new] {
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(data.clone()))]);
        s3.upload_stream(
            UploadStream::from_stream(body, &bucket, "src").sse_customer_key(key),
            &config,
        )
        .await
        .expect("upload_stream");
        let head = s3
            .head_object(HeadObjectRequest::default().bucket(&bucket).key("src"))
            .await
            .expect("head_object");
        versions.push(head.version_id.expect("a version"));
    }
    let log = record(&s3);
    let out = s3
        .copy(
            ObjectCopy::new(&bucket, "src", &bucket, "dst")
                .source_version_id(&versions[0])
                .copy_source_sse_customer_key(key)
                .sse_customer_key(key),
            &config,
        )
        .await
        .expect("copy of the old version");
    assert_eq!((out.bytes, out.parts), (old.len() as u64, 3));
    assert!(out.version_id.is_some());
    assert_eq!(
        sha256_of(&download_bytes(&s3, &bucket, "dst").await),
        sha256_of(&old)
    );
    let md5 = Sum::Md5.checksum_of(&key);
    let log = log.lock().unwrap();
    let head = of(&log, "HeadObject");
    assert!(head[0].uri.contains(&format!("versionId={}", versions[0])));
    assert_eq!(
        head[0].header("x-amz-server-side-encryption-customer-key-md5"),
        Some(md5.as_str())
    );
    for part in of(&log, "UploadPartCopy") {
        assert!(
            part.header("x-amz-copy-source")
                .is_some_and(|s| s.ends_with(&format!("?versionId={}", versions[0]))),
            "{:?}",
            part.header("x-amz-copy-source")
        );
        assert_eq!(
            part.header("x-amz-copy-source-server-side-encryption-customer-key-md5"),
            Some(md5.as_str())
        );
        assert_eq!(
            part.header("x-amz-server-side-encryption-customer-key-md5"),
            Some(md5.as_str())
        );
    }
    assert_eq!(of(&log, "UploadPartCopy").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_part_copy_aborts_the_multipart_copy() {
    let s3 = client();
    let bucket = bucket(&s3, "copyabort").await;
    let scratch = Scratch::new();
    let source = scratch.path("source.bin");
    write_file(&source, 12 * MIB, 12);
    let config = five_mib_parts(2);
    s3.upload_file(UploadFile::new(&source, &bucket, "src"), &config)
        .await
        .expect("upload_file");
    s3.handle()
        .events()
        .register("before-send.s3.UploadPartCopy", move |event| {
            let uri = event.request.as_ref().map(|r| r.uri().to_string());
            if uri.is_some_and(|u| u.contains("partNumber=2")) {
                return Some(HookOutcome::Respond(HttpResponse {
                    status: 500,
                    headers: Default::default(),
                    body: Bytes::from_static(
                        b"<Error><Code>InternalError</Code><Message>injected</Message></Error>",
                    ),
                }));
            }
            None
        });
    let err = s3
        .copy(ObjectCopy::new(&bucket, "src", &bucket, "dst"), &config)
        .await
        .expect_err("part 2 fails");
    assert!(
        matches!(
            &err,
            TransferError::Api {
                operation: "UploadPartCopy",
                status: Some(500),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        open_uploads(&s3, &bucket).await,
        0,
        "orphaned multipart upload"
    );
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&bucket).key("dst"))
        .await;
    assert_eq!(head.expect_err("no copy").status(), Some(404));
}

/// A reader that counts its reads and yields nothing.
struct Untouched(Arc<AtomicUsize>);

impl tokio::io::AsyncRead for Untouched {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn bad_arguments_are_refused_before_anything_is_sent() {
    let s3 = client();
    let log = record(&s3);
    let scratch = Scratch::new();
    let source = scratch.path("source.bin");
    write_file(&source, 1024, 1);
    let config = TransferConfig::default();
    let reads = Arc::new(AtomicUsize::new(0));
    let mut errors = vec![
        s3.upload_file(
            UploadFile::new(&source, "bucket", "k").sse_customer_key([1u8; 16]),
            &config,
        )
        .await
        .expect_err("short SSE-C key"),
        s3.upload_file(
            UploadFile::new(&source, "bucket", "k")
                .server_side_encryption(ServerSideEncryption::Aes256)
                .sse_customer_key([1u8; 32]),
            &config,
        )
        .await
        .expect_err("two encryptions"),
        s3.upload_file(
            UploadFile::new(&source, "bucket", "k").checksum_algorithm(ChecksumAlgorithm::Md5),
            &config,
        )
        .await
        .expect_err("MD5 is not a flexible checksum"),
        s3.upload_file(UploadFile::new(&source, "bucket", ""), &config)
            .await
            .expect_err("empty key"),
        s3.upload_stream(
            UploadStream::from_reader(Untouched(reads.clone()), "bucket", "k")
                .ssekms_key_id("alias/k"),
            &config,
        )
        .await
        .expect_err("a KMS key without KMS"),
        s3.download_file(
            DownloadFile::new("bucket", "k", scratch.path("out")).sse_customer_key(b"too short"),
            &config,
        )
        .await
        .expect_err("short SSE-C key"),
        s3.copy(
            ObjectCopy::new("bucket", "a", "bucket", "b").content_type("text/plain"),
            &config,
        )
        .await
        .expect_err("metadata a copy would ignore"),
        s3.copy(
            ObjectCopy::new("bucket", "a", "bucket", "b").tags([("k", "v")]),
            &config,
        )
        .await
        .expect_err("tags a copy would ignore"),
    ];
    for err in errors.drain(..) {
        assert!(matches!(err, TransferError::InvalidRequest(_)), "{err:?}");
    }
    assert_eq!(reads.load(Ordering::SeqCst), 0, "the source was read");
    assert!(log.lock().unwrap().is_empty(), "a request was sent");
    assert_eq!(scratch.entries(), ["source.bin"]);
}
