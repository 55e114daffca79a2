//! Presigned S3 URLs made by myaws, used by plain `curl` against moto.

use std::process::Command;
use std::time::Duration;

use myaws_s3::custom::presign::PresignedRequest;
use myaws_s3::types::{DeleteObjectRequest, GetObjectRequest, HeadObjectRequest, PutObjectRequest};
use myaws_tests::unique;

mod s3_common;
use s3_common::{bucket, client};

/// moto accepts any secret; this one is distinct so the tests can check it
/// never appears in a URL.
const SECRET: &str = "myaws-presign-test-secret-key";

/// What curl saw: status and body.
struct Curl {
    status: u16,
    body: Vec<u8>,
}

/// Makes the presigned request with curl, sending `body` when given.
fn curl(request: &PresignedRequest, body: Option<&[u8]>) -> Curl {
    let dir = std::env::temp_dir().join(unique("myaws-curl"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("out");
    let mut cmd = Command::new("curl");
    cmd.args(["--silent", "--show-error", "--max-time", "30"])
        .args(["-X", request.method.as_str()])
        .arg("-o")
        .arg(&out)
        .args(["-w", "%{http_code}"]);
    for (name, value) in &request.headers {
        cmd.arg("-H")
            .arg(format!("{name}: {}", value.to_str().expect("header")));
    }
    if let Some(body) = body {
        let input = dir.join("in");
        std::fs::write(&input, body).expect("write body");
        cmd.arg("--data-binary")
            .arg(format!("@{}", input.display()));
    }
    cmd.arg(&request.url);
    let output = cmd.output().expect("curl runs");
    assert!(
        output.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let status = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("status code");
    let body = std::fs::read(&out).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    Curl { status, body }
}

#[tokio::test]
async fn curl_gets_an_object_through_a_presigned_url() {
    let s3 = client();
    let bucket = bucket(&s3, "presign-get").await;
    let content = b"hello from a presigned URL\n".repeat(100);
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&bucket)
            .key("dir/greeting file.txt")
            .body(content.clone()),
    )
    .await
    .expect("put_object");

    let get = s3
        .presign_get_object(
            GetObjectRequest::default()
                .bucket(&bucket)
                .key("dir/greeting file.txt"),
            Duration::from_secs(300),
        )
        .await
        .expect("presign");
    assert!(get.url.contains("X-Amz-Signature="), "{}", get.url);
    assert!(!get.url.contains(SECRET));
    let got = curl(&get, None);
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
    assert_eq!(got.body, content);
}

#[tokio::test]
async fn curl_puts_with_the_signed_content_type_and_it_reads_back() {
    let s3 = client();
    let bucket = bucket(&s3, "presign-put").await;
    let put = s3
        .presign_put_object(
            PutObjectRequest::default()
                .bucket(&bucket)
                .key("upload.json")
                .content_type("application/json"),
            Duration::from_secs(300),
        )
        .await
        .expect("presign");
    assert_eq!(put.method, "PUT");
    assert_eq!(put.headers["content-type"], "application/json");
    let body = br#"{"uploaded": "with curl"}"#;
    let sent = curl(&put, Some(body));
    assert_eq!(sent.status, 200, "{}", String::from_utf8_lossy(&sent.body));

    let head = s3
        .head_object(
            HeadObjectRequest::default()
                .bucket(&bucket)
                .key("upload.json"),
        )
        .await
        .expect("head_object");
    assert_eq!(head.content_type.as_deref(), Some("application/json"));
    let got = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(&bucket)
                .key("upload.json"),
        )
        .await
        .expect("get_object");
    let got_body = got.body.expect("body").collect().await.expect("read body");
    assert_eq!(&got_body[..], &body[..]);
}

#[tokio::test]
async fn curl_deletes_through_a_presigned_url() {
    let s3 = client();
    let bucket = bucket(&s3, "presign-delete").await;
    s3.put_object(
        PutObjectRequest::default()
            .bucket(&bucket)
            .key("doomed")
            .body(b"bye".to_vec()),
    )
    .await
    .expect("put_object");
    let delete = s3
        .presign_delete_object(
            DeleteObjectRequest::default().bucket(&bucket).key("doomed"),
            Duration::from_secs(60),
        )
        .await
        .expect("presign");
    assert_eq!(delete.method, "DELETE");
    assert_eq!(curl(&delete, None).status, 204);
    let head = s3
        .head_object(HeadObjectRequest::default().bucket(&bucket).key("doomed"))
        .await;
    assert_eq!(head.expect_err("deleted").status(), Some(404));
}

#[tokio::test]
async fn expiry_limits_are_enforced_before_anything_is_sent() {
    let s3 = client();
    let request = GetObjectRequest::default().bucket("b").key("k");
    for bad in [Duration::ZERO, Duration::from_secs(7 * 24 * 3600 + 1)] {
        let err = s3
            .presign_get_object(request.clone(), bad)
            .await
            .expect_err("invalid expiry");
        assert!(err.to_string().contains("7 days"), "{err}");
    }
    let week = s3
        .presign_get_object(request, Duration::from_secs(7 * 24 * 3600))
        .await
        .expect("7 days is allowed");
    assert!(week.url.contains("X-Amz-Expires=604800"), "{}", week.url);
}

#[tokio::test]
async fn curl_uploads_a_file_with_a_presigned_post_form() {
    use myaws_s3::custom::presign::PresignedPostRequest;

    let s3 = client();
    let bucket = bucket(&s3, "presign-post").await;
    let form = s3
        .generate_presigned_post(
            PresignedPostRequest::new(&bucket, "uploads/${filename}")
                .field("Content-Type", "text/plain")
                .starts_with("$Content-Type", "text/")
                .content_length_range(1, 1 << 20),
        )
        .await
        .expect("generate_presigned_post");
    let dir = std::env::temp_dir().join(unique("myaws-post"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("note one.txt");
    std::fs::write(&file, b"posted through a form\n").expect("write file");
    let mut cmd = Command::new("curl");
    cmd.args(["--silent", "--show-error", "--max-time", "30"])
        .args(["-o", "/dev/null", "-w", "%{http_code}"]);
    for (name, value) in &form.fields {
        // `--form-string`: values are sent as they are (no `@` or `<`).
        cmd.arg("--form-string").arg(format!("{name}={value}"));
    }
    cmd.arg("-F").arg(format!("file=@{}", file.display()));
    cmd.arg(&form.url);
    let output = cmd.output().expect("curl runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let status: u16 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!((200..300).contains(&status), "POST answered {status}");

    let got = s3
        .get_object(
            GetObjectRequest::default()
                .bucket(&bucket)
                .key("uploads/note one.txt"),
        )
        .await
        .expect("the posted object exists under the file's name");
    let body = got.body.expect("body").collect().await.expect("read body");
    assert_eq!(&body[..], b"posted through a form\n");
}
