//! Memory benchmark: a 1 GiB upload (a generated stream, never held) and a
//! 1 GiB download (streamed and checksummed, never held) through the S3
//! client against a local streaming server keep this process's peak RSS
//! (VmHWM) under 100 MiB. Prints the figures.

mod s3_common;

use std::time::Instant;

use bytes::Bytes;
use futures_util::stream;
use myaws_core::auth::SignatureVersion;
use myaws_core::checksum::ChecksumAlgorithm;
use myaws_s3::types::{GetObjectRequest, PutObjectRequest};
use myaws_s3::ByteStream;
use myaws_s3::ClientConfig;
use s3_common::scripted_client_with;
use s3_common::server::{self, Body, Reply};

const GIB: u64 = 1 << 30;
const PIECE: usize = 1 << 20;
const LIMIT_KIB: u64 = 100 * 1024;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("field in /proc/self/status")
}

fn piece() -> Bytes {
    Bytes::from((0..PIECE).map(|i| (i % 253) as u8).collect::<Vec<u8>>())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gib_up_and_down_in_bounded_memory() {
    let pattern = piece();
    // The checksum of the download, computed ahead over the same pattern.
    let mut crc = ChecksumAlgorithm::Crc32.hasher();
    for _ in 0..GIB / PIECE as u64 {
        crc.update(&pattern);
    }
    let expected = crc.finish_base64();
    let download = pattern.clone();
    let srv = server::start(move |seen, _| {
        if seen.method == "GET" {
            Reply {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/octet-stream".into()),
                    ("x-amz-checksum-crc32".into(), expected.clone()),
                ],
                body: Body::Generated {
                    pattern: download.clone(),
                    len: GIB,
                },
            }
        } else {
            Reply::xml(200, "").header("etag", "\"big\"")
        }
    })
    .await;
    // Unsigned, as real S3 gets a stream over HTTPS: unsigned aws-chunked
    // with a trailing checksum (over plain HTTP a signed client would sign
    // every 64 KiB chunk, which costs this debug-built test far more time
    // and no memory).
    let s3 = scripted_client_with(
        &srv.endpoint,
        ClientConfig::default()
            .max_attempts(1)
            .signature_version(SignatureVersion::Unsigned),
    );
    let before = status_kib("VmHWM:");

    // Upload: 1024 pieces of 1 MiB, shared (not copied) by the generator.
    let started = Instant::now();
    let source = pattern.clone();
    let chunks =
        stream::iter((0..GIB / PIECE as u64).map(move |_| Ok::<_, std::io::Error>(source.clone())));
    let body = ByteStream::from_stream_with_length(chunks, GIB);
    s3.put_object(
        PutObjectRequest::default()
            .bucket("b")
            .key("big")
            .body(body),
    )
    .await
    .expect("1 GiB upload");
    let up_secs = started.elapsed().as_secs_f64();
    let after_up = status_kib("VmHWM:");
    {
        let seen = srv.seen.lock().unwrap();
        let put = seen.last().unwrap();
        assert_eq!(put.header("content-encoding"), Some("aws-chunked"));
        // 1 GiB of data plus the aws-chunked framing and trailer.
        assert_eq!(
            put.header("x-amz-decoded-content-length"),
            Some("1073741824")
        );
        assert_eq!(
            put.header("x-amz-content-sha256"),
            Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        );
        assert!(
            put.body_len > GIB && put.body_len < GIB + GIB / 1000,
            "{}",
            put.body_len
        );
        let tail = String::from_utf8_lossy(&put.body_tail).to_string();
        let mut want = ChecksumAlgorithm::Crc32.hasher();
        for _ in 0..GIB / PIECE as u64 {
            want.update(&pattern);
        }
        assert!(
            tail.contains(&format!("x-amz-checksum-crc32:{}", want.finish_base64())),
            "{tail:?}"
        );
    }

    // Download: read chunk by chunk, checksum validated at the end.
    let started = Instant::now();
    let out = s3
        .get_object(GetObjectRequest::default().bucket("b").key("big"))
        .await
        .expect("1 GiB download");
    assert_eq!(out.content_length, Some(GIB as i64));
    let mut body = out.body.expect("body");
    let mut total = 0u64;
    while let Some(chunk) = body.next().await {
        total += chunk.expect("chunk (and checksum) ok").len() as u64;
    }
    let down_secs = started.elapsed().as_secs_f64();
    assert_eq!(total, GIB);
    let peak = status_kib("VmHWM:");
    println!(
        "s3 memory: peak RSS {:.1} MiB (before {:.1} MiB, after upload {:.1} MiB); \
         upload 1 GiB in {up_secs:.1} s ({:.0} MiB/s), download 1 GiB in {down_secs:.1} s ({:.0} MiB/s)",
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        after_up as f64 / 1024.0,
        1024.0 / up_secs,
        1024.0 / down_secs,
    );
    assert!(
        peak < LIMIT_KIB,
        "peak RSS {peak} KiB is over the {LIMIT_KIB} KiB budget"
    );
}
