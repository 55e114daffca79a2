//! [`Clock`]: the monotonic clock adaptive mode's rate limiter and the
//! endpoint discovery cache read (botocore's `bucket.Clock`), and the way
//! the rate limiter waits. Tests use a manual clock, which only moves when
//! advanced or slept on, so rates and expiries are exact and no test waits.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// A monotonic clock in seconds (as `f64`, like botocore's `time.time()`),
/// and sleeping by it. Cheap to clone; clones of a manual clock share its
/// time.
#[derive(Clone)]
pub struct Clock {
    manual: Option<Arc<AtomicU64>>,
}

impl Clock {
    /// The system's monotonic clock; sleeping waits for real (tokio).
    pub fn system() -> Clock {
        Clock { manual: None }
    }

    /// A clock that starts at `start` seconds and only moves when
    /// [`advance`](Clock::advance)d or slept on (a sleep advances it at once
    /// and returns).
    pub fn manual(start: f64) -> Clock {
        Clock {
            manual: Some(Arc::new(AtomicU64::new(start.max(0.0).to_bits()))),
        }
    }

    /// Is this a manual clock?
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }

    /// The time in seconds: since an arbitrary point for the system clock
    /// (the first time any system clock was read in this process).
    pub fn now(&self) -> f64 {
        match &self.manual {
            Some(t) => f64::from_bits(t.load(Ordering::Acquire)),
            None => {
                static START: OnceLock<Instant> = OnceLock::new();
                START.get_or_init(Instant::now).elapsed().as_secs_f64()
            }
        }
    }

    /// Moves a manual clock forward by `by` (the system clock cannot be
    /// moved: nothing happens).
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.manual {
            let _ = t.fetch_update(Ordering::AcqRel, Ordering::Acquire, |bits| {
                Some((f64::from_bits(bits) + by.as_secs_f64()).to_bits())
            });
        }
    }

    /// Waits `duration` by this clock: a real sleep on the system clock, an
    /// instant [`advance`](Clock::advance) on a manual one.
    pub async fn sleep(&self, duration: Duration) {
        if self.manual.is_some() {
            self.advance(duration);
        } else if !duration.is_zero() {
            tokio::time::sleep(duration).await;
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.manual {
            Some(_) => write!(f, "Clock::manual({})", self.now()),
            None => f.write_str("Clock::system()"),
        }
    }
}

impl PartialEq for Clock {
    fn eq(&self, other: &Self) -> bool {
        match (&self.manual, &other.manual) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Clock {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clocks_move_only_when_told_and_share_time() {
        let clock = Clock::manual(10.0);
        let twin = clock.clone();
        assert_eq!(clock.now(), 10.0);
        clock.advance(Duration::from_millis(1500));
        assert_eq!(twin.now(), 11.5);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(twin.sleep(Duration::from_secs(2)));
        assert_eq!(clock.now(), 13.5);
        assert_eq!(clock, twin);
        assert_ne!(clock, Clock::manual(13.5));
        assert_eq!(Clock::system(), Clock::default());
        assert!(format!("{clock:?}").contains("13.5"));
    }

    #[test]
    fn the_system_clock_is_monotonic() {
        let clock = Clock::system();
        let a = clock.now();
        clock.advance(Duration::from_secs(100));
        let b = clock.now();
        assert!(b >= a && b - a < 100.0);
        assert!(!clock.is_manual());
    }
}
