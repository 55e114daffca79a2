//! Errors of a call: [`SdkError`] wraps everything that can go wrong, and
//! [`ServiceError`] carries a typed, modeled service error with its metadata.

use std::fmt;
use std::ops::Deref;

use crate::value::Value;

/// Text printed in place of a secret.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Implemented by every generated per-operation error enum.
///
/// Every such enum is a [`std::error::Error`]: its `Display` is the modeled
/// exception's name (the code and message are on the [`ServiceError`] that
/// wraps it).
pub trait OperationError: Sized + std::error::Error + Send + Sync + 'static {
    /// Builds the error from the matched exception shape name (if any) and
    /// its parsed members.
    fn from_service_error(shape: Option<&str>, value: Value) -> Self;
    /// The exception shape name of a modeled variant, `None` for `Unmodeled`.
    fn modeled_name(&self) -> Option<&'static str>;
}

/// The error type of operations whose model lists no exceptions: every
/// service error is unmodeled (inspect its code).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnmodeledError {
    /// An error the model does not describe (see the error's code).
    Unmodeled,
}

impl fmt::Display for UnmodeledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unmodeled service error")
    }
}

impl std::error::Error for UnmodeledError {}

impl OperationError for UnmodeledError {
    fn from_service_error(_shape: Option<&str>, _value: Value) -> Self {
        UnmodeledError::Unmodeled
    }

    fn modeled_name(&self) -> Option<&'static str> {
        None
    }
}

/// What every service error carries, modeled or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    /// The error code (`QueueDoesNotExist`, `NoSuchKey`, ...).
    pub code: String,
    /// The service's message, if any.
    pub message: Option<String>,
    /// The request id, if the service sent one.
    pub request_id: Option<String>,
    /// The HTTP status code.
    pub status: u16,
}

/// A service error: a typed kind `E` plus [`ErrorMetadata`].
///
/// Derefs to `E`, so `err.is_queue_does_not_exist()` works directly.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError<E> {
    kind: E,
    meta: ErrorMetadata,
}

impl<E> ServiceError<E> {
    /// Creates a service error.
    pub fn new(kind: E, meta: ErrorMetadata) -> Self {
        ServiceError { kind, meta }
    }
    /// The typed error.
    pub fn kind(&self) -> &E {
        &self.kind
    }
    /// Consumes the wrapper, returning the typed error.
    pub fn into_kind(self) -> E {
        self.kind
    }
    /// Code, message, request id and status.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
    /// The error code.
    pub fn code(&self) -> &str {
        &self.meta.code
    }
    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.meta.message.as_deref()
    }
    /// The request id.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.meta.status
    }
    /// The service said the resource does not exist (HTTP 404), whatever
    /// the code: S3's `HeadObject` and `HeadBucket` answer a bare 404.
    pub fn is_not_found(&self) -> bool {
        self.meta.status == 404
    }
    /// A conditional request's precondition held (HTTP 304, S3's
    /// `If-None-Match` / `If-Modified-Since`).
    pub fn is_not_modified(&self) -> bool {
        self.meta.status == 304
    }
    /// The typed error and the metadata.
    pub(crate) fn into_parts(self) -> (E, ErrorMetadata) {
        (self.kind, self.meta)
    }
}

impl<E> Deref for ServiceError<E> {
    type Target = E;
    fn deref(&self) -> &E {
        &self.kind
    }
}

impl<E> fmt::Display for ServiceError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.meta.code)?;
        if let Some(m) = &self.meta.message {
            write!(f, ": {m}")?;
        }
        write!(f, " (HTTP {}", self.meta.status)?;
        if let Some(r) = &self.meta.request_id {
            write!(f, ", request id {r}")?;
        }
        f.write_str(")")
    }
}

impl<E: std::error::Error + 'static> std::error::Error for ServiceError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

/// Everything that can go wrong in a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The input was rejected before anything was sent.
    Validation(ValidationError),
    /// The request could not be built (endpoint, signing).
    Construction(String),
    /// No usable credentials: which provider and profile failed, and why.
    Credentials(crate::credentials::CredentialsError),
    /// The request could not be sent or the response not received (I/O,
    /// connection, TLS, timeouts).
    Dispatch(DispatchError),
    /// The response could not be parsed.
    Response(ResponseError),
    /// The service returned an error.
    Service(ServiceError<E>),
}

impl<E> SdkError<E> {
    /// The service error, if that is what this is.
    pub fn as_service_error(&self) -> Option<&ServiceError<E>> {
        match self {
            SdkError::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service error, if that is what this is.
    pub fn into_service_error(self) -> Option<ServiceError<E>> {
        match self {
            SdkError::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The typed service error kind, if that is what this is.
    pub fn service_kind(&self) -> Option<&E> {
        self.as_service_error().map(ServiceError::kind)
    }

    /// The service's error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        self.as_service_error().map(ServiceError::code)
    }

    /// The service's message, for service errors.
    pub fn message(&self) -> Option<&str> {
        self.as_service_error().and_then(ServiceError::message)
    }

    /// The request id, for service errors.
    pub fn request_id(&self) -> Option<&str> {
        self.as_service_error().and_then(ServiceError::request_id)
    }

    /// The HTTP status, for service errors.
    pub fn status(&self) -> Option<u16> {
        self.as_service_error().map(ServiceError::status)
    }

    /// Maps the typed kind (used by the dynamic path).
    pub fn map_service<F, T>(self, f: F) -> SdkError<T>
    where
        F: FnOnce(E) -> T,
    {
        match self {
            SdkError::Validation(v) => SdkError::Validation(v),
            SdkError::Construction(c) => SdkError::Construction(c),
            SdkError::Credentials(c) => SdkError::Credentials(c),
            SdkError::Dispatch(d) => SdkError::Dispatch(d),
            SdkError::Response(r) => SdkError::Response(r),
            SdkError::Service(s) => SdkError::Service(ServiceError::new(f(s.kind), s.meta)),
        }
    }
}

impl<E> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::Validation(e) => write!(f, "{e}"),
            SdkError::Construction(e) => write!(f, "could not build the request: {e}"),
            SdkError::Credentials(e) => write!(f, "could not get credentials: {e}"),
            SdkError::Dispatch(e) => write!(f, "{e}"),
            SdkError::Response(e) => write!(f, "{e}"),
            SdkError::Service(e) => write!(f, "service error: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SdkError::Validation(e) => Some(e),
            SdkError::Credentials(e) => Some(e),
            SdkError::Dispatch(e) => Some(e),
            SdkError::Response(e) => Some(e),
            SdkError::Service(e) => Some(e),
            SdkError::Construction(_) => None,
        }
    }
}

/// Input rejected before sending: names the parameter and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The operation called.
    pub operation: String,
    /// Every problem found, one per line.
    pub problems: Vec<String>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid input for {}: {}",
            self.operation,
            self.problems.join("; ")
        )
    }
}

impl std::error::Error for ValidationError {}

/// The request was not sent, or no complete response arrived.
///
/// [`kind`](DispatchError::kind) says what failed (it drives retry
/// decisions), [`timeout`](DispatchError::timeout) which deadline passed,
/// and [`source`](std::error::Error::source) is the underlying error (an
/// `io::Error`, hyper's or the TLS library's) when there is one.
#[derive(Debug)]
pub struct DispatchError {
    /// What kind of failure.
    pub kind: DispatchErrorKind,
    /// Description.
    pub message: String,
    timeout: Option<TimeoutKind>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Kinds of dispatch failures (drive retry decisions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchErrorKind {
    /// Connecting failed (refused, DNS, TLS handshake, the proxy).
    Connect,
    /// A timeout elapsed ([`DispatchError::timeout`] says which).
    Timeout,
    /// The connection broke during the exchange (reset, truncated or
    /// malformed response).
    Io,
    /// The request can't be sent this way (e.g. https without TLS support).
    Unsupported,
    /// The response body is larger than the operation allows: not read, and
    /// not retried (the same request would get the same answer).
    BodyTooLarge,
}

/// Which deadline a [`DispatchErrorKind::Timeout`] failure passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Connecting (TCP, the proxy's tunnel and the TLS handshake) took longer
    /// than the connect timeout.
    Connect,
    /// No byte could be read (or written) for the read timeout.
    Read,
    /// One attempt took longer than the attempt timeout.
    Attempt,
    /// The whole operation, retries included, took longer than the operation
    /// timeout.
    Operation,
    /// An upload or download moved less than the minimum throughput for the
    /// stalled-stream grace period.
    StalledStream,
}

impl DispatchError {
    /// An error of `kind` with a message.
    pub fn new(kind: DispatchErrorKind, message: impl Into<String>) -> Self {
        DispatchError {
            kind,
            message: message.into(),
            timeout: None,
            source: None,
        }
    }

    /// A timeout of the given kind.
    pub fn timed_out(which: TimeoutKind, message: impl Into<String>) -> Self {
        DispatchError {
            timeout: Some(which),
            ..DispatchError::new(DispatchErrorKind::Timeout, message)
        }
    }

    /// Connecting failed.
    pub fn connect(message: impl Into<String>) -> Self {
        DispatchError::new(DispatchErrorKind::Connect, message)
    }

    /// The connection broke during the exchange.
    pub fn io(message: impl Into<String>) -> Self {
        DispatchError::new(DispatchErrorKind::Io, message)
    }

    /// Attaches the underlying error.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Which deadline passed, for [`DispatchErrorKind::Timeout`] errors.
    pub fn timeout(&self) -> Option<TimeoutKind> {
        self.timeout
    }

    /// True for a timeout of any kind.
    pub fn is_timeout(&self) -> bool {
        self.kind == DispatchErrorKind::Timeout
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (self.kind, self.timeout) {
            (DispatchErrorKind::Connect, _) => "connection failed",
            (DispatchErrorKind::Timeout, Some(TimeoutKind::Connect)) => "connect timeout",
            (DispatchErrorKind::Timeout, Some(TimeoutKind::Read)) => "read timeout",
            (DispatchErrorKind::Timeout, Some(TimeoutKind::Attempt)) => "attempt timeout",
            (DispatchErrorKind::Timeout, Some(TimeoutKind::Operation)) => "operation timeout",
            (DispatchErrorKind::Timeout, Some(TimeoutKind::StalledStream)) => "stalled stream",
            (DispatchErrorKind::Timeout, None) => "timed out",
            (DispatchErrorKind::Io, _) => "I/O error",
            (DispatchErrorKind::Unsupported, _) => "unsupported request",
            (DispatchErrorKind::BodyTooLarge, _) => "response too large",
        };
        write!(f, "{what}: {}", self.message)
    }
}

impl std::error::Error for DispatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A response arrived but could not be understood.
#[derive(Debug, Clone)]
pub struct ResponseError {
    /// HTTP status of the response.
    pub status: u16,
    /// Why it could not be parsed.
    pub message: String,
    /// Request id, if one was found.
    pub request_id: Option<String>,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not parse the response (HTTP {}): {}",
            self.status, self.message
        )
    }
}

impl std::error::Error for ResponseError {}

/// A client could not be created.
#[derive(Debug, Clone)]
pub struct BuildError {
    /// Why.
    pub message: String,
}

impl BuildError {
    /// Creates an error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        BuildError {
            message: message.into(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not create the client: {}", self.message)
    }
}

impl std::error::Error for BuildError {}
