//! Bearer-token auth end to end, for a service whose model says `bearer`
//! (a small test model, loaded at run time like any botocore model): the
//! token comes from the profile's SSO session cache, from
//! `AWS_BEARER_TOKEN_<NAME>`, or from code, and the request that reaches the
//! server carries it and no SigV4 signature.

use myaws_core::token::{StaticTokenProvider, Token};
use myaws_core::{ClientConfig, SdkError, Session};
use myaws_tests::test_server::{Recorded, Reply, TestServer};
use myaws_tests::{workspace_root, Home};
use serde_json::json;

/// botocore's SSO token cache file name for the session `corp`:
/// `sha1("corp")`.
const CORP_CACHE_FILE: &str = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";

fn model_dir() -> std::path::PathBuf {
    workspace_root().join("tests/tests/fixtures/bearer-test")
}

async fn server() -> TestServer {
    TestServer::start(|_| Reply::json(&json!({"Things": ["a", "b"]}))).await
}

fn assert_bearer(request: &Recorded, token: &str) {
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(request.header("x-amz-date"), None, "no SigV4 signature");
    assert_eq!(request.header("x-amz-security-token"), None);
}

#[tokio::test]
async fn token_from_the_profiles_sso_session() {
    let server = server().await;
    let home = Home::new();
    home.config(
        "[default]\nsso_session = corp\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
    );
    home.write(
        CORP_CACHE_FILE,
        &json!({
            "startUrl": "https://corp.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": "sso-access-token",
            "expiresAt": "2099-01-01T00:00:00Z"
        })
        .to_string(),
    );
    // No AWS credentials anywhere: bearer auth needs none.
    let session = Session::builder()
        .env(home.env(&[("AWS_REGION", "us-east-1")]))
        .build()
        .unwrap();
    let client = session
        .client_from_model(
            model_dir(),
            ClientConfig::default().endpoint_url(server.url()),
        )
        .unwrap();
    let mut out = client.call_json("ListThings", json!({})).await.unwrap();
    out.as_object_mut().unwrap().remove("ResponseMetadata");
    assert_eq!(out, json!({"Things": ["a", "b"]}));
    assert_bearer(&server.requests()[0], "sso-access-token");
}

#[tokio::test]
async fn token_from_the_environment_and_from_code() {
    let server = server().await;
    let home = Home::new();
    let session = Session::builder()
        .env(home.env(&[
            ("AWS_REGION", "us-east-1"),
            ("AWS_BEARER_TOKEN_BEARERTEST", "env-token"),
        ]))
        .build()
        .unwrap();
    let config = ClientConfig::default().endpoint_url(server.url());
    let client = session
        .client_from_model(model_dir(), config.clone())
        .unwrap();
    client.call_json("ListThings", json!({})).await.unwrap();
    assert_bearer(&server.requests()[0], "env-token");

    let in_code = Session::builder()
        .env(home.env(&[("AWS_REGION", "us-east-1")]))
        .token_provider(StaticTokenProvider::new(Token::new("code-token", None)))
        .build()
        .unwrap();
    let client = in_code.client_from_model(model_dir(), config).unwrap();
    client.call_json("ListThings", json!({})).await.unwrap();
    assert_bearer(&server.requests()[1], "code-token");
}

#[tokio::test]
async fn no_token_is_a_typed_error_and_nothing_is_sent() {
    let server = server().await;
    let home = Home::new();
    let session = Session::builder()
        .env(home.env(&[("AWS_REGION", "us-east-1")]))
        .build()
        .unwrap();
    let client = session
        .client_from_model(
            model_dir(),
            ClientConfig::default().endpoint_url(server.url()),
        )
        .unwrap();
    let err = client.call_json("ListThings", json!({})).await.unwrap_err();
    assert!(matches!(err, SdkError::Credentials(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("AWS_BEARER_TOKEN_BEARERTEST"), "{text}");
    assert!(server.requests().is_empty());
}
