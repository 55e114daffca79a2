//! `Content-MD5` for operations that only carry the legacy
//! `httpChecksumRequired` trait (S3 Control's PutBucketTagging), checked on
//! the signed request a `before-send` hook sees.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use myaws_core::events::{HookOutcome, HttpResponse};
use myaws_core::{ClientConfig, Credentials, Session};
use serde_json::json;

#[tokio::test]
async fn legacy_checksum_trait_sends_content_md5_of_the_body() {
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None))
        // Never contacted: the hook answers before anything is sent.
        .endpoint_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/s3control");
    let client = session
        .client_from_model(&dir, ClientConfig::default())
        .unwrap();
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    client
        .events()
        .register("before-send.s3-control.PutBucketTagging", move |e| {
            let req = e.request.as_deref().unwrap();
            let md5 = req
                .headers()
                .get("content-md5")
                .map(|v| v.to_str().unwrap().to_string());
            *s.lock().unwrap() = Some((md5, req.body().clone()));
            Some(HookOutcome::Respond(HttpResponse {
                status: 200,
                ..Default::default()
            }))
        });
    client
        .call_json(
            "PutBucketTagging",
            json!({"AccountId": "123456789012", "Bucket": "bucket-one",
                   "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}),
        )
        .await
        .unwrap();
    let (md5, body) = seen
        .lock()
        .unwrap()
        .clone()
        .expect("the request reached before-send");
    assert!(!body.is_empty());
    let want = base64::engine::general_purpose::STANDARD.encode(md5_digest(&body));
    assert_eq!(md5.as_deref(), Some(want.as_str()));
}

/// MD5 computed independently of the SDK (RFC 1321), for the assertion.
fn md5_digest(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32)
        .collect();
    let (mut a0, mut b0, mut c0, mut d0) =
        (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, v) in [a0, b0, c0, d0].iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    out
}

#[test]
fn the_reference_md5_is_right() {
    let hex: String = md5_digest(b"The quick brown fox jumps over the lazy dog")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, "9e107d9d372bb6826bd81d3542a419d6");
}
