//! SigV4 and SigV4a signing, and the legacy SigV2 (`v2`: a form
//! parameter, for SimpleDB).
//!
//! The canonical request and the string to sign are built here, one way
//! for both algorithms (`canonical`); the `aws-sigv4` crate provides the
//! cryptography (signing key derivation, the HMAC and ECDSA signatures,
//! aws-chunked chunk signatures). SigV4 keys are cached per (credentials,
//! day, region, service) (`key`), SigV4a keys per credentials (`v4a`).
//!
//! SigV4a ([`SigningAlgorithm::SigV4a`], `AWS4-ECDSA-P256-SHA256`) signs
//! for a region set instead of one region: the credential scope has no
//! region, and the set is signed as the `x-amz-region-set` header (or the
//! `X-Amz-Region-Set` query parameter of a presigned URL). It needs the
//! `sigv4a` cargo feature; without it, asking for it is an error.
//!
//! S3 signs differently from other services (single percent-encoding, no
//! path normalization, `x-amz-content-sha256` header), as botocore's `s3v4`.

mod canonical;
mod date;
mod encoding;
pub mod event_stream;
mod key;
pub(crate) mod v2;
#[cfg(feature = "sigv4a")]
mod v4a;

#[cfg(test)]
mod compat_tests;
#[cfg(test)]
mod tests;
#[cfg(all(test, feature = "sigv4a"))]
pub(crate) mod v4a_tests;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION};
use http::Uri;

use crate::credentials::Credentials;
use canonical::Inputs;
pub(crate) use date::Stamp;
use encoding::{encode_into, sha256_hex};
pub(crate) use encoding::{hex, hex_into};
use key::KEYS;

/// The SigV4 algorithm name.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The SigV4a algorithm name.
const V4A_ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";
/// The payload hash of a request whose body is not signed.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The SHA-256 of nothing (most requests' payload hash).
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Why SigV4a is unavailable in a build without the `sigv4a` feature.
pub const SIGV4A_NEEDS_FEATURE: &str = "SigV4a needs myaws-core's `sigv4a` cargo feature \
     (enable it on myaws-s3 / your service crate)";

/// Which signature a request gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SigningAlgorithm<'a> {
    /// SigV4 (`AWS4-HMAC-SHA256`): valid in one region,
    /// [`SigningOptions::region`].
    #[default]
    SigV4,
    /// SigV4a (`AWS4-ECDSA-P256-SHA256`): valid in every region of
    /// `region_set` (needs the `sigv4a` cargo feature).
    SigV4a {
        /// The regions, comma-separated (`us-east-1,us-west-2`), `*` for
        /// all: endpoint rules' `signingRegionSet` joined by `,`.
        region_set: &'a str,
    },
}

impl SigningAlgorithm<'_> {
    /// The name in `Authorization` and `X-Amz-Algorithm`.
    pub fn name(&self) -> &'static str {
        match self {
            SigningAlgorithm::SigV4 => ALGORITHM,
            SigningAlgorithm::SigV4a { .. } => V4A_ALGORITHM,
        }
    }

    /// The signed region set (SigV4a only).
    fn region_set(&self) -> Option<&str> {
        match self {
            SigningAlgorithm::SigV4 => None,
            SigningAlgorithm::SigV4a { region_set } => Some(region_set),
        }
    }

    /// Fails when this build cannot sign so, or the region set is not one.
    fn check_usable(&self) -> Result<(), String> {
        let Some(region_set) = self.region_set() else {
            return Ok(());
        };
        if !cfg!(feature = "sigv4a") {
            return Err(SIGV4A_NEEDS_FEATURE.into());
        }
        let valid = !region_set.is_empty()
            && region_set
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'*' | b','));
        if valid {
            Ok(())
        } else {
            Err(format!(
                "SigV4a region set {region_set:?} is not a comma-separated list of regions \
                 (or `*`)"
            ))
        }
    }

    /// Fails for a payload this algorithm cannot sign: SigV4 chunk
    /// signatures under SigV4a would be wrong, and SigV4a ones
    /// (`STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`) are not implemented.
    fn check_payload(&self, payload: Payload<'_>) -> Result<(), String> {
        match (self, payload) {
            (SigningAlgorithm::SigV4a { .. }, Payload::Precomputed(hash))
                if hash.starts_with("STREAMING-AWS4-") =>
            {
                Err(format!(
                    "aws-chunked bodies with chunk signatures ({hash}) cannot be signed with \
                     SigV4a: myaws signs chunks with SigV4 only (send the body over HTTPS, \
                     where chunks are not signed, or as bytes)"
                ))
            }
            _ => Ok(()),
        }
    }
}

/// How to sign one request.
#[derive(Debug, Clone)]
pub struct SigningOptions<'a> {
    /// Signing region (SigV4; SigV4a signs its region set instead).
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
    /// SigV4 or SigV4a.
    pub algorithm: SigningAlgorithm<'a>,
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

impl<'a> Payload<'a> {
    /// The payload hash the canonical request ends with; `scratch` holds
    /// the hex of a body's SHA-256.
    fn hash(self, scratch: &'a mut [u8; 64]) -> &'a str {
        match self {
            Payload::Bytes([]) => EMPTY_SHA256,
            Payload::Bytes(body) => sha256_hex(body, scratch),
            Payload::Unsigned => UNSIGNED_PAYLOAD,
            Payload::Precomputed(hash) => hash,
        }
    }
}

/// The credential scope, `<date>/<region>/<service>/aws4_request`, or
/// `<date>/<service>/aws4_request` for SigV4a (no region).
struct Scope<'a> {
    date: &'a str,
    region: Option<&'a str>,
    service: &'a str,
}

impl Scope<'_> {
    fn len(&self) -> usize {
        self.date.len() + self.region.map_or(0, |r| r.len() + 1) + self.service.len() + 14
    }

    fn push_to(&self, out: &mut String) {
        out.push_str(self.date);
        out.push('/');
        if let Some(region) = self.region {
            out.push_str(region);
            out.push('/');
        }
        out.push_str(self.service);
        out.push_str("/aws4_request");
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
    let algorithm = opts.algorithm;
    algorithm.check_usable()?;
    algorithm.check_payload(payload)?;
    // A model member bound to `x-amz-content-sha256` (CodeArtifact's
    // PublishPackageVersion `assetSHA256`) is the payload hash botocore
    // signs outside S3; S3 signing always replaces it with its own.
    let declared = match payload {
        Payload::Bytes(_) if !opts.s3 => request
            .headers()
            .get("x-amz-content-sha256")
            .map(|v| crate::protocol::de::decode_header_value(v.as_bytes())),
        _ => None,
    };
    let payload = declared.as_deref().map_or(payload, Payload::Precomputed);
    let mut settings = SignerSettings::for_options(opts);
    // A payload hash that is not the body's own (`UNSIGNED-PAYLOAD`, the
    // aws-chunked `STREAMING-…` markers) must travel in
    // `x-amz-content-sha256`: without it every service but S3 hashes the
    // body itself and the signature fails (botocore sets the header for
    // `payload_signing_enabled = False`, e.g. EBS PutSnapshotBlock).
    // (A declared header is already there, and signed as it is.)
    if declared.is_none() && !matches!(payload, Payload::Bytes(_)) {
        settings.content_sha256_header = true;
    }
    tweak(&mut settings);
    let stamp = Stamp::new(opts.time)?;
    let mut body_hash = [0; 64];
    let payload_hash = payload.hash(&mut body_hash);
    let access_key_id = credentials.access_key_id();
    let session_token = credentials.session_token();
    let scope = Scope {
        date: stamp.date(),
        region: algorithm.region_set().is_none().then_some(opts.region),
        service: opts.name,
    };
    // `<access key id>/<scope>`, in presigned URLs only.
    let credential = settings
        .expires_in
        .map(|_| presigned_credential(access_key_id, &scope));

    let creq = canonical::build(&Inputs {
        method: request.method().as_str(),
        uri: request.uri(),
        headers: request.headers(),
        settings: &settings,
        stamp: &stamp,
        payload_hash,
        session_token,
        credential: credential.as_deref().unwrap_or(""),
        algorithm: algorithm.name(),
        region_set: algorithm.region_set(),
    })?;
    tracing::trace!(canonical_request = %creq.redacted(), "canonical request");
    #[cfg(test)]
    last_signed::canonical_request(&creq.text);
    let mut creq_hash = [0; 64];
    let creq_hash = sha256_hex(creq.text.as_bytes(), &mut creq_hash);

    // What goes with the signature: the Authorization header up to the
    // signature, or the presigned URL's signed headers.
    let mut authorization = String::new();
    let mut signed_headers = String::new();
    if credential.is_some() {
        signed_headers.push_str(creq.signed_headers());
    } else {
        authorization = authorization_prefix(
            algorithm.name(),
            access_key_id,
            &scope,
            creq.signed_headers(),
        );
    }

    // The string to sign, in the canonical request's buffer.
    let mut string_to_sign = creq.text;
    string_to_sign.clear();
    push_string_to_sign(
        &mut string_to_sign,
        algorithm.name(),
        &stamp,
        &scope,
        creq_hash,
    );
    tracing::trace!(string_to_sign = %string_to_sign, "string to sign");
    #[cfg(test)]
    last_signed::string_to_sign(&string_to_sign);
    let signature = calculate_signature(credentials, opts, &stamp, &string_to_sign)?;

    match (settings.expires_in, credential) {
        (Some(expires), Some(credential)) => {
            let expires = expires.as_secs().to_string();
            let params = SignatureParams {
                algorithm,
                credential: &credential,
                date: stamp.date_time(),
                expires: &expires,
                signed_headers: &signed_headers,
                signature: &signature,
                session_token,
            };
            *request.uri_mut() = with_query_params(request.uri(), &params.to_vec())?;
        }
        _ => {
            authorization.push_str(&signature);
            let content_sha256 = settings.content_sha256_header.then_some(payload_hash);
            put_signature_headers(
                request.headers_mut(),
                SignatureHeaders {
                    authorization,
                    date: stamp.date_time(),
                    content_sha256,
                    session_token,
                    region_set: algorithm.region_set(),
                },
            )?;
        }
    }
    Ok(signature)
}

/// `<access key id>/<scope>`, a presigned URL's `X-Amz-Credential`.
fn presigned_credential(access_key_id: &str, scope: &Scope<'_>) -> String {
    let mut credential = String::with_capacity(access_key_id.len() + 1 + scope.len());
    credential.push_str(access_key_id);
    credential.push('/');
    scope.push_to(&mut credential);
    credential
}

/// The `Authorization` header up to the signature:
/// `<algorithm> Credential=<id>/<scope>, SignedHeaders=<names>, Signature=`.
fn authorization_prefix(
    algorithm: &str,
    access_key_id: &str,
    scope: &Scope<'_>,
    signed_headers: &str,
) -> String {
    let mut out = String::with_capacity(
        // The fixed text and a signature (SigV4a's DER is up to 144 digits).
        algorithm.len() + access_key_id.len() + scope.len() + signed_headers.len() + 190,
    );
    out.push_str(algorithm);
    out.push_str(" Credential=");
    out.push_str(access_key_id);
    out.push('/');
    scope.push_to(&mut out);
    out.push_str(", SignedHeaders=");
    out.push_str(signed_headers);
    out.push_str(", Signature=");
    out
}

/// Appends the string to sign:
/// `<algorithm>\n<date time>\n<scope>\n<hex SHA-256 of the canonical request>`.
fn push_string_to_sign(
    out: &mut String,
    algorithm: &str,
    stamp: &Stamp,
    scope: &Scope<'_>,
    creq_hash: &str,
) {
    for part in [algorithm, "\n", stamp.date_time(), "\n"] {
        out.push_str(part);
    }
    scope.push_to(out);
    out.push('\n');
    out.push_str(creq_hash);
}

/// The SigV4 signature (hex) of any text, such as an S3 POST policy: the
/// HMAC-SHA256 of `text` with the signing key of `credentials` for
/// `time`'s day, `region` and `service`. Also returns the credential scope
/// (`AKID/20240501/us-east-1/s3/aws4_request`) and the `x-amz-date` stamp.
pub fn sign_text(
    text: &str,
    credentials: &Credentials,
    time: SystemTime,
    region: &str,
    service: &str,
) -> Result<TextSignature, String> {
    let stamp = Stamp::new(time)?;
    let key = KEYS.get(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        time,
        stamp.date(),
        region,
        service,
    );
    Ok(TextSignature {
        signature: v4::calculate_signature(key.as_bytes(), text.as_bytes()),
        credential: format!(
            "{}/{}/{region}/{service}/aws4_request",
            credentials.access_key_id(),
            stamp.date()
        ),
        date: stamp.date_time().to_owned(),
    })
}

/// What [`sign_text`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSignature {
    /// The signature, in hex.
    pub signature: String,
    /// The credential: access key id and scope.
    pub credential: String,
    /// The signing time as `x-amz-date` writes it (`20240501T123456Z`).
    pub date: String,
}

/// The signature of `string_to_sign` with the (cached) key `opts.algorithm`
/// signs with.
fn calculate_signature(
    credentials: &Credentials,
    opts: &SigningOptions<'_>,
    stamp: &Stamp,
    string_to_sign: &str,
) -> Result<String, String> {
    let access_key_id = credentials.access_key_id();
    let secret = credentials.secret_access_key();
    match opts.algorithm {
        SigningAlgorithm::SigV4 => {
            let key = KEYS.get(
                access_key_id,
                secret,
                opts.time,
                stamp.date(),
                opts.region,
                opts.name,
            );
            Ok(v4::calculate_signature(
                key.as_bytes(),
                string_to_sign.as_bytes(),
            ))
        }
        #[cfg(feature = "sigv4a")]
        SigningAlgorithm::SigV4a { .. } => v4a::signature(access_key_id, secret, string_to_sign),
        #[cfg(not(feature = "sigv4a"))]
        SigningAlgorithm::SigV4a { .. } => Err(SIGV4A_NEEDS_FEATURE.into()),
    }
}

/// The query parameters a presigned URL gets.
struct SignatureParams<'a> {
    algorithm: SigningAlgorithm<'a>,
    credential: &'a str,
    date: &'a str,
    expires: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
    session_token: Option<&'a str>,
}

impl<'a> SignatureParams<'a> {
    /// (name, value) in the order they are appended.
    fn to_vec(&self) -> Vec<(&'static str, &'a str)> {
        let mut params = Vec::with_capacity(8);
        params.extend([
            ("X-Amz-Algorithm", self.algorithm.name()),
            ("X-Amz-Credential", self.credential),
            ("X-Amz-Date", self.date),
            ("X-Amz-Expires", self.expires),
        ]);
        if let SigningAlgorithm::SigV4a { region_set } = self.algorithm {
            params.push(("X-Amz-Region-Set", region_set));
        }
        params.push(("X-Amz-SignedHeaders", self.signed_headers));
        // botocore's order: the token, then the signature last.
        if let Some(token) = self.session_token {
            params.push(("X-Amz-Security-Token", token));
        }
        params.push(("X-Amz-Signature", self.signature));
        params
    }
}

/// The headers a header-signed request gets.
struct SignatureHeaders<'a> {
    authorization: String,
    date: &'a str,
    /// `x-amz-content-sha256` (S3).
    content_sha256: Option<&'a str>,
    session_token: Option<&'a str>,
    /// `x-amz-region-set` (SigV4a).
    region_set: Option<&'a str>,
}

/// Puts `signed` into `headers`, replacing what was there; the session
/// token is marked sensitive.
fn put_signature_headers(
    headers: &mut http::HeaderMap,
    signed: SignatureHeaders<'_>,
) -> Result<(), String> {
    let header = |value: &str| HeaderValue::from_str(value).map_err(|e| e.to_string());
    let date = header(signed.date)?;
    let authorization = HeaderValue::from_maybe_shared(Bytes::from(signed.authorization))
        .map_err(|e| e.to_string())?;
    let content_sha256 = match signed.content_sha256 {
        None => None,
        Some(UNSIGNED_PAYLOAD) => Some(HeaderValue::from_static(UNSIGNED_PAYLOAD)),
        Some(EMPTY_SHA256) => Some(HeaderValue::from_static(EMPTY_SHA256)),
        Some(hash) => Some(header(hash)?),
    };
    let token = match signed.session_token {
        Some(token) => {
            let mut value = header(token)?;
            value.set_sensitive(true);
            Some(value)
        }
        None => None,
    };
    let region_set = signed.region_set.map(header).transpose()?;
    headers.insert(HeaderName::from_static("x-amz-date"), date);
    headers.insert(AUTHORIZATION, authorization);
    if let Some(value) = content_sha256 {
        headers.insert(HeaderName::from_static("x-amz-content-sha256"), value);
    }
    if let Some(value) = token {
        headers.insert(HeaderName::from_static("x-amz-security-token"), value);
    }
    if let Some(value) = region_set {
        headers.insert(HeaderName::from_static("x-amz-region-set"), value);
    }
    Ok(())
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

/// The canonical request and string to sign of this thread's last
/// signature, for the tests that compare them with published ones.
#[cfg(test)]
pub(crate) mod last_signed {
    use std::cell::RefCell;

    thread_local! {
        static LAST: RefCell<(String, String)> = const { RefCell::new((String::new(), String::new())) };
    }

    pub(super) fn canonical_request(text: &str) {
        LAST.with(|last| text.clone_into(&mut last.borrow_mut().0));
    }

    pub(super) fn string_to_sign(text: &str) {
        LAST.with(|last| text.clone_into(&mut last.borrow_mut().1));
    }

    /// (canonical request, string to sign) of the last signature.
    pub(crate) fn get() -> (String, String) {
        LAST.with(|last| last.borrow().clone())
    }
}
