//! [`Progress`]: the callback a transfer reports to.

use std::fmt;
use std::sync::Arc;

/// A progress callback, as boto3's `Callback`: called with the number of
/// bytes transferred since the previous call (once per finished part), so
/// the calls add up to the file's size. Called from the transfer's tasks,
/// possibly concurrently: keep it quick.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(u64) + Send + Sync>>);

impl Progress {
    /// A callback that receives byte counts.
    pub fn new(callback: impl Fn(u64) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(callback)))
    }

    /// Reports `bytes` more transferred.
    pub(crate) fn report(&self, bytes: u64) {
        if let Some(callback) = &self.0 {
            if bytes > 0 {
                callback(bytes);
            }
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(callback)"
        } else {
            "Progress(none)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn reports_add_up_and_zero_is_skipped() {
        let total = Arc::new(AtomicU64::new(0));
        let calls = Arc::new(AtomicU64::new(0));
        let (t, c) = (total.clone(), calls.clone());
        let p = Progress::new(move |n| {
            t.fetch_add(n, Ordering::SeqCst);
            c.fetch_add(1, Ordering::SeqCst);
        });
        p.report(5);
        p.clone().report(7);
        p.report(0);
        assert_eq!(total.load(Ordering::SeqCst), 12);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        Progress::default().report(3);
        assert_eq!(format!("{:?}", Progress::default()), "Progress(none)");
    }
}
