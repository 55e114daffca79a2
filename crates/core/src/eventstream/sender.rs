//! Sending events: [`EventStreamInput`] is what a caller puts in an input's
//! event-stream member (any [`Stream`] of typed events); the pipeline turns
//! it into the request body with [`encode_body`]: each event written as a
//! message, wrapped in a signed frame chained on the one before, and the
//! signed empty frame that ends the stream.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use super::frame::Message;
use super::marshal::event_message;
use super::receiver::InputFailure;
use super::EventStreamValue;
use crate::body::BoxStream;
use crate::model::{ServiceModel, ShapeId};
use crate::signing::event_stream::EventSigner;
use crate::value::{IntoValue, Value};

/// Untyped input events: union values with one member set each, or why
/// an event could not be made (the dynamic path's JSON conversion).
pub(crate) type InputEvents = Pin<Box<dyn Stream<Item = Result<Value, String>> + Send + 'static>>;

/// The events an operation's input sends: any stream of the generated
/// event enum, sent as it yields them (the request stays open until the
/// stream ends).
pub struct EventStreamInput<T> {
    events: Pin<Box<dyn Stream<Item = T> + Send + 'static>>,
}

impl<T: Send + 'static> EventStreamInput<T> {
    /// The events `events` yields.
    pub fn new(events: impl Stream<Item = T> + Send + 'static) -> Self {
        EventStreamInput {
            events: Box::pin(events),
        }
    }

    /// A fixed list of events.
    pub fn from_events(events: Vec<T>) -> Self {
        Self::new(futures_util::stream::iter(events))
    }
}

impl<T> fmt::Debug for EventStreamInput<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventStreamInput")
    }
}

/// No events: the stream ends at once.
impl<T: Send + 'static> Default for EventStreamInput<T> {
    fn default() -> Self {
        Self::new(futures_util::stream::empty())
    }
}

impl<T: IntoValue + Send + 'static> IntoValue for EventStreamInput<T> {
    fn into_value(self) -> Value {
        let events: InputEvents = Box::pin(self.events.map(|e| Ok(e.into_value())));
        Value::EventStream(EventStreamValue::input(events))
    }
}

/// What [`encode_body`] needs besides the events.
pub(crate) struct EncodeContext {
    /// The model the events are written with.
    pub(crate) model: Arc<ServiceModel>,
    /// The union of the stream's events.
    pub(crate) union: ShapeId,
    /// A message sent before the first event (the RPC protocols'
    /// `initial-request`).
    pub(crate) initial: Option<Message>,
    /// Signs each frame; `None` for unsigned requests (no credentials, or
    /// a bearer token).
    pub(crate) signer: Option<EventSigner>,
    /// Where a failure is recorded for the receiving side.
    pub(crate) failure: InputFailure,
}

struct State {
    events: InputEvents,
    ctx: EncodeContext,
    done: bool,
}

/// The request body for `events`: their frames as they come, then the
/// closing frame. A failure (an event that cannot be written or signed)
/// is recorded in the context's failure slot and ends the body with an
/// error, which aborts the request.
pub(crate) fn encode_body(events: InputEvents, ctx: EncodeContext) -> BoxStream {
    let state = State {
        events,
        ctx,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(
        state,
        |mut state| async move {
            if state.done {
                return None;
            }
            if let Some(initial) = state.ctx.initial.take() {
                let out = state.frame(initial);
                return Some((out, state));
            }
            let out = match state.events.next().await {
                Some(value) => {
                    match value.and_then(|v| event_message(&state.ctx.model, state.ctx.union, &v)) {
                        Ok(message) => state.frame(message),
                        Err(e) => state.fail(e),
                    }
                }
                None => {
                    state.done = true;
                    let signer = state.ctx.signer.as_mut()?;
                    match signer
                        .sign(Bytes::new())
                        .and_then(|m| m.encode().map_err(|e| e.to_string()))
                    {
                        Ok(frame) => Ok(frame),
                        Err(e) => state.fail(e),
                    }
                }
            };
            Some((out, state))
        },
    ))
}

impl State {
    /// `message` encoded, and wrapped in a signed frame when signing.
    fn frame(&mut self, message: Message) -> std::io::Result<Bytes> {
        let encoded = match message.encode() {
            Ok(b) => b,
            Err(e) => return self.fail(e.to_string()),
        };
        let Some(signer) = self.ctx.signer.as_mut() else {
            return Ok(encoded);
        };
        match signer
            .sign(encoded)
            .and_then(|m| m.encode().map_err(|e| e.to_string()))
        {
            Ok(frame) => Ok(frame),
            Err(e) => self.fail(format!("signing an event: {e}")),
        }
    }

    fn fail(&mut self, why: String) -> std::io::Result<Bytes> {
        self.done = true;
        *self.ctx.failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(why.clone());
        Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, why))
    }
}
