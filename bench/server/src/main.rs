//! `bench-server`: a canned-response S3/SQS endpoint on 127.0.0.1 for the
//! request benchmarks, so the server's cost is small and the same for every
//! client.
//!
//! - `GET /{bucket}/small`: a 1 KiB object (rest-xml S3 headers).
//! - `GET /{bucket}/size-N`: an object of N bytes, streamed in 64 KiB chunks.
//! - `PUT /{bucket}/{key}`: the body is read and dropped chunk by chunk; the
//!   byte count is checked against `Content-Length` (or
//!   `x-amz-decoded-content-length` for aws-chunked uploads).
//! - `POST /` with `x-amz-target: AmazonSQS.SendMessage`: a JSON-protocol
//!   answer with the body's `MD5OfMessageBody`.
//!
//! Usage: `bench-server [--port P] [--threads T] [--max-secs S]`. It prints
//! `LISTENING 127.0.0.1:PORT` and serves until its standard input closes or
//! `--max-secs` (default 3600) pass.

mod handler;

use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

struct Options {
    port: u16,
    threads: usize,
    max_secs: u64,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        port: 0,
        threads: 2,
        max_secs: 3600,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--port" => o.port = num(&value)? as u16,
            "--threads" => o.threads = num(&value)?.max(1) as usize,
            "--max-secs" => o.max_secs = num(&value)?,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(o)
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench-server: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.threads)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(serve(o));
}

async fn serve(o: Options) {
    let listener = TcpListener::bind(("127.0.0.1", o.port))
        .await
        .expect("bind 127.0.0.1");
    println!("LISTENING {}", listener.local_addr().expect("local addr"));
    let accept = async {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(handler::handle))
                    .await;
            });
        }
    };
    let stdin_closed = async {
        let mut buf = [0u8; 64];
        let mut stdin = tokio::io::stdin();
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    tokio::select! {
        _ = accept => {}
        _ = stdin_closed => {}
        _ = tokio::time::sleep(Duration::from_secs(o.max_secs)) => {
            eprintln!("bench-server: --max-secs reached, stopping");
        }
    }
}
