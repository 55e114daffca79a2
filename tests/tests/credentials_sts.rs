//! Role credentials end to end: profiles in a temporary HOME, moto's STS
//! behind a recording proxy on 127.0.0.1, and assertions on the requests
//! that reached the server (which keys signed `AssumeRole`, what it was
//! asked, which credentials signed the service call that followed).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use myaws_core::config::Env;
use myaws_core::credentials::{
    CredentialsError, DefaultChain, ProvideCredentials, ProviderContext,
};
use myaws_core::{SdkError, Session};
use myaws_sqs::types::ListQueuesRequest;
use myaws_tests::test_server::{Recorded, Reply, TestServer};
use myaws_tests::{moto, sigv4_check, Home};

/// A proxy in front of moto that records every request.
async fn proxy() -> TestServer {
    let upstream = moto().endpoint.trim_start_matches("http://").to_owned();
    TestServer::start(move |_| Reply::Forward(upstream.clone())).await
}

/// The access key id in a SigV4 `Authorization` header.
fn signing_key(request: &Recorded) -> Option<String> {
    let auth = request.header("authorization")?;
    let credential = auth.split("Credential=").nth(1)?;
    Some(credential.split('/').next()?.to_owned())
}

/// A form-encoded body's value of `key`.
fn form(request: &Recorded, key: &str) -> Option<String> {
    let body = String::from_utf8_lossy(&request.body).to_string();
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| decode(v))
    })
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&String::from_utf8_lossy(&bytes[i + 1..i + 3]), 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// The STS calls the proxy saw, by action.
fn sts_calls(server: &TestServer, action: &str) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| form(r, "Action").as_deref() == Some(action))
        .collect()
}

/// A session configured only by `home` and `vars` (plus the proxy as every
/// service's endpoint and a region), as a user's would be.
fn session(home: &Home, proxy: &TestServer, vars: &[(&str, &str)]) -> Session {
    let url = proxy.url();
    let mut all = vec![
        ("AWS_ENDPOINT_URL", url.as_str()),
        ("AWS_REGION", "us-east-1"),
    ];
    all.extend_from_slice(vars);
    Session::builder()
        .env(home.env(&all))
        .build()
        .expect("session")
}

/// Lists queues through the proxy and returns the key that signed it.
async fn signed_call(session: &Session, proxy: &TestServer) -> String {
    let before = proxy.requests().len();
    let sqs = myaws_sqs::Client::new(session).expect("sqs client");
    sqs.list_queues(ListQueuesRequest::default())
        .await
        .expect("ListQueues");
    let request = proxy.requests()[before..]
        .iter()
        .rev()
        .find(|r| {
            r.header("x-amz-target")
                .is_some_and(|t| t.contains("ListQueues"))
        })
        .cloned()
        .expect("the ListQueues request reached the server");
    signing_key(&request).expect("signed")
}

#[tokio::test]
async fn assume_role_from_source_profile_signs_with_the_role() {
    let proxy = proxy().await;
    let home = Home::new();
    home.config(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n\
         role_session_name = alice\nexternal_id = ext-42\nduration_seconds = 1800\n",
    )
    .credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
    let session = session(&home, &proxy, &[("AWS_PROFILE", "dev")]);
    let creds = session.credentials().await.expect("role credentials");
    assert_eq!(creds.provider_name(), "assume-role");
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert!(creds.session_token().is_some() && creds.expires_at().is_some());

    let calls = sts_calls(&proxy, "AssumeRole");
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(signing_key(call).as_deref(), Some("AKIDBASE"));
    sigv4_check::verify(call, "base-secret", false)
        .expect("AssumeRole signed with the base secret");
    assert_eq!(
        form(call, "RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/dev")
    );
    assert_eq!(form(call, "RoleSessionName").as_deref(), Some("alice"));
    assert_eq!(form(call, "ExternalId").as_deref(), Some("ext-42"));
    assert_eq!(form(call, "DurationSeconds").as_deref(), Some("1800"));

    // The service call is signed with the role's credentials and token.
    assert_eq!(signed_call(&session, &proxy).await, creds.access_key_id());
    let last = proxy.requests().pop().unwrap();
    assert_eq!(last.header("x-amz-security-token"), creds.session_token());
    sigv4_check::verify(&last, creds.secret_access_key(), false).expect("signed with the role");
    // Cached: no second AssumeRole.
    assert_eq!(sts_calls(&proxy, "AssumeRole").len(), 1);
}

#[tokio::test]
async fn role_chains_resolve_from_the_bottom_up() {
    let proxy = proxy().await;
    let home = Home::new();
    home.config(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = c\n\
         [profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = d\n\
         [profile d]\naws_access_key_id = AKIDD\naws_secret_access_key = d-secret\n\
         role_arn = arn:aws:iam::123456789012:role/d-is-not-assumed\nsource_profile = d\n",
    );
    let session = session(&home, &proxy, &[("AWS_PROFILE", "a")]);
    let creds = session.credentials().await.expect("chained role");
    let calls = sts_calls(&proxy, "AssumeRole");
    let roles: Vec<String> = calls.iter().filter_map(|c| form(c, "RoleArn")).collect();
    assert_eq!(
        roles,
        [
            "arn:aws:iam::123456789012:role/c",
            "arn:aws:iam::123456789012:role/b",
            "arn:aws:iam::123456789012:role/a"
        ]
    );
    // d's keys sign c's AssumeRole (a source profile with keys is used for
    // its keys, not its role, as in botocore); each role signs the next.
    assert_eq!(signing_key(&calls[0]).as_deref(), Some("AKIDD"));
    assert_ne!(signing_key(&calls[1]).as_deref(), Some("AKIDD"));
    assert_ne!(signing_key(&calls[2]), signing_key(&calls[1]));
    assert_eq!(signed_call(&session, &proxy).await, creds.access_key_id());
}

#[tokio::test]
async fn credential_source_environment_and_cycles() {
    let proxy = proxy().await;
    let home = Home::new();
    home.config(
        "[profile env-role]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = Environment\n\
         [profile loop-a]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = loop-b\n\
         [profile loop-b]\nrole_arn = arn:aws:iam::123456789012:role/y\nsource_profile = loop-a\n",
    );
    let keys = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
    ];
    let session_env = Session::builder()
        .env(home.env(&[
            ("AWS_ENDPOINT_URL", &proxy.url()),
            ("AWS_REGION", "us-east-1"),
            keys[0],
            keys[1],
        ]))
        .profile("env-role")
        .build()
        .unwrap();
    let creds = session_env.credentials().await.expect("role from env keys");
    assert_eq!(creds.provider_name(), "assume-role");
    let call = sts_calls(&proxy, "AssumeRole").pop().unwrap();
    assert_eq!(signing_key(&call).as_deref(), Some("AKIDENV"));

    let looping = session(&home, &proxy, &[("AWS_PROFILE", "loop-a")]);
    let err = looping.credentials().await.unwrap_err();
    assert!(matches!(err, CredentialsError::Config { .. }), "{err:?}");
    assert!(
        err.to_string().contains("loop-a -> loop-b -> loop-a"),
        "{err}"
    );
    // The same error reaches a service call, typed, and nothing is sent.
    let before = proxy.requests().len();
    let sqs = myaws_sqs::Client::new(&looping).unwrap();
    let call_err = sqs
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            call_err,
            SdkError::Credentials(CredentialsError::Config { .. })
        ),
        "{call_err:?}"
    );
    assert_eq!(proxy.requests().len(), before);
}

#[tokio::test]
async fn mfa_codes_come_from_the_callback() {
    let proxy = proxy().await;
    let home = Home::new();
    home.config(
        "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/m\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
    )
    .credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n");
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let session = Session::builder()
        .env(home.env(&[
            ("AWS_ENDPOINT_URL", &proxy.url()),
            ("AWS_REGION", "us-east-1"),
        ]))
        .profile("mfa")
        .mfa_token(move |serial| {
            counter.fetch_add(1, Ordering::SeqCst);
            assert_eq!(serial, "arn:aws:iam::123456789012:mfa/alice");
            Ok("123456".to_owned())
        })
        .build()
        .unwrap();
    session.credentials().await.expect("role with MFA");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    let call = sts_calls(&proxy, "AssumeRole").pop().unwrap();
    assert_eq!(
        form(&call, "SerialNumber").as_deref(),
        Some("arn:aws:iam::123456789012:mfa/alice")
    );
    assert_eq!(form(&call, "TokenCode").as_deref(), Some("123456"));

    // Without a callback: a clear error, and no AssumeRole sent.
    let before = sts_calls(&proxy, "AssumeRole").len();
    let no_callback = session_for_profile(&home, &proxy, "mfa");
    let err = no_callback.credentials().await.unwrap_err();
    assert!(err.to_string().contains("MFA"), "{err}");
    assert_eq!(sts_calls(&proxy, "AssumeRole").len(), before);
}

fn session_for_profile(home: &Home, proxy: &TestServer, profile: &str) -> Session {
    Session::builder()
        .env(home.env(&[
            ("AWS_ENDPOINT_URL", &proxy.url()),
            ("AWS_REGION", "us-east-1"),
        ]))
        .profile(profile)
        .build()
        .unwrap()
}

#[tokio::test]
async fn web_identity_from_env_rereads_the_token_file() {
    let proxy = proxy().await;
    let home = Home::new();
    let token_file = home.write("token", "first-oidc-token");
    let url = proxy.url();
    let env = home.env(&[
        ("AWS_ENDPOINT_URL", &url),
        ("AWS_REGION", "us-east-1"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod"),
        ("AWS_ROLE_SESSION_NAME", "pod-session"),
    ]);
    let session = Session::builder().env(env.clone()).build().unwrap();
    let creds = session.credentials().await.expect("web identity");
    assert_eq!(creds.provider_name(), "assume-role-with-web-identity");
    let call = sts_calls(&proxy, "AssumeRoleWithWebIdentity")
        .pop()
        .unwrap();
    assert_eq!(call.header("authorization"), None, "must not be signed");
    assert_eq!(
        form(&call, "WebIdentityToken").as_deref(),
        Some("first-oidc-token")
    );
    assert_eq!(
        form(&call, "RoleSessionName").as_deref(),
        Some("pod-session")
    );
    assert_eq!(signed_call(&session, &proxy).await, creds.access_key_id());

    // The chain itself (no cache) reads the file on every fetch.
    let chain = chain_for(&env, &home);
    chain.provide_credentials().await.unwrap();
    std::fs::write(&token_file, "rotated-oidc-token").unwrap();
    chain.provide_credentials().await.unwrap();
    let tokens: Vec<String> = sts_calls(&proxy, "AssumeRoleWithWebIdentity")
        .iter()
        .filter_map(|c| form(c, "WebIdentityToken"))
        .collect();
    assert_eq!(
        tokens[tokens.len() - 2..],
        ["first-oidc-token", "rotated-oidc-token"]
    );
}

fn chain_for(env: &Env, home: &Home) -> DefaultChain {
    let _ = home;
    let shared = Arc::new(myaws_core::config::SharedConfig::load(env).unwrap());
    let active = shared.select_profile(env, None).unwrap();
    let ctx =
        ProviderContext::new(env.clone(), shared, active).with_region(Some("us-east-1".into()));
    DefaultChain::new(Arc::new(ctx), "default", true)
}

#[tokio::test]
async fn web_identity_from_the_profile() {
    let proxy = proxy().await;
    let home = Home::new();
    let token_file = home.write("oidc/token", "profile-token");
    home.config(&format!(
        "[profile ci]\nweb_identity_token_file = {}\nrole_arn = arn:aws:iam::123456789012:role/ci\n",
        token_file.display()
    ));
    let session = session(&home, &proxy, &[("AWS_PROFILE", "ci")]);
    let creds = session
        .credentials()
        .await
        .expect("web identity from profile");
    let call = sts_calls(&proxy, "AssumeRoleWithWebIdentity")
        .pop()
        .unwrap();
    assert_eq!(
        form(&call, "WebIdentityToken").as_deref(),
        Some("profile-token")
    );
    assert!(form(&call, "RoleSessionName")
        .unwrap()
        .starts_with("myaws-session-"));
    assert_eq!(signed_call(&session, &proxy).await, creds.access_key_id());
}

#[tokio::test]
async fn one_assume_role_for_a_thousand_concurrent_calls() {
    let proxy = proxy().await;
    let home = Home::new();
    home.config(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n",
    )
    .credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n");
    let session = session(&home, &proxy, &[("AWS_PROFILE", "dev")]);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move { session.credentials().await })
        })
        .collect();
    let mut keys = std::collections::HashSet::new();
    for task in tasks {
        keys.insert(task.await.unwrap().unwrap().access_key_id().to_owned());
    }
    assert_eq!(keys.len(), 1);
    assert_eq!(sts_calls(&proxy, "AssumeRole").len(), 1);
}

#[tokio::test]
async fn sts_errors_are_typed_and_name_the_profile() {
    // A proxy answering STS with AccessDenied.
    let denied = TestServer::start(|_| Reply::Http {
        status: 403,
        headers: vec![("content-type".into(), "text/xml".into())],
        body: b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
<Message>not allowed</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"
            .to_vec(),
    })
    .await;
    let home = Home::new();
    home.config(
        "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n",
    )
    .credentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n");
    let session = session(&home, &denied, &[("AWS_PROFILE", "dev")]);
    let err = session.credentials().await.unwrap_err();
    match &err {
        CredentialsError::Provider {
            provider, profile, ..
        } => {
            assert_eq!(*provider, "assume-role");
            assert_eq!(profile.as_deref(), Some("dev"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("AccessDenied") && text.contains("role/dev"),
        "{text}"
    );
    assert!(std::error::Error::source(&err).is_some());
}
