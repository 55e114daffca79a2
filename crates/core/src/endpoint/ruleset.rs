//! [`RuleSet`]: a parsed `endpoint-rule-set-1.json`, ready to resolve.

use std::sync::Arc;

use serde_json::Value as Json;

use super::cache::{CacheKey, ResolutionCache};
use super::compile::{At, Compiler};
use super::doc::Doc;
use super::eval::Evaluator;
use super::params::{Parameter, Params};
use super::partitions::{self, Partitions};
use super::reads::parameters_read;
use super::resolved::Endpoint;
use super::tree::Rule;
use super::EndpointError;

/// A compiled endpoint rule set. Parse it once per client and share it:
/// it keeps the last endpoints it resolved (see [`resolve`](Self::resolve)).
#[derive(Debug)]
pub struct RuleSet {
    pub(super) version: String,
    pub(super) parameters: Vec<Parameter>,
    pub(super) rules: Vec<Rule>,
    pub(super) slot_count: usize,
    pub(super) partitions: &'static Partitions,
    /// Per parameter, whether any rule reads it.
    reads: Vec<bool>,
    cache: ResolutionCache,
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
        let version = doc
            .get("version")
            .and_then(Doc::as_str)
            .unwrap_or_default()
            .to_string();
        Self::assemble(version, parameters, rules, compiler.slot_count())
    }

    /// A rule set from its compiled parts (JSON or packed).
    pub(super) fn assemble(
        version: String,
        parameters: Vec<Parameter>,
        rules: Vec<Rule>,
        slot_count: usize,
    ) -> Result<RuleSet, EndpointError> {
        Ok(RuleSet {
            version,
            reads: parameters_read(&rules, parameters.len()),
            parameters,
            rules,
            slot_count,
            partitions: partitions::embedded().map_err(EndpointError::evaluation)?,
            cache: ResolutionCache::new(),
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
    ///
    /// The last 100 endpoints resolved are kept, by the values of the
    /// parameters the rules read, and handed out again without evaluating
    /// (botocore keeps the same cache). Errors are not kept.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, EndpointError> {
        self.resolve_shared(params).map(|e| Endpoint::clone(&e))
    }

    /// [`resolve`](Self::resolve), sharing the cached endpoint instead of
    /// copying it.
    pub fn resolve_shared(&self, params: &Params) -> Result<Arc<Endpoint>, EndpointError> {
        let mut values = Vec::with_capacity(self.parameters.len());
        let mut key: CacheKey = Vec::with_capacity(self.parameters.len());
        for (p, &read) in self.parameters.iter().zip(&self.reads) {
            let value = p.checked(params.get(&p.name))?;
            if read {
                key.push(value.cloned());
            }
            values.push(value);
        }
        if let Some(endpoint) = self.cache.get(&key) {
            return Ok(endpoint);
        }
        let mut scope: Vec<_> = values.iter().map(|v| v.map(|v| v.to_val())).collect();
        scope.resize(self.slot_count, None);
        let evaluator = Evaluator {
            partitions: self.partitions,
        };
        let endpoint = match evaluator.rules(&self.rules, &mut scope)? {
            Some(endpoint) => Arc::new(endpoint),
            None => return Err(EndpointError::no_match(self, params)),
        };
        self.cache.insert(key, endpoint.clone());
        Ok(endpoint)
    }

    /// How many resolved endpoints are kept (at most 100).
    pub fn cached_endpoints(&self) -> usize {
        self.cache.len()
    }
}
