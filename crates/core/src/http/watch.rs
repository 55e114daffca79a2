//! Timeouts that follow the data, not the clock of the whole request.
//!
//! - **Uploads**: the request body is wrapped in a [`WatchedBody`] that
//!   notes when the HTTP stack last took a chunk. A [`watchdog`] running
//!   beside the request fails it when the stack has taken nothing for the
//!   read timeout (the socket accepts no bytes: botocore's socket timeout on
//!   `send`), or, with stalled-stream protection, when it moved less than the
//!   minimum throughput for the grace period. Time spent waiting on the
//!   body's own source (a slow stream, `Expect: 100-continue`) does not
//!   count. After the last byte, the response head must come within the
//!   read timeout. A flowing upload never times out, however long it takes.
//! - **Downloads**: [`BodyReader`] reads the response body frame by frame;
//!   each read waits at most the read timeout, and stalled-stream protection
//!   counts only the time the reader spends waiting for the network, never
//!   the time the consumer takes between reads (a slow consumer is not a
//!   stalled stream).

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::time::Instant;

use super::ResponseBody;
use crate::body::{BoxError, SdkBody};
use crate::error::{DispatchError, TimeoutKind};

/// Stalled-stream protection (as in aws-sdk-rust): an upload or download
/// that moves less than `min_throughput` bytes per second for
/// `grace_period` fails with [`TimeoutKind::StalledStream`], long before a
/// read timeout would notice a trickle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StalledStreamProtection {
    /// Watch request bodies.
    pub upload: bool,
    /// Watch response bodies.
    pub download: bool,
    /// How long a stream may stay below the minimum throughput.
    pub grace_period: Duration,
    /// The throughput floor, in bytes per second.
    pub min_throughput: u64,
}

/// aws-sdk-rust's default grace period.
pub const DEFAULT_STALL_GRACE_PERIOD: Duration = Duration::from_secs(20);

impl Default for StalledStreamProtection {
    /// On for uploads and downloads, 1 byte/s over a 20 s grace period.
    fn default() -> Self {
        StalledStreamProtection {
            upload: true,
            download: true,
            grace_period: DEFAULT_STALL_GRACE_PERIOD,
            min_throughput: 1,
        }
    }
}

impl StalledStreamProtection {
    /// Protection turned off (the read timeout still applies).
    pub fn disabled() -> Self {
        StalledStreamProtection {
            upload: false,
            download: false,
            ..Self::default()
        }
    }

    /// Sets the grace period.
    pub fn grace_period(mut self, grace: Duration) -> Self {
        self.grace_period = grace;
        self
    }

    /// Sets the minimum throughput in bytes per second.
    pub fn min_throughput(mut self, bytes_per_second: u64) -> Self {
        self.min_throughput = bytes_per_second;
        self
    }

    /// Turns upload protection on or off.
    pub fn upload(mut self, on: bool) -> Self {
        self.upload = on;
        self
    }

    /// Turns download protection on or off.
    pub fn download(mut self, on: bool) -> Self {
        self.download = on;
        self
    }

    fn monitor(&self, on: bool) -> Option<Throughput> {
        (on && self.min_throughput > 0 && !self.grace_period.is_zero()).then_some(Throughput {
            grace: self.grace_period,
            min: self.min_throughput,
            window_wait: Duration::ZERO,
            window_bytes: 0,
            wait_since_byte: Duration::ZERO,
        })
    }
}

/// Throughput over the time spent waiting for the network.
#[derive(Debug, Clone)]
struct Throughput {
    grace: Duration,
    min: u64,
    window_wait: Duration,
    window_bytes: u64,
    wait_since_byte: Duration,
}

impl Throughput {
    /// Adds `waited` network time that moved `bytes`; an error when a full
    /// grace period of waiting moved less than the floor.
    fn record(&mut self, waited: Duration, bytes: u64) -> Result<(), DispatchError> {
        self.window_wait += waited;
        self.window_bytes += bytes;
        if bytes > 0 {
            self.wait_since_byte = Duration::ZERO;
        } else {
            self.wait_since_byte += waited;
        }
        if self.window_wait >= self.grace {
            let needed = (self.min as f64 * self.window_wait.as_secs_f64()) as u64;
            if self.window_bytes < needed {
                return Err(self.stalled(self.window_bytes, self.window_wait));
            }
            self.window_wait = Duration::ZERO;
            self.window_bytes = 0;
        }
        Ok(())
    }

    /// Network time still allowed without a single byte.
    fn remaining(&self) -> Duration {
        self.grace.saturating_sub(self.wait_since_byte)
    }

    fn stalled(&self, bytes: u64, over: Duration) -> DispatchError {
        DispatchError::timed_out(
            TimeoutKind::StalledStream,
            format!(
                "{bytes} bytes in {:.1} s, below the minimum of {} bytes/s (grace period {} s)",
                over.as_secs_f64(),
                self.min,
                self.grace.as_secs_f64()
            ),
        )
    }
}

/// Reads a response body under the read timeout and stalled-stream
/// protection.
pub(crate) struct BodyReader {
    body: ResponseBody,
    read_timeout: Option<Duration>,
    monitor: Option<Throughput>,
}

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader")
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl BodyReader {
    pub(crate) fn new(
        body: ResponseBody,
        read_timeout: Option<Duration>,
        stall: &StalledStreamProtection,
    ) -> Self {
        BodyReader {
            body,
            read_timeout,
            monitor: stall.monitor(stall.download),
        }
    }

    /// hyper's idea of the body's length (a HEAD response has none).
    pub(crate) fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }

    /// The next chunk of data, `None` at the end.
    pub(crate) async fn next(&mut self) -> Result<Option<Bytes>, DispatchError> {
        loop {
            let stall_left = self.monitor.as_ref().map(Throughput::remaining);
            let (limit, kind) = match (self.read_timeout, stall_left) {
                (Some(r), Some(s)) if s < r => (Some(s), TimeoutKind::StalledStream),
                (Some(r), _) => (Some(r), TimeoutKind::Read),
                (None, Some(s)) => (Some(s), TimeoutKind::StalledStream),
                (None, None) => (None, TimeoutKind::Read),
            };
            let started = Instant::now();
            let frame = match limit {
                None => self.body.frame().await,
                Some(limit) => match tokio::time::timeout(limit, self.body.frame()).await {
                    Ok(frame) => frame,
                    Err(_) => {
                        return Err(match (kind, &self.monitor) {
                            (TimeoutKind::StalledStream, Some(m)) => {
                                m.stalled(0, m.wait_since_byte + limit)
                            }
                            _ => DispatchError::timed_out(
                                TimeoutKind::Read,
                                format!(
                                    "no response data for {} s (read timeout)",
                                    limit.as_secs_f64()
                                ),
                            ),
                        })
                    }
                },
            };
            let waited = started.elapsed();
            let frame = match frame {
                None => return Ok(None),
                Some(Ok(frame)) => frame,
                Some(Err(e)) => return Err(super::classify_body_error(e)),
            };
            let data = frame.into_data().unwrap_or_default();
            if let Some(monitor) = &mut self.monitor {
                monitor.record(waited, data.len() as u64)?;
            }
            if !data.is_empty() {
                return Ok(Some(data));
            }
        }
    }
}

/// What the request body and its watchdog share.
#[derive(Debug)]
struct UploadState {
    /// When the stack last took a chunk (or the body was made).
    last_ready: Instant,
    /// The body's source is not ready: its waiting is not the network's.
    waiting_on_source: bool,
    /// When the last byte was handed over.
    done_at: Option<Instant>,
    sent: u64,
    monitor: Option<Throughput>,
}

/// Watches one request: its body and the wait for the response head.
#[derive(Debug, Clone)]
pub(crate) struct UploadWatch {
    state: Arc<Mutex<UploadState>>,
    read_timeout: Option<Duration>,
}

impl UploadWatch {
    /// Wraps `body`; the watch's [`watchdog`] then fails the request when
    /// it stops moving.
    pub(crate) fn new(
        body: SdkBody,
        read_timeout: Option<Duration>,
        stall: &StalledStreamProtection,
    ) -> (WatchedBody, UploadWatch) {
        let now = Instant::now();
        let state = Arc::new(Mutex::new(UploadState {
            last_ready: now,
            waiting_on_source: false,
            done_at: body.is_end_stream().then_some(now),
            sent: 0,
            monitor: stall.monitor(stall.upload),
        }));
        let body = WatchedBody {
            inner: body,
            pending: None,
            state: state.clone(),
        };
        (
            body,
            UploadWatch {
                state,
                read_timeout,
            },
        )
    }

    /// Resolves with an error when the request stops moving (never, while
    /// it moves).
    pub(crate) async fn watchdog(self) -> DispatchError {
        loop {
            let now = Instant::now();
            let (deadline, error) = self.deadline(now);
            if let Some(error) = error {
                return error;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }

    /// The next moment to look, or the error when a deadline has passed.
    fn deadline(&self, now: Instant) -> (Instant, Option<DispatchError>) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let recheck = now + self.read_timeout.unwrap_or(Duration::from_secs(60));
        if let Some(done) = state.done_at {
            return match self.read_timeout {
                Some(limit) if now >= done + limit => (
                    now,
                    Some(DispatchError::timed_out(
                        TimeoutKind::Read,
                        format!(
                            "no response within {} s of sending the request (read timeout)",
                            limit.as_secs_f64()
                        ),
                    )),
                ),
                Some(limit) => (done + limit, None),
                None => (now + Duration::from_secs(3600), None),
            };
        }
        if state.waiting_on_source {
            return (recheck, None);
        }
        let mut next = recheck;
        if let Some(limit) = self.read_timeout {
            let at = state.last_ready + limit;
            if now >= at {
                let error = DispatchError::timed_out(
                    TimeoutKind::Read,
                    format!(
                        "the request body could not be sent: no progress for {} s after {} bytes (read timeout)",
                        limit.as_secs_f64(),
                        state.sent
                    ),
                );
                return (now, Some(error));
            }
            next = next.min(at);
        }
        if let Some(monitor) = &state.monitor {
            let left = monitor.remaining().saturating_sub(now - state.last_ready);
            if left.is_zero() {
                let error = monitor.stalled(0, monitor.wait_since_byte + (now - state.last_ready));
                return (now, Some(error));
            }
            next = next.min(now + left);
        }
        (next, None)
    }
}

/// A request body that tells its [`UploadWatch`] how it moves.
///
/// Large chunks are handed over in pieces of [`PIECE`] bytes (zero-copy
/// slices): the stack asks for the next piece once it has written most of
/// the last, so progress is seen as the bytes go out, not once per
/// many-megabyte buffer.
pub(crate) struct WatchedBody {
    inner: SdkBody,
    /// The rest of a large chunk.
    pending: Option<Bytes>,
    state: Arc<Mutex<UploadState>>,
}

/// The largest piece of a request body handed over at once.
pub(crate) const PIECE: usize = 64 * 1024;

impl std::fmt::Debug for WatchedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

/// The request body's error when stalled-stream protection stops an upload
/// (found again by [`super::classify`]).
#[derive(Debug)]
pub(crate) struct UploadStalled(pub(crate) DispatchError);

impl std::fmt::Display for UploadStalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for UploadStalled {}

impl Body for WatchedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let now = Instant::now();
        let waited = {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.waiting_on_source {
                Duration::ZERO
            } else {
                now - state.last_ready
            }
        };
        let this = &mut *self;
        let polled = match this.pending.take() {
            Some(rest) => Poll::Ready(Some(Ok(Frame::data(rest)))),
            None => Pin::new(&mut this.inner).poll_frame(cx),
        };
        // Keep all but the first piece of a large chunk for later.
        let polled = match polled {
            Poll::Ready(Some(Ok(frame))) if frame.data_ref().is_some_and(|d| d.len() > PIECE) => {
                let mut data = frame.into_data().unwrap_or_default();
                let rest = data.split_off(PIECE);
                this.pending = Some(rest);
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
            other => other,
        };
        let end = this.pending.is_none() && this.inner.is_end_stream();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &polled {
            Poll::Pending => {
                if !state.waiting_on_source {
                    state.waiting_on_source = true;
                    if let Some(m) = &mut state.monitor {
                        if let Err(e) = m.record(waited, 0) {
                            return Poll::Ready(Some(Err(Box::new(UploadStalled(e)))));
                        }
                    }
                }
            }
            Poll::Ready(Some(Ok(frame))) => {
                let n = frame.data_ref().map_or(0, |d| d.len() as u64);
                state.sent += n;
                state.waiting_on_source = false;
                state.last_ready = Instant::now();
                if end {
                    state.done_at = Some(state.last_ready);
                }
                if let Some(m) = &mut state.monitor {
                    if let Err(e) = m.record(waited, n) {
                        return Poll::Ready(Some(Err(Box::new(UploadStalled(e)))));
                    }
                }
            }
            Poll::Ready(None) => {
                state.waiting_on_source = false;
                state.done_at.get_or_insert(now);
            }
            Poll::Ready(Some(Err(_))) => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        match &self.pending {
            None => self.inner.size_hint(),
            Some(rest) => {
                let mut hint = self.inner.size_hint();
                let extra = rest.len() as u64;
                hint.set_lower(hint.lower() + extra);
                if let Some(upper) = hint.upper() {
                    hint.set_upper(upper + extra);
                }
                hint
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throughput_floor_over_network_time_only() {
        let cfg = StalledStreamProtection::default()
            .grace_period(Duration::from_secs(10))
            .min_throughput(100);
        let mut m = cfg.monitor(true).unwrap();
        // 5 s of waiting, 600 bytes: fine, window not full yet.
        m.record(Duration::from_secs(5), 600).unwrap();
        // 6 more seconds, 600 more: 1200 bytes in 11 s ≥ 1100.
        m.record(Duration::from_secs(6), 600).unwrap();
        assert_eq!(m.remaining(), Duration::from_secs(10));
        // A trickle: 10 bytes per 4 s.
        m.record(Duration::from_secs(4), 10).unwrap();
        m.record(Duration::from_secs(4), 10).unwrap();
        let err = m.record(Duration::from_secs(4), 10).unwrap_err();
        assert_eq!(err.timeout(), Some(TimeoutKind::StalledStream));
        assert!(err.to_string().contains("30 bytes in 12.0 s"), "{err}");
        // Waiting without bytes uses up the grace period.
        let mut m = cfg.monitor(true).unwrap();
        m.record(Duration::from_secs(3), 0).unwrap();
        assert_eq!(m.remaining(), Duration::from_secs(7));
        let off = StalledStreamProtection::disabled();
        assert!(off.monitor(off.upload).is_none() && off.monitor(off.download).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn upload_watchdog_follows_progress() {
        use futures_util::StreamExt;
        let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(1);
        let stream = tokio_stream_from(rx);
        let body = SdkBody::from_stream(stream.boxed(), None);
        let read = Duration::from_secs(5);
        let (mut body, watch) = UploadWatch::new(
            body,
            Some(read),
            &StalledStreamProtection::default().grace_period(Duration::from_secs(3)),
        );
        let dog = tokio::spawn(watch.clone().watchdog());
        // The source is slow (not the network): no timeout.
        let poll = |b: &mut WatchedBody| {
            let waker = futures_util::task::noop_waker();
            let mut cx = Context::from_waker(&waker);
            Pin::new(b).poll_frame(&mut cx).is_ready()
        };
        assert!(!poll(&mut body));
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert!(!dog.is_finished());
        // Data arrives and is taken; then the stack takes nothing more: the
        // stall is seen after the grace period, before the read timeout.
        tx.send(Ok(Bytes::from_static(b"abc"))).await.unwrap();
        assert!(poll(&mut body));
        let started = Instant::now();
        let err = dog.await.unwrap();
        assert_eq!(err.timeout(), Some(TimeoutKind::StalledStream), "{err}");
        assert_eq!(started.elapsed(), Duration::from_secs(3));
    }

    fn tokio_stream_from(
        mut rx: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
    ) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }
}
