//! Emits a call's events (see [`crate::events`]) from the pipeline. With no
//! handler registered for an event, nothing is converted or allocated.

use bytes::Bytes;
use serde_json::Value as Json;

use crate::client::RawServiceError;
use crate::convert::{self, JsonOptions};
use crate::error::{ErrorMetadata, SdkError};
use crate::events::{Event, Events, HookOutcome, HttpResponse};
use crate::http::BufferedResponse;
use crate::model::{Operation, ServiceModel, ShapeId};
use crate::value::Value;

/// Event emission for one call.
pub(crate) struct Hooks<'a> {
    events: &'a Events,
    service: &'a str,
    operation: &'a str,
    active: bool,
}

const OPTS: JsonOptions = JsonOptions {
    blobs_base64: true,
    timestamps_epoch: false,
    check_enums: false,
};

impl<'a> Hooks<'a> {
    pub(crate) fn new(events: &'a Events, service: &'a str, operation: &'a str) -> Self {
        Hooks {
            events,
            service,
            operation,
            active: !events.is_empty(),
        }
    }

    fn name(&self, kind: &str) -> Option<String> {
        if !self.active {
            return None;
        }
        let name = format!("{kind}.{}.{}", self.service, self.operation);
        self.events.has_handlers(&name).then_some(name)
    }

    fn event<'e>(&'e self, name: &'e str, attempt: u32) -> Event<'e> {
        Event {
            name,
            operation: self.operation,
            params: None,
            request: None,
            response: None,
            parsed: None,
            error: None,
            attempt,
        }
    }

    /// `provide-client-params`, `before-parameter-build`, `before-call`: the
    /// params as JSON, changes written back.
    #[allow(clippy::result_large_err)]
    pub(crate) fn params(
        &self,
        kind: &str,
        model: &ServiceModel,
        shape: ShapeId,
        input: &mut Value,
    ) -> Result<Option<HookOutcome>, SdkError<RawServiceError>> {
        let Some(name) = self.name(kind) else {
            return Ok(None);
        };
        let mut json = convert::to_json(model, shape, input, OPTS);
        let before = json.clone();
        let mut event = self.event(&name, 1);
        event.params = Some(&mut json);
        let outcome = self.events.emit(&mut event);
        if json != before {
            let mut rebuilt = convert::from_json(model, shape, &json, OPTS).map_err(|e| {
                SdkError::Validation(crate::error::ValidationError {
                    operation: self.operation.to_string(),
                    problems: vec![format!("after {name} handlers: {e}")],
                })
            })?;
            keep_streams(input, &mut rebuilt);
            *input = rebuilt;
        }
        Ok(outcome)
    }

    /// `request-created`, `before-sign`: the request may be changed.
    pub(crate) fn request(&self, kind: &str, request: &mut http::Request<Bytes>, attempt: u32) {
        if let Some(name) = self.name(kind) {
            let mut event = self.event(&name, attempt);
            event.request = Some(request);
            self.events.emit(&mut event);
        }
    }

    /// `before-send`: a handler may answer instead of the network.
    pub(crate) fn before_send(
        &self,
        request: &mut http::Request<Bytes>,
        attempt: u32,
    ) -> Option<BufferedResponse> {
        let name = self.name("before-send")?;
        let mut event = self.event(&name, attempt);
        event.request = Some(request);
        match self.events.emit(&mut event)? {
            HookOutcome::Respond(HttpResponse {
                status,
                headers,
                body,
            }) => {
                let mut response = http::Response::new(());
                *response.status_mut() =
                    http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
                *response.headers_mut() = headers;
                let (head, ()) = response.into_parts();
                Some(BufferedResponse { head, body })
            }
            _ => None,
        }
    }

    /// `needs-retry`: a handler may decide.
    pub(crate) fn needs_retry(
        &self,
        err: &SdkError<RawServiceError>,
        attempt: u32,
    ) -> Option<HookOutcome> {
        let name = self.name("needs-retry")?;
        let mut event = self.event(&name, attempt);
        let meta: Option<&ErrorMetadata> = err.as_service_error().map(|s| s.meta());
        event.error = meta;
        self.events.emit(&mut event)
    }

    /// `after-call`: the parsed output as JSON, changes written back.
    #[allow(clippy::result_large_err)]
    pub(crate) fn after_call(
        &self,
        model: &ServiceModel,
        operation: &Operation,
        response: &BufferedResponse,
        output: &mut Value,
    ) -> Result<(), SdkError<RawServiceError>> {
        let Some(name) = self.name("after-call") else {
            return Ok(());
        };
        let Some(shape) = operation.output else {
            let mut event = self.event(&name, 1);
            event.response = Some((response.head.status.as_u16(), &response.head.headers));
            self.events.emit(&mut event);
            return Ok(());
        };
        let mut json: Json = convert::to_json(model, shape, output, OPTS);
        let before = json.clone();
        let mut event = self.event(&name, 1);
        event.response = Some((response.head.status.as_u16(), &response.head.headers));
        event.parsed = Some(&mut json);
        self.events.emit(&mut event);
        if json != before {
            *output = convert::from_json(model, shape, &json, OPTS).map_err(|e| {
                SdkError::Construction(format!(
                    "an after-call handler made the output invalid: {e}"
                ))
            })?;
        }
        Ok(())
    }

    /// `after-call-error`: observe the failure.
    pub(crate) fn after_call_error(&self, err: &SdkError<RawServiceError>) {
        if let Some(name) = self.name("after-call-error") {
            let mut event = self.event(&name, 1);
            event.error = err.as_service_error().map(|s| s.meta());
            self.events.emit(&mut event);
        }
    }
}

/// Streams (bodies, event streams) have no JSON form: carry the ones of
/// `old` over into params a handler rewrote, rather than drop them.
fn keep_streams(old: &Value, new: &mut Value) {
    if let (Value::Struct(old), Value::Struct(new)) = (old, new) {
        for (o, n) in old.iter().zip(new.iter_mut()) {
            if n.is_null() && matches!(o, Value::Stream(_) | Value::EventStream(_)) {
                *n = o.clone();
            }
        }
    }
}
