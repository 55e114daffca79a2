//! [`FrameDecoder`]: messages out of a byte stream that arrives in pieces
//! of any size.
//!
//! The decoder holds at most the frame being assembled plus the rest of the
//! last piece pushed: its prelude is checked (CRC, lengths, caps) as soon as
//! its 12 bytes are in, so a hostile length fails before anything more is
//! buffered, and nothing is ever reserved on a length's word alone.

use bytes::{Bytes, BytesMut};

use super::frame::{FrameError, Message, Prelude, PRELUDE_LEN};

/// Incremental event-stream decoder: [`push`](Self::push) bytes as they
/// come, take complete messages with [`next_message`](Self::next_message),
/// and call [`finish`](Self::finish) at the end of the stream.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    buf: BytesMut,
    /// The checked prelude of the frame being assembled.
    prelude: Option<Prelude>,
    /// A framing error was returned; the decoder yields nothing more.
    failed: bool,
}

impl FrameDecoder {
    /// An empty decoder.
    pub fn new() -> FrameDecoder {
        FrameDecoder::default()
    }

    /// Adds received bytes. Call [`next_message`](Self::next_message) until
    /// it returns `None` before pushing more, so that at most one piece is
    /// buffered beyond the current frame.
    pub fn push(&mut self, bytes: &[u8]) {
        if !self.failed {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Bytes held (a partial frame and whatever follows it).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next complete message, `Ok(None)` when more bytes are needed.
    /// After an error the decoder stays failed (every later call returns
    /// `Ok(None)` and buffers nothing).
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        if self.failed {
            return Ok(None);
        }
        let prelude = match self.prelude {
            Some(p) => p,
            None if self.buf.len() < PRELUDE_LEN => return Ok(None),
            None => match Prelude::read(&self.buf) {
                Ok(p) => {
                    self.prelude = Some(p);
                    p
                }
                Err(e) => return Err(self.fail(e)),
            },
        };
        if self.buf.len() < prelude.total {
            return Ok(None);
        }
        self.prelude = None;
        let frame: Bytes = self.buf.split_to(prelude.total).freeze();
        Message::decode(frame).map(Some).map_err(|e| self.fail(e))
    }

    /// Checks that the stream ended between frames.
    pub fn finish(&mut self) -> Result<(), FrameError> {
        if self.failed || self.buf.is_empty() {
            return Ok(());
        }
        let error = FrameError::Truncated {
            received: self.buf.len(),
            expected: self.prelude.map(|p| p.total),
        };
        Err(self.fail(error))
    }

    fn fail(&mut self, error: FrameError) -> FrameError {
        self.failed = true;
        self.buf = BytesMut::new();
        self.prelude = None;
        error
    }
}
