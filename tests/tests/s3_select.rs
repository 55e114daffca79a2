//! S3 `SelectObjectContent` (rest-xml event streams: blob `Records`, XML
//! `Stats`, empty `End`) against moto, which implements it for CSV and
//! JSON objects (py-partiql-parser 0.6: CSV field delimiters are ignored,
//! only `count()` of the functions works, a `WHERE` clause needs the table
//! written `s3object` in lower case, and a trailing newline counts as one
//! more, empty, CSV row; the queries here stay inside that). Also the dynamic path's
//! streaming bodies: `call("GetObject")` returns `Body` (base64), never
//! `null`, and `call_stream` hands it over unread.

use base64::Engine as _;
use myaws_s3::types::{
    CSVInput, CSVOutput, ExpressionType, FileHeaderInfo, InputSerialization, JSONInput, JSONOutput,
    JSONType, OutputSerialization, SelectObjectContentEventStream, SelectObjectContentRequest,
};
use serde_json::json;

mod s3_common;
use s3_common::{bucket, client, put};

/// Runs a select and returns the records' bytes, the stats' returned byte
/// count and whether `End` came.
async fn select(
    s3: &myaws_s3::Client,
    bucket: &str,
    key: &str,
    sql: &str,
    input: InputSerialization,
    output: OutputSerialization,
) -> (String, Option<i64>, bool) {
    let out = s3
        .select_object_content(
            SelectObjectContentRequest::default()
                .bucket(bucket)
                .key(key)
                .expression(sql)
                .expression_type(ExpressionType::Sql)
                .input_serialization(input)
                .output_serialization(output),
        )
        .await
        .expect("select_object_content");
    let mut events = out.payload.expect("the event stream");
    let (mut records, mut returned, mut end) = (Vec::new(), None, false);
    let limit = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while let Some(event) = tokio::time::timeout_at(limit, events.recv())
        .await
        .expect("the stream ended in time")
        .expect("no stream error")
    {
        match event {
            SelectObjectContentEventStream::Records(r) => {
                records.extend_from_slice(&r.payload.unwrap_or_default())
            }
            SelectObjectContentEventStream::Stats(s) => {
                returned = s.details.and_then(|d| d.bytes_returned)
            }
            SelectObjectContentEventStream::End(_) => end = true,
            _ => {}
        }
    }
    (String::from_utf8(records).unwrap(), returned, end)
}

#[tokio::test]
async fn select_csv_with_headers() {
    let s3 = client();
    let b = bucket(&s3, "select-csv").await;
    put(
        &s3,
        &b,
        "people.csv",
        "name,city\nAda,London\nGrace,Arlington\nAlan,London",
    )
    .await;
    let (records, returned, end) = select(
        &s3,
        &b,
        "people.csv",
        "SELECT s.name FROM s3object s WHERE s.city = 'London'",
        InputSerialization::default()
            .csv(CSVInput::default().file_header_info(FileHeaderInfo::Use)),
        OutputSerialization::default().csv(CSVOutput::default()),
    )
    .await;
    let lines: Vec<&str> = records.lines().collect();
    assert_eq!(lines, ["Ada", "Alan"], "{records:?}");
    assert_eq!(returned, Some(records.len() as i64));
    assert!(end, "no End event");
}

#[tokio::test]
async fn select_json_lines_to_json() {
    let s3 = client();
    let b = bucket(&s3, "select-json").await;
    let lines = [
        json!({"id": 1, "kind": "a"}),
        json!({"id": 2, "kind": "b"}),
        json!({"id": 3, "kind": "a"}),
    ]
    .map(|l| l.to_string())
    .join("\n");
    put(&s3, &b, "rows.json", &lines).await;
    let (records, returned, end) = select(
        &s3,
        &b,
        "rows.json",
        "SELECT * FROM s3object s WHERE s.kind = 'a'",
        InputSerialization::default().json(JSONInput::default().r#type(JSONType::Lines)),
        OutputSerialization::default().json(JSONOutput::default().record_delimiter("\n")),
    )
    .await;
    let rows: Vec<serde_json::Value> = records
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows,
        [json!({"id": 1, "kind": "a"}), json!({"id": 3, "kind": "a"})]
    );
    assert_eq!(returned, Some(records.len() as i64));
    assert!(end);
}

#[tokio::test]
async fn select_count_over_the_dynamic_path_streams_json_events() {
    let s3 = client();
    let b = bucket(&s3, "select-dyn").await;
    put(&s3, &b, "n.csv", "n\n1\n2\n3").await;
    let params = json!({
        "Bucket": b, "Key": "n.csv",
        "Expression": "SELECT count(*) FROM S3Object",
        "ExpressionType": "SQL",
        "InputSerialization": {"CSV": {"FileHeaderInfo": "USE"}},
        "OutputSerialization": {"JSON": {}}
    });
    let error = s3
        .call("SelectObjectContent", params.clone())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("call_stream"), "{error}");
    let out = s3
        .handle()
        .call_stream("SelectObjectContent", params)
        .await
        .unwrap();
    let mut events = out.events.unwrap();
    let mut records = Vec::new();
    let mut names = Vec::new();
    while let Some(event) = events.recv().await.unwrap() {
        let name = event.as_object().unwrap().keys().next().unwrap().clone();
        if name == "Records" {
            let payload = event["Records"]["Payload"].as_str().unwrap();
            records.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(payload)
                    .unwrap(),
            );
        }
        names.push(name);
    }
    assert_eq!(names, ["Records", "Stats", "End"]);
    let text = String::from_utf8(records).unwrap();
    let row: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(
        row.as_object().unwrap().values().next(),
        Some(&json!(3)),
        "{text}"
    );
}

#[tokio::test]
async fn dynamic_get_object_returns_the_body_never_null() {
    let s3 = client();
    let b = bucket(&s3, "dyn-body").await;
    put(&s3, &b, "k", "hello, body").await;
    let out = s3
        .call("GetObject", json!({"Bucket": b, "Key": "k"}))
        .await
        .unwrap();
    let body = base64::engine::general_purpose::STANDARD
        .decode(out["Body"].as_str().expect("Body is base64 text"))
        .unwrap();
    assert_eq!(body, b"hello, body");
    assert_eq!(out["ContentLength"], 11);

    let streamed = s3
        .handle()
        .call_stream("GetObject", json!({"Bucket": b, "Key": "k"}))
        .await
        .unwrap();
    assert!(streamed.output.get("Body").is_none());
    assert_eq!(streamed.output["ContentLength"], 11);
    assert_eq!(
        &streamed.body.unwrap().collect().await.unwrap()[..],
        b"hello, body"
    );
}
