//! The endpoint discovery step of an attempt (botocore's
//! `EndpointDiscoveryManager.describe_endpoint`): the cached endpoint, else
//! a refresh through the service's discovery operation (called on this
//! client, through the whole pipeline), else a stale endpoint, else the
//! regular endpoint or, when discovery is required, an error. See
//! [`crate::discovery`].

use super::{ClientHandle, RawServiceError};
use crate::discovery::{self, CacheKey};
use crate::error::{ResponseError, SdkError};
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

type Failure = SdkError<RawServiceError>;

/// A call's part in endpoint discovery.
pub(super) struct CallDiscovery {
    /// Its cache key.
    pub key: CacheKey,
    /// Its `endpointdiscoveryid` values.
    ids: Vec<(String, String)>,
    /// It looks its endpoint up (else it only invalidates on a 421).
    discovers: bool,
    /// Discovery is required for the operation.
    required: bool,
}

/// How a refresh went.
enum Refresh {
    /// The first endpoint found.
    Found(String),
    /// The service named no endpoint.
    Empty,
    /// The discovery call could not be made (connection, timeout); why.
    Failed(String),
}

impl ClientHandle {
    /// The call's part in discovery, if it takes part.
    pub(super) fn call_discovery(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        input: &Value,
    ) -> Option<CallDiscovery> {
        let mode = self.inner.discovery;
        if !mode.applies_to(operation) {
            return None;
        }
        let discovery_op = &model.operations[model.endpoint_discovery_operation()?];
        let ids = operation
            .input
            .map(|shape| discovery::gather_identifiers(model, shape, input))
            .unwrap_or_default();
        Some(CallDiscovery {
            key: discovery::cache_key(model, discovery_op, &operation.name, &ids),
            ids,
            discovers: mode.discovers(operation),
            required: operation.endpoint_discovery.is_some_and(|d| d.required),
        })
    }

    /// The endpoint URL discovery gives this attempt, if any.
    pub(super) async fn discovered_endpoint(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        call: &CallDiscovery,
    ) -> Result<Option<String>, Failure> {
        if !call.discovers {
            return Ok(None);
        }
        let cache = &self.inner.endpoint_cache;
        if let Some(url) = cache.current(&call.key) {
            return Ok(Some(url));
        }
        let recently_failed = cache.recently_failed(&call.key);
        let mut why = None;
        if !recently_failed {
            match self.refresh_endpoints(model, operation, call).await? {
                Refresh::Found(url) => return Ok(Some(url)),
                Refresh::Empty => {}
                Refresh::Failed(e) => why = Some(e),
            }
        }
        if let Some(url) = cache.stale(&call.key) {
            tracing::debug!(%url, "endpoint discovery is failing: using a stale endpoint");
            return Ok(Some(url));
        }
        if !call.required {
            tracing::debug!("endpoint discovery found nothing: using the regular endpoint");
            return Ok(None);
        }
        if recently_failed {
            match self.refresh_endpoints(model, operation, call).await? {
                Refresh::Found(url) => return Ok(Some(url)),
                Refresh::Empty => {}
                Refresh::Failed(e) => why = Some(e),
            }
        }
        Err(SdkError::Construction(format!(
            "endpoint discovery failed to refresh the endpoints {} requires{}",
            operation.name,
            why.map(|e| format!(": {e}")).unwrap_or_default()
        )))
    }

    /// Asks the service for endpoints and caches them. Connection failures
    /// are remembered (no refresh for 60 s); other errors fail the call.
    async fn refresh_endpoints(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        call: &CallDiscovery,
    ) -> Result<Refresh, Failure> {
        let cache = &self.inner.endpoint_cache;
        let Some(index) = model.endpoint_discovery_operation() else {
            return Ok(Refresh::Empty);
        };
        let discovery_op = &model.operations[index];
        let input = discovery::discovery_input(model, discovery_op, &operation.name, &call.ids);
        tracing::debug!(operation = %operation.name, "discovering endpoints");
        match self.invoke(index, input).await {
            Ok((output, metadata)) => {
                let (status, request_id) = (metadata.http_status_code, metadata.request_id);
                let now = cache.clock().now();
                let endpoints = discovery::parse_endpoints(model, discovery_op, &output, now)
                    .map_err(|e| {
                        SdkError::Response(ResponseError {
                            status,
                            message: format!("{} (endpoint discovery): {e}", discovery_op.name),
                            request_id,
                        })
                    })?;
                let first = endpoints.first().map(|e| e.url.clone());
                cache.store(&call.key, endpoints);
                Ok(first.map_or(Refresh::Empty, Refresh::Found))
            }
            Err(SdkError::Dispatch(e)) => {
                tracing::debug!(error = %e, "endpoint discovery failed");
                cache.mark_failed(&call.key);
                Ok(Refresh::Failed(e.to_string()))
            }
            Err(other) => Err(other),
        }
    }
}
