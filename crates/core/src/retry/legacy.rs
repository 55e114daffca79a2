//! Legacy mode's rules: botocore's `_retry.json` as `translate.py`
//! (`build_retry_config`) and `retryhandler.py` read it.
//!
//! A service's rules are the `__default__` section with the service's own
//! `__default__` (keyed by endpoint prefix) merged over it, key by key, after
//! `$ref`s to `definitions` are resolved: its `max_attempts` (total
//! attempts), its `delay` (`base × growth_factor^(attempt-1)` seconds, `base`
//! a number or `rand`) and its `policies`, each a condition that makes a
//! failed attempt retryable: an HTTP status with an error code, an HTTP
//! status alone, a body failing the CRC32 in a header (DynamoDB), or a
//! connection failure. botocore builds the handler with the endpoint prefix
//! where it takes an operation name, so operation sections are never used;
//! neither are they here.
//!
//! One deliberate difference: botocore's legacy delays are not capped (a
//! `max_attempts` of 30 would sleep for years); here they are capped at 20
//! seconds, the cap of standard mode. `_retry.json`'s own schedules never
//! reach it (at most 8 s by default, 12.8 s for DynamoDB).

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Map, Value as Json};

use super::classify::FailureKind;
use super::policy::MAX_BACKOFF;

/// botocore's `_retry.json` (kept in sync with `models/_retry.json` by
/// `cargo xtask regen`).
pub const RETRY_JSON: &str = include_str!("../../data/_retry.json");

/// `_retry.json`'s default total attempts.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// A condition under which a failed attempt is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// This HTTP status with this error code (`ServiceErrorCodeChecker`).
    ErrorCode {
        /// HTTP status.
        status: u16,
        /// Error code.
        code: String,
    },
    /// This HTTP status (`HTTPStatusCodeChecker`).
    Status(u16),
    /// The body does not match the CRC32 in this header (`CRC32Checker`).
    Crc32 {
        /// The header (`x-amz-crc32`).
        header: String,
    },
    /// No response: a connection failure, broken exchange or timeout
    /// (`GENERAL_CONNECTION_ERROR`).
    ConnectionError,
}

impl Condition {
    /// Whether a failed attempt meets the condition.
    pub fn matches(&self, kind: &FailureKind) -> bool {
        match self {
            Condition::ErrorCode { status, code } => {
                kind.status() == Some(*status) && kind.code() == Some(code.as_str())
            }
            Condition::Status(status) => kind.status() == Some(*status),
            Condition::Crc32 { .. } => matches!(kind, FailureKind::Crc32Mismatch { .. }),
            Condition::ConnectionError => matches!(kind, FailureKind::Transport { .. }),
        }
    }
}

/// The `base` of the delay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DelayBase {
    /// `rand`: a random number in [0, 1), drawn for each delay.
    Random,
    /// A number of seconds.
    Seconds(f64),
}

/// Legacy mode's rules for one service.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyRules {
    /// Total attempts, the first included.
    pub max_attempts: u32,
    /// The delay's base.
    pub base: DelayBase,
    /// The delay's growth factor.
    pub growth_factor: f64,
    /// The policies, by name (sorted by name; their order does not matter:
    /// any one that matches makes the failure retryable).
    pub policies: Vec<(String, Condition)>,
}

impl LegacyRules {
    /// The rules of the service with this endpoint prefix, from the embedded
    /// `_retry.json` (a service without its own section gets the defaults).
    pub fn for_service(endpoint_prefix: &str) -> Result<LegacyRules, String> {
        static DOCUMENT: OnceLock<Result<Json, String>> = OnceLock::new();
        let document = DOCUMENT
            .get_or_init(|| serde_json::from_str(RETRY_JSON).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| format!("_retry.json: {e}"))?;
        LegacyRules::from_document(document, endpoint_prefix)
    }

    /// The rules of `endpoint_prefix` in a `_retry.json` document.
    pub fn from_document(document: &Json, endpoint_prefix: &str) -> Result<LegacyRules, String> {
        let fail = |why: String| format!("_retry.json ({endpoint_prefix}): {why}");
        let empty = Map::new();
        let definitions = document
            .get("definitions")
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let retry = document
            .get("retry")
            .and_then(Json::as_object)
            .ok_or_else(|| fail("no `retry` object".into()))?;
        let mut config = retry
            .get("__default__")
            .cloned()
            .unwrap_or_else(|| Json::Object(Map::new()));
        resolve_references(&mut config, definitions).map_err(fail)?;
        if let Some(service) = retry.get(endpoint_prefix) {
            let mut service = service.clone();
            resolve_references(&mut service, definitions).map_err(fail)?;
            if let Some(section) = service.get("__default__") {
                merge(&mut config, section);
            }
        }
        LegacyRules::from_section(&config).map_err(fail)
    }

    /// Reads a merged `__default__` section.
    fn from_section(section: &Json) -> Result<LegacyRules, String> {
        let max_attempts = section
            .get("max_attempts")
            .and_then(Json::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n >= 1)
            .ok_or("`max_attempts` must be a whole number of attempts, at least 1")?;
        let delay = section.get("delay").ok_or("no `delay`")?;
        if delay.get("type").and_then(Json::as_str) != Some("exponential") {
            return Err("only `exponential` delays are supported".into());
        }
        let base = match delay.get("base") {
            Some(Json::String(s)) if s == "rand" => DelayBase::Random,
            Some(b) => match b.as_f64() {
                Some(x) if x > 0.0 && x.is_finite() => DelayBase::Seconds(x),
                _ => {
                    return Err(format!(
                        "the delay's `base` must be `rand` or above 0, not {b}"
                    ))
                }
            },
            None => return Err("the delay has no `base`".into()),
        };
        let growth_factor = delay
            .get("growth_factor")
            .and_then(Json::as_f64)
            .filter(|g| g.is_finite() && *g >= 0.0)
            .ok_or("the delay's `growth_factor` must be a number, at least 0")?;
        let mut policies = Vec::new();
        if let Some(map) = section.get("policies").and_then(Json::as_object) {
            for (name, policy) in map {
                let condition = condition(policy).map_err(|e| format!("policy `{name}`: {e}"))?;
                policies.push((name.clone(), condition));
            }
        }
        policies.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(LegacyRules {
            max_attempts,
            base,
            growth_factor,
            policies,
        })
    }

    /// Whether a failed attempt meets one of the policies.
    pub fn matches(&self, kind: &FailureKind) -> bool {
        self.policies.iter().any(|(_, c)| c.matches(kind))
    }

    /// The header whose CRC32 responses are checked against, if a policy
    /// asks for it (DynamoDB's `x-amz-crc32`).
    pub fn crc32_header(&self) -> Option<&str> {
        self.policies.iter().find_map(|(_, c)| match c {
            Condition::Crc32 { header } => Some(header.as_str()),
            _ => None,
        })
    }

    /// The delay before attempt `attempt + 1` (1-based `attempt`), capped at
    /// 20 seconds.
    pub fn delay(&self, attempt: u32) -> Duration {
        let base = match self.base {
            DelayBase::Random => fastrand::f64(),
            DelayBase::Seconds(s) => s,
        };
        let exponent = attempt.saturating_sub(1).min(1024) as i32;
        let secs = base * self.growth_factor.powi(exponent);
        if secs.is_finite() {
            Duration::from_secs_f64(secs.clamp(0.0, MAX_BACKOFF.as_secs_f64()))
        } else {
            MAX_BACKOFF
        }
    }
}

/// One policy's condition (`_create_single_checker`).
fn condition(policy: &Json) -> Result<Condition, String> {
    let applies_when = policy.get("applies_when").ok_or("no `applies_when`")?;
    if let Some(response) = applies_when.get("response") {
        let status = || {
            response
                .get("http_status_code")
                .and_then(Json::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .ok_or("`http_status_code` must be an HTTP status")
        };
        if let Some(code) = response.get("service_error_code") {
            let code = code
                .as_str()
                .ok_or("`service_error_code` must be a string")?;
            return Ok(Condition::ErrorCode {
                status: status()?,
                code: code.to_owned(),
            });
        }
        if response.get("http_status_code").is_some() {
            return Ok(Condition::Status(status()?));
        }
        if let Some(header) = response.get("crc32body") {
            let header = header.as_str().ok_or("`crc32body` must be a header name")?;
            return Ok(Condition::Crc32 {
                header: header.to_ascii_lowercase(),
            });
        }
        return Err("unknown response condition".into());
    }
    if let Some(errors) = applies_when.get("socket_errors") {
        let errors = errors.as_array().ok_or("`socket_errors` must be a list")?;
        for e in errors {
            if e.as_str() != Some("GENERAL_CONNECTION_ERROR") {
                return Err(format!("unknown socket error {e}"));
            }
        }
        return Ok(Condition::ConnectionError);
    }
    Err("unknown condition".into())
}

/// Replaces `{"$ref": name}` objects with `definitions[name]`, at any
/// depth (botocore's `resolve_references`; what a reference brings in is
/// not resolved again, so references cannot loop).
fn resolve_references(value: &mut Json, definitions: &Map<String, Json>) -> Result<(), String> {
    let Json::Object(map) = value else {
        return Ok(());
    };
    for (_, child) in map.iter_mut() {
        let reference = match child {
            Json::Object(inner) if inner.len() == 1 => {
                inner.get("$ref").and_then(Json::as_str).map(str::to_owned)
            }
            _ => None,
        };
        match reference {
            Some(name) => {
                *child = definitions
                    .get(&name)
                    .cloned()
                    .ok_or_else(|| format!("unknown definition `{name}`"))?;
            }
            None => resolve_references(child, definitions)?,
        }
    }
    Ok(())
}

/// Merges `over` into `base`, recursing into objects both have (botocore's
/// `merge_dicts`): new keys are appended, existing ones keep their place.
fn merge(base: &mut Json, over: &Json) {
    let (Json::Object(base), Json::Object(over)) = (base, over) else {
        return;
    };
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(existing @ Json::Object(_)), Json::Object(_)) => merge(existing, value),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::retry::classify::service_failure as service;

    #[test]
    fn defaults_for_a_service_without_its_own_section() {
        let rules = LegacyRules::for_service("sns").unwrap();
        assert_eq!(rules.max_attempts, 5);
        assert_eq!(rules.base, DelayBase::Random);
        assert_eq!(rules.growth_factor, 2.0);
        let names: Vec<&str> = rules.policies.iter().map(|(n, _)| n.as_str()).collect();
        let mut want = [
            "general_socket_errors",
            "general_server_error",
            "bad_gateway",
            "service_unavailable",
            "gateway_timeout",
            "limit_exceeded",
            "throttling_exception",
            "throttled_exception",
            "request_throttled_exception",
            "throttling",
            "too_many_requests",
            "throughput_exceeded",
        ];
        want.sort_unstable();
        assert_eq!(names, want);
        assert!(rules.matches(&FailureKind::Transport { timeout: true }));
        assert!(rules.matches(&service(500, "InternalFailure")));
        assert!(rules.matches(&service(509, "Whatever")));
        assert!(rules.matches(&service(429, "Anything")));
        assert!(rules.matches(&service(400, "ThrottlingException")));
        // The code alone is not enough: the status must match too.
        assert!(!rules.matches(&service(403, "ThrottlingException")));
        assert!(!rules.matches(&service(400, "RequestTimeout")));
        assert!(!rules.matches(&service(400, "ValidationError")));
        assert!(!rules.matches(&FailureKind::Crc32Mismatch { status: 200 }));
        assert!(!rules.matches(&FailureKind::Permanent));
        assert_eq!(rules.crc32_header(), None);
    }

    #[test]
    fn service_sections_merge_over_the_defaults() {
        let ddb = LegacyRules::for_service("dynamodb").unwrap();
        assert_eq!(ddb.max_attempts, 10);
        assert_eq!(ddb.base, DelayBase::Seconds(0.05));
        assert_eq!(ddb.policies.len(), 15);
        assert_eq!(ddb.crc32_header(), Some("x-amz-crc32"));
        assert!(ddb.matches(&FailureKind::Crc32Mismatch { status: 200 }));
        assert!(ddb.matches(&service(409, "ReplicatedWriteConflictException")));
        assert!(ddb.matches(&service(400, "TransactionInProgressException")));
        // 25 ms-based in botocore's words: 0.05 × 2^(n-1) with n from 1.
        let secs = |n| ddb.delay(n).as_secs_f64();
        assert!((secs(1) - 0.05).abs() < 1e-9 && (secs(2) - 0.1).abs() < 1e-9);
        assert!((secs(9) - 12.8).abs() < 1e-9);
        assert_eq!(ddb.delay(10), MAX_BACKOFF);
        assert_eq!(ddb.delay(u32::MAX), MAX_BACKOFF);

        let sts = LegacyRules::for_service("sts").unwrap();
        assert!(sts.matches(&service(400, "IDPCommunicationError")));
        let ec2 = LegacyRules::for_service("ec2").unwrap();
        assert!(ec2.matches(&service(503, "RequestLimitExceeded")));
        let sqs = LegacyRules::for_service("sqs").unwrap();
        assert!(sqs.matches(&service(403, "RequestThrottled")));
        let s3 = LegacyRules::for_service("s3").unwrap();
        assert!(s3.matches(&service(400, "RequestTimeout")));
        assert!(s3.matches(&service(400, "BadDigest")));
        assert!(!sqs.matches(&service(400, "BadDigest")));
        // Organizations redefines `too_many_requests` (merged into it, not
        // added beside it): a 400 with its code instead of any 429.
        let org = LegacyRules::for_service("organizations").unwrap();
        assert_eq!(org.policies.len(), 12);
        assert!(org.matches(&service(400, "TooManyRequestsException")));
        assert!(!org.matches(&service(429, "Other")));
    }

    #[test]
    fn random_delays_grow_within_their_bounds() {
        let rules = LegacyRules::for_service("sns").unwrap();
        for attempt in 1..40u32 {
            let d = rules.delay(attempt).as_secs_f64();
            let bound = 2f64.powi(attempt as i32 - 1).min(20.0);
            assert!((0.0..=bound).contains(&d), "{attempt}: {d}");
        }
    }

    #[test]
    fn malformed_documents_are_errors() {
        let doc = |default: Json| {
            serde_json::json!({"definitions": {"d": {"applies_when": {"response": {"http_status_code": 500}}}},
                               "retry": {"__default__": default}})
        };
        let good = serde_json::json!({"max_attempts": 3,
            "delay": {"type": "exponential", "base": 1, "growth_factor": 3},
            "policies": {"p": {"$ref": "d"}}});
        let rules = LegacyRules::from_document(&doc(good.clone()), "x").unwrap();
        assert_eq!(rules.policies, [("p".to_owned(), Condition::Status(500))]);
        assert_eq!(rules.delay(3), Duration::from_secs(9));
        for (path, bad) in [
            ("/max_attempts", serde_json::json!(0)),
            ("/delay/type", serde_json::json!("linear")),
            ("/delay/base", serde_json::json!(-1)),
            ("/delay/base", serde_json::json!("often")),
            ("/delay/growth_factor", serde_json::json!("x")),
            ("/policies/p", serde_json::json!({"$ref": "missing"})),
            (
                "/policies/p",
                serde_json::json!({"applies_when": {"response": {"crc32body": 1}}}),
            ),
            (
                "/policies/p",
                serde_json::json!({"applies_when": {"response": {"service_error_code": "X"}}}),
            ),
            (
                "/policies/p",
                serde_json::json!({"applies_when": {"socket_errors": ["DNS"]}}),
            ),
            (
                "/policies/p",
                serde_json::json!({"applies_when": {"weather": "rain"}}),
            ),
        ] {
            let mut section = good.clone();
            *section.pointer_mut(path).unwrap() = bad.clone();
            let err = LegacyRules::from_document(&doc(section), "x").unwrap_err();
            assert!(err.starts_with("_retry.json (x)"), "{path} {bad}: {err}");
        }
        assert!(LegacyRules::from_document(&serde_json::json!({}), "x").is_err());
    }
}
