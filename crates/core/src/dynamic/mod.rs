//! The dynamic call path: operations by name with JSON-like parameters and
//! results, as boto3's dicts. Same pipeline, validation and hooks as typed calls.
//!
//! JSON conventions are those of [`crate::convert`]: blobs are base64 strings,
//! timestamps ISO 8601 strings (epoch numbers accepted on input). Streams
//! (event streams both ways, streaming blobs) go through
//! [`ClientHandle::call_stream`] and
//! [`ClientHandle::call_stream_with_input`].

// Errors carry an `SdkError`, large by design and rare (as in `client`).
#![allow(clippy::result_large_err)]

use serde_json::Value as Json;

use crate::client::ClientHandle;
use crate::convert::{self, JsonOptions};
use crate::error::{OperationError, SdkError, ValidationError};
use crate::value::Value;

mod streaming;

pub use streaming::{JsonEventReceiver, StreamingOutput, MAX_COLLECTED_BODY};

/// A service error on the dynamic path: the modeled exception's name and
/// members as JSON, when the code matched one.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicError {
    /// The modeled exception shape name (`QueueDoesNotExist`), if any.
    pub exception: Option<String>,
    /// The exception's members (`Json::Null` when unmodeled).
    pub members: Json,
}

impl std::fmt::Display for DynamicError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            self.exception
                .as_deref()
                .unwrap_or("unmodeled service error"),
        )
    }
}

impl std::error::Error for DynamicError {}

impl OperationError for DynamicError {
    fn from_service_error(shape: Option<&str>, _value: Value) -> Self {
        // Only used through `ClientHandle::call_json`, which fills members.
        DynamicError {
            exception: shape.map(str::to_string),
            members: Json::Null,
        }
    }

    fn modeled_name(&self) -> Option<&'static str> {
        None
    }
}

impl ClientHandle {
    /// Calls `operation` (its API name, `SendMessage`, or the snake_case
    /// method name, `send_message`) with JSON parameters; returns the output
    /// as JSON. Unknown operations and ill-typed parameters are validation
    /// errors and nothing is sent.
    ///
    /// A streaming blob in the output (S3 `GetObject`'s `Body`) is read
    /// whole, up to [`MAX_COLLECTED_BODY`], and written as base64; larger
    /// ones are an error. Operations with event streams are refused before
    /// anything is sent: use [`call_stream`](Self::call_stream) or
    /// [`call_stream_with_input`](Self::call_stream_with_input).
    pub async fn call_json(
        &self,
        operation: &str,
        params: Json,
    ) -> Result<Json, SdkError<DynamicError>> {
        let model = self.model().clone();
        let (op_index, input) = self.dynamic_input(operation, params)?;
        let op = &model.operations[op_index];
        streaming::refuse_event_streams(&model, op)?;
        let (mut out, metadata) = self
            .invoke(op_index, input)
            .await
            .map_err(|e| e.map_service(|raw| streaming::dynamic_error(&model, raw)))?;
        streaming::collect_bodies(op, &mut out, &metadata).await?;
        let mut output = self.output_json(op_index, out, JsonOptions::default());
        self.apply_json_handlers(op_index, &mut output);
        streaming::add_response_metadata(&mut output, &metadata);
        Ok(output)
    }

    /// The operation named `operation` and its input from JSON `params`.
    fn dynamic_input(
        &self,
        operation: &str,
        params: Json,
    ) -> Result<(usize, Value), SdkError<DynamicError>> {
        let model = self.model().clone();
        let op_index = self.operation_index(operation).ok_or_else(|| {
            let mut names: Vec<&str> = model.operations.iter().map(|o| o.name.as_str()).collect();
            names.sort_unstable();
            SdkError::Validation(ValidationError {
                operation: operation.to_string(),
                problems: vec![format!(
                    "unknown operation `{operation}` for {}; valid operations: {}",
                    model.metadata.service_id,
                    names.join(", ")
                )],
            })
        })?;
        let op = &model.operations[op_index];
        let opts = JsonOptions::default();
        let input = match op.input {
            Some(shape) => {
                let params = if params.is_null() {
                    Json::Object(Default::default())
                } else {
                    params
                };
                convert::from_json(&model, shape, &params, opts).map_err(|e| {
                    SdkError::Validation(ValidationError {
                        operation: op.name.clone(),
                        problems: vec![e.to_string()],
                    })
                })?
            }
            None if params.is_null() || params.as_object().is_some_and(|o| o.is_empty()) => {
                Value::Null
            }
            None => {
                return Err(SdkError::Validation(ValidationError {
                    operation: op.name.clone(),
                    problems: vec![format!("{} takes no parameters", op.name)],
                }))
            }
        };
        Ok((op_index, input))
    }

    /// The index of an operation given its API name, its snake_case method
    /// name, or a method alias botocore keeps for it
    /// (`get_o_tel_enrichment`).
    pub fn operation_index(&self, name: &str) -> Option<usize> {
        let model = self.model();
        let method = crate::names::method_alias(self.event_name(), name).unwrap_or(name);
        model.operation_id(name).or_else(|| {
            model
                .operations
                .iter()
                .position(|o| crate::names::xform_name(&o.name) == method)
        })
    }
}

impl crate::session::Session {
    /// A client for a service whose botocore model is loaded at run time from
    /// `dir` (see [`crate::service::Service::from_dir`]): every operation is
    /// reachable through [`ClientHandle::call_json`], even for services
    /// without a generated crate.
    pub fn client_from_model(
        &self,
        dir: impl AsRef<std::path::Path>,
        config: crate::session::ClientConfig,
    ) -> Result<ClientHandle, crate::error::BuildError> {
        let service = crate::service::Service::from_dir(dir.as_ref())
            .map_err(|e| crate::error::BuildError::new(e.to_string()))?;
        ClientHandle::from_service(self, service, config)
    }

    /// A dynamic client for service `name` (`"sqs"`) whose botocore model is
    /// found on botocore's data path: the directories of `AWS_DATA_PATH`, then
    /// `~/.aws/models` (point `AWS_DATA_PATH` at an installed botocore's
    /// `botocore/data` to use any service it has, gzipped files included).
    /// Versions, `.json.gz` files and `*.sdk-extras.json` are read as
    /// [`client_from_model`](Self::client_from_model) reads them.
    pub fn client_from_data_path(
        &self,
        name: &str,
        config: crate::session::ClientConfig,
    ) -> Result<ClientHandle, crate::error::BuildError> {
        let dirs = crate::service::data_path(self.env());
        let service = crate::service::find_on_data_path(name, &dirs)
            .map_err(|e| crate::error::BuildError::new(e.to_string()))?;
        ClientHandle::from_service(self, service, config)
    }
}
