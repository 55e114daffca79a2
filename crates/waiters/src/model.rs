//! `waiters-2.json`: the waiters of a service and their acceptors.

use std::collections::BTreeMap;
use std::time::Duration;

use myaws_core::jmes::Expr;
use myaws_core::names::xform_name;
use serde_json::Value as Json;

use crate::acceptor::{Acceptor, Matcher, State};

/// The only waiter document version botocore supports.
pub const SUPPORTED_VERSION: u64 = 2;

/// One waiter: the operation it polls, how often, and its acceptors.
#[derive(Debug, Clone, PartialEq)]
pub struct WaiterSpec {
    /// The waiter's name in the model (`TableExists`).
    pub name: String,
    /// The operation polled (API name, `DescribeTable`).
    pub operation: String,
    /// Time between attempts.
    pub delay: Duration,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// Acceptors, in the order they are tried.
    pub acceptors: Vec<Acceptor>,
    /// The model's description, if any.
    pub description: Option<String>,
}

/// The raw waiter definitions of a service, by model name.
#[derive(Debug, Clone, PartialEq)]
pub struct WaiterModel {
    waiters: BTreeMap<String, Json>,
}

impl WaiterModel {
    /// Reads a `waiters-2.json` document.
    pub fn parse(document: &str) -> Result<WaiterModel, String> {
        let json: Json = serde_json::from_str(document).map_err(|e| e.to_string())?;
        match json.get("version").and_then(Json::as_u64) {
            Some(SUPPORTED_VERSION) => {}
            other => {
                return Err(format!(
                    "Unsupported waiter version, supported version must be: {SUPPORTED_VERSION}, but version of waiter config is: {}",
                    other.map_or_else(|| "unknown".to_string(), |v| v.to_string())
                ))
            }
        }
        let waiters = match json.get("waiters") {
            Some(Json::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => return Err("no `waiters` object".into()),
        };
        Ok(WaiterModel { waiters })
    }

    /// A model without waiters.
    pub fn empty() -> WaiterModel {
        WaiterModel {
            waiters: BTreeMap::new(),
        }
    }

    /// The snake_case names of the waiters, sorted (`table_exists`).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.waiters.keys().map(|n| xform_name(n)).collect();
        names.sort();
        names
    }

    /// The model name of a waiter given its snake_case or model name.
    pub fn model_name(&self, name: &str) -> Option<&str> {
        self.waiters
            .keys()
            .find(|k| k.as_str() == name || xform_name(k) == name)
            .map(String::as_str)
    }

    /// The waiter with model name `name`, compiled.
    pub fn get(&self, name: &str) -> Option<Result<WaiterSpec, String>> {
        self.waiters
            .get(name)
            .map(|config| parse_waiter(name, config).map_err(|e| format!("waiter {name}: {e}")))
    }
}

fn parse_waiter(name: &str, config: &Json) -> Result<WaiterSpec, String> {
    let operation = config
        .get("operation")
        .and_then(Json::as_str)
        .ok_or("`operation` is required")?;
    let delay = config
        .get("delay")
        .and_then(Json::as_f64)
        .filter(|d| d.is_finite() && *d >= 0.0)
        .ok_or("`delay` must be a number of seconds")?;
    let max_attempts = config
        .get("maxAttempts")
        .and_then(Json::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or("`maxAttempts` must be a count")?;
    let acceptors = config
        .get("acceptors")
        .and_then(Json::as_array)
        .ok_or("`acceptors` must be a list")?
        .iter()
        .map(parse_acceptor)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WaiterSpec {
        name: name.to_string(),
        operation: operation.to_string(),
        delay: Duration::from_secs_f64(delay),
        max_attempts,
        acceptors,
        description: config
            .get("description")
            .and_then(Json::as_str)
            .map(str::to_string),
    })
}

/// Reads one acceptor; unknown matchers and states are errors.
pub fn parse_acceptor(config: &Json) -> Result<Acceptor, String> {
    let state_text = config.get("state").and_then(Json::as_str).unwrap_or("");
    let state = State::parse(state_text)
        .ok_or_else(|| format!("Unknown acceptor state: {state_text:?}"))?;
    let expected = config
        .get("expected")
        .cloned()
        .ok_or("an acceptor needs `expected`")?;
    let argument = || -> Result<Expr, String> {
        let text = config
            .get("argument")
            .and_then(Json::as_str)
            .ok_or("a path acceptor needs `argument`")?;
        Expr::compile(text).map_err(|e| e.to_string())
    };
    let matcher = match config.get("matcher").and_then(Json::as_str).unwrap_or("") {
        "path" => Matcher::Path {
            argument: argument()?,
            expected,
        },
        "pathAll" => Matcher::PathAll {
            argument: argument()?,
            expected,
        },
        "pathAny" => Matcher::PathAny {
            argument: argument()?,
            expected,
        },
        "status" => Matcher::Status(expected),
        "error" => Matcher::Error(expected),
        other => return Err(format!("Unknown acceptor: {other:?}")),
    };
    Ok(Acceptor { state, matcher })
}
