//! [`ByteStream`]: request and response bodies that need not fit in memory.
//!
//! A body is one of three sources:
//!
//! - bytes in memory ([`ByteStream::from_bytes`]), replayable;
//! - a file or a byte range of one ([`ByteStream::from_path`],
//!   [`ByteStream::from_file_range`]): known length, read in chunks when
//!   sent, replayable (a retry reads the file again);
//! - any [`Stream`] of [`Bytes`] ([`ByteStream::from_stream`], with an
//!   optional known length): sent once, so a retry that would need it again
//!   fails with a clear error instead of sending a truncated body.
//!
//! Streaming response payloads (S3 `GetObject`'s `Body`) arrive as a
//! `ByteStream` whose bytes are read from the connection as the caller polls
//! it ([`ByteStream::next`], the [`Stream`] impl, [`ByteStream::collect`],
//! [`ByteStream::write_to_file`]).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::value::{ConversionError, FromValue, IntoValue, Value};

mod file;
mod http_body;

pub use http_body::SdkBody;

/// The error type stream sources may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A boxed stream of body chunks.
pub type BoxStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send + 'static>>;

/// Size of the chunks a file body is read in.
pub const FILE_CHUNK_SIZE: usize = 64 * 1024;

/// A request or response body: bytes, a file, or a one-shot stream.
///
/// Cloning is cheap. Clones of a bytes or file body are independent; clones
/// of a stream body share the one underlying stream (whoever reads first gets
/// the data).
pub struct ByteStream {
    // Boxed so a body in a `Value` costs a pointer.
    inner: Box<Inner>,
}

enum Inner {
    Bytes(Bytes),
    File(Arc<file::FileSource>),
    Stream(Arc<OnceStream>),
}

/// A stream shared between clones, taken at most once by a sender.
struct OnceStream {
    slot: Mutex<Slot>,
    len: Option<u64>,
}

enum Slot {
    Ready(BoxStream),
    Taken,
}

impl ByteStream {
    /// A body from bytes.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        ByteStream {
            inner: Box::new(Inner::Bytes(bytes.into())),
        }
    }

    /// A body read from the file at `path`; its length is taken now.
    pub fn from_path(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        let len = std::fs::metadata(path)?.len();
        Ok(Self::file(path.to_path_buf(), 0, len))
    }

    /// A body of `len` bytes of the file at `path` starting at `offset` (a
    /// multipart upload's part). Fails when the file is shorter than that.
    pub fn from_file_range(path: impl AsRef<Path>, offset: u64, len: u64) -> io::Result<Self> {
        let path = path.as_ref();
        let size = std::fs::metadata(path)?.len();
        if !matches!(offset.checked_add(len), Some(end) if end <= size) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "range {offset}+{len} is past the end of {} ({size} bytes)",
                    path.display()
                ),
            ));
        }
        Ok(Self::file(path.to_path_buf(), offset, len))
    }

    fn file(path: PathBuf, offset: u64, len: u64) -> Self {
        ByteStream {
            inner: Box::new(Inner::File(Arc::new(file::FileSource::new(
                path, offset, len,
            )))),
        }
    }

    /// A body of unknown length read from `stream`. It can be sent once.
    /// S3 refuses objects and parts of unknown length (PutObject and
    /// UploadPart fail before sending it): give S3 the length with
    /// [`ByteStream::from_stream_with_length`], or use myaws-s3's
    /// `Client::upload_stream`, which uploads such a stream in parts.
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self::stream(stream, None)
    }

    /// A body of exactly `len` bytes read from `stream`. A stream that ends
    /// early or runs long fails the request.
    pub fn from_stream_with_length<S, E>(stream: S, len: u64) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self::stream(stream, Some(len))
    }

    fn stream<S, E>(stream: S, len: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let mapped = stream.map(|r| r.map_err(to_io));
        let boxed: BoxStream = match len {
            Some(n) => Box::pin(exact_length(mapped, n)),
            None => Box::pin(mapped),
        };
        Self::from_boxed(boxed, len)
    }

    /// A body from an already boxed stream of `io::Result<Bytes>`.
    pub(crate) fn from_boxed(stream: BoxStream, len: Option<u64>) -> Self {
        ByteStream {
            inner: Box::new(Inner::Stream(Arc::new(OnceStream {
                slot: Mutex::new(Slot::Ready(stream)),
                len,
            }))),
        }
    }

    /// The length, when known.
    pub fn len(&self) -> Option<u64> {
        match &*self.inner {
            Inner::Bytes(b) => Some(b.len() as u64),
            Inner::File(f) => Some(f.len()),
            Inner::Stream(s) => s.len,
        }
    }

    /// True when the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// True when the body can be sent again (bytes or a file), so a request
    /// carrying it can be retried.
    pub fn is_replayable(&self) -> bool {
        !matches!(*self.inner, Inner::Stream(_))
    }

    /// The bytes, when the body is held in memory.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &*self.inner {
            Inner::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// A stream of the body's chunks for sending it once more. A stream body
    /// can be taken once; after that this fails with a clear error.
    pub fn try_clone_stream(&self) -> io::Result<BoxStream> {
        match &*self.inner {
            Inner::Bytes(b) => {
                let b = b.clone();
                Ok(Box::pin(futures_util::stream::iter(
                    (!b.is_empty()).then_some(Ok(b)),
                )))
            }
            Inner::File(f) => Ok(f.stream()),
            Inner::Stream(s) => {
                let mut slot = s.slot.lock().unwrap_or_else(|e| e.into_inner());
                match std::mem::replace(&mut *slot, Slot::Taken) {
                    Slot::Ready(stream) => Ok(stream),
                    Slot::Taken => Err(not_replayable()),
                }
            }
        }
    }

    /// The next chunk, or `None` at the end of the body.
    pub async fn next(&mut self) -> Option<io::Result<Bytes>> {
        StreamExt::next(self).await
    }

    /// Reads the whole body into memory.
    pub async fn collect(self) -> io::Result<Bytes> {
        if let Inner::Bytes(b) = &*self.inner {
            return Ok(b.clone());
        }
        let mut stream = self.try_clone_stream()?;
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out.freeze())
    }

    /// Writes the body to a new file at `path` (replacing any file there),
    /// chunk by chunk; returns the number of bytes written. On failure the
    /// partial file is removed.
    pub async fn write_to_file(self, path: impl AsRef<Path>) -> io::Result<u64> {
        let path = path.as_ref();
        let result = file::write_stream(self.try_clone_stream()?, path).await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(path).await;
        }
        result
    }
}

/// The error a second send of a one-shot stream body gets.
pub fn not_replayable() -> io::Error {
    io::Error::other(
        "the request body is a one-shot stream that was already sent and cannot be sent again \
         (use a file or bytes body to allow retries)",
    )
}

fn to_io(e: impl Into<BoxError>) -> io::Error {
    let e: BoxError = e.into();
    match e.downcast::<io::Error>() {
        Ok(io) => *io,
        Err(other) => io::Error::other(other),
    }
}

/// Checks that `stream` yields exactly `len` bytes.
fn exact_length(
    stream: impl Stream<Item = io::Result<Bytes>> + Send + 'static,
    len: u64,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    let mut seen = 0u64;
    let mut finished = false;
    let stream = stream.map(Some).chain(futures_util::stream::iter([None]));
    stream.filter_map(move |item| {
        let out = if finished {
            None
        } else {
            match item {
                Some(Ok(chunk)) => {
                    seen += chunk.len() as u64;
                    if seen > len {
                        finished = true;
                        Some(Err(length_mismatch(len, "more")))
                    } else {
                        Some(Ok(chunk))
                    }
                }
                Some(Err(e)) => {
                    finished = true;
                    Some(Err(e))
                }
                None if seen < len => {
                    finished = true;
                    Some(Err(length_mismatch(len, "fewer")))
                }
                None => None,
            }
        };
        std::future::ready(out)
    })
}

fn length_mismatch(len: u64, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the body stream was declared as {len} bytes but produced {what}"),
    )
}

impl Stream for ByteStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match &mut *this.inner {
            Inner::Bytes(b) => {
                if b.is_empty() {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(std::mem::take(b))))
                }
            }
            Inner::File(f) => {
                let stream = f.stream();
                *this.inner = Inner::Stream(Arc::new(OnceStream {
                    slot: Mutex::new(Slot::Ready(stream)),
                    len: None,
                }));
                Pin::new(this).poll_next(cx)
            }
            Inner::Stream(s) => {
                let mut slot = s.slot.lock().unwrap_or_else(|e| e.into_inner());
                match &mut *slot {
                    Slot::Ready(stream) => stream.as_mut().poll_next(cx),
                    Slot::Taken => Poll::Ready(None),
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.len().and_then(|n| usize::try_from(n).ok()) {
            Some(0) => (0, Some(0)),
            _ => (0, None),
        }
    }
}

impl Clone for ByteStream {
    fn clone(&self) -> Self {
        ByteStream {
            inner: Box::new(match &*self.inner {
                Inner::Bytes(b) => Inner::Bytes(b.clone()),
                Inner::File(f) => Inner::File(f.clone()),
                Inner::Stream(s) => Inner::Stream(s.clone()),
            }),
        }
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::from_bytes(Bytes::new())
    }
}

/// Bytes compare by content, files by path and range, streams by identity.
impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        match (&*self.inner, &*other.inner) {
            (Inner::Bytes(a), Inner::Bytes(b)) => a == b,
            (Inner::File(a), Inner::File(b)) => a == b,
            (Inner::Stream(a), Inner::Stream(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            Inner::Bytes(b) => write!(f, "ByteStream(Bytes({} bytes))", b.len()),
            Inner::File(file) => write!(f, "ByteStream({file:?})"),
            Inner::Stream(s) => match s.len {
                Some(n) => write!(f, "ByteStream(Stream({n} bytes))"),
                None => f.write_str("ByteStream(Stream(unknown length))"),
            },
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(b: Bytes) -> Self {
        ByteStream::from_bytes(b)
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(b: Vec<u8>) -> Self {
        ByteStream::from_bytes(b)
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(b: &'static [u8]) -> Self {
        ByteStream::from_bytes(Bytes::from_static(b))
    }
}

impl From<&'static str> for ByteStream {
    fn from(s: &'static str) -> Self {
        ByteStream::from_bytes(Bytes::from_static(s.as_bytes()))
    }
}

impl From<String> for ByteStream {
    fn from(s: String) -> Self {
        ByteStream::from_bytes(s)
    }
}

/// In-memory bodies become [`Value::Blob`]; files and streams travel as
/// [`Value::Stream`] so the pipeline can send them without reading them.
impl IntoValue for ByteStream {
    fn into_value(self) -> Value {
        match *self.inner {
            Inner::Bytes(ref b) => Value::blob(b.clone()),
            _ => Value::Stream(self),
        }
    }
}

impl FromValue for ByteStream {
    fn from_value(value: Value) -> Result<Self, ConversionError> {
        match value {
            Value::Stream(s) => Ok(s),
            other => Bytes::from_value(other).map(ByteStream::from_bytes),
        }
    }
}

#[cfg(test)]
mod tests;
