//! Building rule-set parameters for one call: [`BuiltIns`] from client
//! configuration plus the operation's context parameters.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value as Json;

use super::params::{ParamValue, Params};
use super::ruleset::RuleSet;
use crate::convert::{to_json, JsonOptions};
use crate::jmes::Expr;
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

/// Client configuration that feeds rule-set parameters through their
/// `builtIn` names.
#[derive(Debug, Clone, Default)]
pub struct BuiltIns {
    /// `AWS::Region`.
    pub region: Option<String>,
    /// `AWS::UseFIPS`.
    pub use_fips: bool,
    /// `AWS::UseDualStack`.
    pub use_dual_stack: bool,
    /// `SDK::Endpoint`: a custom endpoint URL.
    pub endpoint: Option<String>,
    /// `AWS::Auth::AccountId`.
    pub account_id: Option<String>,
    /// `AWS::Auth::AccountIdEndpointMode` (`preferred`, `required`, `disabled`).
    pub account_id_endpoint_mode: Option<String>,
    /// `AWS::S3::ForcePathStyle`.
    pub force_path_style: bool,
    /// `AWS::S3::Accelerate`.
    pub accelerate: bool,
    /// `AWS::S3::UseArnRegion` and `AWS::S3Control::UseArnRegion`.
    pub use_arn_region: Option<bool>,
    /// `AWS::S3::DisableMultiRegionAccessPoints`.
    pub disable_multi_region_access_points: bool,
    /// `AWS::S3::UseGlobalEndpoint` and `AWS::STS::UseGlobalEndpoint`.
    pub use_global_endpoint: bool,
    /// `AWS::S3::DisableS3ExpressSessionAuth`.
    pub disable_s3_express_session_auth: Option<bool>,
    /// Client context parameters (botocore's `client_context_params`, e.g.
    /// S3's `DisableS3ExpressSessionAuth`), by rule-set parameter name; they
    /// apply to parameters that have no built-in.
    pub client_context: Vec<(String, ParamValue)>,
}

impl BuiltIns {
    /// The value of the built-in `name`; `None` when unset or unknown.
    pub fn get(&self, name: &str) -> Option<ParamValue> {
        let text = |v: &Option<String>| v.clone().map(ParamValue::String);
        let flag = |b: bool| Some(ParamValue::Bool(b));
        match name {
            "AWS::Region" => text(&self.region),
            "AWS::UseFIPS" => flag(self.use_fips),
            "AWS::UseDualStack" => flag(self.use_dual_stack),
            "SDK::Endpoint" => text(&self.endpoint),
            "AWS::Auth::AccountId" => text(&self.account_id),
            "AWS::Auth::AccountIdEndpointMode" => text(&self.account_id_endpoint_mode),
            "AWS::S3::ForcePathStyle" => flag(self.force_path_style),
            "AWS::S3::Accelerate" => flag(self.accelerate),
            "AWS::S3::UseArnRegion" | "AWS::S3Control::UseArnRegion" => {
                self.use_arn_region.map(ParamValue::Bool)
            }
            "AWS::S3::DisableMultiRegionAccessPoints" => {
                flag(self.disable_multi_region_access_points)
            }
            "AWS::S3::UseGlobalEndpoint" | "AWS::STS::UseGlobalEndpoint" => {
                flag(self.use_global_endpoint)
            }
            "AWS::S3::DisableS3ExpressSessionAuth" => {
                self.disable_s3_express_session_auth.map(ParamValue::Bool)
            }
            _ => None,
        }
    }

    /// Sets the built-in `name` (e.g. from a test's `builtInParams`).
    /// Returns an error for an unknown name or a value of the wrong type.
    pub fn set(&mut self, name: &str, value: &ParamValue) -> Result<(), String> {
        let text = |slot: &mut Option<String>| match value {
            ParamValue::String(s) => {
                *slot = Some(s.clone());
                Ok(())
            }
            _ => Err(format!("built-in `{name}` takes a string")),
        };
        let want_bool = || match value {
            ParamValue::Bool(b) => Ok(*b),
            _ => Err(format!("built-in `{name}` takes a boolean")),
        };
        match name {
            "AWS::Region" => text(&mut self.region),
            "SDK::Endpoint" => text(&mut self.endpoint),
            "AWS::Auth::AccountId" => text(&mut self.account_id),
            "AWS::Auth::AccountIdEndpointMode" => text(&mut self.account_id_endpoint_mode),
            "AWS::UseFIPS" => want_bool().map(|b| self.use_fips = b),
            "AWS::UseDualStack" => want_bool().map(|b| self.use_dual_stack = b),
            "AWS::S3::ForcePathStyle" => want_bool().map(|b| self.force_path_style = b),
            "AWS::S3::Accelerate" => want_bool().map(|b| self.accelerate = b),
            "AWS::S3::UseArnRegion" | "AWS::S3Control::UseArnRegion" => {
                want_bool().map(|b| self.use_arn_region = Some(b))
            }
            "AWS::S3::DisableMultiRegionAccessPoints" => {
                want_bool().map(|b| self.disable_multi_region_access_points = b)
            }
            "AWS::S3::UseGlobalEndpoint" | "AWS::STS::UseGlobalEndpoint" => {
                want_bool().map(|b| self.use_global_endpoint = b)
            }
            "AWS::S3::DisableS3ExpressSessionAuth" => {
                want_bool().map(|b| self.disable_s3_express_session_auth = Some(b))
            }
            _ => Err(format!("unknown built-in `{name}`")),
        }
    }
}

/// The rule-set parameters for calling `op` with `input`, as botocore binds
/// them. For each parameter of the rule set, the first of these that has a
/// value wins:
///
/// 1. the operation's `staticContextParams`;
/// 2. an input member marked `contextParam` (strings, booleans, string lists);
/// 3. the operation's `operationContextParams` (a JMESPath expression on the
///    input, evaluated by [`crate::jmes`]);
/// 4. the parameter's `builtIn`, from `builtins`.
///
/// Values that cannot be bound (another type, a bad expression) are left
/// unset; [`RuleSet::resolve`] then applies defaults and reports missing
/// required parameters.
pub fn bind_params(
    rules: &RuleSet,
    builtins: &BuiltIns,
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
) -> Params {
    let mut params = Params::new();
    // The input as JSON, built only if an operationContextParam needs it.
    let mut input_json: Option<Json> = None;
    for p in rules.parameters() {
        let name = p.name.as_str();
        let value = static_context_param(op, name)
            .or_else(|| context_param(model, op, input, name))
            .or_else(|| {
                let path = op
                    .operation_context_params
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, path)| path)?;
                let shape = op.input?;
                let json = input_json
                    .get_or_insert_with(|| to_json(model, shape, input, JsonOptions::default()));
                search(path, json)
            })
            .or_else(|| {
                builtins
                    .client_context
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            })
            .or_else(|| p.built_in.as_deref().and_then(|b| builtins.get(b)));
        if let Some(v) = value {
            params.set(name, v);
        }
    }
    params
}

fn static_context_param(op: &Operation, name: &str) -> Option<ParamValue> {
    op.static_context_params
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| ParamValue::from_json(v))
}

fn context_param(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
    name: &str,
) -> Option<ParamValue> {
    let shape = model.shape(op.input?);
    let index = shape
        .members
        .iter()
        .position(|m| m.context_param.as_deref() == Some(name))?;
    match input.as_struct()?.get(index)? {
        Value::String(s) => Some(ParamValue::String(s.clone())),
        Value::Bool(b) => Some(ParamValue::Bool(*b)),
        Value::List(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::StringArray),
        _ => None,
    }
}

/// Evaluates a JMESPath expression (compiled once per process) on `json`.
fn search(expression: &str, json: &Json) -> Option<ParamValue> {
    type Cache = Mutex<HashMap<String, Option<Expr>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let compiled = {
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .entry(expression.to_string())
            .or_insert_with(|| Expr::compile(expression).ok())
            .clone()?
    };
    ParamValue::from_json(&compiled.try_search(json).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builtins_by_name() {
        let mut b = BuiltIns {
            region: Some("us-west-2".into()),
            use_arn_region: Some(true),
            ..Default::default()
        };
        assert_eq!(
            b.get("AWS::Region"),
            Some(ParamValue::String("us-west-2".into()))
        );
        assert_eq!(b.get("AWS::UseFIPS"), Some(ParamValue::Bool(false)));
        assert_eq!(
            b.get("AWS::S3Control::UseArnRegion"),
            Some(ParamValue::Bool(true))
        );
        assert_eq!(b.get("SDK::Endpoint"), None);
        assert_eq!(b.get("AWS::S3::DisableS3ExpressSessionAuth"), None);
        assert_eq!(b.get("Nope"), None);
        b.set("AWS::STS::UseGlobalEndpoint", &ParamValue::Bool(true))
            .unwrap();
        assert!(b.use_global_endpoint);
        b.set(
            "SDK::Endpoint",
            &ParamValue::String("http://localhost".into()),
        )
        .unwrap();
        assert_eq!(b.endpoint.as_deref(), Some("http://localhost"));
        assert!(b
            .set("AWS::UseFIPS", &ParamValue::String("x".into()))
            .is_err());
        assert!(b.set("AWS::Region", &ParamValue::Bool(true)).is_err());
        assert!(b.set("Nope", &ParamValue::Bool(true)).is_err());
    }

    #[test]
    fn jmespath_subset_used_by_models() {
        let input = json!({
            "RequestItems": {"t1": {}, "t2": {}},
            "TableCreationParameters": {"TableName": "tbl"},
            "TransactItems": [
                {"Get": {"TableName": "a"}},
                {"Put": {"TableName": "b"}, "Delete": {"TableName": "c"}}
            ]
        });
        let list = |v: &[&str]| {
            Some(ParamValue::StringArray(
                v.iter().map(|s| s.to_string()).collect(),
            ))
        };
        let mut keys = search("keys(RequestItems)", &input);
        if let Some(ParamValue::StringArray(k)) = keys.as_mut() {
            k.sort();
        }
        assert_eq!(keys, list(&["t1", "t2"]));
        assert_eq!(
            search("TableCreationParameters.TableName", &input),
            Some(ParamValue::String("tbl".into()))
        );
        assert_eq!(
            search("TransactItems[*].Get.TableName", &input),
            list(&["a"])
        );
        assert_eq!(
            search(
                "TransactItems[*].[ConditionCheck.TableName, Put.TableName, Delete.TableName, Update.TableName][]",
                &input
            ),
            list(&["b", "c"])
        );
        assert_eq!(search("Missing.Field", &input), None);
        assert_eq!(search("[[[", &input), None);
    }
}
