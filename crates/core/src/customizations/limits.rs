//! How large a buffered response body may be, per operation.
//!
//! Everything myaws parses is read into memory first, so every buffered
//! body has a limit; a body over it is a
//! [`DispatchErrorKind::BodyTooLarge`](crate::error::DispatchErrorKind)
//! error, never retried. Streaming payloads (S3 `GetObject`) are not
//! buffered and have no limit.

use crate::model::{Operation, ServiceModel};

/// Largest response body read into memory for parsing (structured
/// responses and non-streaming blob payloads of operations without a
/// documented limit of their own).
pub const MAX_RESPONSE_BODY: usize = 64 << 20;

/// Lambda's documented limit of a synchronous invocation's response
/// payload (6 MB; Lambda reports it as 6,291,556 bytes).
pub const LAMBDA_INVOKE_PAYLOAD: usize = 6_291_556;

/// DynamoDB's largest response: `BatchGetItem` returns at most 16 MB of
/// items; the rest is room for the JSON encoding around them.
pub const DYNAMODB_RESPONSE: usize = 24 << 20;

/// The largest body `op`'s response may have.
pub fn max_response_body(model: &ServiceModel, op: &Operation) -> usize {
    match (model.metadata.endpoint_prefix.as_str(), op.name.as_str()) {
        // The payload is the function's result; the error document, when
        // the function fails, is smaller still.
        ("lambda", "Invoke") => LAMBDA_INVOKE_PAYLOAD,
        // Its values may take up to 48 times the body (see
        // `protocol::de::budget`): keep the body to what DynamoDB sends.
        ("dynamodb", _) => DYNAMODB_RESPONSE,
        _ => MAX_RESPONSE_BODY,
    }
}
