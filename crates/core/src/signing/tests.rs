use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue, Request, Uri};

use super::canonical::{self, trim_all};
use super::date::Stamp;
use super::encoding::{canonical_query_component, normalize_path};
use super::key::{KeyCache, SigningKey, CAPACITY};
use super::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// 2013-05-24T00:00:00Z, the AWS documentation examples' time.
fn may_24_2013() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_369_353_600)
}

fn key_hex(key: &SigningKey) -> String {
    key.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_cached_key_equals_a_fresh_one() {
    let cache = KeyCache::new();
    let time = may_24_2013();
    let fresh = SigningKey::derive(SECRET, time, "us-east-1", "s3");
    let first = cache.get("AKID", SECRET, time, "20130524", "us-east-1", "s3");
    let second = cache.get("AKID", SECRET, time, "20130524", "us-east-1", "s3");
    assert_eq!(first, fresh);
    assert_eq!(second, fresh);
    assert_eq!(cache.len(), 1);
    // Later the same day: the same key, no new entry.
    let evening = time + Duration::from_secs(23 * 3600);
    assert_eq!(
        cache.get("AKID", SECRET, evening, "20130524", "us-east-1", "s3"),
        fresh
    );
    assert_eq!(cache.len(), 1);
}

#[test]
fn another_date_region_service_or_secret_gives_another_key() {
    let cache = KeyCache::new();
    let day = may_24_2013();
    let next_day = day + Duration::from_secs(86_400);
    let base = cache.get("AKID", SECRET, day, "20130524", "us-east-1", "s3");
    let others = [
        cache.get("AKID", SECRET, next_day, "20130525", "us-east-1", "s3"),
        cache.get("AKID", SECRET, day, "20130524", "eu-west-1", "s3"),
        cache.get("AKID", SECRET, day, "20130524", "us-east-1", "sqs"),
        cache.get("AKID", "another secret", day, "20130524", "us-east-1", "s3"),
    ];
    for (i, other) in others.iter().enumerate() {
        assert_ne!(*other, base, "variant {i}");
        for later in &others[i + 1..] {
            assert_ne!(other, later);
        }
    }
    assert_eq!(
        others[0],
        SigningKey::derive(SECRET, next_day, "us-east-1", "s3")
    );
    // Another access key id with the same secret: a separate entry, the
    // same key.
    assert_eq!(
        cache.get("AKID2", SECRET, day, "20130524", "us-east-1", "s3"),
        base
    );
    assert_eq!(cache.len(), 6);
}

#[test]
fn the_cache_is_bounded() {
    let cache = KeyCache::new();
    let regions: Vec<String> = (0..CAPACITY + 5).map(|i| format!("region-{i}")).collect();
    for region in &regions {
        cache.get("AKID", SECRET, may_24_2013(), "20130524", region, "s3");
    }
    assert_eq!(cache.len(), CAPACITY);
    // Evicted or not, a key is always right.
    for region in &regions {
        assert_eq!(
            cache.get("AKID", SECRET, may_24_2013(), "20130524", region, "s3"),
            SigningKey::derive(SECRET, may_24_2013(), region, "s3")
        );
    }
    assert_eq!(cache.len(), CAPACITY);
}

#[test]
fn debug_never_shows_a_secret_or_a_key() {
    let cache = KeyCache::new();
    let secret = "SECRET-MARKER-1234";
    let key = cache.get(
        "AKIDVISIBLE",
        secret,
        may_24_2013(),
        "20130524",
        "us-east-1",
        "s3",
    );
    let shown = format!("{cache:?} {key:?} {key:#?} {cache:#?}");
    assert!(shown.contains("AKIDVISIBLE"), "{shown}");
    assert!(shown.contains("us-east-1"), "{shown}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(!shown.contains(&key_hex(&key)), "{shown}");
    assert!(!shown.contains(&key_hex(&key)[..16]), "{shown}");

    let opts = SigningOptions {
        region: "us-east-1",
        name: "s3",
        s3: true,
        unsigned_payload: false,
        presign_expires: None,
        time: may_24_2013(),
        algorithm: SigningAlgorithm::SigV4,
    };
    let settings = format!("{opts:?} {:?}", SignerSettings::for_options(&opts));
    assert!(!settings.contains(secret));
}

/// The canonical request of `uri` signed with `settings`.
fn canonical_request(uri: &str, headers: &HeaderMap, settings: &SignerSettings) -> String {
    let uri: Uri = uri.parse().unwrap();
    let stamp = Stamp::new(may_24_2013()).unwrap();
    canonical::build(&canonical::Inputs {
        method: "GET",
        uri: &uri,
        headers,
        settings,
        stamp: &stamp,
        payload_hash: UNSIGNED_PAYLOAD,
        session_token: None,
        credential: "AKID/20130524/us-east-1/s3/aws4_request",
        algorithm: ALGORITHM,
        region_set: None,
    })
    .unwrap()
    .text
}

fn settings(s3: bool) -> SignerSettings {
    SignerSettings::for_options(&SigningOptions {
        region: "us-east-1",
        name: if s3 { "s3" } else { "service" },
        s3,
        unsigned_payload: false,
        presign_expires: None,
        time: may_24_2013(),
        algorithm: SigningAlgorithm::SigV4,
    })
}

fn canonical_uri(uri: &str, s3: bool) -> String {
    let text = canonical_request(uri, &HeaderMap::new(), &settings(s3));
    text.lines().nth(1).unwrap().to_string()
}

#[test]
fn s3_paths_are_encoded_once_and_kept_others_twice_and_normalized() {
    let uri = "https://h.example.com/my%20key+x%25y//a/./b/../c.txt";
    assert_eq!(canonical_uri(uri, true), "/my%20key+x%25y//a/./b/../c.txt");
    assert_eq!(canonical_uri(uri, false), "/my%2520key%2Bx%2525y/a/c.txt");
    // Characters a URI path may hold unencoded are encoded for non-S3.
    let uri = "https://h.example.com/a:b@c=d,e;f!g$h'i(j)k*l~m_n-o.p";
    assert_eq!(canonical_uri(uri, true), "/a:b@c=d,e;f!g$h'i(j)k*l~m_n-o.p");
    assert_eq!(
        canonical_uri(uri, false),
        "/a%3Ab%40c%3Dd%2Ce%3Bf%21g%24h%27i%28j%29k%2Al~m_n-o.p"
    );
    assert_eq!(canonical_uri("https://h.example.com", false), "/");
    assert_eq!(canonical_uri("https://h.example.com//", true), "//");
    assert_eq!(canonical_uri("https://h.example.com//", false), "/");
}

#[test]
fn paths_normalize_as_rfc_3986_says() {
    for (path, want) in [
        ("", "/"),
        ("/", "/"),
        ("//", "/"),
        ("/a/b", "/a/b"),
        ("/a/b/", "/a/b/"),
        ("/a.b/c..d/...", "/a.b/c..d/..."),
        ("/a//b", "/a/b"),
        ("/a/./b", "/a/b"),
        ("/a/../b", "/b"),
        ("/../a", "/a"),
        ("/a/b/.", "/a/b/"),
        ("/a/b/..", "/a/"),
        ("/a/b/../", "/a/"),
        ("/..", "/"),
        ("a/b", "/a/b"),
        ("a/./b", "/a/b"),
    ] {
        assert_eq!(normalize_path(path), want, "{path:?}");
    }
}

#[test]
fn query_strings_are_decoded_encoded_again_and_sorted() {
    for (raw, want) in [
        ("abc-._~", "abc-._~"),
        ("a+b", "a%20b"),
        ("a%2Bb", "a%2Bb"),
        ("a%2bb", "a%2Bb"),
        ("%zz", "%25zz"),
        ("%4", "%254"),
        ("%", "%25"),
        ("%FF", "%EF%BF%BD"),
        ("%E2%82%AC", "%E2%82%AC"),
        ("a/b:c", "a%2Fb%3Ac"),
    ] {
        assert_eq!(canonical_query_component(raw), want, "{raw:?}");
    }
    let text = canonical_request(
        "https://h.example.com/?b=2&a=&&c&a=1&=x&B=3",
        &HeaderMap::new(),
        &settings(false),
    );
    assert_eq!(text.lines().nth(2), Some("=x&B=3&a=&a=1&b=2&c="));
}

#[test]
fn repeated_headers_are_joined_and_values_trimmed() {
    let mut headers = HeaderMap::new();
    headers.append("my-header", HeaderValue::from_static("  first   value "));
    headers.append("my-header", HeaderValue::from_static("second"));
    headers.append("My-Other", HeaderValue::from_static("\ttab\t  kept"));
    headers.append("user-agent", HeaderValue::from_static("never signed"));
    let text = canonical_request("https://h.example.com/", &headers, &settings(true));
    let want = "GET\n/\n\n\
        host:h.example.com\n\
        my-header:first value,second\n\
        my-other:\ttab\t kept\n\
        x-amz-content-sha256:UNSIGNED-PAYLOAD\n\
        x-amz-date:20130524T000000Z\n\
        \n\
        host;my-header;my-other;x-amz-content-sha256;x-amz-date\n\
        UNSIGNED-PAYLOAD";
    assert_eq!(text, want);
    assert_eq!(trim_all("   "), "");
    assert_eq!(trim_all(" a  b   c "), "a b c");
    assert!(matches!(trim_all("a b"), std::borrow::Cow::Borrowed("a b")));
}

#[test]
fn values_beyond_ascii_are_signed_as_botocore_signs_them() {
    let mut headers = HeaderMap::new();
    // UTF-8 text, as a Rust string becomes on the wire: signed as it is.
    headers.append(
        "x-amz-meta-utf8",
        HeaderValue::from_bytes("caf\u{e9}".as_bytes()).unwrap(),
    );
    // Bytes that are not UTF-8: signed as Latin-1 characters.
    headers.append("x-latin1", HeaderValue::from_bytes(b"caf\xe9").unwrap());
    let text = canonical_request("https://h.example.com/", &headers, &settings(false));
    assert!(text.contains("x-amz-meta-utf8:caf\u{e9}\n"), "{text}");
    assert!(text.contains("x-latin1:caf\u{e9}\n"), "{text}");
    assert!(
        text.contains("host;x-amz-date;x-amz-meta-utf8;x-latin1\n"),
        "{text}"
    );
}

#[test]
fn the_empty_payload_hash_is_the_sha256_of_nothing() {
    let mut out = [0; 64];
    assert_eq!(super::encoding::sha256_hex(b"", &mut out), EMPTY_SHA256);
}

#[test]
fn stamps_format_utc_seconds() {
    for (secs, nanos, want) in [
        (0, 0, "19700101T000000Z"),
        (1_369_353_600, 999_999_999, "20130524T000000Z"),
        (951_782_400, 0, "20000229T000000Z"),
        (1_440_938_160, 0, "20150830T123600Z"),
        (4_102_444_799, 0, "20991231T235959Z"),
    ] {
        let time = UNIX_EPOCH + Duration::new(secs, nanos);
        let stamp = Stamp::new(time).unwrap();
        assert_eq!(stamp.date_time(), want);
        assert_eq!(stamp.date(), &want[..8]);
    }
    let before = UNIX_EPOCH - Duration::from_millis(500);
    assert_eq!(Stamp::new(before).unwrap().date_time(), "19691231T235959Z");
    let before = UNIX_EPOCH - Duration::from_secs(86_400);
    assert_eq!(Stamp::new(before).unwrap().date_time(), "19691231T000000Z");
}

/// The AWS documentation's S3 GetObject example (header signing).
#[test]
fn matches_the_aws_documentation_header_example() {
    let mut request = Request::builder()
        .uri("https://examplebucket.s3.amazonaws.com/test.txt")
        .header("range", "bytes=0-9")
        .body(())
        .unwrap();
    let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, None, None);
    let opts = SigningOptions {
        region: "us-east-1",
        name: "s3",
        s3: true,
        unsigned_payload: false,
        presign_expires: None,
        time: may_24_2013(),
        algorithm: SigningAlgorithm::SigV4,
    };
    sign_request(&mut request, &[], &credentials, &opts).unwrap();
    let header = |name: &str| request.headers()[name].to_str().unwrap().to_string();
    assert_eq!(
        header("authorization"),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
         Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
    assert_eq!(header("x-amz-date"), "20130524T000000Z");
    assert_eq!(
        header("x-amz-content-sha256"),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert!(request.headers().get("x-amz-security-token").is_none());
    let (canonical_request, string_to_sign) = last_signed::get();
    assert_eq!(
        canonical_request,
        "GET\n/test.txt\n\n\
         host:examplebucket.s3.amazonaws.com\n\
         range:bytes=0-9\n\
         x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         x-amz-date:20130524T000000Z\n\n\
         host;range;x-amz-content-sha256;x-amz-date\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        string_to_sign,
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n\
         7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
    );
}

/// The AWS documentation's presigned S3 GetObject example (query signing).
#[test]
fn matches_the_aws_documentation_presigned_example() {
    let mut request = Request::builder()
        .uri("https://examplebucket.s3.amazonaws.com/test.txt")
        .body(())
        .unwrap();
    let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, None, None);
    let opts = SigningOptions {
        region: "us-east-1",
        name: "s3",
        s3: true,
        unsigned_payload: true,
        presign_expires: Some(Duration::from_secs(86_400)),
        time: may_24_2013(),
        algorithm: SigningAlgorithm::SigV4,
    };
    sign_request(&mut request, &[], &credentials, &opts).unwrap();
    assert_eq!(
        request.uri().to_string(),
        "https://examplebucket.s3.amazonaws.com/test.txt\
         ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
    assert!(request.headers().is_empty());
}

#[test]
fn session_tokens_are_signed_and_sent_sensitive() {
    let credentials = Credentials::new("AKID", SECRET, Some("the-token".into()), None);
    let mut opts = SigningOptions {
        region: "us-east-1",
        name: "sqs",
        s3: false,
        unsigned_payload: false,
        presign_expires: None,
        time: may_24_2013(),
        algorithm: SigningAlgorithm::SigV4,
    };
    let mut request = Request::builder()
        .uri("https://sqs.us-east-1.amazonaws.com/")
        .body(())
        .unwrap();
    sign_request(&mut request, b"Action=ListQueues", &credentials, &opts).unwrap();
    let token = &request.headers()["x-amz-security-token"];
    assert_eq!(token, "the-token");
    assert!(token.is_sensitive());
    assert!(request.headers()["authorization"]
        .to_str()
        .unwrap()
        .contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"));

    opts.presign_expires = Some(Duration::from_secs(60));
    let mut request = Request::builder()
        .uri("https://sqs.us-east-1.amazonaws.com/?Action=ListQueues")
        .body(())
        .unwrap();
    sign_request(&mut request, &[], &credentials, &opts).unwrap();
    let url = request.uri().to_string();
    // botocore's order: the token, then the signature.
    assert!(
        url.contains("&X-Amz-SignedHeaders=host&X-Amz-Security-Token=the-token&X-Amz-Signature="),
        "{url}"
    );
    assert!(request.headers().get("x-amz-security-token").is_none());
}

/// An unsigned payload outside S3 (EBS PutSnapshotBlock, Lex PostContent)
/// is announced in a signed `x-amz-content-sha256`, or the service hashes
/// the body itself and the signature fails; a signed body is not.
#[test]
fn unsigned_payloads_are_announced_in_x_amz_content_sha256() {
    let credentials = Credentials::new("AKID", SECRET, None, None);
    for unsigned_payload in [true, false] {
        let opts = SigningOptions {
            region: "us-east-1",
            name: "ebs",
            s3: false,
            unsigned_payload,
            presign_expires: None,
            time: may_24_2013(),
            algorithm: SigningAlgorithm::SigV4,
        };
        let mut request = Request::builder()
            .method("PUT")
            .uri("https://ebs.us-east-1.amazonaws.com/snapshots/s/blocks/1")
            .body(())
            .unwrap();
        sign_request(&mut request, b"block", &credentials, &opts).unwrap();
        let authorization = request.headers()["authorization"].to_str().unwrap();
        let header = request.headers().get("x-amz-content-sha256");
        if unsigned_payload {
            assert_eq!(header.unwrap(), "UNSIGNED-PAYLOAD");
            assert!(
                authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"),
                "{authorization}"
            );
        } else {
            assert!(header.is_none());
            assert!(
                authorization.contains("SignedHeaders=host;x-amz-date,"),
                "{authorization}"
            );
        }
    }
}

#[test]
fn traced_canonical_requests_hide_tokens() {
    let text = "GET\n/\nA=1&X-Amz-Security-Token=secret-token&Z=2\n\
        host:h\nx-amz-security-token:secret-token\nx-amz-server-side-encryption-customer-key:k3y\n\n\
        host;x-amz-security-token\nUNSIGNED-PAYLOAD";
    let shown = canonical::Redacted::new(text).to_string();
    assert!(!shown.contains("secret-token"), "{shown}");
    assert!(!shown.contains("k3y"), "{shown}");
    assert!(shown.contains("A=1&X-Amz-Security-Token=** redacted **&Z=2"));
    assert!(shown.contains("host:h\n"));
}

#[cfg(not(feature = "sigv4a"))]
#[test]
fn sigv4a_without_the_feature_is_a_clear_error() {
    let credentials = Credentials::new("AKID", SECRET, None, None);
    for presign in [None, Some(Duration::from_secs(60))] {
        let mut request = Request::builder()
            .uri("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/k")
            .body(())
            .unwrap();
        let opts = SigningOptions {
            region: "us-east-1",
            name: "s3",
            s3: true,
            unsigned_payload: false,
            presign_expires: presign,
            time: may_24_2013(),
            algorithm: SigningAlgorithm::SigV4a { region_set: "*" },
        };
        let error = sign_request(&mut request, &[], &credentials, &opts).unwrap_err();
        assert_eq!(error, SIGV4A_NEEDS_FEATURE);
        assert!(error.contains("`sigv4a` cargo feature"), "{error}");
        assert!(request.headers().is_empty(), "nothing signed");
        assert_eq!(request.uri().query(), None, "nothing signed");
    }
}
