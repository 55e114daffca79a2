//! A streaming body of one chunk repeated: large transfers without holding
//! the object in memory (used by the server's downloads and the drivers'
//! uploads).

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// Size of every chunk the body yields (the last may be shorter).
pub const CHUNK: usize = 64 * 1024;

/// `len` bytes of `b'x'`, yielded as cheap clones of one 64 KiB buffer.
#[derive(Debug, Clone)]
pub struct RepeatBody {
    chunk: Bytes,
    remaining: u64,
}

impl RepeatBody {
    /// A body of exactly `len` bytes.
    pub fn new(len: u64) -> Self {
        static BUF: [u8; CHUNK] = [b'x'; CHUNK];
        RepeatBody {
            chunk: Bytes::from_static(&BUF),
            remaining: len,
        }
    }

    /// The next chunk, or `None` at the end.
    pub fn next_chunk(&mut self) -> Option<Bytes> {
        if self.remaining == 0 {
            return None;
        }
        let n = self.remaining.min(CHUNK as u64);
        self.remaining -= n;
        Some(self.chunk.slice(..n as usize))
    }
}

impl Iterator for RepeatBody {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        self.next_chunk()
    }
}

impl Body for RepeatBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().next_chunk().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}
