//! The blocking facade (`myaws_sqs::blocking::Client`, feature `blocking`)
//! against moto: one client shared by many threads, and calls made inside a
//! tokio runtime refused with an error instead of a panic. The plain
//! `fn main` case is its own binary, `blocking_main`.

use std::collections::BTreeSet;

use myaws_sqs::blocking::Client;
use myaws_sqs::types::{
    CreateQueueRequest, DeleteMessageRequest, DeleteQueueRequest, GetQueueUrlRequest,
    ListQueuesRequest, ReceiveMessageRequest, SendMessageRequest,
};
use myaws_sqs::SdkError;
use myaws_tests::unique;

/// Threads sharing one client.
const THREADS: usize = 8;
/// Messages each thread sends and receives.
const MESSAGES: usize = 4;

fn client() -> Client {
    Client::new(&myaws_tests::session()).expect("a blocking client")
}

fn create_queue(sqs: &Client, name: &str) -> String {
    sqs.create_queue(CreateQueueRequest::default().queue_name(name))
        .expect("create_queue")
        .queue_url
        .expect("a queue url")
}

#[test]
fn the_client_is_clone_send_sync_and_debug() {
    fn shareable<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
    shareable::<Client>();
    let sqs = client();
    assert!(format!("{sqs:?}").contains("Client"));
    assert_eq!(sqs.as_async().meta().region(), Some(myaws_tests::REGION));
}

/// Eight threads with clones of one client, each with its own queue: create,
/// send, receive and delete every message, look the queue up, delete it.
#[test]
fn many_threads_share_one_client() {
    let sqs = client();
    let prefix = unique("blocking-threads");
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let sqs = sqs.clone();
            let name = format!("{prefix}-{t}");
            std::thread::spawn(move || {
                let url = create_queue(&sqs, &name);
                let sent: BTreeSet<String> = (0..MESSAGES).map(|i| format!("{t}/{i}")).collect();
                for body in &sent {
                    let out = sqs
                        .send_message(
                            SendMessageRequest::default()
                                .queue_url(&url)
                                .message_body(body),
                        )
                        .expect("send_message");
                    assert!(out.message_id.is_some());
                }
                let mut received = BTreeSet::new();
                for _ in 0..20 {
                    if received.len() == MESSAGES {
                        break;
                    }
                    let out = sqs
                        .receive_message(
                            ReceiveMessageRequest::default()
                                .queue_url(&url)
                                .max_number_of_messages(10),
                        )
                        .expect("receive_message");
                    for message in out.messages.unwrap_or_default() {
                        sqs.delete_message(
                            DeleteMessageRequest::default()
                                .queue_url(&url)
                                .receipt_handle(message.receipt_handle.expect("receipt")),
                        )
                        .expect("delete_message");
                        received.insert(message.body.expect("a body"));
                    }
                }
                assert_eq!(received, sent, "thread {t}");
                let found = sqs
                    .get_queue_url(GetQueueUrlRequest::default().queue_name(&name))
                    .expect("get_queue_url");
                assert_eq!(found.queue_url.as_deref(), Some(url.as_str()));
                sqs.delete_queue(DeleteQueueRequest::default().queue_url(&url))
                    .expect("delete_queue");
                t
            })
        })
        .collect();
    let done: Vec<usize> = threads
        .into_iter()
        .map(|t| t.join().expect("a thread panicked"))
        .collect();
    assert_eq!(done, (0..THREADS).collect::<Vec<_>>());
}

/// Eight scoped threads borrowing the very same client (no clone), calling
/// at once: listings, the paginator, the dynamic call.
#[test]
fn many_threads_borrow_one_client() {
    let sqs = client();
    let prefix = unique("blocking-borrow");
    let urls: BTreeSet<String> = (0..3)
        .map(|i| create_queue(&sqs, &format!("{prefix}-{i}")))
        .collect();
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for _ in 0..3 {
                    let listed = sqs
                        .list_queues(ListQueuesRequest::default().queue_name_prefix(&prefix))
                        .expect("list_queues");
                    let listed: BTreeSet<String> =
                        listed.queue_urls.unwrap_or_default().into_iter().collect();
                    assert_eq!(listed, urls);
                    let items: BTreeSet<String> = sqs
                        .list_queues_paginator(
                            ListQueuesRequest::default().queue_name_prefix(&prefix),
                        )
                        .items()
                        .collect::<Result<_, _>>()
                        .expect("paginated list_queues");
                    assert_eq!(items, urls);
                    let json = sqs
                        .call(
                            "list_queues",
                            serde_json::json!({ "QueueNamePrefix": prefix }),
                        )
                        .expect("dynamic list_queues");
                    assert_eq!(json["QueueUrls"].as_array().map(Vec::len), Some(3));
                }
            });
        }
    });
    for url in &urls {
        sqs.delete_queue(DeleteQueueRequest::default().queue_url(url))
            .expect("delete_queue");
    }
}

/// Inside a runtime the blocking methods refuse, naming the async client;
/// nothing panics and the async client inside works.
#[tokio::test]
async fn inside_a_runtime_is_an_error_naming_the_async_client() {
    let sqs = client();
    let listing = || ListQueuesRequest::default().queue_name_prefix("blocking-none");

    let err = sqs
        .list_queues(listing())
        .expect_err("refused in a runtime");
    match &err {
        SdkError::Construction(message) => {
            assert!(message.contains("async client"), "{message}")
        }
        other => panic!("expected a construction error: {other:?}"),
    }
    assert!(err.to_string().contains("async client"), "{err}");

    let err = sqs
        .call("ListQueues", serde_json::json!({}))
        .expect_err("refused in a runtime");
    assert!(err.to_string().contains("async client"), "{err}");

    // The paginator yields one error, then ends.
    let mut pages = sqs.list_queues_paginator(listing());
    let first = pages.next().expect("one item");
    let err = first.expect_err("refused in a runtime");
    assert!(err.to_string().contains("async client"), "{err}");
    assert!(pages.next().is_none());

    let err = sqs.block_on(async { 1 }).expect_err("refused in a runtime");
    assert!(err.is_in_runtime());
    assert!(err.to_string().contains("async client"), "{err}");

    // The async client inside, awaited as usual.
    sqs.as_async()
        .list_queues(listing())
        .await
        .expect("the async client works here");

    // A plain thread started from async code has no runtime: it may block.
    let on_thread = sqs.clone();
    let listed = std::thread::spawn(move || on_thread.list_queues(listing()))
        .join()
        .expect("the thread")
        .expect("blocking call off the runtime");
    assert!(listed.queue_urls.unwrap_or_default().is_empty());
}

/// A multi-thread runtime refuses too (and keeps working afterwards).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_thread_runtime_is_an_error_too() {
    let sqs = client();
    let err = sqs
        .list_queues(ListQueuesRequest::default())
        .expect_err("refused in a runtime");
    assert!(err.to_string().contains("async client"), "{err}");
    sqs.as_async()
        .list_queues(ListQueuesRequest::default())
        .await
        .expect("the async client works here");
}
