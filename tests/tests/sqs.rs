//! SQS end to end against a real moto server over HTTP (json protocol).

use std::collections::HashMap;

use myaws_sqs::types::{
    CreateQueueRequest, DeleteMessageRequest, DeleteQueueRequest, GetQueueAttributesRequest,
    GetQueueUrlRequest, ListQueuesRequest, MessageAttributeValue, PurgeQueueRequest,
    QueueAttributeName, ReceiveMessageRequest, SendMessageBatchRequest,
    SendMessageBatchRequestEntry, SendMessageRequest, SetQueueAttributesRequest,
};
use myaws_sqs::{Client, SdkError};
use myaws_tests::unique;

fn client() -> Client {
    let session = myaws_tests::session();
    Client::new(&session).expect("client")
}

async fn create(sqs: &Client, name: &str) -> String {
    sqs.create_queue(CreateQueueRequest::default().queue_name(name))
        .await
        .expect("create_queue")
        .queue_url
        .expect("queue url")
}

#[tokio::test]
async fn queue_lifecycle_urls_and_listing() {
    let sqs = client();
    let name = unique("lifecycle");
    let url = create(&sqs, &name).await;
    assert!(url.ends_with(&name), "{url}");

    let got = sqs
        .get_queue_url(GetQueueUrlRequest::default().queue_name(&name))
        .await
        .expect("get_queue_url");
    assert_eq!(got.queue_url.as_deref(), Some(url.as_str()));

    let listed = sqs
        .list_queues(ListQueuesRequest::default().queue_name_prefix(&name))
        .await
        .expect("list_queues");
    assert_eq!(listed.queue_urls.unwrap_or_default(), vec![url.clone()]);

    sqs.delete_queue(DeleteQueueRequest::default().queue_url(&url))
        .await
        .expect("delete_queue");
    let err = sqs
        .get_queue_url(GetQueueUrlRequest::default().queue_name(&name))
        .await
        .expect_err("deleted queue is gone");
    assert!(
        err.service_kind()
            .is_some_and(|k| k.is_queue_does_not_exist()),
        "{err:?}"
    );
}

#[tokio::test]
async fn nonexistent_queue_is_a_typed_modeled_error() {
    let sqs = client();
    let err = sqs
        .get_queue_url(GetQueueUrlRequest::default().queue_name(unique("missing")))
        .await
        .expect_err("no such queue");
    let service = err.as_service_error().expect("a service error");
    assert!(service.is_queue_does_not_exist(), "{service:?}");
    assert_eq!(service.status(), 400);
    assert!(!service.code().is_empty());
    assert!(err.to_string().contains(service.code()), "{err}");
}

#[tokio::test]
async fn send_receive_delete_with_message_attributes() {
    let sqs = client();
    let url = create(&sqs, &unique("messages")).await;
    let attributes = HashMap::from([
        (
            "colour".to_string(),
            MessageAttributeValue::default()
                .data_type("String")
                .string_value("blue"),
        ),
        (
            "count".to_string(),
            MessageAttributeValue::default()
                .data_type("Number")
                .string_value("42"),
        ),
    ]);
    let sent = sqs
        .send_message(
            SendMessageRequest::default()
                .queue_url(&url)
                .message_body("hello, moto")
                .message_attributes(attributes),
        )
        .await
        .expect("send_message");
    assert!(sent.message_id.is_some());
    // MD5 of "hello, moto", as SQS computes it.
    assert_eq!(
        sent.md5_of_message_body.as_deref(),
        Some("95f77e2082e4fa71a91d62467608fecb")
    );
    assert!(sent.md5_of_message_attributes.is_some());

    let received = sqs
        .receive_message(
            ReceiveMessageRequest::default()
                .queue_url(&url)
                .max_number_of_messages(10)
                .message_attribute_names(vec!["All".to_string()]),
        )
        .await
        .expect("receive_message");
    let messages = received.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.body.as_deref(), Some("hello, moto"));
    assert_eq!(m.message_id, sent.message_id);
    let attrs = m.message_attributes.as_ref().expect("attributes");
    assert_eq!(attrs["colour"].string_value.as_deref(), Some("blue"));
    assert_eq!(attrs["count"].data_type.as_deref(), Some("Number"));
    assert_eq!(attrs["count"].string_value.as_deref(), Some("42"));

    sqs.delete_message(
        DeleteMessageRequest::default()
            .queue_url(&url)
            .receipt_handle(m.receipt_handle.clone().expect("receipt handle")),
    )
    .await
    .expect("delete_message");
    let again = sqs
        .receive_message(ReceiveMessageRequest::default().queue_url(&url))
        .await
        .expect("receive_message");
    assert!(again.messages.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn batch_send_and_purge() {
    let sqs = client();
    let url = create(&sqs, &unique("batch")).await;
    let entries: Vec<_> = (0..3)
        .map(|i| {
            SendMessageBatchRequestEntry::default()
                .id(format!("m{i}"))
                .message_body(format!("body {i}"))
        })
        .collect();
    let out = sqs
        .send_message_batch(
            SendMessageBatchRequest::default()
                .queue_url(&url)
                .entries(entries),
        )
        .await
        .expect("send_message_batch");
    let mut ids: Vec<String> = out
        .successful
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["m0", "m1", "m2"]);
    assert!(out.failed.unwrap_or_default().is_empty());

    let attrs = sqs
        .get_queue_attributes(
            GetQueueAttributesRequest::default()
                .queue_url(&url)
                .attribute_names(vec![QueueAttributeName::ApproximateNumberOfMessages]),
        )
        .await
        .expect("get_queue_attributes");
    let attrs = attrs.attributes.unwrap_or_default();
    assert_eq!(
        attrs
            .get(QueueAttributeName::ApproximateNumberOfMessages.as_str())
            .map(String::as_str),
        Some("3")
    );

    sqs.purge_queue(PurgeQueueRequest::default().queue_url(&url))
        .await
        .expect("purge_queue");
    let received = sqs
        .receive_message(ReceiveMessageRequest::default().queue_url(&url))
        .await
        .expect("receive_message");
    assert!(received.messages.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn set_and_get_queue_attributes() {
    let sqs = client();
    let url = create(&sqs, &unique("attrs")).await;
    sqs.set_queue_attributes(
        SetQueueAttributesRequest::default()
            .queue_url(&url)
            .attributes(HashMap::from([
                ("VisibilityTimeout".to_string(), "45".to_string()),
                ("DelaySeconds".to_string(), "3".to_string()),
            ])),
    )
    .await
    .expect("set_queue_attributes");
    let got = sqs
        .get_queue_attributes(
            GetQueueAttributesRequest::default()
                .queue_url(&url)
                .attribute_names(vec![QueueAttributeName::All]),
        )
        .await
        .expect("get_queue_attributes")
        .attributes
        .unwrap_or_default();
    assert_eq!(got.get("VisibilityTimeout").map(String::as_str), Some("45"));
    assert_eq!(got.get("DelaySeconds").map(String::as_str), Some("3"));
}

#[tokio::test]
async fn missing_required_parameter_fails_before_sending() {
    // An unroutable endpoint: if anything were sent, the error would be a
    // dispatch error, not a validation error.
    let session = myaws_tests::offline_session();
    let sqs = Client::new(&session).expect("client");
    let err = sqs
        .send_message(SendMessageRequest::default().message_body("no queue url"))
        .await
        .expect_err("QueueUrl is required");
    match err {
        SdkError::Validation(v) => {
            assert_eq!(v.operation, "SendMessage");
            assert!(v.problems.iter().any(|p| p.contains("QueueUrl")), "{v}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn clients_are_cheap_to_clone_and_shareable_across_tasks() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<Client>();
    let sqs = client();
    let name = unique("shared");
    let url = create(&sqs, &name).await;
    // Clones share one connection pool and config; calls run on spawned tasks.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let sqs = sqs.clone();
            let url = url.clone();
            tokio::spawn(async move {
                sqs.send_message(
                    SendMessageRequest::default()
                        .queue_url(url)
                        .message_body(format!("from task {i}")),
                )
                .await
                .map(|out| out.message_id)
            })
        })
        .collect();
    for t in tasks {
        assert!(t.await.expect("task").expect("send_message").is_some());
    }
    let attrs = sqs
        .get_queue_attributes(
            GetQueueAttributesRequest::default()
                .queue_url(&url)
                .attribute_names(vec![QueueAttributeName::ApproximateNumberOfMessages]),
        )
        .await
        .expect("get_queue_attributes")
        .attributes
        .unwrap_or_default();
    assert_eq!(
        attrs.get("ApproximateNumberOfMessages").map(String::as_str),
        Some("8")
    );
}
