//! Request bodies of a call: the streaming payload member taken out of the
//! input, the request checksum (header for bodies in memory, `aws-chunked`
//! trailer for files and streams), `Content-MD5`, `Expect: 100-continue`,
//! and the body of each attempt (replayed for bytes and files, refused for
//! a stream that was already sent).

use std::time::SystemTime;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, EXPECT, TRANSFER_ENCODING};
use http::Request;

use crate::body::{ByteStream, SdkBody};
use crate::checksum::aws_chunked::{self, ChunkSigner, Framing};
use crate::checksum::request::{self, RequestChecksum};
use crate::checksum::{ChecksumAlgorithm, RequestChecksumCalculation, DEFAULT_ALGORITHM};
use crate::credentials::Credentials;
use crate::model::{Operation, ServiceModel};
use crate::signing::{identity, sign_payload, Payload, SigningOptions};
use crate::value::Value;

/// Bodies larger than this are sent with `Expect: 100-continue`.
pub const EXPECT_CONTINUE_THRESHOLD: u64 = 1 << 20;

/// Takes a streaming payload (a file or stream body) out of `input`, so the
/// protocol serializes the rest and the pipeline sends the body itself.
pub fn take_stream_payload(
    model: &ServiceModel,
    op: &Operation,
    input: &mut Value,
) -> Option<ByteStream> {
    let shape = model.shape(op.input?);
    let index = shape.member_index(shape.payload.as_deref()?)?;
    let Value::Struct(slots) = input else {
        return None;
    };
    match slots.get_mut(index)? {
        slot @ Value::Stream(_) => match std::mem::take(slot) {
            Value::Stream(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// How the body of a call is sent.
#[derive(Debug)]
pub struct Upload {
    kind: Kind,
    /// Headers added to the request (checksums, encodings, `Expect`).
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Headers removed from the request.
    remove: Vec<HeaderName>,
    /// The flexible checksum header computed for a body in memory (what
    /// botocore's S3 signer looks for before leaving the payload unsigned).
    checksum_header: Option<&'static str>,
    /// The input's payload is a blob (botocore's `has_streaming_input`).
    blob_input: bool,
}

#[derive(Debug)]
enum Kind {
    /// The serialized bytes, signed as they are.
    InMemory,
    /// A streamed payload sent as it is (`UNSIGNED-PAYLOAD`).
    Raw(ByteStream),
    /// A streamed payload framed as `aws-chunked`; chunks are signed when
    /// `sign_chunks` and the request is signed.
    Chunked {
        body: ByteStream,
        trailer: Option<ChecksumAlgorithm>,
        sign_chunks: bool,
    },
}

/// Everything [`prepare`] needs to know about the call.
#[derive(Debug, Clone, Copy)]
pub struct UploadContext<'a> {
    /// The service model.
    pub model: &'a ServiceModel,
    /// The operation.
    pub op: &'a Operation,
    /// The input (without the streaming payload).
    pub input: &'a Value,
    /// `request_checksum_calculation`.
    pub setting: RequestChecksumCalculation,
    /// The request is signed.
    pub signed: bool,
    /// S3 behaviours (`Expect: 100-continue`).
    pub s3: bool,
    /// The `Content-Length` the input declared (S3's `ContentLength`), if
    /// any: it must be the body's length.
    pub declared_length: Option<&'a HeaderValue>,
}

/// Decides how the body is sent and which headers that needs.
pub fn prepare(
    ctx: UploadContext<'_>,
    request: &Request<Bytes>,
    payload: Option<ByteStream>,
) -> Result<Upload, String> {
    let checksum = request::resolve(ctx.model, ctx.op, ctx.input, request.headers(), ctx.setting)?;
    let https = request.uri().scheme_str() == Some("https");
    let mut up = Upload {
        kind: Kind::InMemory,
        headers: Vec::new(),
        remove: Vec::new(),
        checksum_header: None,
        blob_input: has_blob_payload(ctx.model, ctx.op),
    };
    let method_sends_body = matches!(*request.method(), http::Method::PUT | http::Method::POST);
    let body_len = payload
        .as_ref()
        .map_or(Some(request.body().len() as u64), ByteStream::len);
    check_s3_stream_length(&ctx, body_len)?;
    check_declared_length(ctx.op, ctx.declared_length, body_len)?;
    if ctx.s3 && method_sends_body && !matches!(body_len, Some(n) if n <= EXPECT_CONTINUE_THRESHOLD)
    {
        up.add(EXPECT, "100-continue")?;
    }
    let Some(body) = payload else {
        match checksum {
            RequestChecksum::None => {}
            RequestChecksum::Flexible {
                algorithm,
                algorithm_header,
            } => {
                let value = algorithm.checksum_of(request.body());
                up.add_named(algorithm.header_name(), &value)?;
                up.checksum_header = Some(algorithm.header_name());
                if let Some(h) = algorithm_header {
                    up.add_named(&h, algorithm.name())?;
                }
            }
        }
        return Ok(up);
    };
    let (trailer, algorithm_header) = match checksum {
        RequestChecksum::Flexible {
            algorithm,
            algorithm_header,
        } => (Some(algorithm), algorithm_header),
        // A stream of unknown length can only go aws-chunked, which always
        // carries a trailing checksum when unsigned.
        RequestChecksum::None if body.len().is_none() => (Some(DEFAULT_ALGORITHM), None),
        RequestChecksum::None => (None, None),
    };
    if let Some(h) = algorithm_header {
        up.add_named(&h, trailer.map_or("", ChecksumAlgorithm::name))?;
    }
    // Chunk signatures need the decoded length up front (S3 and moto both
    // read x-amz-decoded-content-length); over TLS, unsigned chunks as the
    // SDKs send them.
    let sign_chunks = ctx.signed && !https && body.len().is_some();
    if trailer.is_none() && !sign_chunks {
        // Known length, no checksum, nothing to sign chunk by chunk.
        if let Some(n) = body.len() {
            up.add(CONTENT_LENGTH, &n.to_string())?;
        }
        up.kind = Kind::Raw(body);
        return Ok(up);
    }
    let framing = Framing {
        trailer,
        signer: None,
    };
    up.add_named("content-encoding", "aws-chunked")?;
    if let Some(a) = trailer {
        up.add_named("x-amz-trailer", a.header_name())?;
    }
    match body.len() {
        Some(n) => {
            up.add_named("x-amz-decoded-content-length", &n.to_string())?;
            let encoded = if sign_chunks {
                Framing {
                    trailer,
                    signer: Some(placeholder_signer()),
                }
                .encoded_len(n)
            } else {
                framing.encoded_len(n)
            };
            up.add(CONTENT_LENGTH, &encoded.to_string())?;
        }
        None => {
            up.remove.push(CONTENT_LENGTH);
            up.add(TRANSFER_ENCODING, "chunked")?;
        }
    }
    up.kind = Kind::Chunked {
        body,
        trailer,
        sign_chunks,
    };
    Ok(up)
}

/// Whether `op`'s input payload is a blob (streaming or not).
fn has_blob_payload(model: &ServiceModel, op: &Operation) -> bool {
    let Some(input) = op.input else {
        return false;
    };
    let shape = model.shape(input);
    shape
        .payload
        .as_deref()
        .and_then(|p| shape.member_index(p))
        .is_some_and(|i| model.shape(shape.members[i].target).kind == crate::model::ShapeKind::Blob)
}

/// Refuses an S3 object (`PutObject`) or part (`UploadPart`) streamed
/// without its length: S3 answers `Transfer-Encoding: chunked` with 501
/// NotImplemented and an `aws-chunked` body without
/// `x-amz-decoded-content-length` with 411 MissingContentLength, and by then
/// a one-shot stream has been spent.
fn check_s3_stream_length(ctx: &UploadContext<'_>, body_len: Option<u64>) -> Result<(), String> {
    if ctx.s3 && body_len.is_none() && matches!(ctx.op.name.as_str(), "PutObject" | "UploadPart") {
        return Err(format!(
            "{}: S3 needs the length of a streamed body before it is sent (it refuses chunked \
             bodies of unknown length); give it with ByteStream::from_stream_with_length, or \
             upload a stream of unknown length with myaws-s3's Client::upload_stream \
             (custom::transfer::UploadStream), which sends it in parts",
            ctx.op.name
        ));
    }
    Ok(())
}

/// Refuses a modeled `Content-Length` (S3's `ContentLength`) that is not
/// the body's length: the request could only fail (botocore sends it and
/// the connection breaks or the service times out waiting).
fn check_declared_length(
    op: &Operation,
    declared: Option<&HeaderValue>,
    body_len: Option<u64>,
) -> Result<(), String> {
    let Some(declared) = declared else {
        return Ok(());
    };
    let declared = declared
        .to_str()
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| format!("{}: ContentLength is not a length", op.name))?;
    match body_len {
        Some(actual) if actual != declared => Err(format!(
            "{}: ContentLength is {declared} but the body has {actual} bytes",
            op.name
        )),
        _ => Ok(()),
    }
}

/// Only the framing's shape matters for lengths.
fn placeholder_signer() -> ChunkSigner {
    ChunkSigner {
        identity: identity(&Credentials::new("", "", None, None)),
        region: String::new(),
        name: String::new(),
        time: SystemTime::UNIX_EPOCH,
        seed_signature: String::new(),
    }
}

impl Upload {
    fn add(&mut self, name: HeaderName, value: &str) -> Result<(), String> {
        let value = HeaderValue::try_from(value).map_err(|e| e.to_string())?;
        self.headers.push((name, value));
        Ok(())
    }

    fn add_named(&mut self, name: &str, value: &str) -> Result<(), String> {
        let name = HeaderName::try_from(name).map_err(|e| e.to_string())?;
        self.add(name, value)
    }

    /// Puts the upload's headers on a (re)built request.
    pub fn apply_headers(&self, request: &mut Request<Bytes>) {
        let headers = request.headers_mut();
        for name in &self.remove {
            headers.remove(name);
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
    }

    /// Whether a body in memory is signed as `UNSIGNED-PAYLOAD`. S3-style
    /// signing decides as botocore's `S3SigV4Auth`: only over HTTPS with the
    /// checksum header this upload computed (else `Content-MD5`) present,
    /// and then for blob payloads (`PutObject`, `UploadPart`) or operations
    /// modeled with an unsigned body; other signing follows the model.
    fn payload_unsigned(&self, request: &Request<Bytes>, opts: &SigningOptions<'_>) -> bool {
        if !opts.s3 {
            return opts.unsigned_payload;
        }
        let https = request.uri().scheme_str() == Some("https");
        let checksum = self.checksum_header.unwrap_or("content-md5");
        https
            && request.headers().contains_key(checksum)
            && (self.blob_input || opts.unsigned_payload)
    }

    /// True when the body is streamed (the request body bytes are unused).
    pub fn is_streamed(&self) -> bool {
        !matches!(self.kind, Kind::InMemory)
    }

    /// Signs `request` for this upload and returns the body to send with it.
    /// Fails when the body is a one-shot stream that an earlier attempt
    /// already sent.
    pub fn sign_and_body(
        &self,
        request: &mut Request<Bytes>,
        signing: Option<(&Credentials, &SigningOptions<'_>)>,
    ) -> Result<SdkBody, String> {
        match &self.kind {
            Kind::InMemory => {
                if let Some((creds, opts)) = signing {
                    let body = request.body().clone();
                    let opts = SigningOptions {
                        unsigned_payload: self.payload_unsigned(request, opts),
                        ..opts.clone()
                    };
                    crate::signing::sign_request(request, &body, creds, &opts)
                        .map_err(|e| format!("signing failed: {e}"))?;
                }
                Ok(SdkBody::from_bytes(request.body().clone()))
            }
            Kind::Raw(body) => {
                if let Some((creds, opts)) = signing {
                    sign_streaming(request, "UNSIGNED-PAYLOAD", creds, opts)?;
                }
                let stream = body.try_clone_stream().map_err(|e| e.to_string())?;
                Ok(SdkBody::from_stream(stream, body.len()))
            }
            Kind::Chunked {
                body,
                trailer,
                sign_chunks,
            } => {
                let mut framing = Framing {
                    trailer: *trailer,
                    signer: None,
                };
                if signing.is_none() && trailer.is_some() {
                    // An unsigned request still says how its body is framed
                    // (botocore's `_set_extra_headers_for_unsigned_request`).
                    request.headers_mut().insert(
                        HeaderName::from_static("x-amz-content-sha256"),
                        HeaderValue::from_static(framing.content_sha256()),
                    );
                }
                if let Some((creds, opts)) = signing {
                    if *sign_chunks {
                        framing.signer = Some(placeholder_signer());
                    }
                    let seed = sign_streaming(request, framing.content_sha256(), creds, opts)?;
                    if let Some(signer) = &mut framing.signer {
                        *signer = ChunkSigner {
                            identity: identity(creds),
                            region: opts.region.to_string(),
                            name: opts.name.to_string(),
                            time: opts.time,
                            seed_signature: seed,
                        };
                    }
                }
                let len = body.len().map(|n| framing.encoded_len(n));
                let stream = body.try_clone_stream().map_err(|e| e.to_string())?;
                Ok(SdkBody::from_stream(
                    aws_chunked::encode(stream, framing),
                    len,
                ))
            }
        }
    }
}

/// Signs a request whose `x-amz-content-sha256` is `content_sha256` (S3
/// signing rules); returns the signature.
fn sign_streaming(
    request: &mut Request<Bytes>,
    content_sha256: &str,
    credentials: &Credentials,
    opts: &SigningOptions<'_>,
) -> Result<String, String> {
    let payload = match content_sha256 {
        "UNSIGNED-PAYLOAD" => Payload::Unsigned,
        other => Payload::Precomputed(other),
    };
    let opts = SigningOptions {
        s3: true,
        presign_expires: None,
        ..opts.clone()
    };
    sign_payload(request, payload, credentials, &opts, |_| {})
        .map_err(|e| format!("signing failed: {e}"))
}

/// SigV4a through the upload paths that call the signer.
#[cfg(all(test, feature = "sigv4a"))]
mod sigv4a_tests {
    use super::*;
    use crate::signing::SigningAlgorithm;

    fn put(kind: Kind) -> (Upload, Request<Bytes>) {
        let upload = Upload {
            kind,
            headers: Vec::new(),
            remove: Vec::new(),
            checksum_header: None,
            blob_input: true,
        };
        let request = Request::builder()
            .method("PUT")
            .uri("http://mrap.accesspoint.s3-global.amazonaws.com/key")
            .body(Bytes::new())
            .unwrap();
        (upload, request)
    }

    fn opts() -> SigningOptions<'static> {
        SigningOptions {
            region: "us-east-1",
            name: "s3",
            s3: true,
            unsigned_payload: false,
            presign_expires: None,
            time: SystemTime::UNIX_EPOCH,
            algorithm: SigningAlgorithm::SigV4a { region_set: "*" },
        }
    }

    #[test]
    fn signed_chunks_with_sigv4a_are_an_error_not_a_wrong_signature() {
        let credentials = Credentials::new("AKID", "SECRET", None, None);
        let (upload, mut request) = put(Kind::Chunked {
            body: ByteStream::from("hello"),
            trailer: None,
            sign_chunks: true,
        });
        let error = upload
            .sign_and_body(&mut request, Some((&credentials, &opts())))
            .unwrap_err();
        assert!(error.contains("SigV4a"), "{error}");
        assert!(request.headers().get("authorization").is_none());
    }

    #[test]
    fn unsigned_chunks_and_raw_streams_sign_with_sigv4a() {
        let credentials = Credentials::new("AKID", "SECRET", None, None);
        for (kind, content_sha256) in [
            (
                Kind::Chunked {
                    body: ByteStream::from("hello"),
                    trailer: Some(DEFAULT_ALGORITHM),
                    sign_chunks: false,
                },
                "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            ),
            (Kind::Raw(ByteStream::from("hello")), "UNSIGNED-PAYLOAD"),
        ] {
            let (upload, mut request) = put(kind);
            upload
                .sign_and_body(&mut request, Some((&credentials, &opts())))
                .unwrap();
            let headers = request.headers();
            assert_eq!(headers["x-amz-content-sha256"], content_sha256);
            assert_eq!(headers["x-amz-region-set"], "*");
            let authorization = headers["authorization"].to_str().unwrap();
            assert!(
                authorization.starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKID/19700101/s3/"),
                "{authorization}"
            );
        }
    }
}
