//! The canned answers.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

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

/// Set by `--bad-checksums`: GET answers carry a wrong CRC32, so a client
/// that validates it must fail.
pub static BAD_CHECKSUMS: AtomicBool = AtomicBool::new(false);

/// `x-amz-checksum-crc32` of an object of `len` bytes of `b'x'`: base64 of
/// the big-endian CRC32 (computed once per size).
fn crc32_header(len: u64) -> String {
    static CACHE: Mutex<Option<HashMap<u64, String>>> = Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    let value = cache.entry(len).or_insert_with(|| {
        let mut hasher = crc32fast::Hasher::new();
        for chunk in RepeatBody::new(len) {
            hasher.update(&chunk);
        }
        base64(&hasher.finalize().to_be_bytes())
    });
    if BAD_CHECKSUMS.load(Ordering::Relaxed) {
        return "AAAAAA==".to_string();
    }
    value.clone()
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Answers one request.
pub async fn handle(req: Request<Incoming>) -> Result<Response<ResBody>, Infallible> {
    if let Some(target) = req.headers().get("x-amz-target") {
        let target = target.to_str().unwrap_or_default().to_string();
        return Ok(match target.split_once('.') {
            Some(("AmazonSQS", _)) => sqs(&target, req).await,
            Some(("DynamoDB_20120810", "ListTables")) => {
                json_answer("application/x-amz-json-1.0", r#"{"TableNames":[]}"#, true)
            }
            Some(("TrentService", "ListKeys")) => json_answer(
                "application/x-amz-json-1.1",
                r#"{"Keys":[],"Truncated":false}"#,
                false,
            ),
            _ => sqs_error("UnsupportedOperation", &target),
        });
    }
    if req.method() == Method::POST && req.uri().path() == "/" {
        return Ok(sts(req).await);
    }
    let path = req.uri().path().trim_start_matches('/').to_string();
    let key = path.split_once('/').map(|(_, k)| k).unwrap_or_default();
    // Real S3 returns the object's stored checksum when the request asks
    // (`x-amz-checksum-mode: ENABLED`, which both SDKs send by default).
    let checksum_mode = req
        .headers()
        .get("x-amz-checksum-mode")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"enabled"));
    Ok(match *req.method() {
        Method::GET => s3_get(key, checksum_mode),
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

fn s3_get(key: &str, checksum_mode: bool) -> Response<ResBody> {
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
    let mut response = s3_headers(StatusCode::OK)
        .header("content-type", "application/octet-stream")
        .header("content-length", len)
        .header("etag", ETAG)
        .header("last-modified", LAST_MODIFIED)
        .header("accept-ranges", "bytes");
    if checksum_mode {
        response = response
            .header("x-amz-checksum-crc32", crc32_header(len))
            .header("x-amz-checksum-type", "FULL_OBJECT");
    }
    response.body(body).expect("response")
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

/// A canned JSON-protocol answer (DynamoDB's with its `x-amz-crc32`, the
/// CRC32 of the body in decimal, which botocore checks).
fn json_answer(content_type: &str, body: &'static str, crc: bool) -> Response<ResBody> {
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header("content-type", content_type)
        .header("x-amzn-requestid", "bench-0000-0000-0001")
        .header("content-length", body.len());
    if crc {
        response = response.header("x-amz-crc32", crc32fast::hash(body.as_bytes()));
    }
    response
        .body(Either::Left(Full::new(Bytes::from_static(body.as_bytes()))))
        .expect("response")
}

/// STS (query protocol): `GetCallerIdentity` only.
async fn sts(req: Request<Incoming>) -> Response<ResBody> {
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return s3_error(StatusCode::BAD_REQUEST, "IncompleteBody"),
    };
    let form = String::from_utf8_lossy(&body);
    if !form.split('&').any(|kv| kv == "Action=GetCallerIdentity") {
        return s3_error(StatusCode::BAD_REQUEST, "InvalidAction");
    }
    let xml = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
               <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/bench</Arn>\
               <UserId>AIDABENCHBENCHBENCH</UserId><Account>123456789012</Account>\
               </GetCallerIdentityResult><ResponseMetadata><RequestId>bench-0000-0000-0001\
               </RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "text/xml")
        .header("x-amzn-requestid", "bench-0000-0000-0001")
        .header("content-length", xml.len())
        .body(Either::Left(Full::new(Bytes::from_static(xml.as_bytes()))))
        .expect("response")
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

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_of_the_objects() {
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
        // crc32("x") = 0x8cdc1683.
        assert_eq!(
            super::crc32_header(1),
            super::base64(&[0x8c, 0xdc, 0x16, 0x83])
        );
        // Spread over two chunks like the streamed objects.
        let mut h = crc32fast::Hasher::new();
        h.update(&vec![b'x'; 70_000]);
        assert_eq!(
            super::crc32_header(70_000),
            super::base64(&h.finalize().to_be_bytes())
        );
    }
}
