//! The packed data files generated crates embed: each model and rule set is
//! loaded by myaws-core from its compact JSON (with every check a client
//! would make) and written out in core's packed form, so that creating a
//! client reads no JSON.

use myaws_core::endpoint::RuleSet;
use myaws_core::ServiceModel;
use serde_json::Value as Json;

use super::compact;

/// `model` (botocore's `service-2.json`, extras merged) without
/// documentation, loaded and packed.
pub fn model(svc: &str, model: &Json) -> Result<Vec<u8>, String> {
    let text = compact::service_model(model);
    let loaded = ServiceModel::from_json(&text).map_err(|e| format!("{svc}: {e}"))?;
    Ok(loaded.to_packed())
}

/// `rules` (`endpoint-rule-set-1.json`) compiled and packed.
pub fn rule_set(svc: &str, rules: &Json) -> Result<Vec<u8>, String> {
    let compiled = RuleSet::from_json(&compact::minified(rules))
        .map_err(|e| format!("{svc}: endpoint rule set: {e}"))?;
    Ok(compiled.to_packed())
}
