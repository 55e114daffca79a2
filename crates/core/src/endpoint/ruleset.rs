//! [`RuleSet`]: a parsed `endpoint-rule-set-1.json`, ready to resolve.

use serde_json::Value as Json;

use super::compile::{At, Compiler};
use super::doc::Doc;
use super::eval::Evaluator;
use super::params::{Parameter, Params};
use super::partitions::{self, Partitions};
use super::resolved::Endpoint;
use super::tree::Rule;
use super::EndpointError;

/// A compiled endpoint rule set. Parse it once per client and share it.
#[derive(Debug)]
pub struct RuleSet {
    pub(super) version: String,
    pub(super) parameters: Vec<Parameter>,
    pub(super) rules: Vec<Rule>,
    pub(super) slot_count: usize,
    pub(super) partitions: &'static Partitions,
}

impl RuleSet {
    /// Parses and compiles an `endpoint-rule-set-1.json` document.
    pub fn from_json(text: &str) -> Result<RuleSet, EndpointError> {
        let doc = Doc::parse(text)
            .map_err(|e| EndpointError::invalid_rule_set(format!("not valid JSON: {e}")))?;
        Self::compile(&doc)
    }

    /// Compiles an already parsed rule-set document.
    pub fn from_value(doc: &Json) -> Result<RuleSet, EndpointError> {
        Self::from_json(&doc.to_string())
    }

    fn compile(doc: &Doc<'_>) -> Result<RuleSet, EndpointError> {
        let invalid = EndpointError::invalid_rule_set;
        let params_json = doc
            .get("parameters")
            .and_then(Doc::as_object)
            .ok_or_else(|| invalid("missing `parameters` object".into()))?;
        let parameters = params_json
            .iter()
            .map(|(name, p)| Parameter::from_json(name, &p.to_json()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(invalid)?;
        let rules_json = doc
            .get("rules")
            .ok_or_else(|| invalid("missing `rules`".into()))?;
        let mut compiler = Compiler::new(parameters.iter().map(|p| p.name.as_str()));
        let rules = compiler
            .rules(rules_json, &At::Root("rules"))
            .map_err(invalid)?;
        let partitions = partitions::embedded().map_err(EndpointError::evaluation)?;
        Ok(RuleSet {
            version: doc
                .get("version")
                .and_then(Doc::as_str)
                .unwrap_or_default()
                .to_string(),
            parameters,
            slot_count: compiler.slot_count(),
            rules,
            partitions,
        })
    }

    /// The rule-set language version (`1.0`, `1.3`, ...).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The declared parameters, in document order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The declaration of parameter `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// Resolves an endpoint: applies defaults, checks types and required
    /// parameters, then evaluates the rules. Parameters the rule set does not
    /// declare are ignored. An error rule's message becomes the error.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, EndpointError> {
        let mut scope = Vec::with_capacity(self.slot_count);
        for p in &self.parameters {
            scope.push(p.value_for(params.get(&p.name))?);
        }
        scope.resize(self.slot_count, None);
        let evaluator = Evaluator {
            partitions: self.partitions,
        };
        match evaluator.rules(&self.rules, &mut scope)? {
            Some(endpoint) => Ok(endpoint),
            None => Err(EndpointError::no_match(self, params)),
        }
    }
}
