//! Acceptors: a matcher on a response and the state it leads to, matched as
//! botocore's `AcceptorConfig` does.
//!
//! A response is botocore's dictionary as JSON: the output members plus
//! `ResponseMetadata.HTTPStatusCode`, or for a service error
//! `Error.Code`/`Error.Message` (with the modeled exception's members and
//! `ResponseMetadata`).

use myaws_core::jmes::{self, Expr};
use serde_json::Value as Json;

/// Where a matched acceptor leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The wait is over: the resource reached the wanted state.
    Success,
    /// The wait failed: the resource can never reach the wanted state.
    Failure,
    /// Keep waiting.
    Retry,
}

impl State {
    /// Reads `success`, `failure` or `retry`.
    pub fn parse(text: &str) -> Option<State> {
        match text {
            "success" => Some(State::Success),
            "failure" => Some(State::Failure),
            "retry" => Some(State::Retry),
            _ => None,
        }
    }
}

/// What an acceptor looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// The expression's result equals `expected`.
    Path {
        /// JMESPath on the output.
        argument: Expr,
        /// The value wanted.
        expected: Json,
    },
    /// The expression gives a non-empty list whose elements all equal `expected`.
    PathAll {
        /// JMESPath on the output.
        argument: Expr,
        /// The value wanted.
        expected: Json,
    },
    /// The expression gives a non-empty list with an element equal to `expected`.
    PathAny {
        /// JMESPath on the output.
        argument: Expr,
        /// The value wanted.
        expected: Json,
    },
    /// The HTTP status code equals `expected`.
    Status(Json),
    /// The service error code: `true` for any error, `false` for no error,
    /// a string for that code.
    Error(Json),
}

/// One acceptor of a waiter.
#[derive(Debug, Clone, PartialEq)]
pub struct Acceptor {
    /// The state a match leads to.
    pub state: State,
    /// What is matched.
    pub matcher: Matcher,
}

/// Whether a response is a service error (`Error` with a `Code`).
pub fn is_error(response: &Json) -> bool {
    response
        .get("Error")
        .is_some_and(|e| e.is_object() && e.get("Code").is_some())
}

impl Acceptor {
    /// Whether this acceptor matches `response`.
    pub fn matches(&self, response: &Json) -> bool {
        match &self.matcher {
            Matcher::Path { argument, expected } => {
                !is_error(response) && jmes::py_eq(&argument.search(response), expected)
            }
            Matcher::PathAll { argument, expected } => {
                !is_error(response)
                    && match argument.search(response) {
                        Json::Array(items) => {
                            !items.is_empty() && items.iter().all(|i| jmes::py_eq(i, expected))
                        }
                        _ => false,
                    }
            }
            Matcher::PathAny { argument, expected } => {
                !is_error(response)
                    && match argument.search(response) {
                        Json::Array(items) => items.iter().any(|i| jmes::py_eq(i, expected)),
                        _ => false,
                    }
            }
            Matcher::Status(expected) => response
                .pointer("/ResponseMetadata/HTTPStatusCode")
                .is_some_and(|s| jmes::py_eq(s, expected)),
            Matcher::Error(Json::Bool(true)) => is_error(response),
            Matcher::Error(Json::Bool(false)) => response.get("Error").is_none(),
            Matcher::Error(expected) => response.pointer("/Error/Code") == Some(expected),
        }
    }

    /// Why this acceptor matched, in botocore's words.
    pub fn explanation(&self) -> String {
        let text = |v: &Json| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        match &self.matcher {
            Matcher::Path { argument, expected } => format!(
                "For expression \"{}\" we matched expected path: \"{}\"",
                argument.as_str(),
                text(expected)
            ),
            Matcher::PathAll { argument, expected } => format!(
                "For expression \"{}\" all members matched expected path: \"{}\"",
                argument.as_str(),
                text(expected)
            ),
            Matcher::PathAny { argument, expected } => format!(
                "For expression \"{}\" we matched expected path: \"{}\" at least once",
                argument.as_str(),
                text(expected)
            ),
            Matcher::Status(expected) => {
                format!("Matched expected HTTP status code: {}", text(expected))
            }
            Matcher::Error(expected) => {
                format!("Matched expected service error code: {}", text(expected))
            }
        }
    }
}
