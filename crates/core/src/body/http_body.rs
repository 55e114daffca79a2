//! [`SdkBody`]: the request body handed to the HTTP client.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::{BoxError, BoxStream};

/// A future that must finish before the first byte of the body is sent
/// (waiting for `100 Continue`).
pub type Gate = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// An HTTP request body: bytes in memory or a stream of chunks, optionally
/// held back until a gate opens.
pub struct SdkBody {
    kind: Kind,
    gate: Option<Gate>,
}

enum Kind {
    Full(Option<Bytes>),
    Stream { stream: BoxStream, len: Option<u64> },
}

impl SdkBody {
    /// An empty body.
    pub fn empty() -> Self {
        SdkBody::from_bytes(Bytes::new())
    }

    /// A body from bytes.
    pub fn from_bytes(bytes: Bytes) -> Self {
        SdkBody {
            kind: Kind::Full((!bytes.is_empty()).then_some(bytes)),
            gate: None,
        }
    }

    /// A body from a stream; `len` (when known) becomes the exact size hint.
    pub fn from_stream(stream: BoxStream, len: Option<u64>) -> Self {
        SdkBody {
            kind: Kind::Stream { stream, len },
            gate: None,
        }
    }

    /// Holds the body back until `gate` finishes.
    pub fn with_gate(mut self, gate: Gate) -> Self {
        self.gate = Some(gate);
        self
    }
}

impl std::fmt::Debug for SdkBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::Full(b) => write!(f, "SdkBody({} bytes)", b.as_ref().map_or(0, |b| b.len())),
            Kind::Stream { len, .. } => write!(f, "SdkBody(stream, {len:?} bytes)"),
        }
    }
}

impl Body for SdkBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if let Some(gate) = &mut this.gate {
            match gate.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => this.gate = None,
            }
        }
        match &mut this.kind {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Stream { stream, .. } => loop {
                match stream.as_mut().poll_next(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(None) => return Poll::Ready(None),
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                    // hyper treats an empty data frame as nothing; skip it.
                    Poll::Ready(Some(Ok(b))) if b.is_empty() => continue,
                    Poll::Ready(Some(Ok(b))) => return Poll::Ready(Some(Ok(Frame::data(b)))),
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(b) => b.is_none(),
            Kind::Stream { len, .. } => *len == Some(0),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Stream { len: Some(n), .. } => SizeHint::with_exact(*n),
            Kind::Stream { len: None, .. } => SizeHint::default(),
        }
    }
}
