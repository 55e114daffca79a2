//! Rule-set parameters: their declarations and the values a caller passes.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::val::Val;
use super::EndpointError;

/// The type of a rule-set parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `string`.
    String,
    /// `boolean`.
    Boolean,
    /// `stringArray`.
    StringArray,
}

impl ParamType {
    /// Parses a `type` field (case-insensitive, as botocore accepts `String`).
    pub fn from_name(name: &str) -> Option<ParamType> {
        match name.to_ascii_lowercase().as_str() {
            "string" => Some(ParamType::String),
            "boolean" => Some(ParamType::Boolean),
            "stringarray" => Some(ParamType::StringArray),
            _ => None,
        }
    }

    /// The rule-set name of the type.
    pub fn name(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Boolean => "boolean",
            ParamType::StringArray => "stringArray",
        }
    }
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// A list of strings.
    StringArray(Vec<String>),
}

impl ParamValue {
    /// The type of this value.
    pub fn param_type(&self) -> ParamType {
        match self {
            ParamValue::String(_) => ParamType::String,
            ParamValue::Bool(_) => ParamType::Boolean,
            ParamValue::StringArray(_) => ParamType::StringArray,
        }
    }

    /// Converts JSON (a string, a boolean or an array of strings).
    pub fn from_json(json: &Json) -> Option<ParamValue> {
        match json {
            Json::String(s) => Some(ParamValue::String(s.clone())),
            Json::Bool(b) => Some(ParamValue::Bool(*b)),
            Json::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(ParamValue::StringArray),
            _ => None,
        }
    }

    pub(crate) fn to_val(&self) -> Val {
        match self {
            ParamValue::String(s) => Val::Str(s.clone()),
            ParamValue::Bool(b) => Val::Bool(*b),
            ParamValue::StringArray(items) => {
                Val::Array(items.iter().map(|s| Val::Str(s.clone())).collect())
            }
        }
    }
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::String(s) => f.write_str(s),
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::StringArray(items) => write!(f, "[{}]", items.join(", ")),
        }
    }
}

/// The declaration of a rule-set parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Name (`Region`, `Bucket`, ...).
    pub name: String,
    /// Type.
    pub param_type: ParamType,
    /// The built-in that supplies it (`AWS::Region`, `SDK::Endpoint`, ...).
    pub built_in: Option<String>,
    /// Value used when the caller gives none.
    pub default: Option<ParamValue>,
    /// Resolution fails when it has no value (after the default).
    pub required: bool,
    /// Documentation.
    pub documentation: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
}

impl Parameter {
    /// Reads one entry of a rule set's `parameters` object.
    pub(crate) fn from_json(name: &str, json: &Json) -> Result<Parameter, String> {
        let at = format!("parameters.{name}");
        let ty = json
            .get("type")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("{at}: missing `type`"))?;
        let param_type = ParamType::from_name(ty).ok_or_else(|| {
            format!("{at}: unknown type `{ty}` (expected string, boolean or stringArray)")
        })?;
        let default = match json.get("default") {
            None | Some(Json::Null) => None,
            Some(d) => match ParamValue::from_json(d) {
                Some(v) if v.param_type() == param_type => Some(v),
                _ => return Err(format!("{at}: default {d} is not a {}", param_type.name())),
            },
        };
        let text = |key: &str| json.get(key).and_then(Json::as_str).map(str::to_string);
        Ok(Parameter {
            name: name.to_string(),
            param_type,
            built_in: text("builtIn"),
            default,
            required: json
                .get("required")
                .and_then(Json::as_bool)
                .unwrap_or(false),
            documentation: text("documentation"),
            deprecated: json.get("deprecated").is_some(),
        })
    }

    /// The value to evaluate with: the given one (type-checked), else the
    /// default; an error when required and missing.
    pub(crate) fn checked<'a>(
        &'a self,
        given: Option<&'a ParamValue>,
    ) -> Result<Option<&'a ParamValue>, EndpointError> {
        match given.or(self.default.as_ref()) {
            Some(v) if v.param_type() == self.param_type => Ok(Some(v)),
            Some(v) => Err(EndpointError::invalid_params(format!(
                "endpoint parameter `{}` must be a {}, got a {}",
                self.name,
                self.param_type.name(),
                v.param_type().name()
            ))),
            None if self.required => Err(EndpointError::invalid_params(format!(
                "missing required endpoint parameter `{}`",
                self.name
            ))),
            None => Ok(None),
        }
    }
}

/// Parameter values for [`RuleSet::resolve`](super::RuleSet::resolve), by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<String, ParamValue>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Params {
        Params::default()
    }

    /// Adds (or replaces) a string parameter.
    pub fn with_str(mut self, name: &str, value: &str) -> Params {
        self.set(name, ParamValue::String(value.to_string()));
        self
    }

    /// Adds (or replaces) a boolean parameter.
    pub fn with_bool(mut self, name: &str, value: bool) -> Params {
        self.set(name, ParamValue::Bool(value));
        self
    }

    /// Adds (or replaces) a string-array parameter.
    pub fn with_string_array<S: Into<String>>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = S>,
    ) -> Params {
        let values = values.into_iter().map(Into::into).collect();
        self.set(name, ParamValue::StringArray(values));
        self
    }

    /// Sets a parameter.
    pub fn set(&mut self, name: &str, value: ParamValue) {
        self.values.insert(name.to_string(), value);
    }

    /// Removes a parameter.
    pub fn remove(&mut self, name: &str) -> Option<ParamValue> {
        self.values.remove(name)
    }

    /// A parameter's value.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.get(name)
    }

    /// True when no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// All parameters, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameter_declarations() {
        let p = Parameter::from_json(
            "UseFIPS",
            &json!({"type": "Boolean", "builtIn": "AWS::UseFIPS", "default": false, "required": true}),
        )
        .unwrap();
        assert_eq!(p.param_type, ParamType::Boolean);
        assert_eq!(p.built_in.as_deref(), Some("AWS::UseFIPS"));
        assert_eq!(p.default, Some(ParamValue::Bool(false)));
        assert!(p.required);
        let p =
            Parameter::from_json("L", &json!({"type": "stringArray", "default": ["a"]})).unwrap();
        assert_eq!(p.default, Some(ParamValue::StringArray(vec!["a".into()])));
        assert!(Parameter::from_json("X", &json!({"type": "int"})).is_err());
        assert!(Parameter::from_json("X", &json!({})).is_err());
        assert!(Parameter::from_json("X", &json!({"type": "string", "default": true})).is_err());
    }

    #[test]
    fn values_defaults_and_errors() {
        let p = Parameter::from_json("R", &json!({"type": "string", "required": true})).unwrap();
        let err = p.checked(None).unwrap_err();
        assert!(
            err.to_string()
                .contains("missing required endpoint parameter `R`"),
            "{err}"
        );
        let err = p.checked(Some(&ParamValue::Bool(true))).unwrap_err();
        assert!(
            err.to_string().contains("must be a string, got a boolean"),
            "{err}"
        );
        let x = ParamValue::String("x".into());
        assert_eq!(p.checked(Some(&x)).unwrap(), Some(&x));
        let p = Parameter::from_json("F", &json!({"type": "boolean", "default": true})).unwrap();
        assert_eq!(p.checked(None).unwrap(), Some(&ParamValue::Bool(true)));
        let p = Parameter::from_json("O", &json!({"type": "string"})).unwrap();
        assert_eq!(p.checked(None).unwrap(), None);
    }

    #[test]
    fn params_builder() {
        let p = Params::new()
            .with_str("Region", "us-east-1")
            .with_bool("UseFIPS", false)
            .with_string_array("L", ["a", "b"])
            .with_str("Region", "eu-west-1");
        assert_eq!(
            p.get("Region"),
            Some(&ParamValue::String("eu-west-1".into()))
        );
        assert_eq!(p.iter().count(), 3);
        assert_eq!(ParamValue::from_json(&json!(["a", 1])), None);
        assert_eq!(ParamValue::from_json(&json!(3)), None);
        assert_eq!(
            ParamValue::StringArray(vec!["a".into(), "b".into()]).to_string(),
            "[a, b]"
        );
        assert_eq!(ParamValue::Bool(true).to_string(), "true");
    }
}
