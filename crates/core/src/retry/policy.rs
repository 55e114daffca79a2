//! [`RetryPolicy`]: whether a failed attempt is retried, what the retry
//! costs, and how long to wait, in the client's mode.
//!
//! Standard and adaptive modes follow botocore's `StandardRetryConditions`
//! (with `NEW_RETRIES_ENABLED` off, as botocore 1.43.67 ships):
//! `attempt < max_attempts` and (transient or throttled or modeled retryable
//! or STS `IDPCommunicationError` or DynamoDB CRC32 mismatch); the delay is
//! botocore's `ExponentialBackoff`, `rand × min(2^(attempt-1), 20)` seconds;
//! a retry costs 5 quota tokens, 10 after a timeout. Legacy mode follows
//! `_retry.json` ([`LegacyRules`]) and uses no quota.

use std::time::Duration;

use super::classify::FailureKind;
use super::crc32::DYNAMODB_CRC32_HEADER;
use super::legacy::LegacyRules;
use super::quota::{RETRY_COST, TIMEOUT_RETRY_COST};
use super::RetryMode;

/// Standard and adaptive modes' default total attempts.
pub const STANDARD_MAX_ATTEMPTS: u32 = 3;
/// The longest delay between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The services botocore's `special.py` singles out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    /// STS: `IDPCommunicationError` is retried.
    Sts,
    /// DynamoDB: CRC32 mismatches are retried.
    DynamoDb,
    None,
}

/// The retry policy of a client.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    mode: RetryMode,
    max_attempts: u32,
    special: Special,
    legacy: Option<LegacyRules>,
}

impl RetryPolicy {
    /// The policy of a client of the service with `endpoint_prefix`, in
    /// `mode`, with `max_attempts` total attempts if configured (else the
    /// mode's default: 3, or `_retry.json`'s for the service in legacy mode).
    pub fn new(
        mode: RetryMode,
        max_attempts: Option<u32>,
        endpoint_prefix: &str,
    ) -> Result<RetryPolicy, String> {
        let legacy = match mode {
            RetryMode::Legacy => Some(LegacyRules::for_service(endpoint_prefix)?),
            _ => None,
        };
        let default = legacy
            .as_ref()
            .map_or(STANDARD_MAX_ATTEMPTS, |rules| rules.max_attempts);
        let special = match endpoint_prefix {
            "sts" => Special::Sts,
            "dynamodb" => Special::DynamoDb,
            _ => Special::None,
        };
        Ok(RetryPolicy {
            mode,
            max_attempts: max_attempts.unwrap_or(default).max(1),
            special,
            legacy,
        })
    }

    /// The mode.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// Total attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Legacy mode's rules, in legacy mode.
    pub fn legacy_rules(&self) -> Option<&LegacyRules> {
        self.legacy.as_ref()
    }

    /// Retries are paid for from the client's retry quota (standard and
    /// adaptive modes).
    pub fn uses_quota(&self) -> bool {
        self.mode != RetryMode::Legacy
    }

    /// Attempts go through the client-side rate limiter (adaptive mode).
    pub fn uses_rate_limiter(&self) -> bool {
        self.mode == RetryMode::Adaptive
    }

    /// The header responses' bodies are checked against with CRC32, if any
    /// (DynamoDB's `x-amz-crc32`).
    pub fn crc32_header(&self) -> Option<&str> {
        match &self.legacy {
            Some(rules) => rules.crc32_header(),
            None => (self.special == Special::DynamoDb).then_some(DYNAMODB_CRC32_HEADER),
        }
    }

    /// Should attempt number `attempt` (1-based), which failed with `kind`,
    /// be retried (quota aside)?
    pub fn is_retryable(&self, attempt: u32, kind: &FailureKind) -> bool {
        if attempt >= self.max_attempts || *kind == FailureKind::Permanent {
            return false;
        }
        match &self.legacy {
            Some(rules) => rules.matches(kind),
            None => self.standard_conditions(kind),
        }
    }

    /// `StandardRetryConditions` without the attempt count.
    fn standard_conditions(&self, kind: &FailureKind) -> bool {
        kind.is_transient()
            || kind.is_throttling_code()
            || kind.is_modeled_retryable()
            || match self.special {
                // `RetryIDPCommunicationError`.
                Special::Sts => kind.code() == Some("IDPCommunicationError"),
                // `RetryDDBChecksumError`.
                Special::DynamoDb => matches!(kind, FailureKind::Crc32Mismatch { .. }),
                Special::None => false,
            }
    }

    /// What a retry after `kind` costs from the retry quota; `None` when the
    /// mode has no quota.
    pub fn quota_cost(&self, kind: &FailureKind) -> Option<u32> {
        self.uses_quota().then(|| {
            if kind.is_timeout() {
                TIMEOUT_RETRY_COST
            } else {
                RETRY_COST
            }
        })
    }

    /// The delay before attempt `attempt + 1`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        match &self.legacy {
            Some(rules) => rules.delay(attempt),
            None => {
                let cap = MAX_BACKOFF.as_secs_f64();
                let exp = 2f64.powi(attempt.saturating_sub(1).min(30) as i32);
                Duration::from_secs_f64(fastrand::f64() * exp.min(cap))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RetryableTrait;

    use crate::retry::classify::service_failure as service;

    fn policy(mode: RetryMode, prefix: &str) -> RetryPolicy {
        RetryPolicy::new(mode, None, prefix).unwrap()
    }

    #[test]
    fn standard_conditions_and_max_attempts() {
        let p = policy(RetryMode::Standard, "sqs");
        assert_eq!(p.max_attempts(), 3);
        assert!(p.is_retryable(1, &service(500, "InternalError")));
        assert!(p.is_retryable(2, &service(400, "ThrottlingException")));
        assert!(!p.is_retryable(3, &service(500, "InternalError")));
        assert!(!p.is_retryable(1, &service(400, "QueueDoesNotExist")));
        assert!(!p.is_retryable(1, &service(429, "TooManyRequests")));
        assert!(p.is_retryable(1, &FailureKind::Transport { timeout: false }));
        assert!(!p.is_retryable(1, &FailureKind::Permanent));
        let modeled = FailureKind::Service {
            status: 409,
            code: "Conflict".into(),
            modeled: Some(RetryableTrait { throttling: false }),
        };
        assert!(p.is_retryable(1, &modeled));
        // Special cases belong to their service only.
        assert!(!p.is_retryable(1, &service(400, "IDPCommunicationError")));
        assert!(policy(RetryMode::Standard, "sts")
            .is_retryable(1, &service(400, "IDPCommunicationError")));
        let crc = FailureKind::Crc32Mismatch { status: 200 };
        assert!(!p.is_retryable(1, &crc));
        let ddb = policy(RetryMode::Adaptive, "dynamodb");
        assert!(ddb.is_retryable(1, &crc));
        assert_eq!(ddb.max_attempts(), 3);
        assert_eq!(ddb.crc32_header(), Some("x-amz-crc32"));
        assert_eq!(p.crc32_header(), None);
        let explicit = RetryPolicy::new(RetryMode::Standard, Some(7), "sqs").unwrap();
        assert_eq!(explicit.max_attempts(), 7);
        assert!(
            RetryPolicy::new(RetryMode::Standard, Some(0), "sqs")
                .unwrap()
                .max_attempts()
                == 1
        );
    }

    #[test]
    fn quota_costs_and_modes() {
        let p = policy(RetryMode::Standard, "sqs");
        assert_eq!(p.quota_cost(&service(500, "X")), Some(5));
        assert_eq!(
            p.quota_cost(&FailureKind::Transport { timeout: true }),
            Some(10)
        );
        assert_eq!(
            p.quota_cost(&FailureKind::Transport { timeout: false }),
            Some(5)
        );
        assert!(p.uses_quota() && !p.uses_rate_limiter());
        let a = policy(RetryMode::Adaptive, "sqs");
        assert!(a.uses_quota() && a.uses_rate_limiter());
        let l = policy(RetryMode::Legacy, "sqs");
        assert!(!l.uses_quota() && !l.uses_rate_limiter());
        assert_eq!(l.quota_cost(&service(500, "X")), None);
    }

    #[test]
    fn legacy_follows_retry_json() {
        let sqs = policy(RetryMode::Legacy, "sqs");
        assert_eq!(sqs.max_attempts(), 5);
        assert!(sqs.is_retryable(4, &service(403, "RequestThrottled")));
        assert!(!sqs.is_retryable(5, &service(403, "RequestThrottled")));
        // Standard-only conditions do not apply in legacy mode.
        assert!(!sqs.is_retryable(1, &service(400, "RequestTimeout")));
        let ddb = policy(RetryMode::Legacy, "dynamodb");
        assert_eq!(ddb.max_attempts(), 10);
        assert_eq!(ddb.crc32_header(), Some("x-amz-crc32"));
        assert!(ddb.is_retryable(9, &FailureKind::Crc32Mismatch { status: 200 }));
        assert!((ddb.backoff(1).as_secs_f64() - 0.05).abs() < 1e-9);
        // A configured max_attempts wins over `_retry.json`'s.
        let two = RetryPolicy::new(RetryMode::Legacy, Some(2), "dynamodb").unwrap();
        assert_eq!(two.max_attempts(), 2);
        assert!(!two.is_retryable(2, &FailureKind::Crc32Mismatch { status: 200 }));
    }

    #[test]
    fn standard_backoff_is_capped_and_grows() {
        let p = policy(RetryMode::Standard, "sqs");
        for attempt in 1..40 {
            let d = p.backoff(attempt);
            assert!(d <= MAX_BACKOFF);
            assert!(d.as_secs_f64() <= 2f64.powi(attempt as i32 - 1) + 1e-9);
        }
    }
}
