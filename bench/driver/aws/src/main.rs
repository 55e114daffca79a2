//! Load driver for aws-sdk-rust: one client, one operation in a bounded
//! loop, one JSON report line (see `bench-harness`).
//!
//! The same source is built twice: `driver-aws` (the SDK's default
//! features) and `driver-aws-trim` (`bench/driver/aws-trim`: default
//! features off, only `rt-tokio` and `default-https-client`).

use std::process::ExitCode;

use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::config::Credentials;
use aws_sdk_s3::config::SharedHttpClient;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_http_client::tls;
use bench_harness::{run, runtime, Args, Bytes, RepeatBody, Report};

/// The message every SQS send carries.
const MESSAGE: &str = "hello from the myaws benchmark";

fn main() -> ExitCode {
    let args = match Args::from_env() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("driver-aws: {e}");
            return ExitCode::from(2);
        }
    };
    let report = runtime(args.concurrency).block_on(drive(&args));
    match report {
        Ok(r) => {
            println!("{}", r.to_json());
            if r.errors == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("driver-aws: {e}");
            ExitCode::FAILURE
        }
    }
}

fn err(e: impl std::error::Error) -> String {
    DisplayErrorContext(e).to_string()
}

/// An HTTPS client that trusts only the CA in the PEM file `path`: the
/// default client's TLS stack (rustls with aws-lc-rs), another trust store.
fn client_trusting(path: &str) -> Result<SharedHttpClient, String> {
    let pem = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let store = tls::TrustStore::empty()
        .with_native_roots(false)
        .with_pem_certificate(pem);
    let context = tls::TlsContext::builder()
        .with_trust_store(store)
        .build()
        .map_err(err)?;
    Ok(aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_https())
}

/// Builds only the client the operation needs (so a cold start pays for
/// one client), then runs the loop.
async fn drive(args: &Args) -> Result<Report, String> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDBENCH",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .endpoint_url(&args.endpoint);
    if let Some(ca) = &args.ca_bundle {
        loader = loader.http_client(client_trusting(ca)?);
    }
    let shared = loader.load().await;
    if args.op.starts_with("sqs-") {
        let sqs = aws_sdk_sqs::Client::new(&shared);
        let url = format!("{}/123456789012/bench", args.endpoint);
        return Ok(match args.op.as_str() {
            "sqs-client" => run(args, || async { Ok(0) }).await,
            "sqs-send" => run(args, move || send(sqs.clone(), url.clone())).await,
            other => return Err(format!("unknown op {other}")),
        });
    }
    let s3_config = aws_sdk_s3::config::Builder::from(&shared)
        .force_path_style(true)
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(s3_config);
    let size = args.size;
    Ok(match args.op.as_str() {
        "s3-client" => run(args, || async { Ok(0) }).await,
        "s3-get-small" => run(args, move || get(s3.clone(), "small".into())).await,
        "s3-get-big" => run(args, move || get(s3.clone(), format!("size-{size}"))).await,
        "s3-put-small" => {
            let body = bytes_of(1024);
            run(args, move || {
                put(s3.clone(), ByteStream::from(body.clone()), 1024)
            })
            .await
        }
        "s3-put-big" => {
            run(args, move || {
                put(
                    s3.clone(),
                    ByteStream::from_body_1_x(RepeatBody::new(size)),
                    size,
                )
            })
            .await
        }
        other => return Err(format!("unknown op {other}")),
    })
}

fn bytes_of(n: usize) -> Bytes {
    Bytes::from(vec![b'x'; n])
}

async fn get(s3: aws_sdk_s3::Client, key: String) -> Result<u64, String> {
    let mut out = s3
        .get_object()
        .bucket("bench")
        .key(key)
        .send()
        .await
        .map_err(err)?;
    let mut n = 0u64;
    while let Some(chunk) = out.body.next().await {
        n += chunk.map_err(err)?.len() as u64;
    }
    Ok(n)
}

async fn put(s3: aws_sdk_s3::Client, body: ByteStream, len: u64) -> Result<u64, String> {
    s3.put_object()
        .bucket("bench")
        .key("upload")
        .content_length(len as i64)
        .body(body)
        .send()
        .await
        .map_err(err)?;
    Ok(len)
}

async fn send(sqs: aws_sdk_sqs::Client, url: String) -> Result<u64, String> {
    sqs.send_message()
        .queue_url(url)
        .message_body(MESSAGE)
        .send()
        .await
        .map_err(err)?;
    Ok(MESSAGE.len() as u64)
}
