//! HTTPS against a real local TLS server whose certificate is signed by a CA
//! generated for the test: trusted through `ca_bundle`, rejected without it.

use myaws_sqs::types::ListQueuesRequest;
use myaws_sqs::{Client, ClientConfig, SdkError};
use myaws_tests::tls_server::{
    https_session, make_ca_and_server, self_signed_ca, start_tls_server,
};

#[tokio::test]
async fn https_works_with_the_generated_ca_and_fails_without_it() {
    let (ca_pem, server_config) = make_ca_and_server();
    let port = start_tls_server(server_config).await;
    let dir = std::env::temp_dir().join(format!("myaws-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_pem).unwrap();

    let trusted = Client::with_config(
        &https_session(port),
        ClientConfig::default().ca_bundle(&ca_path),
    )
    .unwrap();
    let out = trusted
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    assert_eq!(out.queue_urls.unwrap(), ["https://localhost/tls-queue"]);

    let untrusted = Client::with_config(
        &https_session(port),
        ClientConfig::default().max_attempts(1),
    )
    .unwrap();
    let err = untrusted
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    match &err {
        SdkError::Dispatch(d) => {
            assert!(d.to_string().to_lowercase().contains("certificate"), "{d}")
        }
        other => panic!("expected a TLS failure, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_bad_ca_bundle_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("myaws-badca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("empty.pem");
    std::fs::write(&path, "not a certificate").unwrap();
    let err = Client::with_config(&https_session(1), ClientConfig::default().ca_bundle(&path))
        .unwrap_err();
    assert!(err.to_string().contains("CA bundle"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `openssl req -x509` makes a self-signed certificate marked as a CA;
/// curl and botocore accept it in a CA bundle as the server's own
/// certificate, and so does myaws (webpki alone says `CaUsedAsEndEntity`).
/// Its validity period still counts.
#[tokio::test]
async fn a_self_signed_ca_certificate_in_the_bundle_is_trusted_as_the_server() {
    let dir = std::env::temp_dir().join(format!("myaws-selfca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let (pem, server_config) = self_signed_ca(false);
    let port = start_tls_server(server_config).await;
    let path = dir.join("self.pem");
    std::fs::write(&path, pem).unwrap();
    let client = Client::with_config(
        &https_session(port),
        ClientConfig::default().ca_bundle(&path),
    )
    .unwrap();
    let out = client
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    assert_eq!(out.queue_urls.unwrap(), ["https://localhost/tls-queue"]);

    let (pem, server_config) = self_signed_ca(true);
    let port = start_tls_server(server_config).await;
    let path = dir.join("expired.pem");
    std::fs::write(&path, pem).unwrap();
    let client = Client::with_config(
        &https_session(port),
        ClientConfig::default().ca_bundle(&path).max_attempts(1),
    )
    .unwrap();
    let err = client
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    assert!(err.to_string().to_lowercase().contains("expired"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
