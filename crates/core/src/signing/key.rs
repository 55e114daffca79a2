//! SigV4 signing keys and their cache.
//!
//! A signing key (`HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region),
//! service), "aws4_request")`, four HMAC-SHA256s) depends only on the secret
//! key, the day, the region and the service, so a process keeps the last few
//! it derived. Neither the secret nor a key is ever shown by `Debug`.
//!
//! [`Bounded`], the cache itself, also holds SigV4a keys (`v4a`).

use std::convert::Infallible;
use std::sync::Mutex;
use std::time::SystemTime;

use aws_sigv4::sign::v4;

/// How many keys a [`KeyCache`] holds (credentials × regions × services a
/// process signs for on one day, typically one or two).
pub(crate) const CAPACITY: usize = 8;

/// A derived SigV4 signing key.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SigningKey([u8; 32]);

impl SigningKey {
    /// Derives the key for `secret` on `time`'s day (UTC) in `region` for
    /// `service`.
    pub(crate) fn derive(secret: &str, time: SystemTime, region: &str, service: &str) -> Self {
        let key = v4::generate_signing_key(secret, time, region, service);
        let mut out = [0; 32];
        out.copy_from_slice(key.as_ref());
        SigningKey(out)
    }

    /// The key's bytes, for `calculate_signature`.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

/// What a signing key depends on.
struct Entry {
    access_key_id: Box<str>,
    secret: Box<str>,
    date: [u8; 8],
    region: Box<str>,
    service: Box<str>,
    key: SigningKey,
}

impl Entry {
    fn matches(
        &self,
        access_key_id: &str,
        secret: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> bool {
        self.date.as_slice() == date.as_bytes()
            && &*self.service == service
            && &*self.region == region
            && &*self.access_key_id == access_key_id
            && &*self.secret == secret
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("access_key_id", &self.access_key_id)
            .field("date", &String::from_utf8_lossy(&self.date))
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// A small cache of entries, once full replacing the oldest (shared by
/// the SigV4 and the SigV4a key caches).
pub(super) struct Bounded<E, const N: usize> {
    slots: Mutex<Slots<E>>,
}

struct Slots<E> {
    entries: Vec<E>,
    /// The slot the next new entry replaces once the cache is full.
    next: usize,
}

/// An entry of a [`Bounded`] cache: what it hands out.
pub(super) trait Cached {
    /// The cached value (cheap to clone).
    type Value: Clone;
    /// The entry's value.
    fn value(&self) -> &Self::Value;
}

impl<E: Cached, const N: usize> Bounded<E, N> {
    /// An empty cache.
    pub(super) const fn new() -> Self {
        Bounded {
            slots: Mutex::new(Slots {
                entries: Vec::new(),
                next: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots<E>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value of the entry `hit` accepts, or of the entry `make` makes
    /// (then cached). `make` runs without the lock held.
    pub(super) fn get_or_insert_with<X>(
        &self,
        hit: impl Fn(&E) -> bool,
        make: impl FnOnce() -> Result<E, X>,
    ) -> Result<E::Value, X> {
        if let Some(entry) = self.lock().entries.iter().find(|e| hit(e)) {
            return Ok(entry.value().clone());
        }
        let entry = make()?;
        let value = entry.value().clone();
        let mut slots = self.lock();
        if slots.entries.iter().any(&hit) {
            // Another thread made it meanwhile.
        } else if slots.entries.len() < N {
            slots.entries.push(entry);
        } else {
            let at = slots.next;
            slots.entries[at] = entry;
            slots.next = (at + 1) % N;
        }
        Ok(value)
    }

    /// How many entries are cached.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

impl<E: Cached + std::fmt::Debug, const N: usize> std::fmt::Debug for Bounded<E, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.lock().entries).finish()
    }
}

impl Cached for Entry {
    type Value = SigningKey;

    fn value(&self) -> &SigningKey {
        &self.key
    }
}

/// A small cache of signing keys keyed by (access key id, secret key, date,
/// region, service); once full, new keys replace the oldest.
pub(crate) struct KeyCache(Bounded<Entry, CAPACITY>);

impl KeyCache {
    /// An empty cache.
    pub(crate) const fn new() -> Self {
        KeyCache(Bounded::new())
    }

    /// The key for these inputs: cached, or derived and cached. `date` is
    /// `time`'s `YYYYMMDD`.
    pub(crate) fn get(
        &self,
        access_key_id: &str,
        secret: &str,
        time: SystemTime,
        date: &str,
        region: &str,
        service: &str,
    ) -> SigningKey {
        let Ok(date_bytes) = <[u8; 8]>::try_from(date.as_bytes()) else {
            return SigningKey::derive(secret, time, region, service);
        };
        let key = self.0.get_or_insert_with(
            |e| e.matches(access_key_id, secret, date, region, service),
            || {
                Ok::<_, Infallible>(Entry {
                    access_key_id: access_key_id.into(),
                    secret: secret.into(),
                    date: date_bytes,
                    region: region.into(),
                    service: service.into(),
                    key: SigningKey::derive(secret, time, region, service),
                })
            },
        );
        match key {
            Ok(key) => key,
            Err(never) => match never {},
        }
    }

    /// How many keys are cached.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::new()
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("entries", &self.0)
            .finish()
    }
}

/// The process's signing keys.
pub(crate) static KEYS: KeyCache = KeyCache::new();
