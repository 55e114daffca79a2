//! Request serialization for every protocol.

use super::{ProtocolError, SerializeOptions, SerializedRequest};
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

/// Serializes `input` for `op` with the model's protocol.
pub fn serialize(
    model: &ServiceModel,
    _op: &Operation,
    _input: &Value,
    _opts: &SerializeOptions,
) -> Result<SerializedRequest, ProtocolError> {
    Err(ProtocolError::new(format!(
        "protocol {} not implemented yet",
        model.protocol.name()
    )))
}
