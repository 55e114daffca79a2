//! Managed transfers, as boto3's `upload_file`, `upload_fileobj`,
//! `download_file` and `copy` (s3transfer): big objects go in concurrent
//! parts, small ones in one request.
//!
//! - **Upload** ([`Client::upload_file`]): files below the multipart
//!   threshold are one PutObject; larger ones a multipart upload of
//!   `part_size` parts (at least 5 MiB, grown when a file would need more
//!   than 10,000), `concurrency` at a time. On any failure the multipart
//!   upload is aborted, so no parts are left taking storage.
//! - **Stream upload** ([`Client::upload_stream`], boto3's `upload_fileobj`):
//!   from any [`AsyncRead`](tokio::io::AsyncRead) or `Stream` of bytes whose
//!   length is unknown. The first `multipart_threshold` bytes are buffered:
//!   a source that ends there is one PutObject; a longer one a multipart
//!   upload of parts read as they come, the next only once a part is done.
//!   (A plain `put_object` refuses a body of unknown length: S3 would.)
//! - **Download** ([`Client::download_file`]): HeadObject gives the size;
//!   small objects are one GetObject, larger ones concurrent ranged
//!   GetObjects pinned to the ETag the HEAD saw. Parts are written at their
//!   offsets into a temporary file next to the target, renamed into place
//!   once complete.
//! - **Copy** ([`Client::copy`]): HeadObject on the source; one CopyObject
//!   below the threshold (and up to 5 GiB), else concurrent `UploadPartCopy`
//!   ranges pinned to the source's ETag, aborted on failure.
//! - **Extra arguments**, as boto3's `ExtraArgs`: typed setters on each
//!   request (or a reusable [`UploadArgs`] / [`DownloadArgs`]): storage
//!   class, encryption (SSE-S3, SSE-KMS, SSE-C with [`SseCustomerKey`]),
//!   tags, ACL and grants, content headers, metadata, object lock, request
//!   payer, expected bucket owner, checksum algorithm; version id and
//!   checksum mode on downloads. Each request gets the ones it takes (see
//!   [`args`]), and combinations S3 would refuse are refused before anything
//!   is sent ([`TransferError::InvalidRequest`]).
//! - **Checksums**: uploads use the chosen algorithm (CRC32 by default, as
//!   boto3, unless the client's `request_checksum_calculation` is
//!   `when_required`): a multipart upload is created with it, each part
//!   carries its checksum and the completion lists them all.
//! - **Memory** stays near `concurrency × part_size` whatever the size: each
//!   part is read from disk, the source or the network only when its turn
//!   comes.
//! - **Progress**: a [`Progress`] callback gets the bytes of each finished
//!   part.
//!
//! ```no_run
//! # async fn demo(s3: &myaws_s3::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use myaws_s3::custom::transfer::{
//!     DownloadFile, ObjectCopy, TransferConfig, UploadFile, UploadStream,
//! };
//! use myaws_s3::types::{
//!     ChecksumAlgorithm, GetObjectRequest, ServerSideEncryption, StorageClass,
//! };
//!
//! let config = TransferConfig::default().concurrency(4);
//! let up = UploadFile::new("backup.tar", "my-bucket", "backups/backup.tar")
//!     .content_type("application/x-tar")
//!     .storage_class(StorageClass::StandardIa)
//!     .server_side_encryption(ServerSideEncryption::AwsKms)
//!     .ssekms_key_id("alias/backups")
//!     .tags([("retention", "90d")])
//!     .checksum_algorithm(ChecksumAlgorithm::Sha256)
//!     .on_progress(|bytes| eprintln!("+{bytes} bytes"));
//! s3.upload_file(up, &config).await?;
//!
//! // A source of unknown length (any AsyncRead or Stream of bytes): here
//! // an object read from another bucket as it arrives.
//! let body = s3
//!     .get_object(GetObjectRequest::default().bucket("other-bucket").key("db.sql"))
//!     .await?
//!     .body
//!     .ok_or("no body")?;
//! s3.upload_stream(
//!     UploadStream::from_stream(body, "my-bucket", "backups/db.sql"),
//!     &config,
//! )
//! .await?;
//!
//! s3.copy(
//!     ObjectCopy::new("my-bucket", "backups/backup.tar", "archive-bucket", "backup.tar")
//!         .storage_class(StorageClass::Glacier),
//!     &config,
//! )
//! .await?;
//! s3.download_file(
//!     DownloadFile::new("my-bucket", "backups/backup.tar", "restored.tar"),
//!     &config,
//! )
//! .await?;
//! # Ok(()) }
//! ```

use std::path::PathBuf;

use crate::Client;

pub mod args;
mod config;
mod copy;
mod download;
mod error;
mod file_io;
mod multipart;
mod plan;
mod pool;
mod progress;
mod stream;
mod upload;

pub use args::{DownloadArgs, SseCustomerKey, UploadArgs};
pub use config::{TransferConfig, MAX_PARTS, MAX_PART_SIZE, MIB, MIN_PART_SIZE};
pub use copy::{CopyOutput, ObjectCopy};
pub use error::TransferError;
pub use progress::Progress;
pub use stream::UploadStream;

use args::{download_setters, upload_setters};

/// A file to upload: where from, where to, and how.
#[derive(Debug, Clone)]
pub struct UploadFile {
    path: PathBuf,
    bucket: String,
    key: String,
    args: UploadArgs,
    progress: Progress,
}

impl UploadFile {
    /// Uploads the file at `path` to `bucket`/`key`.
    pub fn new(
        path: impl Into<PathBuf>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        UploadFile {
            path: path.into(),
            bucket: bucket.into(),
            key: key.into(),
            args: UploadArgs::default(),
            progress: Progress::default(),
        }
    }

    /// Replaces every upload argument with `args` (boto3's `ExtraArgs`).
    pub fn args(mut self, args: UploadArgs) -> Self {
        self.args = args;
        self
    }

    upload_setters!(.args);

    /// Calls `callback` with the bytes of each part as it is uploaded.
    pub fn on_progress(mut self, callback: impl Fn(u64) + Send + Sync + 'static) -> Self {
        self.progress = Progress::new(callback);
        self
    }
}

/// An object to download to a file.
#[derive(Debug, Clone)]
pub struct DownloadFile {
    bucket: String,
    key: String,
    path: PathBuf,
    args: DownloadArgs,
    progress: Progress,
}

impl DownloadFile {
    /// Downloads `bucket`/`key` to `path` (replacing any file there once the
    /// download is complete).
    pub fn new(
        bucket: impl Into<String>,
        key: impl Into<String>,
        path: impl Into<PathBuf>,
    ) -> Self {
        DownloadFile {
            bucket: bucket.into(),
            key: key.into(),
            path: path.into(),
            args: DownloadArgs::default(),
            progress: Progress::default(),
        }
    }

    /// Replaces every download argument with `args` (boto3's `ExtraArgs`).
    pub fn args(mut self, args: DownloadArgs) -> Self {
        self.args = args;
        self
    }

    download_setters!(.args);

    /// Calls `callback` with the bytes of each part as it is written.
    pub fn on_progress(mut self, callback: impl Fn(u64) + Send + Sync + 'static) -> Self {
        self.progress = Progress::new(callback);
        self
    }
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOutput {
    /// Bytes uploaded.
    pub bytes: u64,
    /// Parts of the multipart upload; 0 for a single PutObject.
    pub parts: u32,
    /// The object's ETag.
    pub e_tag: Option<String>,
}

/// What a download did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadOutput {
    /// Bytes written.
    pub bytes: u64,
    /// GetObject requests made (0 for an empty object).
    pub parts: u32,
    /// The ETag of the object downloaded.
    pub e_tag: Option<String>,
}

impl Client {
    /// Uploads a file, as boto3's `upload_file`: a single PutObject below
    /// the multipart threshold, else a concurrent multipart upload that is
    /// aborted if anything fails.
    pub async fn upload_file(
        &self,
        upload: UploadFile,
        config: &TransferConfig,
    ) -> Result<UploadOutput, TransferError> {
        upload::upload(self, upload, config).await
    }

    /// Uploads what a reader or a stream yields, of a length not known
    /// beforehand, as boto3's `upload_fileobj`: a source that ends below
    /// the multipart threshold is one PutObject, a longer one a concurrent
    /// multipart upload of parts read as they come (aborted if anything
    /// fails, reading included). Memory stays near
    /// `max(multipart_threshold, concurrency × part_size)`.
    pub async fn upload_stream(
        &self,
        upload: UploadStream,
        config: &TransferConfig,
    ) -> Result<UploadOutput, TransferError> {
        stream::upload_stream(self, upload, config).await
    }

    /// Downloads an object to a file, as boto3's `download_file`: concurrent
    /// ranged GETs above the multipart threshold. The file appears only once
    /// complete; a failed download leaves nothing behind.
    pub async fn download_file(
        &self,
        download: DownloadFile,
        config: &TransferConfig,
    ) -> Result<DownloadOutput, TransferError> {
        download::download(self, download, config).await
    }

    /// Copies an object, as boto3's managed `copy`: one CopyObject below the
    /// multipart threshold (and up to CopyObject's 5 GiB), else a multipart
    /// upload of concurrent `UploadPartCopy` ranges, each pinned to the
    /// source's ETag, that is aborted if anything fails.
    pub async fn copy(
        &self,
        copy: ObjectCopy,
        config: &TransferConfig,
    ) -> Result<CopyOutput, TransferError> {
        copy::copy(self, copy, config).await
    }
}
