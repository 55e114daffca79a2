//! `credential_process` end to end: real executables in a temporary HOME,
//! configured in `~/.aws/config`, and the credentials they print signing a
//! request that a loopback server checks.

use myaws_core::credentials::CredentialsError;
use myaws_core::Session;
use myaws_sqs::types::ListQueuesRequest;
use myaws_tests::sigv4_check;
use myaws_tests::test_server::{Reply, TestServer};
use myaws_tests::Home;

/// Writes an executable shell script into `home` and returns its path.
fn script(home: &Home, name: &str, body: &str) -> String {
    let path = home.write(name, &format!("#!/bin/sh\n{body}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

fn session(home: &Home, server: &TestServer, profile: &str) -> Session {
    Session::builder()
        .env(home.env(&[
            ("AWS_ENDPOINT_URL", &server.url()),
            ("AWS_REGION", "eu-west-1"),
        ]))
        .profile(profile)
        .build()
        .unwrap()
}

#[tokio::test]
async fn process_credentials_sign_requests() {
    let server = TestServer::start(|_| Reply::json(&serde_json::json!({"QueueUrls": []}))).await;
    let home = Home::new();
    let ok = script(
        &home,
        "bin/creds with space",
        r#"echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc-secret",
 "SessionToken": "proc-token", "Expiration": "2099-01-01T00:00:00Z"}'"#,
    );
    home.config(&format!(
        "[profile proc]\ncredential_process = \"{ok}\" --ignored-arg\naws_account_id = 210987654321\n"
    ));
    let session = session(&home, &server, "proc");
    let creds = session.credentials().await.expect("process credentials");
    assert_eq!(creds.provider_name(), "custom-process");
    assert_eq!(creds.account_id(), Some("210987654321"));
    let sqs = myaws_sqs::Client::new(&session).unwrap();
    sqs.list_queues(ListQueuesRequest::default()).await.unwrap();
    let sent = server.requests().pop().unwrap();
    let auth =
        sigv4_check::verify(&sent, "proc-secret", false).expect("signed by the process keys");
    assert_eq!(auth.access_key_id, "AKIDPROC");
    assert_eq!(sent.header("x-amz-security-token"), Some("proc-token"));
}

#[tokio::test]
async fn a_failing_process_names_the_profile_and_its_stderr() {
    let server = TestServer::start(|_| Reply::status(500, "never called")).await;
    let home = Home::new();
    let failing = script(
        &home,
        "fail.sh",
        "echo 'token expired, run login' >&2\nexit 3",
    );
    let bad_version = script(
        &home,
        "v2.sh",
        r#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}'"#,
    );
    home.config(&format!(
        "[profile failing]\ncredential_process = {failing}\n\
         [profile v2]\ncredential_process = {bad_version}\n\
         [profile missing]\ncredential_process = /nonexistent/creds-helper\n"
    ));
    for (profile, needles) in [
        (
            "failing",
            vec!["token expired, run login", "exit status: 3"],
        ),
        ("v2", vec!["Version 2"]),
        ("missing", vec!["/nonexistent/creds-helper"]),
    ] {
        let session = session(&home, &server, profile);
        let err = session.credentials().await.unwrap_err();
        assert!(
            matches!(&err, CredentialsError::Provider { profile: Some(p), .. } if p == profile),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains(&format!("`{profile}`")), "{text}");
        for needle in needles {
            assert!(text.contains(needle), "{needle:?} not in {text}");
        }
    }
    assert!(server.requests().is_empty());
}
