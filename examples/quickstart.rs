//! The myaws quickstart: create an SQS queue, send a message with attributes,
//! receive and delete it, and delete the queue; then create an S3 bucket,
//! wait for it, put, get and list an object, presign a download URL, and
//! clean up.
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
    sqs_demo(&session).await?;
    s3_demo(&session).await?;
    Ok(())
}

/// SQS: a queue, a message with attributes, receive, delete.
async fn sqs_demo(session: &Session) -> Result<(), Box<dyn Error>> {
    let sqs = Client::new(session)?;

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

/// S3: a bucket, an object put, read back and listed, a presigned URL.
async fn s3_demo(session: &Session) -> Result<(), Box<dyn Error>> {
    use std::time::Duration;

    use myaws_s3::types::{
        CreateBucketConfiguration, CreateBucketRequest, DeleteBucketRequest, DeleteObjectRequest,
        GetObjectRequest, HeadBucketRequest, ListObjectsV2Request, PutObjectRequest,
    };

    let s3 = myaws_s3::Client::new(session)?;
    // Bucket names are global on AWS: make this one unlikely to be taken.
    let bucket = format!("myaws-quickstart-{}", std::process::id());
    let mut create = CreateBucketRequest::default().bucket(&bucket);
    // Outside us-east-1 a bucket names its region.
    if let Some(region) = s3.meta().region().filter(|r| *r != "us-east-1") {
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::default().location_constraint(region),
        );
    }
    s3.create_bucket(create).await?;
    s3.wait_until_bucket_exists(HeadBucketRequest::default().bucket(&bucket))
        .await?;
    println!("created bucket {bucket}");

    s3.put_object(
        PutObjectRequest::default()
            .bucket(&bucket)
            .key("greetings/hello.txt")
            .content_type("text/plain")
            .body("hello from myaws"),
    )
    .await?;
    let got = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(&bucket)
                .key("greetings/hello.txt"),
        )
        .await?;
    let text = got.body.unwrap_or_default().collect().await?;
    println!(
        "got greetings/hello.txt ({}): {:?}",
        got.content_type.unwrap_or_default(),
        String::from_utf8_lossy(&text)
    );

    let listed = s3
        .list_objects_v2(ListObjectsV2Request::default().bucket(&bucket))
        .await?;
    for object in listed.contents.unwrap_or_default() {
        println!(
            "listed {} ({} bytes)",
            object.key.unwrap_or_default(),
            object.size.unwrap_or_default()
        );
    }

    let presigned = s3
        .presign_get_object(
            GetObjectRequest::default()
                .bucket(&bucket)
                .key("greetings/hello.txt"),
            Duration::from_secs(15 * 60),
        )
        .await?;
    println!("presigned for 15 minutes: curl '{}'", presigned.url);

    s3.delete_object(
        DeleteObjectRequest::default()
            .bucket(&bucket)
            .key("greetings/hello.txt"),
    )
    .await?;
    s3.delete_bucket(DeleteBucketRequest::default().bucket(&bucket))
        .await?;
    println!("deleted bucket {bucket}");
    Ok(())
}
