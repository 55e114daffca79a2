//! [`ProviderContext`]: what the providers of one session share.

use std::fmt;
use std::sync::Arc;

use super::{Clock, MfaTokenProvider, ProvideCredentials};
use crate::config::{ActiveProfile, Env, Profile, SharedConfig};
use crate::session::Session;
use crate::time::DateTime;

/// What the credential providers of one session share: the environment
/// snapshot, the shared config files, the session's profile, region and
/// endpoint URL (for the clients they call), an MFA token callback and the
/// clock.
#[derive(Clone)]
pub struct ProviderContext {
    pub(crate) env: Env,
    pub(crate) shared: Arc<SharedConfig>,
    pub(crate) active_profile: ActiveProfile,
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) mfa: Option<Arc<dyn MfaTokenProvider>>,
    pub(crate) clock: Clock,
}

impl fmt::Debug for ProviderContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderContext")
            .field("profile", &self.active_profile.name)
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("mfa", &self.mfa.is_some())
            .finish_non_exhaustive()
    }
}

impl ProviderContext {
    /// A context over `env` and `shared` for the profile `active` (no
    /// region, system clock, no MFA callback).
    pub fn new(env: Env, shared: Arc<SharedConfig>, active: ActiveProfile) -> Self {
        ProviderContext {
            env,
            shared,
            active_profile: active,
            region: None,
            endpoint_url: None,
            mfa: None,
            clock: Arc::new(DateTime::now),
        }
    }

    /// The same context with the session's region.
    pub fn with_region(mut self, region: Option<String>) -> Self {
        self.region = region;
        self
    }

    /// The same context with the session's endpoint URL (used by the
    /// clients providers call, as by every client of the session).
    pub fn with_endpoint_url(mut self, url: Option<String>) -> Self {
        self.endpoint_url = url;
        self
    }

    /// The same context with an MFA token callback (for `mfa_serial`).
    pub fn with_mfa(mut self, mfa: Option<Arc<dyn MfaTokenProvider>>) -> Self {
        self.mfa = mfa;
        self
    }

    /// The same context with another clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The environment snapshot.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The shared config files.
    pub fn shared(&self) -> &SharedConfig {
        &self.shared
    }

    /// The settings of profile `name` (config file merged with credentials
    /// file), if it exists.
    pub fn profile(&self, name: &str) -> Option<Profile> {
        self.shared.profile(name)
    }

    /// The session's region, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Now, by this context's clock.
    pub fn now(&self) -> DateTime {
        (self.clock)()
    }

    /// A session for the clients providers call: the same environment,
    /// files, profile, region and endpoint URL, signing with `credentials`
    /// (or with none at all).
    pub(crate) fn nested_session(
        &self,
        credentials: Option<Arc<dyn ProvideCredentials>>,
    ) -> Session {
        Session::nested(self, credentials)
    }
}
