//! SigV4a (`AWS4-ECDSA-P256-SHA256`) signing keys, their cache and the
//! signature (with the `sigv4a` cargo feature).
//!
//! A SigV4a key is a P-256 private key that aws-sigv4 derives from the
//! access key id and the secret key alone (`generate_signing_key`: an
//! HMAC-SHA256 counter KDF, usually one round), so one key signs for every
//! day, region set and service: the process keeps one per credentials. The
//! signature (`calculate_signature`) is ECDSA over the SHA-256 of the string
//! to sign, hex DER, with an RFC 6979 nonce; it costs a P-256 scalar
//! multiplication, far more than the key. Keys are wiped when dropped and
//! never shown by `Debug`, nor are the secrets they come from.

use std::sync::Arc;

use aws_sigv4::sign::v4a;
use zeroize::Zeroizing;

use super::key::{Bounded, Cached};

/// How many SigV4a keys [`V4A_KEYS`] holds (one per credentials a process
/// signs with; typically one).
pub(crate) const V4A_CAPACITY: usize = 4;

/// The length of a P-256 private scalar.
const KEY_LEN: usize = 32;

/// A derived SigV4a signing key (a big-endian P-256 private scalar), shared
/// by its copies and wiped when the last one is dropped.
#[derive(Clone)]
pub(crate) struct V4aKey(Arc<Zeroizing<[u8; KEY_LEN]>>);

impl V4aKey {
    /// Derives the key of `access_key_id` with `secret`.
    pub(crate) fn derive(access_key_id: &str, secret: &str) -> Result<Self, String> {
        let derived = v4a::generate_signing_key(access_key_id, secret);
        let derived = derived.as_ref();
        if derived.len() != KEY_LEN {
            return Err(format!(
                "SigV4a key derivation gave {} bytes, not {KEY_LEN}",
                derived.len()
            ));
        }
        let mut key = Zeroizing::new([0; KEY_LEN]);
        key.copy_from_slice(derived);
        Ok(V4aKey(Arc::new(key)))
    }

    /// The signature of `string_to_sign`: hex DER ECDSA P-256 over its
    /// SHA-256.
    pub(crate) fn sign(&self, string_to_sign: &[u8]) -> String {
        // A derived key is always a valid scalar (the KDF loops until it
        // is), which is all `calculate_signature` asserts.
        v4a::calculate_signature(&self.0[..], string_to_sign)
    }

    /// The private scalar (for the tests' public keys).
    #[cfg(test)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0[..]
    }

    /// Whether both are copies of one cached key.
    #[cfg(test)]
    pub(crate) fn is_same_key(&self, other: &V4aKey) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for V4aKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("V4aKey(** redacted **)")
    }
}

/// What a SigV4a key depends on.
struct Entry {
    access_key_id: Box<str>,
    secret: Zeroizing<Box<str>>,
    key: V4aKey,
}

impl Entry {
    fn matches(&self, access_key_id: &str, secret: &str) -> bool {
        &*self.access_key_id == access_key_id && **self.secret == *secret
    }
}

impl Cached for Entry {
    type Value = V4aKey;

    fn value(&self) -> &V4aKey {
        &self.key
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// A small cache of SigV4a keys keyed by (access key id, secret key); once
/// full, new keys replace the oldest.
pub(crate) struct V4aKeyCache(Bounded<Entry, V4A_CAPACITY>);

impl V4aKeyCache {
    /// An empty cache.
    pub(crate) const fn new() -> Self {
        V4aKeyCache(Bounded::new())
    }

    /// The key of these credentials: cached, or derived and cached.
    pub(crate) fn get(&self, access_key_id: &str, secret: &str) -> Result<V4aKey, String> {
        self.0.get_or_insert_with(
            |e| e.matches(access_key_id, secret),
            || {
                Ok(Entry {
                    access_key_id: access_key_id.into(),
                    secret: Zeroizing::new(secret.into()),
                    key: V4aKey::derive(access_key_id, secret)?,
                })
            },
        )
    }

    /// How many keys are cached.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl std::fmt::Debug for V4aKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("V4aKeyCache")
            .field("entries", &self.0)
            .finish()
    }
}

/// The process's SigV4a keys.
pub(crate) static V4A_KEYS: V4aKeyCache = V4aKeyCache::new();

/// The SigV4a signature of `string_to_sign` with the (cached) key of
/// `access_key_id` and `secret`.
pub(super) fn signature(
    access_key_id: &str,
    secret: &str,
    string_to_sign: &str,
) -> Result<String, String> {
    let key = V4A_KEYS.get(access_key_id, secret)?;
    Ok(key.sign(string_to_sign.as_bytes()))
}
