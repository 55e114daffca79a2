//! Credentials from credential endpoints end to end, configured as a user
//! would (environment variables and files in a temporary HOME): EC2 instance
//! metadata (IMDSv2), the ECS/EKS container endpoint and the IAM Identity
//! Center portal with SSO-OIDC token refresh, each played by a loopback
//! server; the service call that follows is checked by an independent SigV4
//! verifier on the receiving server.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use myaws_core::credentials::{DefaultChain, ProvideCredentials, ProviderContext};
use myaws_core::Session;
use myaws_sqs::types::ListQueuesRequest;
use myaws_tests::test_server::{Recorded, Reply, TestServer};
use myaws_tests::{moto, sigv4_check, Home};
use serde_json::json;

/// A service endpoint that answers `ListQueues` and records requests.
async fn service() -> TestServer {
    TestServer::start(|_| Reply::json(&json!({"QueueUrls": []}))).await
}

/// Makes one SQS call and returns the request the service received.
async fn call(session: &Session, service: &TestServer) -> Recorded {
    let sqs = myaws_sqs::Client::new(session).expect("client");
    sqs.list_queues(ListQueuesRequest::default())
        .await
        .expect("ListQueues");
    service
        .requests()
        .pop()
        .expect("a request reached the service")
}

/// An ISO 8601 time `secs` seconds from now.
fn from_now(secs: i64) -> String {
    myaws_core::DateTime::from_secs(myaws_core::DateTime::now().secs() + secs).to_iso8601()
}

/// An IMDSv2 server for role `web-role`; while `down` is set it closes
/// every connection.
async fn imds(key: &'static str, expires_in: i64, down: Arc<AtomicBool>) -> TestServer {
    TestServer::start(move |request| {
        if down.load(Ordering::SeqCst) {
            return Reply::Close;
        }
        match (request.method.as_str(), request.target.as_str()) {
            ("PUT", "/latest/api/token") => Reply::status(200, "imds-token"),
            (_, _) if request.header("x-aws-ec2-metadata-token") != Some("imds-token") => {
                Reply::status(401, "")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/") => {
                Reply::status(200, "web-role")
            }
            ("GET", "/latest/meta-data/iam/security-credentials/web-role") => Reply::json(&json!({
                "Code": "Success", "Type": "AWS-HMAC",
                "AccessKeyId": key, "SecretAccessKey": format!("{key}-secret"),
                "Token": format!("{key}-token"), "Expiration": from_now(expires_in),
            })),
            _ => Reply::status(404, ""),
        }
    })
    .await
}

#[tokio::test]
async fn instance_metadata_credentials_sign_calls_and_survive_an_outage() {
    let service = service().await;
    let down = Arc::new(AtomicBool::new(false));
    // Credentials that are inside the mandatory refresh window at once, so
    // every call asks IMDS again.
    let imds = imds("ASIAIMDS", 9 * 60, down.clone()).await;
    let home = Home::new();
    let session = Session::builder()
        .env(home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url()),
            ("AWS_ENDPOINT_URL", &service.url()),
            ("AWS_REGION", "us-east-1"),
        ]))
        .build()
        .unwrap();
    let sent = call(&session, &service).await;
    let auth = sigv4_check::verify(&sent, "ASIAIMDS-secret", false).expect("signed by IMDS keys");
    assert_eq!(auth.access_key_id, "ASIAIMDS");
    assert_eq!(sent.header("x-amz-security-token"), Some("ASIAIMDS-token"));
    let token_puts = |server: &TestServer| {
        server
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .count()
    };
    assert_eq!(token_puts(&imds), 1);
    assert_eq!(
        imds.requests()[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );

    // The session's cache would not ask IMDS again for minutes (botocore
    // extends near-expiry IMDS credentials), so the outage is played against
    // the chain itself, which fetches on every call: once IMDS goes away it
    // keeps answering with the last credentials.
    let env = home.env(&[
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url()),
        ("AWS_METADATA_SERVICE_TIMEOUT", "0.5"),
    ]);
    let shared = Arc::new(myaws_core::config::SharedConfig::load(&env).unwrap());
    let active = shared.select_profile(&env, None).unwrap();
    let chain = DefaultChain::new(
        Arc::new(ProviderContext::new(env, shared, active)),
        "default",
        true,
    );
    let before = chain.provide_credentials().await.unwrap();
    down.store(true, Ordering::SeqCst);
    let asked = imds.requests().len();
    let during = chain.provide_credentials().await.expect("static stability");
    assert!(
        imds.requests().len() > asked,
        "IMDS was asked during the outage"
    );
    assert_eq!(during.access_key_id(), before.access_key_id());
    assert!(during.expires_at().unwrap() > myaws_core::DateTime::now());
}

#[tokio::test]
async fn container_credentials_with_a_token_file() {
    let service = service().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let container = TestServer::start(move |request| {
        counter.fetch_add(1, Ordering::SeqCst);
        if request.header("authorization") != Some("pod-identity-token") {
            return Reply::status(401, "bad token");
        }
        Reply::json(&json!({
            "AccessKeyId": "ASIAPOD", "SecretAccessKey": "pod-secret", "Token": "pod-token",
            "Expiration": from_now(3600), "AccountId": "123456789012",
        }))
    })
    .await;
    let home = Home::new();
    let token_file = home.write("eks/token", "pod-identity-token");
    let session = Session::builder()
        .env(home.env(&[
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                &format!("{}/v1/credentials", container.url()),
            ),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                token_file.to_str().unwrap(),
            ),
            ("AWS_ENDPOINT_URL", &service.url()),
            ("AWS_REGION", "us-east-1"),
        ]))
        .build()
        .unwrap();
    let creds = session.credentials().await.expect("container credentials");
    assert_eq!(creds.account_id(), Some("123456789012"));
    assert_eq!(creds.provider_name(), "container-role");
    let sent = call(&session, &service).await;
    sigv4_check::verify(&sent, "pod-secret", false).expect("signed by the pod's keys");
    assert_eq!(container.requests()[0].target, "/v1/credentials");
    assert_eq!(seen.load(Ordering::SeqCst), 1, "cached for the second use");
}

#[tokio::test]
async fn a_container_host_botocore_refuses_is_refused() {
    let home = Home::new();
    let session = Session::builder()
        .env(home.env(&[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://169.254.169.254/latest/meta-data/",
        )]))
        .build()
        .unwrap();
    let err = session.credentials().await.unwrap_err();
    assert!(err.to_string().contains("169.254.169.254"), "{err}");
}

/// botocore's SSO token cache file for the session `corp` (sha1 of the
/// name).
const CORP_CACHE_FILE: &str = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json";

#[tokio::test]
async fn sso_credentials_refresh_the_token_through_sso_oidc() {
    let service = service().await;
    let sso = TestServer::start(|request| match request.method.as_str() {
        "POST" => Reply::json(&json!({
            "accessToken": "fresh-access-token", "expiresIn": 28800,
            "refreshToken": "new-refresh-token", "tokenType": "Bearer",
        })),
        _ if request.header("x-amz-sso_bearer_token") == Some("fresh-access-token") => {
            Reply::json(&json!({"roleCredentials": {
                "accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret",
                "sessionToken": "sso-token",
                "expiration": (myaws_core::DateTime::now().secs() + 3600) * 1000,
            }}))
        }
        _ => Reply::Http {
            status: 401,
            headers: vec![("x-amzn-errortype".into(), "UnauthorizedException".into())],
            body: br#"{"message":"Session token not found or invalid"}"#.to_vec(),
        },
    })
    .await;
    let home = Home::new();
    home.config(
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n\
         [sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
    );
    // A token that expires in five minutes, with a live client registration.
    home.write(
        CORP_CACHE_FILE,
        &json!({
            "startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
            "accessToken": "old-access-token", "expiresAt": from_now(300),
            "clientId": "client-id", "clientSecret": "client-secret",
            "registrationExpiresAt": from_now(86400), "refreshToken": "old-refresh-token",
        })
        .to_string(),
    );
    let url = sso.url();
    let session = Session::builder()
        .env(home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", &url),
            ("AWS_ENDPOINT_URL_SSO_OIDC", &url),
            ("AWS_ENDPOINT_URL", &service.url()),
            ("AWS_REGION", "us-east-1"),
        ]))
        .build()
        .unwrap();
    let sent = call(&session, &service).await;
    sigv4_check::verify(&sent, "sso-secret", false).expect("signed by the SSO role");
    let create_token = sso
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("CreateToken was called");
    let body: serde_json::Value = serde_json::from_slice(&create_token.body).unwrap();
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], "old-refresh-token");
    // The cache file was rewritten with the new token.
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.path().join(CORP_CACHE_FILE)).unwrap())
            .unwrap();
    assert_eq!(cached["accessToken"], "fresh-access-token");
    assert_eq!(cached["refreshToken"], "new-refresh-token");
}

#[tokio::test]
async fn role_credentials_from_instance_metadata() {
    // credential_source = Ec2InstanceMetadata: IMDS keys sign AssumeRole at
    // moto's STS, the role signs the call.
    let down = Arc::new(AtomicBool::new(false));
    let imds = imds("ASIASOURCE", 3600, down).await;
    let upstream = moto().endpoint.trim_start_matches("http://").to_owned();
    let proxy = TestServer::start(move |_| Reply::Forward(upstream.clone())).await;
    let home = Home::new();
    home.config(
        "[profile ec2-role]\nrole_arn = arn:aws:iam::123456789012:role/app\n\
         credential_source = Ec2InstanceMetadata\n",
    );
    let session = Session::builder()
        .env(home.env(&[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url()),
            ("AWS_ENDPOINT_URL", &proxy.url()),
            ("AWS_PROFILE", "ec2-role"),
            ("AWS_REGION", "us-east-1"),
        ]))
        .build()
        .unwrap();
    let creds = session.credentials().await.expect("role from IMDS");
    let assume = proxy.requests().pop().unwrap();
    let auth = sigv4_check::verify(&assume, "ASIASOURCE-secret", false).expect("IMDS keys");
    assert_eq!(auth.access_key_id, "ASIASOURCE");
    assert_eq!(creds.provider_name(), "assume-role");
    assert_ne!(creds.access_key_id(), "ASIASOURCE");
}
