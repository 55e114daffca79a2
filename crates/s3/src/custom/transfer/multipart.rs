//! Multipart uploads: [`MultipartUpload`] (aborted unless marked finished,
//! so a failed or cancelled transfer leaves no parts behind), the
//! create → parts → complete sequence that file, stream and copy transfers
//! share, and the uploading of one part.

use std::future::Future;
use std::sync::Arc;

use myaws_core::body::ByteStream;

use super::{Progress, TransferError, UploadArgs};
use crate::types::{
    AbortMultipartUploadRequest, ChecksumAlgorithm, CompleteMultipartUploadOutput,
    CompleteMultipartUploadRequest, CompletedMultipartUpload, CompletedPart,
    CreateMultipartUploadRequest, UploadPartRequest,
};
use crate::Client;

/// A part's [`CompletedPart`]: its number, ETag and, when the upload has a
/// checksum algorithm, the part's checksum of that algorithm from `$out`
/// (an `UploadPartOutput` or a `CopyPartResult`).
macro_rules! completed_part {
    ($out:expr, $algorithm:expr, $number:expr, $e_tag:expr) => {{
        let out = $out;
        let mut part = $crate::types::CompletedPart::default()
            .e_tag($e_tag)
            .part_number($number);
        match $algorithm {
            Some($crate::types::ChecksumAlgorithm::Crc32) => {
                part.checksum_crc32 = out.checksum_crc32
            }
            Some($crate::types::ChecksumAlgorithm::Crc32c) => {
                part.checksum_crc32_c = out.checksum_crc32_c
            }
            Some($crate::types::ChecksumAlgorithm::Crc64nvme) => {
                part.checksum_crc64_nvme = out.checksum_crc64_nvme
            }
            Some($crate::types::ChecksumAlgorithm::Sha1) => part.checksum_sha1 = out.checksum_sha1,
            Some($crate::types::ChecksumAlgorithm::Sha256) => {
                part.checksum_sha256 = out.checksum_sha256
            }
            _ => {}
        }
        part
    }};
}
pub(crate) use completed_part;

/// Where a multipart upload goes and with which arguments.
#[derive(Clone, Copy)]
pub(crate) struct Target<'a> {
    pub client: &'a Client,
    pub bucket: &'a str,
    pub key: &'a str,
    pub args: &'a UploadArgs,
}

/// Creates the upload with `create`, lets `send_parts` send the parts
/// (given the upload id), and completes the upload with them; aborts it if
/// anything fails (or this future is dropped).
pub(crate) async fn run<F, Fut>(
    target: Target<'_>,
    create: CreateMultipartUploadRequest,
    send_parts: F,
) -> Result<CompleteMultipartUploadOutput, TransferError>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<Vec<CompletedPart>, TransferError>>,
{
    let created = target
        .client
        .create_multipart_upload(create)
        .await
        .map_err(|e| TransferError::api("CreateMultipartUpload", e))?;
    let upload_id = created.upload_id.ok_or_else(|| {
        TransferError::Unexpected("CreateMultipartUpload returned no UploadId".into())
    })?;
    let upload = MultipartUpload::new(
        target.client,
        target.args.abort_multipart_upload(
            AbortMultipartUploadRequest::default()
                .bucket(target.bucket)
                .key(target.key)
                .upload_id(&upload_id),
        ),
    );
    let completed = match send_parts(upload_id.clone()).await {
        Ok(parts) => complete(target, &upload_id, parts).await,
        Err(e) => Err(e),
    };
    match completed {
        Ok(out) => {
            upload.finished();
            Ok(out)
        }
        Err(cause) => Err(match upload.abort().await {
            Ok(()) => cause,
            Err(abort_error) => TransferError::AbortFailed {
                upload_id,
                cause: Box::new(cause),
                abort_error,
            },
        }),
    }
}

/// Completes the upload with its parts in order.
async fn complete(
    target: Target<'_>,
    upload_id: &str,
    mut parts: Vec<CompletedPart>,
) -> Result<CompleteMultipartUploadOutput, TransferError> {
    parts.sort_by_key(|p| p.part_number);
    let request = target.args.complete_multipart_upload(
        CompleteMultipartUploadRequest::default()
            .bucket(target.bucket)
            .key(target.key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::default().parts(parts)),
    );
    target
        .client
        .complete_multipart_upload(request)
        .await
        .map_err(|e| TransferError::api("CompleteMultipartUpload", e))
}

/// What every `UploadPart` of one upload shares; owned, so each part can
/// run on its own task.
pub(crate) struct PartSender {
    pub client: Client,
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub args: UploadArgs,
    pub progress: Progress,
}

impl PartSender {
    /// Uploads part `number` (`len` bytes of `body`) and returns it with
    /// its checksum.
    pub async fn send(
        self: Arc<Self>,
        number: u32,
        body: ByteStream,
        len: u64,
    ) -> Result<CompletedPart, TransferError> {
        let number = part_number(number)?;
        let request = self.args.upload_part(
            UploadPartRequest::default()
                .bucket(&self.bucket)
                .key(&self.key)
                .upload_id(&self.upload_id)
                .part_number(number)
                .body(body),
        );
        let out = self
            .client
            .upload_part(request)
            .await
            .map_err(|e| TransferError::api("UploadPart", e))?;
        let e_tag = out.e_tag.clone().ok_or_else(|| {
            TransferError::Unexpected(format!("UploadPart {number} returned no ETag"))
        })?;
        self.progress.report(len);
        let algorithm: Option<&ChecksumAlgorithm> = self.args.checksum_algorithm.as_ref();
        Ok(completed_part!(out, algorithm, number, e_tag))
    }
}

/// A part number as S3 types it.
pub(crate) fn part_number(number: u32) -> Result<i32, TransferError> {
    i32::try_from(number).map_err(|_| TransferError::Unexpected("too many parts".into()))
}

/// An in-progress multipart upload.
pub(crate) struct MultipartUpload {
    client: Client,
    request: Option<AbortMultipartUploadRequest>,
}

impl MultipartUpload {
    /// Tracks an upload; `abort` is the request that aborts it.
    pub fn new(client: &Client, abort: AbortMultipartUploadRequest) -> Self {
        MultipartUpload {
            client: client.clone(),
            request: Some(abort),
        }
    }

    /// The upload completed: nothing to abort.
    pub fn finished(mut self) {
        self.request = None;
    }

    /// Aborts the upload, freeing its parts.
    pub async fn abort(mut self) -> Result<(), String> {
        let Some(request) = self.request.take() else {
            return Ok(());
        };
        self.client
            .abort_multipart_upload(request)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

impl Drop for MultipartUpload {
    /// The upload's future was dropped mid-way: abort in the background when
    /// a runtime is at hand.
    fn drop(&mut self) {
        if let Some(request) = self.request.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let client = self.client.clone();
                runtime.spawn(async move {
                    let _ = client.abort_multipart_upload(request).await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{CopyPartResult, UploadPartOutput};

    #[test]
    fn parts_carry_the_checksum_of_the_uploads_algorithm() {
        let out = UploadPartOutput {
            checksum_crc32: Some("crc32".into()),
            checksum_sha256: Some("sha256".into()),
            ..Default::default()
        };
        let algorithm = Some(&ChecksumAlgorithm::Sha256);
        let part = completed_part!(out.clone(), algorithm, 3, "\"e\"".to_string());
        assert_eq!(part.part_number, Some(3));
        assert_eq!(part.e_tag.as_deref(), Some("\"e\""));
        assert_eq!(part.checksum_sha256.as_deref(), Some("sha256"));
        assert_eq!(part.checksum_crc32, None);

        let none: Option<&ChecksumAlgorithm> = None;
        let part = completed_part!(out, none, 1, "e".to_string());
        assert_eq!(part, CompletedPart::default().e_tag("e").part_number(1));

        let copied = CopyPartResult {
            checksum_crc64_nvme: Some("crc64".into()),
            ..Default::default()
        };
        let algorithm = Some(&ChecksumAlgorithm::Crc64nvme);
        let part = completed_part!(copied, algorithm, 2, "e".to_string());
        assert_eq!(part.checksum_crc64_nvme.as_deref(), Some("crc64"));
    }
}
