//! Endpoint resolution with Smithy endpoint rules ("rules 2.0"), as botocore
//! does it with each service's `endpoint-rule-set-1.json`.
//!
//! A [`RuleSet`] is compiled once from the JSON document: parameters are
//! read, references resolved to scope slots, templates and `getAttr` paths
//! parsed. [`RuleSet::resolve`] then evaluates the rules for a set of
//! [`Params`] and returns an [`Endpoint`] (URL, headers, properties such as
//! auth schemes) or the error message of the matching error rule.
//!
//! [`bind_params`] builds the parameters for one call the way botocore does:
//! from client configuration ([`BuiltIns`]), the operation's static context
//! parameters and the input's context parameters.
//!
//! ```
//! use myaws_core::endpoint::{Params, RuleSet};
//!
//! let rules = RuleSet::from_json(r#"{
//!   "version": "1.0",
//!   "parameters": {"Region": {"type": "string", "builtIn": "AWS::Region"}},
//!   "rules": [
//!     {"type": "endpoint",
//!      "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}],
//!      "endpoint": {"url": "https://svc.{Region}.{p#dnsSuffix}"}},
//!     {"type": "error", "conditions": [], "error": "Missing Region"}
//!   ]
//! }"#).unwrap();
//! let endpoint = rules.resolve(&Params::new().with_str("Region", "cn-north-1")).unwrap();
//! assert_eq!(endpoint.url, "https://svc.cn-north-1.amazonaws.com.cn");
//! let error = rules.resolve(&Params::new()).unwrap_err();
//! assert_eq!(error.to_string(), "Missing Region");
//! ```

use std::fmt;

mod bind;
mod cache;
mod compile;
mod doc;
mod eval;
mod functions;
mod pack;
mod params;
mod partitions;
mod path;
mod reads;
mod resolved;
mod ruleset;
mod template;
#[cfg(test)]
mod tests;
mod tree;
mod url;
mod val;

pub use bind::{bind_params, BuiltIns};
pub use params::{ParamType, ParamValue, Parameter, Params};
pub use resolved::{AuthScheme, Endpoint};
pub use ruleset::RuleSet;

/// What kind of failure an [`EndpointError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointErrorKind {
    /// The rule-set document is malformed.
    InvalidRuleSet,
    /// A parameter has the wrong type or a required one is missing.
    InvalidParams,
    /// An error rule matched; the message is the rule's.
    Rule,
    /// No rule matched.
    NoMatch,
    /// Evaluation failed (a function got an argument of the wrong type).
    Evaluation,
}

/// Endpoint resolution failed. `Display` prints the message alone, so an
/// error rule's message comes out exactly as the rule set wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    kind: EndpointErrorKind,
    message: String,
}

impl EndpointError {
    fn new(kind: EndpointErrorKind, message: String) -> EndpointError {
        EndpointError { kind, message }
    }

    pub(crate) fn invalid_rule_set(detail: String) -> EndpointError {
        Self::new(
            EndpointErrorKind::InvalidRuleSet,
            format!("invalid endpoint rule set: {detail}"),
        )
    }

    pub(crate) fn invalid_params(message: String) -> EndpointError {
        Self::new(EndpointErrorKind::InvalidParams, message)
    }

    pub(crate) fn rule(message: String) -> EndpointError {
        Self::new(EndpointErrorKind::Rule, message)
    }

    pub(crate) fn evaluation(detail: String) -> EndpointError {
        Self::new(
            EndpointErrorKind::Evaluation,
            format!("endpoint resolution failed: {detail}"),
        )
    }

    pub(crate) fn no_match(rules: &RuleSet, params: &Params) -> EndpointError {
        let mut message = String::from("No endpoint found for parameters:");
        for p in rules.parameters() {
            if let Some(v) = params.get(&p.name) {
                message.push_str(&format!("\n{}: {v}", p.name));
            }
        }
        Self::new(EndpointErrorKind::NoMatch, message)
    }

    /// The kind of failure.
    pub fn kind(&self) -> EndpointErrorKind {
        self.kind
    }

    /// The message (what `Display` prints).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EndpointError {}
