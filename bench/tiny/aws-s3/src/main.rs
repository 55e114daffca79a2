//! Smallest aws-sdk-s3 program: PUT then GET one object (build-time/size benchmark).

use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::config::Credentials;
use aws_sdk_s3::primitives::ByteStream;

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
        .endpoint_url(endpoint)
        .load()
        .await;
    let config = aws_sdk_s3::config::Builder::from(&shared)
        .force_path_style(true)
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(config);
    let body = ByteStream::from(vec![b'x'; 1024]);
    s3.put_object()
        .bucket("bench")
        .key("small")
        .body(body)
        .send()
        .await?;
    let out = s3.get_object().bucket("bench").key("small").send().await?;
    let data = out.body.collect().await?.into_bytes();
    println!("got {} bytes", data.len());
    Ok(())
}
