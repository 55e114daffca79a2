//! Tests of [`LoginProvider`]: botocore's login vectors
//! (`tests/vectors/login-credentials/`) played against a loopback Sign-In
//! server, with every request's DPoP proof verified; error mapping, the
//! cache directory and secrets kept out of `Debug`/`Display`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value as Json};

use super::dpop::tests::{public_key, verify, TEST_KEY};
use super::*;
use crate::config::test_support::vectors_dir;
use crate::credentials::{ProfileProvider, ProvideCredentials};
use crate::test_server::{Recorded, Reply, TestServer};
use crate::token::tests::{block_on, iso, read_json, FakeClock, Machine, NOW};

const CONFIG: &str =
    "[profile signin]\nlogin_session = arn:aws:sts::012345678910:assumed-role/Admin/admin\n";
const SESSION: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";

/// A machine with `config` and the login cache in `~/login-cache`, and a
/// context whose Sign-In endpoint is `url`.
fn login_context(machine: &Machine, url: &str, clock: &FakeClock) -> Arc<ProviderContext> {
    let cache = machine.home.path().join("login-cache");
    let cache = cache.to_string_lossy();
    machine.context(
        &[
            ("AWS_LOGIN_CACHE_DIRECTORY", &cache),
            ("AWS_ENDPOINT_URL_SIGNIN", url),
            ("AWS_REGION", "us-east-1"),
            ("AWS_MAX_ATTEMPTS", "1"),
        ],
        clock.clock(),
    )
}

/// Writes `session` as the cache file of `login_session` `name`.
fn write_cache(machine: &Machine, name: &str, session: &Json) -> std::path::PathBuf {
    let file = cache_file(std::path::Path::new("login-cache"), name);
    machine
        .home
        .write(&file.to_string_lossy(), session.to_string())
}

// ---- botocore's vectors ----

/// The answer to mock call `mock`: its `tokenOutput` (the payload) or an
/// error status.
fn mock_reply(mock: Option<&Json>) -> Reply {
    let Some(mock) = mock else {
        return Reply::status(500, "no more calls expected");
    };
    match mock["responseCode"].as_u64() {
        Some(code) => Reply::status(code as u16, Vec::new()),
        None => Reply::json(&mock["response"]["tokenOutput"]),
    }
}

/// Checks a recorded `CreateOAuth2Token` against its mock: the token input
/// and a DPoP proof for this URL, now, signed by the cached key.
fn check_request(request: &Recorded, mock: &Json, url: &str, key: &str) -> Result<(), String> {
    if (request.method.as_str(), request.target.as_str()) != ("POST", "/v1/token") {
        return Err(format!("request {} {}", request.method, request.target));
    }
    let body: Json = serde_json::from_slice(&request.body).map_err(|e| e.to_string())?;
    if body != mock["request"]["tokenInput"] {
        return Err(format!(
            "tokenInput {body}, expected {}",
            mock["request"]["tokenInput"]
        ));
    }
    if request.header("authorization").is_some() {
        return Err("the request is signed".into());
    }
    let jwt = request.header("dpop").ok_or("no DPoP header")?;
    let proof = verify(jwt)?;
    let payload = &proof.payload;
    let jti = payload["jti"].as_str().unwrap_or_default();
    let expected_url = format!("{url}/v1/token");
    if payload["htm"] != "POST"
        || payload["htu"] != expected_url.as_str()
        || payload["iat"] != NOW
        || jti.len() != 36
    {
        return Err(format!("DPoP payload {payload}"));
    }
    if proof.public_key != public_key(key) {
        return Err("the DPoP jwk is not the cached key's".into());
    }
    Ok(())
}

/// Checks one outcome of a case.
fn check_outcome(
    outcome: &Json,
    result: &Result<Credentials, CredentialsError>,
    machine: &Machine,
) -> Result<(), String> {
    match outcome["result"].as_str() {
        Some("credentials") => {
            let creds = result.as_ref().map_err(|e| format!("error: {e}"))?;
            let got = json!({
                "result": "credentials",
                "accessKeyId": creds.access_key_id(),
                "secretAccessKey": creds.secret_access_key(),
                "sessionToken": creds.session_token(),
                "accountId": creds.account_id(),
                "expiresAt": creds.expires_at().map(|t| t.to_iso8601()),
            });
            (got == *outcome)
                .then_some(())
                .ok_or_else(|| format!("credentials {got}, expected {outcome}"))
        }
        Some("error") => match result {
            Err(_) => Ok(()),
            Ok(creds) => Err(format!("expected an error, got {creds:?}")),
        },
        Some("cacheContents") => {
            let files = outcome
                .as_object()
                .ok_or("cacheContents is not an object")?;
            for (name, expected) in files.iter().filter(|(k, _)| *k != "result") {
                let path = machine.home.path().join("login-cache").join(name);
                let got = read_json(&path);
                if got != *expected {
                    return Err(format!("cache file {name}: {got}, expected {expected}"));
                }
            }
            Ok(())
        }
        other => Err(format!("unknown outcome {other:?}")),
    }
}

/// Plays one vector.
async fn play(case: &Json) -> Result<(), String> {
    let mocks = case["mockApiCalls"].as_array().cloned().unwrap_or_default();
    let served = Arc::new(AtomicUsize::new(0));
    let replies = mocks.clone();
    let counter = served.clone();
    let server =
        TestServer::start(move |_| mock_reply(replies.get(counter.fetch_add(1, Ordering::SeqCst))))
            .await;
    let url = server.url();
    let machine = Machine::new(case["configContents"].as_str().ok_or("no configContents")?);
    let cache = case["cacheContents"]
        .as_object()
        .ok_or("no cacheContents")?;
    for (name, contents) in cache {
        machine
            .home
            .write(&format!("login-cache/{name}"), contents.to_string());
    }
    let clock = FakeClock::at(NOW);
    let ctx = login_context(&machine, &url, &clock);
    let result = ProfileProvider::new(ctx, "signin")
        .provide_credentials()
        .await;
    let requests = server.requests();
    if requests.len() != mocks.len() {
        return Err(format!(
            "{} calls, expected {}",
            requests.len(),
            mocks.len()
        ));
    }
    let key = cache
        .values()
        .find_map(|c| c["dpopKey"].as_str())
        .unwrap_or(TEST_KEY);
    for (request, mock) in requests.iter().zip(&mocks) {
        check_request(request, mock, &url, key)?;
    }
    let outcomes = case["outcomes"].as_array().ok_or("no outcomes")?;
    for outcome in outcomes {
        check_outcome(outcome, &result, &machine)?;
    }
    Ok(())
}

#[test]
fn login_vectors() {
    let path = vectors_dir().join("login-credentials/login-provider-test-cases.json");
    let text = std::fs::read_to_string(&path).expect("login vectors");
    let cases: Vec<Json> = serde_json::from_str(&text).expect("vectors are JSON");
    let (mut passed, mut failed, skipped) = (0, 0, 0);
    for case in &cases {
        let name = case["documentation"].as_str().unwrap_or("?");
        match block_on(play(case)) {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                println!("FAILED {name}: {e}");
            }
        }
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    assert_eq!((passed, failed), (8, 0));
}

// ---- beyond the vectors ----

/// A cached session whose credentials expire at `expires`.
fn session(expires: i64) -> Json {
    json!({
        "accessToken": {
            "accessKeyId": "ASIAOLD",
            "secretAccessKey": "OLD-SECRET-KEY",
            "sessionToken": "OLD-SESSION-TOKEN",
            "accountId": "012345678901",
            "expiresAt": iso(expires),
        },
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "LOGIN-REFRESH-TOKEN",
        "dpopKey": TEST_KEY,
    })
}

fn access_denied(error: &str) -> Reply {
    Reply::Http {
        status: 400,
        headers: vec![("x-amzn-errortype".into(), "AccessDeniedException".into())],
        body: json!({"error": error, "message": "denied"})
            .to_string()
            .into_bytes(),
    }
}

/// The error of a refresh answered by `reply`.
fn refresh_error(reply: Reply) -> CredentialsError {
    block_on(async {
        let server = TestServer::start(move |_| reply.clone()).await;
        let machine = Machine::new(CONFIG);
        write_cache(&machine, SESSION, &session(NOW - 1));
        let clock = FakeClock::at(NOW);
        let ctx = login_context(&machine, &server.url(), &clock);
        let provider = LoginProvider::from_profile(ctx.clone(), &ctx.profile("signin").unwrap())
            .unwrap()
            .unwrap();
        provider.provide_credentials().await.unwrap_err()
    })
}

#[test]
fn refresh_errors_are_mapped_as_botocore() {
    let cases = [
        (
            access_denied("TOKEN_EXPIRED"),
            "reauthenticate using 'aws login --profile signin'",
        ),
        (
            access_denied("USER_CREDENTIALS_CHANGED"),
            "Your session has expired or credentials have changed",
        ),
        (
            access_denied("INSUFFICIENT_PERMISSIONS"),
            "'signin:CreateOAuth2Token' action",
        ),
        (
            access_denied("AUTHCODE_EXPIRED"),
            "An unspecified error happened",
        ),
        (
            Reply::Http {
                status: 500,
                headers: vec![("x-amzn-errortype".into(), "InternalServerException".into())],
                body: br#"{"error":"server_error","message":"oops"}"#.to_vec(),
            },
            "CreateOAuth2Token) failed",
        ),
        (Reply::json(&json!({})), "invalid service response"),
    ];
    for (reply, needle) in cases {
        let err = refresh_error(reply);
        let text = err.to_string();
        assert!(text.contains(needle), "{needle:?} not in {text}");
        assert_eq!(
            (err.provider_name(), err.profile()),
            (Some("login"), Some("signin"))
        );
        for secret in ["LOGIN-REFRESH-TOKEN", "OLD-SECRET-KEY", "MIGHAgEA"] {
            assert!(
                !format!("{err} {err:?}").contains(secret),
                "{secret} in {err:?}"
            );
        }
    }
}

#[test]
fn unusable_cache_files_are_clear_errors() {
    let clock = FakeClock::at(NOW);
    let mut bad_key = session(NOW - 1);
    bad_key["dpopKey"] =
        json!("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----");
    let mut no_expiry = session(NOW + 3600);
    no_expiry["accessToken"]
        .as_object_mut()
        .unwrap()
        .remove("expiresAt");
    let cases = [
        (None, "Unable to load a existing login session for session"),
        (Some("{not json".to_owned()), "is not a JSON object"),
        (
            Some(bad_key.to_string()),
            "Unable to load private key from cached token.",
        ),
        (
            Some(no_expiry.to_string()),
            "the cached accessToken has no expiresAt",
        ),
        (
            Some(json!({"accessToken": {}}).to_string()),
            "missing required fields: refreshToken, dpopKey, clientId.",
        ),
    ];
    for (contents, needle) in cases {
        let machine = Machine::new(CONFIG);
        if let Some(contents) = contents {
            let file = cache_file(std::path::Path::new("login-cache"), SESSION);
            machine.home.write(&file.to_string_lossy(), contents);
        }
        let ctx = login_context(&machine, "http://127.0.0.1:9", &clock);
        let err = block_on(ProfileProvider::new(ctx, "signin").provide_credentials()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(needle), "{needle:?} not in {text}");
        assert!(text.contains("Error loading login session token"), "{text}");
    }
}

#[test]
fn cache_directory_is_botocores() {
    let clock = FakeClock::at(NOW);
    let machine = Machine::new(CONFIG);
    // Default: ~/.aws/login/cache.
    let default = cache_file(std::path::Path::new(".aws/login/cache"), SESSION);
    machine
        .home
        .write(&default.to_string_lossy(), session(NOW + 3600).to_string());
    assert!(default
        .to_string_lossy()
        .ends_with("4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json"));
    let ctx = machine.context(&[], clock.clock());
    let creds = block_on(ProfileProvider::new(ctx, "signin").provide_credentials()).unwrap();
    assert_eq!(
        (
            creds.access_key_id(),
            creds.account_id(),
            creds.provider_name()
        ),
        ("ASIAOLD", Some("012345678901"), "login")
    );
    // AWS_LOGIN_CACHE_DIRECTORY, with `~` expanded.
    let custom = cache_file(std::path::Path::new("custom"), SESSION);
    let mut other = session(NOW + 3600);
    other["accessToken"]["accessKeyId"] = json!("ASIACUSTOM");
    machine
        .home
        .write(&custom.to_string_lossy(), other.to_string());
    let ctx = machine.context(&[("AWS_LOGIN_CACHE_DIRECTORY", "~/custom")], clock.clock());
    let creds = block_on(ProfileProvider::new(ctx, "signin").provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "ASIACUSTOM");
}

#[test]
fn refresh_rewrites_the_cache_and_keeps_secrets_out_of_debug() {
    block_on(async {
        let server = TestServer::start(|_| {
            Reply::json(&json!({
                "accessToken": {
                    "accessKeyId": "ASIANEW",
                    "secretAccessKey": "NEW-SECRET-KEY",
                    "sessionToken": "NEW-SESSION-TOKEN",
                },
                "tokenType": "aws_sigv4",
                "expiresIn": 900,
                "refreshToken": "NEW-LOGIN-REFRESH-TOKEN",
            }))
        })
        .await;
        let machine = Machine::new(CONFIG);
        // Four minutes left: under the five-minute threshold.
        let path = write_cache(&machine, SESSION, &session(NOW + 4 * 60));
        let clock = FakeClock::at(NOW);
        let ctx = login_context(&machine, &server.url(), &clock);
        let provider = LoginProvider::from_profile(ctx.clone(), &ctx.profile("signin").unwrap())
            .unwrap()
            .unwrap();
        let creds = provider.provide_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), "ASIANEW");
        assert_eq!(creds.expires_at(), Some(DateTime::from_secs(NOW + 900)));
        let cached = read_json(&path);
        assert_eq!(cached["refreshToken"], "NEW-LOGIN-REFRESH-TOKEN");
        assert_eq!(cached["accessToken"]["accountId"], "012345678901");
        assert_eq!(cached["dpopKey"], TEST_KEY);
        // Six minutes left: used as cached, no call.
        write_cache(&machine, SESSION, &session(NOW + 6 * 60));
        let creds = provider.provide_credentials().await.unwrap();
        assert_eq!(creds.access_key_id(), "ASIAOLD");
        assert_eq!(server.requests().len(), 1);
        let shown = format!("{provider:?} {provider:#?} {creds:?}");
        for secret in [
            "NEW-SECRET-KEY",
            "NEW-SESSION-TOKEN",
            "NEW-LOGIN-REFRESH-TOKEN",
            "LOGIN-REFRESH-TOKEN",
            "OLD-SECRET-KEY",
            "MIGHAgEA",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains(SESSION), "{shown}");
    });
}
