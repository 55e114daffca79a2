//! Which checksum a request gets, as botocore's
//! `resolve_request_checksum_algorithm` decides (the algorithm member if the
//! caller set it; CRC32 when the operation requires a checksum or supports
//! one and `request_checksum_calculation` is `when_supported`; since
//! botocore 1.36 that includes operations with only the legacy
//! `httpChecksumRequired` trait, which used to get `Content-MD5`).

use http::HeaderMap;

use super::{ChecksumAlgorithm, RequestChecksumCalculation, DEFAULT_ALGORITHM};
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

/// The checksum chosen for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestChecksum {
    /// No checksum (or the caller supplied one).
    None,
    /// A flexible checksum; `algorithm_header` is the header naming the
    /// algorithm (`x-amz-sdk-checksum-algorithm`) when the SDK chose it.
    Flexible {
        /// The algorithm.
        algorithm: ChecksumAlgorithm,
        /// Header to add with the algorithm's name, if not already there.
        algorithm_header: Option<String>,
    },
}

/// Chooses the request checksum of `op` for `input` given the headers the
/// protocol already set.
pub fn resolve(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
    headers: &HeaderMap,
    setting: RequestChecksumCalculation,
) -> Result<RequestChecksum, String> {
    // A checksum the caller computed wins.
    if headers
        .keys()
        .any(|k| k.as_str().starts_with("x-amz-checksum-"))
    {
        return Ok(RequestChecksum::None);
    }
    let flexible = op.http_checksum.as_ref();
    let member = flexible.and_then(|c| c.request_algorithm_member.as_deref());
    let required =
        op.http_checksum_required || flexible.is_some_and(|c| c.request_checksum_required);
    if let Some(name) = member.and_then(|m| member_string(model, op, input, m)) {
        let algorithm = ChecksumAlgorithm::from_name(name).ok_or_else(|| {
            format!(
                "unsupported checksum algorithm {name:?} for {} (supported: CRC32, CRC32C, CRC64NVME, SHA1, SHA256)",
                op.name
            )
        })?;
        return Ok(RequestChecksum::Flexible {
            algorithm,
            algorithm_header: None,
        });
    }
    let wanted =
        required || (member.is_some() && setting == RequestChecksumCalculation::WhenSupported);
    if !wanted {
        return Ok(RequestChecksum::None);
    }
    let algorithm_header = member.and_then(|m| member_header(model, op, m));
    Ok(RequestChecksum::Flexible {
        algorithm: DEFAULT_ALGORITHM,
        algorithm_header,
    })
}

/// The string value of input member `name`, if set.
fn member_string<'v>(
    model: &ServiceModel,
    op: &Operation,
    input: &'v Value,
    name: &str,
) -> Option<&'v str> {
    let shape = model.shape(op.input?);
    let index = shape.member_index(name)?;
    input.as_struct()?.get(index)?.as_str()
}

/// The header a member is bound to.
fn member_header(model: &ServiceModel, op: &Operation, name: &str) -> Option<String> {
    let shape = model.shape(op.input?);
    let m = &shape.members[shape.member_index(name)?];
    (m.location == crate::model::Location::Header).then(|| m.wire_name().to_ascii_lowercase())
}
