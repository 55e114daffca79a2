//! A program using five services through aws-sdk-rust: one call each to S3
//! (GetObject), SQS (SendMessage), DynamoDB (ListTables), STS
//! (GetCallerIdentity) and KMS (ListKeys) against ENDPOINT (build time,
//! size and cold-start benchmark). Built as `real-aws` (default features)
//! and `real-aws-trim` (default features off).

use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::config::Credentials;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: real ENDPOINT")?;
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

    let s3_config = aws_sdk_s3::config::Builder::from(&shared)
        .force_path_style(true)
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(s3_config);
    let object = s3.get_object().bucket("bench").key("small").send().await?;
    let data = object.body.collect().await?.into_bytes();

    let sqs = aws_sdk_sqs::Client::new(&shared);
    let sent = sqs
        .send_message()
        .queue_url(format!("{endpoint}/123456789012/bench"))
        .message_body("hello")
        .send()
        .await?;

    let dynamodb = aws_sdk_dynamodb::Client::new(&shared);
    let tables = dynamodb.list_tables().send().await?;

    let sts = aws_sdk_sts::Client::new(&shared);
    let identity = sts.get_caller_identity().send().await?;

    let kms = aws_sdk_kms::Client::new(&shared);
    let keys = kms.list_keys().send().await?;

    println!(
        "s3 {} bytes, sqs {}, dynamodb {} tables, sts {}, kms {} keys",
        data.len(),
        sent.message_id.unwrap_or_default(),
        tables.table_names().len(),
        identity.account.unwrap_or_default(),
        keys.keys().len(),
    );
    Ok(())
}
