//! Presigned S3 POST forms (boto3's `generate_presigned_post`): the URL and
//! form fields a browser (or `curl -F`) posts a file with, under a signed
//! policy of conditions, without credentials of its own.
//!
//! The policy is written byte for byte as botocore writes it (Python's
//! `json.dumps`: `", "` and `": "` separators, non-ASCII as `\uXXXX`), so
//! the fields equal botocore's for the same inputs and time.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde_json::{json, Value as Json};

use super::{PresignError, MAX_EXPIRES_IN};
use crate::client::ClientHandle;
use crate::time::DateTime;

/// What to presign: the bucket and key, extra form fields, extra policy
/// conditions and how long the form is valid (boto3's default: one hour).
#[derive(Debug, Clone)]
pub struct PresignedPostRequest {
    /// The bucket.
    pub bucket: String,
    /// The object key; a key ending in `${filename}` lets the uploader's
    /// file name complete it (the policy then only fixes the prefix).
    pub key: String,
    /// Form fields to include (`acl`, `Content-Type`, `success_action_status`,
    /// ...), in order; a policy condition must allow each.
    pub fields: Vec<(String, String)>,
    /// Policy conditions: `{"acl": "public-read"}`,
    /// `["content-length-range", 0, 1048576]`,
    /// `["starts-with", "$Content-Type", "image/"]`.
    pub conditions: Vec<Json>,
    /// How long the form can be used (1 second to 7 days).
    pub expires_in: Duration,
}

impl PresignedPostRequest {
    /// A form for `key` in `bucket`, valid for an hour, with no extra fields
    /// or conditions.
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        PresignedPostRequest {
            bucket: bucket.into(),
            key: key.into(),
            fields: Vec::new(),
            conditions: Vec::new(),
            expires_in: Duration::from_secs(3600),
        }
    }

    /// Adds a form field.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Adds a policy condition.
    pub fn condition(mut self, condition: Json) -> Self {
        self.conditions.push(condition);
        self
    }

    /// Requires the form field `field` to equal `value` (`{"acl": "private"}`).
    pub fn exact(self, field: &str, value: &str) -> Self {
        self.condition(json!({ field: value }))
    }

    /// Requires the form field `field` (`$Content-Type`, `$key`) to start
    /// with `prefix` (`["starts-with", "$Content-Type", "image/"]`).
    pub fn starts_with(self, field: &str, prefix: &str) -> Self {
        self.condition(json!(["starts-with", field, prefix]))
    }

    /// Limits the uploaded file's size to `min..=max` bytes.
    pub fn content_length_range(self, min: u64, max: u64) -> Self {
        self.condition(json!(["content-length-range", min, max]))
    }

    /// Sets how long the form is valid.
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = expires_in;
        self
    }
}

/// A presigned POST form: post `fields` (in order) and then the `file`
/// field, as `multipart/form-data`, to `url`.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedPost {
    /// Where to post the form (the bucket's endpoint).
    pub url: String,
    /// The form fields, signature and policy included.
    pub fields: Vec<(String, String)>,
}

impl std::fmt::Debug for PresignedPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The fields hold a session token when there is one.
        let shown: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(k, v)| {
                let v = if k == "x-amz-security-token" {
                    "** redacted **"
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("PresignedPost")
            .field("url", &self.url)
            .field("fields", &shown)
            .finish()
    }
}

/// Presigns a POST form with `client` (an S3 client), as botocore's
/// `S3PostPresigner` and `S3SigV4PostAuth` do.
pub async fn generate_presigned_post(
    client: &ClientHandle,
    request: PresignedPostRequest,
    signing_time: Option<SystemTime>,
) -> Result<PresignedPost, PresignError> {
    let PresignedPostRequest {
        bucket,
        key,
        mut fields,
        mut conditions,
        expires_in,
    } = request;
    if expires_in < Duration::from_secs(1) || expires_in > MAX_EXPIRES_IN {
        return Err(PresignError::InvalidExpiry(expires_in));
    }
    // botocore takes CreateBucket's URL: the bucket's, without a key.
    let bucket_only = client
        .presign_json(
            "CreateBucket",
            json!({ "Bucket": bucket }),
            &super::PresignOptions::expires_in(expires_in),
        )
        .await?;
    let url = bucket_only
        .url
        .split_once('?')
        .map_or(bucket_only.url.as_str(), |(base, _)| base)
        .to_owned();
    conditions.push(json!({ "bucket": bucket }));
    match key.strip_suffix("${filename}") {
        Some(prefix) => conditions.push(json!(["starts-with", "$key", prefix])),
        None => conditions.push(json!({ "key": key })),
    }
    set_field(&mut fields, "key", &key);

    let region = client
        .meta()
        .region()
        .ok_or_else(|| PresignError::Request("the client has no region".into()))?
        .to_owned();
    let credentials = client
        .config()
        .credentials
        .provide_credentials()
        .await
        .map_err(PresignError::Credentials)?;
    let now = signing_time.unwrap_or_else(|| client.config().time_source.now());
    let expiration = DateTime::from(now + expires_in);
    let expiration = DateTime::from_secs(expiration.secs()).to_iso8601();
    // The scope and date come from the same signing time as the signature.
    let scope = crate::signing::sign_text("", &credentials, now, &region, "s3")
        .map_err(PresignError::Signing)?;
    for (name, value) in [
        ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
        ("x-amz-credential", scope.credential.as_str()),
        ("x-amz-date", scope.date.as_str()),
    ] {
        set_field(&mut fields, name, value);
        conditions.push(json!({ name: value }));
    }
    if let Some(token) = credentials.session_token() {
        set_field(&mut fields, "x-amz-security-token", token);
        conditions.push(json!({ "x-amz-security-token": token }));
    }
    let mut policy = String::from("{\"expiration\": ");
    crate::python_json::write_string(&mut policy, &expiration);
    policy.push_str(", \"conditions\": ");
    crate::python_json::write(&mut policy, &Json::Array(conditions));
    policy.push('}');
    let policy = base64::engine::general_purpose::STANDARD.encode(policy.as_bytes());
    let signed = crate::signing::sign_text(&policy, &credentials, now, &region, "s3")
        .map_err(PresignError::Signing)?;
    set_field(&mut fields, "policy", &policy);
    set_field(&mut fields, "x-amz-signature", &signed.signature);
    Ok(PresignedPost { url, fields })
}

/// Sets `name` in place when present (a Python dict's order), else last.
fn set_field(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value.to_owned(),
        None => fields.push((name.to_owned(), value.to_owned())),
    }
}

/// Converts a form (for tests and the dynamic path) to boto3's dict shape:
/// `{"url": ..., "fields": {...}}`.
pub fn to_json(post: &PresignedPost) -> Json {
    let fields: serde_json::Map<String, Json> = post
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), Json::String(v.clone())))
        .collect();
    json!({ "url": post.url, "fields": fields })
}
