//! SigV4 signing keys and their cache.
//!
//! A signing key (`HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region),
//! service), "aws4_request")`, four HMAC-SHA256s) depends only on the secret
//! key, the day, the region and the service, so a process keeps the last few
//! it derived. Neither the secret nor a key is ever shown by `Debug`.

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

#[derive(Default)]
struct Slots {
    entries: Vec<Entry>,
    /// The slot the next new key replaces once the cache is full.
    next: usize,
}

/// A small cache of signing keys keyed by (access key id, secret key, date,
/// region, service); once full, new keys replace the oldest.
pub(crate) struct KeyCache {
    slots: Mutex<Slots>,
}

impl KeyCache {
    /// An empty cache.
    pub(crate) const fn new() -> Self {
        KeyCache {
            slots: Mutex::new(Slots {
                entries: Vec::new(),
                next: 0,
            }),
        }
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
        {
            let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            let hit = slots
                .entries
                .iter()
                .find(|e| e.matches(access_key_id, secret, date, region, service));
            if let Some(entry) = hit {
                return entry.key.clone();
            }
        }
        let key = SigningKey::derive(secret, time, region, service);
        let Ok(date_bytes) = <[u8; 8]>::try_from(date.as_bytes()) else {
            return key;
        };
        let entry = Entry {
            access_key_id: access_key_id.into(),
            secret: secret.into(),
            date: date_bytes,
            region: region.into(),
            service: service.into(),
            key: key.clone(),
        };
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if slots
            .entries
            .iter()
            .any(|e| e.matches(access_key_id, secret, date, region, service))
        {
            // Another thread derived it meanwhile.
        } else if slots.entries.len() < CAPACITY {
            slots.entries.push(entry);
        } else {
            let at = slots.next;
            slots.entries[at] = entry;
            slots.next = (at + 1) % CAPACITY;
        }
        key
    }

    /// How many keys are cached.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::new()
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("KeyCache")
            .field("entries", &slots.entries)
            .finish()
    }
}

/// The process's signing keys.
pub(crate) static KEYS: KeyCache = KeyCache::new();
