//! [`CredentialsCache`]: credentials reused until they near expiry, refreshed
//! one fetch at a time, as botocore's `RefreshableCredentials`.
//!
//! * Credentials without an expiry are fetched once and kept.
//! * Within the **advisory** window (15 minutes before expiry) the first
//!   caller refreshes while the others keep using the current credentials;
//!   if that refresh fails, the current credentials are kept (and the next
//!   advisory attempt waits [`RETRY_AFTER_FAILURE`]).
//! * Within the **mandatory** window (10 minutes before expiry), or with no
//!   credentials yet, every caller waits for the one refresh in flight and a
//!   failure fails the call.
//! * A refresh that returns credentials which have already expired is an
//!   error ([`CredentialsError::Expired`]).
//!
//! No lock is held across the fetch: the refresh is a shared future that all
//! waiting callers poll; the state's mutex only guards swapping values.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::{BoxFuture, FutureExt, Shared};

use super::{Credentials, CredentialsError, CredentialsFuture, ProvideCredentials};
use crate::time::DateTime;

/// botocore's advisory refresh window (`_DEFAULT_ADVISORY_REFRESH_TIMEOUT`).
pub const ADVISORY_REFRESH: Duration = Duration::from_secs(15 * 60);
/// botocore's mandatory refresh window (`_DEFAULT_MANDATORY_REFRESH_TIMEOUT`).
pub const MANDATORY_REFRESH: Duration = Duration::from_secs(10 * 60);
/// After a failed advisory refresh, how long the current credentials are
/// used before the next attempt (so an outage of the source costs one failed
/// fetch a minute, not one per call).
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);

/// The current time, as the cache sees it (replaceable in tests).
pub type Clock = Arc<dyn Fn() -> DateTime + Send + Sync>;

type Refresh = Shared<BoxFuture<'static, Result<Credentials, CredentialsError>>>;

/// Caches the credentials of a provider and refreshes them ahead of expiry.
///
/// A session wraps its provider (the default chain or one set in code) in
/// one of these; all clients of the session share it.
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    clock: Clock,
    advisory: Duration,
    mandatory: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    current: Option<Credentials>,
    /// The refresh in flight and its number.
    refresh: Option<(u64, Refresh)>,
    refreshes_started: u64,
    /// No advisory refresh before this time (after a failed one).
    quiet_until: Option<DateTime>,
}

/// What a caller does after looking at the state.
enum Step {
    Use(Credentials),
    Wait {
        id: u64,
        refresh: Refresh,
        /// Credentials to keep using if an advisory refresh fails.
        fallback: Option<Credentials>,
    },
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("CredentialsCache")
            .field("provider", &self.provider)
            .field("current", &state.current)
            .field("refreshing", &state.refresh.is_some())
            .finish_non_exhaustive()
    }
}

impl CredentialsCache {
    /// A cache in front of `provider` with botocore's refresh windows and the
    /// system clock.
    pub fn new(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache {
            provider,
            clock: Arc::new(DateTime::now),
            advisory: ADVISORY_REFRESH,
            mandatory: MANDATORY_REFRESH,
            state: Mutex::new(State::default()),
        }
    }

    /// Uses `clock` for "now" (tests use a fake one).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the refresh windows (`mandatory` is capped at `advisory`).
    pub fn with_windows(mut self, advisory: Duration, mandatory: Duration) -> Self {
        self.advisory = advisory;
        self.mandatory = mandatory.min(advisory);
        self
    }

    /// The provider behind the cache.
    pub fn provider(&self) -> &Arc<dyn ProvideCredentials> {
        &self.provider
    }

    /// Forgets the cached credentials, so the next call fetches new ones.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.current = None;
        state.quiet_until = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Seconds left before `credentials` expire at `now` (`None`: never).
    fn remaining(credentials: &Credentials, now: DateTime) -> Option<f64> {
        credentials
            .expires_at()
            .map(|expiry| expiry.as_secs_f64() - now.as_secs_f64())
    }

    /// Decides, under the lock, whether to use the current credentials or
    /// wait for a refresh (starting one if none is in flight).
    fn step(&self, now: DateTime) -> Step {
        let mut state = self.lock();
        let mut fallback = None;
        if let Some(current) = &state.current {
            match Self::remaining(current, now) {
                None => return Step::Use(current.clone()),
                Some(left) if left >= self.advisory.as_secs_f64() => {
                    return Step::Use(current.clone())
                }
                Some(left) if left >= self.mandatory.as_secs_f64() => {
                    // Advisory: someone else is refreshing, or we failed
                    // recently: keep going with what we have.
                    let quiet = state.quiet_until.is_some_and(|until| now < until);
                    if state.refresh.is_some() || quiet {
                        return Step::Use(current.clone());
                    }
                    fallback = Some(current.clone());
                }
                Some(_) => {}
            }
        }
        let (id, refresh) = match &state.refresh {
            Some((id, refresh)) => (*id, refresh.clone()),
            None => {
                state.refreshes_started += 1;
                let id = state.refreshes_started;
                let provider = self.provider.clone();
                let refresh: Refresh = async move { provider.provide_credentials().await }
                    .boxed()
                    .shared();
                state.refresh = Some((id, refresh.clone()));
                (id, refresh)
            }
        };
        Step::Wait {
            id,
            refresh,
            fallback,
        }
    }

    /// Records the outcome of refresh number `id` (only the first caller to
    /// finish it changes the state).
    fn finish(&self, id: u64, outcome: &Result<Credentials, CredentialsError>, now: DateTime) {
        let mut state = self.lock();
        if !matches!(&state.refresh, Some((current, _)) if *current == id) {
            return;
        }
        state.refresh = None;
        match outcome {
            Ok(credentials) if !credentials.is_expired_at(now) => {
                state.current = Some(credentials.clone());
                state.quiet_until = None;
            }
            _ => {
                state.quiet_until = Some(DateTime::from_secs(
                    now.secs() + RETRY_AFTER_FAILURE.as_secs() as i64,
                ));
            }
        }
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        let now = (self.clock)();
        let (id, refresh, fallback) = match self.step(now) {
            Step::Use(credentials) => return Ok(credentials),
            Step::Wait {
                id,
                refresh,
                fallback,
            } => (id, refresh, fallback),
        };
        let outcome = refresh.await;
        let now = (self.clock)();
        self.finish(id, &outcome, now);
        let result = match outcome {
            Ok(credentials) if credentials.is_expired_at(now) => Err(CredentialsError::Expired {
                provider: credentials.provider_name(),
                expired_at: credentials.expires_at().unwrap_or(now),
            }),
            other => other,
        };
        match (result, fallback) {
            (Err(error), Some(current)) => {
                tracing::warn!(%error, "refreshing credentials failed in the advisory window; using the current ones");
                Ok(current)
            }
            (result, _) => result,
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.get())
    }
}
