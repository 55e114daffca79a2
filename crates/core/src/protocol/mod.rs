//! The six wire protocols, driven by the service model.
//!
//! [`serialize_request`] turns an operation's input [`Value`] into an HTTP
//! request (method, path, query, headers, body) before endpoint resolution and
//! signing; [`parse_response`] and [`parse_error`] turn an HTTP response back
//! into a [`Value`] or the parts of a service error. The same functions serve
//! generated clients, the dynamic call path and the protocol test runner.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};

use crate::model::{Operation, ServiceModel, ShapeId};
use crate::value::Value;

pub mod de;
pub mod ser;

/// An HTTP request as the protocol builds it, before endpoint and signing.
#[derive(Debug, Clone)]
pub struct SerializedRequest {
    /// HTTP method.
    pub method: Method,
    /// Percent-encoded path from the operation's `requestUri` (labels
    /// expanded); the pipeline prefixes the endpoint's own path.
    pub path: String,
    /// Encoded query string without the leading `?` (may be empty).
    pub query: String,
    /// Headers set by the protocol (content type, target, bound members).
    pub headers: HeaderMap,
    /// Request body.
    pub body: Bytes,
    /// Expanded `endpoint.hostPrefix`, to prepend to the endpoint host.
    pub host_prefix: Option<String>,
}

/// Knobs for serialization that tests need to pin down.
#[derive(Clone, Copy)]
pub struct SerializeOptions {
    /// Makes idempotency tokens for absent `idempotencyToken` members.
    pub idempotency_token: fn() -> String,
}

impl Default for SerializeOptions {
    fn default() -> Self {
        SerializeOptions {
            idempotency_token: random_uuid,
        }
    }
}

impl fmt::Debug for SerializeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SerializeOptions").finish_non_exhaustive()
    }
}

/// A random (version 4) UUID, as botocore uses for idempotency tokens.
pub fn random_uuid() -> String {
    let mut b = [0u8; 16];
    fastrand::fill(&mut b);
    uuid_v4_text(b)
}

/// The version 4 UUID made of the random bytes `b`, in its usual text form
/// (the version and variant bits set, lowercase hex in groups of 8-4-4-4-12).
pub(crate) fn uuid_v4_text(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    // One per call: sixteen `format!`s here cost ~11k instructions (4% of
    // a small S3 request), the signer's hex encoder a few hundred.
    let mut digits = [0u8; 32];
    let hex = crate::signing::hex_into(&b, &mut digits);
    let mut uuid = String::with_capacity(36);
    for (i, group) in [0..8, 8..12, 12..16, 16..20, 20..32]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            uuid.push('-');
        }
        uuid.push_str(&hex[group]);
    }
    uuid
}

/// An HTTP response as the protocol parses it.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: &'a HeaderMap,
    /// Whole body.
    pub body: &'a [u8],
}

/// The parts of a service error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceErrorParts {
    /// Error code (`QueueDoesNotExist`, `AWS.SimpleQueueService.NonExistentQueue`).
    pub code: String,
    /// Human-readable message, if the service sent one.
    pub message: Option<String>,
    /// Request id (header or body).
    pub request_id: Option<String>,
    /// The modeled exception shape the code matched, if any.
    pub shape: Option<ShapeId>,
    /// That shape's members parsed from the response ([`Value::Struct`]), or
    /// [`Value::Null`] when no shape matched.
    pub value: Value,
}

/// A request could not be built or a response could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    /// What went wrong.
    pub message: String,
}

impl ProtocolError {
    /// Creates an error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        ProtocolError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProtocolError {}

/// Builds the HTTP request for `op` with `input` (a [`Value::Struct`] of the
/// operation's input shape, or [`Value::Null`] when it has none).
pub fn serialize_request(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
    opts: &SerializeOptions,
) -> Result<SerializedRequest, ProtocolError> {
    ser::serialize(model, op, input, opts)
}

/// Parses a successful response into a [`Value::Struct`] of the output shape
/// ([`Value::Null`] when the operation has no output).
pub fn parse_response(
    model: &ServiceModel,
    op: &Operation,
    response: &Response<'_>,
) -> Result<Value, ProtocolError> {
    de::parse_response(model, op, response)
}

/// Parses an error response: code, message, request id and modeled members.
pub fn parse_error(
    model: &ServiceModel,
    op: &Operation,
    response: &Response<'_>,
) -> Result<ServiceErrorParts, ProtocolError> {
    de::parse_error(model, op, response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_version_4() {
        let u = super::random_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        let groups: Vec<usize> = u.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(u.bytes().all(|c| c == b'-' || c.is_ascii_hexdigit()));
        assert!(!u.bytes().any(|c| c.is_ascii_uppercase()));
        assert_ne!(u, super::random_uuid());
    }
}
