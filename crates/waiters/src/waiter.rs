//! [`Waiter`]: a waiter bound to a client, and the responses it matches.

use std::sync::Arc;
use std::time::Duration;

use myaws_core::client::{BoxFuture, ClientHandle, RawServiceError};
use myaws_core::json_call::{error_members, JsonResponse};
use myaws_core::{IntoValue, SdkError, Value};
use serde_json::{Map, Value as Json};

use crate::engine::{wait_with, AttemptFuture, WaiterConfig};
use crate::error::{CallError, WaiterError, WaiterErrorKind};
use crate::model::WaiterSpec;

/// A waiter of a client, from `get_waiter`: polls its operation until the
/// resource is in the wanted state.
#[derive(Debug, Clone)]
pub struct Waiter {
    handle: ClientHandle,
    op: usize,
    spec: Arc<WaiterSpec>,
}

impl Waiter {
    pub(crate) fn new(handle: ClientHandle, op: usize, spec: WaiterSpec) -> Waiter {
        Waiter {
            handle,
            op,
            spec: Arc::new(spec),
        }
    }

    /// The waiter's model name (`TableExists`).
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The operation it polls (`DescribeTable`).
    pub fn operation(&self) -> &str {
        &self.spec.operation
    }

    /// The model's delay between attempts.
    pub fn delay(&self) -> Duration {
        self.spec.delay
    }

    /// The model's number of attempts.
    pub fn max_attempts(&self) -> u32 {
        self.spec.max_attempts
    }

    /// The full definition (acceptors included).
    pub fn spec(&self) -> &WaiterSpec {
        &self.spec
    }

    /// Waits with the operation's parameters as JSON (boto3's keyword
    /// arguments); `config` overrides delay and attempts.
    pub async fn wait(
        &self,
        params: Json,
        config: Option<WaiterConfig>,
    ) -> Result<(), WaiterError> {
        let input = self.handle.json_input(self.op, &params).map_err(|e| {
            WaiterError::new(
                self.name(),
                WaiterErrorKind::CallFailed,
                "invalid parameters",
                0,
                None,
            )
            .with_source(boxed(e))
        })?;
        self.wait_value(input, config).await
    }

    /// Waits with the operation's typed input (`DescribeTableInput` for
    /// `table_exists`); `config` overrides delay and attempts.
    pub async fn wait_typed<I: IntoValue>(
        &self,
        input: I,
        config: Option<WaiterConfig>,
    ) -> Result<(), WaiterError> {
        self.wait_value(input.into_value(), config).await
    }

    /// Waits with the operation's input as a [`Value`] (a typed input's
    /// `into_value()`).
    ///
    /// Boxed and not inlined so that the waiting loop is compiled once, in
    /// this crate, not again in every service crate that offers waiters.
    #[inline(never)]
    pub fn wait_value(
        &self,
        input: Value,
        config: Option<WaiterConfig>,
    ) -> BoxFuture<'_, Result<(), WaiterError>> {
        Box::pin(self.wait_value_unboxed(input, config))
    }

    async fn wait_value_unboxed(
        &self,
        input: Value,
        config: Option<WaiterConfig>,
    ) -> Result<(), WaiterError> {
        let handle = self.handle.clone();
        let op = self.op;
        let mut attempt = move || -> AttemptFuture {
            let handle = handle.clone();
            let input = input.clone();
            Box::pin(async move {
                let result = handle.invoke_value_json(op, input).await;
                to_response(&handle, result)
            })
        };
        wait_with(&self.spec, config, &mut attempt).await
    }
}

fn boxed(e: SdkError<RawServiceError>) -> CallError {
    Box::new(e)
}

fn metadata(status: u16, request_id: Option<&str>) -> Json {
    let mut meta = Map::new();
    meta.insert("HTTPStatusCode".into(), Json::from(status));
    if let Some(id) = request_id {
        meta.insert("RequestId".into(), Json::String(id.to_string()));
    }
    Json::Object(meta)
}

/// A call's outcome as botocore's response dictionary; errors that got no
/// answer from the service stay errors.
pub(crate) fn to_response(
    handle: &ClientHandle,
    result: Result<JsonResponse, SdkError<RawServiceError>>,
) -> Result<Json, CallError> {
    match result {
        Ok(r) => {
            let mut out = match r.output {
                Json::Object(map) => map,
                _ => Map::new(),
            };
            out.insert("ResponseMetadata".into(), r.metadata.to_json());
            Ok(Json::Object(out))
        }
        Err(SdkError::Service(e)) => {
            let mut out = match error_members(handle.model(), e.kind()) {
                Json::Object(map) => map,
                _ => Map::new(),
            };
            let mut error = Map::new();
            error.insert("Code".into(), Json::String(e.code().to_string()));
            if let Some(m) = e.message() {
                error.insert("Message".into(), Json::String(m.to_string()));
            }
            out.insert("Error".into(), Json::Object(error));
            out.insert(
                "ResponseMetadata".into(),
                metadata(e.status(), e.request_id()),
            );
            Ok(Json::Object(out))
        }
        Err(other) => Err(boxed(other)),
    }
}
