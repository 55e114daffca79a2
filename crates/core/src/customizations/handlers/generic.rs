//! Handlers botocore registers for every service: idempotency tokens,
//! recursion detection (Lambda's trace id), and the retry headers.

use std::fmt::Write;

use http::header::{HeaderName, HeaderValue};

use super::values::quote;
use super::{Builtin, CallNotes, Context, Handler, TtlBasis};
use crate::body::ByteStream;
use crate::protocol::SerializedRequest;
use crate::value::Value;

/// The generic handlers, in botocore's registration order.
pub(super) static HANDLERS: &[Builtin] = &[
    Builtin {
        event: "before-parameter-build",
        name: "generate_idempotent_uuid",
        handler: Handler::Params(generate_idempotent_uuid),
    },
    Builtin {
        event: "before-call",
        name: "add_recursion_detection_header",
        handler: Handler::Serialized(add_recursion_detection_header),
    },
    Builtin {
        event: "before-send",
        name: "add_retry_headers",
        handler: Handler::Send(add_retry_headers),
    },
];

/// Fills absent top-level `idempotencyToken` members with a random UUID, so
/// that a required token is never refused as missing.
fn generate_idempotent_uuid(
    ctx: &Context<'_>,
    input: &mut Value,
    _: &mut CallNotes,
) -> Result<(), String> {
    let Some(shape) = ctx.op.input.map(|id| ctx.model.shape(id)) else {
        return Ok(());
    };
    if !shape.members.iter().any(|m| m.idempotency_token) {
        return Ok(());
    }
    if input.is_null() {
        *input = Value::Struct(vec![Value::Null; shape.members.len()]);
    }
    if let Value::Struct(slots) = input {
        for (member, slot) in shape.members.iter().zip(slots.iter_mut()) {
            if member.idempotency_token && slot.is_null() {
                *slot = Value::String(crate::protocol::random_uuid());
            }
        }
    }
    Ok(())
}

/// The characters botocore leaves unquoted in the trace id.
const TRACE_ID_SAFE: &[u8] = b"-=;:+&[]{}\"',";

/// In AWS Lambda (`AWS_LAMBDA_FUNCTION_NAME` and `_X_AMZN_TRACE_ID` set),
/// sends the trace id as `X-Amzn-Trace-Id` unless the request has one
/// (read from the live process environment: Lambda changes it per
/// invocation).
fn add_recursion_detection_header(
    _: &Context<'_>,
    request: &mut SerializedRequest,
    _: Option<&ByteStream>,
) -> Result<(), String> {
    let in_lambda = std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some();
    let Some(trace_id) = std::env::var("_X_AMZN_TRACE_ID").ok().filter(|_| in_lambda) else {
        return Ok(());
    };
    if request.headers.contains_key("x-amzn-trace-id") {
        return Ok(());
    }
    if let Ok(value) = HeaderValue::try_from(quote(&trace_id, TRACE_ID_SAFE)) {
        request
            .headers
            .insert(HeaderName::from_static("x-amzn-trace-id"), value);
    }
    Ok(())
}

/// `amz-sdk-invocation-id` (one per call) and `amz-sdk-request`: as
/// botocore sends them, after signing (so unsigned), `attempt=N`, with
/// `max=M` from the second attempt in the modes that have a maximum (what
/// botocore's `MaxAttemptsChecker` records once it has checked one) and
/// `ttl` once a response's `Date` gave the server's clock.
fn add_retry_headers(_: &Context<'_>, notes: &CallNotes, headers: &mut http::HeaderMap) {
    if notes.invocation_id.is_empty() {
        return;
    }
    if let Ok(id) = HeaderValue::try_from(notes.invocation_id.as_str()) {
        headers.insert(HeaderName::from_static("amz-sdk-invocation-id"), id);
    }
    let mut value = String::with_capacity(48);
    if let Some(ttl) = notes.ttl.as_ref().and_then(TtlBasis::render) {
        value.push_str("ttl=");
        value.push_str(&ttl);
        value.push_str("; ");
    }
    let _ = write!(value, "attempt={}", notes.attempt);
    if let Some(max) = notes.max_attempts.filter(|_| notes.attempt > 1) {
        let _ = write!(value, "; max={max}");
    }
    if let Ok(value) = HeaderValue::try_from(value) {
        headers.insert(HeaderName::from_static("amz-sdk-request"), value);
    }
}
