//! [`ClientHandle`]: the service-independent client every generated client
//! wraps, and the one request pipeline:
//! validate → serialize → resolve endpoint → sign → send → parse → retry.

// Errors are the uncommon path and carry metadata by value; boxing them would
// cost an allocation on every failed attempt for no gain.
#![allow(clippy::result_large_err)]

mod authorize;
mod discover;
#[cfg(test)]
mod discovery_tests;
mod metadata;
mod pipeline;
mod request;
mod response;
#[cfg(test)]
mod retry_tests;
#[cfg(test)]
mod sigv2_tests;
#[cfg(all(test, feature = "sigv4a"))]
mod sigv4a_tests;

pub use metadata::{ResponseMetadata, WithResponseMetadata};
pub(crate) use request::join_url;

use std::fmt;
use std::sync::Arc;

use tracing::Instrument;

use crate::customizations;
use crate::discovery::{DiscoveryMode, EndpointCache};
use crate::endpoint_resolution::EndpointResolver;
use crate::error::{
    BuildError, DispatchError, OperationError, ResponseError, SdkError, ServiceError,
};
use crate::events::Events;
use crate::http::{HttpClient, HttpSettings};
use crate::model::ServiceModel;
use crate::retry::{ClientRateLimiter, RetryPolicy, RetryQuota};
use crate::service::{LoadedService, Service};
use crate::session::{ClientConfig, ResolvedConfig, Session};
use crate::value::{FromValue, IntoValue, Value};

/// A boxed, sendable future: what core's heavy entry points return, so that
/// their bodies are compiled once, in core (see [`ClientHandle::invoke`]).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// What [`ClientHandle::invoke`] resolves to: the output value, the HTTP
/// status and the request id, or the error with the raw service error.
pub type InvokeResult = Result<(Value, ResponseMetadata), SdkError<RawServiceError>>;

/// The `User-Agent` myaws sends.
pub const USER_AGENT_VALUE: &str = concat!("myaws-rust/", env!("CARGO_PKG_VERSION"));

/// A service error before it is typed: the matched exception shape and its
/// parsed members.
#[derive(Debug, Clone, PartialEq)]
pub struct RawServiceError {
    /// The exception shape name, when the code matched a modeled exception.
    pub shape: Option<String>,
    /// The exception's members ([`Value::Null`] when unmodeled).
    pub value: Value,
}

impl fmt::Display for RawServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.shape.as_deref().unwrap_or("unmodeled service error"))
    }
}

impl std::error::Error for RawServiceError {}

/// The client behind every service client: configuration, HTTP pool, retry
/// quota and the service model. Cheap to clone (an `Arc`), `Send + Sync`.
#[derive(Clone)]
pub struct ClientHandle {
    inner: Arc<ClientInner>,
}

/// What a [`ClientHandle`] shares between its clones.
pub(crate) struct ClientInner {
    service: Service,
    config: ResolvedConfig,
    http: HttpClient,
    retry: RetryPolicy,
    quota: RetryQuota,
    /// Adaptive mode's rate limiter.
    limiter: Option<ClientRateLimiter>,
    /// What the client does about endpoint discovery.
    discovery: DiscoveryMode,
    /// Discovered endpoints.
    endpoint_cache: EndpointCache,
    endpoint: EndpointResolver,
    quirks: customizations::Quirks,
    event_name: String,
    events: Events,
    express: customizations::s3express::ExpressSessions,
    /// botocore's built-in handlers of each operation.
    handlers: customizations::handlers::ClientHandlers,
    /// Where bearer tokens come from, for services whose model allows them.
    bearer: Option<Arc<dyn crate::token::ProvideToken>>,
    /// `AWS_BEARER_TOKEN_<NAME>` is set for a service botocore prefers
    /// bearer auth for when a token is configured (Bedrock).
    env_bearer: bool,
}

impl fmt::Debug for ClientHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientHandle")
            .field("service", &self.inner.service.model.metadata.service_id)
            .field("region", &self.inner.config.region)
            .field("endpoint_url", &self.inner.config.endpoint_url)
            .finish_non_exhaustive()
    }
}

impl ClientHandle {
    /// Creates a client for `service` from the session's configuration with
    /// per-client overrides.
    pub fn new(
        session: &Session,
        service: &'static LoadedService,
        overrides: ClientConfig,
    ) -> Result<ClientHandle, BuildError> {
        let service = service
            .get()
            .map_err(|e| BuildError::new(format!("embedded service model: {e}")))?
            .clone();
        Self::from_service(session, service, overrides)
    }

    /// Creates a client for a service whose model was loaded at run time.
    pub fn from_service(
        session: &Session,
        service: Service,
        overrides: ClientConfig,
    ) -> Result<ClientHandle, BuildError> {
        let model = &service.model;
        let config = session
            .resolve(&model.metadata.service_id, &overrides)
            .map_err(|e| BuildError::new(e.to_string()))?;
        let http = HttpClient::new(&http_settings(&config)).map_err(BuildError::new)?;
        let retry = RetryPolicy::new(
            config.retry.mode,
            config.retry.max_attempts,
            &model.metadata.endpoint_prefix,
        )
        .map_err(BuildError::new)?;
        let limiter = retry
            .uses_rate_limiter()
            .then(|| ClientRateLimiter::new(config.clock.clone()));
        let discovery = DiscoveryMode::for_client(
            config.endpoint_discovery,
            config.endpoint_url_from_code,
            model,
        );
        let endpoint_cache = EndpointCache::new(config.clock.clone());
        let endpoint = EndpointResolver::new(&service, &config).map_err(BuildError::new)?;
        let quirks = customizations::Quirks::for_model(model);
        let handlers = customizations::handlers::ClientHandlers::new(model, &model.event_name());
        let (bearer, env_bearer) = authorize::bearer_setup(session, model);
        Ok(ClientHandle {
            inner: Arc::new(ClientInner {
                event_name: model.event_name(),
                service,
                config,
                http,
                retry,
                quota: RetryQuota::default(),
                limiter,
                discovery,
                endpoint_cache,
                endpoint,
                quirks,
                events: Events::default(),
                express: Default::default(),
                handlers,
                bearer,
                env_bearer,
            }),
        })
    }

    /// botocore's built-in handlers of this client's operations.
    pub(crate) fn handlers(&self) -> &customizations::handlers::ClientHandlers {
        &self.inner.handlers
    }

    /// The shared part of the client (held weakly by caches that live in
    /// it).
    pub(crate) fn inner_arc(&self) -> &Arc<ClientInner> {
        &self.inner
    }

    /// A client from its shared part.
    pub(crate) fn from_inner(inner: Arc<ClientInner>) -> ClientHandle {
        ClientHandle { inner }
    }

    /// The client's service-specific behaviour.
    pub(crate) fn quirks(&self) -> &customizations::Quirks {
        &self.inner.quirks
    }

    /// The service model.
    pub fn model(&self) -> &Arc<ServiceModel> {
        &self.inner.service.model
    }

    /// The service: model plus raw endpoint rules, paginators and waiters.
    pub fn service(&self) -> &Service {
        &self.inner.service
    }

    /// The resolved configuration of this client.
    pub fn config(&self) -> &ResolvedConfig {
        &self.inner.config
    }

    /// The client's retry policy (mode, attempts, conditions).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The client's retry quota (standard and adaptive modes use it).
    pub fn retry_quota(&self) -> &RetryQuota {
        &self.inner.quota
    }

    /// Adaptive mode's rate limiter (`None` in other modes).
    pub fn rate_limiter(&self) -> Option<&ClientRateLimiter> {
        self.inner.limiter.as_ref()
    }

    /// What the client does about endpoint discovery.
    pub fn discovery_mode(&self) -> DiscoveryMode {
        self.inner.discovery
    }

    /// The client's cache of discovered endpoints.
    pub fn endpoint_cache(&self) -> &EndpointCache {
        &self.inner.endpoint_cache
    }

    /// The client's event registry (shared by its clones): register hooks
    /// such as `before-call.sqs.SendMessage` here.
    pub fn events(&self) -> &Events {
        &self.inner.events
    }

    /// Read-only client metadata, as boto3's `client.meta`.
    pub fn meta(&self) -> ClientMeta<'_> {
        ClientMeta { handle: self }
    }

    /// The service's name in event names (`sqs`, `s3`, `cloudwatch-logs`).
    pub fn event_name(&self) -> &str {
        &self.inner.event_name
    }

    /// The client's endpoint resolver (used by presigning to build requests).
    pub fn endpoint_resolver(&self) -> &EndpointResolver {
        &self.inner.endpoint
    }

    /// Calls operation number `op` (model order) with a typed input and output.
    pub async fn call<I, O, E>(&self, op: usize, input: I) -> Result<O, SdkError<E>>
    where
        I: IntoValue,
        O: FromValue + WithResponseMetadata,
        E: OperationError,
    {
        let value = input.into_value();
        match self.invoke(op, value).await {
            Ok((out, metadata)) => match O::from_value(out) {
                Ok(mut output) => {
                    output.set_response_metadata(metadata);
                    Ok(output)
                }
                Err(e) => Err(SdkError::Response(ResponseError {
                    status: metadata.http_status_code,
                    message: e.message,
                    request_id: metadata.request_id,
                })),
            },
            Err(SdkError::Service(service)) => {
                let (raw, meta) = service.into_parts();
                let (shape, value) = match raw.shape {
                    Some(shape) => (Some(shape), raw.value),
                    None => match self.status_only_exception(op, &meta.code, meta.status) {
                        // No body, so no members.
                        Some((shape, members)) => {
                            (Some(shape), Value::Struct(vec![Value::Null; members]))
                        }
                        None => (None, raw.value),
                    },
                };
                let kind = E::from_service_error(shape.as_deref(), value);
                Err(SdkError::Service(ServiceError::new(kind, meta)))
            }
            Err(e) => {
                Err(e.map_service(|raw| E::from_service_error(raw.shape.as_deref(), raw.value)))
            }
        }
    }

    /// The exception a body-less error answer stands for (S3's `HeadObject`
    /// 404 is its `NoSuchKey`): the one exception of the operation modeled
    /// with that HTTP status, when the response carried no code of its own
    /// (the code is then the status), with its member count. The code stays
    /// the status, as botocore reports it.
    fn status_only_exception(&self, op: usize, code: &str, status: u16) -> Option<(String, usize)> {
        if code.parse::<u16>().ok() != Some(status) {
            return None;
        }
        let model = self.model();
        let mut matching = model.operations.get(op)?.errors.iter().filter(|id| {
            model
                .shape(**id)
                .error
                .as_ref()
                .and_then(|e| e.http_status_code)
                == Some(status)
        });
        let only = matching.next()?;
        matching.next().is_none().then(|| {
            let shape = model.shape(*only);
            (shape.name.clone(), shape.members.len())
        })
    }

    /// Calls operation number `op` with a [`Value`] input; returns the output
    /// value, the HTTP status and the request id. This is the pipeline.
    ///
    /// The pipeline's future is boxed behind this non-inlined function on
    /// purpose: an `async fn` body is compiled again in every crate that
    /// awaits it, so an unboxed pipeline (and the HTTP stack under it) would
    /// be re-generated in each service crate and in the user's binary.
    #[inline(never)]
    pub fn invoke(&self, op: usize, input: Value) -> BoxFuture<'_, InvokeResult> {
        Box::pin(self.invoke_unboxed(op, input))
    }

    async fn invoke_unboxed(&self, op: usize, input: Value) -> InvokeResult {
        let model = self.model().clone();
        let operation = model
            .operations
            .get(op)
            .ok_or_else(|| SdkError::Construction(format!("no operation number {op}")))?;
        let span = tracing::debug_span!(
            "myaws.call",
            service = %self.inner.event_name,
            operation = %operation.name,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.run(op, &model, operation, input)
            .instrument(span)
            .await
    }
}

/// Read-only metadata of a client (boto3's `client.meta`).
#[derive(Debug, Clone, Copy)]
pub struct ClientMeta<'a> {
    handle: &'a ClientHandle,
}

impl<'a> ClientMeta<'a> {
    /// The client's region.
    pub fn region(&self) -> Option<&'a str> {
        self.handle.inner.config.region.as_deref()
    }

    /// The base endpoint URL (custom, or resolved by the rule set for a call
    /// without resource parameters).
    pub fn endpoint_url(&self) -> Option<String> {
        let inner = &self.handle.inner;
        if let Some(url) = &inner.config.endpoint_url {
            return Some(url.clone());
        }
        let model = &inner.service.model;
        let op = model.operations.first()?;
        let input = op
            .input
            .map(|s| Value::Struct(vec![Value::Null; model.shape(s).members.len()]));
        inner
            .endpoint
            .resolve(model, op, &input.unwrap_or(Value::Null))
            .ok()
            .map(|e| e.url)
    }

    /// The service model (operations, shapes, documentation when loaded).
    pub fn service_model(&self) -> &'a ServiceModel {
        &self.handle.inner.service.model
    }

    /// The operation names (API names), sorted.
    pub fn operation_names(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self
            .service_model()
            .operations
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        names.sort_unstable();
        names
    }

    /// The modeled exceptions of the service (shape names), sorted.
    pub fn exceptions(&self) -> Vec<&'a str> {
        let model = self.service_model();
        let mut names: Vec<&str> = model
            .exception_ids()
            .iter()
            .map(|&id| model.shape_name(id))
            .collect();
        names.sort_unstable();
        names
    }

    /// The modeled exception an error code stands for, if any.
    pub fn exception_for_code(&self, code: &str) -> Option<&'a str> {
        let model = self.service_model();
        model
            .error_shape_for_code(code)
            .map(|id| model.shape(id).name.as_str())
    }

    /// The resolved configuration.
    pub fn config(&self) -> &'a ResolvedConfig {
        &self.handle.inner.config
    }

    /// The event registry.
    pub fn events(&self) -> &'a Events {
        &self.handle.inner.events
    }
}

/// The HTTP client's settings from a client's resolved configuration.
fn http_settings(config: &ResolvedConfig) -> HttpSettings {
    HttpSettings {
        connect_timeout: Some(config.connect_timeout),
        read_timeout: Some(config.read_timeout),
        ca_bundle: config.ca_bundle.clone(),
        resolve_overrides: config.resolve_overrides.clone(),
        proxy: config.proxies.clone(),
        pool: crate::http::PoolSettings {
            max_idle_per_host: config.max_pool_connections,
            idle_timeout: config.pool_idle_timeout,
        },
        tcp_keepalive: config.tcp_keepalive,
        stalled_stream: config.stalled_stream_protection,
        transport: config.http_transport.as_ref().map(|t| t.0.clone()),
    }
}

impl From<DispatchError> for SdkError<RawServiceError> {
    fn from(e: DispatchError) -> Self {
        SdkError::Dispatch(e)
    }
}
