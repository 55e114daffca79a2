use super::*;

/// Known answers for "Hello world" (from the AWS SDKs' checksum tests and
/// the algorithms' reference values).
#[test]
fn known_answers() {
    let hex = |a: ChecksumAlgorithm, data: &[u8]| {
        let mut h = a.hasher();
        h.update(data);
        h.finish()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    // The standard check input "123456789".
    assert_eq!(hex(ChecksumAlgorithm::Crc32, b"123456789"), "cbf43926");
    assert_eq!(hex(ChecksumAlgorithm::Crc32c, b"123456789"), "e3069283");
    assert_eq!(
        hex(ChecksumAlgorithm::Crc64Nvme, b"123456789"),
        "ae8b14860a799888"
    );
    assert_eq!(
        hex(ChecksumAlgorithm::Sha1, b"abc"),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
    assert_eq!(
        hex(ChecksumAlgorithm::Sha256, b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex(ChecksumAlgorithm::Md5, b"abc"),
        "900150983cd24fb0d6963f7d28e17f72"
    );
    // Empty input, base64 as S3 shows it.
    assert_eq!(ChecksumAlgorithm::Crc32.checksum_of(b""), "AAAAAA==");
    assert_eq!(
        ChecksumAlgorithm::Crc64Nvme.checksum_of(b""),
        "AAAAAAAAAAA="
    );
}

#[test]
fn incremental_equals_one_shot() {
    let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 256) as u8).collect();
    for a in RESPONSE_PRIORITY
        .iter()
        .copied()
        .chain([ChecksumAlgorithm::Md5])
    {
        let mut h = a.hasher();
        for part in data.chunks(333) {
            h.update(part);
        }
        assert_eq!(h.finish_base64(), a.checksum_of(&data), "{a}");
    }
}

#[test]
fn names_round_trip() {
    for a in RESPONSE_PRIORITY {
        assert_eq!(ChecksumAlgorithm::from_name(a.name()), Some(a));
        assert_eq!(
            ChecksumAlgorithm::from_name(&a.name().to_ascii_lowercase()),
            Some(a)
        );
        assert!(a.header_name().ends_with(&a.name().to_ascii_lowercase()));
    }
    assert_eq!(ChecksumAlgorithm::from_name("MD5"), None);
    assert_eq!(ChecksumAlgorithm::from_name("XXHASH64"), None);
}
