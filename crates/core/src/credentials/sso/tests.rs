//! Tests of [`SsoProvider`] against a loopback SSO portal (and SSO-OIDC)
//! server, configured as a user would: a home directory with `~/.aws/config`
//! and the SSO token cache, endpoints from `AWS_ENDPOINT_URL_SSO*`.

use std::sync::Arc;

use serde_json::{json, Value as Json};

use super::*;
use crate::credentials::{CredentialsError, DefaultChain, ProvideCredentials};
use crate::test_server::{Recorded, Reply, TestServer};
use crate::token::tests::{
    block_on, create_token_reply, iso, read_json, sso_token, FakeClock, Machine, NOW,
    SSO_SESSION_CONFIG,
};

const LEGACY_CONFIG: &str = "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\n\
    sso_region = eu-west-1\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n";

/// The portal's answer: credentials expiring an hour from [`NOW`].
fn role_credentials_reply() -> Reply {
    Reply::json(&json!({
        "roleCredentials": {
            "accessKeyId": "ASIASSOEXAMPLE",
            "secretAccessKey": "SSO-SECRET-KEY",
            "sessionToken": "SSO-SESSION-TOKEN",
            "expiration": (NOW + 3600) * 1000 + 999,
        }
    }))
}

/// A server that plays the portal (`GET /federation/credentials`) and
/// SSO-OIDC (`POST /token`).
async fn sso_server() -> TestServer {
    TestServer::start(|request| match request.method.as_str() {
        "GET" => role_credentials_reply(),
        _ => create_token_reply("ACCESS-2"),
    })
    .await
}

/// The query parameters of a recorded request, sorted.
fn query(request: &Recorded) -> (String, Vec<(String, String)>) {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    pairs.sort();
    (path.to_owned(), pairs)
}

fn credentials_of(chain: &DefaultChain) -> Result<Credentials, CredentialsError> {
    block_on(chain.provide_credentials())
}

/// Asserts the request is `GetRoleCredentials` for `account`/`role` with
/// `token`, unsigned.
fn assert_get_role_credentials(request: &Recorded, account: &str, role: &str, token: &str) {
    assert_eq!(request.method, "GET");
    assert_eq!(
        query(request),
        (
            "/federation/credentials".to_owned(),
            vec![
                ("account_id".to_owned(), account.to_owned()),
                ("role_name".to_owned(), role.to_owned()),
            ]
        )
    );
    assert_eq!(request.header("x-amz-sso_bearer_token"), Some(token));
    assert!(request.header("authorization").is_none(), "{request:?}");
}

#[test]
fn sso_session_profile_gets_role_credentials() {
    block_on(async {
        let server = sso_server().await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 3600));
        let ctx = machine.context(
            &[("AWS_PROFILE", "dev"), ("AWS_ENDPOINT_URL_SSO", &url)],
            clock.clock(),
        );
        let chain = DefaultChain::new(ctx, "dev", true);
        let creds = chain.provide_credentials().await.unwrap();
        assert_eq!(
            (
                creds.access_key_id(),
                creds.secret_access_key(),
                creds.session_token(),
                creds.account_id(),
                creds.provider_name(),
            ),
            (
                "ASIASSOEXAMPLE",
                "SSO-SECRET-KEY",
                Some("SSO-SESSION-TOKEN"),
                Some("111122223333"),
                "sso"
            )
        );
        // Epoch milliseconds, truncated to the second as botocore does.
        assert_eq!(creds.expires_at(), Some(DateTime::from_secs(NOW + 3600)));
        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        assert_get_role_credentials(&requests[0], "111122223333", "Admin", "ACCESS-1");
    });
}

#[test]
fn sso_session_token_is_refreshed_and_the_new_one_used() {
    block_on(async {
        let server = sso_server().await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        let path = machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 10 * 60));
        let ctx = machine.context(
            &[
                ("AWS_ENDPOINT_URL_SSO", &url),
                ("AWS_ENDPOINT_URL_SSO_OIDC", &url),
            ],
            clock.clock(),
        );
        let creds = DefaultChain::new(ctx, "dev", true)
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(creds.access_key_id(), "ASIASSOEXAMPLE");
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{requests:?}");
        let (create_token, get_role) = (&requests[0], &requests[1]);
        assert_eq!(create_token.target, "/token");
        let body: Json = serde_json::from_slice(&create_token.body).unwrap();
        assert_eq!(
            body,
            json!({
                "grantType": "refresh_token",
                "clientId": "CLIENT-ID",
                "clientSecret": "CLIENT-SECRET-XYZ",
                "refreshToken": "REFRESH-TOKEN-XYZ",
            })
        );
        assert_get_role_credentials(get_role, "111122223333", "Admin", "ACCESS-2");
        let cached = read_json(&path);
        assert_eq!(cached["accessToken"], "ACCESS-2");
        assert_eq!(cached["expiresAt"], iso(NOW + 3600));
        assert_eq!(cached["refreshToken"], "NEW-REFRESH-TOKEN");
        let mut keys: Vec<&str> = cached
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "accessToken",
                "clientId",
                "clientSecret",
                "expiresAt",
                "refreshToken",
                "region",
                "registrationExpiresAt",
                "startUrl"
            ]
        );
    });
}

#[test]
fn legacy_profile_reads_the_start_url_cache() {
    block_on(async {
        let server = sso_server().await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(LEGACY_CONFIG);
        // Even when near expiry, a legacy token is never refreshed.
        machine.write_sso_cache(
            "https://legacy.awsapps.com/start",
            &sso_token("LEGACY-ACCESS", NOW + 60),
        );
        let ctx = machine.context(
            &[
                ("AWS_ENDPOINT_URL_SSO", &url),
                ("AWS_ENDPOINT_URL_SSO_OIDC", &url),
            ],
            clock.clock(),
        );
        let creds = DefaultChain::new(ctx, "legacy", true)
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(creds.account_id(), Some("444455556666"));
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{requests:?}");
        assert_get_role_credentials(&requests[0], "444455556666", "ReadOnly", "LEGACY-ACCESS");
    });
}

#[test]
fn expired_legacy_token_says_run_sso_login() {
    block_on(async {
        let server = sso_server().await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(LEGACY_CONFIG);
        machine.write_sso_cache(
            "https://legacy.awsapps.com/start",
            &sso_token("LEGACY-ACCESS", NOW),
        );
        let ctx = machine.context(&[("AWS_ENDPOINT_URL_SSO", &url)], clock.clock());
        let err = DefaultChain::new(ctx, "legacy", true)
            .provide_credentials()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("has expired or is otherwise invalid")
                && text.contains("aws sso login --profile legacy"),
            "{text}"
        );
        assert_eq!(err.profile(), Some("legacy"));
        assert!(server.requests().is_empty());
    });
}

#[test]
fn missing_cache_files_are_clear_errors() {
    let clock = FakeClock::at(NOW);
    for (config, profile, name) in [
        (SSO_SESSION_CONFIG, "dev", "corp"),
        (LEGACY_CONFIG, "legacy", "https://legacy.awsapps.com/start"),
    ] {
        let machine = Machine::new(config);
        let ctx = machine.context(&[], clock.clock());
        let err = credentials_of(&DefaultChain::new(ctx, profile, true)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("Token for {name} does not exist"))
                && text.contains(".aws/sso/cache/")
                && text.contains(&format!("aws sso login --profile {profile}")),
            "{text}"
        );
        assert!(matches!(err, CredentialsError::Provider { .. }), "{err:?}");
        // A cache file that is not JSON is an error too.
        std::fs::write(machine.write_sso_cache(name, &json!({})), "not json").unwrap();
        let ctx = machine.context(&[], clock.clock());
        let err = credentials_of(&DefaultChain::new(ctx, profile, true)).unwrap_err();
        assert!(err.to_string().contains("is invalid"), "{err}");
    }
}

#[test]
fn configuration_errors_are_botocores() {
    let clock = FakeClock::at(NOW);
    let cases = [
        (
            "[profile p]\nsso_account_id = 1\n",
            "The profile \"p\" is configured to use SSO but is missing required configuration: \
             sso_role_name, sso_start_url, sso_region",
        ),
        (
            "[profile p]\nsso_role_name = r\nsso_account_id = 1\nsso_session = nope\n",
            "The specified sso-session does not exist: \"nope\"",
        ),
        (
            "[profile p]\nsso_role_name = r\nsso_account_id = 1\nsso_session = corp\n\
             sso_region = us-east-1\n\
             [sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n",
            "The value for sso_region is inconsistent between profile (us-east-1) and \
             sso-session (eu-west-1).",
        ),
        (
            "[profile p]\nsso_account_id = 1\nsso_session = corp\n\
             [sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n",
            "missing required configuration: sso_role_name",
        ),
        (
            // Complete once merged, but the session itself lacks the start
            // URL that the token provider needs (botocore's SSOTokenProvider).
            "[profile p]\nsso_role_name = r\nsso_account_id = 1\nsso_session = corp\n\
             sso_start_url = https://x\n[sso-session corp]\nsso_region = eu-west-1\n",
            "is configured to use the SSO token provider but is missing the following \
             configuration: ['sso_start_url'].",
        ),
    ];
    for (config, needle) in cases {
        let machine = Machine::new(config);
        let ctx = machine.context(&[], clock.clock());
        let err = credentials_of(&DefaultChain::new(ctx, "p", true)).unwrap_err();
        assert!(
            matches!(&err, CredentialsError::Config { profile, .. } if profile == "p"),
            "{err:?}"
        );
        assert!(err.to_string().contains(needle), "{needle:?} not in {err}");
    }
    // Values that agree are fine; no sso_account_id/sso_role_name: not SSO.
    let machine = Machine::new(
        "[profile p]\nsso_role_name = r\nsso_account_id = 1\nsso_session = corp\n\
         sso_region = eu-west-1\n[sso-session corp]\nsso_start_url = https://x\n\
         sso_region = eu-west-1\n[profile q]\nsso_session = corp\n",
    );
    let ctx = machine.context(&[], clock.clock());
    assert!(
        SsoProvider::from_profile(ctx.clone(), &ctx.profile("p").unwrap())
            .unwrap()
            .is_some()
    );
    assert!(
        SsoProvider::from_profile(ctx.clone(), &ctx.profile("q").unwrap())
            .unwrap()
            .is_none()
    );
}

#[test]
fn unauthorized_exception_says_run_sso_login() {
    block_on(async {
        let server = TestServer::start(|_| Reply::Http {
            status: 401,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-amzn-errortype".into(), "UnauthorizedException".into()),
            ],
            body: br#"{"message":"Session token not found or invalid"}"#.to_vec(),
        })
        .await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 3600));
        let ctx = machine.context(&[("AWS_ENDPOINT_URL_SSO", &url)], clock.clock());
        let provider = SsoProvider::from_profile(ctx.clone(), &ctx.profile("dev").unwrap())
            .unwrap()
            .unwrap();
        let err = provider.provide_credentials().await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("has expired or is otherwise invalid")
                && text.contains("aws sso login --profile dev"),
            "{text}"
        );
        assert_eq!(
            (err.provider_name(), err.profile()),
            (Some("sso"), Some("dev"))
        );
        // The rejected token is forgotten: the next call reads the cache
        // again (where `aws sso login` may have put a new one).
        machine.write_sso_cache("corp", &sso_token("ACCESS-NEW", NOW + 3600));
        let _ = provider.provide_credentials().await;
        let requests = server.requests();
        assert_eq!(
            requests[1].header("x-amz-sso_bearer_token"),
            Some("ACCESS-NEW")
        );
    });
}

#[test]
fn no_secret_in_debug_or_display() {
    block_on(async {
        let server = sso_server().await;
        let url = server.url();
        let clock = FakeClock::at(NOW);
        let machine = Machine::new(SSO_SESSION_CONFIG);
        machine.write_sso_cache("corp", &sso_token("ACCESS-1", NOW + 10 * 60));
        let ctx = machine.context(
            &[
                ("AWS_ENDPOINT_URL_SSO", &url),
                ("AWS_ENDPOINT_URL_SSO_OIDC", &url),
            ],
            clock.clock(),
        );
        let provider = Arc::new(
            SsoProvider::from_profile(ctx.clone(), &ctx.profile("dev").unwrap())
                .unwrap()
                .unwrap(),
        );
        let creds = provider.provide_credentials().await.unwrap();
        // A failure after success, for its Display.
        std::fs::remove_file(machine.sso_cache_path("corp")).unwrap();
        let legacy = Machine::new(LEGACY_CONFIG);
        let legacy_ctx = legacy.context(&[], clock.clock());
        let error = DefaultChain::new(legacy_ctx, "legacy", true)
            .provide_credentials()
            .await
            .unwrap_err();
        let shown = [
            format!("{provider:?}"),
            format!("{provider:#?}"),
            format!("{creds:?}"),
            format!("{error} {error:?}"),
            format!("{ctx:?}"),
        ]
        .join("\n");
        for secret in [
            "ACCESS-1",
            "ACCESS-2",
            "CLIENT-SECRET-XYZ",
            "REFRESH-TOKEN-XYZ",
            "NEW-REFRESH-TOKEN",
            "SSO-SECRET-KEY",
            "SSO-SESSION-TOKEN",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("corp") && shown.contains("111122223333"),
            "{shown}"
        );
    });
}
