//! [`TokenCache`]: a token reused until it nears expiry, refreshed one
//! attempt at a time and at most once a minute, as botocore's
//! `DeferredRefreshableToken`.
//!
//! * With no token yet, every caller waits for the one refresh in flight
//!   (mandatory).
//! * A token without an expiry is kept.
//! * Within a minute of the last refresh attempt (successful or not), the
//!   current token is used as it is ([`REFRESH_ATTEMPT_INTERVAL`]).
//! * Within the **advisory** window (15 minutes before expiry) the first
//!   caller refreshes while the others keep using the current token; if that
//!   refresh fails, the current token is kept.
//! * Within the **mandatory** window (10 minutes before expiry) every caller
//!   waits for the refresh in flight (even one that arrives while it runs)
//!   and a failure fails the call.
//! * An expired token is never returned: the call fails with
//!   [`TokenError::Expired`] (botocore: "Token has expired and refresh
//!   failed").
//!
//! No lock is held across the refresh: it is a shared future that all
//! waiting callers poll; the mutex only guards swapping values.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use futures_util::future::{BoxFuture, FutureExt, Shared};

use super::{
    ProvideToken, Token, TokenError, TokenFuture, ADVISORY_REFRESH, MANDATORY_REFRESH,
    REFRESH_ATTEMPT_INTERVAL,
};
use crate::credentials::Clock;
use crate::time::DateTime;

type Refresh = Shared<BoxFuture<'static, Result<Token, TokenError>>>;

/// Caches the token of a source provider and refreshes it ahead of expiry
/// (botocore's `DeferredRefreshableToken`).
pub struct TokenCache {
    source: Arc<dyn ProvideToken>,
    clock: Clock,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    current: Option<Token>,
    /// The refresh in flight and its number.
    refresh: Option<(u64, Refresh)>,
    refreshes_started: u64,
    /// No refresh attempt before this time (botocore's `_next_refresh`).
    next_refresh: Option<DateTime>,
}

/// How urgently the current token needs replacing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Urgency {
    Advisory,
    Mandatory,
}

/// What a caller does after looking at the state.
enum Step {
    Use(Token),
    Wait {
        id: u64,
        refresh: Refresh,
        /// The token to keep using if an advisory refresh fails.
        fallback: Option<Token>,
    },
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("TokenCache")
            .field("source", &self.source)
            .field("current", &state.current)
            .field("refreshing", &state.refresh.is_some())
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache in front of `source`, reading "now" from `clock`.
    pub fn new(source: Arc<dyn ProvideToken>, clock: Clock) -> Self {
        TokenCache {
            source,
            clock,
            state: Mutex::new(State::default()),
        }
    }

    /// The provider behind the cache.
    pub fn source(&self) -> &Arc<dyn ProvideToken> {
        &self.source
    }

    /// Forgets the cached token, so the next call asks the source again.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.current = None;
        state.next_refresh = None;
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// botocore's `_should_refresh`, except that a caller in the mandatory
    /// window joins a refresh in flight rather than taking the old token.
    fn urgency(state: &State, now: DateTime) -> Option<Urgency> {
        let Some(current) = &state.current else {
            return Some(Urgency::Mandatory);
        };
        let expiry = current.expires_at()?;
        let quiet = state.next_refresh.is_some_and(|next| now < next);
        if quiet && state.refresh.is_none() {
            return None;
        }
        let remaining = expiry.as_secs_f64() - now.as_secs_f64();
        if remaining < MANDATORY_REFRESH.as_secs_f64() {
            Some(Urgency::Mandatory)
        } else if remaining < ADVISORY_REFRESH.as_secs_f64() {
            Some(Urgency::Advisory)
        } else {
            None
        }
    }

    /// Decides, under the lock, whether to use the current token or wait for
    /// a refresh (starting one if none is in flight).
    fn step(&self, now: DateTime) -> Step {
        let mut state = self.lock();
        let urgency = Self::urgency(&state, now);
        let current = state.current.clone();
        let fallback = match (urgency, current) {
            (None, Some(current)) => return Step::Use(current),
            (Some(Urgency::Advisory), Some(current)) if state.refresh.is_some() => {
                return Step::Use(current)
            }
            (Some(Urgency::Advisory), current) => current,
            _ => None,
        };
        let (id, refresh) = match &state.refresh {
            Some((id, refresh)) => (*id, refresh.clone()),
            None => self.start_refresh(&mut state, now),
        };
        Step::Wait {
            id,
            refresh,
            fallback,
        }
    }

    /// Starts a refresh (the state is locked by the caller).
    fn start_refresh(&self, state: &mut State, now: DateTime) -> (u64, Refresh) {
        state.refreshes_started += 1;
        let id = state.refreshes_started;
        state.next_refresh = Some(DateTime::from_secs(
            now.secs() + REFRESH_ATTEMPT_INTERVAL.as_secs() as i64,
        ));
        let source = self.source.clone();
        let refresh: Refresh = async move { source.provide_token().await }.boxed().shared();
        state.refresh = Some((id, refresh.clone()));
        (id, refresh)
    }

    /// Records the outcome of refresh number `id` (only the first caller to
    /// finish it changes the state).
    fn finish(&self, id: u64, outcome: &Result<Token, TokenError>) {
        let mut state = self.lock();
        if !matches!(&state.refresh, Some((current, _)) if *current == id) {
            return;
        }
        state.refresh = None;
        if let Ok(token) = outcome {
            state.current = Some(token.clone());
        }
    }

    /// `token`, unless it has expired at `now`.
    fn unexpired(token: Token, now: DateTime) -> Result<Token, TokenError> {
        match token.expires_at() {
            Some(expired_at) if token.is_expired_at(now) => Err(TokenError::Expired {
                provider: token.provider_name(),
                expired_at,
            }),
            _ => Ok(token),
        }
    }

    async fn get(&self) -> Result<Token, TokenError> {
        let now = (self.clock)();
        let (id, refresh, fallback) = match self.step(now) {
            Step::Use(token) => return Self::unexpired(token, now),
            Step::Wait {
                id,
                refresh,
                fallback,
            } => (id, refresh, fallback),
        };
        let outcome = refresh.await;
        self.finish(id, &outcome);
        let now = (self.clock)();
        match (outcome, fallback) {
            (Ok(token), _) => Self::unexpired(token, now),
            (Err(error), Some(current)) => {
                tracing::warn!(%error, "refreshing the token failed in the advisory window; using the current one");
                Self::unexpired(current, now)
            }
            (Err(error), None) => Err(error),
        }
    }
}

impl ProvideToken for TokenCache {
    fn provide_token(&self) -> TokenFuture<'_> {
        Box::pin(self.get())
    }
}
