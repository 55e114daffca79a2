//! HTTPS against a real local TLS server whose certificate is signed by a CA
//! generated for the test: trusted through `ca_bundle`, rejected without it.

use std::sync::Arc;

use myaws_sqs::types::ListQueuesRequest;
use myaws_sqs::{Client, ClientConfig, Credentials, SdkError, Session};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A CA (PEM) and a server config for `localhost` signed by it.
fn make_ca_and_server() -> (String, ServerConfig) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "myaws test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().unwrap();
    let server_params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();

    let chain = vec![CertificateDer::from(server_cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    (ca_cert.pem(), config)
}

/// Serves one canned SQS ListQueues answer per connection over TLS.
async fn start_tls_server(config: ServerConfig) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 16 * 1024];
                let mut read = 0;
                // Read the head and the (small) body.
                loop {
                    match tls.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                    let text = String::from_utf8_lossy(&buf[..read]);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length: "))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if read >= end + 4 + len {
                            break;
                        }
                    }
                }
                let body = r#"{"QueueUrls": ["https://localhost/tls-queue"]}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

fn session(port: u16) -> Session {
    Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url(format!("https://localhost:{port}"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn https_works_with_the_generated_ca_and_fails_without_it() {
    let (ca_pem, server_config) = make_ca_and_server();
    let port = start_tls_server(server_config).await;
    let dir = std::env::temp_dir().join(format!("myaws-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_pem).unwrap();

    let trusted =
        Client::with_config(&session(port), ClientConfig::default().ca_bundle(&ca_path)).unwrap();
    let out = trusted
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    assert_eq!(out.queue_urls.unwrap(), ["https://localhost/tls-queue"]);

    let untrusted =
        Client::with_config(&session(port), ClientConfig::default().max_attempts(1)).unwrap();
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
    let err =
        Client::with_config(&session(1), ClientConfig::default().ca_bundle(&path)).unwrap_err();
    assert!(err.to_string().contains("CA bundle"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
