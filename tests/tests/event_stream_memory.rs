//! Peak memory of consuming an event stream: a loopback server (in this
//! process, HTTP/1.1) answers Lambda `InvokeWithResponseStream` with 1 GiB
//! of `PayloadChunk` events (64 KiB each); the client reads them all with
//! `EventReceiver::recv`. Prints the RSS of the idle client and the peak
//! above it (the peak is reset with `/proc/self/clear_refs` after the idle
//! reading), and fails when the peak is 32 MiB or more above idle.
//!
//! Takes a while, so it is not part of `cargo test`; run it with
//!
//! ```text
//! cargo test --release -p myaws-tests --test event_stream_memory
//! ```
//!
//! `MYAWS_EVENT_STREAM_MIB` picks another size (in MiB), and
//! `MYAWS_EVENT_STREAM_HTTP2=1` runs it over HTTP/2 (TLS).

mod eventstream_common;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use eventstream_common::{event, handler, Mode, Server};
use myaws_core::{Credentials, Session};
use myaws_lambda::types::{InvokeWithResponseStreamRequest, InvokeWithResponseStreamResponseEvent};

/// The most the peak may be above the idle client.
const LIMIT_KIB: u64 = 32 * 1024;
/// Size of each event's payload.
const CHUNK: usize = 64 * 1024;

fn main() -> ExitCode {
    let mib: usize = std::env::var("MYAWS_EVENT_STREAM_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let mode = if std::env::var("MYAWS_EVENT_STREAM_HTTP2").is_ok_and(|v| v == "1") {
        Mode::Tls
    } else {
        Mode::Plain
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let above = runtime.block_on(measure(mib << 20, mode));
    if above < LIMIT_KIB {
        println!("ok: peak RSS {above} KiB above the idle client (< {LIMIT_KIB} KiB)");
        ExitCode::SUCCESS
    } else {
        println!("FAILED: peak RSS {above} KiB above the idle client (>= {LIMIT_KIB} KiB)");
        ExitCode::FAILURE
    }
}

/// Streams `size` bytes of events; returns the peak RSS above idle, KiB.
async fn measure(size: usize, mode: Mode) -> u64 {
    let events = size / CHUNK;
    let server = Server::start(
        mode,
        handler(move |ex| async move {
            let mut reply = ex.reply;
            reply.head(
                200,
                &[("content-type", "application/vnd.amazon.eventstream")],
            );
            // One frame, sent again and again (cloning `Bytes` copies
            // nothing), so the server holds next to no memory.
            let payload: Vec<u8> = (0..CHUNK).map(|i| (i % 251) as u8).collect();
            let frame = Bytes::from(event("PayloadChunk", "application/octet-stream", &payload));
            for _ in 0..events {
                if !reply.send(frame.clone()).await {
                    return;
                }
            }
            let complete = event("InvokeComplete", "application/json", b"{}");
            reply.send(complete).await;
        }),
    )
    .await;
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url(server.url())
        .build()
        .unwrap();
    let config = server.client_config().read_timeout(Duration::from_secs(60));
    let client = myaws_lambda::Client::with_config(&session, config).unwrap();

    // Warm up (model, endpoint rules, connection), then the idle reading.
    let small = Server::start(
        mode,
        handler(|ex| async move {
            let mut reply = ex.reply;
            reply.head(
                200,
                &[("content-type", "application/vnd.amazon.eventstream")],
            );
            reply
                .send(event("InvokeComplete", "application/json", b"{}"))
                .await;
        }),
    )
    .await;
    let warm_session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url(small.url())
        .build()
        .unwrap();
    let warm = myaws_lambda::Client::with_config(&warm_session, small.client_config()).unwrap();
    let out = warm
        .invoke_with_response_stream(InvokeWithResponseStreamRequest::default().function_name("f"))
        .await
        .expect("warm-up call");
    let mut stream = out.event_stream.unwrap();
    while stream.recv().await.expect("warm-up stream").is_some() {}
    drop(small);

    let idle = status_kib("VmRSS:");
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    println!(
        "idle client: VmRSS {idle} KiB (peak reset: {})",
        if reset {
            "yes"
        } else {
            "no, VmHWM is since start"
        }
    );

    let started = Instant::now();
    let out = client
        .invoke_with_response_stream(InvokeWithResponseStreamRequest::default().function_name("f"))
        .await
        .expect("invoke_with_response_stream");
    let mut stream = out.event_stream.unwrap();
    let (mut bytes, mut chunks, mut complete) = (0usize, 0usize, false);
    while let Some(event) = stream.recv().await.expect("the stream") {
        match event {
            InvokeWithResponseStreamResponseEvent::PayloadChunk(c) => {
                bytes += c.payload.map_or(0, |p| p.len());
                chunks += 1;
            }
            InvokeWithResponseStreamResponseEvent::InvokeComplete(_) => complete = true,
            other => panic!("{other:?}"),
        }
    }
    let elapsed = started.elapsed();
    assert!(complete, "no InvokeComplete");
    assert_eq!(bytes, events * CHUNK);
    let peak = status_kib("VmHWM:");
    println!(
        "{} MiB in {chunks} events over {:?} in {elapsed:.1?} ({:.0} MiB/s); VmHWM {peak} KiB, \
         VmRSS {} KiB",
        bytes >> 20,
        server.versions(),
        (bytes >> 20) as f64 / elapsed.as_secs_f64(),
        status_kib("VmRSS:")
    );
    peak.saturating_sub(idle)
}

/// A `/proc/self/status` field in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
