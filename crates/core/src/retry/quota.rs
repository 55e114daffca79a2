//! The retry quota of standard and adaptive modes (botocore's `quota.py`
//! and `RetryQuotaChecker`): a client-wide budget of 500 tokens. A retry
//! costs 5 (10 after a timeout); a successful call gives back what its last
//! retry cost, or 1 if it was not retried; it never holds more than 500.
//! When a retry cannot be paid for, it does not happen.

use std::sync::atomic::{AtomicU32, Ordering};

/// Capacity of a new quota, and its maximum.
pub const INITIAL_CAPACITY: u32 = 500;
/// What a retry costs.
pub const RETRY_COST: u32 = 5;
/// What a retry after a connect or read timeout costs.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// What a call that succeeded without retries gives back.
pub const NO_RETRY_INCREMENT: u32 = 1;

/// The client-wide retry quota (shared by clones of a client).
#[derive(Debug)]
pub struct RetryQuota {
    available: AtomicU32,
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota {
            available: AtomicU32::new(INITIAL_CAPACITY),
        }
    }
}

impl RetryQuota {
    /// Takes `cost` tokens; `false` (and nothing taken) when fewer are left.
    pub fn acquire(&self, cost: u32) -> bool {
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |a| a.checked_sub(cost))
            .is_ok()
    }

    /// Gives `amount` tokens back, never above the initial capacity.
    pub fn release(&self, amount: u32) {
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |a| {
                (a < INITIAL_CAPACITY).then(|| a.saturating_add(amount).min(INITIAL_CAPACITY))
            });
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drains_and_refills_like_botocore() {
        let q = RetryQuota::default();
        let mut taken = 0;
        while q.acquire(RETRY_COST) {
            taken += 1;
        }
        assert_eq!(taken, INITIAL_CAPACITY / RETRY_COST);
        assert!(!q.acquire(TIMEOUT_RETRY_COST));
        assert_eq!(q.available(), 0);
        q.release(RETRY_COST);
        assert_eq!(q.available(), RETRY_COST);
        q.release(NO_RETRY_INCREMENT);
        assert_eq!(q.available(), RETRY_COST + 1);
        // Never above the capacity.
        q.release(10_000);
        assert_eq!(q.available(), INITIAL_CAPACITY);
        q.release(u32::MAX);
        assert_eq!(q.available(), INITIAL_CAPACITY);
    }
}
