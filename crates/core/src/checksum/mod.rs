//! Flexible checksums as the current AWS SDKs compute them: CRC32 (the
//! default), CRC32C, CRC64/NVME, SHA-1 and SHA-256 on requests (in a header
//! or an `aws-chunked` trailer), MD5 for the legacy `Content-MD5` header, and
//! validation of response checksums.
//!
//! [`request`] decides what a request gets, [`response`] validates what comes
//! back and [`aws_chunked`] frames streamed bodies with trailing checksums
//! and (optionally) chunk signatures.

use std::fmt;

use base64::Engine;
use sha1::Digest as _;

pub mod aws_chunked;
pub mod request;
pub mod response;

/// When to compute request checksums (`request_checksum_calculation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestChecksumCalculation {
    /// Whenever the operation supports one (the default).
    #[default]
    WhenSupported,
    /// Only when the operation requires one or the caller asked for one.
    WhenRequired,
}

/// When to validate response checksums (`response_checksum_validation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseChecksumValidation {
    /// Whenever the operation supports it (the default).
    #[default]
    WhenSupported,
    /// Only when the caller asked for it (`ChecksumMode=ENABLED`).
    WhenRequired,
}

/// Parses `when_supported` / `when_required` (ASCII case ignored).
pub fn parse_when(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "when_supported" => Some(true),
        "when_required" => Some(false),
        _ => None,
    }
}

/// A checksum algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC), the default.
    Crc32,
    /// CRC-32C (Castagnoli).
    Crc32c,
    /// CRC-64/NVME.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// MD5 (only for `Content-MD5`).
    Md5,
}

/// The algorithm used when none is asked for.
pub const DEFAULT_ALGORITHM: ChecksumAlgorithm = ChecksumAlgorithm::Crc32;

/// Response checksums tried in this order (botocore's priority list).
pub const RESPONSE_PRIORITY: [ChecksumAlgorithm; 5] = [
    ChecksumAlgorithm::Crc64Nvme,
    ChecksumAlgorithm::Crc32c,
    ChecksumAlgorithm::Crc32,
    ChecksumAlgorithm::Sha1,
    ChecksumAlgorithm::Sha256,
];

impl ChecksumAlgorithm {
    /// Parses a model or user name (`CRC32`, `crc64nvme`, `SHA256`), ASCII
    /// case ignored. MD5 is not a flexible checksum and is not accepted.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "crc32" => Self::Crc32,
            "crc32c" => Self::Crc32c,
            "crc64nvme" => Self::Crc64Nvme,
            "sha1" => Self::Sha1,
            "sha256" => Self::Sha256,
            _ => return None,
        })
    }

    /// The upper-case name S3 uses (`CRC32`, `CRC64NVME`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Crc32 => "CRC32",
            Self::Crc32c => "CRC32C",
            Self::Crc64Nvme => "CRC64NVME",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Md5 => "MD5",
        }
    }

    /// The header carrying the checksum (`x-amz-checksum-crc32`, or
    /// `content-md5`).
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
            Self::Md5 => "content-md5",
        }
    }

    /// A fresh hasher.
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            Self::Crc32 => State::Crc32(crc32fast::Hasher::new()),
            Self::Crc32c => State::Crc32c(0),
            Self::Crc64Nvme => State::Crc64(crc64fast_nvme::Digest::new()),
            Self::Sha1 => State::Sha1(sha1::Sha1::new()),
            Self::Sha256 => State::Sha256(sha2::Sha256::new()),
            Self::Md5 => State::Md5(md5::Md5::new()),
        })
    }

    /// The base64 checksum of `data` in one go.
    pub fn checksum_of(self, data: &[u8]) -> String {
        let mut h = self.hasher();
        h.update(data);
        h.finish_base64()
    }
}

impl fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An incremental checksum.
pub struct Hasher(State);

enum State {
    Crc32(crc32fast::Hasher),
    Crc32c(u32),
    Crc64(crc64fast_nvme::Digest),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Md5(md5::Md5),
}

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            State::Crc32(h) => h.update(data),
            State::Crc32c(c) => *c = crc32c::crc32c_append(*c, data),
            State::Crc64(h) => h.write(data),
            State::Sha1(h) => h.update(data),
            State::Sha256(h) => h.update(data),
            State::Md5(h) => h.update(data),
        }
    }

    /// The digest bytes (big-endian for CRCs, as AWS encodes them).
    pub fn finish(self) -> Vec<u8> {
        match self.0 {
            State::Crc32(h) => h.finalize().to_be_bytes().to_vec(),
            State::Crc32c(c) => c.to_be_bytes().to_vec(),
            State::Crc64(h) => h.sum64().to_be_bytes().to_vec(),
            State::Sha1(h) => h.finalize().to_vec(),
            State::Sha256(h) => h.finalize().to_vec(),
            State::Md5(h) => h.finalize().to_vec(),
        }
    }

    /// The digest, base64-encoded as it goes in headers and trailers.
    pub fn finish_base64(self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.finish())
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hasher")
    }
}

#[cfg(test)]
mod tests;
