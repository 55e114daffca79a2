//! What went wrong with an attempt ([`FailureKind`]) and which of botocore's
//! standard-mode conditions that meets (`retries/standard.py`:
//! `TransientRetryableChecker`, `ThrottledRetryableChecker`,
//! `ModeledRetryableChecker`, `ThrottlingErrorDetector`).

use crate::model::{Operation, RetryableTrait, ServiceModel};

/// Error codes botocore treats as throttling (`ThrottledRetryableChecker`).
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

/// Error codes botocore treats as transient (`TransientRetryableChecker`).
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// HTTP statuses botocore treats as transient.
pub const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Why an attempt failed, as far as retrying cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// No usable exchange: connecting failed, the connection broke, or a
    /// timeout elapsed (`timeout`). botocore's `ConnectionError` /
    /// `HTTPClientError`.
    Transport {
        /// It was a connect or read timeout (a standard-mode retry after a
        /// timeout costs more of the retry quota).
        timeout: bool,
    },
    /// A response whose body failed the CRC32 check its `x-amz-crc32` header
    /// asked for (DynamoDB).
    Crc32Mismatch {
        /// The response's HTTP status.
        status: u16,
    },
    /// An error response.
    Service {
        /// HTTP status.
        status: u16,
        /// The parsed error code.
        code: String,
        /// The `retryable` trait of the operation's modeled error with this
        /// code, if it has one.
        modeled: Option<RetryableTrait>,
    },
    /// Anything else (bad requests myaws refused to send, missing
    /// credentials, unparseable responses): never retried.
    Permanent,
}

impl FailureKind {
    /// The error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            FailureKind::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            FailureKind::Service { status, .. } | FailureKind::Crc32Mismatch { status } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// botocore's `TransientRetryableChecker`: a transient error code, a
    /// transient HTTP status, or a transport failure.
    pub fn is_transient(&self) -> bool {
        matches!(self, FailureKind::Transport { .. })
            || self.code().is_some_and(|c| TRANSIENT_CODES.contains(&c))
            || self
                .status()
                .is_some_and(|s| TRANSIENT_STATUSES.contains(&s))
    }

    /// botocore's `ThrottledRetryableChecker`: a throttling error code (the
    /// code only; an HTTP 429 alone is not throttling in standard mode).
    pub fn is_throttling_code(&self) -> bool {
        self.code().is_some_and(|c| THROTTLING_CODES.contains(&c))
    }

    /// botocore's `ModeledRetryableChecker`: the operation models this
    /// error as `retryable`.
    pub fn is_modeled_retryable(&self) -> bool {
        matches!(
            self,
            FailureKind::Service {
                modeled: Some(_),
                ..
            }
        )
    }

    /// botocore's `ThrottlingErrorDetector` (what adaptive mode's rate
    /// limiter reacts to): a throttling code, or a modeled error marked
    /// `retryable` with `throttling`.
    pub fn is_throttling(&self) -> bool {
        self.is_throttling_code()
            || matches!(
                self,
                FailureKind::Service {
                    modeled: Some(RetryableTrait { throttling: true }),
                    ..
                }
            )
    }

    /// A connect or read timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, FailureKind::Transport { timeout: true })
    }
}

/// botocore's `ModeledRetryErrorDetector`: the `retryable` trait of the
/// operation's modeled error whose code (`error.code`, else the shape name)
/// is `code`. Only the operation's own errors count, as in botocore.
pub fn modeled_retry(
    model: &ServiceModel,
    operation: &Operation,
    code: &str,
) -> Option<RetryableTrait> {
    operation.errors.iter().find_map(|&id| {
        let shape = model.shape(id);
        let retryable = shape.retryable?;
        let wire_code = shape
            .error
            .as_ref()
            .and_then(|e| e.code.as_deref())
            .unwrap_or(&shape.name);
        (wire_code == code).then_some(retryable)
    })
}

/// A failure with a service error of `status` and `code` (tests).
#[cfg(test)]
pub(crate) fn service_failure(status: u16, code: &str) -> FailureKind {
    FailureKind::Service {
        status,
        code: code.into(),
        modeled: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::service_failure as service;

    #[test]
    fn classifies_like_botocore() {
        assert!(service(400, "ThrottlingException").is_throttling());
        assert!(service(503, "SlowDown").is_throttling());
        assert!(service(503, "SlowDown").is_transient());
        assert!(service(500, "InternalError").is_transient());
        assert!(service(400, "RequestTimeout").is_transient());
        assert!(service(400, "PriorRequestNotComplete").is_transient());
        assert!(service(400, "PriorRequestNotComplete").is_throttling());
        let permanent = service(400, "QueueDoesNotExist");
        assert!(!permanent.is_transient() && !permanent.is_throttling());
        // An HTTP 429 is not throttling by its status alone in standard mode.
        assert!(!service(429, "TooManyRequests").is_throttling());
        assert!(service(429, "TooManyRequestsException").is_throttling());
        assert!(FailureKind::Transport { timeout: false }.is_transient());
        assert!(FailureKind::Transport { timeout: true }.is_timeout());
        assert!(FailureKind::Crc32Mismatch { status: 503 }.is_transient());
        assert!(!FailureKind::Crc32Mismatch { status: 200 }.is_transient());
        assert!(!FailureKind::Permanent.is_transient());
        let modeled = FailureKind::Service {
            status: 409,
            code: "ReplicatedWriteConflictException".into(),
            modeled: Some(RetryableTrait { throttling: false }),
        };
        assert!(modeled.is_modeled_retryable() && !modeled.is_throttling());
        let modeled_throttle = FailureKind::Service {
            status: 400,
            code: "Busy".into(),
            modeled: Some(RetryableTrait { throttling: true }),
        };
        assert!(modeled_throttle.is_throttling());
    }

    #[test]
    fn modeled_retry_matches_the_operations_errors_by_wire_code() {
        let model = ServiceModel::from_json(
            r#"{"metadata": {"protocol": "json", "endpointPrefix": "svc"},
                "operations": {
                  "A": {"name": "A", "errors": [{"shape": "Busy"}, {"shape": "Plain"}]},
                  "B": {"name": "B"}},
                "shapes": {
                  "Busy": {"type": "structure", "members": {}, "exception": true,
                           "error": {"code": "BusyCode"}, "retryable": {"throttling": true}},
                  "Plain": {"type": "structure", "members": {}, "exception": true,
                            "retryable": {"throttling": false}}}}"#,
        )
        .unwrap();
        let a = model.operation("A").unwrap();
        let b = model.operation("B").unwrap();
        assert_eq!(
            modeled_retry(&model, a, "BusyCode"),
            Some(RetryableTrait { throttling: true })
        );
        // The shape name does not match when the error has its own code.
        assert_eq!(modeled_retry(&model, a, "Busy"), None);
        assert_eq!(
            modeled_retry(&model, a, "Plain"),
            Some(RetryableTrait { throttling: false })
        );
        // Not one of B's errors.
        assert_eq!(modeled_retry(&model, b, "Plain"), None);
    }
}
