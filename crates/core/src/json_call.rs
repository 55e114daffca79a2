//! Calls with JSON parameters and JSON results that keep the HTTP status and
//! the raw service error: the shared step under paginators and waiters.

// Errors carry an `SdkError`, large by design and rare (as in `client`).
#![allow(clippy::result_large_err)]

use serde_json::Value as Json;

use crate::client::{ClientHandle, RawServiceError, ResponseMetadata};
use crate::convert::{self, JsonOptions};
use crate::error::{SdkError, ValidationError};
use crate::model::ServiceModel;
use crate::value::Value;

/// A successful call's output as JSON, with its HTTP details.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonResponse {
    /// The output (an empty object for operations without output), without
    /// `ResponseMetadata`.
    pub output: Json,
    /// The response's metadata (status, request id, headers, retries).
    pub metadata: ResponseMetadata,
}

/// How outputs are written as JSON: the dynamic path's conventions, with
/// enum values the model does not know accepted (servers add values).
pub fn output_options() -> JsonOptions {
    JsonOptions {
        check_enums: false,
        ..JsonOptions::default()
    }
}

impl ClientHandle {
    /// Converts JSON parameters to the input [`Value`] of operation number
    /// `op` (`null` means no parameters). Ill-typed parameters are a
    /// validation error.
    pub fn json_input(&self, op: usize, params: &Json) -> Result<Value, SdkError<RawServiceError>> {
        let model = self.model();
        let operation = model
            .operations
            .get(op)
            .ok_or_else(|| SdkError::Construction(format!("no operation number {op}")))?;
        let invalid = |problem: String| {
            SdkError::Validation(ValidationError {
                operation: operation.name.clone(),
                problems: vec![problem],
            })
        };
        let empty = params.is_null() || params.as_object().is_some_and(|o| o.is_empty());
        match operation.input {
            Some(shape) => {
                let no_params = Json::Object(Default::default());
                let params = if params.is_null() { &no_params } else { params };
                convert::from_json(model, shape, params, JsonOptions::default())
                    .map_err(|e| invalid(e.to_string()))
            }
            None if empty => Ok(Value::Null),
            None => Err(invalid(format!("{} takes no parameters", operation.name))),
        }
    }

    /// The input [`Value`] of operation number `op` as JSON parameters
    /// (`{}` for operations without input).
    pub fn input_json(&self, op: usize, input: &Value) -> Json {
        let model = self.model();
        match model.operations.get(op).and_then(|o| o.input) {
            Some(shape) => convert::to_json(model, shape, input, JsonOptions::default()),
            None => Json::Object(Default::default()),
        }
    }

    /// The output `out` of operation number `op` as JSON (an empty object
    /// for none), as typed outputs see it (see
    /// [`apply_json_handlers`](Self::apply_json_handlers) for what users of
    /// the dynamic path get).
    pub(crate) fn output_json(&self, op: usize, out: Value, opts: convert::JsonOptions) -> Json {
        let model = self.model();
        let Some(operation) = model.operations.get(op) else {
            return Json::Object(Default::default());
        };
        match operation.output {
            Some(shape) => match convert::into_json(model, shape, out, opts) {
                Json::Null => Json::Object(Default::default()),
                json => json,
            },
            None => Json::Object(Default::default()),
        }
    }

    /// Turns values botocore returns as documents (IAM policies,
    /// CloudFormation templates) into documents in the JSON output of
    /// operation number `op`, as boto3's dicts have them: the dynamic path's
    /// `after-call` handlers.
    pub(crate) fn apply_json_handlers(&self, op: usize, output: &mut Json) {
        let model = self.model();
        if let (Some(operation), Some(handlers)) =
            (model.operations.get(op), self.handlers().op(op))
        {
            let ctx = crate::customizations::handlers::Context {
                model,
                op: operation,
            };
            handlers.json(&ctx, output);
        }
    }

    /// Calls operation number `op` with JSON parameters; returns the output
    /// as JSON with the status and request id, or the error with the raw
    /// service error.
    pub async fn invoke_json(
        &self,
        op: usize,
        params: &Json,
    ) -> Result<JsonResponse, SdkError<RawServiceError>> {
        let input = self.json_input(op, params)?;
        self.invoke_value_json(op, input).await
    }

    /// Calls operation number `op` with an input [`Value`]; returns the
    /// output as JSON with the status and request id.
    pub async fn invoke_value_json(
        &self,
        op: usize,
        input: Value,
    ) -> Result<JsonResponse, SdkError<RawServiceError>> {
        let model = self.model();
        if let Some(operation) = model.operations.get(op) {
            if crate::eventstream::input_stream_member(model, operation).is_some()
                || crate::eventstream::output_stream_member(model, operation).is_some()
            {
                return Err(SdkError::Validation(ValidationError {
                    operation: operation.name.clone(),
                    problems: vec![format!(
                        "{} has an event stream, which a JSON result cannot carry: use \
                         `call_stream`",
                        operation.name
                    )],
                }));
            }
        }
        let (out, metadata) = self.invoke(op, input).await?;
        // A streaming blob has no JSON form here (`call_json` collects it).
        if out
            .as_struct()
            .is_some_and(|slots| slots.iter().any(|v| matches!(v, Value::Stream(_))))
        {
            return Err(SdkError::Response(crate::error::ResponseError {
                status: metadata.http_status_code,
                message: "the output's streaming body cannot be returned as JSON here: use \
                          `call_json` or `call_stream`"
                    .into(),
                request_id: metadata.request_id,
            }));
        }
        let output = self.output_json(op, out, output_options());
        Ok(JsonResponse { output, metadata })
    }
}

/// The members of a raw service error as JSON (`null` when the error
/// matched no modeled exception).
pub fn error_members(model: &ServiceModel, raw: &RawServiceError) -> Json {
    match raw.shape.as_deref().and_then(|n| model.shape_id(n)) {
        Some(id) => convert::to_json(model, id, &raw.value, output_options()),
        None => Json::Null,
    }
}
