//! Validation of response checksums (botocore's `handle_checksum_body`):
//! when the operation has a validation mode member set to `ENABLED`, the
//! first checksum header in priority order is checked against the body,
//! whole for buffered bodies, at the end of the stream for streamed ones.
//! Composite multipart checksums (`...-3`) cannot be checked and are skipped,
//! and so are partial (`206`) responses, whose checksum covers the whole
//! object.

use std::fmt;
use std::io;

use bytes::Bytes;
use futures_util::StreamExt;
use http::HeaderMap;

use super::{ChecksumAlgorithm, Hasher, ResponseChecksumValidation, RESPONSE_PRIORITY};
use crate::body::BoxStream;
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

/// A response body did not match its checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecksumMismatch {
    /// The algorithm.
    pub algorithm: ChecksumAlgorithm,
    /// The checksum the service sent.
    pub expected: String,
    /// The checksum of the bytes received.
    pub actual: String,
}

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "response checksum mismatch: the service sent {} {} but the body's is {}",
            self.algorithm, self.expected, self.actual
        )
    }
}

impl std::error::Error for ChecksumMismatch {}

/// Sets the validation mode member to `ENABLED` when validation is
/// `when_supported` and the caller left it unset (as botocore does).
pub fn enable_mode_member(
    model: &ServiceModel,
    op: &Operation,
    input: &mut Value,
    setting: ResponseChecksumValidation,
) {
    if setting != ResponseChecksumValidation::WhenSupported {
        return;
    }
    let Some(index) = mode_member_index(model, op) else {
        return;
    };
    if let Value::Struct(slots) = input {
        if let Some(slot @ Value::Null) = slots.get_mut(index) {
            *slot = Value::String("ENABLED".into());
        }
    }
}

fn mode_member_index(model: &ServiceModel, op: &Operation) -> Option<usize> {
    let name = op
        .http_checksum
        .as_ref()?
        .request_validation_mode_member
        .as_deref()?;
    model.shape(op.input?).member_index(name)
}

/// The algorithms to look for in the response, in priority order; empty
/// when validation is off for this call.
pub fn algorithms(model: &ServiceModel, op: &Operation, input: &Value) -> Vec<ChecksumAlgorithm> {
    let Some(index) = mode_member_index(model, op) else {
        return Vec::new();
    };
    let enabled = input
        .as_struct()
        .and_then(|s| s.get(index))
        .and_then(Value::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"));
    if !enabled {
        return Vec::new();
    }
    let modeled = op
        .http_checksum
        .as_ref()
        .map(|c| c.response_algorithms.as_slice())
        .unwrap_or_default();
    RESPONSE_PRIORITY
        .into_iter()
        .filter(|a| modeled.iter().any(|m| m.eq_ignore_ascii_case(a.name())))
        .collect()
}

/// The checksum to verify for a response: the first of `algorithms` whose
/// header is present with a whole-object value.
pub fn select(
    status: u16,
    headers: &HeaderMap,
    algorithms: &[ChecksumAlgorithm],
) -> Option<(ChecksumAlgorithm, String)> {
    if status == 206 {
        return None;
    }
    algorithms.iter().find_map(|&a| {
        let value = headers.get(a.header_name())?.to_str().ok()?.trim();
        (!value.contains('-')).then(|| (a, value.to_string()))
    })
}

/// Checks a whole body.
pub fn validate_bytes(
    algorithm: ChecksumAlgorithm,
    expected: &str,
    body: &[u8],
) -> Result<(), ChecksumMismatch> {
    let actual = algorithm.checksum_of(body);
    compare(algorithm, expected, actual)
}

fn compare(
    algorithm: ChecksumAlgorithm,
    expected: &str,
    actual: String,
) -> Result<(), ChecksumMismatch> {
    if actual == expected {
        Ok(())
    } else {
        Err(ChecksumMismatch {
            algorithm,
            expected: expected.to_string(),
            actual,
        })
    }
}

struct Validating {
    inner: BoxStream,
    hasher: Option<Hasher>,
    algorithm: ChecksumAlgorithm,
    expected: String,
}

/// Wraps a streamed body so that its end is checked against `expected`; a
/// mismatch is an [`io::ErrorKind::InvalidData`] error carrying a
/// [`ChecksumMismatch`] in place of the end of the stream.
pub fn validating_stream(
    inner: BoxStream,
    algorithm: ChecksumAlgorithm,
    expected: String,
) -> BoxStream {
    let state = Validating {
        inner,
        hasher: Some(algorithm.hasher()),
        algorithm,
        expected,
    };
    Box::pin(futures_util::stream::try_unfold(
        state,
        |mut st| async move {
            let Some(hasher) = st.hasher.as_mut() else {
                return Ok(None);
            };
            match st.inner.next().await {
                Some(chunk) => {
                    let chunk: Bytes = chunk?;
                    hasher.update(&chunk);
                    Ok(Some((chunk, st)))
                }
                None => {
                    let actual = st
                        .hasher
                        .take()
                        .map(Hasher::finish_base64)
                        .unwrap_or_default();
                    compare(st.algorithm, &st.expected, actual)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                    Ok(None)
                }
            }
        },
    ))
}
