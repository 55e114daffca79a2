//! Proxies through a local test proxy (127.0.0.1): `https` endpoints through
//! a `CONNECT` tunnel (TLS end to end with the server), `http` endpoints
//! forwarded with their absolute URL, Basic authentication from the proxy
//! URL, `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` from the environment, and
//! no password in errors or `Debug`.

use myaws_core::config::Env;
use myaws_core::http::ProxyConfig;
use myaws_sqs::types::ListQueuesRequest;
use myaws_sqs::{Client, ClientConfig, Credentials, SdkError, Session};
use myaws_tests::fault_server::{Fault, FaultServer};
use myaws_tests::proxy::TestProxy;
use myaws_tests::tls_server::{make_ca_and_server, start_tls_server};

fn session(env: &[(&str, &str)]) -> Session {
    let mut pairs = vec![("AWS_EC2_METADATA_DISABLED", "true")];
    pairs.extend_from_slice(env);
    Session::builder()
        .env(Env::from_pairs(pairs))
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        .build()
        .unwrap()
}

const QUEUES: &str = r#"{"QueueUrls": ["https://localhost/tls-queue"]}"#;

fn fault_queues() -> Fault {
    Fault::ok("application/x-amz-json-1.0", r#"{"QueueUrls": ["q"]}"#)
}

/// A TLS server and a CA bundle trusting it.
async fn tls_endpoint() -> (String, std::path::PathBuf) {
    let (ca_pem, config) = make_ca_and_server();
    let port = start_tls_server(config).await;
    let path =
        std::env::temp_dir().join(format!("myaws-proxy-ca-{}-{port}.pem", std::process::id()));
    std::fs::write(&path, ca_pem).unwrap();
    (format!("https://localhost:{port}"), path)
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel() {
    let proxy = TestProxy::start(None).await;
    let (endpoint, ca) = tls_endpoint().await;
    let config = ClientConfig::default()
        .endpoint_url(&endpoint)
        .ca_bundle(&ca)
        .proxies(ProxyConfig::default().https(proxy.url("")));
    let out = Client::with_config(&session(&[]), config)
        .unwrap()
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    assert_eq!(out.queue_urls.unwrap(), ["https://localhost/tls-queue"]);
    let asked = proxy.requests();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].method, "CONNECT");
    assert_eq!(asked[0].target, endpoint.trim_start_matches("https://"));
    assert_eq!(asked[0].auth, None);
    let _ = QUEUES;
}

#[tokio::test]
async fn proxy_credentials_go_in_the_connect_request_and_never_in_errors() {
    let proxy = TestProxy::start(Some(("alice", "pa ss:w0rd"))).await;
    let (endpoint, ca) = tls_endpoint().await;
    let with = |url: String| {
        let config = ClientConfig::default()
            .endpoint_url(&endpoint)
            .ca_bundle(&ca)
            .max_attempts(1)
            .proxies(ProxyConfig::default().https(url));
        Client::with_config(&session(&[]), config).unwrap()
    };
    // Percent-encoded credentials in the URL.
    let good = with(proxy.url("alice:pa%20ss%3Aw0rd@"));
    assert!(!format!("{good:?}").contains("w0rd"));
    good.list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    let auth = proxy.requests()[0].auth.clone().unwrap();
    assert!(auth.starts_with("Basic "), "{auth}");

    let wrong = with(proxy.url("alice:wrong-s3cret@"));
    let err = wrong
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("407") && !text.contains("wrong-s3cret"),
        "{text}"
    );
    assert!(
        matches!(&err, SdkError::Dispatch(d) if d.kind == myaws_core::DispatchErrorKind::Connect)
    );

    let none = with(proxy.url(""));
    let text = none
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(text.contains("requires authentication"), "{text}");
}

#[tokio::test]
async fn http_is_forwarded_with_basic_auth_from_the_environment() {
    let proxy = TestProxy::start(Some(("bob", "secret"))).await;
    let server = FaultServer::start(vec![fault_queues()]).await;
    let proxy_url = proxy.url("bob:secret@");
    let session = session(&[("HTTP_PROXY", &proxy_url)]);
    let client =
        Client::with_config(&session, ClientConfig::default().endpoint_url(server.url())).unwrap();
    let out = client
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    assert_eq!(out.queue_urls.unwrap(), ["q"]);
    let asked = proxy.requests();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].method, "POST");
    assert_eq!(asked[0].target, format!("{}/", server.url()));
    assert!(asked[0].auth.is_some());
    // The server never sees the proxy's credentials.
    assert_eq!(server.seen()[0].header("proxy-authorization"), None);
    let shown = format!("{:?}", client.meta().config());
    assert!(!shown.contains(":secret@"), "{shown}");
    assert!(shown.contains("bob:***@"), "{shown}");
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    let proxy = TestProxy::start(None).await;
    let server = FaultServer::start(vec![fault_queues()]).await;
    let proxy_url = proxy.url("");
    let session = session(&[
        ("http_proxy", &proxy_url),
        ("NO_PROXY", "localhost,127.0.0.1"),
    ]);
    let client =
        Client::with_config(&session, ClientConfig::default().endpoint_url(server.url())).unwrap();
    client
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap();
    assert!(proxy.requests().is_empty());
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_connect_error_naming_it() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = ClientConfig::default()
        .endpoint_url("https://localhost:1")
        .max_attempts(1)
        .proxies(ProxyConfig::default().https(format!("http://u:hidden@127.0.0.1:{port}")));
    let err = Client::with_config(&session(&[]), config)
        .unwrap()
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("proxy") && text.contains(&port.to_string()),
        "{text}"
    );
    assert!(!text.contains("hidden"), "{text}");
}
