//! A program using five services through myaws: one call each to S3
//! (GetObject), SQS (SendMessage), DynamoDB (ListTables), STS
//! (GetCallerIdentity) and KMS (ListKeys) against ENDPOINT (build time,
//! size and cold-start benchmark).

use myaws_s3::types::GetObjectRequest;
use myaws_s3::{ClientConfig, Credentials, Session};
use myaws_sqs::types::SendMessageRequest;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: real ENDPOINT")?;
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDBENCH", "bench-secret", None, None))
        .endpoint_url(&endpoint)
        .build()?;

    let s3 = myaws_s3::Client::with_config(
        &session,
        ClientConfig::default().s3_addressing_style("path"),
    )?;
    let object = s3
        .get_object(GetObjectRequest::default().bucket("bench").key("small"))
        .await?;
    let data = object.body.unwrap_or_default().collect().await?;

    let sqs = myaws_sqs::Client::new(&session)?;
    let sent = sqs
        .send_message(
            SendMessageRequest::default()
                .queue_url(format!("{endpoint}/123456789012/bench"))
                .message_body("hello"),
        )
        .await?;

    let dynamodb = myaws_dynamodb::Client::new(&session)?;
    let tables = dynamodb.list_tables(Default::default()).await?;

    let sts = myaws_sts::Client::new(&session)?;
    let identity = sts.get_caller_identity(Default::default()).await?;

    let kms = myaws_kms::Client::new(&session)?;
    let keys = kms.list_keys(Default::default()).await?;

    println!(
        "s3 {} bytes, sqs {}, dynamodb {} tables, sts {}, kms {} keys",
        data.len(),
        sent.message_id.unwrap_or_default(),
        tables.table_names.unwrap_or_default().len(),
        identity.account.unwrap_or_default(),
        keys.keys.unwrap_or_default().len(),
    );
    Ok(())
}
