//! File-backed bodies: a byte range of a file read in chunks, and writing a
//! body stream to a file.

use std::fmt;
use std::io::{self, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{BoxStream, FILE_CHUNK_SIZE};

/// `len` bytes of the file at `path` from `offset`.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct FileSource {
    path: Arc<Path>,
    offset: u64,
    len: u64,
}

impl fmt::Debug for FileSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "File({}, {} bytes at {})",
            self.path.display(),
            self.len,
            self.offset
        )
    }
}

struct ReadState {
    source: FileSource,
    file: Option<tokio::fs::File>,
    remaining: u64,
}

impl FileSource {
    pub(super) fn new(path: PathBuf, offset: u64, len: u64) -> Self {
        FileSource {
            path: path.into(),
            offset,
            len,
        }
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// A fresh stream of the range, opened on first poll.
    pub(super) fn stream(&self) -> BoxStream {
        let state = ReadState {
            source: self.clone(),
            file: None,
            remaining: self.len,
        };
        Box::pin(futures_util::stream::try_unfold(state, read_chunk))
    }
}

async fn read_chunk(mut st: ReadState) -> io::Result<Option<(Bytes, ReadState)>> {
    if st.remaining == 0 {
        return Ok(None);
    }
    let file = match &mut st.file {
        Some(f) => f,
        None => {
            let mut f = tokio::fs::File::open(&st.source.path).await.map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("opening {}: {e}", st.source.path.display()),
                )
            })?;
            if st.source.offset > 0 {
                f.seek(SeekFrom::Start(st.source.offset)).await?;
            }
            st.file.insert(f)
        }
    };
    let want = st.remaining.min(FILE_CHUNK_SIZE as u64) as usize;
    let mut buf = BytesMut::with_capacity(want);
    while buf.len() < want {
        let n = file.read_buf(&mut buf).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "{} ended {} bytes early (did it shrink while being sent?)",
                    st.source.path.display(),
                    st.remaining - buf.len() as u64
                ),
            ));
        }
    }
    buf.truncate(want);
    st.remaining -= want as u64;
    Ok(Some((buf.freeze(), st)))
}

/// Writes every chunk of `stream` to a new file at `path`; returns the count.
pub(super) async fn write_stream(mut stream: BoxStream, path: &Path) -> io::Result<u64> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("creating {}: {e}", path.display())))?;
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        file.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    file.flush().await?;
    Ok(written)
}
