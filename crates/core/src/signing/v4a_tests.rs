//! SigV4a tests (with the `sigv4a` feature): AWS's SigV4a signing test
//! suite, and what the suite does not cover (presigned S3 URLs, session
//! tokens, the key cache, refused combinations).
//!
//! The suite (`tests/vectors/sigv4a`, aws-sigv4's copy of the CRT's
//! `aws-signing-test-suite/v4a`) gives for each case the request, the
//! context (credentials, region set, service, time, flags), the canonical
//! request and string to sign of header and of query signing, and the
//! public key of the credentials. SigV4a signatures are random, so each one
//! is verified against that public key instead of compared.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use http::{HeaderMap, Request};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, SigningKey as P256Key, VerifyingKey};

use super::v4a::{V4aKey, V4aKeyCache};
use super::*;
use crate::time::DateTime;

/// The suite, from the workspace root.
const SUITE: &str = "tests/vectors/sigv4a";

/// Cases not run, with the reason.
const SKIPPED: &[(&str, &str)] = &[(
    "post-sts-header-after",
    "its `omit_session_token` signs without the session token and sends the \
     token unsigned, added after signing (a CRT mode); myaws, as botocore, \
     signs every token it sends and has no such mode",
)];

/// The suite's folder.
fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(SUITE)
}

/// One case's `context.json`.
struct Context {
    credentials: Credentials,
    expires: Duration,
    normalize: bool,
    region_set: String,
    service: String,
    sign_body: bool,
    time: SystemTime,
}

impl Context {
    fn read(dir: &Path) -> Result<Context, String> {
        let json: serde_json::Value = serde_json::from_str(&read(dir, "context.json")?)
            .map_err(|e| format!("context.json: {e}"))?;
        let text = |pointer: &str| {
            json.pointer(pointer)
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("context.json: no {pointer}"))
        };
        let flag = |name: &str| json[name].as_bool().unwrap_or(false);
        let timestamp = text("/timestamp")?;
        let time = DateTime::parse(timestamp).ok_or_else(|| format!("bad time {timestamp}"))?;
        if flag("omit_session_token") {
            return Err("omit_session_token is not a myaws signing mode".into());
        }
        let token = text("/credentials/token").ok();
        Ok(Context {
            credentials: Credentials::new(
                text("/credentials/access_key_id")?,
                text("/credentials/secret_access_key")?,
                token.map(str::to_string),
                None,
            ),
            expires: Duration::from_secs(
                json["expiration_in_seconds"]
                    .as_u64()
                    .ok_or("context.json: no expiration_in_seconds")?,
            ),
            normalize: flag("normalize"),
            region_set: text("/region")?.to_string(),
            service: text("/service")?.to_string(),
            sign_body: flag("sign_body"),
            time: time.into(),
        })
    }
}

fn read(dir: &Path, file: &str) -> Result<String, String> {
    std::fs::read_to_string(dir.join(file)).map_err(|e| format!("{file}: {e}"))
}

/// A raw `request.txt`: request line (the target may hold spaces and
/// non-ASCII text), `Name:value` headers with folded continuation lines,
/// body. The path is URI-encoded once (so the signer, told not to encode it
/// again, writes it as the suite does); the query's spaces and non-ASCII
/// bytes are percent-encoded.
fn parse_request(raw: &str) -> Result<(Request<()>, String), String> {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    let mut lines = head.lines();
    let line = lines.next().ok_or("empty request")?;
    let (method, rest) = line.split_once(' ').ok_or("bad request line")?;
    let (target, _version) = rest.rsplit_once(' ').ok_or("bad request line")?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().ok_or("continuation before any header")?;
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("bad header {line:?}"))?;
            headers.push((name.to_string(), value.trim().to_string()));
        }
    }
    let host = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.clone())
        .ok_or("no Host header")?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let mut uri = format!("https://{host}");
    encoding::encode_into(&mut uri, path, true);
    if let Some(query) = query {
        uri.push('?');
        for b in query.bytes() {
            if b == b' ' || !b.is_ascii() {
                uri.push_str(&format!("%{b:02X}"));
            } else {
                uri.push(char::from(b));
            }
        }
    }
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in &headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = builder.body(()).map_err(|e| e.to_string())?;
    Ok((request, body.to_string()))
}

/// Header or query signing.
#[derive(Debug, Clone, Copy)]
enum Form {
    Header,
    Query,
}

impl Form {
    fn prefix(self) -> &'static str {
        match self {
            Form::Header => "header",
            Form::Query => "query",
        }
    }
}

/// A signed request with what the signer signed.
struct Signed {
    request: Request<()>,
    canonical_request: String,
    string_to_sign: String,
    signature: String,
}

/// Signs the case's request in `form` with myaws's signer.
fn sign_case(dir: &Path, context: &Context, form: Form) -> Result<Signed, String> {
    let (mut request, body) = parse_request(&read(dir, "request.txt")?)?;
    let opts = SigningOptions {
        region: "unused-by-sigv4a",
        name: &context.service,
        s3: false,
        unsigned_payload: false,
        presign_expires: matches!(form, Form::Query).then_some(context.expires),
        time: context.time,
        algorithm: SigningAlgorithm::SigV4a {
            region_set: &context.region_set,
        },
    };
    let signature = sign_request_with(
        &mut request,
        body.as_bytes(),
        &context.credentials,
        &opts,
        |settings| {
            settings.percent_encoding_mode = PathEncoding::Single;
            settings.normalize_path = context.normalize;
            settings.content_sha256_header = context.sign_body;
        },
    )
    .map(|()| signature_of(&request, form))?
    .ok_or("no signature in the signed request")?;
    let (canonical_request, string_to_sign) = last_signed::get();
    Ok(Signed {
        request,
        canonical_request,
        string_to_sign,
        signature,
    })
}

/// The signature a signed request carries.
fn signature_of(request: &Request<()>, form: Form) -> Option<String> {
    match form {
        Form::Header => {
            let authorization = request.headers().get("authorization")?.to_str().ok()?;
            Some(authorization.split_once("Signature=")?.1.to_string())
        }
        Form::Query => query_params(request.uri())
            .into_iter()
            .find(|(name, _)| name == "X-Amz-Signature")
            .map(|(_, value)| value),
    }
}

/// A URI's query parameters, decoded, sorted.
fn query_params(uri: &Uri) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect();
    params.sort();
    params
}

/// Percent-decodes `text` (through the canonical form, which only the
/// unreserved characters and `%XX` make up).
fn decode(text: &str) -> String {
    let canonical = encoding::canonical_query_component(text);
    let bytes = canonical.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&canonical[i + 1..i + 3], 16).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The request's headers, names lowercased, sorted, with the signature of
/// `Authorization` cut off.
fn headers_without_signature(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let value = match value.split_once("Signature=") {
                Some((prefix, _)) if name == "authorization" => format!("{prefix}Signature="),
                _ => value,
            };
            (name.as_str().to_string(), value)
        })
        .collect();
    out.sort();
    out
}

/// The signed request matches the suite's but for the signature (random):
/// the same headers (header signing) or query parameters (query signing).
fn check_signed_request(dir: &Path, signed: &Signed, form: Form) -> Result<(), String> {
    let file = format!("{}-signed-request.txt", form.prefix());
    let (want, _) = parse_request(&read(dir, &file)?)?;
    let (got, want) = match form {
        Form::Header => (
            headers_without_signature(signed.request.headers()),
            headers_without_signature(want.headers()),
        ),
        Form::Query => {
            let strip = |uri: &Uri| {
                let mut params = query_params(uri);
                params.retain(|(name, _)| name != "X-Amz-Signature");
                params
            };
            (strip(signed.request.uri()), strip(want.uri()))
        }
    };
    if got == want {
        Ok(())
    } else {
        Err(format!("{file} differs:\n  want {want:?}\n  got  {got:?}"))
    }
}

/// Lowercase or uppercase hex to bytes.
fn hex_decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return Err(format!("odd-length hex {text:?}"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("bad hex {text:?}"))
        })
        .collect()
}

/// The case's `public-key.json` (`{"X": hex, "Y": hex}`).
fn published_public_key(dir: &Path) -> Result<VerifyingKey, String> {
    let json: serde_json::Value = serde_json::from_str(&read(dir, "public-key.json")?)
        .map_err(|e| format!("public-key.json: {e}"))?;
    let coordinate = |name: &str| {
        json[name]
            .as_str()
            .ok_or_else(|| format!("public-key.json: no {name}"))
            .and_then(hex_decode)
    };
    let mut sec1 = vec![0x04];
    sec1.extend(coordinate("X")?);
    sec1.extend(coordinate("Y")?);
    VerifyingKey::from_sec1_bytes(&sec1).map_err(|e| format!("public-key.json: {e}"))
}

/// The public key of the key aws-sigv4 derives for `credentials`.
pub(crate) fn derived_public_key(credentials: &Credentials) -> Result<VerifyingKey, String> {
    let key = aws_sigv4::sign::v4a::generate_signing_key(
        credentials.access_key_id(),
        credentials.secret_access_key(),
    );
    let key = P256Key::from_slice(key.as_ref()).map_err(|e| e.to_string())?;
    Ok(*key.verifying_key())
}

/// Whether `signature` (hex DER) is `public_key`'s ECDSA signature of
/// `string_to_sign`.
pub(crate) fn verify(
    public_key: &VerifyingKey,
    string_to_sign: &str,
    signature: &str,
) -> Result<(), String> {
    let der = hex_decode(signature)?;
    let signature = DerSignature::from_bytes(&der).map_err(|e| format!("not DER: {e}"))?;
    public_key
        .verify(string_to_sign.as_bytes(), &signature)
        .map_err(|e| format!("signature does not verify: {e}"))
}

/// Runs one form of one case: canonical request and string to sign as
/// published, the signed request as published but for the signature, and
/// a signature that verifies for this string to sign and no other.
fn run_form(
    dir: &Path,
    context: &Context,
    public_key: &VerifyingKey,
    form: Form,
) -> Result<(), String> {
    let signed = sign_case(dir, context, form)?;
    for (file, got) in [
        ("canonical-request", &signed.canonical_request),
        ("string-to-sign", &signed.string_to_sign),
    ] {
        let file = format!("{}-{file}.txt", form.prefix());
        let want = read(dir, &file)?;
        if *got != want {
            return Err(format!("{file} differs:\n--- want\n{want}\n--- got\n{got}"));
        }
    }
    check_signed_request(dir, &signed, form)?;
    verify(public_key, &signed.string_to_sign, &signed.signature)?;
    let mut other = signed.string_to_sign.clone();
    other.push('x');
    if verify(public_key, &other, &signed.signature).is_ok() {
        return Err("the signature also verifies for another string to sign".into());
    }
    Ok(())
}

/// Runs one case in both forms.
fn run_case(dir: &Path) -> Result<(), String> {
    let context = Context::read(dir)?;
    let public_key = published_public_key(dir)?;
    if derived_public_key(&context.credentials)? != public_key {
        return Err("the derived public key is not public-key.json's".into());
    }
    for form in [Form::Header, Form::Query] {
        run_form(dir, &context, &public_key, form).map_err(|e| format!("{form:?}: {e}"))?;
    }
    Ok(())
}

#[test]
fn the_aws_sigv4a_suite_signs_as_published_and_verifies() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(suite_dir())
        .expect("the SigV4a suite is in tests/vectors/sigv4a")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("context.json").is_file())
        .collect();
    cases.sort();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for dir in &cases {
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        if let Some((_, why)) = SKIPPED.iter().find(|(case, _)| *case == name) {
            println!("SKIP {name}: {why}");
            skipped += 1;
            continue;
        }
        match run_case(dir) {
            Ok(()) => passed += 1,
            Err(why) => {
                println!("FAIL {name}: {why}");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    assert_eq!(failed, 0, "SigV4a suite failures (run with --nocapture)");
    assert_eq!(cases.len(), 38, "the suite's 38 cases are in {SUITE}");
    assert_eq!(
        skipped,
        SKIPPED.len(),
        "every skip names a case of the suite"
    );
}

// ------------------------------------------------------------ unit tests

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// 2013-05-24T00:00:00Z.
fn may_24_2013() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600)
}

fn v4a_options(region_set: &str, presign: Option<Duration>) -> SigningOptions<'_> {
    SigningOptions {
        region: "us-east-1",
        name: "s3",
        s3: true,
        unsigned_payload: presign.is_some(),
        presign_expires: presign,
        time: may_24_2013(),
        algorithm: SigningAlgorithm::SigV4a { region_set },
    }
}

fn get_object() -> Request<()> {
    Request::builder()
        .uri("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/test.txt")
        .body(())
        .unwrap()
}

/// The public key of `credentials`' SigV4a key, as myaws derives it.
fn public_key_of(credentials: &Credentials) -> VerifyingKey {
    let key = V4aKey::derive(credentials.access_key_id(), credentials.secret_access_key()).unwrap();
    *P256Key::from_slice(key.as_bytes()).unwrap().verifying_key()
}

#[test]
fn presigned_v4a_urls_sign_the_region_set_with_a_regionless_scope() {
    let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, None, None);
    let mut request = get_object();
    let opts = v4a_options("*", Some(Duration::from_secs(900)));
    sign_request(&mut request, &[], &credentials, &opts).unwrap();
    let url = request.uri().to_string();
    let prefix = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/test.txt\
        ?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256\
        &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fs3%2Faws4_request\
        &X-Amz-Date=20130524T000000Z&X-Amz-Expires=900&X-Amz-Region-Set=%2A\
        &X-Amz-SignedHeaders=host&X-Amz-Signature=";
    assert!(url.starts_with(prefix), "{url}");
    assert!(!url.contains("us-east-1"), "{url}");
    assert!(request.headers().is_empty());

    let (canonical_request, string_to_sign) = last_signed::get();
    assert_eq!(
        canonical_request,
        "GET\n/test.txt\n\
         X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=900&X-Amz-Region-Set=%2A\
         &X-Amz-SignedHeaders=host\n\
         host:mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com\n\n\
         host\nUNSIGNED-PAYLOAD"
    );
    assert!(
        string_to_sign
            .starts_with("AWS4-ECDSA-P256-SHA256\n20130524T000000Z\n20130524/s3/aws4_request\n"),
        "{string_to_sign}"
    );
    let signature = signature_of(&request, Form::Query).unwrap();
    verify(&public_key_of(&credentials), &string_to_sign, &signature).unwrap();
}

#[test]
fn header_signed_v4a_requests_send_and_sign_the_region_set() {
    let credentials = Credentials::new("AKID", SECRET, None, None);
    let mut request = get_object();
    // A region set the request already has is replaced.
    request
        .headers_mut()
        .insert("x-amz-region-set", HeaderValue::from_static("stale"));
    let opts = v4a_options("us-east-1,us-west-2", None);
    sign_request(&mut request, &[], &credentials, &opts).unwrap();
    let header = |name: &str| request.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("x-amz-region-set"), "us-east-1,us-west-2");
    assert_eq!(
        request.headers().get_all("x-amz-region-set").iter().count(),
        1
    );
    let authorization = header("authorization");
    assert!(
        authorization.starts_with(
            "AWS4-ECDSA-P256-SHA256 Credential=AKID/20130524/s3/aws4_request, \
             SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature="
        ),
        "{authorization}"
    );
    let (canonical_request, string_to_sign) = last_signed::get();
    assert!(canonical_request.contains("\nx-amz-region-set:us-east-1,us-west-2\n"));
    assert!(!canonical_request.contains("stale"));
    let signature = signature_of(&request, Form::Header).unwrap();
    verify(&public_key_of(&credentials), &string_to_sign, &signature).unwrap();
    // Another key's public key does not verify it.
    let other = Credentials::new("AKID", "another secret", None, None);
    assert!(verify(&public_key_of(&other), &string_to_sign, &signature).is_err());
}

#[test]
fn v4a_signs_session_tokens_in_headers_and_presigned_urls() {
    let credentials = Credentials::new("AKID", SECRET, Some("the/token+".into()), None);
    let mut request = get_object();
    sign_request(&mut request, &[], &credentials, &v4a_options("*", None)).unwrap();
    let token = &request.headers()["x-amz-security-token"];
    assert_eq!(token, "the/token+");
    assert!(token.is_sensitive());
    let (canonical_request, _) = last_signed::get();
    assert!(canonical_request.contains("\nx-amz-security-token:the/token+\n"));
    assert!(canonical_request.contains(
        "\nhost;x-amz-content-sha256;x-amz-date;x-amz-region-set;x-amz-security-token\n"
    ));

    let mut request = get_object();
    let opts = v4a_options("*", Some(Duration::from_secs(60)));
    sign_request(&mut request, &[], &credentials, &opts).unwrap();
    let url = request.uri().to_string();
    // botocore's order: the token, then the signature last.
    assert!(
        url.contains(
            "&X-Amz-SignedHeaders=host&X-Amz-Security-Token=the%2Ftoken%2B&X-Amz-Signature="
        ),
        "{url}"
    );
    let (canonical_request, string_to_sign) = last_signed::get();
    assert!(
        canonical_request
            .contains("&X-Amz-Security-Token=the%2Ftoken%2B&X-Amz-SignedHeaders=host\n"),
        "{canonical_request}"
    );
    let signature = signature_of(&request, Form::Query).unwrap();
    verify(&public_key_of(&credentials), &string_to_sign, &signature).unwrap();
}

#[test]
fn v4a_keys_are_cached_per_credentials() {
    let cache = V4aKeyCache::new();
    let first = cache.get("AKID", SECRET).unwrap();
    let again = cache.get("AKID", SECRET).unwrap();
    assert!(
        again.is_same_key(&first),
        "a second signature derives again"
    );
    assert_eq!(cache.len(), 1);
    assert_eq!(
        first.as_bytes(),
        V4aKey::derive("AKID", SECRET).unwrap().as_bytes()
    );
    // The key depends on the access key id and the secret, nothing else.
    let other_secret = cache.get("AKID", "another secret").unwrap();
    let other_id = cache.get("AKID2", SECRET).unwrap();
    assert_ne!(other_secret.as_bytes(), first.as_bytes());
    assert_ne!(other_id.as_bytes(), first.as_bytes());
    assert_ne!(other_id.as_bytes(), other_secret.as_bytes());
    assert_eq!(cache.len(), 3);
    // Bounded: the oldest goes, and a key is always right.
    for i in 0..v4a::V4A_CAPACITY + 2 {
        cache.get(&format!("AKID-{i}"), SECRET).unwrap();
    }
    assert_eq!(cache.len(), v4a::V4A_CAPACITY);
    let evicted = cache.get("AKID", SECRET).unwrap();
    assert!(!evicted.is_same_key(&first));
    assert_eq!(evicted.as_bytes(), first.as_bytes());
}

#[test]
fn v4a_debug_never_shows_a_secret_or_a_key() {
    let cache = V4aKeyCache::new();
    let secret = "SECRET-MARKER-1234";
    let key = cache.get("AKIDVISIBLE", secret).unwrap();
    let key_hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let shown = format!("{cache:?} {key:?} {cache:#?} {key:#?}");
    assert!(shown.contains("AKIDVISIBLE"), "{shown}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(!shown.contains(&key_hex[..16]), "{shown}");
    let opts = v4a_options("*", None);
    assert!(format!("{opts:?}").contains("SigV4a"));
}

#[test]
fn v4a_refuses_chunk_signatures_but_signs_unsigned_chunks() {
    let credentials = Credentials::new("AKID", SECRET, None, None);
    let opts = v4a_options("*", None);
    for marker in [
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    ] {
        let mut request = get_object();
        let error = sign_payload(
            &mut request,
            Payload::Precomputed(marker),
            &credentials,
            &opts,
            |_| {},
        )
        .unwrap_err();
        assert!(
            error.contains("SigV4a") && error.contains(marker),
            "{error}"
        );
        assert!(request.headers().is_empty(), "nothing signed");
    }
    let mut request = get_object();
    let marker = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    sign_payload(
        &mut request,
        Payload::Precomputed(marker),
        &credentials,
        &opts,
        |_| {},
    )
    .unwrap();
    assert_eq!(request.headers()["x-amz-content-sha256"], marker);
}

#[test]
fn bad_region_sets_are_errors() {
    let credentials = Credentials::new("AKID", SECRET, None, None);
    for region_set in ["", "us east 1", "us-east-1\n", "é"] {
        let mut request = get_object();
        let error = sign_request(
            &mut request,
            &[],
            &credentials,
            &v4a_options(region_set, None),
        )
        .unwrap_err();
        assert!(error.contains("region set"), "{error}");
        assert!(request.headers().is_empty());
    }
}
