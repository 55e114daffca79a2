//! [`TransferConfig`]: thresholds, part size and concurrency of managed
//! transfers, with S3's multipart limits.

use super::TransferError;

/// One mebibyte.
pub const MIB: u64 = 1 << 20;
/// The smallest part S3 accepts in a multipart upload (except the last).
pub const MIN_PART_SIZE: u64 = 5 * MIB;
/// The largest part S3 accepts.
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
/// The most parts a multipart upload may have.
pub const MAX_PARTS: u64 = 10_000;

/// How files are moved, as boto3's `TransferConfig`.
///
/// Uploads of files of at least `multipart_threshold` bytes use a multipart
/// upload of `part_size` parts; downloads of objects that large use ranged
/// GETs of `part_size` bytes. At most `concurrency` parts are in flight, and
/// each is held in memory once, so a transfer holds about
/// `concurrency × part_size` bytes whatever the file's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferConfig {
    /// Files of at least this many bytes are transferred in parts.
    pub multipart_threshold: u64,
    /// The size of each part (see [`TransferConfig::part_size()`]).
    pub part_size: u64,
    /// The most parts in flight at once (at least 1).
    pub concurrency: usize,
}

impl Default for TransferConfig {
    /// boto3's defaults: 8 MiB threshold and parts, 10 parts at a time.
    fn default() -> Self {
        TransferConfig {
            multipart_threshold: 8 * MIB,
            part_size: 8 * MIB,
            concurrency: 10,
        }
    }
}

impl TransferConfig {
    /// Files of at least this many bytes are transferred in parts.
    pub fn multipart_threshold(mut self, bytes: u64) -> Self {
        self.multipart_threshold = bytes;
        self
    }

    /// The size of each part. Uploads need 5 MiB to 5 GiB, and grow the part
    /// size (doubling it) when a file would need more than 10,000 parts;
    /// downloads accept any size from one byte.
    pub fn part_size(mut self, bytes: u64) -> Self {
        self.part_size = bytes;
        self
    }

    /// The most parts in flight at once (at least 1).
    pub fn concurrency(mut self, parts: usize) -> Self {
        self.concurrency = parts;
        self
    }

    /// Whether a transfer of `size` bytes goes in parts (empty files never
    /// do).
    pub(crate) fn is_multipart(&self, size: u64) -> bool {
        size > 0 && size >= self.multipart_threshold
    }

    /// The concurrency, checked.
    pub(crate) fn checked_concurrency(&self) -> Result<usize, TransferError> {
        if self.concurrency == 0 {
            return Err(TransferError::InvalidConfig(
                "concurrency must be at least 1".into(),
            ));
        }
        Ok(self.concurrency)
    }

    /// The part size for uploading `size` bytes: the configured size, checked
    /// against S3's limits and doubled until the upload fits in 10,000 parts.
    pub(crate) fn upload_part_size(&self, size: u64) -> Result<u64, TransferError> {
        if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&self.part_size) {
            return Err(TransferError::InvalidConfig(format!(
                "multipart upload parts must be {MIN_PART_SIZE} to {MAX_PART_SIZE} bytes, not {}",
                self.part_size
            )));
        }
        let mut part = self.part_size;
        while size.div_ceil(part) > MAX_PARTS {
            if part >= MAX_PART_SIZE {
                return Err(TransferError::InvalidConfig(format!(
                    "{size} bytes do not fit in {MAX_PARTS} parts of at most {MAX_PART_SIZE} bytes"
                )));
            }
            part = (part * 2).min(MAX_PART_SIZE);
        }
        Ok(part)
    }

    /// The part size for ranged downloads.
    pub(crate) fn download_part_size(&self) -> Result<u64, TransferError> {
        if self.part_size == 0 {
            return Err(TransferError::InvalidConfig(
                "part size must be at least 1 byte".into(),
            ));
        }
        Ok(self.part_size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_parts_respect_s3_limits() {
        let c = TransferConfig::default();
        assert_eq!(c.upload_part_size(100 * MIB).unwrap(), 8 * MIB);
        // 8 MiB × 10,000 is the most the default part size covers.
        assert_eq!(c.upload_part_size(8 * MIB * MAX_PARTS).unwrap(), 8 * MIB);
        assert_eq!(
            c.upload_part_size(8 * MIB * MAX_PARTS + 1).unwrap(),
            16 * MIB
        );
        let five_tib = 5 * 1024 * 1024 * MIB;
        let part = c.upload_part_size(five_tib).unwrap();
        assert!(five_tib.div_ceil(part) <= MAX_PARTS && part <= MAX_PART_SIZE);
        assert!(c.upload_part_size(MAX_PART_SIZE * MAX_PARTS + 1).is_err());
        for bad in [0, MIN_PART_SIZE - 1, MAX_PART_SIZE + 1] {
            let err = c.clone().part_size(bad).upload_part_size(MIB).unwrap_err();
            assert!(matches!(err, TransferError::InvalidConfig(_)), "{err}");
        }
        assert_eq!(
            c.part_size(MIN_PART_SIZE).upload_part_size(MIB).unwrap(),
            MIN_PART_SIZE
        );
    }

    #[test]
    fn downloads_take_any_part_size_but_zero() {
        let c = TransferConfig::default().part_size(1);
        assert_eq!(c.download_part_size().unwrap(), 1);
        assert!(c.part_size(0).download_part_size().is_err());
    }

    #[test]
    fn threshold_and_concurrency() {
        let c = TransferConfig::default().multipart_threshold(10);
        assert!(!c.is_multipart(0));
        assert!(!c.is_multipart(9));
        assert!(c.is_multipart(10));
        assert!(TransferConfig::default()
            .multipart_threshold(0)
            .is_multipart(1));
        assert_eq!(c.checked_concurrency().unwrap(), 10);
        assert!(c.concurrency(0).checked_concurrency().is_err());
    }
}
