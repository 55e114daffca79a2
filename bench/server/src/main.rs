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
//! - `DynamoDB_20120810.ListTables` (with `x-amz-crc32`), KMS
//!   `TrentService.ListKeys`, and STS `Action=GetCallerIdentity` (query
//!   protocol, a form `POST /`): empty canned answers, for the five-service
//!   program in `bench/real`.
//!
//! GET answers carry `x-amz-checksum-crc32` (and `x-amz-checksum-type:
//! FULL_OBJECT`) when the request has `x-amz-checksum-mode: ENABLED`, as
//! real S3 does for an object uploaded with a CRC32; with
//! `--bad-checksums` the value is wrong (to check that clients validate).
//!
//! With `--tls-ca-out PATH` it also serves the same answers over TLS on a
//! second port: a CA and a certificate for `127.0.0.1` / `localhost` are
//! made at start (rcgen), the CA's PEM is written to PATH, and it prints
//! `LISTENING_TLS 127.0.0.1:PORT` after the plain address.
//!
//! Usage: `bench-server [--port P] [--threads T] [--max-secs S]
//! [--bad-checksums] [--tls-ca-out PATH]`. It prints
//! `LISTENING 127.0.0.1:PORT` and serves until its standard input closes or
//! `--max-secs` (default 3600) pass.

mod handler;
mod tls;

use std::sync::Arc;
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
    /// Where to write the run-time CA's PEM; also serve HTTPS.
    tls_ca_out: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        port: 0,
        threads: 2,
        max_secs: 3600,
        tls_ca_out: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--bad-checksums" {
            handler::BAD_CHECKSUMS.store(true, std::sync::atomic::Ordering::Relaxed);
            continue;
        }
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--port" => o.port = num(&value)? as u16,
            "--threads" => o.threads = num(&value)?.max(1) as usize,
            "--max-secs" => o.max_secs = num(&value)?,
            "--tls-ca-out" => o.tls_ca_out = Some(value),
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
    let tls = match &o.tls_ca_out {
        Some(path) => {
            let (ca_pem, config) = tls::make_ca_and_server_config();
            std::fs::write(path, ca_pem).expect("write the CA");
            let tls_listener = TcpListener::bind(("127.0.0.1", 0))
                .await
                .expect("bind 127.0.0.1");
            println!(
                "LISTENING_TLS {}",
                tls_listener.local_addr().expect("local addr")
            );
            Some((
                tls_listener,
                tokio_rustls::TlsAcceptor::from(Arc::new(config)),
            ))
        }
        None => None,
    };
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
    let accept_tls = async {
        let Some((listener, acceptor)) = &tls else {
            return std::future::pending().await;
        };
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(stream).await else {
                    return;
                };
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
        _ = accept_tls => {}
        _ = stdin_closed => {}
        _ = tokio::time::sleep(Duration::from_secs(o.max_secs)) => {
            eprintln!("bench-server: --max-secs reached, stopping");
        }
    }
}
