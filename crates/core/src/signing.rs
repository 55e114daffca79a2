//! SigV4 signing.
//!
//! The canonical request and the string to sign are built here
//! ([`canonical`]); the `aws-sigv4` crate provides the cryptography (signing
//! key derivation, the HMAC signature, aws-chunked chunk signatures).
//! Signing keys are cached per (credentials, day, region, service) ([`key`]).
//!
//! S3 signs differently from other services (single percent-encoding, no
//! path normalization, `x-amz-content-sha256` header), as botocore's `s3v4`.

mod canonical;
mod date;
mod encoding;
mod key;

#[cfg(test)]
mod compat_tests;
#[cfg(test)]
mod tests;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION};
use http::Uri;

use crate::credentials::Credentials;
use canonical::Inputs;
use date::Stamp;
use encoding::{encode_into, sha256_hex};
use key::KEYS;

/// The signature algorithm.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The payload hash of a request whose body is not signed.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The SHA-256 of nothing (most requests' payload hash).
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

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

impl SigningOptions<'_> {
    /// Whether a request to `endpoint` signs S3-style (single encoding, no
    /// path normalization, `x-amz-content-sha256`): the model's `s3`/`s3v4`
    /// signature version, or an auth scheme that disables double encoding.
    pub fn s3_style(
        model: &crate::model::ServiceModel,
        endpoint: &crate::endpoint_resolution::ResolvedEndpoint,
    ) -> bool {
        model.metadata.signature_version.starts_with("s3") || endpoint.disable_double_encoding
    }
}

/// How the canonical request writes the request's (already encoded) path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathEncoding {
    /// Encoded again (`%` becomes `%25`): every service but S3.
    Double,
    /// As it is (S3).
    Single,
}

/// The signer's settings, for [`sign_request_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerSettings {
    /// How the path is encoded in the canonical request.
    pub percent_encoding_mode: PathEncoding,
    /// Remove `.`, `..` and empty path segments first (every service but S3).
    pub normalize_path: bool,
    /// Send and sign `x-amz-content-sha256` (S3; header signing only).
    pub content_sha256_header: bool,
    /// Sign in the query string (a presigned URL) valid this long, instead
    /// of in headers.
    pub expires_in: Option<Duration>,
}

impl SignerSettings {
    /// The settings `opts` ask for.
    pub fn for_options(opts: &SigningOptions<'_>) -> Self {
        SignerSettings {
            percent_encoding_mode: if opts.s3 {
                PathEncoding::Single
            } else {
                PathEncoding::Double
            },
            normalize_path: !opts.s3,
            content_sha256_header: opts.s3,
            expires_in: opts.presign_expires,
        }
    }
}

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

/// The credential scope, `<date>/<region>/<service>/aws4_request`.
struct Scope<'a> {
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

impl Scope<'_> {
    fn len(&self) -> usize {
        self.date.len() + self.region.len() + self.service.len() + 15
    }

    fn push_to(&self, out: &mut String) {
        for part in [
            self.date,
            "/",
            self.region,
            "/",
            self.service,
            "/aws4_request",
        ] {
            out.push_str(part);
        }
    }
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
    let mut settings = SignerSettings::for_options(opts);
    tweak(&mut settings);
    let stamp = Stamp::new(opts.time)?;
    let mut body_hash = [0; 64];
    let payload_hash = match payload {
        Payload::Bytes([]) => EMPTY_SHA256,
        Payload::Bytes(body) => sha256_hex(body, &mut body_hash),
        Payload::Unsigned => UNSIGNED_PAYLOAD,
        Payload::Precomputed(hash) => hash,
    };
    let access_key_id = credentials.access_key_id();
    let session_token = credentials.session_token();
    let scope = Scope {
        date: stamp.date(),
        region: opts.region,
        service: opts.name,
    };
    // `<access key id>/<scope>`, in presigned URLs only.
    let credential = settings.expires_in.map(|_| {
        let mut credential = String::with_capacity(access_key_id.len() + 1 + scope.len());
        credential.push_str(access_key_id);
        credential.push('/');
        scope.push_to(&mut credential);
        credential
    });

    let creq = canonical::build(&Inputs {
        method: request.method().as_str(),
        uri: request.uri(),
        headers: request.headers(),
        settings: &settings,
        stamp: &stamp,
        payload_hash,
        session_token,
        credential: credential.as_deref().unwrap_or(""),
    })?;
    tracing::trace!(canonical_request = %creq.redacted(), "SigV4 canonical request");
    let mut creq_hash = [0; 64];
    let creq_hash = sha256_hex(creq.text.as_bytes(), &mut creq_hash);

    // What goes with the signature: the Authorization header up to the
    // signature, or the presigned URL's signed headers.
    let mut authorization = String::new();
    let mut signed_headers = String::new();
    if credential.is_some() {
        signed_headers.push_str(creq.signed_headers());
    } else {
        authorization.reserve(
            ALGORITHM.len() + access_key_id.len() + scope.len() + creq.signed_headers().len() + 110,
        );
        authorization.push_str(ALGORITHM);
        authorization.push_str(" Credential=");
        authorization.push_str(access_key_id);
        authorization.push('/');
        scope.push_to(&mut authorization);
        authorization.push_str(", SignedHeaders=");
        authorization.push_str(creq.signed_headers());
        authorization.push_str(", Signature=");
    }

    // The string to sign, in the canonical request's buffer.
    let mut string_to_sign = creq.text;
    string_to_sign.clear();
    for part in [ALGORITHM, "\n", stamp.date_time(), "\n"] {
        string_to_sign.push_str(part);
    }
    scope.push_to(&mut string_to_sign);
    string_to_sign.push('\n');
    string_to_sign.push_str(creq_hash);
    tracing::trace!(string_to_sign = %string_to_sign, "SigV4 string to sign");

    let key = KEYS.get(
        access_key_id,
        credentials.secret_access_key(),
        opts.time,
        stamp.date(),
        opts.region,
        opts.name,
    );
    let signature = v4::calculate_signature(key.as_bytes(), string_to_sign.as_bytes());

    match (settings.expires_in, credential) {
        (Some(expires), Some(credential)) => {
            let expires_text = expires.as_secs().to_string();
            let mut params = vec![
                ("X-Amz-Algorithm", ALGORITHM),
                ("X-Amz-Credential", &credential),
                ("X-Amz-Date", stamp.date_time()),
                ("X-Amz-Expires", &expires_text),
                ("X-Amz-SignedHeaders", &signed_headers),
                ("X-Amz-Signature", &signature),
            ];
            if let Some(token) = session_token {
                params.push(("X-Amz-Security-Token", token));
            }
            let uri = with_query_params(request.uri(), &params)?;
            *request.uri_mut() = uri;
        }
        _ => {
            authorization.push_str(&signature);
            let header = |value: &str| HeaderValue::from_str(value).map_err(|e| e.to_string());
            let date = header(stamp.date_time())?;
            let authorization = HeaderValue::from_maybe_shared(Bytes::from(authorization))
                .map_err(|e| e.to_string())?;
            let content_sha256 = match (settings.content_sha256_header, payload_hash) {
                (false, _) => None,
                (true, UNSIGNED_PAYLOAD) => Some(HeaderValue::from_static(UNSIGNED_PAYLOAD)),
                (true, EMPTY_SHA256) => Some(HeaderValue::from_static(EMPTY_SHA256)),
                (true, hash) => Some(header(hash)?),
            };
            let token = match session_token {
                Some(token) => {
                    let mut value = header(token)?;
                    value.set_sensitive(true);
                    Some(value)
                }
                None => None,
            };
            let headers = request.headers_mut();
            headers.insert(HeaderName::from_static("x-amz-date"), date);
            headers.insert(AUTHORIZATION, authorization);
            if let Some(value) = content_sha256 {
                headers.insert(HeaderName::from_static("x-amz-content-sha256"), value);
            }
            if let Some(value) = token {
                headers.insert(HeaderName::from_static("x-amz-security-token"), value);
            }
        }
    }
    Ok(signature)
}

/// `uri` with `params` (URI-encoded) appended to its query string.
fn with_query_params(uri: &Uri, params: &[(&str, &str)]) -> Result<Uri, String> {
    let mut path_and_query = uri
        .path_and_query()
        .map(|pq| pq.to_string())
        .unwrap_or_default();
    let mut separator = match uri.query() {
        None => Some('?'),
        Some("") => None,
        Some(_) => Some('&'),
    };
    for (name, value) in params {
        if let Some(c) = separator {
            path_and_query.push(c);
        }
        separator = Some('&');
        encode_into(&mut path_and_query, name, false);
        path_and_query.push('=');
        encode_into(&mut path_and_query, value, false);
    }
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query.parse().map_err(|e| format!("{e}"))?);
    Uri::from_parts(parts).map_err(|e| e.to_string())
}

/// The signer's view of credentials (for aws-chunked chunk signatures).
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
