//! [`MultipartUpload`]: an open multipart upload that is aborted unless it
//! is marked finished, so a failed or cancelled upload leaves no parts
//! behind.

use crate::types::AbortMultipartUploadRequest;
use crate::Client;

/// An in-progress multipart upload.
pub(crate) struct MultipartUpload {
    client: Client,
    request: Option<AbortMultipartUploadRequest>,
}

impl MultipartUpload {
    /// Tracks upload `upload_id` of `bucket`/`key`.
    pub fn new(client: &Client, bucket: &str, key: &str, upload_id: &str) -> Self {
        MultipartUpload {
            client: client.clone(),
            request: Some(
                AbortMultipartUploadRequest::default()
                    .bucket(bucket)
                    .key(key)
                    .upload_id(upload_id),
            ),
        }
    }

    /// The upload completed: nothing to abort.
    pub fn finished(mut self) {
        self.request = None;
    }

    /// Aborts the upload, freeing its parts.
    pub async fn abort(mut self) -> Result<(), String> {
        let Some(request) = self.request.take() else {
            return Ok(());
        };
        self.client
            .abort_multipart_upload(request)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

impl Drop for MultipartUpload {
    /// The upload's future was dropped mid-way: abort in the background when
    /// a runtime is at hand.
    fn drop(&mut self) {
        if let Some(request) = self.request.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let client = self.client.clone();
                runtime.spawn(async move {
                    let _ = client.abort_multipart_upload(request).await;
                });
            }
        }
    }
}
