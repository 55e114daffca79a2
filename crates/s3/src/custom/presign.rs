//! Presigned S3 requests, as boto3's `generate_presigned_url`: a URL (plus,
//! for some requests, headers) that lets its holder make one request without
//! credentials until it expires.
//!
//! ```no_run
//! # async fn demo(s3: &myaws_s3::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use myaws_s3::types::{GetObjectRequest, PutObjectRequest};
//!
//! let get = s3
//!     .presign_get_object(
//!         GetObjectRequest::default().bucket("my-bucket").key("report.pdf"),
//!         Duration::from_secs(3600),
//!     )
//!     .await?;
//! println!("curl '{}'", get.url);
//!
//! // The content type is signed: uploads must send the same header.
//! let put = s3
//!     .presign_put_object(
//!         PutObjectRequest::default()
//!             .bucket("my-bucket")
//!             .key("notes.txt")
//!             .content_type("text/plain"),
//!         Duration::from_secs(600),
//!     )
//!     .await?;
//! println!("curl -X PUT -H 'Content-Type: text/plain' --data-binary @notes.txt '{}'", put.url);
//! # Ok(()) }
//! ```

use std::time::Duration;

pub use myaws_core::presign::{
    PresignError, PresignOptions, PresignedPost, PresignedPostRequest, PresignedRequest,
    MAX_EXPIRES_IN,
};
use myaws_core::IntoValue;

use crate::types::{
    DeleteObjectRequest, GetObjectRequest, HeadObjectRequest, PutObjectRequest, UploadPartRequest,
};
use crate::Client;

impl Client {
    /// A form that lets a browser (or `curl -F`) upload one object with
    /// `POST`, under a signed policy (boto3's `generate_presigned_post`):
    /// post [`PresignedPost::fields`] in order, then the `file` field, to
    /// [`PresignedPost::url`].
    ///
    /// ```no_run
    /// # async fn demo(s3: &myaws_s3::Client) -> Result<(), myaws_s3::custom::presign::PresignError> {
    /// use myaws_s3::custom::presign::PresignedPostRequest;
    ///
    /// let form = s3
    ///     .generate_presigned_post(
    ///         PresignedPostRequest::new("my-bucket", "uploads/${filename}")
    ///             .content_length_range(0, 10_485_760),
    ///     )
    ///     .await?;
    /// let mut curl = format!("curl {}", form.url);
    /// for (name, value) in &form.fields {
    ///     curl.push_str(&format!(" -F '{name}={value}'"));
    /// }
    /// println!("{curl} -F file=@photo.png");
    /// # Ok(()) }
    /// ```
    pub async fn generate_presigned_post(
        &self,
        request: PresignedPostRequest,
    ) -> Result<PresignedPost, PresignError> {
        myaws_core::presign::generate_presigned_post(self.handle(), request, None).await
    }

    /// Presigns any S3 operation (`"GetObject"` or `"get_object"`) with a
    /// typed input and full [`PresignOptions`] (method override, fixed
    /// signing time).
    pub async fn presign_input(
        &self,
        operation: &str,
        input: impl IntoValue,
        options: &PresignOptions,
    ) -> Result<PresignedRequest, PresignError> {
        let op = self
            .handle()
            .operation_index(operation)
            .ok_or_else(|| PresignError::UnknownOperation(operation.to_string()))?;
        self.handle()
            .presign_value(op, input.into_value(), options)
            .await
    }

    /// A URL to download an object, valid for `expires_in` (1 second to 7
    /// days). Conditional and `response-*` overrides in `input` are signed.
    pub async fn presign_get_object(
        &self,
        input: GetObjectRequest,
        expires_in: Duration,
    ) -> Result<PresignedRequest, PresignError> {
        self.presign_input("GetObject", input, &PresignOptions::expires_in(expires_in))
            .await
    }

    /// A URL to upload an object with `PUT`, valid for `expires_in`. Any
    /// body in `input` is ignored: the holder sends the body. Headers the
    /// input sets (`content_type`, `metadata`, ...) are signed and returned
    /// in [`PresignedRequest::headers`]; the upload must send them.
    pub async fn presign_put_object(
        &self,
        input: PutObjectRequest,
        expires_in: Duration,
    ) -> Result<PresignedRequest, PresignError> {
        self.presign_input("PutObject", input, &PresignOptions::expires_in(expires_in))
            .await
    }

    /// A URL for `HEAD` on an object, valid for `expires_in`.
    pub async fn presign_head_object(
        &self,
        input: HeadObjectRequest,
        expires_in: Duration,
    ) -> Result<PresignedRequest, PresignError> {
        self.presign_input("HeadObject", input, &PresignOptions::expires_in(expires_in))
            .await
    }

    /// A URL to delete an object, valid for `expires_in`.
    pub async fn presign_delete_object(
        &self,
        input: DeleteObjectRequest,
        expires_in: Duration,
    ) -> Result<PresignedRequest, PresignError> {
        self.presign_input(
            "DeleteObject",
            input,
            &PresignOptions::expires_in(expires_in),
        )
        .await
    }

    /// A URL to upload one part of a multipart upload, valid for
    /// `expires_in`: hand these out so that others can upload parts.
    pub async fn presign_upload_part(
        &self,
        input: UploadPartRequest,
        expires_in: Duration,
    ) -> Result<PresignedRequest, PresignError> {
        self.presign_input("UploadPart", input, &PresignOptions::expires_in(expires_in))
            .await
    }
}
