//! Receiving events: [`RawEventReceiver`] decodes messages from the
//! response body as it arrives and reads them with the model;
//! [`EventReceiver`] types them.
//!
//! A receiver owns the response body, and so the connection: dropping it
//! before the end drops the body, which closes an HTTP/1.1 connection (it
//! is never returned to the pool half-read) or resets the HTTP/2 stream.
//! After the end, or after an error (which drops the body at once), every
//! receive returns `Ok(None)`.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};

use futures_util::Stream;

use super::decoder::FrameDecoder;
use super::error::EventStreamError;
use super::frame::Message;
use super::unmarshal::{read_message, Decoded, ResponseMeta};
use super::EventUnion;
use crate::body::BoxStream;
use crate::client::RawServiceError;
use crate::error::OperationError;
use crate::model::{ServiceModel, ShapeId};
use crate::value::Value;

type RawError = EventStreamError<RawServiceError>;

/// Where the input side of a call records why it stopped sending, so the
/// receiver can say so instead of reporting the connection it broke.
pub(crate) type InputFailure = Arc<Mutex<Option<String>>>;

/// An untyped event: the stream's union value with one member set, or an
/// event type the model does not know.
#[derive(Debug, Clone, PartialEq)]
pub enum RawEvent {
    /// A modeled event: a [`Value::Struct`] of the union with one slot set.
    Event(Value),
    /// An event type the model does not know.
    Unknown(String),
}

/// The events of one response, read with the model but not typed.
pub struct RawEventReceiver {
    body: Option<BoxStream>,
    decoder: FrameDecoder,
    model: Arc<ServiceModel>,
    union: ShapeId,
    meta: ResponseMeta,
    /// A message read while looking for the `initial-response`.
    pending: Option<Message>,
    input_failure: Option<InputFailure>,
}

impl fmt::Debug for RawEventReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEventReceiver")
            .field("union", &self.model.shape(self.union).name)
            .field("open", &self.body.is_some())
            .field("buffered", &self.decoder.buffered())
            .finish_non_exhaustive()
    }
}

impl RawEventReceiver {
    /// A receiver of the events of union `union` in `body`.
    pub(crate) fn new(
        body: BoxStream,
        model: Arc<ServiceModel>,
        union: ShapeId,
        meta: ResponseMeta,
    ) -> RawEventReceiver {
        RawEventReceiver {
            body: Some(body),
            decoder: FrameDecoder::new(),
            model,
            union,
            meta,
            pending: None,
            input_failure: None,
        }
    }

    /// The model the events are read with.
    pub fn model(&self) -> &Arc<ServiceModel> {
        &self.model
    }

    /// The union shape of the events.
    pub fn union_shape(&self) -> ShapeId {
        self.union
    }

    /// Reports `failure` (set by the input side) instead of the connection
    /// error it causes.
    pub(crate) fn set_input_failure(&mut self, failure: InputFailure) {
        self.input_failure = Some(failure);
    }

    /// Reads the first message: when it is an `initial-response` event its
    /// payload is returned, else it is kept for the first receive.
    pub(crate) async fn initial_response(&mut self) -> Result<Option<bytes::Bytes>, RawError> {
        let first = std::future::poll_fn(|cx| self.poll_message(cx)).await?;
        match first {
            Some(m)
                if m.get_str(":message-type") == Some("event")
                    && m.get_str(":event-type") == Some("initial-response") =>
            {
                Ok(Some(m.payload))
            }
            other => {
                self.pending = other;
                Ok(None)
            }
        }
    }

    /// The next message, `None` at a clean end.
    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Message>, RawError>> {
        loop {
            match self.decoder.next_message() {
                Ok(Some(m)) => return Poll::Ready(Ok(Some(m))),
                Ok(None) => {}
                Err(e) => return Poll::Ready(Err(self.fail(e.into()))),
            }
            let Some(body) = self.body.as_mut() else {
                return Poll::Ready(Ok(None));
            };
            match ready!(body.as_mut().poll_next(cx)) {
                Some(Ok(chunk)) => self.decoder.push(&chunk),
                Some(Err(e)) => return Poll::Ready(Err(self.fail(EventStreamError::Io(e)))),
                None => {
                    self.body = None;
                    if let Err(e) = self.decoder.finish() {
                        return Poll::Ready(Err(self.fail(e.into())));
                    }
                    if let Some(why) = self.input_failed() {
                        return Poll::Ready(Err(EventStreamError::Input(why)));
                    }
                    return Poll::Ready(Ok(None));
                }
            }
        }
    }

    /// Ends the stream: the body (and its connection) is dropped now.
    fn fail(&mut self, error: RawError) -> RawError {
        self.body = None;
        self.pending = None;
        match (&error, self.input_failed()) {
            (EventStreamError::Io(_) | EventStreamError::Frame(_), Some(why)) => {
                EventStreamError::Input(why)
            }
            _ => error,
        }
    }

    fn input_failed(&self) -> Option<String> {
        let slot = self.input_failure.as_ref()?;
        let failure = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        failure
    }

    /// The next event; `None` at the end of the stream (and after an error).
    pub fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<RawEvent, RawError>>> {
        let message = match self.pending.take() {
            Some(m) => m,
            None => match ready!(self.poll_message(cx)) {
                Ok(Some(m)) => m,
                Ok(None) => return Poll::Ready(None),
                Err(e) => return Poll::Ready(Some(Err(e))),
            },
        };
        Poll::Ready(Some(
            match read_message(&self.model, self.union, &message, &self.meta) {
                Ok(Decoded::Event(value)) => Ok(RawEvent::Event(value)),
                Ok(Decoded::Unknown(name)) => Ok(RawEvent::Unknown(name)),
                Err(e) => Err(self.fail(e)),
            },
        ))
    }

    /// The next event; `Ok(None)` at the end of the stream.
    pub async fn recv(&mut self) -> Result<Option<RawEvent>, RawError> {
        std::future::poll_fn(|cx| self.poll_event(cx))
            .await
            .transpose()
    }
}

impl Stream for RawEventReceiver {
    type Item = Result<RawEvent, RawError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_event(cx)
    }
}

/// The events of an operation's output event stream, typed: `T` is the
/// generated enum of the stream's events (one variant per event, and
/// `Unknown` for event types the model does not know); modeled exception
/// events end the stream with [`EventStreamError::Exception`] carrying
/// `T::Error`.
///
/// Receive with [`recv`](Self::recv) or use it as a [`Stream`]. The
/// receiver holds the connection: drop it to stop early (the connection is
/// closed, not reused).
pub struct EventReceiver<T> {
    raw: Option<RawEventReceiver>,
    _events: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for EventReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.raw {
            Some(raw) => f.debug_tuple("EventReceiver").field(raw).finish(),
            None => f.write_str("EventReceiver(empty)"),
        }
    }
}

/// A receiver with no events (what `Default` output structures hold).
impl<T> Default for EventReceiver<T> {
    fn default() -> Self {
        EventReceiver {
            raw: None,
            _events: PhantomData,
        }
    }
}

impl<T: EventUnion> EventReceiver<T> {
    /// Types the events of `raw`.
    pub fn new(raw: RawEventReceiver) -> Self {
        EventReceiver {
            raw: Some(raw),
            _events: PhantomData,
        }
    }

    /// The next event; `Ok(None)` when the stream has ended (cleanly, or
    /// after an error was returned).
    pub async fn recv(&mut self) -> Result<Option<T>, EventStreamError<T::Error>> {
        std::future::poll_fn(|cx| self.poll_recv(cx))
            .await
            .transpose()
    }

    fn poll_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<T, EventStreamError<T::Error>>>> {
        let Some(raw) = self.raw.as_mut() else {
            return Poll::Ready(None);
        };
        let event = match ready!(raw.poll_event(cx)) {
            None => {
                self.raw = None;
                return Poll::Ready(None);
            }
            Some(Err(e)) => {
                self.raw = None;
                return Poll::Ready(Some(Err(e.map_exception(|raw| {
                    T::Error::from_service_error(raw.shape.as_deref(), raw.value)
                }))));
            }
            Some(Ok(event)) => event,
        };
        Poll::Ready(Some(match event {
            RawEvent::Unknown(name) => Ok(T::unknown(name)),
            RawEvent::Event(value) => T::from_value(value).map_err(|e| {
                self.raw = None;
                EventStreamError::Parse(e.message)
            }),
        }))
    }

    /// The untyped receiver underneath (`None` once the stream has ended).
    pub fn into_raw(self) -> Option<RawEventReceiver> {
        self.raw
    }
}

impl<T: EventUnion> Stream for EventReceiver<T> {
    type Item = Result<T, EventStreamError<T::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx)
    }
}
