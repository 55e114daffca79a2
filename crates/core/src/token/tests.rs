//! Tests of tokens: the refresh windows of [`TokenCache`], the environment
//! provider's variable names, the chain, and the SSO token provider against
//! a loopback SSO-OIDC server. Also the helpers the SSO and login credential
//! tests share: a user's machine (home directory, config file, token caches)
//! and a fake clock.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value as Json};

use super::*;
use crate::config::test_support::TempDir;
use crate::config::{Env, SharedConfig};
use crate::credentials::{Clock, ProviderContext};
use crate::test_server::{Reply, TestServer};
use crate::time::DateTime;

/// botocore's frozen "now" in the login vectors: 2025-11-19T00:00:00Z.
pub(crate) const NOW: i64 = 1_763_510_400;

pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// A clock the test moves by hand.
#[derive(Clone)]
pub(crate) struct FakeClock(Arc<AtomicI64>);

impl FakeClock {
    pub(crate) fn at(secs: i64) -> FakeClock {
        FakeClock(Arc::new(AtomicI64::new(secs)))
    }

    pub(crate) fn clock(&self) -> Clock {
        let now = self.0.clone();
        Arc::new(move || DateTime::from_secs(now.load(Ordering::SeqCst)))
    }

    pub(crate) fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    pub(crate) fn set(&self, secs: i64) {
        self.0.store(secs, Ordering::SeqCst);
    }
}

/// `secs` as botocore writes cache timestamps.
pub(crate) fn iso(secs: i64) -> String {
    DateTime::from_secs(secs).to_iso8601()
}

/// A user's machine: a home directory with `~/.aws/config`.
pub(crate) struct Machine {
    pub(crate) home: TempDir,
}

impl Machine {
    pub(crate) fn new(config: &str) -> Machine {
        let home = TempDir::new();
        home.write(".aws/config", config);
        Machine { home }
    }

    /// A provider context as a session on this machine makes it: `HOME`,
    /// the config file loaded, the profile chosen from `AWS_PROFILE`, plus
    /// `env`; no instance metadata.
    pub(crate) fn context(&self, env: &[(&str, &str)], clock: Clock) -> Arc<ProviderContext> {
        let home = self.home.path().to_string_lossy().into_owned();
        let mut pairs = vec![
            ("HOME".to_owned(), home),
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
        ];
        pairs.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let env = Env::from_pairs(pairs);
        let shared = Arc::new(SharedConfig::load(&env).expect("config"));
        let active = shared.select_profile(&env, None).expect("profile");
        Arc::new(ProviderContext::new(env, shared, active).with_clock(clock))
    }

    /// `~/.aws/sso/cache/<sha1(key)>.json`.
    pub(crate) fn sso_cache_path(&self, key: &str) -> PathBuf {
        let dir = sso_cache::cache_dir(&Env::from_pairs([(
            "HOME",
            self.home.path().to_string_lossy().into_owned(),
        )]))
        .expect("home");
        sso_cache::cache_file(&dir, key)
    }

    pub(crate) fn write_sso_cache(&self, key: &str, token: &Json) -> PathBuf {
        let path = self.sso_cache_path(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, token.to_string()).unwrap();
        path
    }
}

pub(crate) fn read_json(path: &std::path::Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// A cached SSO token as `aws sso login` writes it, expiring at `expires`,
/// with a client registration valid for a day.
pub(crate) fn sso_token(access_token: &str, expires: i64) -> Json {
    json!({
        "startUrl": "https://corp.awsapps.com/start",
        "region": "us-west-2",
        "accessToken": access_token,
        "expiresAt": iso(expires),
        "clientId": "CLIENT-ID",
        "clientSecret": "CLIENT-SECRET-XYZ",
        "registrationExpiresAt": iso(expires + 86_400),
        "refreshToken": "REFRESH-TOKEN-XYZ",
    })
}

pub(crate) const SSO_SESSION_CONFIG: &str = "[profile dev]\nsso_session = corp\n\
    sso_account_id = 111122223333\nsso_role_name = Admin\n\
    [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-west-2\n";

/// A `CreateToken` answer.
pub(crate) fn create_token_reply(access_token: &str) -> Reply {
    Reply::json(&json!({
        "accessToken": access_token,
        "tokenType": "Bearer",
        "expiresIn": 3600,
        "refreshToken": "NEW-REFRESH-TOKEN",
    }))
}

// ---- TokenCache ----

/// A source that counts its calls and returns tokens expiring `lifetime`
/// seconds after the fake clock's now, or fails while `failing` is set.
#[derive(Debug)]
struct Counting {
    calls: AtomicUsize,
    now: Arc<AtomicI64>,
    lifetime: i64,
    failing: AtomicBool,
    delay: Duration,
}

impl Counting {
    fn new(clock: &FakeClock, lifetime: i64) -> Arc<Counting> {
        Arc::new(Counting {
            calls: AtomicUsize::new(0),
            now: clock.0.clone(),
            lifetime,
            failing: AtomicBool::new(false),
            delay: Duration::ZERO,
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideToken for Counting {
    fn provide_token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            if self.failing.load(Ordering::SeqCst) {
                return Err(TokenError::provider("counting", None, "source is down"));
            }
            let now = self.now.load(Ordering::SeqCst);
            Ok(Token::new(
                format!("T{n}"),
                Some(DateTime::from_secs(now + self.lifetime)),
            ))
        })
    }
}

#[test]
fn token_cache_follows_deferred_refreshable_token() {
    let clock = FakeClock::at(NOW);
    let source = Counting::new(&clock, 3600);
    let cache = TokenCache::new(source.clone(), clock.clock());
    let get = || block_on(cache.provide_token());
    assert_eq!(get().unwrap().token(), "T1");
    // Well before expiry: cached.
    clock.set(NOW + 2000);
    assert_eq!(get().unwrap().token(), "T1");
    assert_eq!(source.calls(), 1);
    // 14 minutes left: advisory window, refreshed.
    clock.set(NOW + 3600 - 14 * 60);
    assert_eq!(get().unwrap().token(), "T2");
    let t2_expiry = NOW + 3600 - 14 * 60 + 3600;
    // An advisory refresh that fails keeps the current token...
    source.failing.store(true, Ordering::SeqCst);
    clock.set(t2_expiry - 14 * 60);
    assert_eq!(get().unwrap().token(), "T2");
    assert_eq!(source.calls(), 3);
    // ...and no attempt is made again within a minute.
    clock.set(t2_expiry - 14 * 60 + 59);
    assert_eq!(get().unwrap().token(), "T2");
    assert_eq!(source.calls(), 3);
    // In the mandatory window (9 minutes left) a failure fails the call.
    clock.set(t2_expiry - 9 * 60);
    let err = get().unwrap_err();
    assert!(err.to_string().contains("source is down"), "{err}");
    assert_eq!(source.calls(), 4);
    // Within the minute after, the still-valid token is used (botocore).
    clock.set(t2_expiry - 9 * 60 + 30);
    assert_eq!(get().unwrap().token(), "T2");
    // Expired: every call (a minute apart) tries again and fails.
    clock.set(t2_expiry + 1);
    let err = get().unwrap_err();
    assert!(err.to_string().contains("source is down"), "{err}");
    assert_eq!(source.calls(), 5);
    // Within the minute after, the expired token is never returned.
    let err = get().unwrap_err();
    assert!(matches!(err, TokenError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("refreshing it failed"), "{err}");
    assert_eq!(source.calls(), 5);
    // Recovery.
    source.failing.store(false, Ordering::SeqCst);
    clock.set(t2_expiry + 62);
    assert_eq!(get().unwrap().token(), "T6");
}

#[test]
fn token_cache_refuses_expired_refreshes_and_keeps_unexpiring_tokens() {
    let clock = FakeClock::at(NOW);
    let expired = TokenCache::new(Counting::new(&clock, -5), clock.clock());
    let err = block_on(expired.provide_token()).unwrap_err();
    assert!(matches!(err, TokenError::Expired { .. }), "{err}");

    let forever = Arc::new(StaticTokenProvider::new(Token::new("F", None)));
    let cache = TokenCache::new(forever, clock.clock());
    clock.set(NOW + 10 * 365 * 86_400);
    assert_eq!(block_on(cache.provide_token()).unwrap().token(), "F");
}

#[test]
fn token_cache_refreshes_once_for_many_concurrent_calls() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let clock = FakeClock::at(NOW);
    let source = Arc::new(Counting {
        calls: AtomicUsize::new(0),
        now: clock.0.clone(),
        lifetime: 3600,
        failing: AtomicBool::new(false),
        delay: Duration::from_millis(50),
    });
    let cache = Arc::new(TokenCache::new(source.clone(), clock.clock()));
    let wave = |expected: &'static str| {
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let cache = cache.clone();
                runtime.spawn(async move { cache.provide_token().await })
            })
            .collect();
        runtime.block_on(async {
            for task in tasks {
                assert_eq!(task.await.unwrap().unwrap().token(), expected);
            }
        });
    };
    wave("T1");
    assert_eq!(source.calls(), 1);
    clock.set(NOW + 3600 - 60);
    wave("T2");
    assert_eq!(source.calls(), 2);
}

// ---- EnvTokenProvider and the chain ----

#[test]
fn env_token_provider_names_variables_as_botocore() {
    let name = EnvTokenProvider::variable_name;
    assert_eq!(name("bedrock").as_deref(), Some("AWS_BEARER_TOKEN_BEDROCK"));
    assert_eq!(name("my-svc").as_deref(), Some("AWS_BEARER_TOKEN_MY_SVC"));
    assert_eq!(name("my svc").as_deref(), Some("AWS_BEARER_TOKEN_MY_SVC"));
    assert_eq!(name("  "), None);

    let env = Env::from_pairs([("AWS_BEARER_TOKEN_MY_SVC", "BEARER-SECRET")]);
    let provider = EnvTokenProvider::new(env.clone(), "my-svc");
    let token = block_on(provider.provide_token()).unwrap();
    assert_eq!(
        (token.token(), token.provider_name(), token.expires_at()),
        ("BEARER-SECRET", "env", None)
    );
    let shown = format!("{provider:?} {token:?}");
    assert!(shown.contains("AWS_BEARER_TOKEN_MY_SVC"), "{shown}");
    assert!(!shown.contains("BEARER-SECRET"), "{shown}");

    let err = block_on(EnvTokenProvider::new(env, "bedrock").provide_token()).unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(
        err.to_string().contains("AWS_BEARER_TOKEN_BEDROCK"),
        "{err}"
    );
    let blank = Env::from_pairs([("AWS_BEARER_TOKEN_BEDROCK", "")]);
    assert!(block_on(EnvTokenProvider::new(blank, "bedrock").provide_token()).is_err());
}

#[test]
fn token_chain_tries_the_environment_then_sso() {
    let clock = FakeClock::at(NOW);
    let machine = Machine::new(SSO_SESSION_CONFIG);
    machine.write_sso_cache("corp", &sso_token("SSO-ACCESS", NOW + 3600));
    let profile = [("AWS_PROFILE", "dev")];
    // No variable: the SSO token.
    let chain = TokenChain::default_chain(machine.context(&profile, clock.clock()), "bedrock");
    let token = block_on(chain.provide_token()).unwrap();
    assert_eq!(
        (token.token(), token.provider_name()),
        ("SSO-ACCESS", "sso")
    );
    // The variable wins.
    let env = [
        ("AWS_PROFILE", "dev"),
        ("AWS_BEARER_TOKEN_BEDROCK", "ENV-TOKEN"),
    ];
    let chain = TokenChain::default_chain(machine.context(&env, clock.clock()), "bedrock");
    assert_eq!(
        block_on(chain.provide_token()).unwrap().token(),
        "ENV-TOKEN"
    );
    // ...even over a broken sso-session, which is reported without it.
    let broken = Machine::new("[profile dev]\nsso_session = gone\n");
    let chain = TokenChain::default_chain(broken.context(&env, clock.clock()), "bedrock");
    assert_eq!(
        block_on(chain.provide_token()).unwrap().token(),
        "ENV-TOKEN"
    );
    let chain = TokenChain::default_chain(broken.context(&profile, clock.clock()), "bedrock");
    let err = block_on(chain.provide_token()).unwrap_err();
    assert!(matches!(err, TokenError::Config { .. }), "{err}");
    // Nothing configured: both places are listed.
    let none = Machine::new("[profile dev]\nregion = us-east-1\n");
    let chain = TokenChain::default_chain(none.context(&profile, clock.clock()), "bedrock");
    let text = block_on(chain.provide_token()).unwrap_err().to_string();
    assert!(
        text.contains("AWS_BEARER_TOKEN_BEDROCK") && text.contains("no sso_session"),
        "{text}"
    );
}

// ---- SsoTokenProvider ----

fn sso_token_provider(
    machine: &Machine,
    env: &[(&str, &str)],
    clock: &FakeClock,
) -> SsoTokenProvider {
    let ctx = machine.context(env, clock.clock());
    let profile = ctx.profile("dev").expect("profile dev");
    SsoTokenProvider::from_profile(ctx, &profile)
        .expect("config")
        .expect("sso_session")
}

#[test]
fn sso_token_provider_reads_the_session_cache() {
    block_on(async {
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 3600));
        let provider = sso_token_provider(&machine, &[], &clock);
        let token = provider.provide_token().await.unwrap();
        assert_eq!(token.token(), "ACCESS-1");
        assert_eq!(token.expires_at(), Some(DateTime::from_secs(NOW + 3600)));
        assert_eq!(
            (
                provider.session_name(),
                provider.start_url(),
                provider.region()
            ),
            ("corp", "https://corp.awsapps.com/start", "us-west-2")
        );
        let shown = format!("{provider:?} {token:?}");
        for secret in ["ACCESS-1", "CLIENT-SECRET-XYZ", "REFRESH-TOKEN-XYZ"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        // A missing cache file says what to run.
        std::fs::remove_file(machine.sso_cache_path("corp")).unwrap();
        let err = sso_token_provider(&machine, &[], &clock)
            .provide_token()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("Token for corp does not exist")
                && text.contains("aws sso login --profile dev"),
            "{text}"
        );
    });
}

#[test]
fn sso_token_provider_refreshes_and_rewrites_the_cache() {
    block_on(async {
        let server = TestServer::start(|_| create_token_reply("ACCESS-2")).await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        let path = machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 5 * 60));
        let env = [("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str())];
        let provider = sso_token_provider(&machine, &env, &clock);
        let token = provider.provide_token().await.unwrap();
        assert_eq!(token.token(), "ACCESS-2");
        assert_eq!(token.expires_at(), Some(DateTime::from_secs(NOW + 3600)));

        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(
            (request.method.as_str(), request.target.as_str()),
            ("POST", "/token")
        );
        assert!(request.header("authorization").is_none());
        let body: Json = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body,
            json!({
                "grantType": "refresh_token",
                "clientId": "CLIENT-ID",
                "clientSecret": "CLIENT-SECRET-XYZ",
                "refreshToken": "REFRESH-TOKEN-XYZ",
            })
        );
        assert_eq!(
            read_json(&path),
            json!({
                "startUrl": "https://corp.awsapps.com/start",
                "region": "us-west-2",
                "accessToken": "ACCESS-2",
                "expiresAt": iso(NOW + 3600),
                "clientId": "CLIENT-ID",
                "clientSecret": "CLIENT-SECRET-XYZ",
                "registrationExpiresAt": iso(NOW + 5 * 60 + 86_400),
                "refreshToken": "NEW-REFRESH-TOKEN",
            })
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The refreshed token is used without asking again.
        assert_eq!(provider.provide_token().await.unwrap().token(), "ACCESS-2");
        assert_eq!(server.requests().len(), 1);
    });
}

#[test]
fn sso_token_refresh_is_skipped_without_a_valid_registration() {
    block_on(async {
        let server = TestServer::start(|_| create_token_reply("NEVER")).await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        let env = [("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str())];
        let mut expired_registration = sso_token("ACCESS-1", NOW + 5 * 60);
        expired_registration["registrationExpiresAt"] = json!(iso(NOW - 1));
        let mut no_refresh_token = sso_token("ACCESS-1", NOW + 5 * 60);
        no_refresh_token
            .as_object_mut()
            .unwrap()
            .remove("refreshToken");
        for cached in [expired_registration, no_refresh_token] {
            machine.write_sso_cache("corp", &cached);
            let provider = sso_token_provider(&machine, &env, &clock);
            assert_eq!(provider.provide_token().await.unwrap().token(), "ACCESS-1");
        }
        assert!(server.requests().is_empty());
        // Expired and not refreshable: an error, never the expired token.
        let mut expired = sso_token("ACCESS-1", NOW - 1);
        expired.as_object_mut().unwrap().remove("refreshToken");
        machine.write_sso_cache("corp", &expired);
        let err = sso_token_provider(&machine, &env, &clock)
            .provide_token()
            .await
            .unwrap_err();
        assert!(matches!(err, TokenError::Expired { .. }), "{err}");
    });
}

#[test]
fn sso_token_refresh_failures_follow_the_windows() {
    block_on(async {
        let down = Arc::new(AtomicBool::new(true));
        let server_down = down.clone();
        let server = TestServer::start(move |_| {
            if server_down.load(Ordering::SeqCst) {
                Reply::Close
            } else {
                create_token_reply("ACCESS-2")
            }
        })
        .await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        let expiry = NOW + 3600;
        let path = machine.write_sso_cache("corp", &sso_token("ACCESS-1", expiry));
        let env = [
            ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
            ("AWS_MAX_ATTEMPTS", "1"),
        ];
        let provider = sso_token_provider(&machine, &env, &clock);
        assert_eq!(provider.provide_token().await.unwrap().token(), "ACCESS-1");
        // Advisory window (12 minutes left): the refresh fails, the current
        // token is kept.
        clock.set(expiry - 12 * 60);
        assert_eq!(provider.provide_token().await.unwrap().token(), "ACCESS-1");
        assert_eq!(server.requests().len(), 1);
        // Mandatory window (5 minutes left): the failure fails the call.
        clock.set(expiry - 5 * 60);
        let err = provider.provide_token().await.unwrap_err();
        assert!(err.to_string().contains("CreateToken"), "{err}");
        assert_eq!(server.requests().len(), 2);
        assert_eq!(read_json(&path)["accessToken"], "ACCESS-1");
        // A minute later, with the service back: refreshed.
        down.store(false, Ordering::SeqCst);
        clock.set(clock.now() + 61);
        assert_eq!(provider.provide_token().await.unwrap().token(), "ACCESS-2");
        assert_eq!(read_json(&path)["accessToken"], "ACCESS-2");
    });
}

#[test]
fn sso_token_service_errors_keep_the_cached_token() {
    // botocore catches ClientError from CreateToken and goes on with the
    // cached token until it expires.
    block_on(async {
        let server = TestServer::start(|_| Reply::Http {
            status: 400,
            headers: vec![("x-amzn-errortype".into(), "InvalidGrantException".into())],
            body: br#"{"error":"invalid_grant","error_description":"refresh token revoked"}"#
                .to_vec(),
        })
        .await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        let path = machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 5 * 60));
        let env = [("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str())];
        let provider = sso_token_provider(&machine, &env, &clock);
        assert_eq!(provider.provide_token().await.unwrap().token(), "ACCESS-1");
        assert_eq!(server.requests().len(), 1);
        assert_eq!(read_json(&path)["accessToken"], "ACCESS-1");
    });
}

#[test]
fn sso_token_config_errors_are_botocores() {
    let clock = FakeClock::at(NOW);
    let cases = [
        (
            "[profile dev]\nsso_session = gone\n",
            "The profile \"dev\" is configured to use the SSO token provider but the \"gone\" \
             sso_session configuration does not exist.",
        ),
        (
            "[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_region = us-east-1\n",
            "The profile \"dev\" is configured to use the SSO token provider but is missing the \
             following configuration: ['sso_start_url'].",
        ),
        (
            "[profile dev]\nsso_session = corp\n[sso-session corp]\n",
            "missing the following configuration: ['sso_start_url', 'sso_region'].",
        ),
    ];
    for (config, needle) in cases {
        let machine = Machine::new(config);
        let ctx = machine.context(&[], clock.clock());
        let profile = ctx.profile("dev").unwrap();
        let err = SsoTokenProvider::from_profile(ctx, &profile).unwrap_err();
        assert!(
            matches!(&err, TokenError::Config { profile, .. } if profile == "dev"),
            "{err}"
        );
        assert!(err.to_string().contains(needle), "{needle:?} not in {err}");
    }
    let machine = Machine::new("[profile dev]\nregion = us-east-1\n");
    let ctx = machine.context(&[("AWS_PROFILE", "dev")], clock.clock());
    assert!(SsoTokenProvider::for_active_profile(ctx).unwrap().is_none());
}

#[test]
fn sso_token_refresh_is_single_flight() {
    block_on(async {
        let server = TestServer::start(|_| {
            Reply::Delay(
                Duration::from_millis(100),
                Box::new(create_token_reply("ACCESS-2")),
            )
        })
        .await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 3600));
        let env = [("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str())];
        let provider = sso_token_provider(&machine, &env, &clock);
        assert_eq!(provider.provide_token().await.unwrap().token(), "ACCESS-1");
        // Everyone in the mandatory window waits for the one refresh.
        clock.set(NOW + 3600 - 5 * 60);
        let calls = (0..50).map(|_| provider.provide_token());
        for token in futures_util::future::join_all(calls).await {
            assert_eq!(token.unwrap().token(), "ACCESS-2");
        }
        assert_eq!(server.requests().len(), 1);
    });
}
