//! [`PresignError`]: why a presigned request could not be made.

use std::fmt;
use std::time::Duration;

use super::MAX_EXPIRES_IN;

/// Why a presigned request could not be made. Nothing is ever sent while
/// presigning, so every error is local.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PresignError {
    /// The expiry is shorter than one second or longer than seven days
    /// ([`MAX_EXPIRES_IN`]), the limits of SigV4 query signing.
    InvalidExpiry(Duration),
    /// The client's service has no such operation.
    UnknownOperation(String),
    /// The parameters do not fit the operation's input shape.
    InvalidParams {
        /// The operation.
        operation: String,
        /// What is wrong with them.
        problems: Vec<String>,
    },
    /// The operation sends a request body a URL cannot carry (a JSON or XML
    /// document, say); only S3 payloads and form-encoded (query protocol)
    /// parameters can be presigned.
    BodyNotPresignable(String),
    /// The request could not be built: serialization or endpoint resolution
    /// failed.
    Request(String),
    /// No credentials could be had.
    Credentials(crate::credentials::CredentialsError),
    /// SigV4 signing failed.
    Signing(String),
}

impl fmt::Display for PresignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresignError::InvalidExpiry(d) => write!(
                f,
                "invalid presigned URL expiry {d:?}: it must be at least 1 second and at most {} seconds (7 days)",
                MAX_EXPIRES_IN.as_secs()
            ),
            PresignError::UnknownOperation(name) => write!(f, "unknown operation `{name}`"),
            PresignError::InvalidParams {
                operation,
                problems,
            } => write!(
                f,
                "invalid parameters for {operation}: {}",
                problems.join("; ")
            ),
            PresignError::BodyNotPresignable(op) => write!(
                f,
                "{op} sends a request body, which a presigned URL cannot carry"
            ),
            PresignError::Request(m) => write!(f, "cannot build the request: {m}"),
            PresignError::Credentials(m) => write!(f, "no credentials to presign with: {m}"),
            PresignError::Signing(m) => write!(f, "signing failed: {m}"),
        }
    }
}

impl std::error::Error for PresignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PresignError::Credentials(e) => Some(e),
            _ => None,
        }
    }
}
