//! [`EndpointCache`]: a client's discovered endpoints and its recent
//! discovery failures (botocore's `EndpointDiscoveryManager` state), read by
//! a [`Clock`]. Bounded: at most [`MAX_KEYS`] keys (expired ones go first
//! when it is full).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::retry::Clock;

/// How long after a failed refresh no refresh is tried, in seconds.
pub const FAILURE_BACKOFF_SECONDS: f64 = 60.0;
/// Most cache keys kept.
pub const MAX_KEYS: usize = 256;

/// What endpoints are cached under: the operation and its identifiers, when
/// the discovery operation takes them (empty for DynamoDB).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CacheKey {
    /// The operation name, if part of the key.
    pub operation: Option<String>,
    /// The identifiers (member name, value), sorted.
    pub identifiers: Vec<(String, String)>,
}

/// A discovered endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveredEndpoint {
    /// Its URL (`https://` added to a bare address).
    pub url: String,
    /// When it expires, by the cache's clock.
    pub expires: f64,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<CacheKey, Vec<DiscoveredEndpoint>>,
    failed: HashMap<CacheKey, f64>,
}

/// A client's endpoint discovery cache.
#[derive(Debug)]
pub struct EndpointCache {
    clock: Clock,
    state: Mutex<State>,
}

impl EndpointCache {
    /// An empty cache reading `clock`.
    pub fn new(clock: Clock) -> EndpointCache {
        EndpointCache {
            clock,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cache's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The first endpoint under `key` that has not expired.
    pub fn current(&self, key: &CacheKey) -> Option<String> {
        let now = self.clock.now();
        let state = self.lock();
        let endpoints = state.entries.get(key)?;
        endpoints
            .iter()
            .find(|e| now < e.expires)
            .map(|e| e.url.clone())
    }

    /// The first endpoint under `key`, expired or not.
    pub fn stale(&self, key: &CacheKey) -> Option<String> {
        let state = self.lock();
        state.entries.get(key)?.first().map(|e| e.url.clone())
    }

    /// Stores what a refresh found (possibly nothing) and forgets a recent
    /// failure.
    pub fn store(&self, key: &CacheKey, endpoints: Vec<DiscoveredEndpoint>) {
        let now = self.clock.now();
        let mut state = self.lock();
        state.failed.remove(key);
        if !state.entries.contains_key(key) && state.entries.len() >= MAX_KEYS {
            state
                .entries
                .retain(|_, list| list.iter().any(|e| now < e.expires));
            if state.entries.len() >= MAX_KEYS {
                if let Some(victim) = state.entries.keys().next().cloned() {
                    state.entries.remove(&victim);
                }
            }
        }
        state.entries.insert(key.clone(), endpoints);
    }

    /// Records a failed refresh: none is tried for 60 s.
    pub fn mark_failed(&self, key: &CacheKey) {
        let until = self.clock.now() + FAILURE_BACKOFF_SECONDS;
        let mut state = self.lock();
        if !state.failed.contains_key(key) && state.failed.len() >= MAX_KEYS {
            let now = self.clock.now();
            state.failed.retain(|_, t| now < *t);
            if state.failed.len() >= MAX_KEYS {
                return;
            }
        }
        state.failed.insert(key.clone(), until);
    }

    /// A refresh failed less than 60 s ago (an older failure is forgotten).
    pub fn recently_failed(&self, key: &CacheKey) -> bool {
        let now = self.clock.now();
        let mut state = self.lock();
        match state.failed.get(key) {
            Some(&until) if now < until => true,
            Some(_) => {
                state.failed.remove(key);
                false
            }
            None => false,
        }
    }

    /// Drops the endpoints under `key` (the service said they are wrong).
    pub fn invalidate(&self, key: &CacheKey) {
        self.lock().entries.remove(key);
    }

    /// How many keys have endpoints cached.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
