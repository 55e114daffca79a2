//! Smallest myaws S3 program: PUT then GET one object (build-time/size benchmark).

use myaws_s3::types::{GetObjectRequest, PutObjectRequest};
use myaws_s3::{ByteStream, Client, ClientConfig, Credentials, Session};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: tiny ENDPOINT")?;
    let session = Session::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDBENCH", "bench-secret", None, None))
        .endpoint_url(endpoint)
        .build()?;
    let s3 = Client::with_config(
        &session,
        ClientConfig::default().s3_addressing_style("path"),
    )?;
    let body = ByteStream::from(vec![b'x'; 1024]);
    s3.put_object(
        PutObjectRequest::default()
            .bucket("bench")
            .key("small")
            .body(body),
    )
    .await?;
    let out = s3
        .get_object(GetObjectRequest::default().bucket("bench").key("small"))
        .await?;
    let data = out.body.unwrap_or_default().collect().await?;
    println!("got {} bytes", data.len());
    Ok(())
}
