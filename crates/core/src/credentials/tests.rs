//! Tests of credentials, the environment and profile-key providers, the
//! chain's selection and the cache. Providers that call services are tested
//! against local servers in `tests/tests/credentials*.rs`.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::config::{Env, SharedConfig};

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

fn shared(config: &str, credentials: &str) -> Arc<SharedConfig> {
    Arc::new(SharedConfig::parse(config, credentials).expect("parse"))
}

/// A context over `env` (plus `AWS_EC2_METADATA_DISABLED=true`, so no test
/// reaches for instance metadata) and the given files.
fn ctx(env: &[(&str, &str)], shared: Arc<SharedConfig>) -> Arc<ProviderContext> {
    let mut pairs: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    pairs.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
    let env = Env::from_pairs(pairs);
    let active = shared.select_profile(&env, None).expect("profile");
    Arc::new(ProviderContext::new(env, shared, active))
}

fn chain(env: &[(&str, &str)], shared: Arc<SharedConfig>, profile: &str) -> DefaultChain {
    DefaultChain::new(ctx(env, shared), profile, true)
}

/// The `Debug` text of the provider a chain selects.
fn selected(chain: &DefaultChain) -> String {
    match chain.selected_provider() {
        Ok(p) => format!("{p:?}"),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn debug_never_prints_secret_or_token() {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("FwoGZXIvYXdzEXAMPLETOKEN".into()),
        Some(DateTime::from_secs(1_700_000_000)),
    )
    .with_account_id(Some("123456789012".into()));
    let cache = CredentialsCache::new(Arc::new(StaticProvider::new(creds.clone())))
        .with_clock(Arc::new(|| DateTime::from_secs(0)));
    block_on(cache.provide_credentials()).unwrap();
    for shown in [
        format!("{creds:?}"),
        format!("{creds:#?}"),
        format!("{:?}", StaticProvider::new(creds.clone())),
        format!("{cache:?}"),
    ] {
        assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
        assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
        assert!(!shown.contains("FwoGZXIvYXdz"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert!(creds.is_expired_at(DateTime::from_secs(1_700_000_000)));
    assert!(!creds.is_expired_at(DateTime::from_secs(1_699_999_999)));
}

#[test]
fn environment_provider_reads_as_botocore() {
    let env = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "SECRET"),
        ("AWS_SESSION_TOKEN", "NEW"),
        ("AWS_SECURITY_TOKEN", "OLD"),
        ("AWS_CREDENTIAL_EXPIRATION", "2090-01-02T03:04:05Z"),
        ("AWS_ACCOUNT_ID", "111122223333"),
    ]);
    let got = block_on(EnvironmentProvider::new(env).provide_credentials()).unwrap();
    // botocore tries AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN.
    assert_eq!(
        (got.access_key_id(), got.session_token(), got.account_id()),
        ("AKID", Some("OLD"), Some("111122223333"))
    );
    assert_eq!(
        got.expires_at().map(|t| t.to_iso8601()).as_deref(),
        Some("2090-01-02T03:04:05Z")
    );
    assert_eq!(got.provider_name(), "env");

    let missing = EnvironmentProvider::new(Env::empty()).load().unwrap_err();
    assert!(missing.is_not_found());
    let partial = EnvironmentProvider::new(Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]))
        .load()
        .unwrap_err();
    assert!(
        matches!(partial, CredentialsError::Incomplete { ref missing, .. } if missing == "AWS_SECRET_ACCESS_KEY"),
        "{partial}"
    );
    let expired = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"),
    ]);
    let err = EnvironmentProvider::new(expired).load().unwrap_err();
    assert!(matches!(err, CredentialsError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("expired at 2001-01-01"), "{err}");
    let bad_time = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_CREDENTIAL_EXPIRATION", "soon"),
    ]);
    assert!(matches!(
        EnvironmentProvider::new(bad_time).load(),
        Err(CredentialsError::Invalid { .. })
    ));
}

#[test]
fn profile_keys_credentials_file_first() {
    let files = shared(
        "[profile dev]\naws_access_key_id = CFG\naws_secret_access_key = CFGSECRET\n\
         [profile cfgonly]\naws_access_key_id = C2\naws_secret_access_key = S2\naws_session_token = T2\naws_account_id = 42\n",
        "[dev]\naws_access_key_id = CRED\naws_secret_access_key = CREDSECRET\n",
    );
    let dev = block_on(chain(&[], files.clone(), "dev").provide_credentials()).unwrap();
    assert_eq!(
        (dev.access_key_id(), dev.provider_name()),
        ("CRED", "shared-credentials-file")
    );
    let cfg = block_on(chain(&[], files.clone(), "cfgonly").provide_credentials()).unwrap();
    assert_eq!(
        (cfg.access_key_id(), cfg.session_token(), cfg.account_id()),
        ("C2", Some("T2"), Some("42"))
    );
    assert_eq!(cfg.provider_name(), "config-file");
}

#[test]
fn partial_keys_name_the_profile_and_file() {
    let files = shared("", "[default]\naws_access_key_id = A\n");
    let err = block_on(chain(&[], files, "default").provide_credentials()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("aws_secret_access_key") && text.contains("profile `default`"),
        "{text}"
    );
}

#[test]
fn chain_order_follows_botocore() {
    let env_keys = [("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "S")];
    let keys = "[p]\naws_access_key_id = FILE\naws_secret_access_key = S\n";
    // Environment first, unless the profile was chosen in code.
    let files = shared("", keys);
    assert!(selected(&chain(&env_keys, files.clone(), "p")).contains("EnvironmentProvider"));
    let explicit = DefaultChain::new(ctx(&env_keys, files.clone()), "p", false);
    assert_eq!(
        block_on(explicit.provide_credentials())
            .unwrap()
            .access_key_id(),
        "FILE"
    );
    // role_arn wins over static keys in the same profile.
    let files = shared(
        "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n\
         [profile base]\naws_access_key_id = B\naws_secret_access_key = S\n",
        keys,
    );
    assert!(selected(&chain(&[], files, "p")).contains("AssumeRoleProvider"));
    // Web identity from the environment comes before the profile's SSO...
    let files = shared(
        "[profile p]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://x\n",
        "",
    );
    let web = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/token"),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/web"),
    ];
    assert!(selected(&chain(&web, files.clone(), "p")).contains("WebIdentityProvider"));
    // ...but not when the profile was set in code.
    let explicit = DefaultChain::new(ctx(&web, files.clone()), "p", false);
    assert!(selected(&explicit).contains("SsoProvider"));
    assert!(selected(&chain(&[], files, "p")).contains("SsoProvider"));
    // SSO before static keys; keys in the credentials file before login,
    // credential_process, then config-file keys.
    let files = shared(
        "[profile p]\nlogin_session = arn:aws:sts::1:assumed-role/a/b\ncredential_process = /bin/false\n\
         aws_access_key_id = CFG\naws_secret_access_key = S\n",
        keys,
    );
    assert!(selected(&chain(&[], files, "p")).contains("StaticProvider"));
    let files = shared(
        "[profile p]\nlogin_session = arn:aws:sts::1:assumed-role/a/b\ncredential_process = /bin/false\n",
        "",
    );
    assert!(selected(&chain(&[], files, "p")).contains("LoginProvider"));
    let files = shared(
        "[profile p]\ncredential_process = /bin/false\naws_access_key_id = CFG\naws_secret_access_key = S\n",
        "",
    );
    assert!(selected(&chain(&[], files, "p")).contains("ProcessProvider"));
    // Container credentials after the profile, instance metadata last.
    let container = [("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/c")];
    assert!(selected(&chain(&container, shared("", ""), "default")).contains("ContainerProvider"));
}

#[test]
fn nothing_configured_lists_what_was_tried() {
    let err = block_on(chain(&[], shared("", ""), "other").provide_credentials()).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("no AWS credentials found"), "{text}");
    for part in [
        "environment variables",
        "profile `other`",
        "container credentials",
        "instance metadata",
    ] {
        assert!(text.contains(part), "missing {part:?} in {text}");
    }
}

#[test]
fn assume_role_configuration_errors_are_clear() {
    let cases = [
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\n",
            "cycle (a -> b -> a)",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\n",
            "cycle (a -> a)",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nope\n",
            "source_profile `nope` does not exist",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\ncredential_source = Environment\n\
             [profile b]\n",
            "both source_profile and credential_source",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\n",
            "source_profile or credential_source",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2Metadata\n",
            "credential_source `Ec2Metadata` is not valid",
        ),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\n[profile b]\nregion = x\n",
            "used as a source_profile but has no credentials",
        ),
        (
            "[profile a]\nweb_identity_token_file = /t\n",
            "no role ARN",
        ),
    ];
    for (config, needle) in cases {
        let err = block_on(chain(&[], shared(config, ""), "a").provide_credentials()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(needle), "{needle:?} not in {text}");
        assert!(text.contains("`a`") || text.contains("profile"), "{text}");
    }
    // A profile may name itself when it holds the keys.
    let ok = shared(
        "[profile a]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\n\
         aws_access_key_id = A\naws_secret_access_key = S\n",
        "",
    );
    assert!(selected(&chain(&[], ok, "a")).contains("AssumeRoleProvider"));
    // Chains of any depth resolve to nested assume-role providers.
    let deep = shared(
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n\
         [profile c]\nrole_arn = arn:aws:iam::1:role/c\ncredential_source = Environment\n",
        "",
    );
    let shown = selected(&chain(&[], deep, "a"));
    for role in ["role/a", "role/b", "role/c", "NamedSource"] {
        assert!(shown.contains(role), "{role} not in {shown}");
    }
}

/// A provider that counts its calls and returns credentials expiring after
/// a fixed lifetime of the fake clock, or failures while `failing` is set.
#[derive(Debug)]
struct Counting {
    calls: AtomicUsize,
    now: Arc<AtomicU64>,
    lifetime: i64,
    failing: Mutex<bool>,
    delay: Duration,
}

impl Counting {
    fn new(now: Arc<AtomicU64>, lifetime: i64) -> Arc<Counting> {
        Arc::new(Counting {
            calls: AtomicUsize::new(0),
            now,
            lifetime,
            failing: Mutex::new(false),
            delay: Duration::ZERO,
        })
    }
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            if *self.failing.lock().unwrap() {
                return Err(CredentialsError::provider("counting", "source is down"));
            }
            let now = self.now.load(Ordering::SeqCst) as i64;
            Ok(Credentials::new(format!("AKID{n}"), "S", None, None)
                .with_expiry(Some(DateTime::from_secs(now + self.lifetime))))
        })
    }
}

fn fake_clock(now: &Arc<AtomicU64>) -> Clock {
    let now = now.clone();
    Arc::new(move || DateTime::from_secs(now.load(Ordering::SeqCst) as i64))
}

#[test]
fn cache_refreshes_in_botocores_windows() {
    let now = Arc::new(AtomicU64::new(1_000_000));
    let source = Counting::new(now.clone(), 3600);
    let cache = CredentialsCache::new(source.clone()).with_clock(fake_clock(&now));
    let get = || block_on(cache.provide_credentials());
    assert_eq!(get().unwrap().access_key_id(), "AKID1");
    // Well before expiry: cached.
    now.fetch_add(2000, Ordering::SeqCst);
    assert_eq!(get().unwrap().access_key_id(), "AKID1");
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
    // 14 minutes left: advisory window, refreshed.
    now.fetch_add(3600 - 2000 - 14 * 60, Ordering::SeqCst);
    assert_eq!(get().unwrap().access_key_id(), "AKID2");
    // Advisory refresh failing keeps the current credentials...
    *source.failing.lock().unwrap() = true;
    now.fetch_add(3600 - 14 * 60, Ordering::SeqCst);
    assert_eq!(get().unwrap().access_key_id(), "AKID2");
    assert_eq!(source.calls.load(Ordering::SeqCst), 3);
    // ...and the next attempt waits a minute.
    assert_eq!(get().unwrap().access_key_id(), "AKID2");
    assert_eq!(source.calls.load(Ordering::SeqCst), 3);
    // In the mandatory window (9 minutes left) a failure fails the call.
    now.fetch_add(5 * 60, Ordering::SeqCst);
    let err = get().unwrap_err();
    assert!(err.to_string().contains("source is down"), "{err}");
    // Recovery.
    *source.failing.lock().unwrap() = false;
    assert_eq!(get().unwrap().access_key_id(), "AKID5");
}

#[test]
fn cache_refuses_refreshed_credentials_that_are_already_expired() {
    let now = Arc::new(AtomicU64::new(1_000_000));
    let source = Counting::new(now.clone(), -5);
    let cache = CredentialsCache::new(source.clone()).with_clock(fake_clock(&now));
    let err = block_on(cache.provide_credentials()).unwrap_err();
    assert!(matches!(err, CredentialsError::Expired { .. }), "{err}");
}

#[test]
fn cache_keeps_credentials_without_expiry() {
    let creds = Credentials::new("A", "S", None, None);
    let source = Arc::new(StaticProvider::new(creds));
    let cache = CredentialsCache::new(source);
    for _ in 0..3 {
        assert_eq!(
            block_on(cache.provide_credentials())
                .unwrap()
                .access_key_id(),
            "A"
        );
    }
}

#[test]
fn one_fetch_for_a_thousand_concurrent_calls() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let now = Arc::new(AtomicU64::new(1_000_000));
    let source = Arc::new(Counting {
        calls: AtomicUsize::new(0),
        now: now.clone(),
        lifetime: 3600,
        failing: Mutex::new(false),
        delay: Duration::from_millis(50),
    });
    let cache = Arc::new(CredentialsCache::new(source.clone()).with_clock(fake_clock(&now)));
    let run_wave = |expected: &'static str| {
        let tasks: Vec<_> = (0..1000)
            .map(|_| {
                let cache = cache.clone();
                runtime.spawn(async move { cache.provide_credentials().await })
            })
            .collect();
        runtime.block_on(async {
            for task in tasks {
                let creds = task.await.unwrap().unwrap();
                assert_eq!(creds.access_key_id(), expected);
            }
        });
    };
    run_wave("AKID1");
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
    // Into the mandatory window: again exactly one fetch for everyone.
    now.fetch_add(3600 - 60, Ordering::SeqCst);
    run_wave("AKID2");
    assert_eq!(source.calls.load(Ordering::SeqCst), 2);
}
