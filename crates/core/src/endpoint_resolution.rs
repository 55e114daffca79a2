//! Picks the endpoint (URL, headers, signing name and region) for a call.

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
}

/// Resolves endpoints for one client.
#[derive(Debug)]
pub struct EndpointResolver {
    endpoint_url: Option<String>,
    region: Option<String>,
}

impl EndpointResolver {
    /// Prepares resolution for a client of `service` with `config`.
    pub fn new(service: &Service, config: &ResolvedConfig) -> Result<Self, String> {
        let _ = service;
        Ok(EndpointResolver {
            endpoint_url: config.endpoint_url.clone(),
            region: config.region.clone(),
        })
    }

    /// Resolves the endpoint of one call.
    pub fn resolve(
        &self,
        model: &ServiceModel,
        _op: &Operation,
        _input: &Value,
    ) -> Result<ResolvedEndpoint, String> {
        let region = self.region.clone();
        let url = match (&self.endpoint_url, &region) {
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
        })
    }
}
