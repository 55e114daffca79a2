//! One operation's paginator configuration from `paginators-1.json`, with
//! its expressions compiled.

use std::fmt;

use serde_json::Value as Json;

use crate::jmes::{Expr, ExprError};
use crate::model::{Operation, ServiceModel, ShapeKind};

/// A paginator configuration: tokens, result keys and limit key.
#[derive(Debug, Clone, PartialEq)]
pub struct PaginatorSpec {
    /// The operation's API name (`ListObjectsV2`).
    pub operation: String,
    /// Input members that carry the tokens, in order.
    pub input_token: Vec<String>,
    /// Expressions giving the next tokens, one per input token.
    pub output_token: Vec<Expr>,
    /// Expression telling whether there are more pages.
    pub more_results: Option<Expr>,
    /// Expressions of the paginated results; the first is the primary one
    /// that `max_items` counts.
    pub result_keys: Vec<Expr>,
    /// Expressions of values that are the same on every page.
    pub non_aggregate_keys: Vec<Expr>,
    /// Input member that sets the page size.
    pub limit_key: Option<String>,
    /// Whether the limit key is a string member (page sizes are sent as text).
    pub limit_is_string: bool,
}

/// A paginator configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecError {
    /// The document is not JSON or has no `pagination` object.
    Document(String),
    /// A field is missing or has the wrong type.
    Field {
        /// The operation.
        operation: String,
        /// What is wrong.
        message: String,
    },
    /// An expression does not compile.
    Expression(ExprError),
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Document(m) => write!(f, "invalid paginators document: {m}"),
            SpecError::Field { operation, message } => {
                write!(f, "invalid paginator for {operation}: {message}")
            }
            SpecError::Expression(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SpecError {}

/// A string or a list of strings (`"Marker"` or `["KeyMarker", ...]`).
fn string_list(config: &Json, key: &str, operation: &str) -> Result<Vec<String>, SpecError> {
    let field = |message: String| SpecError::Field {
        operation: operation.to_string(),
        message,
    };
    match config.get(key) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::String(s)) => Ok(vec![s.clone()]),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| field(format!("`{key}` must hold strings")))
            })
            .collect(),
        Some(_) => Err(field(format!("`{key}` must be a string or a list"))),
    }
}

fn compile_all(texts: &[String]) -> Result<Vec<Expr>, SpecError> {
    texts
        .iter()
        .map(|t| Expr::compile(t).map_err(SpecError::Expression))
        .collect()
}

impl PaginatorSpec {
    /// Reads the configuration of `operation` (one value of the
    /// `pagination` object).
    pub fn from_json(operation: &str, config: &Json) -> Result<PaginatorSpec, SpecError> {
        let field = |message: &str| SpecError::Field {
            operation: operation.to_string(),
            message: message.to_string(),
        };
        if !config.is_object() {
            return Err(field("not an object"));
        }
        let input_token = string_list(config, "input_token", operation)?;
        let output_texts = string_list(config, "output_token", operation)?;
        if input_token.is_empty() || output_texts.is_empty() {
            return Err(field("`input_token` and `output_token` are required"));
        }
        if input_token.len() != output_texts.len() {
            return Err(field("`input_token` and `output_token` differ in length"));
        }
        let more_results = match config.get("more_results") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(Expr::compile(s).map_err(SpecError::Expression)?),
            Some(_) => return Err(field("`more_results` must be a string")),
        };
        let limit_key = match config.get("limit_key") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => return Err(field("`limit_key` must be a string")),
        };
        Ok(PaginatorSpec {
            operation: operation.to_string(),
            input_token,
            output_token: compile_all(&output_texts)?,
            more_results,
            result_keys: compile_all(&string_list(config, "result_key", operation)?)?,
            non_aggregate_keys: compile_all(&string_list(
                config,
                "non_aggregate_keys",
                operation,
            )?)?,
            limit_key,
            limit_is_string: false,
        })
    }

    /// Takes what the model says about the operation: whether the limit key
    /// is a string member.
    pub fn bind_model(&mut self, model: &ServiceModel, operation: &Operation) {
        self.limit_is_string = match (&self.limit_key, operation.input) {
            (Some(key), Some(input)) => {
                let shape = model.shape(input);
                shape
                    .member_index(key)
                    .is_some_and(|i| model.shape(shape.members[i].target).kind == ShapeKind::String)
            }
            _ => false,
        };
    }

    /// The primary result key, if any.
    pub fn primary_result_key(&self) -> Option<&Expr> {
        self.result_keys.first()
    }
}

/// Parses a paginators document.
fn pagination(document: &str) -> Result<serde_json::Map<String, Json>, SpecError> {
    let json: Json =
        serde_json::from_str(document).map_err(|e| SpecError::Document(e.to_string()))?;
    match json.get("pagination") {
        Some(Json::Object(map)) => Ok(map.clone()),
        _ => Err(SpecError::Document("no `pagination` object".into())),
    }
}

/// The operations a paginators document covers (API names; empty when the
/// document is invalid).
pub fn operation_names(document: &str) -> Vec<String> {
    pagination(document)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The compiled paginator of `operation` in a paginators document, `None`
/// when it has none.
pub fn lookup(document: &str, operation: &str) -> Result<Option<PaginatorSpec>, SpecError> {
    let pagination = pagination(document)?;
    pagination
        .get(operation)
        .map(|config| PaginatorSpec::from_json(operation, config))
        .transpose()
}
