//! Smallest aws-sdk-sqs program: send one message (build-time/size benchmark).

use aws_config::{BehaviorVersion, Region};
use aws_sdk_sqs::config::Credentials;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: tiny ENDPOINT")?;
    let shared = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDBENCH",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .endpoint_url(&endpoint)
        .load()
        .await;
    let sqs = aws_sdk_sqs::Client::new(&shared);
    let queue_url = format!("{endpoint}/123456789012/bench");
    let out = sqs
        .send_message()
        .queue_url(queue_url)
        .message_body("hello")
        .send()
        .await?;
    println!("sent {}", out.message_id.unwrap_or_default());
    Ok(())
}
