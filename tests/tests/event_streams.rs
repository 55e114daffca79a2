//! Event streams end to end against a loopback server playing
//! recorded-style frames, over HTTP/1.1 and HTTP/2: Kinesis
//! `SubscribeToShard` (json, `initial-response`), Lambda
//! `InvokeWithResponseStream` (rest-json, blob payloads, header-bound output
//! members), Bedrock `ConverseStream` (rest-json, exception events) and the
//! bidirectional `InvokeModelWithBidirectionalStream` (input events signed
//! and checked at the server). Every fault ends the stream with an error,
//! never a panic or a hang; each test is bounded in time.

mod eventstream_common;

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use eventstream_common::{
    drain, event, exception, frame, handler, json_event, read_all, read_signed_events,
    send_in_pieces, EventSignatures, Hv, Mode, Server,
};
use myaws_bedrock_runtime::types::{
    BidirectionalInputPayloadPart, ContentBlock, ConversationRole, ConverseStreamOutput,
    ConverseStreamRequest, InvokeModelWithBidirectionalStreamInput,
    InvokeModelWithBidirectionalStreamOutput, InvokeModelWithBidirectionalStreamRequest, Message,
};
use myaws_core::eventstream::{EventStreamError, FrameError};
use myaws_core::{Credentials, Session};
use myaws_kinesis::types::{
    ShardIteratorType, StartingPosition, SubscribeToShardEventStream, SubscribeToShardInput,
};
use myaws_lambda::types::{InvokeWithResponseStreamRequest, InvokeWithResponseStreamResponseEvent};
use serde_json::json;

const SECRET: &str = "event-stream-secret";
const CONSUMER: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1";
/// Longest any test may take.
const LIMIT: Duration = Duration::from_secs(60);

async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("the test ran past its time limit (a hang)")
}

fn session(server: &Server) -> Session {
    Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEVENTS", SECRET, None, None))
        .endpoint_url(server.url())
        .build()
        .unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const STREAM_HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/vnd.amazon.eventstream"),
    ("x-amzn-requestid", "req-events"),
];

/// The HTTP version a client in `mode` talks (TLS offers h2 by ALPN).
fn version(mode: Mode) -> http::Version {
    match mode {
        Mode::Plain => http::Version::HTTP_11,
        Mode::Tls => http::Version::HTTP_2,
    }
}

// ------------------------------------------------------------ Kinesis

/// Kinesis frames: `initial-response`, then `SubscribeToShardEvent`s.
fn kinesis_frames(events: usize) -> Vec<u8> {
    let mut out = json_event("initial-response", &json!({}));
    for i in 0..events {
        out.extend(json_event(
            "SubscribeToShardEvent",
            &json!({
                "Records": [{
                    "SequenceNumber": format!("4959{i:04}"),
                    "ApproximateArrivalTimestamp": 1.7e9 + i as f64,
                    "Data": b64(format!("record {i}").as_bytes()),
                    "PartitionKey": "pk"
                }],
                "ContinuationSequenceNumber": format!("4959{i:04}"),
                "MillisBehindLatest": 0
            }),
        ));
    }
    out
}

async fn kinesis_server(mode: Mode) -> Server {
    Server::start(
        mode,
        handler(|ex| async move {
            let mut reply = ex.reply;
            let target = ex.parts.headers.get("x-amz-target").cloned();
            let body = read_all(ex.body).await;
            let ok = target.is_some_and(|t| t == "Kinesis_20131202.SubscribeToShard")
                && serde_json::from_slice::<serde_json::Value>(&body)
                    .is_ok_and(|b| b["ShardId"] == "shardId-000000000000");
            if !ok {
                reply.head(400, &[("content-type", "application/x-amz-json-1.1")]);
                reply
                    .send(r#"{"__type": "InvalidArgumentException"}"#)
                    .await;
                return;
            }
            reply.head(200, STREAM_HEADERS);
            send_in_pieces(&reply, &kinesis_frames(3), 7).await;
        }),
    )
    .await
}

fn subscribe() -> SubscribeToShardInput {
    SubscribeToShardInput::default()
        .consumer_arn(CONSUMER)
        .shard_id("shardId-000000000000")
        .starting_position(StartingPosition::default().r#type(ShardIteratorType::Latest))
}

async fn kinesis_subscribe_to_shard(mode: Mode) {
    let server = kinesis_server(mode).await;
    let client =
        myaws_kinesis::Client::with_config(&session(&server), server.client_config()).unwrap();
    let out = client.subscribe_to_shard(subscribe()).await.unwrap();
    let mut events = out
        .event_stream
        .expect("the output carries the event stream");
    let mut records = Vec::new();
    while let Some(event) = events.recv().await.unwrap() {
        match event {
            SubscribeToShardEventStream::SubscribeToShardEvent(e) => {
                for r in e.records.unwrap_or_default() {
                    records.push(String::from_utf8(r.data.unwrap().to_vec()).unwrap());
                }
                assert!(e.continuation_sequence_number.is_some());
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(records, ["record 0", "record 1", "record 2"]);
    // Over: stays over.
    assert!(events.recv().await.unwrap().is_none());
    assert_eq!(server.versions(), [version(mode)]);
}

#[tokio::test]
async fn kinesis_subscribe_to_shard_http1() {
    bounded(kinesis_subscribe_to_shard(Mode::Plain)).await;
}

#[tokio::test]
async fn kinesis_subscribe_to_shard_http2() {
    bounded(kinesis_subscribe_to_shard(Mode::Tls)).await;
}

// ------------------------------------------------------------ Lambda

async fn lambda_invoke_with_response_stream(mode: Mode) {
    let server = Server::start(
        mode,
        handler(|ex| async move {
            let mut reply = ex.reply;
            assert!(ex
                .parts
                .uri
                .path()
                .ends_with("/functions/f/response-streaming-invocations"));
            reply.head(
                200,
                &[
                    ("content-type", "application/vnd.amazon.eventstream"),
                    ("x-amz-executed-version", "7"),
                ],
            );
            let mut frames = Vec::new();
            for part in ["Hello, ", "streaming ", "world"] {
                frames.extend(event(
                    "PayloadChunk",
                    "application/octet-stream",
                    part.as_bytes(),
                ));
            }
            frames.extend(json_event("InvokeComplete", &json!({"LogResult": "bG9n"})));
            send_in_pieces(&reply, &frames, 5).await;
        }),
    )
    .await;
    let client =
        myaws_lambda::Client::with_config(&session(&server), server.client_config()).unwrap();
    let out = client
        .invoke_with_response_stream(InvokeWithResponseStreamRequest::default().function_name("f"))
        .await
        .unwrap();
    assert_eq!(out.executed_version.as_deref(), Some("7"));
    assert_eq!(out.status_code, Some(200));
    let (events, error) = drain(out.event_stream.unwrap()).await;
    assert!(error.is_none(), "{error:?}");
    let mut payload = Vec::new();
    let mut complete = None;
    for e in events {
        match e {
            InvokeWithResponseStreamResponseEvent::PayloadChunk(c) => {
                payload.extend_from_slice(&c.payload.unwrap())
            }
            InvokeWithResponseStreamResponseEvent::InvokeComplete(c) => complete = Some(c),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(payload, b"Hello, streaming world");
    assert_eq!(complete.unwrap().log_result.as_deref(), Some("bG9n"));
    assert_eq!(server.versions(), [version(mode)]);
}

#[tokio::test]
async fn lambda_invoke_with_response_stream_http1() {
    bounded(lambda_invoke_with_response_stream(Mode::Plain)).await;
}

#[tokio::test]
async fn lambda_invoke_with_response_stream_http2() {
    bounded(lambda_invoke_with_response_stream(Mode::Tls)).await;
}

// ------------------------------------------------------------ Bedrock

fn converse_frames() -> Vec<u8> {
    let mut out = json_event("messageStart", &json!({"role": "assistant"}));
    for text in ["Hel", "lo"] {
        out.extend(json_event(
            "contentBlockDelta",
            &json!({"delta": {"text": text}, "contentBlockIndex": 0}),
        ));
    }
    out.extend(json_event(
        "contentBlockStop",
        &json!({"contentBlockIndex": 0}),
    ));
    out.extend(json_event(
        "messageStop",
        &json!({"stopReason": "end_turn"}),
    ));
    out.extend(json_event(
        "metadata",
        &json!({"usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
                "metrics": {"latencyMs": 12}}),
    ));
    out
}

fn converse() -> ConverseStreamRequest {
    ConverseStreamRequest::default()
        .model_id("anthropic.claude-test-v1:0")
        .messages(vec![Message::default()
            .role(ConversationRole::User)
            .content(vec![ContentBlock::Text("Hi".into())])])
}

/// A Bedrock server answering every `ConverseStream` with `frames`, sent
/// by `script` (which may misbehave).
async fn bedrock_server<F, Fut>(mode: Mode, script: F) -> Server
where
    F: Fn(eventstream_common::Reply) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Server::start(
        mode,
        handler(move |ex| {
            let script = script.clone();
            async move {
                let mut recorded = ex.recorded();
                let mut reply = ex.reply;
                let body = read_all(ex.body).await;
                recorded.body = body.to_vec();
                let signed = myaws_tests::sigv4_check::verify(&recorded, SECRET, false);
                let model_path = "/model/anthropic.claude-test-v1%3A0/converse-stream";
                if signed.is_err() || recorded.target != model_path || body.is_empty() {
                    reply.head(400, &[("content-type", "application/json")]);
                    let why = format!("{signed:?} {}", recorded.target);
                    reply.send(json!({"message": why}).to_string()).await;
                    return;
                }
                reply.head(200, STREAM_HEADERS);
                script(reply).await;
            }
        }),
    )
    .await
}

async fn bedrock_client(server: &Server) -> myaws_bedrock_runtime::Client {
    myaws_bedrock_runtime::Client::with_config(&session(server), server.client_config()).unwrap()
}

async fn bedrock_converse_stream(mode: Mode) {
    let server = bedrock_server(mode, |reply| async move {
        send_in_pieces(&reply, &converse_frames(), 3).await;
    })
    .await;
    let client = bedrock_client(&server).await;
    let out = client.converse_stream(converse()).await.unwrap();
    let mut stream = out.stream.unwrap();
    let mut text = String::new();
    let mut kinds = Vec::new();
    while let Some(event) = stream.recv().await.unwrap() {
        kinds.push(match &event {
            ConverseStreamOutput::MessageStart(m) => {
                assert_eq!(m.role, Some(ConversationRole::Assistant));
                "start"
            }
            ConverseStreamOutput::ContentBlockDelta(d) => {
                text.push_str(d.delta.as_ref().unwrap().as_text().unwrap());
                "delta"
            }
            ConverseStreamOutput::ContentBlockStop(_) => "block-stop",
            ConverseStreamOutput::MessageStop(m) => {
                assert_eq!(m.stop_reason.as_ref().unwrap().as_str(), "end_turn");
                "stop"
            }
            ConverseStreamOutput::Metadata(m) => {
                assert_eq!(m.usage.as_ref().unwrap().total_tokens, Some(5));
                assert_eq!(m.metrics.as_ref().unwrap().latency_ms, Some(12));
                "metadata"
            }
            other => panic!("{other:?}"),
        });
    }
    assert_eq!(text, "Hello");
    assert_eq!(
        kinds,
        ["start", "delta", "delta", "block-stop", "stop", "metadata"]
    );
    assert_eq!(server.versions(), [version(mode)]);
}

#[tokio::test]
async fn bedrock_converse_stream_http1() {
    bounded(bedrock_converse_stream(Mode::Plain)).await;
}

#[tokio::test]
async fn bedrock_converse_stream_http2() {
    bounded(bedrock_converse_stream(Mode::Tls)).await;
}

// ------------------------------------------------------------ faults

/// What a fault should end the stream with.
#[derive(Debug, Clone, Copy)]
enum Fault {
    BadPreludeCrc,
    BadMessageCrc,
    TruncatedFrame,
    OversizedLength,
    ExceptionEvent,
    ErrorMessage,
    ConnectionReset,
}

/// One good event, then the fault. The server keeps the connection open
/// afterwards unless the fault closes it (the client must not wait).
async fn play(reply: eventstream_common::Reply, fault: Fault) {
    let good = json_event("messageStart", &json!({"role": "assistant"}));
    if !reply.send(good).await {
        return;
    }
    let next = json_event("contentBlockStop", &json!({"contentBlockIndex": 0}));
    match fault {
        Fault::BadPreludeCrc => {
            let mut bad = next;
            bad[9] ^= 0xff;
            reply.send(bad).await;
        }
        Fault::BadMessageCrc => {
            let mut bad = next;
            let n = bad.len();
            bad[n - 7] ^= 0x01;
            reply.send(bad).await;
        }
        Fault::TruncatedFrame => {
            // Half a frame, then the body ends cleanly.
            reply.send(next[..next.len() / 2].to_vec()).await;
            return;
        }
        Fault::OversizedLength => {
            // A prelude declaring 16 MiB + 1, with a valid CRC; nothing
            // follows and the connection stays open.
            let total = (16u32 << 20) + 1;
            let mut prelude = total.to_be_bytes().to_vec();
            prelude.extend_from_slice(&0u32.to_be_bytes());
            let crc = crc32fast::hash(&prelude);
            prelude.extend_from_slice(&crc.to_be_bytes());
            reply.send(prelude).await;
        }
        Fault::ExceptionEvent => {
            reply
                .send(exception(
                    "throttlingException",
                    &json!({"message": "Too many tokens, slow down"}),
                ))
                .await;
        }
        Fault::ErrorMessage => {
            reply
                .send(frame(
                    &[
                        (":message-type", Hv::Str("error".into())),
                        (":error-code", Hv::Str("InternalFailure".into())),
                        (":error-message", Hv::Str("the model fell over".into())),
                    ],
                    b"",
                ))
                .await;
        }
        Fault::ConnectionReset => {
            reply.send(next[..10].to_vec()).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            reply.reset().await;
            return;
        }
    }
    // Hold the connection open (bounded) so only the client can end it.
    tokio::time::timeout(Duration::from_secs(20), reply.closed())
        .await
        .ok();
}

async fn fault_case(mode: Mode, fault: Fault) {
    let server = bedrock_server(mode, move |reply| play(reply, fault)).await;
    let client = bedrock_client(&server).await;
    let out = client.converse_stream(converse()).await.unwrap();
    let mut stream = out.stream.unwrap();
    let started = std::time::Instant::now();
    let first = stream.recv().await.unwrap();
    assert!(matches!(first, Some(ConverseStreamOutput::MessageStart(_))));
    let error = stream
        .recv()
        .await
        .expect_err("the fault must end the stream with an error");
    // Within seconds, not the server's 20 s hold or the read timeout.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{fault:?} took {:?}",
        started.elapsed()
    );
    match (fault, &error) {
        (Fault::BadPreludeCrc, EventStreamError::Frame(FrameError::PreludeCrc { .. }))
        | (Fault::BadMessageCrc, EventStreamError::Frame(FrameError::MessageCrc { .. }))
        | (Fault::TruncatedFrame, EventStreamError::Frame(FrameError::Truncated { .. }))
        | (Fault::OversizedLength, EventStreamError::Frame(FrameError::FrameTooLong { .. }))
        | (Fault::ConnectionReset, EventStreamError::Io(_)) => {}
        (Fault::ExceptionEvent, EventStreamError::Exception(e)) => {
            assert!(e.kind().is_throttling_exception(), "{e:?}");
            assert_eq!(e.code(), "throttlingException");
            assert_eq!(e.message(), Some("Too many tokens, slow down"));
            assert_eq!(e.request_id(), Some("req-events"));
        }
        (Fault::ErrorMessage, EventStreamError::Error { code, message }) => {
            assert_eq!(code, "InternalFailure");
            assert_eq!(message.as_deref(), Some("the model fell over"));
        }
        _ => panic!("{fault:?} over {mode:?} ended with {error:?}"),
    }
    // The error names what happened, and the stream is over.
    assert!(!error.to_string().is_empty());
    assert!(stream.recv().await.unwrap().is_none());
}

macro_rules! fault_tests {
    ($($name:ident: $fault:expr, $mode:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            bounded(fault_case($mode, $fault)).await;
        }
    )*};
}

fault_tests! {
    fault_bad_prelude_crc_http1: Fault::BadPreludeCrc, Mode::Plain;
    fault_bad_prelude_crc_http2: Fault::BadPreludeCrc, Mode::Tls;
    fault_bad_message_crc_http1: Fault::BadMessageCrc, Mode::Plain;
    fault_bad_message_crc_http2: Fault::BadMessageCrc, Mode::Tls;
    fault_truncated_frame_http1: Fault::TruncatedFrame, Mode::Plain;
    fault_truncated_frame_http2: Fault::TruncatedFrame, Mode::Tls;
    fault_oversized_length_http1: Fault::OversizedLength, Mode::Plain;
    fault_oversized_length_http2: Fault::OversizedLength, Mode::Tls;
    fault_exception_event_http1: Fault::ExceptionEvent, Mode::Plain;
    fault_exception_event_http2: Fault::ExceptionEvent, Mode::Tls;
    fault_error_message_http1: Fault::ErrorMessage, Mode::Plain;
    fault_error_message_http2: Fault::ErrorMessage, Mode::Tls;
    fault_connection_reset_http1: Fault::ConnectionReset, Mode::Plain;
    fault_connection_reset_http2: Fault::ConnectionReset, Mode::Tls;
}

// ------------------------------------------------------------ connections

/// A stream dropped half-read closes its HTTP/1.1 connection (it is never
/// pooled), while one read to its end leaves the connection reusable.
#[tokio::test]
async fn dropping_a_stream_early_closes_the_connection_and_a_finished_one_is_reused() {
    bounded(async {
        // Slow, long stream: events every 20 ms until the client goes
        // (bounded at 500 events).
        let server = bedrock_server(Mode::Plain, |reply| async move {
            for i in 0..500 {
                let delta = json_event(
                    "contentBlockDelta",
                    &json!({"delta": {"text": format!("{i} ")}, "contentBlockIndex": 0}),
                );
                if !reply.send(delta).await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        let client = bedrock_client(&server).await;
        let out = client.converse_stream(converse()).await.unwrap();
        let mut stream = out.stream.unwrap();
        for _ in 0..2 {
            assert!(stream.recv().await.unwrap().is_some());
        }
        drop(stream);
        // The server sees that connection end.
        for _ in 0..200 {
            if server.seen.closed.load(Ordering::SeqCst) == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(server.seen.closed.load(Ordering::SeqCst), 1);
        assert_eq!(server.seen.connections.load(Ordering::SeqCst), 1);

        // A finished stream's connection goes back to the pool.
        let finished = bedrock_server(Mode::Plain, |reply| async move {
            send_in_pieces(&reply, &converse_frames(), 64).await;
        })
        .await;
        let client = bedrock_client(&finished).await;
        for _ in 0..2 {
            let out = client.converse_stream(converse()).await.unwrap();
            let (events, error) = drain(out.stream.unwrap()).await;
            assert!(error.is_none());
            assert_eq!(events.len(), 6);
        }
        assert_eq!(finished.seen.connections.load(Ordering::SeqCst), 1);
    })
    .await;
}

// ------------------------------------------------------------ input streams

/// Echoes each signed input chunk back as an output chunk, checking the
/// request's signature and every event's; reports the outcome.
async fn echo_server(
    mode: Mode,
    report: tokio::sync::mpsc::Sender<Result<(usize, usize), String>>,
) -> Server {
    Server::start(
        mode,
        handler(move |ex| {
            let report = report.clone();
            async move {
                let recorded = ex.recorded();
                let mut reply = ex.reply;
                let mut body = ex.body;
                let outcome = async {
                    if recorded.header("content-type") != Some("application/vnd.amazon.eventstream")
                        || recorded.header("x-amz-content-sha256")
                            != Some("STREAMING-AWS4-HMAC-SHA256-EVENTS")
                    {
                        return Err(format!("request headers: {:?}", recorded.headers));
                    }
                    let auth = myaws_tests::sigv4_check::verify(&recorded, SECRET, false)?;
                    reply.head(200, STREAM_HEADERS);
                    let signatures = EventSignatures::new(SECRET, &auth.scope, &auth.signature);
                    let mut echoes = Vec::new();
                    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
                    let reader = async move {
                        read_signed_events(&mut body, signatures, |m| {
                            let _ = tx.send(m.payload.clone());
                            echoes.push(m);
                        })
                        .await
                        .map(|s| (s, echoes))
                    };
                    // Echo each event as soon as it is read.
                    let writer = async {
                        while let Some(payload) = rx.recv().await {
                            reply
                                .send(event("chunk", "application/json", &payload))
                                .await;
                        }
                    };
                    let (read, ()) = tokio::join!(reader, writer);
                    let (signatures, echoes) = read?;
                    if !signatures.ended {
                        return Err("no closing empty frame".into());
                    }
                    for m in &echoes {
                        if m.str(":message-type") != Some("event")
                            || m.str(":event-type") != Some("chunk")
                            || m.str(":content-type") != Some("application/json")
                        {
                            return Err(format!("input event headers: {:?}", m.headers));
                        }
                    }
                    Ok((echoes.len(), signatures.checked))
                }
                .await;
                if outcome.is_err() {
                    reply.head(400, &[("content-type", "application/json")]);
                }
                let _ = report.send(outcome).await;
            }
        }),
    )
    .await
}

fn chunk(text: &str) -> InvokeModelWithBidirectionalStreamInput {
    InvokeModelWithBidirectionalStreamInput::Chunk(
        BidirectionalInputPayloadPart::default().bytes(Bytes::copy_from_slice(text.as_bytes())),
    )
}

/// Sends events one at a time, each after the previous one's echo came
/// back: the request and the response stream both ways at once.
async fn bidirectional(mode: Mode) {
    let (report_tx, mut report) = tokio::sync::mpsc::channel(1);
    let server = echo_server(mode, report_tx).await;
    let client = bedrock_client(&server).await;
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let input =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (e, rx)) });
    tx.send(chunk("one")).await.unwrap();
    let out = client
        .invoke_model_with_bidirectional_stream(
            InvokeModelWithBidirectionalStreamRequest::default()
                .model_id("amazon.nova-sonic-v1:0")
                .body(input),
        )
        .await
        .unwrap();
    let mut output = out.body.unwrap();
    let mut echoed = Vec::new();
    for next in ["two", "three", ""] {
        match output.recv().await.unwrap() {
            Some(InvokeModelWithBidirectionalStreamOutput::Chunk(c)) => {
                echoed.push(String::from_utf8(c.bytes.unwrap().to_vec()).unwrap())
            }
            other => panic!("{other:?}"),
        }
        if next.is_empty() {
            drop(tx);
            break;
        }
        tx.send(chunk(next)).await.unwrap();
    }
    // The remaining echoes, then the end.
    let (rest, error) = drain(output).await;
    assert!(error.is_none(), "{error:?}");
    for e in rest {
        if let InvokeModelWithBidirectionalStreamOutput::Chunk(c) = e {
            echoed.push(String::from_utf8(c.bytes.unwrap().to_vec()).unwrap());
        }
    }
    assert_eq!(echoed, ["one", "two", "three"]);
    // Three events and the closing frame, every signature checked.
    assert_eq!(report.recv().await.unwrap(), Ok((3, 4)));
    assert_eq!(server.versions(), [http::Version::HTTP_2]);
}

#[tokio::test]
async fn bidirectional_stream_signed_events_over_http2_tls() {
    bounded(bidirectional(Mode::Tls)).await;
}

#[tokio::test]
async fn bidirectional_stream_signed_events_over_http2_prior_knowledge() {
    bounded(bidirectional(Mode::Plain)).await;
}

#[tokio::test]
async fn an_unsendable_input_event_ends_the_call_with_an_input_error() {
    bounded(async {
        let (report_tx, mut report) = tokio::sync::mpsc::channel(1);
        let server = echo_server(Mode::Plain, report_tx).await;
        let client = bedrock_client(&server).await;
        let input = futures_util::stream::iter([
            chunk("fine"),
            InvokeModelWithBidirectionalStreamInput::Unknown {
                event_type: "made-up".into(),
            },
        ]);
        let result = client
            .invoke_model_with_bidirectional_stream(
                InvokeModelWithBidirectionalStreamRequest::default()
                    .model_id("amazon.nova-sonic-v1:0")
                    .body(input),
            )
            .await;
        let message = match result {
            Ok(out) => {
                let (_, error) = drain(out.body.unwrap()).await;
                match error {
                    Some(EventStreamError::Input(m)) => m,
                    other => panic!("{other:?}"),
                }
            }
            Err(e) => e.to_string(),
        };
        assert!(message.contains("Unknown"), "{message}");
        // The server saw the request end without the closing frame.
        assert!(report.recv().await.unwrap().is_err());
    })
    .await;
}

// ------------------------------------------------------------ dynamic path

#[tokio::test]
async fn dynamic_calls_stream_json_events_and_refuse_to_drop_them() {
    bounded(async {
        let server = kinesis_server(Mode::Plain).await;
        let client =
            myaws_kinesis::Client::with_config(&session(&server), server.client_config()).unwrap();
        let params = json!({
            "ConsumerARN": CONSUMER,
            "ShardId": "shardId-000000000000",
            "StartingPosition": {"Type": "LATEST"}
        });
        // `call` cannot return events as JSON: an error, and nothing sent.
        let error = client
            .call("SubscribeToShard", params.clone())
            .await
            .unwrap_err();
        assert!(error.to_string().contains("call_stream"), "{error}");
        assert!(server.versions().is_empty());

        let out = client
            .handle()
            .call_stream("SubscribeToShard", params)
            .await
            .unwrap();
        assert_eq!(out.output.as_object().unwrap().len(), 1, "{}", out.output);
        assert_eq!(out.output["ResponseMetadata"]["HTTPStatusCode"], 200);
        assert!(out.body.is_none());
        let (events, error) = drain(out.events.unwrap()).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(events.len(), 3);
        let record = &events[1]["SubscribeToShardEvent"]["Records"][0];
        assert_eq!(record["Data"], b64(b"record 1"));
        assert_eq!(record["PartitionKey"], "pk");
    })
    .await;
}

#[tokio::test]
async fn dynamic_input_events_are_json() {
    bounded(async {
        let (report_tx, mut report) = tokio::sync::mpsc::channel(1);
        let server = echo_server(Mode::Plain, report_tx).await;
        let client = bedrock_client(&server).await;
        let events = futures_util::stream::iter([
            json!({"chunk": {"bytes": b64(b"a")}}),
            json!({"chunk": {"bytes": b64(b"b")}}),
        ]);
        let out = client
            .handle()
            .call_stream_with_input(
                "InvokeModelWithBidirectionalStream",
                json!({"modelId": "amazon.nova-sonic-v1:0"}),
                events,
            )
            .await
            .unwrap();
        let (echoes, error) = drain(out.events.unwrap()).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(
            echoes,
            [
                json!({"chunk": {"bytes": b64(b"a")}}),
                json!({"chunk": {"bytes": b64(b"b")}})
            ]
        );
        assert_eq!(report.recv().await.unwrap(), Ok((2, 3)));
        // Events in the JSON parameters are refused.
        let error = client
            .handle()
            .call_stream(
                "InvokeModelWithBidirectionalStream",
                json!({"modelId": "m", "body": {"chunk": {}}}),
            )
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("call_stream_with_input"),
            "{error}"
        );
    })
    .await;
}

// ------------------------------------------------------------ RPC input streams

/// An awsJson service with event streams both ways, loaded at run time.
const RPC_MODEL: &str = r#"{
    "metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "Talk_2024",
                 "endpointPrefix": "talk", "signatureVersion": "v4", "serviceId": "Talk",
                 "apiVersion": "2024-01-01"},
    "operations": {"Chat": {"name": "Chat", "http": {"method": "POST", "requestUri": "/"},
                            "input": {"shape": "ChatIn"}, "output": {"shape": "ChatOut"}}},
    "shapes": {
        "ChatIn": {"type": "structure", "members": {
            "SessionId": {"shape": "S"}, "Events": {"shape": "Said"}}},
        "ChatOut": {"type": "structure", "members": {
            "Greeting": {"shape": "S"}, "Events": {"shape": "Heard"}}},
        "Said": {"type": "structure", "eventstream": true, "members": {
            "Say": {"shape": "Line"}}},
        "Heard": {"type": "structure", "eventstream": true, "members": {
            "Echo": {"shape": "Line"}}},
        "Line": {"type": "structure", "event": true, "members": {
            "Text": {"shape": "S", "eventpayload": true}}},
        "S": {"type": "string"}
    }
}"#;

/// The json protocol's input stream starts with `initial-request` (the
/// input's other members) and its output with `initial-response`, which
/// fills the output's other members; events in between are signed.
#[tokio::test]
async fn rpc_input_streams_send_an_initial_request_and_read_an_initial_response() {
    bounded(async {
        let (report_tx, mut report) = tokio::sync::mpsc::channel::<Result<Vec<String>, String>>(1);
        let server = Server::start(
            Mode::Plain,
            handler(move |ex| {
                let report = report_tx.clone();
                async move {
                    let recorded = ex.recorded();
                    let mut reply = ex.reply;
                    let mut body = ex.body;
                    let outcome = async {
                        if recorded.header("x-amz-target") != Some("Talk_2024.Chat") {
                            return Err(format!("{:?}", recorded.headers));
                        }
                        let auth = myaws_tests::sigv4_check::verify(&recorded, SECRET, false)?;
                        reply.head(200, STREAM_HEADERS);
                        reply
                            .send(json_event(
                                "initial-response",
                                &json!({"Greeting": "hello"}),
                            ))
                            .await;
                        let signatures = EventSignatures::new(SECRET, &auth.scope, &auth.signature);
                        let mut seen = Vec::new();
                        read_signed_events(&mut body, signatures, |m| {
                            let kind = m.str(":event-type").unwrap_or("?").to_string();
                            let text = String::from_utf8_lossy(&m.payload).to_string();
                            seen.push(format!("{kind}:{text}"));
                        })
                        .await?;
                        for line in seen.iter().filter(|l| l.starts_with("Say:")) {
                            let text = line.trim_start_matches("Say:").to_uppercase();
                            reply
                                .send(event("Echo", "text/plain", text.as_bytes()))
                                .await;
                        }
                        Ok(seen)
                    }
                    .await;
                    if outcome.is_err() {
                        reply.head(400, &[("content-type", "application/json")]);
                    }
                    let _ = report.send(outcome).await;
                }
            }),
        )
        .await;
        let dir = std::env::temp_dir().join(myaws_tests::unique("myaws-talk-model"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("service-2.json"), RPC_MODEL).unwrap();
        let client = session(&server)
            .client_from_model(&dir, server.client_config())
            .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let events = futures_util::stream::iter([
            json!({"Say": {"Text": "hi"}}),
            json!({"Say": {"Text": "bye"}}),
        ]);
        let out = client
            .call_stream_with_input("Chat", json!({"SessionId": "s-1"}), events)
            .await
            .unwrap();
        assert_eq!(out.output["Greeting"], "hello", "{}", out.output);
        assert_eq!(out.output.as_object().unwrap().len(), 2, "{}", out.output);
        let (echoes, error) = drain(out.events.unwrap()).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(
            echoes,
            [
                json!({"Echo": {"Text": "HI"}}),
                json!({"Echo": {"Text": "BYE"}})
            ]
        );
        assert_eq!(
            report.recv().await.unwrap().unwrap(),
            [
                r#"initial-request:{"SessionId":"s-1"}"#,
                "Say:hi",
                "Say:bye"
            ]
        );
    })
    .await;
}
