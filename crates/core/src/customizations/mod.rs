//! Behaviour beyond the protocols that the SDKs add by hand: streamed
//! request and response payloads, checksums on uploads, and S3's quirks.
//! The pipeline in [`crate::client`] calls into these at fixed points.

use std::io;

use bytes::Bytes;

use crate::body::{BoxStream, ByteStream};
use crate::checksum::{response as checksum_response, ChecksumAlgorithm};
use crate::model::{Operation, ServiceModel, ShapeKind};
use crate::value::Value;

pub(crate) mod handlers;
pub mod limits;
mod quirks;
pub mod s3;
pub mod s3express;
pub mod upload;

pub(crate) use quirks::Quirks;

/// The index of the output's streaming blob payload member, if any.
pub fn streaming_output_member(model: &ServiceModel, op: &Operation) -> Option<usize> {
    let shape = model.shape(op.output?);
    let index = shape.member_index(shape.payload.as_deref()?)?;
    let member = &shape.members[index];
    let target = model.shape(member.target);
    (target.kind == ShapeKind::Blob && (member.streaming || target.streaming)).then_some(index)
}

/// Puts a streamed body into the output's payload slot, validating it
/// against `checksum` at its end when given.
pub fn attach_stream(
    out: &mut Value,
    index: usize,
    body: BoxStream,
    len: Option<u64>,
    checksum: Option<(ChecksumAlgorithm, String)>,
) {
    let body = match checksum {
        Some((algorithm, expected)) => {
            checksum_response::validating_stream(body, algorithm, expected)
        }
        None => body,
    };
    if let Value::Struct(slots) = out {
        if let Some(slot) = slots.get_mut(index) {
            *slot = Value::Stream(ByteStream::from_boxed(body, len));
        }
    }
}

/// Validates a buffered body against the response's checksum header.
pub fn validate_buffered(
    status: u16,
    headers: &http::HeaderMap,
    body: &Bytes,
    algorithms: &[ChecksumAlgorithm],
) -> Result<(), io::Error> {
    match checksum_response::select(status, headers, algorithms) {
        Some((algorithm, expected)) => {
            checksum_response::validate_bytes(algorithm, &expected, body)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::model::{HttpBinding, Operation};

    /// An operation with nothing set, for tests.
    pub(crate) fn blank_operation() -> Operation {
        Operation {
            name: String::new(),
            http: HttpBinding::default(),
            input: None,
            output: None,
            output_result_wrapper: None,
            input_location_name: None,
            input_xml_namespace: None,
            errors: Vec::new(),
            host_prefix: None,
            auth: Vec::new(),
            http_checksum_required: false,
            http_checksum: None,
            static_context_params: Vec::new(),
            operation_context_params: Vec::new(),
            request_compression: Vec::new(),
            endpoint_discovery: None,
            endpoint_operation: false,
            unsigned_payload: false,
            documentation: None,
            deprecated: false,
        }
    }
}
