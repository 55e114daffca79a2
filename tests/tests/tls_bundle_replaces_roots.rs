//! A CA bundle replaces the system's roots instead of adding to them, as
//! botocore's `verify` / `AWS_CA_BUNDLE` and the AWS CLI's `--ca-bundle` do.
//!
//! Its own test binary: it points `SSL_CERT_FILE` (which the system roots
//! are read from) at a generated CA before any client exists, and the
//! system roots are read once per process.

use myaws_sqs::types::ListQueuesRequest;
use myaws_sqs::{Client, ClientConfig, SdkError};
use myaws_tests::tls_server::{https_session, make_ca_and_server, start_tls_server};

#[tokio::test]
async fn a_ca_bundle_replaces_the_system_roots() {
    let dir = std::env::temp_dir().join(format!("myaws-tls-replace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The "system" CA signs the server; the bundle holds an unrelated CA.
    let (system_ca, server_config) = make_ca_and_server();
    let (other_ca, _) = make_ca_and_server();
    let system_path = dir.join("system.pem");
    let bundle_path = dir.join("bundle.pem");
    std::fs::write(&system_path, system_ca).unwrap();
    std::fs::write(&bundle_path, other_ca).unwrap();
    // Nothing else runs in this binary, and no client exists yet.
    std::env::set_var("SSL_CERT_FILE", &system_path);
    std::env::remove_var("SSL_CERT_DIR");
    std::env::remove_var("AWS_CA_BUNDLE");
    let port = start_tls_server(server_config).await;

    // Without a bundle the system roots (here: SSL_CERT_FILE) are trusted.
    let system = Client::with_config(&https_session(port), ClientConfig::default()).unwrap();
    let out = system
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    assert_eq!(out.queue_urls.unwrap(), ["https://localhost/tls-queue"]);

    // With a bundle only the bundle is: the same server is refused.
    let bundled = Client::with_config(
        &https_session(port),
        ClientConfig::default()
            .ca_bundle(&bundle_path)
            .max_attempts(1),
    )
    .unwrap();
    let err = bundled
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
