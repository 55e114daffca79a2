//! Picks the endpoint (URL, headers, signing name and region) of each call by
//! evaluating the service's endpoint rule set with the client's built-ins and
//! the operation's context parameters.

use std::sync::Arc;

use crate::endpoint::{bind_params, BuiltIns, RuleSet};
use crate::model::{Operation, ServiceModel};
use crate::service::Service;
use crate::session::ResolvedConfig;
use crate::value::Value;

/// Where to send a request and how to sign it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    /// Base URL (scheme, host, optional port and path).
    pub url: String,
    /// Headers the endpoint requires.
    pub headers: Vec<(String, Vec<String>)>,
    /// SigV4 signing name.
    pub signing_name: String,
    /// SigV4 signing region.
    pub signing_region: String,
    /// S3-style path encoding (no double encoding).
    pub disable_double_encoding: bool,
}

/// Resolves endpoints for one client.
#[derive(Debug)]
pub struct EndpointResolver {
    rules: Option<Arc<RuleSet>>,
    builtins: BuiltIns,
}

impl EndpointResolver {
    /// Prepares resolution for a client of `service` with `config`: the rule
    /// set is compiled once per process and shared.
    pub fn new(service: &Service, config: &ResolvedConfig) -> Result<Self, String> {
        let rules = service.rule_set().transpose()?;
        let force_path_style = config.s3_addressing_style.as_deref() == Some("path");
        let builtins = BuiltIns {
            region: config.region.clone(),
            use_fips: config.use_fips,
            use_dual_stack: config.use_dual_stack,
            endpoint: config.endpoint_url.clone(),
            force_path_style,
            ..BuiltIns::default()
        };
        Ok(EndpointResolver { rules, builtins })
    }

    /// Resolves the endpoint of one call. Errors (a bad region, an invalid
    /// custom endpoint, an error rule) come before anything is sent.
    pub fn resolve(
        &self,
        model: &ServiceModel,
        op: &Operation,
        input: &Value,
    ) -> Result<ResolvedEndpoint, String> {
        let Some(rules) = &self.rules else {
            return self.fallback(model);
        };
        let params = bind_params(rules, &self.builtins, model, op, input);
        let endpoint = rules
            .resolve(&params)
            .map_err(|e| format!("endpoint resolution failed: {e}"))?;
        let schemes = endpoint.auth_schemes();
        let default_region = self
            .builtins
            .region
            .clone()
            .unwrap_or_else(|| "us-east-1".into());
        let (signing_name, signing_region, disable_double_encoding) = if schemes.is_empty() {
            (model.signing_name().to_string(), default_region, false)
        } else {
            let scheme = schemes
                .iter()
                .find(|s| s.name == "sigv4")
                .ok_or_else(|| {
                    let names: Vec<&str> = schemes.iter().map(|s| s.name.as_str()).collect();
                    format!(
                        "the endpoint requires an auth scheme myaws does not support yet ({}); only sigv4 is implemented",
                        names.join(", ")
                    )
                })?;
            (
                scheme
                    .signing_name
                    .clone()
                    .unwrap_or_else(|| model.signing_name().to_string()),
                scheme.signing_region.clone().unwrap_or(default_region),
                scheme.disable_double_encoding,
            )
        };
        Ok(ResolvedEndpoint {
            url: endpoint.url,
            headers: endpoint.headers,
            signing_name,
            signing_region,
            disable_double_encoding,
        })
    }

    /// For a model without a rule set: the custom endpoint, or the classic
    /// `https://{endpointPrefix}.{region}.amazonaws.com`.
    fn fallback(&self, model: &ServiceModel) -> Result<ResolvedEndpoint, String> {
        let region = self.builtins.region.clone();
        let url = match (&self.builtins.endpoint, &region) {
            (Some(url), _) => url.clone(),
            (None, Some(r)) => format!(
                "https://{}.{r}.amazonaws.com",
                model.metadata.endpoint_prefix
            ),
            (None, None) => return Err(
                "no region configured: set one on the session, with AWS_REGION, or in the profile"
                    .into(),
            ),
        };
        Ok(ResolvedEndpoint {
            url,
            headers: Vec::new(),
            signing_name: model.signing_name().to_string(),
            signing_region: region.unwrap_or_else(|| "us-east-1".to_string()),
            disable_double_encoding: false,
        })
    }
}
