//! Peak memory of the transfer helpers: uploads a 1 GiB file with
//! `upload_file` and downloads it again with `download_file` (default
//! `TransferConfig`: 8 MiB parts, 10 in flight) against moto, then prints
//! this process's peak RSS (`VmHWM`) and fails above 100 MiB.
//!
//! Takes a minute or more, so it is not part of `cargo test`; run it with
//!
//! ```text
//! cargo test --release -p myaws-tests --test s3_transfer_memory
//! ```
//!
//! `MYAWS_TRANSFER_MEMORY_MIB` picks another file size (in MiB).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use myaws_s3::custom::transfer::{DownloadFile, TransferConfig, UploadFile, MIB};
use myaws_s3::types::{CreateBucketRequest, DeleteBucketRequest, DeleteObjectRequest};
use sha2::{Digest, Sha256};

mod s3_common;
use s3_common::client;

/// The most this process may hold at its peak.
const LIMIT_KIB: u64 = 100 * 1024;

fn main() -> ExitCode {
    let mib: u64 = std::env::var("MYAWS_TRANSFER_MEMORY_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let peak = runtime.block_on(measure(mib * MIB));
    if peak <= LIMIT_KIB {
        println!("ok: peak RSS {} KiB <= {LIMIT_KIB} KiB", peak);
        ExitCode::SUCCESS
    } else {
        println!("FAILED: peak RSS {} KiB > {LIMIT_KIB} KiB", peak);
        ExitCode::FAILURE
    }
}

/// Runs the round trip; returns the peak RSS in KiB.
async fn measure(size: u64) -> u64 {
    let s3 = client();
    let dir = Scratch::new();
    let source = dir.0.join("source.bin");
    let target = dir.0.join("copy.bin");
    let started = Instant::now();
    let expected = write_file(&source, size);
    println!(
        "generated {} MiB in {:.1?}; VmHWM {} KiB, VmRSS {} KiB",
        size / MIB,
        started.elapsed(),
        status_kib("VmHWM:"),
        status_kib("VmRSS:")
    );

    let bucket = format!("memory-{}", std::process::id());
    s3.create_bucket(CreateBucketRequest::default().bucket(&bucket))
        .await
        .expect("create_bucket");
    let config = TransferConfig::default();

    let started = Instant::now();
    let up = s3
        .upload_file(UploadFile::new(&source, &bucket, "big.bin"), &config)
        .await
        .expect("upload_file");
    report("upload", up.bytes, up.parts, started);

    let started = Instant::now();
    let down = s3
        .download_file(DownloadFile::new(&bucket, "big.bin", &target), &config)
        .await
        .expect("download_file");
    report("download", down.bytes, down.parts, started);
    let peak = status_kib("VmHWM:");

    assert_eq!(sha256_file(&target), expected, "downloaded contents differ");
    println!("contents match (SHA-256 {expected})");
    s3.delete_object(
        DeleteObjectRequest::default()
            .bucket(&bucket)
            .key("big.bin"),
    )
    .await
    .expect("delete_object");
    s3.delete_bucket(DeleteBucketRequest::default().bucket(&bucket))
        .await
        .expect("delete_bucket");
    peak
}

fn report(what: &str, bytes: u64, parts: u32, started: Instant) {
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{what}: {} MiB in {parts} parts, {secs:.1} s ({:.0} MiB/s); VmHWM {} KiB, VmRSS {} KiB",
        bytes / MIB,
        bytes as f64 / MIB as f64 / secs.max(1e-9),
        status_kib("VmHWM:"),
        status_kib("VmRSS:")
    );
}

/// A `/proc/self/status` field in KiB (`VmHWM:`, `VmRSS:`).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("field in /proc/self/status")
}

/// Writes `size` pseudo-random bytes to `path` in small blocks; returns
/// their SHA-256.
fn write_file(path: &Path, size: u64) -> String {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut hasher = Sha256::new();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut block = [0u8; 64 * 1024];
    let mut left = size;
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n]).expect("write");
        hasher.update(&block[..n]);
        left -= n as u64;
    }
    file.flush().expect("flush");
    hex(&hasher.finalize())
}

fn sha256_file(path: &Path) -> String {
    let mut file = std::fs::File::open(path).expect("open");
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            return hex(&hasher.finalize());
        }
        hasher.update(&buf[..n]);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("myaws-memory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
