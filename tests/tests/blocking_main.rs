//! The blocking facade from a plain `fn main`: no tokio runtime and nothing
//! async in this program, as in a command-line tool that never heard of
//! async. Its own test binary without a harness (`cargo test` runs it), so
//! that this `main` is the program; any failed check panics, and the
//! process exits non-zero. The calls follow the README's "Blocking client"
//! example, against moto as every moto test finds it
//! ([`myaws_tests::session`]).

use myaws_sqs::blocking::Client;
use myaws_sqs::paginators::PaginationConfig;
use myaws_sqs::types::{
    CreateQueueRequest, DeleteQueueRequest, ListQueuesRequest, ReceiveMessageRequest,
    SendMessageRequest,
};
use myaws_sqs::{SdkError, Session};

/// The README's "Blocking client" example, with the session and the queue
/// name given (keep the two in step).
fn readme_example(session: &Session, queue: &str) -> Result<(), Box<dyn std::error::Error>> {
    let sqs = Client::new(session)?;

    let url = sqs
        .create_queue(CreateQueueRequest::default().queue_name(queue))?
        .queue_url
        .ok_or("no queue url")?;
    sqs.send_message(
        SendMessageRequest::default()
            .queue_url(&url)
            .message_body("hello"),
    )?;

    // Paginators are iterators of pages (`.items()` for the result items).
    for page in sqs.list_queues_paginator(ListQueuesRequest::default().queue_name_prefix(queue)) {
        println!("{:?}", page?.queue_urls);
    }
    sqs.delete_queue(DeleteQueueRequest::default().queue_url(&url))?;
    Ok(())
}

fn main() {
    let session = myaws_tests::session();
    readme_example(&session, &myaws_tests::unique("blocking-readme")).expect("the README example");
    let sqs = Client::new(&session).expect("a blocking client");
    let prefix = myaws_tests::unique("blocking-main");

    // Create a queue, send a message, receive it.
    let url = sqs
        .create_queue(CreateQueueRequest::default().queue_name(format!("{prefix}-a")))
        .expect("create_queue")
        .queue_url
        .expect("a queue url");
    let sent = sqs
        .send_message(
            SendMessageRequest::default()
                .queue_url(&url)
                .message_body("hello from fn main"),
        )
        .expect("send_message");
    let received = sqs
        .receive_message(
            ReceiveMessageRequest::default()
                .queue_url(&url)
                .max_number_of_messages(1),
        )
        .expect("receive_message");
    let messages = received.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].body.as_deref(), Some("hello from fn main"));
    assert_eq!(messages[0].message_id, sent.message_id);
    assert!(received
        .response_metadata
        .is_some_and(|m| m.http_status_code == 200));

    // Two more queues, then list all three through the blocking paginator,
    // one queue per page.
    let mut urls = vec![url];
    for suffix in ["b", "c"] {
        let more = sqs
            .create_queue(CreateQueueRequest::default().queue_name(format!("{prefix}-{suffix}")))
            .expect("create_queue")
            .queue_url
            .expect("a queue url");
        urls.push(more);
    }
    let listing = || ListQueuesRequest::default().queue_name_prefix(&prefix);
    let pages: Vec<_> = sqs
        .list_queues_paginator(listing())
        .with_config(PaginationConfig::default().page_size(1))
        .collect::<Result<_, _>>()
        .expect("every page");
    assert!(pages.len() >= 3, "one queue per page: {pages:?}");
    let mut listed: Vec<String> = pages
        .into_iter()
        .flat_map(|page| page.queue_urls.unwrap_or_default())
        .collect();
    listed.sort();
    assert_eq!(listed, urls);
    let items: Vec<String> = sqs
        .list_queues_paginator(listing())
        .items()
        .collect::<Result<_, _>>()
        .expect("every item");
    assert_eq!(items.len(), 3, "{items:?}");

    // The dynamic call and the escape hatch for the async client's futures.
    let json = sqs
        .call(
            "ListQueues",
            serde_json::json!({ "QueueNamePrefix": prefix }),
        )
        .expect("dynamic ListQueues");
    assert_eq!(
        json["QueueUrls"].as_array().map(Vec::len),
        Some(3),
        "{json}"
    );
    let by_future = sqs
        .block_on(sqs.as_async().list_queues(listing()))
        .expect("not inside a runtime")
        .expect("list_queues");
    assert_eq!(by_future.queue_urls.map(|u| u.len()), Some(3));

    // Errors are the async client's: a typed service error.
    let err = sqs
        .delete_queue(DeleteQueueRequest::default().queue_url(format!("{}-missing", urls[0])))
        .expect_err("no such queue");
    assert!(matches!(err, SdkError::Service(_)), "{err:?}");

    for url in &urls {
        sqs.delete_queue(DeleteQueueRequest::default().queue_url(url))
            .expect("delete_queue");
    }
    println!("blocking_main: the blocking client works from a plain fn main");
}
