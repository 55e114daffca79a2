//! `upload_file`: one PutObject below the multipart threshold, else a
//! multipart upload of concurrently uploaded parts that is aborted on any
//! failure.

use std::path::Path;
use std::sync::Arc;

use myaws_core::body::ByteStream;

use super::args::check_names;
use super::multipart::{self, PartSender, Target};
use super::plan::parts;
use super::pool::run_parts;
use super::{file_io, TransferConfig, TransferError, UploadFile, UploadOutput};
use crate::types::{CreateMultipartUploadRequest, PutObjectRequest};
use crate::Client;

/// Uploads `request.path` as described by `config`.
pub(crate) async fn upload(
    client: &Client,
    request: UploadFile,
    config: &TransferConfig,
) -> Result<UploadOutput, TransferError> {
    let concurrency = config.checked_concurrency()?;
    check_names(&request.bucket, &request.key, "target")?;
    request.args.check()?;
    let args = request.args.clone().with_default_checksum(client);
    let path = request.path.clone();
    let size = file_io::size(path.clone())
        .await
        .map_err(|e| TransferError::io(&path, e))?;
    if !config.is_multipart(size) {
        let body = file_body(&path, 0, size)?;
        let put = args.put_object(
            PutObjectRequest::default()
                .bucket(&request.bucket)
                .key(&request.key)
                .body(body),
        );
        let out = client
            .put_object(put)
            .await
            .map_err(|e| TransferError::api("PutObject", e))?;
        request.progress.report(size);
        return Ok(UploadOutput {
            bytes: size,
            parts: 0,
            e_tag: out.e_tag,
        });
    }
    let part_size = config.upload_part_size(size)?;
    let target = Target {
        client,
        bucket: &request.bucket,
        key: &request.key,
        args: &args,
    };
    let create = args.create_multipart_upload(
        CreateMultipartUploadRequest::default()
            .bucket(&request.bucket)
            .key(&request.key),
    );
    let out = multipart::run(target, create, |upload_id| {
        let sender = Arc::new(PartSender {
            client: client.clone(),
            bucket: request.bucket.clone(),
            key: request.key.clone(),
            upload_id,
            args: args.clone(),
            progress: request.progress.clone(),
        });
        run_parts(parts(size, part_size), concurrency, move |part| {
            let sender = sender.clone();
            let body = file_body(&path, part.offset, part.len);
            async move { sender.send(part.number, body?, part.len).await }
        })
    })
    .await?;
    Ok(UploadOutput {
        bytes: size,
        parts: size.div_ceil(part_size) as u32,
        e_tag: out.e_tag,
    })
}

/// `len` bytes of the file from `offset`, read in chunks as the request is
/// sent (and again if it is retried), never all in memory.
fn file_body(path: &Path, offset: u64, len: u64) -> Result<ByteStream, TransferError> {
    ByteStream::from_file_range(path, offset, len).map_err(|e| TransferError::io(path, e))
}
