//! The `aws-chunked` content encoding: a body re-framed as
//! `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` chunks of a fixed size,
//! a zero-size final chunk and optional trailing headers (a checksum, and
//! its signature when chunks are signed).
//!
//! Chunks are signed as S3's `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`
//! describes, each signature chaining on the previous one from the request's
//! own (the seed). Unsigned framing (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`)
//! always carries a trailing checksum.

use std::io;
use std::time::SystemTime;

use aws_sigv4::http_request::SigningSettings;
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use super::{ChecksumAlgorithm, Hasher};
use crate::body::BoxStream;

/// Size of every chunk but the last (S3 wants at least 8 KiB).
pub const CHUNK_SIZE: usize = 64 * 1024;

/// Length of a hex SHA-256 signature.
const SIG_LEN: u64 = 64;
const CHUNK_SIG_PREFIX: &str = ";chunk-signature=";
const TRAILER_SIG_NAME: &str = "x-amz-trailer-signature";

/// What signs each chunk: the request's credentials, scope and time, and the
/// request's signature to chain from.
#[derive(Clone)]
pub struct ChunkSigner {
    /// The request's credentials.
    pub identity: Identity,
    /// Signing region.
    pub region: String,
    /// Signing name.
    pub name: String,
    /// The request's signing time.
    pub time: SystemTime,
    /// The request's own signature (the seed).
    pub seed_signature: String,
}

impl std::fmt::Debug for ChunkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkSigner")
            .field("region", &self.region)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ChunkSigner {
    fn params(&self) -> Result<v4::SigningParams<'_, SigningSettings>, io::Error> {
        v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name(&self.name)
            .time(self.time)
            .settings(SigningSettings::default())
            .build()
            .map_err(io::Error::other)
    }

    fn sign_chunk(&self, previous: &str, chunk: &Bytes) -> io::Result<String> {
        let params = self.params()?;
        let out = v4::sign_chunk(chunk, previous, &params).map_err(io::Error::other)?;
        Ok(out.signature().to_string())
    }

    fn sign_trailer(&self, previous: &str, name: &str, value: &str) -> io::Result<String> {
        let params = self.params()?;
        let mut headers = aws_smithy_runtime_api::http::Headers::new();
        headers.insert(name.to_string(), value.to_string());
        let out = v4::sign_trailer(&headers, previous, &params).map_err(io::Error::other)?;
        Ok(out.signature().to_string())
    }
}

/// How to frame a body.
#[derive(Debug, Clone)]
pub struct Framing {
    /// Checksum sent as a trailer.
    pub trailer: Option<ChecksumAlgorithm>,
    /// Chunk signing; `None` for unsigned chunks.
    pub signer: Option<ChunkSigner>,
}

impl Framing {
    /// The `x-amz-content-sha256` value for this framing.
    pub fn content_sha256(&self) -> &'static str {
        match (&self.signer, self.trailer) {
            (Some(_), Some(_)) => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            (Some(_), None) => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            (None, _) => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        }
    }

    /// The encoded length of a body of `decoded` bytes.
    pub fn encoded_len(&self, decoded: u64) -> u64 {
        let signed = self.signer.is_some();
        let chunk = |size: u64| -> u64 {
            let hex = format!("{size:x}").len() as u64;
            let sig = if signed {
                CHUNK_SIG_PREFIX.len() as u64 + SIG_LEN
            } else {
                0
            };
            // "<hex><sig>\r\n<data>\r\n"; the final chunk has no data line.
            hex + sig + 2 + if size > 0 { size + 2 } else { 0 }
        };
        let full = decoded / CHUNK_SIZE as u64;
        let rest = decoded % CHUNK_SIZE as u64;
        let mut total = full * chunk(CHUNK_SIZE as u64);
        if rest > 0 {
            total += chunk(rest);
        }
        total += chunk(0);
        if let Some(a) = self.trailer {
            total += trailer_line_len(a);
            if signed {
                total += TRAILER_SIG_NAME.len() as u64 + 1 + SIG_LEN + 2;
            }
        }
        total + 2
    }
}

/// `name:value\r\n` for a checksum trailer.
fn trailer_line_len(a: ChecksumAlgorithm) -> u64 {
    let digest_len: u64 = match a {
        ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
        ChecksumAlgorithm::Crc64Nvme => 8,
        ChecksumAlgorithm::Sha1 => 20,
        ChecksumAlgorithm::Sha256 => 32,
        ChecksumAlgorithm::Md5 => 16,
    };
    let b64 = digest_len.div_ceil(3) * 4;
    a.header_name().len() as u64 + 1 + b64 + 2
}

struct Encoder {
    source: BoxStream,
    framing: Framing,
    hasher: Option<Hasher>,
    buffer: BytesMut,
    previous_signature: String,
    source_done: bool,
    finished: bool,
}

/// Frames `source` as `aws-chunked`.
pub fn encode(source: BoxStream, framing: Framing) -> BoxStream {
    let encoder = Encoder {
        source,
        hasher: framing.trailer.map(ChecksumAlgorithm::hasher),
        previous_signature: framing
            .signer
            .as_ref()
            .map(|s| s.seed_signature.clone())
            .unwrap_or_default(),
        framing,
        buffer: BytesMut::new(),
        source_done: false,
        finished: false,
    };
    Box::pin(futures_util::stream::try_unfold(encoder, next_frame))
}

async fn next_frame(mut enc: Encoder) -> io::Result<Option<(Bytes, Encoder)>> {
    if enc.finished {
        return Ok(None);
    }
    // Fill one chunk (never holding more than a chunk plus one source item).
    while !enc.source_done && enc.buffer.len() < CHUNK_SIZE {
        match enc.source.next().await {
            Some(chunk) => enc.buffer.extend_from_slice(&chunk?),
            None => enc.source_done = true,
        }
    }
    if !enc.buffer.is_empty() {
        let take = enc.buffer.len().min(CHUNK_SIZE);
        let data = enc.buffer.split_to(take).freeze();
        if let Some(h) = &mut enc.hasher {
            h.update(&data);
        }
        let frame = enc.data_frame(&data)?;
        return Ok(Some((frame, enc)));
    }
    enc.finished = true;
    let frame = enc.final_frame()?;
    Ok(Some((frame, enc)))
}

impl Encoder {
    fn chunk_header(&mut self, data: &Bytes) -> io::Result<String> {
        let mut head = format!("{:x}", data.len());
        if let Some(signer) = &self.framing.signer {
            let sig = signer.sign_chunk(&self.previous_signature, data)?;
            head.push_str(CHUNK_SIG_PREFIX);
            head.push_str(&sig);
            self.previous_signature = sig;
        }
        head.push_str("\r\n");
        Ok(head)
    }

    fn data_frame(&mut self, data: &Bytes) -> io::Result<Bytes> {
        let head = self.chunk_header(data)?;
        let mut out = BytesMut::with_capacity(head.len() + data.len() + 2);
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
        Ok(out.freeze())
    }

    fn final_frame(&mut self) -> io::Result<Bytes> {
        let mut out = self.chunk_header(&Bytes::new())?;
        if let (Some(a), Some(h)) = (self.framing.trailer, self.hasher.take()) {
            let value = h.finish_base64();
            out.push_str(a.header_name());
            out.push(':');
            out.push_str(&value);
            out.push_str("\r\n");
            if let Some(signer) = &self.framing.signer {
                let sig = signer.sign_trailer(&self.previous_signature, a.header_name(), &value)?;
                out.push_str(TRAILER_SIG_NAME);
                out.push(':');
                out.push_str(&sig);
                out.push_str("\r\n");
            }
        }
        out.push_str("\r\n");
        Ok(Bytes::from(out))
    }
}

#[cfg(test)]
#[path = "aws_chunked_tests.rs"]
mod tests;
