use std::io;

use bytes::Bytes;
use futures_util::stream;

use super::*;

fn chunks(parts: &[&'static str]) -> Vec<Result<Bytes, io::Error>> {
    parts
        .iter()
        .map(|p| Ok(Bytes::from_static(p.as_bytes())))
        .collect()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("myaws-body-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn bytes_bodies_are_replayable_and_collect() {
    rt().block_on(async {
        let body = ByteStream::from("hello");
        assert_eq!(body.len(), Some(5));
        assert!(body.is_replayable());
        let again = body.clone();
        assert_eq!(body.collect().await.unwrap(), "hello");
        assert_eq!(again.collect().await.unwrap(), "hello");
    });
}

#[test]
fn file_ranges_read_exactly_their_bytes_in_chunks() {
    let data: Vec<u8> = (0..(FILE_CHUNK_SIZE * 2 + 17))
        .map(|i| (i % 251) as u8)
        .collect();
    let path = temp_file("range", &data);
    rt().block_on(async {
        let whole = ByteStream::from_path(&path).unwrap();
        assert_eq!(whole.len(), Some(data.len() as u64));
        let mut s = whole.try_clone_stream().unwrap();
        let mut sizes = Vec::new();
        let mut got = Vec::new();
        while let Some(c) = futures_util::StreamExt::next(&mut s).await {
            let c = c.unwrap();
            sizes.push(c.len());
            got.extend_from_slice(&c);
        }
        assert_eq!(got, data);
        assert_eq!(sizes, vec![FILE_CHUNK_SIZE, FILE_CHUNK_SIZE, 17]);
        // Replayable: a second read gives the same bytes.
        assert_eq!(whole.clone().collect().await.unwrap(), &data[..]);

        let part = ByteStream::from_file_range(&path, 100, 1000).unwrap();
        assert_eq!(part.collect().await.unwrap(), &data[100..1100]);
        let err = ByteStream::from_file_range(&path, data.len() as u64 - 1, 2).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    });
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_file_that_shrinks_is_an_error_not_a_short_body() {
    let path = temp_file("shrink", &[7u8; 4096]);
    rt().block_on(async {
        let body = ByteStream::from_path(&path).unwrap();
        std::fs::write(&path, [7u8; 100]).unwrap();
        let err = body.collect().await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    });
    std::fs::remove_file(path).unwrap();
}

#[test]
fn stream_bodies_are_one_shot() {
    rt().block_on(async {
        let body = ByteStream::from_stream(stream::iter(chunks(&["ab", "cd"])));
        assert_eq!(body.len(), None);
        assert!(!body.is_replayable());
        let clone = body.clone();
        assert_eq!(body, clone);
        let first = clone.try_clone_stream();
        assert!(first.is_ok());
        let err = body.try_clone_stream().err().expect("second take fails");
        assert!(err.to_string().contains("cannot be sent again"), "{err}");
    });
}

#[test]
fn declared_lengths_are_enforced() {
    rt().block_on(async {
        let short = ByteStream::from_stream_with_length(stream::iter(chunks(&["abc"])), 4);
        assert_eq!(short.len(), Some(4));
        let e = short.collect().await.unwrap_err();
        assert!(e.to_string().contains("fewer"), "{e}");
        let long = ByteStream::from_stream_with_length(stream::iter(chunks(&["ab", "cd"])), 3);
        let e = long.collect().await.unwrap_err();
        assert!(e.to_string().contains("more"), "{e}");
        let exact = ByteStream::from_stream_with_length(stream::iter(chunks(&["ab", "c"])), 3);
        assert_eq!(exact.collect().await.unwrap(), "abc");
    });
}

#[test]
fn source_errors_surface_as_io_errors() {
    rt().block_on(async {
        let items: Vec<Result<Bytes, BoxError>> =
            vec![Ok(Bytes::from_static(b"x")), Err("boom".into())];
        let body = ByteStream::from_stream(stream::iter(items));
        let e = body.collect().await.unwrap_err();
        assert!(e.to_string().contains("boom"));
    });
}

#[test]
fn polling_reads_chunks_in_order() {
    rt().block_on(async {
        let mut body = ByteStream::from_stream(stream::iter(chunks(&["a", "b", "c"])));
        let mut seen = String::new();
        while let Some(c) = body.next().await {
            seen.push_str(std::str::from_utf8(&c.unwrap()).unwrap());
        }
        assert_eq!(seen, "abc");
        let mut bytes = ByteStream::from("xyz");
        assert_eq!(bytes.next().await.unwrap().unwrap(), "xyz");
        assert!(bytes.next().await.is_none());
    });
}

#[test]
fn write_to_file_streams_to_disk() {
    let path = std::env::temp_dir().join(format!("myaws-body-{}-out", std::process::id()));
    rt().block_on(async {
        let body = ByteStream::from_stream(stream::iter(chunks(&["hello ", "world"])));
        assert_eq!(body.write_to_file(&path).await.unwrap(), 11);
        assert_eq!(std::fs::read(&path).unwrap(), b"hello world");
        let items: Vec<Result<Bytes, BoxError>> =
            vec![Ok(Bytes::from_static(b"x")), Err("cut".into())];
        let broken = ByteStream::from_stream(stream::iter(items));
        assert!(broken.write_to_file(&path).await.is_err());
        assert!(!path.exists(), "a failed download leaves no partial file");
    });
}

#[test]
fn values_carry_streams_and_blobs() {
    let v = ByteStream::from("abc").into_value();
    assert_eq!(v, Value::blob(Bytes::from_static(b"abc")));
    let s = ByteStream::from_stream(stream::iter(chunks(&["x"])));
    let v = s.clone().into_value();
    assert_eq!(v.kind_name(), "stream");
    assert_eq!(ByteStream::from_value(v).unwrap(), s);
    let b = ByteStream::from_value(Value::blob(Bytes::from_static(b"q"))).unwrap();
    assert_eq!(b.as_bytes().map(|b| &b[..]), Some(&b"q"[..]));
    assert!(ByteStream::from_value(Value::Integer(1)).is_err());
}

#[test]
fn a_body_is_no_bigger_than_the_bytes_it_may_hold() {
    // Keeps `Value` (and every error carrying one) from growing.
    assert!(
        std::mem::size_of::<ByteStream>() <= std::mem::size_of::<Bytes>(),
        "ByteStream is {} bytes",
        std::mem::size_of::<ByteStream>()
    );
    // Every slot of a value tree: a string (24 bytes) and its tag. Larger
    // payloads (documents, blobs, streams) are boxed.
    assert_eq!(
        std::mem::size_of::<Value>(),
        32,
        "Value is {} bytes",
        std::mem::size_of::<Value>()
    );
}
