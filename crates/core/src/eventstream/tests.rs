//! Event-stream tests: framing against independently built vectors (each
//! checked with botocore's decoder), every fault, incremental decoding,
//! reading and writing events for each protocol, and the receiver.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::json;

use super::decoder::FrameDecoder;
use super::frame::{FrameError, HeaderValue, Message, MAX_FRAME_LEN, MAX_HEADERS_LEN};
use super::marshal::event_message;
use super::unmarshal::{read_message, Decoded, ResponseMeta};
use super::{EventStreamError, RawEvent, RawEventReceiver};
use crate::model::ServiceModel;
use crate::value::Value;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Built with Python's `struct` and `binascii.crc32`, read back by
/// botocore's `EventStreamBuffer`: one header of every type and a JSON
/// payload.
const ALL_TYPES: &str = "00000095000000742bacc22c0474727565000566616c736501046279746502f90573\
686f727403fed403696e740400011170046c6f6e6705ffffff00000000000562797465730600030001ff06737472696e\
6707000668c3a96c6c6f0474696d65080000018bcfe5687b047575696409000102030405060708090a0b0c0d0e0f7b22\
68656c6c6f223a22776f726c64227dbc500207";

/// The empty message (botocore's and the AWS SDKs' vector).
const EMPTY: &str = "000000100000000005c248eb7d98c8ff";

fn all_types() -> Message {
    Message::new(&b"{\"hello\":\"world\"}"[..])
        .header("true", HeaderValue::Bool(true))
        .header("false", HeaderValue::Bool(false))
        .header("byte", HeaderValue::Byte(-7))
        .header("short", HeaderValue::Int16(-300))
        .header("int", HeaderValue::Int32(70000))
        .header("long", HeaderValue::Int64(-(1 << 40)))
        .header(
            "bytes",
            HeaderValue::Bytes(Bytes::from_static(&[0, 1, 255])),
        )
        .header("string", HeaderValue::String("héllo".into()))
        .header("time", HeaderValue::Timestamp(1_700_000_000_123))
        .header(
            "uuid",
            HeaderValue::Uuid([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
        )
}

#[test]
fn every_header_type_decodes_and_encodes_byte_for_byte() {
    let wire = Bytes::from(unhex(ALL_TYPES));
    assert_eq!(Message::decode(wire.clone()).unwrap(), all_types());
    assert_eq!(all_types().encode().unwrap(), wire);
    let empty = Bytes::from(unhex(EMPTY));
    assert_eq!(Message::decode(empty.clone()).unwrap(), Message::default());
    assert_eq!(Message::default().encode().unwrap(), empty);
}

/// A frame with its prelude CRC recomputed after `edit` changed the first
/// 8 bytes (so only the length checks can object).
fn with_prelude(edit: impl Fn(&mut [u8])) -> Vec<u8> {
    let mut wire = unhex(EMPTY);
    edit(&mut wire);
    let crc = crc32fast::hash(&wire[..8]).to_be_bytes();
    wire[8..12].copy_from_slice(&crc);
    wire
}

fn decode_all(wire: &[u8]) -> Result<Vec<Message>, FrameError> {
    let mut decoder = FrameDecoder::new();
    decoder.push(wire);
    let mut out = Vec::new();
    while let Some(m) = decoder.next_message()? {
        out.push(m);
    }
    decoder.finish()?;
    Ok(out)
}

#[test]
fn faults_are_errors() {
    let good = unhex(ALL_TYPES);
    // Prelude CRC: a length byte changed.
    let mut bad = good.clone();
    bad[3] ^= 1;
    assert!(matches!(
        decode_all(&bad),
        Err(FrameError::PreludeCrc { .. })
    ));
    // Message CRC: a payload byte changed.
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 6] ^= 0x20;
    assert!(matches!(
        decode_all(&bad),
        Err(FrameError::MessageCrc { .. })
    ));
    // Over the frame cap, with a valid prelude CRC.
    let huge = with_prelude(|w| w[0..4].copy_from_slice(&(MAX_FRAME_LEN as u32 + 1).to_be_bytes()));
    assert_eq!(
        decode_all(&huge),
        Err(FrameError::FrameTooLong {
            declared: MAX_FRAME_LEN as u64 + 1
        })
    );
    let long_headers = with_prelude(|w| {
        w[0..4].copy_from_slice(&(1u32 << 20).to_be_bytes());
        w[4..8].copy_from_slice(&(MAX_HEADERS_LEN as u32 + 1).to_be_bytes());
    });
    assert!(matches!(
        decode_all(&long_headers),
        Err(FrameError::HeadersTooLong { .. })
    ));
    // Lengths that do not fit.
    for (total, headers) in [(0u32, 0u32), (15, 0), (16, 1), (100, 90)] {
        let wire = with_prelude(|w| {
            w[0..4].copy_from_slice(&total.to_be_bytes());
            w[4..8].copy_from_slice(&headers.to_be_bytes());
        });
        assert_eq!(
            decode_all(&wire),
            Err(FrameError::InvalidLength { total, headers }),
            "{total}/{headers}"
        );
    }
    // Truncated: inside the prelude, and inside the frame.
    assert_eq!(
        decode_all(&good[..7]),
        Err(FrameError::Truncated {
            received: 7,
            expected: None
        })
    );
    assert_eq!(
        decode_all(&good[..good.len() - 1]),
        Err(FrameError::Truncated {
            received: good.len() - 1,
            expected: Some(good.len())
        })
    );
}

/// A message whose headers section is `headers` (CRCs made valid).
fn frame_with_raw_headers(headers: &[u8]) -> Vec<u8> {
    let total = 16 + headers.len();
    let mut wire = Vec::new();
    wire.extend_from_slice(&(total as u32).to_be_bytes());
    wire.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    let crc = crc32fast::hash(&wire).to_be_bytes();
    wire.extend_from_slice(&crc);
    wire.extend_from_slice(headers);
    let crc = crc32fast::hash(&wire).to_be_bytes();
    wire.extend_from_slice(&crc);
    wire
}

#[test]
fn malformed_headers_are_errors() {
    for (raw, why) in [
        (&b"\x00"[..], "empty header name"),
        (b"\x05ab", "headers end inside header name"),
        (b"\x01a", "headers end inside header type"),
        (b"\x01a\x0a", "unknown type 10"),
        (b"\x01a\x04\x00\x00", "headers end inside a"),
        (b"\x01a\x07\x00\x05abc", "headers end inside a"),
        (b"\x01a\x07\x00\x01\xff", "not UTF-8"),
        (b"\x01\xff\x00", "header name is not UTF-8"),
        (b"\x01a\x00\x01a\x01", "duplicate header a"),
    ] {
        let error = decode_all(&frame_with_raw_headers(raw)).unwrap_err();
        assert!(
            matches!(&error, FrameError::InvalidHeader(m) if m.contains(why)),
            "{raw:?}: {error}"
        );
    }
}

#[test]
fn encoding_refuses_what_it_cannot_frame() {
    let long_name = Message::new(Bytes::new()).header("n".repeat(256), HeaderValue::Bool(true));
    assert!(matches!(
        long_name.encode(),
        Err(FrameError::InvalidHeader(_))
    ));
    let long_value = Message::new(Bytes::new()).header(
        "v",
        HeaderValue::Bytes(Bytes::from(vec![0; u16::MAX as usize + 1])),
    );
    assert!(matches!(
        long_value.encode(),
        Err(FrameError::InvalidHeader(_))
    ));
    let big = Message::new(vec![0; MAX_FRAME_LEN]);
    assert!(matches!(big.encode(), Err(FrameError::FrameTooLong { .. })));
}

#[test]
fn decoding_is_incremental_in_pieces_of_any_size() {
    let one = unhex(ALL_TYPES);
    let two = Message::new(&b"second"[..])
        .header(":event-type", HeaderValue::String("x".into()))
        .encode()
        .unwrap();
    let mut wire = one.clone();
    wire.extend_from_slice(&two);
    wire.extend_from_slice(&unhex(EMPTY));
    for piece in [1, 2, 3, 11, 12, 13, 100, wire.len()] {
        let mut decoder = FrameDecoder::new();
        let mut got = Vec::new();
        for chunk in wire.chunks(piece) {
            decoder.push(chunk);
            // At most the frame being assembled and one piece are held.
            assert!(decoder.buffered() <= one.len() + piece, "{piece}");
            while let Some(m) = decoder.next_message().unwrap() {
                got.push(m);
            }
        }
        decoder.finish().unwrap();
        assert_eq!(got.len(), 3, "{piece}");
        assert_eq!(got[0], all_types());
        assert_eq!(&got[1].payload[..], b"second");
        assert_eq!(got[2], Message::default());
    }
}

#[test]
fn a_hostile_length_fails_before_more_is_buffered() {
    let mut decoder = FrameDecoder::new();
    decoder.push(
        &with_prelude(|w| {
            w[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        })[..12],
    );
    assert!(matches!(
        decoder.next_message(),
        Err(FrameError::FrameTooLong { .. })
    ));
    // Failed for good: nothing more is buffered or returned.
    decoder.push(&[0; 1024]);
    assert_eq!(decoder.buffered(), 0);
    assert_eq!(decoder.next_message(), Ok(None));
    assert_eq!(decoder.finish(), Ok(()));
}

// ------------------------------------------------------------ reading events

/// A model with event streams both ways: blob,
/// string and structure payloads, header-bound members, a body event and
/// a modeled exception.
fn model(protocol: &str) -> Arc<ServiceModel> {
    // Text, not `json!`: member order is the document's (a `Value::Struct`
    // is indexed by it).
    let text = MODEL.replace("PROTOCOL", protocol);
    Arc::new(ServiceModel::from_json(&text).unwrap())
}

const MODEL: &str = r#"{
    "metadata": {"protocol": "PROTOCOL", "jsonVersion": "1.1", "targetPrefix": "T",
                 "endpointPrefix": "svc"},
    "operations": {
        "Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"},
               "input": {"shape": "In"}, "output": {"shape": "Out"}},
        "Listen": {"name": "Listen", "http": {"method": "POST", "requestUri": "/listen"},
                   "input": {"shape": "ListenIn"}, "output": {"shape": "Out"}}},
    "shapes": {
        "ListenIn": {"type": "structure", "members": {"Name": {"shape": "S"}}},
        "In": {"type": "structure", "members": {
            "Name": {"shape": "S"}, "Events": {"shape": "Stream"}},
            "payload": "Events"},
        "Out": {"type": "structure", "members": {
            "Id": {"shape": "S"}, "Events": {"shape": "Stream"}},
            "payload": "Events"},
        "Stream": {"type": "structure", "eventstream": true, "members": {
            "Chunk": {"shape": "ChunkEvent"},
            "Text": {"shape": "TextEvent"},
            "Stats": {"shape": "StatsEvent"},
            "Body": {"shape": "BodyEvent"},
            "End": {"shape": "EndEvent"},
            "Oops": {"shape": "OopsException"}}},
        "ChunkEvent": {"type": "structure", "event": true, "members": {
            "Bytes": {"shape": "B", "eventpayload": true},
            "Seq": {"shape": "L", "eventheader": true},
            "At": {"shape": "T", "eventheader": true},
            "Final": {"shape": "Bool", "eventheader": true},
            "Tag": {"shape": "S", "eventheader": true}}},
        "TextEvent": {"type": "structure", "event": true, "members": {
            "Text": {"shape": "S", "eventpayload": true}}},
        "StatsEvent": {"type": "structure", "event": true, "members": {
            "Details": {"shape": "Stats", "eventpayload": true}}},
        "BodyEvent": {"type": "structure", "event": true, "members": {
            "Count": {"shape": "I"}, "Note": {"shape": "S"},
            "Kind": {"shape": "S", "eventheader": true}}},
        "EndEvent": {"type": "structure", "event": true, "members": {}},
        "OopsException": {"type": "structure", "exception": true, "members": {
            "message": {"shape": "S"}, "Reason": {"shape": "S"}}},
        "Stats": {"type": "structure", "members": {
            "Scanned": {"shape": "L"}, "Returned": {"shape": "L"}}},
        "S": {"type": "string"}, "B": {"type": "blob"}, "L": {"type": "long"},
        "I": {"type": "integer"}, "T": {"type": "timestamp"},
        "Bool": {"type": "boolean"}
    }
}"#;

const PROTOCOLS: [&str; 4] = ["rest-json", "rest-xml", "json", "smithy-rpc-v2-cbor"];

fn event(kind: &str, payload: &[u8]) -> Message {
    Message::new(Bytes::copy_from_slice(payload))
        .header(":message-type", HeaderValue::String("event".into()))
        .header(":event-type", HeaderValue::String(kind.into()))
}

fn union(m: &ServiceModel) -> usize {
    m.shape_id("Stream").unwrap()
}

fn read(
    m: &ServiceModel,
    message: &Message,
) -> Result<Value, EventStreamError<crate::client::RawServiceError>> {
    match read_message(m, union(m), message, &ResponseMeta::default())? {
        Decoded::Event(v) => Ok(v),
        Decoded::Unknown(name) => panic!("unknown {name}"),
    }
}

/// The value of member `name` of a union value.
fn member<'v>(m: &ServiceModel, shape: &str, value: &'v Value, name: &str) -> &'v Value {
    let id = m.shape_id(shape).unwrap();
    let i = m.shape(id).member_index(name).unwrap();
    &value.as_struct().unwrap()[i]
}

#[test]
fn blob_payloads_and_header_members_for_every_protocol() {
    for p in PROTOCOLS {
        let m = model(p);
        let message = event("Chunk", b"\x00raw\xff")
            .header("Seq", HeaderValue::Int64(42))
            .header("At", HeaderValue::Timestamp(1_700_000_000_250))
            .header("Final", HeaderValue::Bool(true))
            .header("Tag", HeaderValue::String("t".into()));
        let value = read(&m, &message).unwrap();
        let chunk = member(&m, "Stream", &value, "Chunk");
        assert_eq!(
            member(&m, "ChunkEvent", chunk, "Bytes"),
            &Value::blob(Bytes::from_static(b"\x00raw\xff")),
            "{p}"
        );
        assert_eq!(member(&m, "ChunkEvent", chunk, "Seq"), &Value::Integer(42));
        assert_eq!(
            member(&m, "ChunkEvent", chunk, "At"),
            &Value::Timestamp(crate::DateTime::from_secs_and_nanos(
                1_700_000_000,
                250_000_000
            ))
        );
        assert_eq!(member(&m, "ChunkEvent", chunk, "Final"), &Value::Bool(true));
        assert_eq!(
            member(&m, "ChunkEvent", chunk, "Tag"),
            &Value::String("t".into())
        );
        // String payloads are text.
        let value = read(&m, &event("Text", "héllo".as_bytes())).unwrap();
        let text = member(&m, "Stream", &value, "Text");
        assert_eq!(
            member(&m, "TextEvent", text, "Text"),
            &Value::String("héllo".into())
        );
        assert!(read(&m, &event("Text", b"\xff")).is_err());
        // Empty events.
        let value = read(&m, &event("End", b"")).unwrap();
        assert_eq!(member(&m, "Stream", &value, "End"), &Value::Struct(vec![]));
    }
}

#[test]
fn structure_payloads_in_each_format() {
    let bodies: [(&str, &[u8]); 3] = [
        ("rest-json", br#"{"Scanned": 10, "Returned": 3}"#),
        ("json", br#"{"Scanned": 10, "Returned": 3}"#),
        (
            "rest-xml",
            b"<Stats><Scanned>10</Scanned><Returned>3</Returned></Stats>",
        ),
    ];
    for (p, body) in bodies {
        let m = model(p);
        let value = read(&m, &event("Stats", body)).unwrap();
        let stats = member(
            &m,
            "StatsEvent",
            member(&m, "Stream", &value, "Stats"),
            "Details",
        );
        assert_eq!(
            member(&m, "Stats", stats, "Scanned"),
            &Value::Integer(10),
            "{p}"
        );
        assert_eq!(
            member(&m, "Stats", stats, "Returned"),
            &Value::Integer(3),
            "{p}"
        );
        assert!(read(&m, &event("Stats", b"{not valid")).is_err(), "{p}");
    }
    // Body events (no payload member): the members are the body, the
    // header member comes from its header.
    let m = model("rest-json");
    let message = event("Body", br#"{"Count": 2, "Note": "n"}"#)
        .header("Kind", HeaderValue::String("k".into()));
    let value = read(&m, &message).unwrap();
    let body = member(&m, "Stream", &value, "Body");
    assert_eq!(member(&m, "BodyEvent", body, "Count"), &Value::Integer(2));
    assert_eq!(
        member(&m, "BodyEvent", body, "Note"),
        &Value::String("n".into())
    );
    assert_eq!(
        member(&m, "BodyEvent", body, "Kind"),
        &Value::String("k".into())
    );
}

#[test]
fn events_written_read_back_the_same_in_every_protocol() {
    for p in PROTOCOLS {
        let m = model(p);
        let stream = union(&m);
        let cases = [
            (
                "Chunk",
                Value::Struct(vec![
                    Value::blob(Bytes::from_static(b"abc")),
                    Value::Integer(7),
                    Value::Timestamp(crate::DateTime::from_secs(1_700_000_000)),
                    Value::Bool(false),
                    Value::Null,
                ]),
            ),
            ("Text", Value::Struct(vec![Value::String("hi".into())])),
            (
                "Stats",
                Value::Struct(vec![Value::Struct(vec![
                    Value::Integer(5),
                    Value::Integer(6),
                ])]),
            ),
            (
                "Body",
                Value::Struct(vec![
                    Value::Integer(1),
                    Value::String("x".into()),
                    Value::String("kind".into()),
                ]),
            ),
            ("End", Value::Struct(vec![])),
        ];
        for (name, event_value) in cases {
            let index = m.shape(stream).member_index(name).unwrap();
            let value = super::union_value(6, index, event_value);
            let message = event_message(&m, stream, &value).unwrap();
            assert_eq!(message.get_str(":event-type"), Some(name));
            assert_eq!(read(&m, &message).unwrap(), value, "{p} {name}");
        }
        // Nothing or two members set cannot be sent.
        assert!(event_message(&m, stream, &Value::Struct(vec![Value::Null; 6])).is_err());
        let two = Value::Struct(vec![
            Value::Struct(vec![Value::Null; 5]),
            Value::Struct(vec![Value::Null]),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ]);
        assert!(event_message(&m, stream, &two).is_err());
    }
}

#[test]
fn exceptions_errors_and_unknown_events() {
    let m = model("rest-json");
    let meta = ResponseMeta {
        status: 200,
        request_id: Some("req-1".into()),
    };
    let exception = Message::new(&br#"{"message": "it broke", "Reason": "r"}"#[..])
        .header(":message-type", HeaderValue::String("exception".into()))
        .header(":exception-type", HeaderValue::String("Oops".into()));
    match read_message(&m, union(&m), &exception, &meta) {
        Err(EventStreamError::Exception(e)) => {
            assert_eq!(e.code(), "Oops");
            assert_eq!(e.message(), Some("it broke"));
            assert_eq!(e.request_id(), Some("req-1"));
            assert_eq!(e.kind().shape.as_deref(), Some("OopsException"));
        }
        other => panic!("{other:?}"),
    }
    // An exception type the union does not list: an error with its code.
    let unlisted = Message::new(&br#"{"Message": "m"}"#[..])
        .header(":message-type", HeaderValue::String("exception".into()))
        .header(":exception-type", HeaderValue::String("Other".into()));
    match read_message(&m, union(&m), &unlisted, &meta) {
        Err(EventStreamError::Error { code, message }) => {
            assert_eq!(code, "Other");
            assert_eq!(message.as_deref(), Some("m"));
        }
        other => panic!("{other:?}"),
    }
    let error = Message::new(Bytes::new())
        .header(":message-type", HeaderValue::String("error".into()))
        .header(":error-code", HeaderValue::String("InternalError".into()))
        .header(":error-message", HeaderValue::String("boom".into()));
    match read_message(&m, union(&m), &error, &meta) {
        Err(EventStreamError::Error { code, message }) => {
            assert_eq!(code, "InternalError");
            assert_eq!(message.as_deref(), Some("boom"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read_message(&m, union(&m), &event("Brand-new", b"{}"), &meta),
        Ok(Decoded::Unknown(name)) if name == "Brand-new"
    ));
    for bad in [
        Message::new(Bytes::new()),
        Message::new(Bytes::new()).header(":message-type", HeaderValue::String("what".into())),
        Message::new(Bytes::new()).header(":message-type", HeaderValue::String("event".into())),
        event("Chunk", b"").header("Seq", HeaderValue::String("not a number".into())),
    ] {
        assert!(
            matches!(
                read_message(&m, union(&m), &bad, &meta),
                Err(EventStreamError::Parse(_))
            ),
            "{bad:?}"
        );
    }
}

// ------------------------------------------------------------ the receiver

fn receiver(chunks: Vec<std::io::Result<Bytes>>) -> RawEventReceiver {
    let m = model("json");
    let id = union(&m);
    RawEventReceiver::new(
        Box::pin(futures_util::stream::iter(chunks)),
        m,
        id,
        ResponseMeta::default(),
    )
}

fn wire(messages: &[Message]) -> Bytes {
    let mut out = Vec::new();
    for m in messages {
        out.extend_from_slice(&m.encode().unwrap());
    }
    Bytes::from(out)
}

#[tokio::test]
async fn the_receiver_reads_the_initial_response_then_events_then_ends() {
    let all = wire(&[
        event("initial-response", br#"{"Id": "x"}"#),
        event("Text", b"one"),
        event("Surprise", b""),
        event("Text", b"two"),
    ]);
    // In odd pieces, as a network delivers them.
    let chunks = all
        .chunks(7)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let mut r = receiver(chunks);
    assert_eq!(
        r.initial_response().await.unwrap().as_deref(),
        Some(&br#"{"Id": "x"}"#[..])
    );
    let mut names = Vec::new();
    while let Some(event) = r.next().await {
        names.push(match event.unwrap() {
            RawEvent::Event(_) => "event".to_string(),
            RawEvent::Unknown(name) => name,
        });
    }
    assert_eq!(names, ["event", "Surprise", "event"]);
    assert!(r.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn without_an_initial_response_the_first_event_is_kept() {
    let mut r = receiver(vec![Ok(wire(&[event("Text", b"one")]))]);
    assert_eq!(r.initial_response().await.unwrap(), None);
    assert!(matches!(r.recv().await, Ok(Some(RawEvent::Event(_)))));
    assert!(r.recv().await.unwrap().is_none());
}

#[tokio::test]
async fn the_receiver_ends_with_an_error_on_each_fault() {
    let good = wire(&[event("Text", b"one")]);
    let mut bad_crc = good.to_vec();
    let n = bad_crc.len();
    bad_crc[n - 5] ^= 1;
    let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
    let cases: Vec<(Vec<std::io::Result<Bytes>>, &str)> = vec![
        (vec![Ok(Bytes::from(bad_crc))], "frame"),
        (vec![Ok(good.slice(..good.len() - 2))], "frame"),
        (vec![Ok(good.clone()), Err(reset)], "io"),
    ];
    for (chunks, kind) in cases {
        let mut r = receiver(chunks);
        let mut events = 0;
        let error = loop {
            match r.recv().await {
                Ok(Some(_)) => events += 1,
                Ok(None) => panic!("{kind}: ended without an error"),
                Err(e) => break e,
            }
        };
        match (kind, &error) {
            ("frame", EventStreamError::Frame(_)) | ("io", EventStreamError::Io(_)) => {}
            _ => panic!("{kind}: {error}"),
        }
        assert!(std::error::Error::source(&error).is_some());
        assert!(events <= 1);
        // Over after an error.
        assert!(r.recv().await.unwrap().is_none(), "{kind}");
    }
}

// ------------------------------------------------------------ the pipeline

/// A client of the test model (json protocol) at `url`.
fn json_client(url: &str) -> crate::client::ClientHandle {
    use crate::config::{Env, SharedConfig};
    let dir = std::env::temp_dir().join(format!(
        "myaws-es-model-{}-{}",
        std::process::id(),
        url.rsplit(':').next().unwrap_or("0")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("service-2.json"),
        MODEL.replace("PROTOCOL", "json"),
    )
    .unwrap();
    let service = crate::service::Service::from_dir(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let session = crate::Session::builder()
        .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
        .shared_config(SharedConfig::empty())
        .region("us-east-1")
        .credentials(crate::Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap();
    let config = crate::ClientConfig::default()
        .endpoint_url(url)
        .max_attempts(1);
    crate::client::ClientHandle::from_service(&session, service, config).unwrap()
}

#[tokio::test]
async fn the_initial_response_fills_the_output_before_the_stream_is_returned() {
    use crate::test_server::{Reply, TestServer};
    let body = wire(&[
        event("initial-response", br#"{"Id": "session-7"}"#),
        event("Text", b"hello"),
    ]);
    let server = TestServer::start(move |_| Reply::Http {
        status: 200,
        headers: vec![("content-type".into(), super::CONTENT_TYPE.into())],
        body: body.to_vec(),
    })
    .await;
    let client = json_client(&server.url());
    let out = client
        .call_stream("Listen", json!({"Name": "n"}))
        .await
        .unwrap();
    let mut output = out.output;
    let metadata = output.as_object_mut().unwrap().remove("ResponseMetadata");
    assert_eq!(metadata.unwrap()["HTTPStatusCode"], 200);
    assert_eq!(output, json!({"Id": "session-7"}));
    let mut events = out.events.unwrap();
    assert_eq!(
        events.recv().await.unwrap(),
        Some(json!({"Text": {"Text": "hello"}}))
    );
    assert_eq!(events.recv().await.unwrap(), None);
    // `call` refuses event streams before sending anything.
    let sent = server.requests().len();
    let error = client.call_json("Listen", json!({})).await.unwrap_err();
    assert!(error.to_string().contains("call_stream"), "{error}");
    assert_eq!(server.requests().len(), sent);
}

#[tokio::test]
async fn input_streams_need_http2() {
    use crate::test_server::{Reply, TestServer};
    assert_eq!(
        super::check_http2(true, false),
        Err(super::HTTP2_NEEDS_FEATURE)
    );
    assert_eq!(super::check_http2(true, true), Ok(()));
    assert_eq!(super::check_http2(false, false), Ok(()));
    if cfg!(feature = "http2") {
        return;
    }
    let server = TestServer::start(|_| Reply::status(200, "")).await;
    let client = json_client(&server.url());
    let events = futures_util::stream::iter([json!({"Text": {"Text": "x"}})]);
    let error = client
        .call_stream_with_input("Op", json!({}), events)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("`http2`"), "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_canned_before_send_answer_streams_its_events_too() {
    use crate::events::{HookOutcome, HttpResponse};
    let client = json_client("http://127.0.0.1:9");
    let body = wire(&[event("Text", b"canned"), event("End", b"")]);
    client.events().register("before-send", move |_| {
        Some(HookOutcome::Respond(HttpResponse {
            status: 200,
            headers: http::HeaderMap::new(),
            body: body.clone(),
        }))
    });
    let out = client.call_stream("Listen", json!({})).await.unwrap();
    let (events, error) = {
        let mut events = out.events.unwrap();
        let mut got = Vec::new();
        let error = loop {
            match events.recv().await {
                Ok(Some(e)) => got.push(e),
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        (got, error)
    };
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events,
        [json!({"Text": {"Text": "canned"}}), json!({"End": {}})]
    );
}
