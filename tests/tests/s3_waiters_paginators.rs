//! S3 waiters (status acceptors on HEAD requests) and paginators (2,500
//! objects in pages of 1,000; ListObjects' `NextMarker || Contents[-1].Key`
//! token expression; ListObjectVersions' two tokens) against moto.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use myaws_s3::paginators::PaginationConfig;
use myaws_s3::types::{
    CreateBucketRequest, DeleteObjectRequest, HeadBucketRequest, HeadObjectRequest,
    ListObjectVersionsRequest, ListObjectsRequest, ListObjectsV2Request,
    PutBucketVersioningRequest, VersioningConfiguration,
};
use myaws_s3::waiters::{WaiterConfig, WaiterErrorKind};
use myaws_s3::Client;
use myaws_tests::unique;
use serde_json::json;

mod s3_common;
use s3_common::{bucket, client};

/// Puts `keys` sixteen at a time.
async fn put_all(s3: &Client, bucket: &str, keys: &[String]) {
    futures_util::stream::iter(keys)
        .map(|k| async move { s3_common::put(s3, bucket, k, &format!("body of {k}")).await })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
}

fn fast(max_attempts: u32) -> Option<WaiterConfig> {
    Some(
        WaiterConfig::default()
            .delay(Duration::from_millis(50))
            .max_attempts(max_attempts),
    )
}

#[tokio::test]
async fn bucket_and_object_waiters() {
    let s3 = client();
    assert_eq!(
        s3.waiter_names(),
        vec![
            "bucket_exists",
            "bucket_not_exists",
            "object_exists",
            "object_not_exists"
        ]
    );
    let name = unique("later");
    // 404 is `retry` for bucket_exists: still missing after 2 attempts.
    let err = s3
        .get_waiter("bucket_exists")
        .expect("waiter")
        .wait(json!({"Bucket": name}), fast(2))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), WaiterErrorKind::MaxAttemptsExceeded);
    assert_eq!(
        err.last_response().expect("response")["ResponseMetadata"]["HTTPStatusCode"],
        404
    );
    s3.get_waiter("bucket_not_exists")
        .expect("waiter")
        .wait(json!({"Bucket": name}), fast(2))
        .await
        .expect("bucket does not exist");

    s3.create_bucket(CreateBucketRequest::default().bucket(&name))
        .await
        .expect("create_bucket");
    s3.wait_until_bucket_exists(HeadBucketRequest::default().bucket(&name))
        .await
        .expect("bucket exists");

    // Wait for an object that another task puts a little later.
    let writer = {
        let s3 = s3.clone();
        let name = name.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            s3_common::put(&s3, &name, "late.txt", "body of late.txt").await;
        })
    };
    s3.get_waiter("object_exists")
        .expect("waiter")
        .wait_typed(
            HeadObjectRequest::default().bucket(&name).key("late.txt"),
            fast(100),
        )
        .await
        .expect("object appears");
    writer.await.expect("writer");
    s3.wait_until_object_exists(HeadObjectRequest::default().bucket(&name).key("late.txt"))
        .await
        .expect("object exists");

    s3.delete_object(DeleteObjectRequest::default().bucket(&name).key("late.txt"))
        .await
        .expect("delete_object");
    s3.wait_until_object_not_exists(HeadObjectRequest::default().bucket(&name).key("late.txt"))
        .await
        .expect("object gone");
}

#[tokio::test]
async fn list_objects_v2_2500_objects_in_pages_of_1000() {
    let s3 = client();
    let name = bucket(&s3, "pw").await;
    let keys: Vec<String> = (0..2500).map(|i| format!("obj/{i:05}")).collect();
    put_all(&s3, &name, &keys).await;

    let request = ListObjectsV2Request::default().bucket(&name);
    let pages: Vec<_> = s3
        .list_objects_v2_paginator(request.clone())
        .with_config(PaginationConfig::default().page_size(1000))
        .try_collect()
        .await
        .expect("pages");
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.contents.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, vec![1000, 1000, 500]);
    assert_eq!(pages[0].is_truncated, Some(true));
    assert_eq!(pages[2].is_truncated, Some(false));

    let listed: Vec<String> = s3
        .list_objects_v2_paginator(request.clone())
        .items()
        .map_ok(|o| o.key.unwrap_or_default())
        .try_collect()
        .await
        .expect("items");
    assert_eq!(listed, keys);

    // max_items across a page boundary, then resume.
    let config = PaginationConfig::default().page_size(1000).max_items(1500);
    let mut first = s3
        .list_objects_v2_paginator(request.clone())
        .with_config(config)
        .items();
    let mut seen = Vec::new();
    while let Some(object) = first.next().await {
        seen.push(object.expect("object").key.unwrap_or_default());
    }
    assert_eq!(seen, keys[..1500]);
    let token = first.resume_token().expect("resume token").to_string();
    let rest: Vec<String> = s3
        .list_objects_v2_paginator(request)
        .with_config(
            PaginationConfig::default()
                .page_size(1000)
                .starting_token(token),
        )
        .items()
        .map_ok(|o| o.key.unwrap_or_default())
        .try_collect()
        .await
        .expect("rest");
    assert_eq!(rest, keys[1500..]);
}

#[tokio::test]
async fn list_objects_v1_pages_by_marker() {
    let s3 = client();
    let name = bucket(&s3, "pw").await;
    let keys: Vec<String> = (0..25).map(|i| format!("k{i:02}")).collect();
    put_all(&s3, &name, &keys).await;
    // The token is `NextMarker || Contents[-1].Key` (moto sends NextMarker;
    // the fallback is covered by the core's unit tests).
    let pages: Vec<_> = s3
        .list_objects_paginator(ListObjectsRequest::default().bucket(&name))
        .with_config(PaginationConfig::default().page_size(10))
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 3);
    // Each page starts after the previous page's last key.
    let first_key = |i: usize| {
        pages[i]
            .contents
            .as_ref()
            .and_then(|c| c.first())
            .and_then(|o| o.key.clone())
    };
    assert_eq!(first_key(1).as_deref(), Some("k10"));
    assert_eq!(first_key(2).as_deref(), Some("k20"));
    let listed: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.contents.unwrap_or_default())
        .filter_map(|o| o.key)
        .collect();
    assert_eq!(listed, keys);
}

#[tokio::test]
async fn list_object_versions_follows_two_tokens() {
    let s3 = client();
    let name = bucket(&s3, "pw").await;
    s3.put_bucket_versioning(
        PutBucketVersioningRequest::default()
            .bucket(&name)
            .versioning_configuration(VersioningConfiguration::default().status("Enabled")),
    )
    .await
    .expect("versioning");
    for key in ["a", "b", "c"] {
        for _ in 0..3 {
            s3_common::put(&s3, &name, key, &format!("body of {key}")).await;
        }
    }
    let paginator = s3
        .list_object_versions_paginator(ListObjectVersionsRequest::default().bucket(&name))
        .with_config(PaginationConfig::default().page_size(2));
    let versions: Vec<(String, String)> = paginator
        .items()
        .map_ok(|v| (v.key.unwrap_or_default(), v.version_id.unwrap_or_default()))
        .try_collect()
        .await
        .expect("versions");
    assert_eq!(versions.len(), 9, "{versions:?}");
    let distinct: std::collections::HashSet<_> = versions.iter().collect();
    assert_eq!(distinct.len(), 9, "no version twice");
}
