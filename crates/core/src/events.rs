//! botocore-style event hooks.
//!
//! Handlers are registered on a client for event names such as
//! `before-call.s3.PutObject`. A registration name matches an event when each
//! of its dot-separated parts equals the event's part or is `*`, and it may
//! stop early: `before-call.s3` matches every S3 operation and
//! `before-call.*.PutObject` every service's `PutObject`, as botocore's
//! hierarchical emitter does. More specific registrations (more name parts,
//! then fewer wildcards) run first; among equally specific ones, registration order (with [`Events::register_first`]
//! and [`Events::register_last`] to move a handler to the front or back).
//!
//! The events of a call, in order:
//!
//! | event | a handler may |
//! |---|---|
//! | `provide-client-params` | change the JSON params |
//! | `before-parameter-build` | change the JSON params |
//! | `before-call` | read the params; short-circuit with [`HookOutcome::Return`] or [`HookOutcome::Fail`] |
//! | `request-created` | change the HTTP request (headers, body) |
//! | `before-sign` | change the HTTP request |
//! | `before-send` | read the signed request; short-circuit with [`HookOutcome::Respond`] |
//! | `needs-retry` | decide: [`HookOutcome::Retry`] or [`HookOutcome::NoRetry`] |
//! | `after-call` | change the parsed output (JSON) |
//! | `after-call-error` | observe the error |
//!
//! # Thread safety
//!
//! As with boto3, a client (and so its event registry) is safe to share
//! between tasks and threads. Handlers run on whichever task makes the call,
//! possibly concurrently, so they must be `Send + Sync` and should not block.

use std::cmp::Reverse;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use serde_json::Value as Json;

use crate::error::ErrorMetadata;

/// The kinds of events a call emits.
pub const EVENT_KINDS: &[&str] = &[
    "provide-client-params",
    "before-parameter-build",
    "before-call",
    "request-created",
    "before-sign",
    "before-send",
    "needs-retry",
    "after-call",
    "after-call-error",
];

/// A canned HTTP response (from a `before-send` handler).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

/// What a handler asks for; `None` from a handler means "carry on".
#[derive(Debug, Clone, PartialEq)]
pub enum HookOutcome {
    /// `before-call`: skip sending and return this output (JSON, as the
    /// dynamic path returns it).
    Return(Json),
    /// `before-call`: skip sending and fail with this service error; `members`
    /// are the modeled exception's members (JSON) when `meta.code` names one.
    Fail {
        /// Code, message, request id and status.
        meta: ErrorMetadata,
        /// Exception members.
        members: Json,
    },
    /// `before-send`: use this response instead of sending.
    Respond(HttpResponse),
    /// `needs-retry`: retry after this delay.
    Retry(Duration),
    /// `needs-retry`: do not retry.
    NoRetry,
}

/// What a handler sees. Fields that do not apply to an event are `None`.
#[derive(Debug)]
pub struct Event<'a> {
    /// The full event name (`before-call.sqs.SendMessage`).
    pub name: &'a str,
    /// The operation (`SendMessage`).
    pub operation: &'a str,
    /// Parameters as JSON (`provide-client-params`, `before-parameter-build`,
    /// `before-call`).
    pub params: Option<&'a mut Json>,
    /// The HTTP request (`request-created`, `before-sign`, `before-send`).
    pub request: Option<&'a mut http::Request<Bytes>>,
    /// Status and headers of the response (`needs-retry`, `after-call`,
    /// `after-call-error`).
    pub response: Option<(u16, &'a HeaderMap)>,
    /// The parsed output as JSON (`after-call`).
    pub parsed: Option<&'a mut Json>,
    /// The service error (`needs-retry`, `after-call-error`).
    pub error: Option<&'a ErrorMetadata>,
    /// Attempt number, from 1.
    pub attempt: u32,
}

/// A handler: any `Fn(&mut Event) -> Option<HookOutcome>` that is `Send + Sync`.
pub type Handler = Arc<dyn Fn(&mut Event<'_>) -> Option<HookOutcome> + Send + Sync>;

/// Sort key of a matching registration: tier, length, exact parts, id.
type RunOrder = (u8, Reverse<usize>, Reverse<usize>, u64);

/// Identifies a registration, for [`Events::unregister`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HandlerId(u64);

#[derive(Clone)]
struct Registration {
    id: HandlerId,
    parts: Vec<String>,
    /// Sort key: lower runs first (front / normal / back), then specificity.
    tier: u8,
    handler: Handler,
}

/// The event registry of a client (shared by its clones).
#[derive(Clone, Default)]
pub struct Events {
    inner: Arc<RwLock<Vec<Registration>>>,
    next: Arc<AtomicU64>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.read().iter().map(|r| r.parts.join(".")).collect();
        f.debug_struct("Events")
            .field("registered", &names)
            .finish()
    }
}

impl Events {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Registration>> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn add(&self, name: &str, tier: u8, handler: Handler) -> HandlerId {
        let id = HandlerId(self.next.fetch_add(1, Ordering::Relaxed));
        let parts = name.split('.').map(str::to_string).collect();
        let mut regs = self.inner.write().unwrap_or_else(|e| e.into_inner());
        regs.push(Registration {
            id,
            parts,
            tier,
            handler,
        });
        id
    }

    /// Registers `handler` for `name` (e.g. `before-call.s3`).
    pub fn register<F>(&self, name: &str, handler: F) -> HandlerId
    where
        F: Fn(&mut Event<'_>) -> Option<HookOutcome> + Send + Sync + 'static,
    {
        self.add(name, 1, Arc::new(handler))
    }

    /// Registers `handler` to run before the other handlers of a matching event.
    pub fn register_first<F>(&self, name: &str, handler: F) -> HandlerId
    where
        F: Fn(&mut Event<'_>) -> Option<HookOutcome> + Send + Sync + 'static,
    {
        self.add(name, 0, Arc::new(handler))
    }

    /// Registers `handler` to run after the other handlers of a matching event.
    pub fn register_last<F>(&self, name: &str, handler: F) -> HandlerId
    where
        F: Fn(&mut Event<'_>) -> Option<HookOutcome> + Send + Sync + 'static,
    {
        self.add(name, 2, Arc::new(handler))
    }

    /// Removes a registration; true if it was registered.
    pub fn unregister(&self, id: HandlerId) -> bool {
        let mut regs = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let before = regs.len();
        regs.retain(|r| r.id != id);
        regs.len() != before
    }

    /// True when nothing is registered (the pipeline then skips all event work).
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// True when some handler would run for the event `name`.
    pub fn has_handlers(&self, name: &str) -> bool {
        let parts: Vec<&str> = name.split('.').collect();
        self.read().iter().any(|r| matches(&r.parts, &parts))
    }

    /// The handlers for the event `name`, in the order they run.
    pub fn handlers_for(&self, name: &str) -> Vec<Handler> {
        let parts: Vec<&str> = name.split('.').collect();
        // Longer registrations are more specific; at equal length, fewer
        // wildcards; then registration order.
        let mut found: Vec<(RunOrder, Handler)> = self
            .read()
            .iter()
            .filter(|r| matches(&r.parts, &parts))
            .map(|r| {
                let exact = r.parts.iter().filter(|p| p.as_str() != "*").count();
                let order = (r.tier, Reverse(r.parts.len()), Reverse(exact), r.id.0);
                (order, r.handler.clone())
            })
            .collect();
        found.sort_by_key(|f| f.0);
        found.into_iter().map(|f| f.1).collect()
    }

    /// Emits `event` to its handlers in order; returns the first outcome a
    /// handler gives (later handlers do not run then, as in botocore's
    /// `emit_until_response`).
    pub fn emit(&self, event: &mut Event<'_>) -> Option<HookOutcome> {
        for handler in self.handlers_for(event.name) {
            if let Some(outcome) = handler(event) {
                return Some(outcome);
            }
        }
        None
    }
}

fn matches(pattern: &[String], event: &[&str]) -> bool {
    pattern.len() <= event.len() && pattern.iter().zip(event).all(|(p, e)| p == "*" || p == e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn event<'a>(name: &'a str) -> Event<'a> {
        Event {
            name,
            operation: "PutObject",
            params: None,
            request: None,
            response: None,
            parsed: None,
            error: None,
            attempt: 1,
        }
    }

    #[test]
    fn matches_prefixes_and_wildcards_like_botocore() {
        let events = Events::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for name in [
            "before-call",
            "before-call.s3",
            "before-call.*.PutObject",
            "before-call.s3.GetObject",
            "before-call.sqs",
            "after-call.s3",
        ] {
            let seen = seen.clone();
            let label = name.to_string();
            events.register(name, move |_| {
                seen.lock().unwrap().push(label.clone());
                None
            });
        }
        events.emit(&mut event("before-call.s3.PutObject"));
        assert_eq!(
            *seen.lock().unwrap(),
            ["before-call.*.PutObject", "before-call.s3", "before-call"]
        );
    }

    #[test]
    fn first_outcome_wins_and_ordering_can_be_forced() {
        let events = Events::default();
        events.register("needs-retry", |_| Some(HookOutcome::NoRetry));
        events.register_first("needs-retry.sqs", |_| {
            Some(HookOutcome::Retry(Duration::from_millis(5)))
        });
        let out = events.emit(&mut event("needs-retry.sqs.SendMessage"));
        assert_eq!(out, Some(HookOutcome::Retry(Duration::from_millis(5))));
        let last = events.register_last("after-call", |_| Some(HookOutcome::NoRetry));
        assert!(events.has_handlers("after-call.s3.X"));
        assert!(events.unregister(last));
        assert!(!events.unregister(last));
        assert!(!events.has_handlers("after-call.s3.X"));
    }

    #[test]
    fn handlers_can_change_params() {
        let events = Events::default();
        events.register("provide-client-params.sqs.SendMessage", |e| {
            if let Some(p) = e.params.as_deref_mut() {
                p["MessageBody"] = Json::String("changed".into());
            }
            None
        });
        let mut params = serde_json::json!({"MessageBody": "original"});
        let mut ev = event("provide-client-params.sqs.SendMessage");
        ev.params = Some(&mut params);
        events.emit(&mut ev);
        assert_eq!(params["MessageBody"], "changed");
    }
}
