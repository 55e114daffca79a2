//! Our signer against `aws_sigv4::http_request::sign` (what myaws used
//! before it built canonical requests itself): varied requests, hand-picked
//! and seeded-random, must come out byte-identical (URI, every header and
//! its sensitivity, the returned signature).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use http::{HeaderValue, Request};

use super::*;

/// The signer as it was: `aws_sigv4::http_request::sign` with the settings
/// `settings` stand for.
fn reference<B>(
    request: &mut Request<B>,
    payload: Payload<'_>,
    credentials: &Credentials,
    opts: &SigningOptions<'_>,
    settings: &SignerSettings,
) -> Result<String, String> {
    let identity = identity(credentials);
    let mut aws = SigningSettings::default();
    aws.percent_encoding_mode = match settings.percent_encoding_mode {
        PathEncoding::Double => PercentEncodingMode::Double,
        PathEncoding::Single => PercentEncodingMode::Single,
    };
    aws.uri_path_normalization_mode = if settings.normalize_path {
        UriPathNormalizationMode::Enabled
    } else {
        UriPathNormalizationMode::Disabled
    };
    if settings.content_sha256_header {
        aws.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    if let Some(expires) = settings.expires_in {
        aws.signature_location = SignatureLocation::QueryParams;
        aws.expires_in = Some(expires);
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(opts.region)
        .name(opts.name)
        .time(opts.time)
        .settings(aws)
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

/// One request to sign both ways.
#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    uri: String,
    headers: Vec<(&'static str, HeaderValue)>,
    body: Vec<u8>,
    payload: u8,
    credentials: Credentials,
    region: &'static str,
    service: &'static str,
    s3: bool,
    /// The suite runner's settings: single encoding, normalized path.
    suite: bool,
    presign: Option<Duration>,
    time: SystemTime,
}

impl Case {
    fn request(&self) -> Request<()> {
        let mut request = Request::builder()
            .method(self.method)
            .uri(&self.uri)
            .body(())
            .unwrap_or_else(|e| panic!("{}: {e}", self.uri));
        for (name, value) in &self.headers {
            request.headers_mut().append(*name, value.clone());
        }
        request
    }

    fn payload(&self) -> Payload<'_> {
        match self.payload {
            0 => Payload::Unsigned,
            1 => Payload::Precomputed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            _ => Payload::Bytes(&self.body),
        }
    }

    fn opts(&self) -> SigningOptions<'_> {
        SigningOptions {
            region: self.region,
            name: self.service,
            s3: self.s3,
            unsigned_payload: false,
            presign_expires: self.presign,
            time: self.time,
            algorithm: SigningAlgorithm::SigV4,
        }
    }

    /// Signs the case both ways and compares everything.
    fn check(&self) {
        let opts = self.opts();
        let suite = self.suite;
        let tweak = |s: &mut SignerSettings| {
            if suite {
                s.percent_encoding_mode = PathEncoding::Single;
            }
        };
        let mut settings = SignerSettings::for_options(&opts);
        // A payload hash that is not the body's own is sent in
        // `x-amz-content-sha256` (sign_payload's rule).
        if !matches!(self.payload(), Payload::Bytes(_)) {
            settings.content_sha256_header = true;
        }
        tweak(&mut settings);

        let mut want = self.request();
        // Outside S3 a request's own `x-amz-content-sha256` is the payload
        // hash botocore signs (a modeled member: CodeArtifact's
        // `assetSHA256`); aws-sigv4 is told so.
        let declared = want
            .headers()
            .get("x-amz-content-sha256")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let payload = match (self.payload(), declared.as_deref()) {
            (Payload::Bytes(_), Some(hash)) if !self.s3 => Payload::Precomputed(hash),
            (payload, _) => payload,
        };
        let want_sig = reference(&mut want, payload, &self.credentials, &opts, &settings);
        let mut got = self.request();
        let got_sig = sign_payload(&mut got, self.payload(), &self.credentials, &opts, tweak);
        let want_sig = want_sig.unwrap_or_else(|e| panic!("reference failed on {self:#?}: {e}"));
        let got_sig = got_sig.unwrap_or_else(|e| panic!("signing failed on {self:#?}: {e}"));
        assert_eq!(got_sig, want_sig, "signature of {self:#?}");
        // The same query parameters; their order follows botocore here
        // (the session token before the signature) and aws-sigv4 there.
        let sorted_uri = |r: &Request<()>| {
            let uri = r.uri().to_string();
            let (base, query) = uri.split_once('?').unwrap_or((&uri, ""));
            let mut pairs: Vec<&str> = query.split('&').collect();
            pairs.sort_unstable();
            format!("{base}?{}", pairs.join("&"))
        };
        assert_eq!(sorted_uri(&got), sorted_uri(&want), "URI of {self:#?}");
        let view = |r: &Request<()>| -> Vec<(String, Vec<u8>, bool)> {
            r.headers()
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec(), v.is_sensitive()))
                .collect()
        };
        assert_eq!(view(&got), view(&want), "headers of {self:#?}");
    }
}

fn credentials(token: Option<&str>) -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token.map(str::to_string),
        None,
    )
}

fn base(uri: &str) -> Case {
    Case {
        method: "GET",
        uri: uri.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
        payload: 2,
        credentials: credentials(None),
        region: "us-east-1",
        service: "service",
        s3: false,
        suite: false,
        presign: None,
        // 2015-08-30T12:36:00Z.
        time: UNIX_EPOCH + Duration::from_secs(1_440_938_160),
    }
}

fn header(value: &[u8]) -> HeaderValue {
    HeaderValue::from_bytes(value).unwrap()
}

/// Every path, query and header shape below, signed S3 and non-S3, in
/// headers and in the query, with and without a session token.
#[test]
fn hand_picked_requests_sign_as_aws_sigv4_does() {
    let uris = [
        "https://example.amazonaws.com",
        "https://example.amazonaws.com/",
        "https://example.amazonaws.com/key%20with%20spaces/a+b/100%25/%2B",
        "https://example.amazonaws.com//a//b//",
        "https://example.amazonaws.com/./a/../b/./c/..",
        "https://example.amazonaws.com/a/b/.",
        "https://example.amazonaws.com/../..",
        "https://example.amazonaws.com/.hidden/a./..a/...",
        "https://example.amazonaws.com/caf%C3%A9/%E2%82%AC:@!$&'()*,;=",
        "https://example.amazonaws.com/?",
        "https://example.amazonaws.com/?a=1&b=2",
        "https://example.amazonaws.com/?b=2&a=1&a=0&a=",
        "https://example.amazonaws.com/?a&b=&=c&&d=1&",
        "https://example.amazonaws.com/?k=a+b&k=a%2Bb&k=%20&k=%zz&k=%4&k=%",
        "https://example.amazonaws.com/?u=%E2%82%AC&bad=%FF%FE&eq=a=b=c",
        "https://example.amazonaws.com/?Param=x&param=y&PARAM=z&~-._=1",
        "https://example.amazonaws.com/?prefix=a/b:c@d&list-type=2&x-id=ListObjectsV2",
        "http://127.0.0.1:5000/my-bucket/a/b.txt?uploads",
        "http://localhost:80/a",
        "https://localhost:443/a",
        "https://localhost:8443/a",
        "http://[::1]:8080/a",
        "https://[::1]/a",
    ];
    let header_sets: Vec<Vec<(&'static str, HeaderValue)>> = vec![
        vec![],
        vec![
            ("content-type", header(b"application/x-amz-json-1.0")),
            ("x-amz-target", header(b"Service.Operation")),
            ("my-header", header(b"  leading and trailing  ")),
            ("my-header", header(b"second   value  with   runs")),
            ("my-header", header(b"")),
            ("tabbed", header(b"\ta\t b \t")),
        ],
        vec![
            ("user-agent", header(b"myaws/0.1")),
            ("x-amz-user-agent", header(b"myaws/0.1")),
            ("x-amz-checksum-mode", header(b"ENABLED")),
            ("authorization", header(b"stale")),
            ("x-amz-date", header(b"stale")),
            ("x-amz-security-token", header(b"stale")),
            ("x-amz-content-sha256", header(b"stale")),
            ("transfer-encoding", header(b"chunked")),
            ("x-amzn-trace-id", header(b"Root=1-2-3")),
            // Not here: values beyond ASCII, which aws-sigv4 leaves
            // unsigned and myaws signs as botocore does (see `tests.rs`).
            ("range", header(b"bytes=0-9")),
        ],
        vec![
            ("host", header(b"override.example.com:1234")),
            ("x-amz-meta-z", header(b"z")),
            ("x-amz-meta-a", header(b"a")),
            ("content-length", header(b"0")),
        ],
    ];
    let mut n = 0;
    for uri in uris {
        for headers in &header_sets {
            for variant in 0..8u8 {
                let mut case = base(uri);
                case.headers = headers.clone();
                case.s3 = variant & 1 != 0;
                if variant & 2 != 0 {
                    case.presign = Some(Duration::from_secs(3600));
                }
                if variant & 4 != 0 {
                    case.credentials = credentials(Some("FwoGZXIvYXdzEJr//////////wEaDH+token="));
                }
                case.payload = if case.presign.is_some() && case.s3 {
                    0
                } else {
                    2
                };
                case.body = b"Action=ListUsers&Version=2010-05-08".to_vec();
                case.check();
                n += 1;
            }
        }
    }
    assert_eq!(n, uris.len() * header_sets.len() * 8);
}

/// The SigV4 suite runner's settings (paths encoded once, normalized).
#[test]
fn suite_runner_settings_sign_as_aws_sigv4_does() {
    for uri in [
        "https://example.amazonaws.com/example%20space/",
        "https://example.amazonaws.com/./a/../%E1%88%B4",
        "https://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    ] {
        let mut case = base(uri);
        case.suite = true;
        case.check();
    }
}

/// Seeded random requests: methods, odd paths and queries, headers with odd
/// spacing and repeats, every payload kind, placement, token, region and
/// service, times from 1970 to 2099 with fractions of a second.
#[test]
fn random_requests_sign_as_aws_sigv4_does() {
    const PATH_PIECES: &[&str] = &[
        "a",
        "b",
        "",
        ".",
        "..",
        "...",
        "%20",
        "%25",
        "%2F",
        "+",
        "key with space",
        "caf%C3%A9",
        "~user",
        "x:y@z",
        "a=b;c,d",
        "!$'()*",
        "%",
        "%E2%82",
        "_-.",
        "A.txt",
    ];
    const QUERY_PIECES: &[&str] = &[
        "a",
        "b",
        "",
        "A",
        "x-id",
        "%20",
        "+",
        "%2B",
        "%zz",
        "%E2%82%AC",
        "%FF",
        "=",
        "~",
        "a:b",
        "list-type",
        "2",
        "/",
        "%2F",
        "%",
    ];
    const HEADERS: &[(&str, &str)] = &[
        ("content-type", "text/plain"),
        ("x-amz-meta-a", " spaced  out "),
        ("x-amz-meta-b", "a    b"),
        ("x-amz-meta-b", "second"),
        ("my-header", ""),
        ("my-header", "  "),
        ("x-amz-target", "Svc.Op"),
        ("user-agent", "ua"),
        ("x-amz-user-agent", "ua"),
        ("x-amz-checksum-mode", "ENABLED"),
        ("x-amz-date", "stale"),
        ("x-amz-security-token", "stale"),
        ("x-amz-content-sha256", "stale"),
        ("host", "other.example.com"),
        ("authorization", "stale"),
        ("range", "bytes=1-2"),
    ];
    const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"];
    const HOSTS: &[&str] = &[
        "https://example.amazonaws.com",
        "https://bucket.s3.us-west-2.amazonaws.com",
        "http://localhost:5000",
        "http://example.com:80",
        "https://example.com:443",
        "https://[2001:db8::1]:8443",
    ];
    const SCOPES: &[(&str, &str)] = &[
        ("us-east-1", "s3"),
        ("eu-west-1", "sqs"),
        ("cn-north-1", "execute-api"),
        ("us-gov-west-1", "sts"),
    ];
    const SECRETS: &[&str] = &[
        "secret-one",
        "secret-two",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    ];
    let mut rng = fastrand::Rng::with_seed(0x5167_7634);
    let mut checked = 0;
    while checked < 400 {
        let mut uri = HOSTS[rng.usize(..HOSTS.len())].to_string();
        for _ in 0..rng.usize(0..5) {
            uri.push('/');
            uri.push_str(PATH_PIECES[rng.usize(..PATH_PIECES.len())]);
        }
        if rng.bool() {
            uri.push('?');
            for i in 0..rng.usize(0..5) {
                if i > 0 {
                    uri.push('&');
                }
                uri.push_str(QUERY_PIECES[rng.usize(..QUERY_PIECES.len())]);
                if rng.u8(..4) > 0 {
                    uri.push('=');
                    uri.push_str(QUERY_PIECES[rng.usize(..QUERY_PIECES.len())]);
                }
            }
        }
        if uri.parse::<http::Uri>().is_err() {
            continue;
        }
        let mut case = base(&uri);
        case.method = METHODS[rng.usize(..METHODS.len())];
        for _ in 0..rng.usize(0..6) {
            let (name, value) = HEADERS[rng.usize(..HEADERS.len())];
            case.headers.push((name, header(value.as_bytes())));
        }
        case.body = (0..rng.usize(0..100)).map(|_| rng.u8(..)).collect();
        case.payload = rng.u8(0..3);
        let (region, service) = SCOPES[rng.usize(..SCOPES.len())];
        case.region = region;
        case.service = service;
        case.s3 = rng.bool();
        case.suite = rng.u8(..5) == 0;
        if rng.bool() {
            case.presign = Some(Duration::from_secs(rng.u64(1..=604_800)));
        }
        let token = rng.bool().then(|| format!("token/{}+=", rng.u32(..)));
        case.credentials = Credentials::new(
            format!("AKID{}", rng.u8(..3)),
            SECRETS[rng.usize(..SECRETS.len())],
            token,
            None,
        );
        case.time =
            UNIX_EPOCH + Duration::new(rng.u64(0..4_102_444_800), rng.u32(0..1_000_000_000));
        case.check();
        checked += 1;
    }
}
