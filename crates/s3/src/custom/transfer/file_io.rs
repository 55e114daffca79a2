//! File work off the async threads: sizes, creating the download file, and
//! writing each part at its offset, so parts can be written concurrently
//! through one handle.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use myaws_core::Bytes;

/// Runs blocking file work on tokio's blocking pool.
async fn blocking<T, F>(work: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| io::Error::other(format!("file task failed: {e}")))?
}

/// The size of the regular file at `path`.
pub(crate) async fn size(path: PathBuf) -> io::Result<u64> {
    blocking(move || {
        let meta = std::fs::metadata(&path)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        Ok(meta.len())
    })
    .await
}

/// Creates (or truncates) `path` and sizes it to `size` bytes.
pub(crate) async fn create(path: PathBuf, size: u64) -> io::Result<Arc<File>> {
    blocking(move || {
        let file = File::create(&path)?;
        file.set_len(size)?;
        Ok(Arc::new(file))
    })
    .await
}

/// Writes all of `data` at `offset`.
pub(crate) async fn write_at(file: Arc<File>, offset: u64, data: Bytes) -> io::Result<()> {
    blocking(move || write_all_at(&file, &data, offset)).await
}

/// Renames `from` to `to`.
pub(crate) async fn rename(from: PathBuf, to: PathBuf) -> io::Result<()> {
    blocking(move || std::fs::rename(from, to)).await
}

/// A temporary name next to `target` (same directory, so the final rename
/// stays on one file system): `<name>.myaws-<random>`.
pub(crate) fn temp_path(target: &Path) -> PathBuf {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    target.with_file_name(format!("{name}.myaws-{:016x}", hasher.finish()))
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("myaws-file-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[tokio::test]
    async fn parts_written_out_of_order_land_in_place() {
        let path = scratch("parts.bin");
        let file = create(path.clone(), 10).await.unwrap();
        write_at(file.clone(), 5, Bytes::from_static(b"56789"))
            .await
            .unwrap();
        write_at(file, 0, Bytes::from_static(b"01234"))
            .await
            .unwrap();
        assert_eq!(size(path.clone()).await.unwrap(), 10);
        assert_eq!(std::fs::read(&path).unwrap(), b"0123456789");
        std::fs::remove_file(&path).unwrap();
        let missing = size(path.clone()).await.unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        let dir = path.parent().unwrap().to_path_buf();
        assert_eq!(
            size(dir).await.unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
    }

    #[test]
    fn temp_names_sit_next_to_the_target_and_differ() {
        let target = Path::new("/data/out/file.bin");
        let (a, b) = (temp_path(target), temp_path(target));
        assert_eq!(a.parent(), target.parent());
        assert!(a
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("file.bin.myaws-"));
        assert_ne!(a, b);
    }
}
