//! The page loop driven by scripted sources.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use serde_json::{json, Value as Json};

use super::*;
use crate::client::RawServiceError;
use crate::error::{ErrorMetadata, SdkError, ServiceError};
use crate::value::Value;

/// A source answering from `script` by the request's token, recording every
/// request's parameters.
struct Script {
    requests: Arc<Mutex<Vec<Json>>>,
    source: PageSource,
}

/// Pages keyed by the value of `token_param` in the request (`""` for none).
fn script(token_param: &'static str, pages: Vec<(&'static str, Json)>) -> Script {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let source: PageSource = Arc::new(move |params: Json| -> PageFuture {
        seen.lock().unwrap().push(params.clone());
        let key = params
            .get(token_param)
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let page = pages
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, p)| p.clone());
        Box::pin(async move {
            page.ok_or_else(|| {
                SdkError::Service(ServiceError::new(
                    RawServiceError {
                        shape: None,
                        value: Value::Null,
                    },
                    ErrorMetadata {
                        code: "NoSuchPage".into(),
                        message: Some(key),
                        request_id: None,
                        status: 400,
                    },
                ))
            })
        })
    });
    Script { requests, source }
}

fn spec(config: Json) -> PaginatorSpec {
    PaginatorSpec::from_json("ListThings", &config).expect("valid paginator")
}

fn simple_spec() -> PaginatorSpec {
    spec(json!({
        "input_token": "NextToken", "output_token": "NextToken",
        "limit_key": "MaxResults", "result_key": "Things"
    }))
}

/// Three pages of 3, 3 and 2 things.
fn three_pages() -> Vec<(&'static str, Json)> {
    vec![
        ("", json!({"Things": [1, 2, 3], "NextToken": "t1"})),
        ("t1", json!({"Things": [4, 5, 6], "NextToken": "t2"})),
        ("t2", json!({"Things": [7, 8]})),
    ]
}

async fn collect(pages: Pages) -> (Vec<Json>, Option<String>) {
    let mut pages = pages;
    let mut out = Vec::new();
    while let Some(p) = pages.next().await {
        out.push(p.expect("page"));
    }
    (out, pages.resume_token().map(str::to_string))
}

fn things(pages: &[Json]) -> Vec<i64> {
    pages
        .iter()
        .flat_map(|p| p["Things"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_i64())
        .collect()
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn follows_tokens_to_the_end() {
    run(async {
        let s = script("NextToken", three_pages());
        let pages = Pages::with_source(
            simple_spec(),
            s.source,
            json!({"Filter": "x"}),
            Default::default(),
        );
        let (pages, resume) = collect(pages).await;
        assert_eq!(things(&pages), vec![1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(resume, None);
        let requests = s.requests.lock().unwrap().clone();
        assert_eq!(
            requests,
            vec![
                json!({"Filter": "x"}),
                json!({"Filter": "x", "NextToken": "t1"}),
                json!({"Filter": "x", "NextToken": "t2"}),
            ]
        );
    });
}

#[test]
fn page_size_goes_in_the_limit_key_with_its_type() {
    run(async {
        let s = script("NextToken", three_pages());
        let config = PaginationConfig::default().page_size(3);
        collect(Pages::with_source(
            simple_spec(),
            s.source,
            Json::Null,
            config,
        ))
        .await;
        assert_eq!(s.requests.lock().unwrap()[0], json!({"MaxResults": 3}));

        let mut string_limit = simple_spec();
        string_limit.limit_is_string = true;
        let s = script("NextToken", three_pages());
        let config = PaginationConfig::default().page_size(3);
        collect(Pages::with_source(
            string_limit,
            s.source,
            Json::Null,
            config,
        ))
        .await;
        assert_eq!(s.requests.lock().unwrap()[0], json!({"MaxResults": "3"}));
    });
}

#[test]
fn page_size_without_limit_key_is_an_error() {
    run(async {
        let no_limit = spec(
            json!({"input_token": "NextToken", "output_token": "NextToken", "result_key": "Things"}),
        );
        let s = script("NextToken", three_pages());
        let mut pages = Pages::with_source(
            no_limit,
            s.source,
            Json::Null,
            PaginationConfig::default().page_size(2),
        );
        let err = pages.next().await.expect("an item").unwrap_err();
        assert!(matches!(err, PaginationError::Unsupported(_)), "{err}");
        assert!(pages.next().await.is_none());
        assert!(s.requests.lock().unwrap().is_empty(), "nothing is sent");
    });
}

#[test]
fn max_items_truncates_and_resumes_where_it_stopped() {
    run(async {
        // Stop in the middle of the second page.
        let s = script("NextToken", three_pages());
        let config = PaginationConfig::default().max_items(5);
        let (pages, resume) = collect(Pages::with_source(
            simple_spec(),
            s.source,
            Json::Null,
            config,
        ))
        .await;
        assert_eq!(things(&pages), vec![1, 2, 3, 4, 5]);
        let resume = resume.expect("a resume token");
        // botocore's token: the second page's request token and how many of
        // its items were returned.
        assert_eq!(
            token::decode(&resume, &["NextToken".to_string()]).unwrap(),
            token::StartingToken {
                tokens: vec![("NextToken".into(), json!("t1"))],
                truncate_amount: 2
            }
        );

        // Resume: the first page skips the 2 items already returned.
        let s = script("NextToken", three_pages());
        let config = PaginationConfig::default()
            .max_items(2)
            .starting_token(resume);
        let (pages, resume) = collect(Pages::with_source(
            simple_spec(),
            s.source,
            Json::Null,
            config,
        ))
        .await;
        assert_eq!(things(&pages), vec![6, 7]);
        let resume = resume.expect("another resume token");
        assert_eq!(s.requests.lock().unwrap()[0], json!({"NextToken": "t1"}));
        let decoded = token::decode(&resume, &["NextToken".to_string()]).unwrap();
        assert_eq!(decoded.tokens, vec![("NextToken".into(), json!("t2"))]);
        assert_eq!(decoded.truncate_amount, 1);

        let s = script("NextToken", three_pages());
        let config = PaginationConfig::default().starting_token(resume);
        let (pages, resume) = collect(Pages::with_source(
            simple_spec(),
            s.source,
            Json::Null,
            config,
        ))
        .await;
        assert_eq!(things(&pages), vec![8]);
        assert_eq!(resume, None);
    });
}

#[test]
fn max_items_on_a_page_boundary_resumes_at_the_next_token() {
    run(async {
        let s = script("NextToken", three_pages());
        let config = PaginationConfig::default().max_items(3);
        let (pages, resume) = collect(Pages::with_source(
            simple_spec(),
            s.source,
            Json::Null,
            config,
        ))
        .await;
        assert_eq!(things(&pages), vec![1, 2, 3]);
        assert_eq!(
            s.requests.lock().unwrap().len(),
            1,
            "no request past max_items"
        );
        let decoded = token::decode(&resume.expect("token"), &["NextToken".to_string()]).unwrap();
        assert_eq!(decoded.tokens, vec![("NextToken".into(), json!("t1"))]);
        assert_eq!(decoded.truncate_amount, 0);
    });
}

#[test]
fn a_service_token_works_as_starting_token() {
    run(async {
        let s = script("NextToken", three_pages());
        let config = PaginationConfig::default().starting_token("t2");
        let (pages, _) = collect(Pages::with_source(
            simple_spec(),
            s.source,
            Json::Null,
            config,
        ))
        .await;
        assert_eq!(things(&pages), vec![7, 8]);
    });
}

#[test]
fn same_token_twice_stops_with_an_error_after_the_page() {
    run(async {
        let s = script(
            "NextToken",
            vec![
                ("", json!({"Things": [1], "NextToken": "loop"})),
                ("loop", json!({"Things": [2], "NextToken": "loop"})),
            ],
        );
        let mut pages = Pages::with_source(simple_spec(), s.source, Json::Null, Default::default());
        assert_eq!(pages.next().await.unwrap().unwrap()["Things"], json!([1]));
        assert_eq!(pages.next().await.unwrap().unwrap()["Things"], json!([2]));
        let err = pages.next().await.unwrap().unwrap_err();
        assert!(
            matches!(&err, PaginationError::RepeatedToken(t) if t.contains("loop")),
            "{err}"
        );
        assert!(pages.next().await.is_none());
        assert_eq!(s.requests.lock().unwrap().len(), 2);
    });
}

#[test]
fn more_results_and_expression_output_tokens() {
    run(async {
        // S3 ListObjects: NextMarker || Contents[-1].Key, IsTruncated.
        let list_objects = spec(json!({
            "more_results": "IsTruncated", "limit_key": "MaxKeys",
            "output_token": "NextMarker || Contents[-1].Key", "input_token": "Marker",
            "result_key": ["Contents", "CommonPrefixes"]
        }));
        let s = script(
            "Marker",
            vec![
                (
                    "",
                    json!({"IsTruncated": true, "Contents": [{"Key": "a"}, {"Key": "b"}]}),
                ),
                (
                    "b",
                    json!({"IsTruncated": true, "NextMarker": "m", "Contents": [{"Key": "c"}]}),
                ),
                // Not truncated: the loop stops although a token is there.
                (
                    "m",
                    json!({"IsTruncated": false, "Contents": [{"Key": "d"}], "NextMarker": "zzz"}),
                ),
            ],
        );
        let pages = Pages::with_source(
            list_objects,
            s.source,
            json!({"Bucket": "b"}),
            Default::default(),
        );
        let keys: Vec<Json> = pages
            .search("Contents[].Key")
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
            .await;
        assert_eq!(keys, vec![json!("a"), json!("b"), json!("c"), json!("d")]);
        let markers: Vec<Option<Json>> = s
            .requests
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.get("Marker").cloned())
            .collect();
        assert_eq!(markers, vec![None, Some(json!("b")), Some(json!("m"))]);
    });
}

#[test]
fn multiple_tokens_are_sent_and_resumed_together() {
    run(async {
        let versions = spec(json!({
            "more_results": "IsTruncated", "limit_key": "MaxKeys",
            "output_token": ["NextKeyMarker", "NextVersionIdMarker"],
            "input_token": ["KeyMarker", "VersionIdMarker"],
            "result_key": ["Versions", "DeleteMarkers", "CommonPrefixes"]
        }));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let source: PageSource = Arc::new(move |params: Json| -> PageFuture {
            seen.lock().unwrap().push(params.clone());
            let page = match params.get("VersionIdMarker").and_then(Json::as_str) {
                None => {
                    json!({"IsTruncated": true, "NextKeyMarker": "k", "NextVersionIdMarker": "v1",
                               "Versions": [1, 2], "DeleteMarkers": [9]})
                }
                Some("v1") => {
                    json!({"IsTruncated": true, "NextKeyMarker": "k", "NextVersionIdMarker": "v2",
                                     "Versions": [3, 4], "DeleteMarkers": [10]})
                }
                _ => json!({"IsTruncated": false, "Versions": [5]}),
            };
            Box::pin(async move { Ok(page) })
        });
        let config = PaginationConfig::default().max_items(3);
        let mut pages = Pages::with_source(versions.clone(), source.clone(), Json::Null, config);
        let mut got = Vec::new();
        while let Some(p) = pages.next().await {
            got.push(p.unwrap());
        }
        assert_eq!(got[1]["Versions"], json!([3]));
        let resume = pages.resume_token().unwrap().to_string();
        let names = vec!["KeyMarker".to_string(), "VersionIdMarker".to_string()];
        let decoded = token::decode(&resume, &names).unwrap();
        assert_eq!(
            decoded.tokens,
            vec![
                ("KeyMarker".into(), json!("k")),
                ("VersionIdMarker".into(), json!("v1"))
            ]
        );
        assert_eq!(decoded.truncate_amount, 1);
        assert_eq!(
            requests.lock().unwrap()[1],
            json!({"KeyMarker": "k", "VersionIdMarker": "v1"})
        );

        // Resuming skips one version and empties the secondary keys of the
        // first page, as botocore does.
        let config = PaginationConfig::default().starting_token(resume);
        let pages = Pages::with_source(versions, source, Json::Null, config);
        let full = pages.build_full_result().await.unwrap();
        assert_eq!(full, json!({"Versions": [4, 5], "DeleteMarkers": []}));
    });
}

#[test]
fn build_full_result_merges_pages_and_keeps_non_aggregate_keys() {
    run(async {
        let query = spec(json!({
            "input_token": "ExclusiveStartKey", "output_token": "LastEvaluatedKey",
            "limit_key": "Limit", "result_key": ["Items", "Count", "ScannedCount"],
            "non_aggregate_keys": ["ConsumedCapacity", "Meta.Region"]
        }));
        let source: PageSource = Arc::new(|params: Json| -> PageFuture {
            let page = match params.get("ExclusiveStartKey") {
                None => json!({"Items": [{"id": {"S": "1"}}], "Count": 1, "ScannedCount": 2,
                               "ConsumedCapacity": {"Units": 1.5}, "Meta": {"Region": "r1", "Other": 1},
                               "LastEvaluatedKey": {"id": {"S": "1"}}}),
                Some(_) => json!({"Items": [{"id": {"S": "2"}}, {"id": {"S": "3"}}], "Count": 2,
                                  "ScannedCount": 2, "ConsumedCapacity": {"Units": 9}}),
            };
            Box::pin(async move { Ok(page) })
        });
        let pages = Pages::with_source(
            query.clone(),
            source.clone(),
            Json::Null,
            Default::default(),
        );
        let full = pages.build_full_result().await.unwrap();
        assert_eq!(
            full,
            json!({
                "Items": [{"id": {"S": "1"}}, {"id": {"S": "2"}}, {"id": {"S": "3"}}],
                "Count": 3, "ScannedCount": 4,
                "ConsumedCapacity": {"Units": 1.5}, "Meta": {"Region": "r1"}
            })
        );

        // With max_items the full result carries the resume token.
        let pages = Pages::with_source(
            query,
            source,
            Json::Null,
            PaginationConfig::default().max_items(2),
        );
        let full = pages.build_full_result().await.unwrap();
        assert_eq!(
            full["Items"],
            json!([{"id": {"S": "1"}}, {"id": {"S": "2"}}])
        );
        let token = full["NextToken"].as_str().expect("NextToken");
        let decoded = token::decode(token, &["ExclusiveStartKey".to_string()]).unwrap();
        assert_eq!(
            decoded.tokens,
            vec![("ExclusiveStartKey".into(), json!({"id": {"S": "1"}}))]
        );
        assert_eq!(decoded.truncate_amount, 1);
    });
}

#[test]
fn items_flatten_the_primary_result_key_and_errors_end_the_stream() {
    run(async {
        let s = script(
            "NextToken",
            vec![
                ("", json!({"Things": [1, 2], "NextToken": "t1"})),
                ("t1", json!({"NextToken": "t2"})),
                // "t2" is missing: the source fails with a service error.
            ],
        );
        let mut items =
            Pages::with_source(simple_spec(), s.source, Json::Null, Default::default()).items();
        assert_eq!(items.next().await.unwrap().unwrap(), json!(1));
        assert_eq!(items.next().await.unwrap().unwrap(), json!(2));
        let err = items.next().await.unwrap().unwrap_err();
        assert_eq!(err.code(), Some("NoSuchPage"));
        assert!(items.next().await.is_none());
    });
}

#[test]
fn empty_tokens_end_the_pagination() {
    run(async {
        let s = script(
            "NextToken",
            vec![("", json!({"Things": [1], "NextToken": ""}))],
        );
        let (pages, _) = collect(Pages::with_source(
            simple_spec(),
            s.source,
            Json::Null,
            Default::default(),
        ))
        .await;
        assert_eq!(pages.len(), 1);
    });
}

#[test]
fn bad_starting_token_is_reported_without_a_request() {
    run(async {
        let spec = spec(
            json!({"input_token": ["A", "B"], "output_token": ["NA", "NB"], "result_key": "R"}),
        );
        let s = script("A", vec![]);
        let config = PaginationConfig::default().starting_token("x___y___z___w");
        let mut pages = Pages::with_source(spec, s.source, Json::Null, config);
        let err = pages.next().await.unwrap().unwrap_err();
        assert!(matches!(err, PaginationError::BadStartingToken(_)), "{err}");
        assert!(s.requests.lock().unwrap().is_empty());
    });
}

#[test]
fn invalid_configurations_are_rejected() {
    for bad in [
        json!({"input_token": "A"}),
        json!({"input_token": ["A", "B"], "output_token": "X"}),
        json!({"input_token": "A", "output_token": "X[", "result_key": "R"}),
        json!({"input_token": "A", "output_token": "X", "limit_key": 3}),
        json!("nope"),
    ] {
        assert!(PaginatorSpec::from_json("Op", &bad).is_err(), "{bad}");
    }
}

#[test]
fn every_bundled_paginator_compiles() {
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
    let mut checked = 0;
    for entry in std::fs::read_dir(&models).expect("models dir").flatten() {
        let path = entry.path().join("paginators-1.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for op in spec::operation_names(&text) {
            let found =
                spec::lookup(&text, &op).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(found.is_some_and(|s| !s.result_keys.is_empty()), "{op}");
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} paginators found");
}
