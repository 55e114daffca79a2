//! S3 end to end against moto (rest-xml): buckets, objects, listing, tagging,
//! versioning, multipart uploads, modeled errors and tricky keys.

mod s3_common;

use myaws_s3::types::{
    CompletedMultipartUpload, CompletedPart, CopyObjectRequest, CreateBucketConfiguration,
    CreateBucketRequest, CreateMultipartUploadRequest, Delete, DeleteObjectRequest,
    DeleteObjectsRequest, GetBucketLocationRequest, GetObjectRequest, GetObjectTaggingRequest,
    HeadBucketRequest, HeadObjectRequest, ListBucketsRequest, ListObjectVersionsRequest,
    ListObjectsV2Request, ListPartsRequest, ObjectIdentifier, PutBucketVersioningRequest,
    PutObjectRequest, PutObjectTaggingRequest, Tag, Tagging, UploadPartRequest,
    VersioningConfiguration,
};
use myaws_s3::{ByteStream, Client, SdkError};
use s3_common::{bucket, client, put};

async fn text(s3: &Client, bucket: &str, key: &str) -> String {
    let out = s3
        .get_object(GetObjectRequest::default().bucket(bucket).key(key))
        .await
        .expect("get_object");
    let body = out.body.expect("body").collect().await.expect("collect");
    String::from_utf8(body.to_vec()).expect("utf-8")
}

#[tokio::test]
async fn buckets_create_head_list_and_locate() {
    let s3 = client();
    let plain = s3_common::unique("plain");
    s3.create_bucket(CreateBucketRequest::default().bucket(&plain))
        .await
        .expect("create_bucket in us-east-1");
    let located = s3_common::unique("located");
    s3.create_bucket(
        CreateBucketRequest::default()
            .bucket(&located)
            .create_bucket_configuration(
                CreateBucketConfiguration::default().location_constraint("eu-west-1"),
            ),
    )
    .await
    .expect("create_bucket with LocationConstraint");

    s3.head_bucket(HeadBucketRequest::default().bucket(&plain))
        .await
        .expect("head_bucket");
    let names: Vec<String> = s3
        .list_buckets(ListBucketsRequest::default())
        .await
        .expect("list_buckets")
        .buckets
        .unwrap_or_default()
        .into_iter()
        .filter_map(|b| b.name)
        .collect();
    assert!(
        names.contains(&plain) && names.contains(&located),
        "{names:?}"
    );

    // The root element's text, not a child element.
    let loc = s3
        .get_bucket_location(GetBucketLocationRequest::default().bucket(&located))
        .await
        .expect("get_bucket_location");
    assert_eq!(
        loc.location_constraint.as_ref().map(|c| c.as_str()),
        Some("eu-west-1")
    );
    let loc = s3
        .get_bucket_location(GetBucketLocationRequest::default().bucket(&plain))
        .await
        .expect("get_bucket_location us-east-1");
    assert_eq!(loc.location_constraint, None);
}

#[tokio::test]
async fn missing_buckets_and_keys_are_typed_errors() {
    let s3 = client();
    let err = s3
        .head_bucket(HeadBucketRequest::default().bucket(s3_common::unique("absent")))
        .await
        .expect_err("no such bucket");
    let SdkError::Service(e) = err else {
        panic!("expected a service error, got {err:?}")
    };
    assert_eq!(e.status(), 404);
    assert!(e.is_not_found());
    // A bare 404 (no body, so no code but the status, as botocore reports
    // it) is the one exception HeadBucket models with that status.
    assert_eq!(e.code(), "404");
    assert!(
        matches!(e.kind(), myaws_s3::Error::NoSuchBucket(_)),
        "{e:?}"
    );

    // Errors are service-wide: GetObject's model does not list
    // NoSuchBucket, yet it matches (as boto3's `client.exceptions`).
    let err = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(s3_common::unique("absent"))
                .key("k"),
        )
        .await
        .expect_err("no such bucket");
    let e = err.into_service_error().expect("service error");
    assert!(e.kind().is_no_such_bucket(), "{e:?}");
    assert_eq!(e.kind().to_string(), "NoSuchBucket");
    let as_error: &dyn std::error::Error = e.kind();
    assert_eq!(as_error.to_string(), "NoSuchBucket");

    let err = s3
        .list_objects_v2(ListObjectsV2Request::default().bucket(s3_common::unique("absent")))
        .await
        .expect_err("no such bucket");
    let e = err.into_service_error().expect("service error");
    assert!(e.kind().is_no_such_bucket(), "{e:?}");
    assert_eq!(e.code(), "NoSuchBucket");

    let b = bucket(&s3, "nokey").await;
    let err = s3
        .get_object(GetObjectRequest::default().bucket(&b).key("missing"))
        .await
        .expect_err("no such key");
    let e = err.into_service_error().expect("service error");
    assert!(e.kind().is_no_such_key(), "{e:?}");
    assert_eq!(e.status(), 404);

    let err = s3
        .head_object(HeadObjectRequest::default().bucket(&b).key("missing"))
        .await
        .expect_err("no such key");
    let e = err.into_service_error().expect("service error");
    assert!(e.kind().is_no_such_key(), "HeadObject's bare 404: {e:?}");
    assert!(e.is_not_found());
}

#[tokio::test]
async fn objects_put_get_range_head_copy_delete() {
    let s3 = client();
    let b = bucket(&s3, "objects").await;
    let put_out = put(&s3, &b, "hello.txt", "hello, world").await;
    assert!(put_out.e_tag.is_some());

    assert_eq!(text(&s3, &b, "hello.txt").await, "hello, world");
    let ranged = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(&b)
                .key("hello.txt")
                .range("bytes=7-11"),
        )
        .await
        .expect("ranged get");
    assert_eq!(ranged.content_range.as_deref(), Some("bytes 7-11/12"));
    let part = ranged.body.expect("body").collect().await.expect("collect");
    assert_eq!(&part[..], b"world");

    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&b).key("hello.txt"))
        .await
        .expect("head_object");
    assert_eq!(head.content_length, Some(12));
    assert_eq!(head.e_tag, put_out.e_tag);

    let copied = s3
        .copy_object(
            CopyObjectRequest::default()
                .bucket(&b)
                .key("copy.txt")
                .copy_source(format!("{b}/hello.txt")),
        )
        .await
        .expect("copy_object");
    assert!(copied.copy_object_result.and_then(|r| r.e_tag).is_some());
    assert_eq!(text(&s3, &b, "copy.txt").await, "hello, world");

    s3.delete_object(DeleteObjectRequest::default().bucket(&b).key("copy.txt"))
        .await
        .expect("delete_object");
    let err = s3
        .head_object(HeadObjectRequest::default().bucket(&b).key("copy.txt"))
        .await
        .expect_err("deleted");
    assert_eq!(err.into_service_error().expect("service").status(), 404);
}

#[tokio::test]
async fn delete_objects_sends_a_required_checksum() {
    let s3 = client();
    let b = bucket(&s3, "multidel").await;
    for k in ["a", "b", "c"] {
        put(&s3, &b, k, k).await;
    }
    let out = s3
        .delete_objects(
            DeleteObjectsRequest::default().bucket(&b).delete(
                Delete::default().objects(
                    ["a", "b", "nope"]
                        .iter()
                        .map(|k| ObjectIdentifier::default().key(*k))
                        .collect::<Vec<_>>(),
                ),
            ),
        )
        .await
        .expect("delete_objects");
    let mut deleted: Vec<String> = out
        .deleted
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| d.key)
        .collect();
    deleted.sort();
    assert_eq!(deleted, ["a", "b", "nope"]);
    let left = s3
        .list_objects_v2(ListObjectsV2Request::default().bucket(&b))
        .await
        .expect("list");
    let keys: Vec<String> = left
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(keys, ["c"]);
}

#[tokio::test]
async fn list_objects_v2_prefixes_delimiters_and_continuation() {
    let s3 = client();
    let b = bucket(&s3, "listing").await;
    for k in [
        "docs/a.txt",
        "docs/b.txt",
        "docs/sub/c.txt",
        "img/x.png",
        "root.txt",
    ] {
        put(&s3, &b, k, "x").await;
    }
    let out = s3
        .list_objects_v2(ListObjectsV2Request::default().bucket(&b).delimiter("/"))
        .await
        .expect("list with delimiter");
    let prefixes: Vec<String> = out
        .common_prefixes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.prefix)
        .collect();
    assert_eq!(prefixes, ["docs/", "img/"]);
    let keys: Vec<String> = out
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(keys, ["root.txt"]);

    let out = s3
        .list_objects_v2(
            ListObjectsV2Request::default()
                .bucket(&b)
                .prefix("docs/")
                .delimiter("/"),
        )
        .await
        .expect("list docs/");
    assert_eq!(out.key_count, Some(3));

    // Page through everything two keys at a time.
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut req = ListObjectsV2Request::default().bucket(&b).max_keys(2);
        if let Some(t) = token.take() {
            req = req.continuation_token(t);
        }
        let page = s3.list_objects_v2(req).await.expect("page");
        pages += 1;
        all.extend(
            page.contents
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| o.key),
        );
        if page.is_truncated != Some(true) {
            break;
        }
        token = Some(page.next_continuation_token.expect("token when truncated"));
        assert!(pages < 10, "listing does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(
        all,
        [
            "docs/a.txt",
            "docs/b.txt",
            "docs/sub/c.txt",
            "img/x.png",
            "root.txt"
        ]
    );
}

#[tokio::test]
async fn object_tagging_round_trips() {
    let s3 = client();
    let b = bucket(&s3, "tagging").await;
    put(&s3, &b, "t", "x").await;
    s3.put_object_tagging(
        PutObjectTaggingRequest::default()
            .bucket(&b)
            .key("t")
            .tagging(Tagging::default().tag_set(vec![
                Tag::default().key("env").value("test"),
                Tag::default().key("team").value("s3 + co"),
            ])),
    )
    .await
    .expect("put_object_tagging");
    let tags = s3
        .get_object_tagging(GetObjectTaggingRequest::default().bucket(&b).key("t"))
        .await
        .expect("get_object_tagging")
        .tag_set
        .unwrap_or_default();
    let mut pairs: Vec<(String, String)> = tags
        .into_iter()
        .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default()))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("env".to_string(), "test".to_string()),
            ("team".to_string(), "s3 + co".to_string())
        ]
    );
}

#[tokio::test]
async fn versioning_keeps_every_version() {
    let s3 = client();
    let b = bucket(&s3, "versions").await;
    s3.put_bucket_versioning(
        PutBucketVersioningRequest::default()
            .bucket(&b)
            .versioning_configuration(VersioningConfiguration::default().status("Enabled")),
    )
    .await
    .expect("put_bucket_versioning");
    let v1 = put(&s3, &b, "doc", "first").await.version_id.expect("v1");
    let v2 = put(&s3, &b, "doc", "second").await.version_id.expect("v2");
    assert_ne!(v1, v2);
    let versions = s3
        .list_object_versions(ListObjectVersionsRequest::default().bucket(&b))
        .await
        .expect("list_object_versions")
        .versions
        .unwrap_or_default();
    let mut ids: Vec<String> = versions.into_iter().filter_map(|v| v.version_id).collect();
    ids.sort();
    let mut want = vec![v1.clone(), v2];
    want.sort();
    assert_eq!(ids, want);
    let old = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(&b)
                .key("doc")
                .version_id(&v1),
        )
        .await
        .expect("get old version");
    assert_eq!(&old.body.unwrap().collect().await.unwrap()[..], b"first");
}

#[tokio::test]
async fn multipart_upload_complete_and_abort() {
    let s3 = client();
    let b = bucket(&s3, "multipart").await;
    let upload = s3
        .create_multipart_upload(
            CreateMultipartUploadRequest::default()
                .bucket(&b)
                .key("big"),
        )
        .await
        .expect("create_multipart_upload")
        .upload_id
        .expect("upload id");
    // Parts but the last must be at least 5 MiB.
    let part1 = vec![b'a'; 5 * 1024 * 1024];
    let part2 = b"tail".to_vec();
    let mut completed = Vec::new();
    for (n, data) in [(1, part1.clone()), (2, part2.clone())] {
        let out = s3
            .upload_part(
                UploadPartRequest::default()
                    .bucket(&b)
                    .key("big")
                    .upload_id(&upload)
                    .part_number(n)
                    .body(data),
            )
            .await
            .expect("upload_part");
        completed.push(
            CompletedPart::default()
                .part_number(n)
                .e_tag(out.e_tag.expect("etag")),
        );
    }
    let parts = s3
        .list_parts(
            ListPartsRequest::default()
                .bucket(&b)
                .key("big")
                .upload_id(&upload),
        )
        .await
        .expect("list_parts")
        .parts
        .unwrap_or_default();
    let sizes: Vec<Option<i64>> = parts.iter().map(|p| p.size).collect();
    assert_eq!(sizes, [Some(5 * 1024 * 1024), Some(4)]);
    s3.complete_multipart_upload(
        myaws_s3::types::CompleteMultipartUploadRequest::default()
            .bucket(&b)
            .key("big")
            .upload_id(&upload)
            .multipart_upload(CompletedMultipartUpload::default().parts(completed)),
    )
    .await
    .expect("complete_multipart_upload");
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&b).key("big"))
        .await
        .expect("head");
    assert_eq!(head.content_length, Some(5 * 1024 * 1024 + 4));
    assert!(head.e_tag.unwrap_or_default().ends_with("-2\""));

    let doomed = s3
        .create_multipart_upload(
            CreateMultipartUploadRequest::default()
                .bucket(&b)
                .key("gone"),
        )
        .await
        .expect("create")
        .upload_id
        .expect("id");
    s3.abort_multipart_upload(
        myaws_s3::types::AbortMultipartUploadRequest::default()
            .bucket(&b)
            .key("gone")
            .upload_id(&doomed),
    )
    .await
    .expect("abort_multipart_upload");
    let err = s3
        .list_parts(
            ListPartsRequest::default()
                .bucket(&b)
                .key("gone")
                .upload_id(&doomed),
        )
        .await
        .expect_err("aborted upload is gone");
    assert_eq!(
        err.into_service_error().expect("service").code(),
        "NoSuchUpload"
    );
}

#[tokio::test]
async fn tricky_keys_round_trip_exactly() {
    let s3 = client();
    let b = bucket(&s3, "keys").await;
    let keys = [
        "with space.txt",
        "plus+sign",
        "percent%20literal",
        "unicodé/ключ/鍵 ✓",
        "dots/../up",
        "/leading-slash",
        "double//slash",
        "semi;colon=eq&amp?q#hash",
        "tilde~star*paren(1)",
    ];
    for key in keys {
        let body = format!("body of {key}");
        s3.put_object(
            PutObjectRequest::default()
                .bucket(&b)
                .key(key)
                .body(ByteStream::from(body.clone())),
        )
        .await
        .unwrap_or_else(|e| panic!("put {key:?}: {e}"));
        assert_eq!(text(&s3, &b, key).await, body, "{key:?}");
    }
    let listed: Vec<String> = s3
        .list_objects_v2(ListObjectsV2Request::default().bucket(&b))
        .await
        .expect("list")
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    let mut want: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    want.sort();
    let mut got = listed;
    got.sort();
    assert_eq!(got, want);
}
