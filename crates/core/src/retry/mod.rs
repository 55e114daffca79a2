//! Retries as botocore 1.43.67 decides them, in its three modes.
//!
//! * **standard** (myaws's default) — botocore's `retries/standard.py` and
//!   `special.py`: an attempt is retried while attempts remain (3 by
//!   default) if it failed with a transient error (HTTP 500/502/503/504,
//!   the `RequestTimeout` family, a connection failure or timeout), a
//!   throttling error (botocore's list of codes), an error the model marks
//!   `retryable`, STS's `IDPCommunicationError`, or a DynamoDB response whose
//!   body fails its `x-amz-crc32` check. Delays are `rand × min(2^(n-1), 20)`
//!   seconds. A client-wide retry quota (500 tokens; 5 per retry, 10 per
//!   retry after a timeout; given back on success) stops retry storms.
//! * **adaptive** — standard, plus botocore's client-side rate limiter
//!   (`retries/adaptive.py`): once the service throttles, every attempt
//!   takes a token from a bucket refilled at a rate CUBIC adjusts from the
//!   measured send rate ([`adaptive`]).
//! * **legacy** — botocore's `retryhandler.py` driven by `_retry.json`
//!   ([`legacy`]): the general policies plus the service's own (DynamoDB: 10
//!   attempts, 25 ms-based delays and the CRC32 check; STS:
//!   `IDPCommunicationError`; EC2: `RequestLimitExceeded`; …); no quota.
//!
//! The modules: [`classify`] says what went wrong with an attempt
//! ([`FailureKind`]) and which of botocore's conditions that meets; [`policy`]
//! decides from it ([`RetryPolicy`]); [`quota`] is the retry quota;
//! [`adaptive`] the rate limiter; [`clock`] the clock the limiter (and the
//! endpoint discovery cache) reads; [`legacy`] reads `_retry.json`;
//! [`crc32`] checks DynamoDB's response bodies.

pub mod adaptive;
pub mod classify;
pub mod clock;
pub mod crc32;
pub mod legacy;
pub mod policy;
pub mod quota;

pub use adaptive::{ClientRateLimiter, RateLimiterState};
pub use classify::{
    modeled_retry, FailureKind, THROTTLING_CODES, TRANSIENT_CODES, TRANSIENT_STATUSES,
};
pub use clock::Clock;
pub use policy::RetryPolicy;
pub use quota::RetryQuota;

/// The retry mode (`retry_mode` / `AWS_RETRY_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// botocore's standard mode (myaws's default): 3 attempts, retry quota.
    #[default]
    Standard,
    /// botocore's legacy mode: `_retry.json`'s policies (5 attempts for most
    /// services), no quota.
    Legacy,
    /// Standard plus client-side rate limiting under throttling.
    Adaptive,
}

impl RetryMode {
    /// Parses `standard`, `legacy` or `adaptive`.
    pub fn parse(s: &str) -> Option<RetryMode> {
        match s {
            "standard" => Some(RetryMode::Standard),
            "legacy" => Some(RetryMode::Legacy),
            "adaptive" => Some(RetryMode::Adaptive),
            _ => None,
        }
    }

    /// The mode's name, as configured.
    pub fn name(self) -> &'static str {
        match self {
            RetryMode::Standard => "standard",
            RetryMode::Legacy => "legacy",
            RetryMode::Adaptive => "adaptive",
        }
    }

    /// Default total attempts of the mode for most services (legacy mode
    /// takes a service's own from `_retry.json`: DynamoDB's is 10).
    pub fn default_max_attempts(self) -> u32 {
        match self {
            RetryMode::Legacy => legacy::DEFAULT_MAX_ATTEMPTS,
            _ => policy::STANDARD_MAX_ATTEMPTS,
        }
    }
}
