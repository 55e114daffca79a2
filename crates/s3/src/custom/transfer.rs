//! Managed file transfers, as boto3's `upload_file` and `download_file`
//! (s3transfer): big files go in concurrent parts, small ones in one request.
//!
//! - **Upload**: files below the multipart threshold are one
//!   PutObject; larger ones a multipart upload of `part_size` parts (at least
//!   5 MiB, grown when a file would need more than 10,000), `concurrency` at
//!   a time. On any failure the multipart upload is aborted, so no parts are
//!   left taking storage.
//! - **Download**: HeadObject gives the size; small objects are one
//!   GetObject, larger ones concurrent ranged GetObjects pinned to the ETag
//!   the HEAD saw. Parts are written at their offsets into a temporary file
//!   next to the target, renamed into place once complete.
//! - **Memory** stays near `concurrency × part_size` whatever the file's size:
//!   each part is read from disk (or the network) only when its turn comes.
//! - **Progress**: a [`Progress`] callback gets the bytes of each finished
//!   part.
//!
//! ```no_run
//! # async fn demo(s3: &myaws_s3::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use myaws_s3::custom::transfer::{DownloadFile, TransferConfig, UploadFile};
//!
//! let config = TransferConfig::default().concurrency(4);
//! let up = UploadFile::new("backup.tar", "my-bucket", "backups/backup.tar")
//!     .content_type("application/x-tar")
//!     .on_progress(|bytes| eprintln!("+{bytes} bytes"));
//! s3.upload_file(up, &config).await?;
//! s3.download_file(
//!     DownloadFile::new("my-bucket", "backups/backup.tar", "restored.tar"),
//!     &config,
//! )
//! .await?;
//! # Ok(()) }
//! ```

use std::path::PathBuf;

use crate::Client;

pub(crate) mod args;
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
