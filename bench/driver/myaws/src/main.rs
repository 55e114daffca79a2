//! Load driver for myaws: one client, one operation in a bounded loop, one
//! JSON report line (see `bench-harness`).

use std::io;
use std::process::ExitCode;

use bench_harness::{run, runtime, Args, RepeatBody, Report};
use myaws_s3::types::{GetObjectRequest, PutObjectRequest};
use myaws_s3::{ByteStream, ClientConfig, Credentials, Session};
use myaws_sqs::types::SendMessageRequest;

/// The message every SQS send carries.
const MESSAGE: &str = "hello from the myaws benchmark";

fn main() -> ExitCode {
    let args = match Args::from_env() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("driver-myaws: {e}");
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
            eprintln!("driver-myaws: {e}");
            ExitCode::FAILURE
        }
    }
}

fn session(endpoint: &str) -> Result<Session, String> {
    Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDBENCH", "bench-secret", None, None))
        .endpoint_url(endpoint)
        .build()
        .map_err(|e| e.to_string())
}

/// Builds only the client the operation needs (so a cold start pays for
/// one client), then runs the loop.
async fn drive(args: &Args) -> Result<Report, String> {
    let session = session(&args.endpoint)?;
    let mut config = ClientConfig::default();
    if let Some(ca) = &args.ca_bundle {
        config = config.ca_bundle(ca);
    }
    if args.op.starts_with("sqs-") {
        let sqs = myaws_sqs::Client::with_config(&session, config).map_err(|e| e.to_string())?;
        let url = format!("{}/123456789012/bench", args.endpoint);
        return Ok(match args.op.as_str() {
            "sqs-client" => run(args, || async { Ok(0) }).await,
            "sqs-send" => run(args, move || send(sqs.clone(), url.clone())).await,
            other => return Err(format!("unknown op {other}")),
        });
    }
    let s3_config = config.s3_addressing_style("path");
    let s3 = myaws_s3::Client::with_config(&session, s3_config).map_err(|e| e.to_string())?;
    let size = args.size;
    Ok(match args.op.as_str() {
        "s3-client" => run(args, || async { Ok(0) }).await,
        "s3-get-small" => run(args, move || get(s3.clone(), "small".into())).await,
        "s3-get-big" => run(args, move || get(s3.clone(), format!("size-{size}"))).await,
        "s3-put-small" => {
            let body = myaws_s3::Blob::from(vec![b'x'; 1024]);
            run(args, move || {
                put(s3.clone(), ByteStream::from(body.clone()))
            })
            .await
        }
        "s3-put-big" => {
            run(args, move || {
                let chunks = RepeatBody::new(size).map(Ok::<_, io::Error>);
                let body =
                    ByteStream::from_stream_with_length(futures_util::stream::iter(chunks), size);
                put(s3.clone(), body)
            })
            .await
        }
        other => return Err(format!("unknown op {other}")),
    })
}

async fn get(s3: myaws_s3::Client, key: String) -> Result<u64, String> {
    let out = s3
        .get_object(GetObjectRequest::default().bucket("bench").key(key))
        .await
        .map_err(|e| e.to_string())?;
    let mut body = out.body.unwrap_or_default();
    let mut n = 0u64;
    while let Some(chunk) = body.next().await {
        n += chunk.map_err(|e| e.to_string())?.len() as u64;
    }
    Ok(n)
}

async fn put(s3: myaws_s3::Client, body: ByteStream) -> Result<u64, String> {
    let n = body.len().unwrap_or(0);
    s3.put_object(
        PutObjectRequest::default()
            .bucket("bench")
            .key("upload")
            .body(body),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(n)
}

async fn send(sqs: myaws_sqs::Client, url: String) -> Result<u64, String> {
    sqs.send_message(
        SendMessageRequest::default()
            .queue_url(url)
            .message_body(MESSAGE),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(MESSAGE.len() as u64)
}
