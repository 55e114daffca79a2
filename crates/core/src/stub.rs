//! A test stubber on the event hooks, like botocore's `Stubber`: queue the
//! calls a test expects, with expected parameters and canned responses or
//! errors; nothing reaches the network while it is active.
//!
//! ```no_run
//! # async fn demo(client: &myaws_core::client::ClientHandle) {
//! use myaws_core::stub::Stubber;
//! use serde_json::json;
//!
//! let stubber = Stubber::new(client);
//! stubber.add_response("ListQueues", json!({"QueueUrls": ["https://q/1"]}), Some(json!({})));
//! stubber.activate();
//! let out = client.call_json("ListQueues", json!({})).await.unwrap();
//! assert_eq!(out["QueueUrls"][0], "https://q/1");
//! stubber.assert_no_pending_responses();
//! # }
//! ```
//!
//! An unexpected call (wrong operation, wrong parameters, or nothing queued)
//! fails that call with a `StubError` service error and is recorded, so
//! [`Stubber::assert_no_pending_responses`] / [`Stubber::problems`] report it
//! even if the code under test swallowed the error.
//!
//! A stubbed response is JSON, which cannot carry an event stream: stubbing
//! an operation that answers with one fails the call with a construction
//! error. Answer such calls at the transport instead (a `before-send` hook
//! returning event frames, or a plugged-in [`HttpTransport`](crate::http::HttpTransport)).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;

use crate::client::ClientHandle;
use crate::error::ErrorMetadata;
use crate::events::{Events, HandlerId, HookOutcome};

/// The error code of calls the stubber rejects.
pub const STUB_ERROR_CODE: &str = "StubError";

#[derive(Debug, Clone)]
struct Expected {
    operation: String,
    params: Option<Json>,
    outcome: HookOutcome,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<Expected>,
    problems: Vec<String>,
}

/// Queues expected calls and canned answers for one client.
#[derive(Debug)]
pub struct Stubber {
    events: Events,
    service: String,
    state: Arc<Mutex<State>>,
    handler: Mutex<Option<HandlerId>>,
}

impl Stubber {
    /// A stubber for `client` (inactive until [`Stubber::activate`]).
    pub fn new(client: &ClientHandle) -> Stubber {
        Stubber {
            events: client.events().clone(),
            service: client.event_name().to_string(),
            state: Arc::default(),
            handler: Mutex::new(None),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Expects a call of `operation` (API name) and answers it with
    /// `response` (the output as JSON). With `expected_params`, the call's
    /// parameters must equal them exactly.
    pub fn add_response(&self, operation: &str, response: Json, expected_params: Option<Json>) {
        self.lock().queue.push_back(Expected {
            operation: operation.to_string(),
            params: expected_params,
            outcome: HookOutcome::Return(response),
        });
    }

    /// Expects a call of `operation` and fails it with a service error.
    /// `members` are the modeled exception's members when `code` names one.
    pub fn add_client_error(
        &self,
        operation: &str,
        code: &str,
        message: &str,
        status: u16,
        members: Json,
        expected_params: Option<Json>,
    ) {
        self.lock().queue.push_back(Expected {
            operation: operation.to_string(),
            params: expected_params,
            outcome: HookOutcome::Fail {
                meta: ErrorMetadata {
                    code: code.to_string(),
                    message: Some(message.to_string()),
                    request_id: Some("stubbed-request".to_string()),
                    status,
                },
                members,
            },
        });
    }

    /// Starts answering calls from the queue.
    pub fn activate(&self) {
        let mut handler = self.handler.lock().unwrap_or_else(|e| e.into_inner());
        if handler.is_some() {
            return;
        }
        let state = self.state.clone();
        let id =
            self.events
                .register_first(&format!("before-call.{}", self.service), move |event| {
                    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                    let params = event.params.as_deref().cloned().unwrap_or(Json::Null);
                    let problem = match state.queue.front() {
                        None => Some(format!(
                            "unexpected call to {}: no stubbed response left",
                            event.operation
                        )),
                        Some(e) if e.operation != event.operation => Some(format!(
                            "unexpected call to {}: the next stubbed response is for {}",
                            event.operation, e.operation
                        )),
                        Some(e) => match &e.params {
                            Some(want) if *want != params => Some(format!(
                                "{} called with parameters {params} but the stub expects {want}",
                                event.operation
                            )),
                            _ => None,
                        },
                    };
                    if let Some(p) = problem {
                        state.problems.push(p.clone());
                        return Some(HookOutcome::Fail {
                            meta: ErrorMetadata {
                                code: STUB_ERROR_CODE.to_string(),
                                message: Some(p),
                                request_id: None,
                                status: 400,
                            },
                            members: Json::Null,
                        });
                    }
                    state.queue.pop_front().map(|e| e.outcome)
                });
        *handler = Some(id);
    }

    /// Stops answering calls (they go to the network again).
    pub fn deactivate(&self) {
        if let Some(id) = self
            .handler
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            self.events.unregister(id);
        }
    }

    /// Queued responses not consumed yet.
    pub fn pending(&self) -> usize {
        self.lock().queue.len()
    }

    /// Unexpected calls seen so far.
    pub fn problems(&self) -> Vec<String> {
        self.lock().problems.clone()
    }

    /// Panics (failing the test) if queued responses are left or unexpected
    /// calls were made.
    pub fn assert_no_pending_responses(&self) {
        let state = self.lock();
        assert!(
            state.problems.is_empty(),
            "stubber saw unexpected calls: {}",
            state.problems.join("; ")
        );
        assert!(
            state.queue.is_empty(),
            "{} stubbed response(s) not used: {}",
            state.queue.len(),
            state
                .queue
                .iter()
                .map(|e| e.operation.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

impl Drop for Stubber {
    fn drop(&mut self) {
        self.deactivate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::service::Service;
    use crate::session::{ClientConfig, Session};
    use serde_json::json;

    fn client() -> ClientHandle {
        client_for("sqs")
    }

    fn client_for(service: &str) -> ClientHandle {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../models")
            .join(service);
        let session = Session::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None, None))
            // Nothing listens here: a call that escaped the stubber would fail.
            .endpoint_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        ClientHandle::from_service(
            &session,
            Service::from_dir(&dir).unwrap(),
            ClientConfig::default(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn answers_queued_calls_in_order() {
        let c = client();
        let stubber = Stubber::new(&c);
        stubber.add_response("ListQueues", json!({"QueueUrls": ["u1"]}), Some(json!({})));
        stubber.add_client_error(
            "GetQueueUrl",
            "QueueDoesNotExist",
            "nope",
            400,
            json!({"message": "nope"}),
            Some(json!({"QueueName": "q"})),
        );
        stubber.activate();
        let out = c.call_json("ListQueues", json!({})).await.unwrap();
        assert_eq!(out, json!({"QueueUrls": ["u1"]}));
        let err = c
            .call_json("get_queue_url", json!({"QueueName": "q"}))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("QueueDoesNotExist"));
        assert_eq!(err.status(), Some(400));
        let kind = err.service_kind().unwrap();
        assert_eq!(kind.exception.as_deref(), Some("QueueDoesNotExist"));
        assert_eq!(kind.members, json!({"message": "nope"}));
        stubber.assert_no_pending_responses();
    }

    #[tokio::test]
    async fn unexpected_calls_and_params_are_reported() {
        let c = client();
        let stubber = Stubber::new(&c);
        stubber.add_response(
            "ListQueues",
            json!({}),
            Some(json!({"QueueNamePrefix": "a"})),
        );
        stubber.activate();
        let err = c
            .call_json("ListQueues", json!({"QueueNamePrefix": "b"}))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(STUB_ERROR_CODE));
        let err = c
            .call_json("DeleteQueue", json!({"QueueUrl": "u"}))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(STUB_ERROR_CODE));
        assert_eq!(stubber.problems().len(), 2);
        assert_eq!(stubber.pending(), 1);
        let leftover = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            stubber.assert_no_pending_responses()
        }));
        assert!(leftover.is_err());
    }

    #[tokio::test]
    async fn a_stubbed_event_stream_output_is_an_error_not_a_missing_stream() {
        let c = client_for("kinesis");
        let stubber = Stubber::new(&c);
        stubber.add_response("SubscribeToShard", json!({}), None);
        stubber.activate();
        let params = json!({
            "ConsumerARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1",
            "ShardId": "shardId-000000000000",
            "StartingPosition": {"Type": "LATEST"},
        });
        let Err(err) = c.call_stream("SubscribeToShard", params).await else {
            panic!("a stubbed event stream must not be Ok without its events");
        };
        assert!(err.to_string().contains("event stream"), "{err}");
    }

    #[tokio::test]
    async fn deactivated_stubber_lets_calls_through() {
        let c = client();
        let stubber = Stubber::new(&c);
        stubber.add_response("ListQueues", json!({}), None);
        stubber.activate();
        stubber.deactivate();
        // Now the call goes to the (closed) endpoint and fails to connect.
        let err = c.call_json("ListQueues", json!({})).await.unwrap_err();
        assert!(
            matches!(err, crate::error::SdkError::Dispatch(_)),
            "{err:?}"
        );
        assert_eq!(stubber.pending(), 1);
    }
}
