//! `download_file`: HeadObject for the size, then one GetObject below the
//! multipart threshold or concurrent ranged GetObjects above it, each part
//! written at its offset into a temporary file that is renamed into place
//! only when every byte has arrived.

use std::path::PathBuf;
use std::sync::Arc;

use myaws_core::body::ByteStream;
use myaws_core::Bytes;

use super::args::{check_names, DownloadArgs};
use super::plan::{parts, Part};
use super::pool::run_parts;
use super::{file_io, DownloadFile, DownloadOutput, TransferConfig, TransferError};
use crate::types::{GetObjectRequest, HeadObjectRequest};
use crate::Client;

/// Downloads `request.bucket`/`request.key` to `request.path`.
pub(crate) async fn download(
    client: &Client,
    request: DownloadFile,
    config: &TransferConfig,
) -> Result<DownloadOutput, TransferError> {
    let concurrency = config.checked_concurrency()?;
    let part_size = config.download_part_size()?;
    check_names(&request.bucket, &request.key, "source")?;
    request.args.check()?;
    let head = client
        .head_object(
            request.args.head_object(
                HeadObjectRequest::default()
                    .bucket(&request.bucket)
                    .key(&request.key),
            ),
        )
        .await
        .map_err(|e| TransferError::api("HeadObject", e))?;
    let size = u64::try_from(head.content_length.unwrap_or(0)).map_err(|_| {
        TransferError::Unexpected(format!(
            "HeadObject returned a negative size {:?}",
            head.content_length
        ))
    })?;
    let temp = TempFile {
        path: file_io::temp_path(&request.path),
        keep: false,
    };
    let temp_path = temp.path.clone();
    let file = file_io::create(temp_path.clone(), size)
        .await
        .map_err(|e| TransferError::io(&temp_path, e))?;
    let fetch = Fetch {
        client: client.clone(),
        bucket: request.bucket.clone(),
        key: request.key.clone(),
        e_tag: head.e_tag.clone(),
        args: Arc::new(request.args.clone()),
        file,
        path: temp_path.clone(),
        progress: request.progress.clone(),
    };
    let part_count = if size == 0 {
        0
    } else if config.is_multipart(size) {
        let count = size.div_ceil(part_size);
        run_parts(parts(size, part_size), concurrency, |part| {
            fetch.clone().part(part, true)
        })
        .await?;
        count
    } else {
        fetch
            .clone()
            .part(
                Part {
                    number: 1,
                    offset: 0,
                    len: size,
                },
                false,
            )
            .await?;
        1
    };
    drop(fetch);
    file_io::rename(temp_path.clone(), request.path.clone())
        .await
        .map_err(|e| TransferError::io(&request.path, e))?;
    temp.persisted();
    Ok(DownloadOutput {
        bytes: size,
        parts: u32::try_from(part_count).unwrap_or(u32::MAX),
        e_tag: head.e_tag,
    })
}

/// Chunks of a body are gathered up to this size before each write.
const WRITE_BUFFER: usize = 1 << 20;

/// Everything one part's GET needs, owned so it can run on its own task.
#[derive(Clone)]
struct Fetch {
    client: Client,
    bucket: String,
    key: String,
    e_tag: Option<String>,
    args: Arc<DownloadArgs>,
    file: Arc<std::fs::File>,
    path: PathBuf,
    progress: super::Progress,
}

impl Fetch {
    /// GETs `part` (as a byte range when `ranged`), checks its length and
    /// writes it at its offset. `If-Match` on the ETag the HEAD saw makes a
    /// concurrent overwrite of the object fail the download instead of
    /// mixing two versions.
    async fn part(self, part: Part, ranged: bool) -> Result<(), TransferError> {
        let mut get = self.args.get_object(
            GetObjectRequest::default()
                .bucket(&self.bucket)
                .key(&self.key),
        );
        if ranged {
            get = get.range(part.range());
        }
        get.if_match = self.e_tag.clone();
        let out = self
            .client
            .get_object(get)
            .await
            .map_err(|e| TransferError::api("GetObject", e))?;
        let written = self.write_body(out.body.unwrap_or_default(), part).await?;
        if written != part.len {
            return Err(TransferError::Unexpected(format!(
                "GetObject returned only {written} bytes for part {} ({}), expected {}",
                part.number,
                part.range(),
                part.len
            )));
        }
        self.progress.report(part.len);
        Ok(())
    }

    /// Writes `body` at `part`'s offset as its chunks arrive, in writes of
    /// up to [`WRITE_BUFFER`] bytes; fails as soon as the body is longer than
    /// the part, and returns the number of bytes written.
    async fn write_body(&self, mut body: ByteStream, part: Part) -> Result<u64, TransferError> {
        let mut written = 0u64;
        let mut pending: Vec<u8> = Vec::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| TransferError::io(&self.path, e))?;
            if written + pending.len() as u64 + chunk.len() as u64 > part.len {
                return Err(too_long(part));
            }
            if pending.is_empty() && chunk.len() >= WRITE_BUFFER {
                // A big chunk (a whole in-memory body) goes out as it is.
                written += self.write(part.offset + written, chunk).await?;
                continue;
            }
            pending.extend_from_slice(&chunk);
            if pending.len() >= WRITE_BUFFER {
                let data = Bytes::from(std::mem::take(&mut pending));
                written += self.write(part.offset + written, data).await?;
            }
        }
        if !pending.is_empty() {
            written += self
                .write(part.offset + written, Bytes::from(pending))
                .await?;
        }
        Ok(written)
    }

    /// Writes `data` at `offset`; returns its length.
    async fn write(&self, offset: u64, data: Bytes) -> Result<u64, TransferError> {
        let len = data.len() as u64;
        file_io::write_at(self.file.clone(), offset, data)
            .await
            .map_err(|e| TransferError::io(&self.path, e))?;
        Ok(len)
    }
}

fn too_long(part: Part) -> TransferError {
    TransferError::Unexpected(format!(
        "GetObject returned more than the {} bytes of part {} ({})",
        part.len,
        part.number,
        part.range()
    ))
}

/// The temporary download file, removed unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// The file now has its final name: nothing to remove.
    fn persisted(mut self) {
        self.keep = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
