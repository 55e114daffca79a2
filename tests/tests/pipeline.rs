//! The request pipeline against real local HTTP and HTTPS servers: retries,
//! modeled errors, TLS with a generated CA, and secrets kept out of traces.
//!
//! The servers are tiny scripted HTTP/1.1 responders on 127.0.0.1 that count
//! the requests they receive and answer from a list of canned responses.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use myaws_sqs::types::{GetQueueUrlRequest, ListQueuesRequest};
use myaws_sqs::{Client, ClientConfig, Credentials, SdkError, Session};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// One canned HTTP response.
#[derive(Clone)]
struct Canned {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn json(status: u16, body: &str) -> Canned {
    Canned {
        status,
        headers: vec![
            ("content-type", "application/x-amz-json-1.0".to_string()),
            ("x-amzn-requestid", format!("req-{status}")),
        ],
        body: body.to_string(),
    }
}

/// A scripted server: answers the i-th request with `script[i]` (the last
/// entry repeats) and records each request head.
struct Script {
    hits: AtomicUsize,
    script: Vec<Canned>,
    requests: Mutex<Vec<String>>,
}

async fn serve_conn<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, state: Arc<Script>) {
    let mut buf = Vec::new();
    loop {
        // Read one request: head, then Content-Length bytes of body.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let length = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())
                    .flatten()
            })
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        state.requests.lock().unwrap().push(head);
        let i = state.hits.fetch_add(1, Ordering::SeqCst);
        let canned = state.script[i.min(state.script.len() - 1)].clone();
        let mut out = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
            canned.status,
            canned.body.len()
        );
        for (k, v) in &canned.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(&canned.body);
        if stream.write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn start_http(script: Vec<Canned>) -> (String, Arc<Script>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(Script {
        hits: AtomicUsize::new(0),
        script,
        requests: Mutex::new(Vec::new()),
    });
    let s = state.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve_conn(stream, s.clone()));
        }
    });
    (format!("http://{addr}"), state)
}

fn session(endpoint: &str) -> Session {
    Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            "very-secret-key-do-not-print",
            Some("very-secret-session-token".to_string()),
            None,
        ))
        .endpoint_url(endpoint)
        .build()
        .unwrap()
}

const LIST_OK: &str = r#"{"QueueUrls": ["http://q/1"]}"#;

#[tokio::test]
async fn retries_transient_errors_then_succeeds() {
    let (url, state) = start_http(vec![
        json(500, r#"{"__type": "InternalError", "message": "boom"}"#),
        json(503, r#"{"__type": "ServiceUnavailable"}"#),
        json(200, LIST_OK),
    ])
    .await;
    let sqs = Client::new(&session(&url)).unwrap();
    let out = sqs.list_queues(ListQueuesRequest::default()).await.unwrap();
    assert_eq!(out.queue_urls.unwrap(), vec!["http://q/1".to_string()]);
    assert_eq!(state.hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_throttling_and_gives_up_after_max_attempts() {
    let (url, state) = start_http(vec![json(
        400,
        r#"{"__type": "com.amazonaws.sqs#ThrottlingException", "message": "slow down"}"#,
    )])
    .await;
    let sqs = Client::with_config(&session(&url), ClientConfig::default().max_attempts(2)).unwrap();
    let err = sqs
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"));
    assert_eq!(state.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn does_not_retry_client_errors() {
    let (url, state) = start_http(vec![json(
        400,
        r#"{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "nope"}"#,
    )])
    .await;
    let sqs = Client::new(&session(&url)).unwrap();
    let err = sqs
        .get_queue_url(GetQueueUrlRequest::default().queue_name("q"))
        .await
        .unwrap_err();
    assert!(err.service_kind().unwrap().is_queue_does_not_exist());
    assert_eq!(err.message(), Some("nope"));
    assert_eq!(err.request_id(), Some("req-400"));
    assert_eq!(state.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn connection_refused_is_a_dispatch_error_after_retries() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sqs = Client::with_config(
        &session(&format!("http://127.0.0.1:{port}")),
        ClientConfig::default().max_attempts(2),
    )
    .unwrap();
    let err = sqs
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Dispatch(_)), "{err:?}");
}

#[tokio::test]
async fn requests_are_signed_and_secrets_stay_out_of_debug_output() {
    let (url, state) = start_http(vec![json(200, LIST_OK)]).await;
    let session = session(&url);
    let sqs = Client::new(&session).unwrap();
    sqs.list_queues(ListQueuesRequest::default()).await.unwrap();
    let head = state.requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(head.starts_with("post / http/1.1"), "{head}");
    assert!(
        head.contains("authorization: aws4-hmac-sha256 credential=akidexample/"),
        "{head}"
    );
    assert!(
        head.contains("x-amz-target: amazonsqs.listqueues"),
        "{head}"
    );
    assert!(
        head.contains("x-amz-security-token: very-secret-session-token"),
        "{head}"
    );
    assert!(!head.contains("very-secret-key"), "{head}");
    for shown in [format!("{session:?}"), format!("{sqs:?}")] {
        assert!(!shown.contains("very-secret"), "{shown}");
    }
}

#[tokio::test]
async fn a_hostile_response_is_an_error_not_a_panic() {
    let (url, _) = start_http(vec![json(200, r#"{"QueueUrls": [1, 2, {"#)]).await;
    let sqs = Client::with_config(
        &session(&url),
        ClientConfig::default().read_timeout(Duration::from_secs(5)),
    )
    .unwrap();
    let err = sqs
        .list_queues(ListQueuesRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Response(_)), "{err:?}");
}

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_output_has_call_details_but_no_secrets() {
    let (url, _) = start_http(vec![
        json(500, r#"{"__type": "InternalError"}"#),
        json(200, LIST_OK),
    ])
    .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let sqs = Client::new(&session(&url)).unwrap();
    sqs.list_queues(ListQueuesRequest::default()).await.unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("myaws.call"), "{log}");
    assert!(log.contains("operation=ListQueues"), "{log}");
    assert!(log.contains("retrying"), "{log}");
    for secret in [
        "very-secret-key-do-not-print",
        "very-secret-session-token",
        "Signature=",
    ] {
        assert!(
            !log.contains(secret),
            "{secret} leaked into tracing output:\n{log}"
        );
    }
}
