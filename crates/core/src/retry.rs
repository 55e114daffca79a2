//! Retries as botocore's `standard` mode does them (and `legacy`, which only
//! differs in its defaults and has no quota).
//!
//! Retried: throttling errors, transient errors (HTTP 500/502/503/504 and the
//! `RequestTimeout` family) and connection failures, with exponential backoff
//! and full jitter (`rand * 2^(attempt-1)` seconds, at most 20 s), while a
//! client-wide retry quota (500 tokens; 5 per retry, 10 per timeout retry,
//! refunded on success) lasts.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Error codes botocore treats as throttling.
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes botocore treats as transient.
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// HTTP statuses botocore treats as transient.
pub const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// The retry mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// botocore's standard mode (the default): 3 attempts, retry quota.
    #[default]
    Standard,
    /// botocore's legacy mode: 5 attempts, no quota.
    Legacy,
    /// Standard plus client-side rate limiting; myaws treats it as standard.
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

    /// Default total attempts for the mode.
    pub fn default_max_attempts(self) -> u32 {
        match self {
            RetryMode::Legacy => 5,
            _ => 3,
        }
    }
}

/// Why an attempt failed, as far as retrying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Throttling error.
    Throttling,
    /// Transient service error.
    Transient,
    /// Connection failure or broken exchange.
    Connection,
    /// A timeout.
    Timeout,
    /// Not retryable.
    Permanent,
}

/// Classifies a service error by code and status.
pub fn classify(code: &str, status: u16, modeled_retryable: bool) -> FailureKind {
    if THROTTLING_CODES.contains(&code) || status == 429 {
        FailureKind::Throttling
    } else if TRANSIENT_CODES.contains(&code)
        || TRANSIENT_STATUSES.contains(&status)
        || modeled_retryable
    {
        FailureKind::Transient
    } else {
        FailureKind::Permanent
    }
}

const INITIAL_QUOTA: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const NO_RETRY_INCREMENT: u32 = 1;
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The client-wide retry quota (shared by clones of a client).
#[derive(Debug)]
pub struct RetryQuota {
    available: AtomicU32,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            available: AtomicU32::new(INITIAL_QUOTA),
        }
    }
}

impl RetryQuota {
    /// Takes the cost of a retry; `None` when the quota is exhausted.
    pub fn acquire(&self, kind: FailureKind) -> Option<u32> {
        let cost = if kind == FailureKind::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |a| a.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// Returns tokens after a success (`cost` taken by its retries, or the
    /// small increment for a first-try success).
    pub fn release(&self, retried_cost: Option<u32>) {
        let amount = retried_cost.unwrap_or(NO_RETRY_INCREMENT);
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |a| {
                Some((a + amount).min(INITIAL_QUOTA))
            });
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }
}

/// The retry policy of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Mode.
    pub mode: RetryMode,
    /// Total attempts, including the first (at least 1).
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// Should attempt number `attempt` (1-based) that failed with `kind` be retried?
    pub fn should_retry(&self, attempt: u32, kind: FailureKind) -> bool {
        kind != FailureKind::Permanent && attempt < self.max_attempts
    }

    /// Uses the quota (standard and adaptive modes only).
    pub fn uses_quota(&self) -> bool {
        self.mode != RetryMode::Legacy
    }

    /// Delay before attempt `attempt + 1`: full jitter exponential backoff.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = 2f64.powi(attempt.saturating_sub(1).min(30) as i32);
        let secs = (fastrand::f64() * exp).min(MAX_BACKOFF.as_secs_f64());
        Duration::from_secs_f64(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_like_botocore() {
        assert_eq!(
            classify("ThrottlingException", 400, false),
            FailureKind::Throttling
        );
        assert_eq!(classify("SlowDown", 503, false), FailureKind::Throttling);
        assert_eq!(
            classify("InternalError", 500, false),
            FailureKind::Transient
        );
        assert_eq!(
            classify("RequestTimeout", 400, false),
            FailureKind::Transient
        );
        assert_eq!(
            classify("QueueDoesNotExist", 400, false),
            FailureKind::Permanent
        );
        assert_eq!(classify("Whatever", 400, true), FailureKind::Transient);
    }

    #[test]
    fn stops_at_max_attempts() {
        let p = RetryPolicy {
            mode: RetryMode::Standard,
            max_attempts: 3,
        };
        assert!(p.should_retry(1, FailureKind::Transient));
        assert!(p.should_retry(2, FailureKind::Throttling));
        assert!(!p.should_retry(3, FailureKind::Transient));
        assert!(!p.should_retry(1, FailureKind::Permanent));
    }

    #[test]
    fn backoff_is_capped_and_grows() {
        let p = RetryPolicy {
            mode: RetryMode::Standard,
            max_attempts: 10,
        };
        for attempt in 1..40 {
            let d = p.backoff(attempt);
            assert!(d <= MAX_BACKOFF);
            assert!(d.as_secs_f64() <= 2f64.powi(attempt as i32 - 1) + 1e-9);
        }
    }

    #[test]
    fn quota_drains_and_refills() {
        let q = RetryQuota::default();
        let mut taken = 0;
        while q.acquire(FailureKind::Transient).is_some() {
            taken += 1;
        }
        assert_eq!(taken, INITIAL_QUOTA / RETRY_COST);
        assert_eq!(q.acquire(FailureKind::Timeout), None);
        q.release(Some(RETRY_COST));
        assert_eq!(q.available(), RETRY_COST);
        q.release(None);
        assert_eq!(q.available(), RETRY_COST + 1);
    }
}
