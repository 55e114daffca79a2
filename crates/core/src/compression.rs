//! Request compression, as botocore's `compress.py` does it: the body of an
//! operation with the `requestcompression` trait (CloudWatch's
//! `PutMetricData`) is compressed with the first encoding of the trait
//! myaws supports (`gzip`) when it is at least
//! `request_min_compression_size_bytes` long (10 KiB by default) and
//! compression is not turned off (`disable_request_compression`). The
//! encoding is appended to any `Content-Encoding` the request already has
//! (`custom` → `custom,gzip`).
//!
//! It happens after serialization and before checksums and signing, so both
//! cover the compressed bytes. botocore would also compress a streaming
//! input without `requiresLength` (reading it all into memory); no operation
//! in botocore's models has both traits, and myaws sends streaming bodies
//! uncompressed.

use std::io::Write as _;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_ENCODING};

use crate::model::Operation;
use crate::protocol::SerializedRequest;

/// botocore's default `request_min_compression_size_bytes`.
pub const DEFAULT_MIN_SIZE_BYTES: u32 = 10_240;
/// The smallest `request_min_compression_size_bytes` accepted.
pub const MIN_SIZE_LOWER_BOUND: u32 = 1;
/// The largest `request_min_compression_size_bytes` accepted (1 MiB).
pub const MIN_SIZE_UPPER_BOUND: u32 = 1_048_576;

/// The compression settings of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestCompression {
    /// Compression is turned off (`disable_request_compression`).
    pub disabled: bool,
    /// Bodies shorter than this are sent as they are
    /// (`request_min_compression_size_bytes`).
    pub min_size_bytes: u32,
}

impl Default for RequestCompression {
    fn default() -> Self {
        RequestCompression {
            disabled: false,
            min_size_bytes: DEFAULT_MIN_SIZE_BYTES,
        }
    }
}

/// Compresses the serialized `request` of `operation` if the settings and
/// the model say so; returns the encoding used. `streamed` says the body is
/// a stream sent beside the serialized request (never compressed).
pub fn maybe_compress(
    settings: &RequestCompression,
    operation: &Operation,
    request: &mut SerializedRequest,
    streamed: bool,
) -> Result<Option<&'static str>, String> {
    if settings.disabled || operation.request_compression.is_empty() || streamed {
        return Ok(None);
    }
    if (request.body.len() as u64) < u64::from(settings.min_size_bytes) {
        return Ok(None);
    }
    for encoding in &operation.request_compression {
        if encoding != "gzip" {
            tracing::debug!(%encoding, "unsupported request compression encoding");
            continue;
        }
        request.body = gzip(&request.body)?;
        append_encoding(request, "gzip")?;
        tracing::debug!(operation = %operation.name, "request body compressed with gzip");
        return Ok(Some("gzip"));
    }
    Ok(None)
}

/// `data` gzipped (level 9, as Python's `gzip.compress`).
pub fn gzip(data: &[u8]) -> Result<Bytes, String> {
    let out = Vec::with_capacity(data.len() / 4 + 64);
    let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::best());
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .map(Bytes::from)
        .map_err(|e| format!("gzip compression of the request body failed: {e}"))
}

/// Sets `Content-Encoding` to `encoding`, or appends it to the value the
/// request already has.
fn append_encoding(request: &mut SerializedRequest, encoding: &str) -> Result<(), String> {
    let existing: Vec<&str> = request
        .headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let value = if existing.is_empty() {
        encoding.to_owned()
    } else {
        format!("{},{encoding}", existing.join(","))
    };
    let value = HeaderValue::try_from(value).map_err(|e| format!("Content-Encoding: {e}"))?;
    request.headers.insert(CONTENT_ENCODING, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn request(body: &[u8], encoding: Option<&str>) -> SerializedRequest {
        let mut headers = http::HeaderMap::new();
        if let Some(e) = encoding {
            headers.insert(CONTENT_ENCODING, e.parse().unwrap());
        }
        SerializedRequest {
            method: http::Method::POST,
            path: "/".into(),
            query: String::new(),
            headers,
            body: Bytes::copy_from_slice(body),
            host_prefix: None,
        }
    }

    fn operation(encodings: &[&str]) -> Operation {
        Operation {
            request_compression: encodings.iter().map(|e| e.to_string()).collect(),
            ..crate::customizations::tests::blank_operation()
        }
    }

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn compresses_at_or_above_the_minimum_only() {
        let settings = RequestCompression {
            disabled: false,
            min_size_bytes: 100,
        };
        let op = operation(&["gzip"]);
        let body = vec![b'a'; 100];
        let mut req = request(&body, None);
        assert_eq!(
            maybe_compress(&settings, &op, &mut req, false),
            Ok(Some("gzip"))
        );
        assert_eq!(req.headers[CONTENT_ENCODING], "gzip");
        assert_eq!(gunzip(&req.body), body);
        assert!(req.body.len() < body.len());

        let mut small = request(&body[..99], None);
        assert_eq!(maybe_compress(&settings, &op, &mut small, false), Ok(None));
        assert_eq!(&small.body[..], &body[..99]);
        assert!(small.headers.get(CONTENT_ENCODING).is_none());
    }

    #[test]
    fn appends_to_an_existing_encoding() {
        let settings = RequestCompression {
            disabled: false,
            min_size_bytes: 1,
        };
        let mut req = request(b"payload", Some("custom"));
        maybe_compress(&settings, &operation(&["gzip"]), &mut req, false).unwrap();
        assert_eq!(req.headers[CONTENT_ENCODING], "custom,gzip");
        assert_eq!(gunzip(&req.body), b"payload");
    }

    #[test]
    fn off_when_disabled_unmodeled_unsupported_or_streamed() {
        let on = RequestCompression {
            disabled: false,
            min_size_bytes: 1,
        };
        let off = RequestCompression {
            disabled: true,
            ..on
        };
        for (settings, op, streamed) in [
            (off, operation(&["gzip"]), false),
            (on, operation(&[]), false),
            (on, operation(&["br"]), false),
            (on, operation(&["gzip"]), true),
        ] {
            let mut req = request(b"payload", None);
            assert_eq!(maybe_compress(&settings, &op, &mut req, streamed), Ok(None));
            assert_eq!(&req.body[..], b"payload");
        }
        // The first supported encoding of the trait is used.
        let mut req = request(b"payload", None);
        let op = operation(&["br", "gzip"]);
        assert_eq!(maybe_compress(&on, &op, &mut req, false), Ok(Some("gzip")));
        assert_eq!(RequestCompression::default().min_size_bytes, 10_240);
    }
}
