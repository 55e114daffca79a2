//! A bounded cache of resolved endpoints, as botocore keeps one
//! (`EndpointProvider.resolve_endpoint` under an LRU cache of 100).
//!
//! Rule evaluation is a pure function of the parameters, so an endpoint once
//! resolved can be handed out again for the same values. The key holds only
//! the parameters the rules read (see [`reads`](super::reads)): S3's `Key`
//! is declared but never read, so every object of a bucket shares an entry.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::params::ParamValue;
use super::resolved::Endpoint;

/// How many endpoints a rule set keeps, botocore's `CACHE_SIZE`.
pub(super) const CAPACITY: usize = 100;

/// The values of the parameters the rules read, in declaration order
/// (defaults applied; `None` when unset).
pub(super) type CacheKey = Vec<Option<ParamValue>>;

/// Resolved endpoints by parameter values, most recently used first; the
/// last one is dropped when [`CAPACITY`] is reached.
///
/// A list, not a hash map: a call's key is usually the first entry (one
/// comparison, where hashing the key cost ~6k instructions), and keys that
/// differ mostly differ in their first value, the bucket or region.
pub(super) struct ResolutionCache {
    entries: Mutex<Vec<(CacheKey, Arc<Endpoint>)>>,
}

impl ResolutionCache {
    /// An empty cache.
    pub(super) fn new() -> ResolutionCache {
        ResolutionCache {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The endpoint resolved for `key`, moved to the front as just used.
    pub(super) fn get(&self, key: &CacheKey) -> Option<Arc<Endpoint>> {
        let mut entries = self.lock();
        let i = entries.iter().position(|(k, _)| k == key)?;
        entries[..=i].rotate_right(1);
        Some(entries[0].1.clone())
    }

    /// Keeps `endpoint` for `key` at the front, replacing an entry for the
    /// same key, else dropping the least recently used one when full.
    pub(super) fn insert(&self, key: CacheKey, endpoint: Arc<Endpoint>) {
        let mut entries = self.lock();
        if let Some(i) = entries.iter().position(|(k, _)| *k == key) {
            entries.remove(i);
        }
        entries.insert(0, (key, endpoint));
        entries.truncate(CAPACITY);
    }

    /// How many endpoints are kept.
    pub(super) fn len(&self) -> usize {
        self.lock().len()
    }

    /// A panic elsewhere cannot leave the list half-updated (every change
    /// is one `Vec` call), so a poisoned lock is still usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(CacheKey, Arc<Endpoint>)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for ResolutionCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolutionCache")
            .field("entries", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(bucket: &str) -> CacheKey {
        vec![Some(ParamValue::String(bucket.into())), None]
    }

    fn endpoint(url: &str) -> Arc<Endpoint> {
        Arc::new(Endpoint {
            url: url.into(),
            ..Endpoint::default()
        })
    }

    #[test]
    fn keeps_what_it_is_given() {
        let cache = ResolutionCache::new();
        assert!(cache.get(&key("a")).is_none());
        cache.insert(key("a"), endpoint("https://a"));
        assert_eq!(cache.get(&key("a")).unwrap().url, "https://a");
        assert!(cache.get(&key("b")).is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn evicts_the_least_recently_used_entry_when_full() {
        let cache = ResolutionCache::new();
        for i in 0..CAPACITY {
            cache.insert(key(&i.to_string()), endpoint(&format!("https://{i}")));
        }
        // Entry 0 is the oldest insert but was just used: entry 1 goes.
        assert!(cache.get(&key("0")).is_some());
        cache.insert(key("new"), endpoint("https://new"));
        assert_eq!(cache.len(), CAPACITY);
        assert!(cache.get(&key("0")).is_some());
        assert!(cache.get(&key("1")).is_none());
        assert!(cache.get(&key("2")).is_some());
        assert_eq!(cache.get(&key("new")).unwrap().url, "https://new");
    }

    #[test]
    fn stays_bounded_under_many_keys() {
        let cache = ResolutionCache::new();
        for i in 0..(CAPACITY * 5) {
            cache.insert(key(&i.to_string()), endpoint("https://x"));
            assert!(cache.len() <= CAPACITY);
        }
        assert_eq!(cache.len(), CAPACITY);
        // The last CAPACITY inserts are the ones kept.
        assert!(cache.get(&key(&(CAPACITY * 5 - 1).to_string())).is_some());
        assert!(cache.get(&key(&(CAPACITY * 4 - 1).to_string())).is_none());
    }

    #[test]
    fn replacing_an_entry_in_a_full_cache_evicts_nothing() {
        let cache = ResolutionCache::new();
        for i in 0..CAPACITY {
            cache.insert(key(&i.to_string()), endpoint("https://old"));
        }
        cache.insert(key("0"), endpoint("https://new"));
        assert_eq!(cache.len(), CAPACITY);
        assert_eq!(cache.get(&key("0")).unwrap().url, "https://new");
        assert!(cache.get(&key("1")).is_some());
    }
}
