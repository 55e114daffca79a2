//! The wait loop, botocore's `Waiter.wait`, over any source of responses.

use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::Value as Json;

use crate::acceptor::{is_error, State};
use crate::error::{CallError, WaiterError, WaiterErrorKind};
use crate::model::WaiterSpec;

/// Overrides of a waiter's timing (botocore's `WaiterConfig`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaiterConfig {
    /// Time between attempts (default: the model's `delay`).
    pub delay: Option<Duration>,
    /// Attempts before giving up (default: the model's `maxAttempts`).
    pub max_attempts: Option<u32>,
}

impl WaiterConfig {
    /// Sets [`Self::delay`].
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Sets [`Self::max_attempts`].
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts);
        self
    }
}

/// The future of one attempt: botocore's response dictionary as JSON (a
/// service error is a response with `Error`), or the error of a call that
/// got no answer.
pub type AttemptFuture = BoxFuture<'static, Result<Json, CallError>>;

/// Runs the waiter `spec`: calls `attempt` until an acceptor leads to
/// success or failure, an unexpected error comes, or attempts run out.
pub async fn wait_with(
    spec: &WaiterSpec,
    config: Option<WaiterConfig>,
    attempt: &mut (dyn FnMut() -> AttemptFuture + Send),
) -> Result<(), WaiterError> {
    let config = config.unwrap_or_default();
    let delay = config.delay.unwrap_or(spec.delay);
    let max_attempts = config.max_attempts.unwrap_or(spec.max_attempts);
    let mut last_matched: Option<usize> = None;
    let mut attempts = 0u32;
    loop {
        let response = match attempt().await {
            Ok(response) => response,
            Err(e) => {
                return Err(WaiterError::new(
                    &spec.name,
                    WaiterErrorKind::CallFailed,
                    "the call failed",
                    attempts + 1,
                    None,
                )
                .with_source(e))
            }
        };
        attempts += 1;
        let matched = spec.acceptors.iter().position(|a| a.matches(&response));
        match matched {
            Some(i) => last_matched = Some(i),
            None if is_error(&response) => {
                let code = response
                    .pointer("/Error/Code")
                    .and_then(Json::as_str)
                    .unwrap_or("Unknown");
                let message = response
                    .pointer("/Error/Message")
                    .and_then(Json::as_str)
                    .unwrap_or("Unknown");
                let reason = format!("An error occurred ({code}): {message}");
                return Err(WaiterError::new(
                    &spec.name,
                    WaiterErrorKind::UnexpectedError,
                    reason,
                    attempts,
                    Some(response),
                ));
            }
            None => {}
        }
        if let Some(acceptor) = matched.map(|i| &spec.acceptors[i]) {
            match acceptor.state {
                State::Success => {
                    tracing::debug!(waiter = %spec.name, attempts, "waiter matched the success state");
                    return Ok(());
                }
                State::Failure => {
                    return Err(WaiterError::new(
                        &spec.name,
                        WaiterErrorKind::FailureState,
                        format!(
                            "Waiter encountered a terminal failure state: {}",
                            acceptor.explanation()
                        ),
                        attempts,
                        Some(response),
                    ));
                }
                State::Retry => {}
            }
        }
        if attempts >= max_attempts {
            let reason = match last_matched {
                None => "Max attempts exceeded".to_string(),
                Some(i) => format!(
                    "Max attempts exceeded. Previously accepted state: {}",
                    spec.acceptors[i].explanation()
                ),
            };
            return Err(WaiterError::new(
                &spec.name,
                WaiterErrorKind::MaxAttemptsExceeded,
                reason,
                attempts,
                Some(response),
            ));
        }
        tracing::debug!(waiter = %spec.name, attempts, ?delay, "waiting");
        tokio::time::sleep(delay).await;
    }
}
