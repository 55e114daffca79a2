//! Peak memory of buffered responses, hostile and plain, through real calls
//! against the fault server: for each case, the process's peak RSS is reset
//! (`/proc/self/clear_refs`), the call is made, and the growth of `VmHWM`
//! over the RSS before the call is compared with the body's size (the live
//! heap's peak is printed beside it). Hostile bodies must stay under 4×
//! their size; plausible ones, which parse in full, have their own bounds
//! (see each case).
//!
//! Its own test binary (no harness); each case runs in a fresh child
//! process (this binary again, with `--case N`), so that neither other
//! tests nor memory freed by an earlier case hide its growth. `cargo test`
//! runs it.

use std::time::{Duration, Instant};

use myaws_core::config::Env;
use myaws_core::{ClientConfig, Credentials, SdkError, Session};
use myaws_tests::fault_server::{Fault, FaultServer};
use serde_json::json;

const MIB: usize = 1 << 20;

/// Counts live heap bytes and their peak, beside the RSS figures.
struct Counting;

static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use std::sync::atomic::Ordering::Relaxed;
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        std::alloc::System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        std::alloc::System.dealloc(ptr, layout)
    }
    // The system's realloc (mremap for large blocks: no copy, no double).
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        use std::sync::atomic::Ordering::Relaxed;
        if new >= layout.size() {
            let live = LIVE.fetch_add(new - layout.size(), Relaxed) + new - layout.size();
            PEAK.fetch_max(live, Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new, Relaxed);
        }
        std::alloc::System.realloc(ptr, layout, new)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The size of the large bodies: 24 MiB by default (a debug build parses
/// them in a few seconds), `MYAWS_FAULT_MEMORY_MIB` for another (the issue
/// measured 60 MiB).
fn body_size() -> usize {
    std::env::var("MYAWS_FAULT_MEMORY_MIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(24)
        * MIB
}

fn status_kib(field: &str) -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets `VmHWM` to the current RSS (Linux 4.0+).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn generated(content_type: &str, prefix: &str, unit: &str, suffix: &str) -> (Fault, usize) {
    sized(body_size(), content_type, prefix, unit, suffix)
}

fn sized(
    size: usize,
    content_type: &str,
    prefix: &str,
    unit: &str,
    suffix: &str,
) -> (Fault, usize) {
    let count = (size - prefix.len() - suffix.len()) / unit.len();
    let len = prefix.len() + unit.len() * count + suffix.len();
    let fault = Fault::Generated {
        headers: vec![("content-type".into(), content_type.into())],
        prefix: prefix.into(),
        unit: unit.into(),
        count,
        suffix: suffix.into(),
        chunked: false,
    };
    (fault, len)
}

struct Case {
    name: &'static str,
    service: &'static str,
    op: &'static str,
    params: serde_json::Value,
    fault: Fault,
    body: usize,
    /// Whether the call should succeed (else: refused as hostile).
    ok: bool,
    /// Through the typed S3 client instead of the JSON (dynamic) path.
    typed: bool,
    /// The largest peak RSS growth allowed, as a multiple of the body.
    max_ratio: f64,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let (fault, body) = generated(
        "application/x-amz-json-1.0",
        "{\"QueueUrls\":[",
        "\"\",",
        "\"\"]}",
    );
    cases.push(Case {
        name: "JSON, empty strings (SQS ListQueues)",
        service: "sqs",
        op: "ListQueues",
        params: json!({}),
        fault,
        body,
        ok: false,
        typed: false,
        max_ratio: 4.0,
    });
    let (fault, body) = generated("application/json", "{\"Functions\":[", "{},", "{}]}");
    cases.push(Case {
        name: "JSON, empty objects (Lambda ListFunctions)",
        service: "lambda",
        op: "ListFunctions",
        params: json!({}),
        fault,
        body,
        ok: false,
        typed: false,
        max_ratio: 4.0,
    });
    let (fault, body) = generated(
        "application/json",
        "{",
        "\"Unknown\":[0,0,0,0],",
        "\"Functions\":[]}",
    );
    cases.push(Case {
        name: "JSON, members the model does not know",
        service: "lambda",
        op: "ListFunctions",
        params: json!({}),
        fault,
        body,
        ok: true,
        typed: false,
        max_ratio: 4.0,
    });
    let (fault, body) = generated(
        "application/xml",
        "<ListBucketResult>",
        "<Contents/>",
        "</ListBucketResult>",
    );
    cases.push(Case {
        name: "XML, empty elements (S3 ListObjectsV2)",
        service: "s3",
        op: "ListObjectsV2",
        params: json!({"Bucket": "b"}),
        fault,
        body,
        ok: false,
        typed: false,
        max_ratio: 4.0,
    });
    let (fault, body) = generated(
        "application/xml",
        "<ListBucketResult>",
        "<Junk/>",
        "<Name>b</Name></ListBucketResult>",
    );
    cases.push(Case {
        name: "XML, elements the model does not know",
        service: "s3",
        op: "ListObjectsV2",
        params: json!({"Bucket": "b"}),
        fault,
        body,
        ok: true,
        typed: false,
        max_ratio: 4.0,
    });
    // Plausible objects parse to about twice their size; 12 MiB of them
    // (50,000 objects, fifty pages' worth) stay within the budget.
    let (fault, body) = sized(
        12 * MIB,
        "application/xml",
        "<ListBucketResult><Name>b</Name>",
        "<Contents><Key>photos/2026/12/06/IMG_0001.jpg</Key><LastModified>2026-12-06T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>123456</Size><StorageClass>STANDARD</StorageClass></Contents>",
        "</ListBucketResult>",
    );
    cases.push(Case {
        name: "XML, plausible objects, JSON output (S3 ListObjectsV2)",
        service: "s3",
        op: "ListObjectsV2",
        params: json!({"Bucket": "b"}),
        fault,
        body,
        ok: true,
        typed: false,
        // The peak is the JSON result itself. The body is freed before the
        // result is built, and the value tree (~1.9x: a 32-byte slot for
        // every member of every object) is consumed as it is
        // (`convert::into_json`: maps sized to their members, lists
        // converted in place or given back as they empty), so the peak heap
        // is the result's: 3.5x. Its heap blocks weigh more, 4.4x the XML:
        // per object a BTreeMap leaf of 632 bytes (a 640-byte block), five
        // keys and four strings of 3 to 34 bytes in blocks of 32 or 48
        // (glibc's 8-byte header, 32-byte minimum), 992 bytes against 228
        // of XML. Measured 4.34x alone and 4.50x in the workspace build
        // (serde_json's `preserve_order`, which xtask turns on: IndexMap
        // entries and indices instead of the leaf). Under 4x would need a
        // result smaller than a `serde_json::Value` or an allocator without
        // per-block headers. It was 4.48x / 4.62x with both lists' buffers
        // held and timestamps in 48-byte blocks, 4.75x / 5.7x with 40-byte
        // slots and maps grown by doubling, 6.8x / 7.9x while the tree and
        // the JSON were both held.
        max_ratio: 4.75,
    });
    let (fault, body) = sized(
        12 * MIB,
        "application/xml",
        "<ListBucketResult><Name>b</Name>",
        "<Contents><Key>photos/2026/12/06/IMG_0001.jpg</Key><LastModified>2026-12-06T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>123456</Size><StorageClass>STANDARD</StorageClass></Contents>",
        "</ListBucketResult>",
    );
    cases.push(Case {
        name: "XML, plausible objects, typed (S3 list_objects_v2)",
        service: "s3",
        op: "ListObjectsV2",
        params: json!({"Bucket": "b"}),
        fault,
        body,
        ok: true,
        typed: true,
        // The value tree (~1.9x), consumed into the typed output (~1x):
        // measured 3.63x alone, 3.70x in the workspace build (3.9x / 4.1x
        // with 40-byte slots).
        max_ratio: 4.0,
    });
    let payload = 6 * MIB - 2;
    cases.push(Case {
        name: "Lambda Invoke, a 6 MiB payload",
        service: "lambda",
        op: "Invoke",
        params: json!({"FunctionName": "f"}),
        fault: Fault::Generated {
            headers: vec![("content-type".into(), "application/json".into())],
            prefix: b"\"".to_vec(),
            unit: b"x".repeat(1024 * 1024 - 1),
            count: 6,
            suffix: b"\"".to_vec(),
            chunked: false,
        },
        body: payload,
        ok: true,
        typed: false,
        max_ratio: 4.0,
    });
    cases
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        let n: usize = args[i + 1].parse().expect("case number");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        std::process::exit(runtime.block_on(run_case(n)));
    }
    if !reset_peak() {
        println!("fault_memory: /proc/self/clear_refs unavailable; skipped");
        return;
    }
    println!("| case | body | peak RSS growth | ratio | peak heap growth | outcome | time |");
    println!("|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe().expect("this test binary");
    let (mut passed, mut failed) = (0, 0);
    for n in 0..cases().len() {
        let status = std::process::Command::new(&exe)
            .args(["--case", &n.to_string()])
            .status()
            .expect("run a case");
        if status.success() {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

/// Runs case `n`, prints its row; the exit code says whether it passed.
async fn run_case(n: usize) -> i32 {
    let case = cases().swap_remove(n);
    let session = Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    let server = FaultServer::start(vec![case.fault.clone()]).await;
    let dir = myaws_tests::workspace_root()
        .join("models")
        .join(case.service);
    let config = ClientConfig::default()
        .endpoint_url(server.url())
        .max_attempts(1)
        .read_timeout(Duration::from_secs(30));
    let client = session.client_from_model(dir, config.clone()).unwrap();
    let s3 = myaws_s3::Client::with_config(&session, config).unwrap();
    reset_peak();
    let before = status_kib("VmRSS:");
    let heap_before = LIVE.load(std::sync::atomic::Ordering::Relaxed);
    PEAK.store(heap_before, std::sync::atomic::Ordering::Relaxed);
    let started = Instant::now();
    let result = if case.typed {
        s3.list_objects_v2(myaws_s3::types::ListObjectsV2Request::default().bucket("b"))
            .await
            .map(|out| json!({"objects": out.contents.map_or(0, |c| c.len())}))
            .map_err(|e| e.to_string())
    } else {
        client
            .call_json(case.op, case.params.clone())
            .await
            .map_err(|e| match e {
                SdkError::Response(r) if r.message.contains("refused") => "refused".to_string(),
                other => other.to_string(),
            })
    };
    let took = started.elapsed();
    let peak = status_kib("VmHWM:");
    let heap_peak = PEAK.load(std::sync::atomic::Ordering::Relaxed) - heap_before;
    let growth = peak.saturating_sub(before) * 1024;
    let ratio = growth as f64 / case.body as f64;
    let outcome = match &result {
        Ok(_) => "parsed".to_string(),
        Err(e) if e.contains("refused") => "refused".into(),
        Err(e) => format!("error: {e}"),
    };
    println!(
        "| {} | {:.1} MiB | {:.1} MiB | {ratio:.2}x | {:.1} MiB | {outcome} | {:.1} s |",
        case.name,
        case.body as f64 / MIB as f64,
        growth as f64 / MIB as f64,
        heap_peak as f64 / MIB as f64,
        took.as_secs_f64()
    );
    let expected = if case.ok { "parsed" } else { "refused" };
    if outcome != expected {
        eprintln!("FAILED: {}: expected {expected}, got {outcome}", case.name);
        1
    } else if ratio >= case.max_ratio {
        eprintln!(
            "FAILED: {}: peak RSS grew {ratio:.2}x the body (at most {}x)",
            case.name, case.max_ratio
        );
        1
    } else {
        0
    }
}
