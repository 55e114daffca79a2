//! [`TransferError`]: why an upload or download failed.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::PathBuf;

use myaws_core::SdkError;

/// Why a managed transfer failed. A failed multipart upload has been
/// aborted (unless [`TransferError::AbortFailed`] says otherwise) and a
/// failed download leaves no file behind.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransferError {
    /// The [`TransferConfig`](super::TransferConfig) cannot be used.
    InvalidConfig(String),
    /// The transfer's arguments cannot be used (an SSE-C key that is not
    /// 32 bytes, an empty key, a copy that would silently ignore its
    /// metadata, ...): nothing was sent.
    InvalidRequest(String),
    /// Reading or writing a local file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// Reading the source of a stream upload failed (a multipart upload
    /// already started has been aborted).
    Read(io::Error),
    /// An S3 call failed.
    Api {
        /// The operation (`UploadPart`).
        operation: &'static str,
        /// The service's error code, for service errors.
        code: Option<String>,
        /// The HTTP status, when a response came.
        status: Option<u16>,
        /// The error.
        source: Box<dyn Error + Send + Sync>,
    },
    /// S3 sent something the transfer cannot use (a missing upload id or
    /// ETag, a body of the wrong length, a negative size).
    Unexpected(String),
    /// A part's task stopped without a result (a progress callback
    /// panicked, say).
    Task(String),
    /// The upload failed and aborting its multipart upload failed too: the
    /// upload id names parts that still take storage.
    AbortFailed {
        /// The multipart upload left behind.
        upload_id: String,
        /// Why the upload failed.
        cause: Box<TransferError>,
        /// Why the abort failed.
        abort_error: String,
    },
}

impl TransferError {
    /// Wraps an S3 call's error.
    pub(crate) fn api<E>(operation: &'static str, err: SdkError<E>) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        TransferError::Api {
            operation,
            code: err.code().map(str::to_string),
            status: err.status(),
            source: Box::new(err),
        }
    }

    /// Wraps an I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        TransferError::Io {
            path: path.into(),
            source,
        }
    }

    /// The S3 error code, when an S3 call failed with a service error.
    pub fn code(&self) -> Option<&str> {
        match self {
            TransferError::Api { code, .. } => code.as_deref(),
            TransferError::AbortFailed { cause, .. } => cause.code(),
            _ => None,
        }
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::InvalidConfig(m) => write!(f, "invalid transfer configuration: {m}"),
            TransferError::InvalidRequest(m) => write!(f, "invalid transfer request: {m}"),
            TransferError::Read(e) => write!(f, "reading the upload's source failed: {e}"),
            TransferError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            TransferError::Api {
                operation, source, ..
            } => write!(f, "{operation} failed: {source}"),
            TransferError::Unexpected(m) => write!(f, "unexpected response: {m}"),
            TransferError::Task(m) => write!(f, "a transfer task failed: {m}"),
            TransferError::AbortFailed {
                upload_id,
                cause,
                abort_error,
            } => write!(
                f,
                "{cause}; aborting multipart upload {upload_id} failed too: {abort_error}"
            ),
        }
    }
}

impl Error for TransferError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            TransferError::Io { source, .. } => Some(source),
            TransferError::Read(source) => Some(source),
            TransferError::Api { source, .. } => Some(source.as_ref()),
            TransferError::AbortFailed { cause, .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}
