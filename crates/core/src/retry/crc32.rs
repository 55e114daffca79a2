//! DynamoDB's response check: the `x-amz-crc32` header holds the CRC32 of
//! the body as sent. A body that does not match was corrupted on the way,
//! and the attempt is retried (botocore's `RetryDDBChecksumError` in
//! standard mode, the `crc32` policy of `_retry.json` in legacy mode); when
//! no retry is left, the call fails with this error instead of returning
//! what the corrupted body says.

use std::fmt;

use http::HeaderMap;

/// The header DynamoDB puts the body's CRC32 in.
pub const DYNAMODB_CRC32_HEADER: &str = "x-amz-crc32";

/// A body that does not match its CRC32 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crc32Mismatch {
    /// The header checked.
    pub header: String,
    /// What the header says (as sent, at most 32 characters).
    pub expected: String,
    /// The CRC32 of the body received.
    pub actual: u32,
}

impl fmt::Display for Crc32Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body failed its CRC32 check (corrupted in transit): \
             {} says {:?}, the body's CRC32 is {}",
            self.header, self.expected, self.actual
        )
    }
}

impl std::error::Error for Crc32Mismatch {}

/// Checks `body` against the CRC32 in header `header`. No header: nothing
/// to check. A header that is not a decimal number cannot match.
pub fn check(headers: &HeaderMap, header: &str, body: &[u8]) -> Result<(), Crc32Mismatch> {
    let Some(value) = headers.get(header) else {
        return Ok(());
    };
    let actual = crc32fast::hash(body);
    let text = String::from_utf8_lossy(value.as_bytes());
    if text.trim().parse::<u64>().ok() == Some(u64::from(actual)) {
        return Ok(());
    }
    Err(Crc32Mismatch {
        header: header.to_owned(),
        expected: text.chars().take(32).collect(),
        actual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(DYNAMODB_CRC32_HEADER, value.parse().unwrap());
        h
    }

    #[test]
    fn matches_mismatches_and_garbage() {
        let body = br#"{"TableNames":[]}"#;
        let good = crc32fast::hash(body).to_string();
        assert_eq!(check(&headers(&good), DYNAMODB_CRC32_HEADER, body), Ok(()));
        assert_eq!(
            check(&headers(&format!(" {good} ")), DYNAMODB_CRC32_HEADER, body),
            Ok(())
        );
        // No header: not checked.
        assert_eq!(
            check(&HeaderMap::new(), DYNAMODB_CRC32_HEADER, body),
            Ok(())
        );
        let err = check(&headers("12345"), DYNAMODB_CRC32_HEADER, body).unwrap_err();
        assert_eq!(err.actual, crc32fast::hash(body));
        assert_eq!(err.expected, "12345");
        assert!(err.to_string().contains("x-amz-crc32"), "{err}");
        for garbage in ["-1", "abc", "99999999999999999999999", ""] {
            assert!(check(&headers(garbage), DYNAMODB_CRC32_HEADER, body).is_err());
        }
        let long = "9".repeat(100);
        let err = check(&headers(&long), DYNAMODB_CRC32_HEADER, body).unwrap_err();
        assert_eq!(err.expected.len(), 32);
    }
}
