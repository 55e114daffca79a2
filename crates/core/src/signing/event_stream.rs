//! SigV4 signatures of input event-stream messages.
//!
//! The request is signed with the payload hash
//! `STREAMING-AWS4-HMAC-SHA256-EVENTS`; its signature seeds a chain in which
//! every message is wrapped in a frame whose payload is the encoded message
//! and whose headers are `:chunk-signature` (the 32 signature bytes) and
//! `:date` (the signing time). Each signature signs
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD
//! <date time>
//! <date>/<region>/<service>/aws4_request
//! <previous signature, hex>
//! <hex SHA-256 of the encoded :date header>
//! <hex SHA-256 of the wrapped message>
//! ```
//!
//! and the stream ends with a signed frame whose payload is empty.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::sign::v4;
use bytes::{Bytes, BytesMut};

use super::date::Stamp;
use super::encoding::sha256_hex;
use super::key::KEYS;
use crate::credentials::Credentials;
use crate::eventstream::frame::{HeaderValue, Message};
use crate::time::TimeSource;

/// The `x-amz-content-sha256` (and canonical payload hash) of a request
/// whose body is a signed event stream.
pub const EVENTS_PAYLOAD_HASH: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";
/// The algorithm line of an event signature's string to sign.
const PAYLOAD_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";

/// Signs the messages of one request's input event stream, each chained
/// on the one before (the first on the request's signature).
pub struct EventSigner {
    credentials: Credentials,
    region: String,
    name: String,
    previous: String,
    clock: TimeSource,
}

impl std::fmt::Debug for EventSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSigner")
            .field("region", &self.region)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl EventSigner {
    /// A signer chaining from `seed_signature` (the request's, hex).
    pub fn new(
        credentials: Credentials,
        region: &str,
        name: &str,
        seed_signature: String,
        clock: TimeSource,
    ) -> EventSigner {
        EventSigner {
            credentials,
            region: region.to_string(),
            name: name.to_string(),
            previous: seed_signature,
            clock,
        }
    }

    /// The signed frame carrying `payload` (an encoded message, or nothing
    /// for the closing frame), signed now.
    pub fn sign(&mut self, payload: Bytes) -> Result<Message, String> {
        // The `:date` header has millisecond precision but the signature
        // whole seconds: both must say the same time.
        let time = whole_seconds(self.clock.now());
        let stamp = Stamp::new(time)?;
        let millis = epoch_millis(time)?;
        let text = string_to_sign(
            &payload,
            &self.previous,
            &stamp,
            millis,
            &self.region,
            &self.name,
        );
        let key = KEYS.get(
            self.credentials.access_key_id(),
            self.credentials.secret_access_key(),
            time,
            stamp.date(),
            &self.region,
            &self.name,
        );
        let signature = v4::calculate_signature(key.as_bytes(), text.as_bytes());
        let raw = hex_decode(&signature).ok_or("the signature is not hex")?;
        self.previous = signature;
        Ok(Message::new(payload)
            .header(":chunk-signature", HeaderValue::Bytes(Bytes::from(raw)))
            .header(":date", HeaderValue::Timestamp(millis)))
    }
}

fn whole_seconds(time: SystemTime) -> SystemTime {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => UNIX_EPOCH + Duration::from_secs(d.as_secs()),
        Err(_) => time,
    }
}

/// Milliseconds since the epoch (times before 1970 cannot be signed).
fn epoch_millis(time: SystemTime) -> Result<i64, String> {
    time.duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_millis()).ok())
        .ok_or_else(|| "signing time out of range".to_string())
}

/// The string to sign of a message with `payload`, chained on `previous`;
/// `stamp` and `millis` are the same (whole-second) time.
pub(crate) fn string_to_sign(
    payload: &[u8],
    previous: &str,
    stamp: &Stamp,
    millis: i64,
    region: &str,
    name: &str,
) -> String {
    let mut date_header = BytesMut::new();
    // One header: `:date` as a timestamp; its encoding is fixed-size.
    date_header.extend_from_slice(&[5]);
    date_header.extend_from_slice(b":date");
    date_header.extend_from_slice(&[8]);
    date_header.extend_from_slice(&millis.to_be_bytes());
    let mut header_hash = [0; 64];
    let mut payload_hash = [0; 64];
    let mut out = String::with_capacity(300);
    for part in [
        PAYLOAD_ALGORITHM,
        "\n",
        stamp.date_time(),
        "\n",
        stamp.date(),
        "/",
        region,
        "/",
        name,
        "/aws4_request\n",
        previous,
        "\n",
        sha256_hex(&date_header, &mut header_hash),
        "\n",
        sha256_hex(payload, &mut payload_hash),
    ] {
        out.push_str(part);
    }
    out
}

fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let bytes = hex.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::hex;

    fn sha256(data: &[u8]) -> String {
        let mut out = [0; 64];
        sha256_hex(data, &mut out).to_string()
    }

    /// aws-sigv4's published vector (`event_stream::tests::string_to_sign`):
    /// the same message, time and previous signature give the same string.
    #[test]
    fn string_to_sign_matches_aws_sigv4() {
        let message = Message::new(&b"test payload"[..])
            .header("some-header", HeaderValue::String("value".into()));
        let payload = message.encode().unwrap();
        let time = UNIX_EPOCH + Duration::new(123_456_789, 1234);
        let stamp = Stamp::new(time).unwrap();
        let previous = sha256(b"last message sts");
        let expected = "AWS4-HMAC-SHA256-PAYLOAD\n\
            19731129T213309Z\n\
            19731129/us-east-1/testservice/aws4_request\n\
            be1f8c7d79ef8e1abc5254a2c70e4da3bfaf4f07328f527444e1fc6ea67273e2\n\
            0c0e3b3bf66b59b976181bd7d401927bbd624107303c713fd1e5f3d3c8dd1b1e\n\
            f2eba0f2e95967ee9fbc6db5e678d2fd599229c0d04b11e4fc8e0f2a02a806c6";
        assert_eq!(
            string_to_sign(
                &payload,
                &previous,
                &stamp,
                123_456_789_000,
                "us-east-1",
                "testservice"
            ),
            expected
        );
    }

    #[test]
    fn signatures_chain_and_frames_carry_them() {
        let time = UNIX_EPOCH + Duration::new(1_700_000_000, 999_000_000);
        let credentials = Credentials::new("AKID", "SECRET", None, None);
        let mut signer = EventSigner::new(
            credentials,
            "us-west-2",
            "bedrock",
            "seed".into(),
            TimeSource::fixed(time),
        );
        let first = signer.sign(Bytes::from_static(b"one")).unwrap();
        let second = signer.sign(Bytes::new()).unwrap();
        let sig = |m: &Message| match m.get(":chunk-signature") {
            Some(HeaderValue::Bytes(b)) => hex(b),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            first.get(":date"),
            Some(&HeaderValue::Timestamp(1_700_000_000_000))
        );
        // Recompute both independently of the signer's state.
        const MILLIS: i64 = 1_700_000_000_000;
        let stamp = Stamp::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000)).unwrap();
        let key = v4::generate_signing_key("SECRET", time, "us-west-2", "bedrock");
        let s1 = v4::calculate_signature(
            key.as_ref(),
            string_to_sign(b"one", "seed", &stamp, MILLIS, "us-west-2", "bedrock").as_bytes(),
        );
        let s2 = v4::calculate_signature(
            key.as_ref(),
            string_to_sign(b"", &s1, &stamp, MILLIS, "us-west-2", "bedrock").as_bytes(),
        );
        assert_eq!(sig(&first), s1);
        assert_eq!(sig(&second), s2);
        assert_eq!(first.payload, Bytes::from_static(b"one"));
        assert!(second.payload.is_empty());
    }
}
