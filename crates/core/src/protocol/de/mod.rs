//! Response and error parsing for every protocol.

use super::{ProtocolError, Response, ServiceErrorParts};
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

/// Parses a successful response for `op`.
pub fn parse_response(
    model: &ServiceModel,
    _op: &Operation,
    _response: &Response<'_>,
) -> Result<Value, ProtocolError> {
    Err(ProtocolError::new(format!(
        "protocol {} not implemented yet",
        model.protocol.name()
    )))
}

/// Parses an error response for `op`.
pub fn parse_error(
    model: &ServiceModel,
    _op: &Operation,
    _response: &Response<'_>,
) -> Result<ServiceErrorParts, ProtocolError> {
    Err(ProtocolError::new(format!(
        "protocol {} not implemented yet",
        model.protocol.name()
    )))
}
