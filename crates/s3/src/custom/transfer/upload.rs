//! `upload_file`: one PutObject below the multipart threshold, else a
//! multipart upload of concurrently uploaded parts that is aborted on any
//! failure.

use std::path::{Path, PathBuf};

use myaws_core::body::ByteStream;

use super::multipart::MultipartUpload;
use super::plan::{parts, Part};
use super::pool::run_parts;
use super::{file_io, TransferConfig, TransferError, UploadFile, UploadOutput};
use crate::types::{
    CompleteMultipartUploadRequest, CompletedMultipartUpload, CompletedPart,
    CreateMultipartUploadRequest, PutObjectRequest, UploadPartRequest,
};
use crate::Client;

/// Uploads `request.path` as described by `config`.
pub(crate) async fn upload(
    client: &Client,
    request: UploadFile,
    config: &TransferConfig,
) -> Result<UploadOutput, TransferError> {
    let concurrency = config.checked_concurrency()?;
    let path = request.path.clone();
    let size = file_io::size(path.clone())
        .await
        .map_err(|e| TransferError::io(&path, e))?;
    if !config.is_multipart(size) {
        return put_whole(client, request, size).await;
    }
    let part_size = config.upload_part_size(size)?;
    let mut create = CreateMultipartUploadRequest::default()
        .bucket(&request.bucket)
        .key(&request.key);
    create.content_type = request.content_type.clone();
    create.metadata = request.metadata.clone();
    let created = client
        .create_multipart_upload(create)
        .await
        .map_err(|e| TransferError::api("CreateMultipartUpload", e))?;
    let upload_id = created.upload_id.ok_or_else(|| {
        TransferError::Unexpected("CreateMultipartUpload returned no UploadId".into())
    })?;
    let upload = MultipartUpload::new(client, &request.bucket, &request.key, &upload_id);
    let sent = run_parts(parts(size, part_size), concurrency, |part| {
        upload_part(client.clone(), &request, upload_id.clone(), part)
    })
    .await;
    let completed = match sent {
        Ok(parts) => complete(client, &request, &upload_id, parts).await,
        Err(e) => Err(e),
    };
    match completed {
        Ok(e_tag) => {
            upload.finished();
            Ok(UploadOutput {
                bytes: size,
                parts: size.div_ceil(part_size) as u32,
                e_tag,
            })
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

/// `len` bytes of the file from `offset`, read in chunks as the request is
/// sent (and again if it is retried), never all in memory.
fn file_body(path: &Path, offset: u64, len: u64) -> Result<ByteStream, TransferError> {
    ByteStream::from_file_range(path, offset, len).map_err(|e| TransferError::io(path, e))
}

/// A file below the threshold: one PutObject.
async fn put_whole(
    client: &Client,
    request: UploadFile,
    size: u64,
) -> Result<UploadOutput, TransferError> {
    let body = file_body(&request.path, 0, size)?;
    let mut put = PutObjectRequest::default()
        .bucket(&request.bucket)
        .key(&request.key)
        .body(body);
    put.content_type = request.content_type;
    put.metadata = request.metadata;
    let out = client
        .put_object(put)
        .await
        .map_err(|e| TransferError::api("PutObject", e))?;
    request.progress.report(size);
    Ok(UploadOutput {
        bytes: size,
        parts: 0,
        e_tag: out.e_tag,
    })
}

/// Uploads one part, streamed from the file; the future owns everything it
/// needs, so it can run on its own task.
fn upload_part(
    client: Client,
    request: &UploadFile,
    upload_id: String,
    part: Part,
) -> impl std::future::Future<Output = Result<CompletedPart, TransferError>> + Send + 'static {
    let (bucket, key) = (request.bucket.clone(), request.key.clone());
    let path: PathBuf = request.path.clone();
    let progress = request.progress.clone();
    async move {
        let body = file_body(&path, part.offset, part.len)?;
        let number = i32::try_from(part.number)
            .map_err(|_| TransferError::Unexpected("too many parts".into()))?;
        let out = client
            .upload_part(
                UploadPartRequest::default()
                    .bucket(bucket)
                    .key(key)
                    .upload_id(upload_id)
                    .part_number(number)
                    .body(body),
            )
            .await
            .map_err(|e| TransferError::api("UploadPart", e))?;
        let e_tag = out.e_tag.ok_or_else(|| {
            TransferError::Unexpected(format!("UploadPart {number} returned no ETag"))
        })?;
        progress.report(part.len);
        Ok(CompletedPart::default().e_tag(e_tag).part_number(number))
    }
}

/// Completes the upload with its parts in order; returns the object's ETag.
async fn complete(
    client: &Client,
    request: &UploadFile,
    upload_id: &str,
    mut parts: Vec<CompletedPart>,
) -> Result<Option<String>, TransferError> {
    parts.sort_by_key(|p| p.part_number);
    let out = client
        .complete_multipart_upload(
            CompleteMultipartUploadRequest::default()
                .bucket(&request.bucket)
                .key(&request.key)
                .upload_id(upload_id)
                .multipart_upload(CompletedMultipartUpload::default().parts(parts)),
        )
        .await
        .map_err(|e| TransferError::api("CompleteMultipartUpload", e))?;
    Ok(out.e_tag)
}
