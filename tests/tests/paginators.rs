//! Paginators against moto: DynamoDB (map tokens, page sizes, max items and
//! resume tokens), IAM (query protocol, Marker/IsTruncated) and SQS.

use std::collections::{HashMap, HashSet};

use futures_util::{StreamExt, TryStreamExt};
use myaws_dynamodb::paginators::PaginationConfig;
use myaws_dynamodb::types::{
    AttributeDefinition, AttributeValue, CreateTableInput, KeySchemaElement, KeyType,
    ListTablesInput, PutItemInput, QueryInput, ScalarAttributeType,
};
use myaws_tests::{session, unique};
use serde_json::{json, Value as Json};

fn attr(name: &str, kind: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::default()
        .attribute_name(name)
        .attribute_type(kind)
}

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::default()
        .attribute_name(name)
        .key_type(kind)
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

/// A table with `count` items under partition `p`, sort keys `000`, `001`, ...
async fn filled_table(ddb: &myaws_dynamodb::Client, count: usize) -> String {
    let name = unique("paged");
    ddb.create_table(
        CreateTableInput::default()
            .table_name(&name)
            .attribute_definitions(vec![
                attr("pk", ScalarAttributeType::S),
                attr("sk", ScalarAttributeType::S),
            ])
            .key_schema(vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)])
            .billing_mode("PAY_PER_REQUEST"),
    )
    .await
    .expect("create_table");
    for i in 0..count {
        let item = HashMap::from([
            ("pk".to_string(), s("p")),
            ("sk".to_string(), s(&format!("{i:03}"))),
        ]);
        ddb.put_item(PutItemInput::default().table_name(&name).item(item))
            .await
            .expect("put_item");
    }
    name
}

fn query(table: &str) -> QueryInput {
    QueryInput::default()
        .table_name(table)
        .key_condition_expression("pk = :p")
        .expression_attribute_values(HashMap::from([(":p".to_string(), s("p"))]))
}

fn sort_keys(items: &[HashMap<String, AttributeValue>]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i.get("sk").and_then(|v| v.as_s().cloned()))
        .collect()
}

fn expected_keys(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{i:03}")).collect()
}

#[tokio::test]
async fn dynamodb_query_pages_follow_map_tokens() {
    let ddb = myaws_dynamodb::Client::new(&session()).expect("client");
    let table = filled_table(&ddb, 23).await;

    let pages: Vec<_> = ddb
        .query_paginator(query(&table))
        .with_config(PaginationConfig::default().page_size(5))
        .try_collect()
        .await
        .expect("pages");
    let counts: Vec<i32> = pages.iter().map(|p| p.count.unwrap_or(-1)).collect();
    assert_eq!(&counts[..4], &[5, 5, 5, 5], "{counts:?}");
    assert_eq!(counts.iter().sum::<i32>(), 23);
    let last_keys: Vec<bool> = pages
        .iter()
        .map(|p| p.last_evaluated_key.is_some())
        .collect();
    assert!(last_keys[..4].iter().all(|k| *k), "{last_keys:?}");

    let items: Vec<HashMap<String, AttributeValue>> = ddb
        .query_paginator(query(&table))
        .with_config(PaginationConfig::default().page_size(4))
        .items()
        .try_collect()
        .await
        .expect("items");
    assert_eq!(sort_keys(&items), expected_keys(0..23));
}

#[tokio::test]
async fn dynamodb_max_items_and_resume_token() {
    let ddb = myaws_dynamodb::Client::new(&session()).expect("client");
    let table = filled_table(&ddb, 17).await;
    let config = PaginationConfig::default().page_size(5).max_items(12);
    let mut items = ddb
        .query_paginator(query(&table))
        .with_config(config)
        .items();
    let mut first = Vec::new();
    while let Some(item) = items.next().await {
        first.push(item.expect("item"));
    }
    assert_eq!(sort_keys(&first), expected_keys(0..12));
    let token = items.resume_token().expect("resume token").to_string();

    // The token is botocore's: base64 JSON with the map token and how many
    // items of its page were returned.
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&token)
        .expect("base64");
    let decoded: Json = serde_json::from_slice(&raw).expect("token JSON");
    assert_eq!(decoded["truncate_amount"], 2);
    assert_eq!(decoded["ExclusiveStartKey"]["sk"], json!({"S": "009"}));

    let rest: Vec<_> = ddb
        .query_paginator(query(&table))
        .with_config(
            PaginationConfig::default()
                .page_size(5)
                .starting_token(token),
        )
        .items()
        .try_collect()
        .await
        .expect("rest");
    assert_eq!(sort_keys(&rest), expected_keys(12..17));
}

#[tokio::test]
async fn dynamodb_json_paginator_and_full_result() {
    let ddb = myaws_dynamodb::Client::new(&session()).expect("client");
    let table = filled_table(&ddb, 9).await;
    let paginator = ddb.get_paginator("query").expect("query paginator");
    let params = json!({
        "TableName": table,
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "p"}}
    });
    let full = paginator
        .paginate(params.clone(), PaginationConfig::default().page_size(2))
        .build_full_result()
        .await
        .expect("full result");
    assert_eq!(full["Count"], 9);
    assert_eq!(full["Items"].as_array().map(Vec::len), Some(9));
    assert!(full.get("NextToken").is_none());

    let keys: Vec<Json> = paginator
        .paginate(
            params,
            PaginationConfig::default().page_size(4).max_items(6),
        )
        .search("Items[].sk.S")
        .expect("expression")
        .try_collect()
        .await
        .expect("search");
    assert_eq!(
        keys,
        (0..6).map(|i| json!(format!("{i:03}"))).collect::<Vec<_>>()
    );

    assert!(ddb.can_paginate("list_tables"));
    assert!(!ddb.can_paginate("describe_table"));
    let err = ddb.get_paginator("describe_table").unwrap_err();
    assert!(err.to_string().contains("list_tables"), "{err}");
}

#[tokio::test]
async fn dynamodb_list_tables_with_small_pages() {
    let ddb = myaws_dynamodb::Client::new(&session()).expect("client");
    let prefix = unique("lt");
    let mut created = HashSet::new();
    for i in 0..5 {
        let name = format!("{prefix}-{i}");
        ddb.create_table(
            CreateTableInput::default()
                .table_name(&name)
                .attribute_definitions(vec![attr("id", ScalarAttributeType::S)])
                .key_schema(vec![key("id", KeyType::Hash)])
                .billing_mode("PAY_PER_REQUEST"),
        )
        .await
        .expect("create_table");
        created.insert(name);
    }
    let mut pages = ddb
        .list_tables_paginator(ListTablesInput::default())
        .with_config(PaginationConfig::default().page_size(2));
    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        let names = page.expect("page").table_names.unwrap_or_default();
        assert!(names.len() <= 2, "{names:?}");
        seen.extend(names);
    }
    let unique_seen: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique_seen.len(), seen.len(), "no table twice");
    assert!(created.iter().all(|t| unique_seen.contains(t)));
}

#[tokio::test]
async fn iam_list_roles_with_markers() {
    // moto pages IAM roles (its list_users ignores MaxItems).
    let iam = myaws_iam::Client::new(&session()).expect("client");
    let path = format!("/{}/", unique("pg"));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let mut created = Vec::new();
    for i in 0..7 {
        let name = format!("r{i}-{}", unique("role"));
        iam.create_role(
            myaws_iam::types::CreateRoleRequest::default()
                .role_name(&name)
                .path(&path)
                .assume_role_policy_document(policy),
        )
        .await
        .expect("create_role");
        created.push(name);
    }
    let request = myaws_iam::types::ListRolesRequest::default().path_prefix(&path);
    let pages: Vec<_> = iam
        .list_roles_paginator(request.clone())
        .with_config(PaginationConfig::default().page_size(3))
        .try_collect()
        .await
        .expect("pages");
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.roles.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, vec![3, 3, 1], "7 roles in pages of 3");
    assert!(pages[0].is_truncated == Some(true) && pages[0].marker.is_some());
    let mut names: Vec<String> = iam
        .list_roles_paginator(request)
        .with_config(PaginationConfig::default().page_size(3))
        .items()
        .map_ok(|r| r.role_name.unwrap_or_default())
        .try_collect()
        .await
        .expect("roles");
    names.sort();
    created.sort();
    assert_eq!(names, created);
}

#[tokio::test]
async fn sqs_list_queues_with_next_tokens() {
    let sqs = myaws_sqs::Client::new(&session()).expect("client");
    let prefix = unique("pq");
    for i in 0..6 {
        sqs.create_queue(
            myaws_sqs::types::CreateQueueRequest::default().queue_name(format!("{prefix}-{i}")),
        )
        .await
        .expect("create_queue");
    }
    let urls: Vec<String> = sqs
        .list_queues_paginator(
            myaws_sqs::types::ListQueuesRequest::default().queue_name_prefix(&prefix),
        )
        .with_config(PaginationConfig::default().page_size(4))
        .items()
        .try_collect()
        .await
        .expect("urls");
    assert_eq!(urls.len(), 6, "{urls:?}");
    assert!(urls.iter().all(|u| u.contains(&prefix)));
}
