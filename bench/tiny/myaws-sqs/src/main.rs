//! Smallest myaws SQS program: send one message (build-time/size benchmark).

use myaws_sqs::types::SendMessageRequest;
use myaws_sqs::{Client, Credentials, Session};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: tiny ENDPOINT")?;
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDBENCH", "bench-secret", None, None))
        .endpoint_url(&endpoint)
        .build()?;
    let sqs = Client::new(&session)?;
    let queue_url = format!("{endpoint}/123456789012/bench");
    let out = sqs
        .send_message(
            SendMessageRequest::default()
                .queue_url(queue_url)
                .message_body("hello"),
        )
        .await?;
    println!("sent {}", out.message_id.unwrap_or_default());
    Ok(())
}
