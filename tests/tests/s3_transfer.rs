//! Managed transfers (`upload_file` / `download_file`) against moto: round
//! trips below and above the multipart threshold compared by SHA-256,
//! progress totals, parts really in flight together, and no multipart upload
//! left behind when a part fails.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use myaws_core::events::HttpResponse;
use myaws_core::Bytes;
use myaws_s3::custom::transfer::{DownloadFile, TransferConfig, TransferError, UploadFile, MIB};
use myaws_s3::types::{HeadObjectRequest, ListMultipartUploadsRequest};
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
