//! # myaws-waiters
//!
//! Waiters for myaws clients, from botocore's `waiters-2.json`: poll an
//! operation every `delay` until an acceptor says the resource is ready
//! (`success`), can never be (`failure`), or `maxAttempts` run out.
//!
//! Acceptors match exactly as botocore's: `path`, `pathAll` and `pathAny`
//! (JMESPath on the output), `status` (HTTP status) and `error` (a service
//! error code; `true` for any error, `false` for none). A service error that
//! no acceptor expects ends the wait at once.
//!
//! Every generated client has `waiter_names()`, `get_waiter(name)` and a
//! typed `wait_until_<name>(input)` per waiter; service crates re-export
//! what is needed, so users never name this crate.
//!
//! ```no_run
//! # async fn demo(handle: myaws_core::client::ClientHandle) -> Result<(), Box<dyn std::error::Error>> {
//! use myaws_waiters::{WaiterConfig, WaiterExt};
//! use std::time::Duration;
//!
//! let waiter = handle.get_waiter("table_exists")?;
//! let config = WaiterConfig::default().delay(Duration::from_secs(2)).max_attempts(10);
//! waiter.wait(serde_json::json!({"TableName": "orders"}), Some(config)).await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod acceptor;
mod engine;
mod error;
pub mod model;
#[cfg(test)]
mod tests;
mod waiter;

use std::future::Future;
use std::pin::Pin;

use myaws_core::client::ClientHandle;
use myaws_core::Value;

pub use engine::{wait_with, AttemptFuture, WaiterConfig};
pub use error::{CallError, UnknownWaiter, WaiterError, WaiterErrorKind};
pub use model::{WaiterModel, WaiterSpec};
pub use waiter::Waiter;

/// The future of a typed `wait_until_<name>` call.
pub type WaitFuture = Pin<Box<dyn Future<Output = Result<(), WaiterError>> + Send + 'static>>;

/// The client's waiter definitions (empty when the service has none or its
/// document is unreadable; [`get_waiter`] reports the latter).
fn waiter_model(handle: &ClientHandle) -> Result<WaiterModel, String> {
    match handle.service().waiters.as_deref() {
        Some(document) => WaiterModel::parse(document),
        None => Ok(WaiterModel::empty()),
    }
}

/// The snake_case names of the client's waiters, sorted.
pub fn waiter_names(handle: &ClientHandle) -> Vec<String> {
    waiter_model(handle).map(|m| m.names()).unwrap_or_default()
}

/// The waiter `name` (snake_case, `table_exists`, or the model's
/// `TableExists`) of the client.
pub fn get_waiter(handle: &ClientHandle, name: &str) -> Result<Waiter, UnknownWaiter> {
    let unknown = |valid: Vec<String>, invalid: Option<String>| UnknownWaiter {
        name: name.to_string(),
        valid,
        invalid,
    };
    let model = waiter_model(handle).map_err(|e| unknown(Vec::new(), Some(e)))?;
    let model_name = model
        .model_name(name)
        .ok_or_else(|| unknown(model.names(), None))?;
    let spec = match model.get(model_name) {
        Some(Ok(spec)) => spec,
        Some(Err(problem)) => return Err(unknown(model.names(), Some(problem))),
        None => return Err(unknown(model.names(), None)),
    };
    match handle.operation_index(&spec.operation) {
        Some(op) => Ok(Waiter::new(handle.clone(), op, spec)),
        None => {
            let problem = format!("the model has no operation {}", spec.operation);
            Err(unknown(model.names(), Some(problem)))
        }
    }
}

/// Runs the waiter with model name `waiter` with a typed input converted to
/// a [`Value`] (what generated `wait_until_<name>` methods call). Default
/// delay and attempts; use [`Waiter::wait_value`] to override them.
pub fn wait_until(handle: &ClientHandle, waiter: &str, input: Value) -> WaitFuture {
    wait_until_with(handle, waiter, input, None)
}

/// [`wait_until`] with a [`WaiterConfig`].
pub fn wait_until_with(
    handle: &ClientHandle,
    waiter: &str,
    input: Value,
    config: Option<WaiterConfig>,
) -> WaitFuture {
    let found = get_waiter(handle, waiter);
    let name = waiter.to_string();
    Box::pin(async move {
        match found {
            Ok(w) => w.wait_value(input, config).await,
            Err(e) => Err(WaiterError::new(
                name,
                WaiterErrorKind::InvalidConfig,
                e.to_string(),
                0,
                None,
            )),
        }
    })
}

/// Waiters on any [`ClientHandle`], e.g. a client whose model was loaded at
/// run time.
pub trait WaiterExt {
    /// The snake_case names of the waiters, sorted.
    fn waiter_names(&self) -> Vec<String>;
    /// The waiter `name` (snake_case or model name).
    fn get_waiter(&self, name: &str) -> Result<Waiter, UnknownWaiter>;
}

impl WaiterExt for ClientHandle {
    fn waiter_names(&self) -> Vec<String> {
        waiter_names(self)
    }

    fn get_waiter(&self, name: &str) -> Result<Waiter, UnknownWaiter> {
        get_waiter(self, name)
    }
}
