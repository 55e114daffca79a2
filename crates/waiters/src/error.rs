//! [`WaiterError`] (a wait that did not succeed) and [`UnknownWaiter`].

use std::fmt;

use serde_json::Value as Json;

/// The error a failed call carries into a [`WaiterError`].
pub type CallError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a wait failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaiterErrorKind {
    /// An acceptor with the `failure` state matched.
    FailureState,
    /// The waiter ran out of attempts.
    MaxAttemptsExceeded,
    /// The service returned an error no acceptor expected.
    UnexpectedError,
    /// A call failed before the service answered (invalid input, connection,
    /// credentials); the error is the [`source`](std::error::Error::source).
    CallFailed,
    /// The waiter's definition cannot be used.
    InvalidConfig,
}

/// A wait that ended without success, as botocore's `WaiterError`: the
/// waiter, why, and the last response (botocore's dictionary as JSON).
#[derive(Debug)]
pub struct WaiterError {
    waiter: String,
    kind: WaiterErrorKind,
    reason: String,
    attempts: u32,
    last_response: Option<Json>,
    source: Option<CallError>,
}

impl WaiterError {
    /// Creates an error.
    pub fn new(
        waiter: impl Into<String>,
        kind: WaiterErrorKind,
        reason: impl Into<String>,
        attempts: u32,
        last_response: Option<Json>,
    ) -> WaiterError {
        WaiterError {
            waiter: waiter.into(),
            kind,
            reason: reason.into(),
            attempts,
            last_response,
            source: None,
        }
    }

    /// Attaches the error of a failed call.
    pub fn with_source(mut self, source: CallError) -> WaiterError {
        self.source = Some(source);
        self
    }

    /// The waiter's model name (`TableExists`).
    pub fn waiter(&self) -> &str {
        &self.waiter
    }

    /// Why the wait failed.
    pub fn kind(&self) -> WaiterErrorKind {
        self.kind
    }

    /// botocore's reason text.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Calls made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The last response: output members with `ResponseMetadata`, or
    /// `Error.Code`/`Error.Message` for a service error.
    pub fn last_response(&self) -> Option<&Json> {
        self.last_response.as_ref()
    }

    /// The service error code of the last response, if it was an error.
    pub fn error_code(&self) -> Option<&str> {
        self.last_response
            .as_ref()
            .and_then(|r| r.pointer("/Error/Code"))
            .and_then(Json::as_str)
    }
}

impl fmt::Display for WaiterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Waiter {} failed: {}", self.waiter, self.reason)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for WaiterError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|s| &**s as &(dyn std::error::Error + 'static))
    }
}

/// No waiter has the name asked for; lists the valid names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWaiter {
    /// The name asked for.
    pub name: String,
    /// The service's waiter names (snake_case, sorted).
    pub valid: Vec<String>,
    /// Set when the waiter exists but its definition cannot be used.
    pub invalid: Option<String>,
}

impl fmt::Display for UnknownWaiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(problem) = &self.invalid {
            return write!(f, "Waiter {} cannot be used: {problem}", self.name);
        }
        write!(f, "Waiter does not exist: {}", self.name)?;
        if self.valid.is_empty() {
            write!(f, " (this service has no waiters)")
        } else {
            write!(f, " (valid names: {})", self.valid.join(", "))
        }
    }
}

impl std::error::Error for UnknownWaiter {}
