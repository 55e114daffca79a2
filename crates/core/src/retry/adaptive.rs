//! Adaptive mode's client-side rate limiter: botocore's `ClientRateLimiter`
//! (`retries/adaptive.py`) with its `TokenBucket` (`bucket.py`),
//! `CubicCalculator` (`throttling.py`) and `RateClocker`.
//!
//! Every response (of every attempt) is recorded: the measured send rate is
//! updated in half-second buckets, smoothed; a throttling error turns the
//! limiter on and cuts the allowed rate (CUBIC's multiplicative decrease from
//! the rate the client was sending at); other responses let CUBIC grow it
//! back. Once on, every attempt takes a token from a bucket filled at the
//! allowed rate (never below 0.5 per second, never above twice the measured
//! rate), waiting for one if it is empty.
//!
//! One difference in how waiting is done: botocore's bucket blocks a thread
//! on a condition variable until a token is there; here a caller reserves its
//! token at once (the bucket may go below zero) and then sleeps for as long
//! as the bucket needs to cover it, with no lock held while it waits. A lone
//! caller waits exactly as long as botocore's would; concurrent callers are
//! served in the order they asked, each waiting at most (callers ahead of it
//! + 1) / rate.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::clock::Clock;

/// The bucket's lowest fill rate, in tokens per second.
pub const MIN_FILL_RATE: f64 = 0.5;
/// The allowed rate is never above this many times the measured rate.
pub const MAX_RATE_ADJUST_SCALE: f64 = 2.0;
/// CUBIC's scaling constant `C`.
pub const CUBIC_SCALE_CONSTANT: f64 = 0.4;
/// CUBIC's multiplicative decrease `β`.
pub const CUBIC_BETA: f64 = 0.7;
/// The weight of the newest half-second bucket in the measured rate.
pub const RATE_SMOOTHING: f64 = 0.8;
/// The measured rate's bucket width, in seconds.
pub const RATE_BUCKET_SECONDS: f64 = 0.5;

/// botocore's `TokenBucket`.
#[derive(Debug, Clone)]
struct TokenBucket {
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill: Option<f64>,
}

impl TokenBucket {
    fn new(max_rate: f64, now: f64) -> TokenBucket {
        let mut bucket = TokenBucket {
            fill_rate: MIN_FILL_RATE,
            max_capacity: 1.0,
            capacity: 0.0,
            last_refill: None,
        };
        bucket.set_max_rate(max_rate, now);
        bucket
    }

    /// The `max_rate` setter: tokens due at the old rate are added first.
    fn set_max_rate(&mut self, rate: f64, now: f64) {
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = if rate >= 1.0 { rate } else { 1.0 };
        self.capacity = self.capacity.min(self.max_capacity);
    }

    fn refill(&mut self, now: f64) {
        let Some(last) = self.last_refill else {
            self.last_refill = Some(now);
            return;
        };
        let fill = (now - last).max(0.0) * self.fill_rate;
        self.capacity = self.max_capacity.min(self.capacity + fill);
        self.last_refill = Some(now);
    }

    /// Takes one token; how long until the bucket has covered it.
    fn reserve(&mut self, now: f64) -> Duration {
        self.refill(now);
        let wait = if self.capacity >= 1.0 {
            0.0
        } else {
            (1.0 - self.capacity) / self.fill_rate
        };
        self.capacity -= 1.0;
        Duration::from_secs_f64(wait)
    }
}

/// botocore's `CubicCalculator`.
#[derive(Debug, Clone)]
struct Cubic {
    w_max: f64,
    k: f64,
    last_fail: f64,
}

impl Cubic {
    fn new(starting_max_rate: f64, start_time: f64) -> Cubic {
        let mut cubic = Cubic {
            w_max: starting_max_rate,
            k: 0.0,
            last_fail: start_time,
        };
        cubic.k = cubic.zero_point();
        cubic
    }

    fn zero_point(&self) -> f64 {
        (self.w_max * (1.0 - CUBIC_BETA) / CUBIC_SCALE_CONSTANT).cbrt()
    }

    fn success_received(&self, now: f64) -> f64 {
        let dt = now - self.last_fail;
        CUBIC_SCALE_CONSTANT * (dt - self.k).powi(3) + self.w_max
    }

    fn error_received(&mut self, current_rate: f64, now: f64) -> f64 {
        self.w_max = current_rate;
        self.k = self.zero_point();
        self.last_fail = now;
        current_rate * CUBIC_BETA
    }
}

/// botocore's `RateClocker`: the send rate, measured in half-second
/// buckets and smoothed.
#[derive(Debug, Clone)]
struct RateClocker {
    measured_rate: f64,
    last_bucket: f64,
    count: f64,
}

impl RateClocker {
    fn new(now: f64) -> RateClocker {
        RateClocker {
            measured_rate: 0.0,
            last_bucket: now.floor(),
            count: 0.0,
        }
    }

    fn record(&mut self, now: f64) -> f64 {
        let scale = 1.0 / RATE_BUCKET_SECONDS;
        let bucket = (now * scale).floor() / scale;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current = self.count / (bucket - self.last_bucket);
            self.measured_rate =
                current * RATE_SMOOTHING + self.measured_rate * (1.0 - RATE_SMOOTHING);
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        self.measured_rate
    }
}

#[derive(Debug)]
struct State {
    enabled: bool,
    bucket: TokenBucket,
    cubic: Cubic,
    clocker: RateClocker,
}

/// A snapshot of a rate limiter, for tests and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimiterState {
    /// Throttling has been seen: attempts take tokens.
    pub enabled: bool,
    /// The measured send rate, in requests per second.
    pub measured_rate: f64,
    /// The rate the bucket fills at (the allowed send rate, at least 0.5).
    pub fill_rate: f64,
    /// The bucket's capacity.
    pub max_capacity: f64,
    /// Tokens in the bucket at its last refill (below zero while callers
    /// wait for reserved tokens).
    pub available_capacity: f64,
    /// CUBIC's `W_max`: the rate at the last throttling error.
    pub last_max_rate: f64,
    /// When the last throttling error was seen, by the limiter's clock.
    pub last_throttle_time: f64,
}

/// botocore's `ClientRateLimiter`, one per client (shared by its clones).
#[derive(Debug)]
pub struct ClientRateLimiter {
    clock: Clock,
    state: Mutex<State>,
}

impl ClientRateLimiter {
    /// A limiter that is off until the first throttling error, reading
    /// `clock`.
    pub fn new(clock: Clock) -> ClientRateLimiter {
        let now = clock.now();
        ClientRateLimiter {
            state: Mutex::new(State {
                enabled: false,
                bucket: TokenBucket::new(1.0, now),
                cubic: Cubic::new(0.0, now),
                clocker: RateClocker::new(now),
            }),
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Before sending an attempt: takes a token if the limiter is on, and
    /// says how long to wait for it (zero when off or when one was there).
    pub fn reserve(&self) -> Duration {
        let mut state = self.lock();
        if !state.enabled {
            return Duration::ZERO;
        }
        let now = self.clock.now();
        state.bucket.reserve(now)
    }

    /// [`reserve`](Self::reserve), then waits by the limiter's clock (no lock
    /// is held while waiting).
    pub async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tracing::debug!(?wait, "adaptive retry mode: waiting for a send token");
            self.clock.sleep(wait).await;
        }
    }

    /// After every attempt's response (or failure to get one): records the
    /// send rate and adjusts the allowed rate; `throttled` says whether it
    /// was a throttling error.
    pub fn on_response(&self, throttled: bool) {
        let mut state = self.lock();
        let now = self.clock.now();
        let measured = state.clocker.record(now);
        let new_rate = if throttled {
            let rate = if state.enabled {
                measured.min(state.bucket.fill_rate)
            } else {
                measured
            };
            state.enabled = true;
            let new_rate = state.cubic.error_received(rate, now);
            tracing::debug!(
                new_rate,
                measured,
                "throttling response: adaptive retry mode slows down"
            );
            new_rate
        } else {
            state.cubic.success_received(now)
        };
        state
            .bucket
            .set_max_rate(new_rate.min(MAX_RATE_ADJUST_SCALE * measured), now);
    }

    /// The limiter's state now.
    pub fn state(&self) -> RateLimiterState {
        let state = self.lock();
        RateLimiterState {
            enabled: state.enabled,
            measured_rate: state.clocker.measured_rate,
            fill_rate: state.bucket.fill_rate,
            max_capacity: state.bucket.max_capacity,
            available_capacity: state.bucket.capacity,
            last_max_rate: state.cubic.w_max,
            last_throttle_time: state.cubic.last_fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// botocore's tests/unit/retries/test_throttling.py values.
    #[test]
    fn cubic_matches_botocore() {
        let mut cubic = Cubic::new(10.0, 0.0);
        // After an error at rate 10: rate × β, then growth back towards 10.
        assert!(close(cubic.error_received(10.0, 1.0), 7.0));
        let k = (10.0f64 * 0.3 / 0.4).cbrt();
        assert!(close(cubic.k, k));
        for t in [1.0, 1.5, 2.0, 3.0] {
            let want = 0.4 * (t - 1.0 - k).powi(3) + 10.0;
            assert!(close(cubic.success_received(t), want));
        }
        // At t = last_fail + K the rate is back at W_max.
        assert!(close(cubic.success_received(1.0 + k), 10.0));
    }

    #[test]
    fn token_bucket_refills_at_its_rate_and_caps() {
        let mut bucket = TokenBucket::new(1.0, 0.0);
        // Empty at first: the first token is a second away.
        assert_eq!(bucket.reserve(0.0), Duration::from_secs(1));
        assert!(close(bucket.capacity, -1.0));
        // Two seconds later the debt is paid and one token is there.
        assert_eq!(bucket.reserve(2.0), Duration::ZERO);
        // Capacity never exceeds max_capacity.
        bucket.refill(100.0);
        assert!(close(bucket.capacity, 1.0));
        // Rates below the minimum fill at the minimum, with capacity 1.
        bucket.set_max_rate(0.1, 100.0);
        assert!(close(bucket.fill_rate, MIN_FILL_RATE) && close(bucket.max_capacity, 1.0));
        bucket.set_max_rate(5.0, 100.0);
        assert!(close(bucket.fill_rate, 5.0) && close(bucket.max_capacity, 5.0));
        // Refilled at the old rate before the new one applies.
        bucket.reserve(100.0);
        bucket.set_max_rate(1.0, 100.2);
        assert!(close(bucket.capacity, 1.0));
    }

    #[test]
    fn rate_clocker_measures_in_half_second_buckets() {
        let mut clocker = RateClocker::new(0.0);
        // Ten requests within the first half second: not measured yet.
        for i in 0..10 {
            assert_eq!(clocker.record(f64::from(i) * 0.04), 0.0);
        }
        // The next bucket: 11 requests over 0.5 s = 22/s, smoothed by 0.8.
        assert!(close(clocker.record(0.5), 22.0 * 0.8));
        assert!(close(clocker.record(1.0), 2.0 * 0.8 + 22.0 * 0.8 * 0.2));
    }

    #[test]
    fn throttling_turns_it_on_and_slows_it_down() {
        let clock = Clock::manual(0.0);
        let limiter = ClientRateLimiter::new(clock.clone());
        assert_eq!(limiter.reserve(), Duration::ZERO);
        // 16 successful requests per second (1/16 s is exact in binary) for
        // 10 seconds: off, measured 16/s.
        let tick = Duration::from_micros(62_500);
        for _ in 0..160 {
            clock.advance(tick);
            limiter.on_response(false);
            assert_eq!(limiter.reserve(), Duration::ZERO);
        }
        let before = limiter.state();
        assert!(!before.enabled);
        assert!((before.measured_rate - 16.0).abs() < 1e-3, "{before:?}");
        // A throttling error: on, allowed rate = 0.7 × measured.
        clock.advance(tick);
        limiter.on_response(true);
        let after = limiter.state();
        assert!(after.enabled);
        assert!(close(after.last_max_rate, after.measured_rate));
        assert!(close(after.fill_rate, after.measured_rate * CUBIC_BETA));
        // Now sending takes tokens: in a burst beyond the capacity, the
        // 50th caller waits for 50 - capacity tokens at the fill rate.
        let mut last = Duration::ZERO;
        for _ in 0..50 {
            last = limiter.reserve();
        }
        let floor = (50.0 - after.max_capacity) / after.fill_rate;
        assert!(last.as_secs_f64() >= floor - 1e-6, "{last:?} {after:?}");
        // More throttling keeps cutting the rate, never below the minimum.
        for _ in 0..40 {
            clock.advance(Duration::from_millis(500));
            limiter.on_response(true);
        }
        let low = limiter.state();
        assert!(low.fill_rate < after.fill_rate);
        assert!(low.fill_rate >= MIN_FILL_RATE);
        // Successes let CUBIC grow the rate back (bounded by 2 × measured).
        for _ in 0..200 {
            clock.advance(Duration::from_millis(100));
            limiter.on_response(false);
        }
        let recovered = limiter.state();
        assert!(recovered.fill_rate > low.fill_rate, "{recovered:?} {low:?}");
        assert!(recovered.fill_rate <= 2.0 * recovered.measured_rate + MIN_FILL_RATE);
    }

    #[test]
    fn acquire_waits_by_the_clock() {
        let clock = Clock::manual(0.0);
        let limiter = ClientRateLimiter::new(clock.clone());
        limiter.on_response(true); // measured 0: the minimum rate, 0.5/s
        assert!(close(limiter.state().fill_rate, MIN_FILL_RATE));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(limiter.acquire());
        // The bucket was empty: one token at 0.5/s takes 2 s.
        assert!(close(clock.now(), 2.0));
        rt.block_on(limiter.acquire());
        assert!(close(clock.now(), 4.0));
    }
}
