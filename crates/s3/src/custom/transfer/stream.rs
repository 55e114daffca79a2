//! `upload_stream` (boto3's `upload_fileobj`): an upload from an
//! [`AsyncRead`] or a [`Stream`] of bytes whose length is not known.
//!
//! The first `multipart_threshold` bytes are read into memory: a source
//! that ends before that is one PutObject of a known length. Otherwise the
//! upload is multipart, and parts of `part_size` bytes are read as they
//! come, the next one only once fewer than `concurrency` parts are in
//! flight, so at most `concurrency` parts are held at once (and the
//! threshold's bytes, until their parts have gone).

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use myaws_core::body::{BoxError, BoxStream, ByteStream};
use myaws_core::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::args::{check_names, upload_setters};
use super::multipart::{self, PartSender, Target};
use super::pool::Running;
use super::{Progress, TransferConfig, TransferError, UploadArgs, UploadOutput, MAX_PARTS};
use crate::types::{CreateMultipartUploadRequest, PutObjectRequest};
use crate::Client;

/// An upload from a reader or a stream of unknown length, as boto3's
/// `upload_fileobj`; see [`Client::upload_stream`].
///
/// The object's attributes are set as on [`UploadFile`](super::UploadFile)
/// (the same setters, or [`UploadStream::args`]).
pub struct UploadStream {
    source: Source,
    bucket: String,
    key: String,
    args: UploadArgs,
    expected_size: Option<u64>,
    progress: Progress,
}

impl UploadStream {
    /// Uploads what `reader` yields until its end to `bucket`/`key`.
    pub fn from_reader(
        reader: impl AsyncRead + Send + 'static,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        Self::new(Kind::Reader(Box::pin(reader)), bucket, key)
    }

    /// Uploads the chunks of `stream` until its end to `bucket`/`key` (a
    /// [`ByteStream`] is such a stream: a download can be uploaded
    /// elsewhere as it arrives). An error item fails the upload.
    pub fn from_stream<S, E>(stream: S, bucket: impl Into<String>, key: impl Into<String>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let stream: BoxStream = Box::pin(stream.map(|item| item.map_err(to_io)));
        Self::new(Kind::Stream(stream), bucket, key)
    }

    fn new(kind: Kind, bucket: impl Into<String>, key: impl Into<String>) -> Self {
        UploadStream {
            source: Source::new(kind),
            bucket: bucket.into(),
            key: key.into(),
            args: UploadArgs::default(),
            expected_size: None,
            progress: Progress::default(),
        }
    }

    /// About how many bytes the source holds, if known: the part size then
    /// grows (doubling) as for a file of that size, so a long source fits
    /// in S3's 10,000 parts. Without it, the source may hold at most
    /// 10,000 × `part_size` bytes.
    pub fn expected_size(mut self, bytes: u64) -> Self {
        self.expected_size = Some(bytes);
        self
    }

    /// Replaces every upload argument with `args`.
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

impl fmt::Debug for UploadStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadStream")
            .field(
                "source",
                &match self.source.kind {
                    Kind::Reader(_) => "reader",
                    Kind::Stream(_) => "stream",
                },
            )
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("args", &self.args)
            .field("expected_size", &self.expected_size)
            .field("progress", &self.progress)
            .finish()
    }
}

fn to_io(e: impl Into<BoxError>) -> io::Error {
    let e: BoxError = e.into();
    match e.downcast::<io::Error>() {
        Ok(io) => *io,
        Err(other) => io::Error::other(other),
    }
}

enum Kind {
    Reader(Pin<Box<dyn AsyncRead + Send>>),
    Stream(BoxStream),
}

/// The source, with chunks read ahead but not yet used in front.
struct Source {
    kind: Kind,
    pending: VecDeque<Bytes>,
}

/// Buffers grow by at most this much at a time beyond what they hold, so a
/// short source does not cost a whole part's (or threshold's) memory.
const GROWTH: usize = 1 << 20;

impl Source {
    fn new(kind: Kind) -> Self {
        Source {
            kind,
            pending: VecDeque::new(),
        }
    }

    /// The next `want` bytes, or fewer only when the source has ended
    /// (none at its end).
    async fn read(&mut self, want: usize) -> io::Result<Bytes> {
        let mut buf: Vec<u8> = Vec::new();
        loop {
            let missing = want - buf.len();
            if missing == 0 {
                break;
            }
            if let Some(front) = self.pending.front_mut() {
                if buf.is_empty() && front.len() >= want {
                    // The whole part is inside one chunk: no copy.
                    let part = front.split_to(want);
                    if front.is_empty() {
                        self.pending.pop_front();
                    }
                    return Ok(part);
                }
                let take = missing.min(front.len());
                grow(&mut buf, take, missing);
                buf.extend_from_slice(&front.split_to(take));
                if front.is_empty() {
                    self.pending.pop_front();
                }
                continue;
            }
            match &mut self.kind {
                Kind::Stream(stream) => match stream.next().await {
                    Some(chunk) => {
                        let chunk = chunk?;
                        if !chunk.is_empty() {
                            self.pending.push_back(chunk);
                        }
                    }
                    None => break,
                },
                Kind::Reader(reader) => {
                    grow(&mut buf, 1, missing);
                    let room = (buf.capacity() - buf.len()).min(missing);
                    let n = reader.as_mut().take(room as u64).read_buf(&mut buf).await?;
                    if n == 0 {
                        break;
                    }
                }
            }
        }
        Ok(Bytes::from(buf))
    }

    /// Puts `bytes` back in front of the source.
    fn unread(&mut self, bytes: Bytes) {
        if !bytes.is_empty() {
            self.pending.push_front(bytes);
        }
    }
}

/// Makes room for at least `more` bytes in `buf`, growing it by its size
/// (at least [`GROWTH`]) so that filling it costs linear time, but never
/// beyond the `limit` bytes still wanted.
fn grow(buf: &mut Vec<u8>, more: usize, limit: usize) {
    if buf.capacity() - buf.len() < more {
        let step = buf.len().max(GROWTH).min(limit).max(more);
        buf.reserve_exact(step);
    }
}

/// Uploads `request`'s source as described by `config`.
pub(crate) async fn upload_stream(
    client: &Client,
    request: UploadStream,
    config: &TransferConfig,
) -> Result<UploadOutput, TransferError> {
    let UploadStream {
        mut source,
        bucket,
        key,
        args,
        expected_size,
        progress,
    } = request;
    let concurrency = config.checked_concurrency()?;
    let part_size = config.upload_part_size(expected_size.unwrap_or(0))?;
    let part_len = usize::try_from(part_size)
        .map_err(|_| TransferError::InvalidConfig("part size too large for memory".into()))?;
    // At least one byte, so that an empty source is told from a longer one
    // when the threshold is 0.
    let first_len = usize::try_from(config.multipart_threshold.max(1)).map_err(|_| {
        TransferError::InvalidConfig("multipart threshold too large for memory".into())
    })?;
    check_names(&bucket, &key, "target")?;
    args.check()?;
    let args = args.with_default_checksum(client);

    let first = source.read(first_len).await.map_err(TransferError::Read)?;
    let first_size = first.len() as u64;
    if !config.is_multipart(first_size) {
        // The source ended below the threshold: its length is known.
        let put = args.put_object(
            PutObjectRequest::default()
                .bucket(&bucket)
                .key(&key)
                .body(ByteStream::from_bytes(first)),
        );
        let out = client
            .put_object(put)
            .await
            .map_err(|e| TransferError::api("PutObject", e))?;
        progress.report(first_size);
        return Ok(UploadOutput {
            bytes: first_size,
            parts: 0,
            e_tag: out.e_tag,
        });
    }
    source.unread(first);

    let target = Target {
        client,
        bucket: &bucket,
        key: &key,
        args: &args,
    };
    let create = args.create_multipart_upload(
        CreateMultipartUploadRequest::default()
            .bucket(&bucket)
            .key(&key),
    );
    let mut total = 0u64;
    let mut count = 0u32;
    let out = multipart::run(target, create, |upload_id| {
        let sender = Arc::new(PartSender {
            client: client.clone(),
            bucket: bucket.clone(),
            key: key.clone(),
            upload_id,
            args: args.clone(),
            progress: progress.clone(),
        });
        let (total, count) = (&mut total, &mut count);
        async move {
            let mut running = Running::new();
            let result = send_parts(
                &mut source,
                &sender,
                &mut running,
                Limits {
                    concurrency,
                    part_len,
                    max_parts: MAX_PARTS,
                },
                total,
                count,
            )
            .await;
            match result {
                Ok(parts) => Ok(parts),
                Err(e) => {
                    running.cancel().await;
                    Err(e)
                }
            }
        }
    })
    .await?;
    Ok(UploadOutput {
        bytes: total,
        parts: count,
        e_tag: out.e_tag,
    })
}

/// How parts are cut and sent.
#[derive(Clone, Copy)]
struct Limits {
    /// Parts held (in flight or being read) at most.
    concurrency: usize,
    /// Bytes per part (the last may be shorter).
    part_len: usize,
    /// Parts an upload may have (S3's 10,000).
    max_parts: u64,
}

/// Reads the source part by part, each read waiting for a free slot, and
/// uploads the parts concurrently; returns them once all have gone.
async fn send_parts(
    source: &mut Source,
    sender: &Arc<PartSender>,
    running: &mut Running<crate::types::CompletedPart>,
    limits: Limits,
    total: &mut u64,
    count: &mut u32,
) -> Result<Vec<crate::types::CompletedPart>, TransferError> {
    let Limits {
        concurrency,
        part_len,
        max_parts,
    } = limits;
    let mut done = Vec::new();
    loop {
        while running.len() >= concurrency {
            match running.next().await {
                Some(part) => done.push(part?),
                None => break,
            }
        }
        let data = source.read(part_len).await.map_err(TransferError::Read)?;
        if data.is_empty() {
            break;
        }
        if u64::from(*count) == max_parts {
            return Err(TransferError::InvalidConfig(format!(
                "the source holds more than {max_parts} parts of {part_len} bytes (the upload \
                 was aborted); raise TransferConfig::part_size or give \
                 UploadStream::expected_size"
            )));
        }
        *count += 1;
        let len = data.len() as u64;
        *total += len;
        running.spawn(
            sender
                .clone()
                .send(*count, ByteStream::from_bytes(data), len),
        );
    }
    while let Some(part) = running.next().await {
        done.push(part?);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(sizes: &[usize]) -> Source {
        let mut n = 0u8;
        let items: Vec<io::Result<Bytes>> = sizes
            .iter()
            .map(|&len| {
                let chunk: Vec<u8> = (0..len)
                    .map(|_| {
                        n = n.wrapping_add(1);
                        n
                    })
                    .collect();
                Ok(Bytes::from(chunk))
            })
            .collect();
        Source::new(Kind::Stream(Box::pin(futures_util::stream::iter(items))))
    }

    async fn lengths(mut source: Source, want: usize) -> (Vec<usize>, Vec<u8>) {
        let mut lens = Vec::new();
        let mut all = Vec::new();
        loop {
            let part = source.read(want).await.unwrap();
            if part.is_empty() {
                return (lens, all);
            }
            lens.push(part.len());
            all.extend_from_slice(&part);
        }
    }

    #[tokio::test]
    async fn stream_chunks_become_parts_of_the_asked_size() {
        let expect: Vec<u8> = (1..=23u8).collect();
        for sizes in [vec![23], vec![1; 23], vec![3, 0, 7, 13], vec![10, 10, 3]] {
            let (lens, all) = lengths(chunks(&sizes), 10).await;
            assert_eq!(lens, [10, 10, 3], "{sizes:?}");
            assert_eq!(all, expect);
        }
        let (lens, _) = lengths(chunks(&[]), 10).await;
        assert!(lens.is_empty());
    }

    #[tokio::test]
    async fn readers_fill_parts_however_they_deliver() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        // A reader delivering 7 bytes per read.
        let (client, mut server) = tokio::io::duplex(7);
        let feed = data.clone();
        let writer = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            server.write_all(&feed).await.unwrap();
        });
        let source = Source::new(Kind::Reader(Box::pin(client)));
        let (lens, all) = lengths(source, 30_000).await;
        writer.await.unwrap();
        assert_eq!(lens, [30_000, 30_000, 30_000, 10_000]);
        assert_eq!(all, data);
    }

    #[tokio::test]
    async fn unread_bytes_come_first() {
        let mut source = chunks(&[5]);
        let head = source.read(3).await.unwrap();
        assert_eq!(&head[..], [1, 2, 3]);
        // Put back in front of what was read ahead.
        source.unread(head);
        let again = source.read(4).await.unwrap();
        assert_eq!(&again[..], [1, 2, 3, 4]);
        source.unread(Bytes::from_static(&[9, 9]));
        assert_eq!(&source.read(10).await.unwrap()[..], [9, 9, 5]);
        assert!(source.read(10).await.unwrap().is_empty());
    }

    /// A client whose UploadParts are answered here, counted.
    fn stub_client(parts: Arc<std::sync::atomic::AtomicUsize>) -> Client {
        let session = myaws_core::Session::builder()
            .region("us-east-1")
            .credentials(myaws_core::Credentials::new("AKID", "SECRET", None, None))
            .build()
            .unwrap();
        let client = Client::new(&session).unwrap();
        client
            .handle()
            .events()
            .register("before-send.s3.UploadPart", move |_| {
                parts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut response = myaws_core::events::HttpResponse {
                    status: 200,
                    headers: Default::default(),
                    body: Bytes::new(),
                };
                response
                    .headers
                    .insert("etag", "\"e\"".parse().expect("a header value"));
                Some(myaws_core::events::HookOutcome::Respond(response))
            });
        client
    }

    fn sender(client: Client) -> Arc<PartSender> {
        Arc::new(PartSender {
            client,
            bucket: "b".into(),
            key: "k".into(),
            upload_id: "id".into(),
            args: UploadArgs::default(),
            progress: Progress::default(),
        })
    }

    #[tokio::test]
    async fn a_source_beyond_the_part_limit_is_an_error() {
        let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let sender = sender(stub_client(sent.clone()));
        let limits = Limits {
            concurrency: 2,
            part_len: 4,
            max_parts: 3,
        };
        // 12 bytes: exactly 3 parts of 4.
        let (mut total, mut count) = (0, 0);
        let mut running = Running::new();
        let parts = send_parts(
            &mut chunks(&[5, 7]),
            &sender,
            &mut running,
            limits,
            &mut total,
            &mut count,
        )
        .await
        .unwrap();
        assert_eq!((parts.len(), total, count), (3, 12, 3));
        assert_eq!(sent.load(std::sync::atomic::Ordering::SeqCst), 3);
        let mut numbers: Vec<i32> = parts.iter().filter_map(|p| p.part_number).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, [1, 2, 3]);
        // 13 bytes would need a fourth part.
        let (mut total, mut count) = (0, 0);
        let mut running = Running::new();
        let err = send_parts(
            &mut chunks(&[13]),
            &sender,
            &mut running,
            limits,
            &mut total,
            &mut count,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, TransferError::InvalidConfig(m) if m.contains("more than 3 parts")),
            "{err}"
        );
        // Three parts were started before the fourth was refused.
        assert_eq!(count, 3);
        running.cancel().await;
        assert!(sent.load(std::sync::atomic::Ordering::SeqCst) <= 6);
    }

    #[tokio::test]
    async fn source_errors_surface() {
        let items: Vec<io::Result<Bytes>> = vec![
            Ok(Bytes::from_static(b"abc")),
            Err(io::Error::other("disk on fire")),
        ];
        let mut source = Source::new(Kind::Stream(Box::pin(futures_util::stream::iter(items))));
        let err = source.read(10).await.unwrap_err();
        assert_eq!(err.to_string(), "disk on fire");
    }
}
