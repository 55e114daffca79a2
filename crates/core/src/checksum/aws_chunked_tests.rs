use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;
use futures_util::StreamExt;

use super::*;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn source(data: &[u8], piece: usize) -> BoxStream {
    let items: Vec<io::Result<Bytes>> = data
        .chunks(piece.max(1))
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    Box::pin(futures_util::stream::iter(items))
}

fn encode_all(data: &[u8], piece: usize, framing: Framing) -> Vec<u8> {
    rt().block_on(async {
        let mut s = encode(source(data, piece), framing);
        let mut out = Vec::new();
        while let Some(f) = s.next().await {
            out.extend_from_slice(&f.unwrap());
        }
        out
    })
}

/// Decodes unsigned or signed framing: (data, chunk sizes, trailer lines).
fn decode(encoded: &[u8]) -> (Vec<u8>, Vec<usize>, Vec<String>) {
    let mut data = Vec::new();
    let mut sizes = Vec::new();
    let mut rest = encoded;
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let line = std::str::from_utf8(&rest[..eol]).unwrap();
        let size = usize::from_str_radix(line.split(';').next().unwrap(), 16).unwrap();
        rest = &rest[eol + 2..];
        sizes.push(size);
        if size == 0 {
            break;
        }
        data.extend_from_slice(&rest[..size]);
        assert_eq!(&rest[size..size + 2], b"\r\n");
        rest = &rest[size + 2..];
    }
    let text = std::str::from_utf8(rest).unwrap();
    assert!(text.ends_with("\r\n"), "{text:?}");
    let trailers = text
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    (data, sizes, trailers)
}

#[test]
fn unsigned_framing_with_trailer_round_trips_and_predicts_its_length() {
    for len in [
        0usize,
        1,
        CHUNK_SIZE - 1,
        CHUNK_SIZE,
        CHUNK_SIZE + 1,
        3 * CHUNK_SIZE + 77,
    ] {
        let data: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
        for piece in [1000usize, CHUNK_SIZE, 100_000] {
            let framing = Framing {
                trailer: Some(ChecksumAlgorithm::Crc32),
                signer: None,
            };
            let encoded = encode_all(&data, piece, framing.clone());
            assert_eq!(
                encoded.len() as u64,
                framing.encoded_len(len as u64),
                "len {len}"
            );
            let (decoded, sizes, trailers) = decode(&encoded);
            assert_eq!(decoded, data);
            assert!(sizes[..sizes.len() - 1]
                .iter()
                .rev()
                .skip(1)
                .all(|&s| s == CHUNK_SIZE));
            assert_eq!(
                trailers,
                vec![format!(
                    "x-amz-checksum-crc32:{}",
                    ChecksumAlgorithm::Crc32.checksum_of(&data)
                )]
            );
        }
    }
}

#[test]
fn every_algorithm_predicts_its_trailer_length() {
    for a in super::super::RESPONSE_PRIORITY {
        let framing = Framing {
            trailer: Some(a),
            signer: None,
        };
        let encoded = encode_all(b"hello", 5, framing.clone());
        assert_eq!(encoded.len() as u64, framing.encoded_len(5), "{a}");
    }
}

/// The example in S3's "Signature calculations for the Authorization header:
/// transferring payload in multiple chunks" (65 KiB of `a`, 64 KiB chunks).
#[test]
fn signed_chunks_match_the_s3_documentation_example() {
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    );
    let signer = ChunkSigner {
        identity: creds.into(),
        region: "us-east-1".into(),
        name: "s3".into(),
        time: UNIX_EPOCH + Duration::from_secs(1_369_353_600), // 2013-05-24T00:00:00Z
        seed_signature: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9".into(),
    };
    let framing = Framing {
        trailer: None,
        signer: Some(signer),
    };
    let data = vec![b'a'; 66_560];
    let encoded = encode_all(&data, 4096, framing.clone());
    assert_eq!(encoded.len() as u64, framing.encoded_len(66_560));
    // The documented Content-Length of this request.
    assert_eq!(encoded.len(), 66_824);
    let text = String::from_utf8_lossy(&encoded);
    assert!(text.starts_with(
        "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
    ));
    assert!(text.contains(
        "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"
    ));
    assert!(text.ends_with(
        "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
    ));
    let (decoded, sizes, trailers) = decode(&encoded);
    assert_eq!(decoded, data);
    assert_eq!(sizes, vec![65_536, 1024, 0]);
    assert!(trailers.is_empty());
}

#[test]
fn signed_trailer_is_signed_and_length_is_predicted() {
    let creds = Credentials::new("AK", "SECRET", None, None, "test");
    let framing = Framing {
        trailer: Some(ChecksumAlgorithm::Sha256),
        signer: Some(ChunkSigner {
            identity: creds.into(),
            region: "eu-west-1".into(),
            name: "s3".into(),
            time: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            seed_signature: "00".repeat(32),
        }),
    };
    assert_eq!(
        framing.content_sha256(),
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    );
    let data = vec![9u8; CHUNK_SIZE + 5];
    let encoded = encode_all(&data, 7000, framing.clone());
    assert_eq!(encoded.len() as u64, framing.encoded_len(data.len() as u64));
    let (decoded, _, trailers) = decode(&encoded);
    assert_eq!(decoded, data);
    assert_eq!(trailers.len(), 2);
    assert_eq!(
        trailers[0],
        format!(
            "x-amz-checksum-sha256:{}",
            ChecksumAlgorithm::Sha256.checksum_of(&data)
        )
    );
    let sig = trailers[1]
        .strip_prefix("x-amz-trailer-signature:")
        .unwrap();
    assert_eq!(sig.len(), 64);
    assert!(sig.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn source_errors_stop_the_encoding() {
    let items: Vec<io::Result<Bytes>> = vec![
        Ok(Bytes::from_static(b"abc")),
        Err(io::Error::other("disk on fire")),
    ];
    let framing = Framing {
        trailer: Some(ChecksumAlgorithm::Crc32),
        signer: None,
    };
    rt().block_on(async {
        let mut s = encode(Box::pin(futures_util::stream::iter(items)), framing);
        let first = s.next().await.unwrap();
        assert!(first.unwrap_err().to_string().contains("disk on fire"));
        assert!(s.next().await.is_none());
    });
}
