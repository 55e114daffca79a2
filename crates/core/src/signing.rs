//! SigV4 signing with the `aws-sigv4` crate.
//!
//! S3 signs differently from other services (single percent-encoding, no
//! path normalization, `x-amz-content-sha256` header), as botocore's `s3v4`.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::credentials::Credentials;

/// How to sign one request.
#[derive(Debug, Clone)]
pub struct SigningOptions<'a> {
    /// Signing region.
    pub region: &'a str,
    /// Signing name (`sqs`, `s3`, ...).
    pub name: &'a str,
    /// S3-style signing (`s3v4`).
    pub s3: bool,
    /// Sign with `UNSIGNED-PAYLOAD` instead of the body hash.
    pub unsigned_payload: bool,
    /// Put the signature in the query string (presigned URL), valid this long.
    pub presign_expires: Option<Duration>,
    /// The signing time.
    pub time: SystemTime,
}

pub use aws_sigv4::http_request::PercentEncodingMode as PathEncoding;
/// The signer's settings, for [`sign_request_with`].
pub type SignerSettings = SigningSettings;

/// Signs `request` in place (adds `Authorization`, `X-Amz-Date`, ...).
pub fn sign_request<B>(
    request: &mut http::Request<B>,
    body: &[u8],
    credentials: &Credentials,
    opts: &SigningOptions<'_>,
) -> Result<(), String> {
    sign_request_with(request, body, credentials, opts, |_| {})
}

/// [`sign_request`] with a last say over the signer's settings (used by the
/// SigV4 suite runner, whose request paths are not yet URI-encoded).
pub fn sign_request_with<B>(
    request: &mut http::Request<B>,
    body: &[u8],
    credentials: &Credentials,
    opts: &SigningOptions<'_>,
    tweak: impl FnOnce(&mut SignerSettings),
) -> Result<(), String> {
    let payload = if opts.unsigned_payload || opts.presign_expires.is_some() && opts.s3 {
        Payload::Unsigned
    } else {
        Payload::Bytes(body)
    };
    sign_payload(request, payload, credentials, opts, tweak).map(|_| ())
}

/// What a signature covers of the body.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// The body itself (its SHA-256 is signed).
    Bytes(&'a [u8]),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// A precomputed `x-amz-content-sha256` value (e.g. the aws-chunked
    /// `STREAMING-…` markers).
    Precomputed(&'a str),
}

/// Signs `request` in place for `payload`; returns the signature (the seed
/// of aws-chunked chunk signatures).
pub fn sign_payload<B>(
    request: &mut http::Request<B>,
    payload: Payload<'_>,
    credentials: &Credentials,
    opts: &SigningOptions<'_>,
    tweak: impl FnOnce(&mut SignerSettings),
) -> Result<String, String> {
    let identity = identity(credentials);
    let mut settings = SigningSettings::default();
    if opts.s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    if let Some(expires) = opts.presign_expires {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires);
    }
    tweak(&mut settings);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(opts.region)
        .name(opts.name)
        .time(opts.time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let uri = request.uri().to_string();
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)))
        .collect();
    let body = match payload {
        Payload::Bytes(b) => SignableBody::Bytes(b),
        Payload::Unsigned => SignableBody::UnsignedPayload,
        Payload::Precomputed(hash) => SignableBody::Precomputed(hash.to_string()),
    };
    let signable = SignableRequest::new(request.method().as_str(), &uri, headers.into_iter(), body)
        .map_err(|e| e.to_string())?;
    let (instructions, signature) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(signature)
}

/// The signer's view of credentials.
pub(crate) fn identity(credentials: &Credentials) -> Identity {
    AwsCredentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        credentials.session_token().map(str::to_string),
        None,
        "myaws",
    )
    .into()
}
