//! [`PaginationError`]: why a pagination stopped early.

use std::fmt;

use crate::error::SdkError;

/// Why a pagination ended with an error. `E` is the service error type: the
/// operation's typed error, or [`crate::dynamic::DynamicError`] for JSON pages.
#[derive(Debug)]
#[non_exhaustive]
pub enum PaginationError<E> {
    /// A page request failed.
    Call(SdkError<E>),
    /// The service returned the same next token twice in a row; stopping
    /// avoids an endless loop. Holds the token as JSON text.
    RepeatedToken(String),
    /// The starting token could not be decoded.
    BadStartingToken(String),
    /// The pagination cannot be done as asked (no paginator for the
    /// operation, a page size for an operation without a limit key).
    Unsupported(String),
    /// A page or item did not convert to its typed form.
    Conversion(String),
}

impl<E> PaginationError<E> {
    /// Maps the service error type of a [`PaginationError::Call`].
    pub fn map_service<F, T>(self, f: F) -> PaginationError<T>
    where
        F: FnOnce(E) -> T,
    {
        match self {
            PaginationError::Call(e) => PaginationError::Call(e.map_service(f)),
            PaginationError::RepeatedToken(t) => PaginationError::RepeatedToken(t),
            PaginationError::BadStartingToken(t) => PaginationError::BadStartingToken(t),
            PaginationError::Unsupported(m) => PaginationError::Unsupported(m),
            PaginationError::Conversion(m) => PaginationError::Conversion(m),
        }
    }

    /// The failed call's error, if a call failed.
    pub fn as_sdk_error(&self) -> Option<&SdkError<E>> {
        match self {
            PaginationError::Call(e) => Some(e),
            _ => None,
        }
    }

    /// The service's error code, when a call failed with a service error.
    pub fn code(&self) -> Option<&str> {
        self.as_sdk_error().and_then(SdkError::code)
    }
}

impl<E> From<SdkError<E>> for PaginationError<E> {
    fn from(e: SdkError<E>) -> Self {
        PaginationError::Call(e)
    }
}

impl<E> fmt::Display for PaginationError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaginationError::Call(e) => write!(f, "{e}"),
            PaginationError::RepeatedToken(t) => {
                write!(f, "the same next token was received twice: {t}")
            }
            PaginationError::BadStartingToken(t) => write!(f, "bad starting token: {t}"),
            PaginationError::Unsupported(m) => write!(f, "{m}"),
            PaginationError::Conversion(m) => write!(f, "could not convert a page: {m}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for PaginationError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PaginationError::Call(e) => Some(e),
            _ => None,
        }
    }
}
