//! The canned answers.

use std::convert::Infallible;

use bench_harness::RepeatBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use md5::{Digest, Md5};

/// The response body: small canned bytes or a streamed large object.
pub type ResBody = Either<Full<Bytes>, RepeatBody>;

const SMALL: usize = 1024;
const LAST_MODIFIED: &str = "Wed, 01 Jan 2025 00:00:00 GMT";
const ETAG: &str = "\"0f343b0931126a20f133d67c2b018a3b\"";

/// Answers one request.
pub async fn handle(req: Request<Incoming>) -> Result<Response<ResBody>, Infallible> {
    if let Some(target) = req.headers().get("x-amz-target") {
        let target = target.to_str().unwrap_or_default().to_string();
        return Ok(sqs(&target, req).await);
    }
    let path = req.uri().path().trim_start_matches('/').to_string();
    let key = path.split_once('/').map(|(_, k)| k).unwrap_or_default();
    Ok(match *req.method() {
        Method::GET => s3_get(key),
        Method::PUT => s3_put(req).await,
        _ => s3_error(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed"),
    })
}

fn s3_headers(status: StatusCode) -> hyper::http::response::Builder {
    Response::builder()
        .status(status)
        .header("x-amz-request-id", "BENCH0000000001")
        .header("x-amz-id-2", "bench/id2")
        .header("server", "AmazonS3")
}

fn s3_get(key: &str) -> Response<ResBody> {
    let len = if key == "small" {
        SMALL as u64
    } else if let Some(n) = key.strip_prefix("size-").and_then(|n| n.parse().ok()) {
        n
    } else {
        return s3_error(StatusCode::NOT_FOUND, "NoSuchKey");
    };
    let body = if len <= SMALL as u64 {
        Either::Left(Full::new(Bytes::from(vec![b'x'; len as usize])))
    } else {
        Either::Right(RepeatBody::new(len))
    };
    s3_headers(StatusCode::OK)
        .header("content-type", "application/octet-stream")
        .header("content-length", len)
        .header("etag", ETAG)
        .header("last-modified", LAST_MODIFIED)
        .header("accept-ranges", "bytes")
        .body(body)
        .expect("response")
}

async fn s3_put(req: Request<Incoming>) -> Response<ResBody> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
    };
    // aws-chunked bodies carry framing, so they are at least the decoded size.
    let (expected, exact) = match header("x-amz-decoded-content-length") {
        Some(n) => (Some(n), false),
        None => (header("content-length"), true),
    };
    let mut body = req.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(f) => received += f.data_ref().map_or(0, |d| d.len() as u64),
            Err(_) => return s3_error(StatusCode::BAD_REQUEST, "IncompleteBody"),
        }
    }
    if let Some(n) = expected {
        if (exact && received != n) || (!exact && received < n) {
            return s3_error(StatusCode::BAD_REQUEST, "IncompleteBody");
        }
    }
    s3_headers(StatusCode::OK)
        .header("etag", ETAG)
        .header("content-length", 0)
        .body(Either::Left(Full::new(Bytes::new())))
        .expect("response")
}

fn s3_error(status: StatusCode, code: &str) -> Response<ResBody> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
         <Message>{code}</Message><RequestId>BENCH0000000001</RequestId></Error>"
    );
    s3_headers(status)
        .header("content-type", "application/xml")
        .body(Either::Left(Full::new(Bytes::from(xml))))
        .expect("response")
}

async fn sqs(target: &str, req: Request<Incoming>) -> Response<ResBody> {
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return sqs_error("InvalidRequest", "unreadable body"),
    };
    if target != "AmazonSQS.SendMessage" {
        return sqs_error("UnsupportedOperation", target);
    }
    let input: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return sqs_error("InvalidRequest", &e.to_string()),
    };
    let Some(message) = input.get("MessageBody").and_then(|m| m.as_str()) else {
        return sqs_error("MissingParameter", "MessageBody");
    };
    let md5: String = Md5::digest(message.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let out = format!(
        "{{\"MD5OfMessageBody\":\"{md5}\",\"MessageId\":\"5fea7756-0ea4-451a-a703-a558b933e274\"}}"
    );
    sqs_response(StatusCode::OK, out)
}

fn sqs_error(code: &str, message: &str) -> Response<ResBody> {
    let out = serde_json::json!({
        "__type": format!("com.amazonaws.sqs#{code}"),
        "message": message,
    });
    sqs_response(StatusCode::BAD_REQUEST, out.to_string())
}

fn sqs_response(status: StatusCode, body: String) -> Response<ResBody> {
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-requestid", "bench-0000-0000-0001")
        .header("content-length", body.len())
        .body(Either::Left(Full::new(Bytes::from(body))))
        .expect("response")
}
