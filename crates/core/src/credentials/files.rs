//! File access for providers, off the async runtime's threads: token files,
//! the SSO and login token caches.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Runs blocking file work on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| io::Error::other(format!("file task failed: {e}")))?
}

/// Reads a UTF-8 file of at most `limit` bytes (boxed and not inlined:
/// compiled once, not in every caller).
#[inline(never)]
pub(crate) fn read_to_string(
    path: &Path,
    limit: u64,
) -> crate::client::BoxFuture<'static, io::Result<String>> {
    let path = path.to_path_buf();
    Box::pin(blocking(move || {
        let file = std::fs::File::open(&path)?;
        let mut text = String::new();
        file.take(limit + 1).read_to_string(&mut text)?;
        if text.len() as u64 > limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {limit} bytes"),
            ));
        }
        Ok(text)
    }))
}

/// Reads a UTF-8 file of at most `limit` bytes, `Ok(None)` when it does not
/// exist.
pub(crate) async fn read_if_exists(path: &Path, limit: u64) -> io::Result<Option<String>> {
    match read_to_string(path, limit).await {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replaces `path` with `contents` atomically (a temporary file in the same
/// directory, then a rename), creating the directory if needed and keeping
/// the file private to the user, as botocore's `JSONFileCache`.
#[inline(never)]
pub(crate) fn write_atomically(
    path: &Path,
    contents: String,
) -> crate::client::BoxFuture<'static, io::Result<()>> {
    let path: PathBuf = path.to_path_buf();
    Box::pin(blocking(move || {
        let dir = path
            .parent()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no directory"))?;
        std::fs::create_dir_all(dir)?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let temp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            fastrand::u64(..)
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let result = (|| {
            let mut file = options.open(&temp)?;
            file.write_all(contents.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }))
}
