//! [`EventStreamError`]: why an event stream ended early.

use std::fmt;

use super::frame::FrameError;
use crate::error::ServiceError;

/// Why an event stream ended with an error. After an error the stream is
/// over: the next receive returns `Ok(None)`.
///
/// `E` is the typed error of the stream's modeled exception events (one
/// variant per exception, generated), or [`crate::client::RawServiceError`]
/// before typing, or [`crate::dynamic::DynamicError`] on the dynamic path.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventStreamError<E> {
    /// The bytes are not a valid event stream: a CRC mismatch, a length over
    /// the caps or not fitting, a malformed header, or a stream that ended
    /// inside a frame.
    Frame(FrameError),
    /// Reading the response failed (connection reset, read timeout).
    Io(std::io::Error),
    /// The service sent a modeled exception event (`:message-type`
    /// `exception`); its code is the event's `:exception-type`. (Boxed: it
    /// is large, and rare.)
    Exception(Box<ServiceError<E>>),
    /// The service sent an error message (`:message-type` `error`) with
    /// this code and message.
    Error {
        /// `:error-code`.
        code: String,
        /// `:error-message`, if any.
        message: Option<String>,
    },
    /// A message could not be read as the model describes it (an unknown
    /// message type, a payload that does not parse, a header of the wrong
    /// type).
    Parse(String),
    /// An input event could not be sent (it could not be serialized or
    /// signed, or the input stream was already used), which ended the
    /// request.
    Input(String),
}

impl<E> EventStreamError<E> {
    /// The typed exception, for a modeled exception event.
    pub fn exception(&self) -> Option<&E> {
        match self {
            EventStreamError::Exception(e) => Some(e.kind()),
            _ => None,
        }
    }

    /// The service's error code: the exception type or the error code.
    pub fn code(&self) -> Option<&str> {
        match self {
            EventStreamError::Exception(e) => Some(e.code()),
            EventStreamError::Error { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The service's message, for exception and error messages.
    pub fn message(&self) -> Option<&str> {
        match self {
            EventStreamError::Exception(e) => e.message(),
            EventStreamError::Error { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Maps the typed exception.
    pub fn map_exception<T>(self, f: impl FnOnce(E) -> T) -> EventStreamError<T> {
        match self {
            EventStreamError::Frame(e) => EventStreamError::Frame(e),
            EventStreamError::Io(e) => EventStreamError::Io(e),
            EventStreamError::Exception(e) => {
                let meta = e.meta().clone();
                EventStreamError::Exception(Box::new(ServiceError::new(f(e.into_kind()), meta)))
            }
            EventStreamError::Error { code, message } => EventStreamError::Error { code, message },
            EventStreamError::Parse(m) => EventStreamError::Parse(m),
            EventStreamError::Input(m) => EventStreamError::Input(m),
        }
    }
}

impl<E> fmt::Display for EventStreamError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Frame(e) => write!(f, "malformed event stream: {e}"),
            EventStreamError::Io(e) => write!(f, "reading the event stream failed: {e}"),
            EventStreamError::Exception(e) => write!(f, "exception event: {e}"),
            EventStreamError::Error { code, message } => {
                write!(f, "error event: {code}")?;
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                Ok(())
            }
            EventStreamError::Parse(m) => write!(f, "unreadable event: {m}"),
            EventStreamError::Input(m) => write!(f, "sending the input event stream failed: {m}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for EventStreamError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventStreamError::Frame(e) => Some(e),
            EventStreamError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl<E> From<FrameError> for EventStreamError<E> {
    fn from(e: FrameError) -> Self {
        EventStreamError::Frame(e)
    }
}
