//! `copy` (boto3's managed `client.copy`): HeadObject on the source for its
//! size and ETag, then one CopyObject below the multipart threshold, or a
//! multipart upload of concurrent `UploadPartCopy` ranges above it (and
//! always above CopyObject's 5 GiB limit), pinned to the ETag the HEAD saw
//! and aborted on any failure.
//!
//! A multipart copy is made to look like a CopyObject's: unless the
//! metadata directive is `REPLACE`, the source's content headers and user
//! metadata (from the HEAD) are set on the new object, and unless the
//! tagging directive is `REPLACE`, its tags (one GetObjectTagging when the
//! HEAD counts any). boto3 leaves both behind on multipart copies.

use std::sync::Arc;

use myaws_core::DateTime;

use super::args::{check_names, check_source_key, encode_tags, sse_fields, upload_setters};
use super::multipart::{self, completed_part, part_number, Target};
use super::plan::{parts, Part};
use super::pool::run_parts;
use super::{Progress, SseCustomerKey, TransferConfig, TransferError, UploadArgs, MAX_PART_SIZE};
use crate::types::{
    CompletedPart, CopyObjectRequest, CreateMultipartUploadRequest, GetObjectTaggingRequest,
    HeadObjectOutput, HeadObjectRequest, MetadataDirective, TaggingDirective,
    UploadPartCopyRequest,
};
use crate::Client;

/// The largest object one CopyObject can copy.
const MAX_COPY_OBJECT: u64 = MAX_PART_SIZE;

/// An object to copy, as boto3's `client.copy`; see [`Client::copy`].
///
/// The new object's attributes are set as on an upload (the same setters,
/// or [`ObjectCopy::args`]). As with CopyObject, the content headers and
/// user metadata (`content_type`, `cache_control`, `content_disposition`,
/// `content_encoding`, `content_language`, `expires`, `metadata`) are the
/// source's unless the metadata directive is `REPLACE`, and the tags are
/// the source's unless the tagging directive is `REPLACE`; setting them
/// without the directive is refused rather than silently ignored.
#[derive(Debug, Clone)]
pub struct ObjectCopy {
    source_bucket: String,
    source_key: String,
    source_version_id: Option<String>,
    bucket: String,
    key: String,
    args: UploadArgs,
    copy_source_if_match: Option<String>,
    copy_source_if_none_match: Option<String>,
    copy_source_if_modified_since: Option<DateTime>,
    copy_source_if_unmodified_since: Option<DateTime>,
    copy_source_sse_customer: Option<SseCustomerKey>,
    metadata_directive: Option<MetadataDirective>,
    tagging_directive: Option<TaggingDirective>,
    expected_source_bucket_owner: Option<String>,
    source_client: Option<Client>,
    progress: Progress,
}

impl ObjectCopy {
    /// Copies `source_bucket`/`source_key` to `bucket`/`key`.
    pub fn new(
        source_bucket: impl Into<String>,
        source_key: impl Into<String>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        ObjectCopy {
            source_bucket: source_bucket.into(),
            source_key: source_key.into(),
            source_version_id: None,
            bucket: bucket.into(),
            key: key.into(),
            args: UploadArgs::default(),
            copy_source_if_match: None,
            copy_source_if_none_match: None,
            copy_source_if_modified_since: None,
            copy_source_if_unmodified_since: None,
            copy_source_sse_customer: None,
            metadata_directive: None,
            tagging_directive: None,
            expected_source_bucket_owner: None,
            source_client: None,
            progress: Progress::default(),
        }
    }

    /// Copies this version of the source.
    pub fn source_version_id(mut self, version_id: impl Into<String>) -> Self {
        self.source_version_id = Some(version_id.into());
        self
    }

    /// Copies only if the source's ETag is this one.
    pub fn copy_source_if_match(mut self, e_tag: impl Into<String>) -> Self {
        self.copy_source_if_match = Some(e_tag.into());
        self
    }

    /// Copies only if the source's ETag is not this one.
    pub fn copy_source_if_none_match(mut self, e_tag: impl Into<String>) -> Self {
        self.copy_source_if_none_match = Some(e_tag.into());
        self
    }

    /// Copies only if the source changed after this time.
    pub fn copy_source_if_modified_since(mut self, at: DateTime) -> Self {
        self.copy_source_if_modified_since = Some(at);
        self
    }

    /// Copies only if the source has not changed since this time.
    pub fn copy_source_if_unmodified_since(mut self, at: DateTime) -> Self {
        self.copy_source_if_unmodified_since = Some(at);
        self
    }

    /// The customer-provided AES-256 key (SSE-C, 32 raw bytes) the source
    /// was written with.
    pub fn copy_source_sse_customer_key(mut self, key: impl AsRef<[u8]>) -> Self {
        self.copy_source_sse_customer = Some(SseCustomerKey::aes256(key));
        self
    }

    /// `COPY` (the default) keeps the source's content headers and user
    /// metadata; `REPLACE` uses the ones given here instead.
    pub fn metadata_directive(mut self, directive: MetadataDirective) -> Self {
        self.metadata_directive = Some(directive);
        self
    }

    /// `COPY` (the default) keeps the source's tags; `REPLACE` uses the
    /// ones given here (`tagging`/`tags`) instead.
    pub fn tagging_directive(mut self, directive: TaggingDirective) -> Self {
        self.tagging_directive = Some(directive);
        self
    }

    /// Fails the copy unless the source bucket belongs to this account id.
    pub fn expected_source_bucket_owner(mut self, account_id: impl Into<String>) -> Self {
        self.expected_source_bucket_owner = Some(account_id.into());
        self
    }

    /// Reads the source's size, metadata and tags through this client (as
    /// boto3's `SourceClient`: for a source in another region, say); the
    /// copy requests themselves go through the client doing the copy.
    pub fn source_client(mut self, client: Client) -> Self {
        self.source_client = Some(client);
        self
    }

    /// Replaces every argument of the new object with `args`.
    pub fn args(mut self, args: UploadArgs) -> Self {
        self.args = args;
        self
    }

    upload_setters!(.args);

    /// Calls `callback` with the bytes of each part as it is copied.
    pub fn on_progress(mut self, callback: impl Fn(u64) + Send + Sync + 'static) -> Self {
        self.progress = Progress::new(callback);
        self
    }

    /// `CopySource`: `bucket/key`, with `?versionId=` when a version is
    /// asked for (the client percent-encodes it).
    fn copy_source(&self) -> String {
        match &self.source_version_id {
            Some(v) => format!("{}/{}?versionId={v}", self.source_bucket, self.source_key),
            None => format!("{}/{}", self.source_bucket, self.source_key),
        }
    }

    fn replaces_metadata(&self) -> bool {
        self.metadata_directive == Some(MetadataDirective::Replace)
    }

    fn replaces_tags(&self) -> bool {
        self.tagging_directive == Some(TaggingDirective::Replace)
    }

    /// Refuses what S3 would refuse or silently ignore.
    fn check(&self) -> Result<(), TransferError> {
        check_names(&self.source_bucket, &self.source_key, "source")?;
        check_names(&self.bucket, &self.key, "target")?;
        self.args.check()?;
        check_source_key(&self.copy_source_sse_customer)?;
        let ignored = self.args.replaced_metadata();
        if !self.replaces_metadata() && !ignored.is_empty() {
            return Err(TransferError::InvalidRequest(format!(
                "{} would be ignored: a copy keeps the source's metadata unless \
                 metadata_directive is REPLACE",
                ignored.join(", ")
            )));
        }
        if !self.replaces_tags() && self.args.tagging.is_some() {
            return Err(TransferError::InvalidRequest(
                "tags would be ignored: a copy keeps the source's tags unless \
                 tagging_directive is REPLACE"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The HeadObject of the source: its version, the copy conditions and
    /// the source's SSE-C key, as s3transfer maps them.
    fn head_request(&self) -> HeadObjectRequest {
        let mut head = HeadObjectRequest::default()
            .bucket(&self.source_bucket)
            .key(&self.source_key);
        head.version_id = self.source_version_id.clone();
        head.if_match = self.copy_source_if_match.clone();
        head.if_none_match = self.copy_source_if_none_match.clone();
        head.if_modified_since = self.copy_source_if_modified_since;
        head.if_unmodified_since = self.copy_source_if_unmodified_since;
        (
            head.sse_customer_algorithm,
            head.sse_customer_key,
            head.sse_customer_key_md5,
        ) = sse_fields(&self.copy_source_sse_customer);
        head.request_payer = self.args.request_payer.clone();
        head.expected_bucket_owner = self.expected_source_bucket_owner.clone();
        head
    }

    /// The single CopyObject.
    fn copy_request(&self) -> CopyObjectRequest {
        let mut copy = self.args.copy_object(
            CopyObjectRequest::default()
                .bucket(&self.bucket)
                .key(&self.key)
                .copy_source(self.copy_source()),
        );
        copy.copy_source_if_match = self.copy_source_if_match.clone();
        copy.copy_source_if_none_match = self.copy_source_if_none_match.clone();
        copy.copy_source_if_modified_since = self.copy_source_if_modified_since;
        copy.copy_source_if_unmodified_since = self.copy_source_if_unmodified_since;
        (
            copy.copy_source_sse_customer_algorithm,
            copy.copy_source_sse_customer_key,
            copy.copy_source_sse_customer_key_md5,
        ) = sse_fields(&self.copy_source_sse_customer);
        copy.metadata_directive = self.metadata_directive.clone();
        copy.tagging_directive = self.tagging_directive.clone();
        copy.expected_source_bucket_owner = self.expected_source_bucket_owner.clone();
        copy
    }

    /// The CreateMultipartUpload of a multipart copy: the new object's
    /// arguments, plus the source's metadata unless it is replaced and
    /// `tagging` (the source's tags) unless they are replaced.
    fn create_request(
        &self,
        head: &HeadObjectOutput,
        tagging: Option<String>,
    ) -> CreateMultipartUploadRequest {
        let mut create = self.args.create_multipart_upload(
            CreateMultipartUploadRequest::default()
                .bucket(&self.bucket)
                .key(&self.key),
        );
        if !self.replaces_metadata() {
            create.cache_control = head.cache_control.clone();
            create.content_disposition = head.content_disposition.clone();
            create.content_encoding = head.content_encoding.clone();
            create.content_language = head.content_language.clone();
            create.content_type = head.content_type.clone();
            create.expires = head.expires;
            create.metadata = head.metadata.clone();
        }
        if !self.replaces_tags() {
            create.tagging = tagging;
        }
        create
    }

    /// The UploadPartCopy of `part`, pinned to the source's ETag.
    fn part_request(
        &self,
        upload_id: &str,
        part: Part,
        e_tag: &Option<String>,
    ) -> UploadPartCopyRequest {
        let mut copy = self.args.upload_part_copy(
            UploadPartCopyRequest::default()
                .bucket(&self.bucket)
                .key(&self.key)
                .copy_source(self.copy_source())
                .upload_id(upload_id)
                .copy_source_range(part.range()),
        );
        copy.part_number = i32::try_from(part.number).ok();
        copy.copy_source_if_match = e_tag.clone().or_else(|| self.copy_source_if_match.clone());
        copy.copy_source_if_none_match = self.copy_source_if_none_match.clone();
        copy.copy_source_if_modified_since = self.copy_source_if_modified_since;
        copy.copy_source_if_unmodified_since = self.copy_source_if_unmodified_since;
        (
            copy.copy_source_sse_customer_algorithm,
            copy.copy_source_sse_customer_key,
            copy.copy_source_sse_customer_key_md5,
        ) = sse_fields(&self.copy_source_sse_customer);
        copy.expected_source_bucket_owner = self.expected_source_bucket_owner.clone();
        copy
    }
}

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOutput {
    /// Bytes copied (the source's size).
    pub bytes: u64,
    /// Parts of the multipart copy; 0 for a single CopyObject.
    pub parts: u32,
    /// The new object's ETag.
    pub e_tag: Option<String>,
    /// The new object's version, in a versioned bucket.
    pub version_id: Option<String>,
}

/// Copies as `request` and `config` say.
pub(crate) async fn copy(
    client: &Client,
    request: ObjectCopy,
    config: &TransferConfig,
) -> Result<CopyOutput, TransferError> {
    let concurrency = config.checked_concurrency()?;
    request.check()?;
    let source_client = request.source_client.as_ref().unwrap_or(client);
    let head = source_client
        .head_object(request.head_request())
        .await
        .map_err(|e| TransferError::api("HeadObject", e))?;
    let size = u64::try_from(head.content_length.unwrap_or(0)).map_err(|_| {
        TransferError::Unexpected(format!(
            "HeadObject returned a negative size {:?}",
            head.content_length
        ))
    })?;
    if !config.is_multipart(size) && size <= MAX_COPY_OBJECT {
        let out = client
            .copy_object(request.copy_request())
            .await
            .map_err(|e| TransferError::api("CopyObject", e))?;
        request.progress.report(size);
        return Ok(CopyOutput {
            bytes: size,
            parts: 0,
            e_tag: out.copy_object_result.and_then(|r| r.e_tag),
            version_id: out.version_id,
        });
    }
    let part_size = config.upload_part_size(size)?;
    let tagging = if request.replaces_tags() || head.tag_count.unwrap_or(0) == 0 {
        None
    } else {
        Some(source_tags(source_client, &request).await?)
    };
    let create = request.create_request(&head, tagging);
    let request = Arc::new(request);
    let target = Target {
        client,
        bucket: &request.bucket,
        key: &request.key,
        args: &request.args,
    };
    let out = multipart::run(target, create, |upload_id| {
        let upload_id: Arc<str> = upload_id.into();
        let (request, e_tag) = (request.clone(), head.e_tag.clone());
        run_parts(parts(size, part_size), concurrency, move |part| {
            copy_part(
                client.clone(),
                request.clone(),
                upload_id.clone(),
                e_tag.clone(),
                part,
            )
        })
    })
    .await?;
    Ok(CopyOutput {
        bytes: size,
        parts: size.div_ceil(part_size) as u32,
        e_tag: out.e_tag,
        version_id: out.version_id,
    })
}

/// The source's tags, encoded for `Tagging`.
async fn source_tags(client: &Client, request: &ObjectCopy) -> Result<String, TransferError> {
    let mut get = GetObjectTaggingRequest::default()
        .bucket(&request.source_bucket)
        .key(&request.source_key);
    get.version_id = request.source_version_id.clone();
    get.request_payer = request.args.request_payer.clone();
    get.expected_bucket_owner = request.expected_source_bucket_owner.clone();
    let out = client
        .get_object_tagging(get)
        .await
        .map_err(|e| TransferError::api("GetObjectTagging", e))?;
    let tags = out.tag_set.unwrap_or_default();
    Ok(encode_tags(tags.iter().map(|t| {
        (
            t.key.as_deref().unwrap_or_default(),
            t.value.as_deref().unwrap_or_default(),
        )
    })))
}

/// Copies one part; owns what it needs, so it can run on its own task.
async fn copy_part(
    client: Client,
    request: Arc<ObjectCopy>,
    upload_id: Arc<str>,
    e_tag: Option<String>,
    part: Part,
) -> Result<CompletedPart, TransferError> {
    let number = part_number(part.number)?;
    let out = client
        .upload_part_copy(request.part_request(&upload_id, part, &e_tag))
        .await
        .map_err(|e| TransferError::api("UploadPartCopy", e))?;
    let result = out.copy_part_result.unwrap_or_default();
    let part_e_tag = result.e_tag.clone().ok_or_else(|| {
        TransferError::Unexpected(format!("UploadPartCopy {number} returned no ETag"))
    })?;
    request.progress.report(part.len);
    let algorithm = request.args.checksum_algorithm.as_ref();
    Ok(completed_part!(result, algorithm, number, part_e_tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn head() -> HeadObjectOutput {
        HeadObjectOutput {
            content_type: Some("text/csv".into()),
            cache_control: Some("no-cache".into()),
            metadata: Some(HashMap::from([("a".to_string(), "1".to_string())])),
            e_tag: Some("\"etag\"".into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_source_is_addressed_with_its_version() {
        let copy = ObjectCopy::new("src", "dir/a b.txt", "dst", "k");
        assert_eq!(copy.copy_source(), "src/dir/a b.txt");
        let copy = copy.source_version_id("v 1");
        assert_eq!(copy.copy_source(), "src/dir/a b.txt?versionId=v 1");
        let head = copy.head_request();
        assert_eq!(head.version_id.as_deref(), Some("v 1"));
        assert_eq!(head.bucket.as_deref(), Some("src"));
    }

    #[test]
    fn the_source_key_and_conditions_go_to_the_head_and_every_part() {
        let copy = ObjectCopy::new("src", "a", "dst", "b")
            .copy_source_sse_customer_key([3u8; 32])
            .sse_customer_key([4u8; 32])
            .copy_source_if_none_match("\"old\"")
            .expected_source_bucket_owner("111111111111")
            .expected_bucket_owner("222222222222");
        copy.check().unwrap();
        let source_key = SseCustomerKey::aes256([3u8; 32]);
        let head = copy.head_request();
        assert_eq!(
            head.sse_customer_key_md5.as_deref(),
            Some(source_key.key_md5())
        );
        assert_eq!(head.if_none_match.as_deref(), Some("\"old\""));
        assert_eq!(head.expected_bucket_owner.as_deref(), Some("111111111111"));

        let part = Part {
            number: 2,
            offset: 5,
            len: 5,
        };
        let up = copy.part_request("id", part, &Some("\"etag\"".into()));
        assert_eq!(up.copy_source_range.as_deref(), Some("bytes=5-9"));
        assert_eq!(up.part_number, Some(2));
        assert_eq!(up.copy_source_if_match.as_deref(), Some("\"etag\""));
        assert_eq!(up.copy_source_if_none_match.as_deref(), Some("\"old\""));
        assert_eq!(
            up.copy_source_sse_customer_key_md5.as_deref(),
            Some(source_key.key_md5())
        );
        assert_eq!(
            up.sse_customer_key_md5.as_deref(),
            Some(SseCustomerKey::aes256([4u8; 32]).key_md5())
        );
        assert_eq!(up.expected_bucket_owner.as_deref(), Some("222222222222"));
        assert_eq!(
            up.expected_source_bucket_owner.as_deref(),
            Some("111111111111")
        );

        let single = copy.copy_request();
        assert_eq!(single.copy_source.as_deref(), Some("src/a"));
        assert_eq!(
            single.copy_source_sse_customer_key,
            up.copy_source_sse_customer_key
        );
        assert_eq!(single.sse_customer_key, up.sse_customer_key);
    }

    #[test]
    fn multipart_copies_keep_the_source_metadata_unless_replaced() {
        let copy = ObjectCopy::new("s", "a", "d", "b")
            .storage_class(crate::types::StorageClass::StandardIa);
        let create = copy.create_request(&head(), Some("t=1".into()));
        assert_eq!(create.content_type.as_deref(), Some("text/csv"));
        assert_eq!(create.cache_control.as_deref(), Some("no-cache"));
        assert_eq!(create.metadata.as_ref().unwrap()["a"], "1");
        assert_eq!(create.tagging.as_deref(), Some("t=1"));
        assert_eq!(
            create.storage_class,
            Some(crate::types::StorageClass::StandardIa)
        );

        let copy = ObjectCopy::new("s", "a", "d", "b")
            .metadata_directive(MetadataDirective::Replace)
            .tagging_directive(TaggingDirective::Replace)
            .content_type("application/json")
            .tags([("new", "yes")]);
        copy.check().unwrap();
        let create = copy.create_request(&head(), None);
        assert_eq!(create.content_type.as_deref(), Some("application/json"));
        assert_eq!(create.cache_control, None);
        assert_eq!(create.metadata, None);
        assert_eq!(create.tagging.as_deref(), Some("new=yes"));
        let single = copy.copy_request();
        assert_eq!(single.metadata_directive, Some(MetadataDirective::Replace));
        assert_eq!(single.tagging_directive, Some(TaggingDirective::Replace));
    }

    #[test]
    fn settings_a_copy_would_ignore_are_refused() {
        for copy in [
            ObjectCopy::new("s", "a", "d", "b").content_type("x/y"),
            ObjectCopy::new("s", "a", "d", "b")
                .metadata_directive(MetadataDirective::Copy)
                .metadata(HashMap::new()),
            ObjectCopy::new("s", "a", "d", "b").tags([("k", "v")]),
            ObjectCopy::new("s", "a", "d", "b").copy_source_sse_customer_key(b"short"),
            ObjectCopy::new("", "a", "d", "b"),
            ObjectCopy::new("s", "a", "d", ""),
        ] {
            let err = copy.check().unwrap_err();
            assert!(matches!(err, TransferError::InvalidRequest(_)), "{err}");
        }
    }
}
