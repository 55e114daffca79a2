//! The myaws quickstart: create an SQS queue, send a message with attributes,
//! receive and delete it, and delete the queue.
//!
//! Configuration comes from the environment as with any AWS SDK
//! (`AWS_REGION`, credentials, and `AWS_ENDPOINT_URL` for a local endpoint);
//! `cargo xtask demo` runs it against a local moto server.

use std::collections::HashMap;
use std::error::Error;

use myaws_sqs::types::{
    CreateQueueRequest, DeleteMessageRequest, DeleteQueueRequest, MessageAttributeValue,
    ReceiveMessageRequest, SendMessageRequest,
};
use myaws_sqs::{Client, Session};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let session = Session::from_env()?;
    let sqs = Client::new(&session)?;

    let created = sqs
        .create_queue(CreateQueueRequest::default().queue_name("myaws-quickstart"))
        .await?;
    let url = created
        .queue_url
        .ok_or("CreateQueue returned no QueueUrl")?;
    println!("created queue {url}");

    let attributes = HashMap::from([(
        "lang".to_string(),
        MessageAttributeValue::default()
            .data_type("String")
            .string_value("rust"),
    )]);
    let sent = sqs
        .send_message(
            SendMessageRequest::default()
                .queue_url(&url)
                .message_body("hello from myaws")
                .message_attributes(attributes),
        )
        .await?;
    println!("sent message {}", sent.message_id.unwrap_or_default());

    let received = sqs
        .receive_message(
            ReceiveMessageRequest::default()
                .queue_url(&url)
                .max_number_of_messages(1)
                .message_attribute_names(vec!["All".to_string()]),
        )
        .await?;
    for message in received.messages.unwrap_or_default() {
        let lang = message
            .message_attributes
            .as_ref()
            .and_then(|a| a.get("lang"))
            .and_then(|v| v.string_value.clone())
            .unwrap_or_default();
        println!(
            "received {:?} (lang={lang})",
            message.body.as_deref().unwrap_or_default()
        );
        if let Some(handle) = message.receipt_handle {
            sqs.delete_message(
                DeleteMessageRequest::default()
                    .queue_url(&url)
                    .receipt_handle(handle),
            )
            .await?;
            println!("deleted the message");
        }
    }

    sqs.delete_queue(DeleteQueueRequest::default().queue_url(&url))
        .await?;
    println!("deleted queue {url}");
    Ok(())
}
