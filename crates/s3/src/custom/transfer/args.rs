//! The extra arguments of managed transfers, as boto3's `ExtraArgs`
//! (s3transfer's `ALLOWED_UPLOAD_ARGS` and `ALLOWED_DOWNLOAD_ARGS`), checked
//! before anything is sent, and which request of a transfer gets which.
//!
//! An upload's arguments ([`UploadArgs`]) go whole to `PutObject`,
//! `CopyObject` and `CreateMultipartUpload` (the object's attributes are
//! set when the upload is created). The parts get only what each part
//! request needs, as s3transfer splits them:
//!
//! | request | gets |
//! |---|---|
//! | `UploadPart` | checksum algorithm, SSE-C key, request payer, expected bucket owner |
//! | `UploadPartCopy` | SSE-C key (and the source's), request payer, expected bucket owner |
//! | `CompleteMultipartUpload` | SSE-C key, request payer, expected bucket owner (and each part's checksum) |
//! | `AbortMultipartUpload` | request payer, expected bucket owner |
//!
//! A download's arguments ([`DownloadArgs`]) go to its `HeadObject` and to
//! every (ranged) `GetObject`.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use myaws_core::checksum::{ChecksumAlgorithm as CoreAlgorithm, RequestChecksumCalculation};
use myaws_core::DateTime;

use super::TransferError;
use crate::types::{
    AbortMultipartUploadRequest, ChecksumAlgorithm, ChecksumMode, CompleteMultipartUploadRequest,
    CopyObjectRequest, CreateMultipartUploadRequest, GetObjectRequest, HeadObjectRequest,
    ObjectCannedACL, ObjectLockLegalHoldStatus, ObjectLockMode, PutObjectRequest, RequestPayer,
    ServerSideEncryption, StorageClass, UploadPartCopyRequest, UploadPartRequest,
};
use crate::Client;

/// The one SSE-C algorithm S3 has.
const SSE_C_ALGORITHM: &str = "AES256";

/// A customer-provided encryption key (SSE-C): S3 encrypts the object with
/// it and needs it again for every read. Only its base64 form and MD5 are
/// kept, and `Debug` shows the MD5 alone.
#[derive(Clone, PartialEq, Eq)]
pub struct SseCustomerKey {
    key_base64: String,
    key_md5: String,
    len: usize,
}

impl SseCustomerKey {
    /// An AES-256 key: its 32 raw bytes (a key of any other length is
    /// refused when the transfer starts, before anything is sent).
    pub fn aes256(key: impl AsRef<[u8]>) -> Self {
        let key = key.as_ref();
        SseCustomerKey {
            key_base64: base64::engine::general_purpose::STANDARD.encode(key),
            key_md5: CoreAlgorithm::Md5.checksum_of(key),
            len: key.len(),
        }
    }

    /// The base64 MD5 of the key (`x-amz-server-side-encryption-customer-key-MD5`).
    pub fn key_md5(&self) -> &str {
        &self.key_md5
    }

    /// The key is 32 bytes.
    fn check(&self, what: &str) -> Result<(), TransferError> {
        if self.len != 32 {
            return Err(TransferError::InvalidRequest(format!(
                "{what} must be 32 bytes (an AES-256 key), not {}",
                self.len
            )));
        }
        Ok(())
    }

    /// `(algorithm, base64 key, base64 MD5)` for a request's three fields.
    fn fields(key: &Option<Self>) -> (Option<String>, Option<String>, Option<String>) {
        match key {
            Some(k) => (
                Some(SSE_C_ALGORITHM.to_string()),
                Some(k.key_base64.clone()),
                Some(k.key_md5.clone()),
            ),
            None => (None, None, None),
        }
    }
}

impl fmt::Debug for SseCustomerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseCustomerKey")
            .field("algorithm", &SSE_C_ALGORITHM)
            .field("key_md5", &self.key_md5)
            .finish_non_exhaustive()
    }
}

/// URL-encodes tags as S3's `Tagging` header wants them (`k1=v1&k2=v2`).
pub(crate) fn encode_tags<K, V>(tags: impl IntoIterator<Item = (K, V)>) -> String
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    fn escape(out: &mut String, text: &str) {
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let mut out = String::new();
    for (k, v) in tags {
        if !out.is_empty() {
            out.push('&');
        }
        escape(&mut out, k.as_ref());
        out.push('=');
        escape(&mut out, v.as_ref());
    }
    out
}

/// The checksum algorithms S3 computes for uploads (and this SDK can send).
pub(crate) fn core_algorithm(algorithm: &ChecksumAlgorithm) -> Option<CoreAlgorithm> {
    match algorithm {
        ChecksumAlgorithm::Crc32 => Some(CoreAlgorithm::Crc32),
        ChecksumAlgorithm::Crc32c => Some(CoreAlgorithm::Crc32c),
        ChecksumAlgorithm::Crc64nvme => Some(CoreAlgorithm::Crc64Nvme),
        ChecksumAlgorithm::Sha1 => Some(CoreAlgorithm::Sha1),
        ChecksumAlgorithm::Sha256 => Some(CoreAlgorithm::Sha256),
        _ => None,
    }
}

/// Refuses an empty bucket or key before anything is read or sent.
pub(crate) fn check_names(bucket: &str, key: &str, what: &str) -> Result<(), TransferError> {
    if bucket.is_empty() {
        return Err(TransferError::InvalidRequest(format!(
            "the {what} bucket is empty"
        )));
    }
    if key.is_empty() {
        return Err(TransferError::InvalidRequest(format!(
            "the {what} key is empty"
        )));
    }
    Ok(())
}

/// Sets every upload argument on a request that takes them all.
macro_rules! all_args {
    ($args:expr, $r:expr) => {{
        let a = $args;
        $r.acl = a.acl.clone();
        $r.grant_full_control = a.grant_full_control.clone();
        $r.grant_read = a.grant_read.clone();
        $r.grant_read_acp = a.grant_read_acp.clone();
        $r.grant_write_acp = a.grant_write_acp.clone();
        $r.cache_control = a.cache_control.clone();
        $r.content_disposition = a.content_disposition.clone();
        $r.content_encoding = a.content_encoding.clone();
        $r.content_language = a.content_language.clone();
        $r.content_type = a.content_type.clone();
        $r.expires = a.expires;
        $r.metadata = a.metadata.clone();
        $r.website_redirect_location = a.website_redirect_location.clone();
        $r.storage_class = a.storage_class.clone();
        $r.server_side_encryption = a.server_side_encryption.clone();
        $r.ssekms_key_id = a.ssekms_key_id.clone();
        $r.ssekms_encryption_context = a.ssekms_encryption_context.clone();
        $r.bucket_key_enabled = a.bucket_key_enabled;
        (
            $r.sse_customer_algorithm,
            $r.sse_customer_key,
            $r.sse_customer_key_md5,
        ) = SseCustomerKey::fields(&a.sse_customer);
        $r.tagging = a.tagging.clone();
        $r.object_lock_mode = a.object_lock_mode.clone();
        $r.object_lock_retain_until_date = a.object_lock_retain_until_date;
        $r.object_lock_legal_hold_status = a.object_lock_legal_hold_status.clone();
        $r.request_payer = a.request_payer.clone();
        $r.expected_bucket_owner = a.expected_bucket_owner.clone();
        $r.checksum_algorithm = a.checksum_algorithm.clone();
    }};
}

/// Sets every download argument on `HeadObject` or `GetObject`.
macro_rules! download_args {
    ($args:expr, $r:expr) => {{
        let a = $args;
        $r.version_id = a.version_id.clone();
        (
            $r.sse_customer_algorithm,
            $r.sse_customer_key,
            $r.sse_customer_key_md5,
        ) = SseCustomerKey::fields(&a.sse_customer);
        $r.request_payer = a.request_payer.clone();
        $r.expected_bucket_owner = a.expected_bucket_owner.clone();
        $r.checksum_mode = a.checksum_mode.clone();
    }};
}

/// What an upload (or a copy) sets on the new object, as boto3's
/// `ExtraArgs` for `upload_file`, `upload_fileobj` and `copy`: ACL and
/// grants, HTTP headers, user metadata, storage class, encryption, tags,
/// object lock, request payer, expected bucket owner and checksum
/// algorithm.
///
/// Build one and give it to [`UploadFile::args`](super::UploadFile::args)
/// (and the like) to reuse it; every setter is also on the transfer
/// requests themselves. Each request of a transfer gets the arguments it
/// takes (see the [module docs](self)); bad combinations (an SSE-C key that
/// is not 32 bytes, SSE-C with another encryption, a KMS key id without
/// KMS, an object lock mode without a retain-until date, non-ASCII
/// metadata, a checksum algorithm S3 does not compute) are refused before
/// anything is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UploadArgs {
    pub(crate) acl: Option<ObjectCannedACL>,
    pub(crate) grant_full_control: Option<String>,
    pub(crate) grant_read: Option<String>,
    pub(crate) grant_read_acp: Option<String>,
    pub(crate) grant_write_acp: Option<String>,
    pub(crate) cache_control: Option<String>,
    pub(crate) content_disposition: Option<String>,
    pub(crate) content_encoding: Option<String>,
    pub(crate) content_language: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) expires: Option<DateTime>,
    pub(crate) metadata: Option<HashMap<String, String>>,
    pub(crate) website_redirect_location: Option<String>,
    pub(crate) storage_class: Option<StorageClass>,
    pub(crate) server_side_encryption: Option<ServerSideEncryption>,
    pub(crate) ssekms_key_id: Option<String>,
    pub(crate) ssekms_encryption_context: Option<String>,
    pub(crate) bucket_key_enabled: Option<bool>,
    pub(crate) sse_customer: Option<SseCustomerKey>,
    pub(crate) tagging: Option<String>,
    pub(crate) object_lock_mode: Option<ObjectLockMode>,
    pub(crate) object_lock_retain_until_date: Option<DateTime>,
    pub(crate) object_lock_legal_hold_status: Option<ObjectLockLegalHoldStatus>,
    pub(crate) request_payer: Option<RequestPayer>,
    pub(crate) expected_bucket_owner: Option<String>,
    pub(crate) checksum_algorithm: Option<ChecksumAlgorithm>,
}

/// The setters of [`UploadArgs`], on `UploadArgs` itself (`upload_setters!()`)
/// or on a request holding one in `self.args` (`upload_setters!(.args)`).
macro_rules! upload_setters {
    ($(. $field:ident)*) => {
        /// The canned ACL (`x-amz-acl`), e.g. `ObjectCannedACL::BucketOwnerFullControl`.
        pub fn acl(mut self, acl: $crate::types::ObjectCannedACL) -> Self {
            self $(. $field)* .acl = Some(acl);
            self
        }

        /// Grants READ, READ_ACP and WRITE_ACP (`x-amz-grant-full-control`,
        /// e.g. `id="..."`).
        pub fn grant_full_control(mut self, grantees: impl Into<String>) -> Self {
            self $(. $field)* .grant_full_control = Some(grantees.into());
            self
        }

        /// Grants READ on the object (`x-amz-grant-read`).
        pub fn grant_read(mut self, grantees: impl Into<String>) -> Self {
            self $(. $field)* .grant_read = Some(grantees.into());
            self
        }

        /// Grants reading the object's ACL (`x-amz-grant-read-acp`).
        pub fn grant_read_acp(mut self, grantees: impl Into<String>) -> Self {
            self $(. $field)* .grant_read_acp = Some(grantees.into());
            self
        }

        /// Grants writing the object's ACL (`x-amz-grant-write-acp`).
        pub fn grant_write_acp(mut self, grantees: impl Into<String>) -> Self {
            self $(. $field)* .grant_write_acp = Some(grantees.into());
            self
        }

        /// The object's `Cache-Control`.
        pub fn cache_control(mut self, value: impl Into<String>) -> Self {
            self $(. $field)* .cache_control = Some(value.into());
            self
        }

        /// The object's `Content-Disposition`.
        pub fn content_disposition(mut self, value: impl Into<String>) -> Self {
            self $(. $field)* .content_disposition = Some(value.into());
            self
        }

        /// The object's `Content-Encoding` (the bytes are stored as they
        /// are; this says how readers should decode them).
        pub fn content_encoding(mut self, value: impl Into<String>) -> Self {
            self $(. $field)* .content_encoding = Some(value.into());
            self
        }

        /// The object's `Content-Language`.
        pub fn content_language(mut self, value: impl Into<String>) -> Self {
            self $(. $field)* .content_language = Some(value.into());
            self
        }

        /// The object's `Content-Type`.
        pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
            self $(. $field)* .content_type = Some(content_type.into());
            self
        }

        /// The object's `Expires` (when caches should stop serving it).
        pub fn expires(mut self, at: myaws_core::DateTime) -> Self {
            self $(. $field)* .expires = Some(at);
            self
        }

        /// The object's user metadata (`x-amz-meta-*`; ASCII only).
        pub fn metadata(mut self, metadata: std::collections::HashMap<String, String>) -> Self {
            self $(. $field)* .metadata = Some(metadata);
            self
        }

        /// Redirects website requests for the object to this path or URL
        /// (`x-amz-website-redirect-location`).
        pub fn website_redirect_location(mut self, location: impl Into<String>) -> Self {
            self $(. $field)* .website_redirect_location = Some(location.into());
            self
        }

        /// The storage class (`x-amz-storage-class`), e.g. `StorageClass::StandardIa`.
        pub fn storage_class(mut self, class: $crate::types::StorageClass) -> Self {
            self $(. $field)* .storage_class = Some(class);
            self
        }

        /// Server-side encryption with S3 or KMS keys
        /// (`x-amz-server-side-encryption`: `AES256`, `aws:kms`, `aws:kms:dsse`).
        pub fn server_side_encryption(
            mut self,
            encryption: $crate::types::ServerSideEncryption,
        ) -> Self {
            self $(. $field)* .server_side_encryption = Some(encryption);
            self
        }

        /// The KMS key for `aws:kms` encryption (id, ARN or alias).
        pub fn ssekms_key_id(mut self, key_id: impl Into<String>) -> Self {
            self $(. $field)* .ssekms_key_id = Some(key_id.into());
            self
        }

        /// The KMS encryption context: base64 of a JSON object
        /// (`x-amz-server-side-encryption-context`).
        pub fn ssekms_encryption_context(mut self, context: impl Into<String>) -> Self {
            self $(. $field)* .ssekms_encryption_context = Some(context.into());
            self
        }

        /// Whether KMS encryption uses an S3 Bucket Key.
        pub fn bucket_key_enabled(mut self, enabled: bool) -> Self {
            self $(. $field)* .bucket_key_enabled = Some(enabled);
            self
        }

        /// Encrypts the object with this customer-provided AES-256 key
        /// (SSE-C: the 32 raw bytes; sent base64-encoded with its MD5 on
        /// every request that needs it, parts included).
        pub fn sse_customer_key(mut self, key: impl AsRef<[u8]>) -> Self {
            self $(. $field)* .sse_customer =
                Some($crate::custom::transfer::SseCustomerKey::aes256(key));
            self
        }

        /// The object's tags, already URL-encoded (`x-amz-tagging`,
        /// `k1=v1&k2=v2`); see `tags` to encode them.
        pub fn tagging(mut self, tagging: impl Into<String>) -> Self {
            self $(. $field)* .tagging = Some(tagging.into());
            self
        }

        /// The object's tags, as key/value pairs (URL-encoded here).
        pub fn tags<K, V>(mut self, tags: impl IntoIterator<Item = (K, V)>) -> Self
        where
            K: AsRef<str>,
            V: AsRef<str>,
        {
            self $(. $field)* .tagging = Some($crate::custom::transfer::args::encode_tags(tags));
            self
        }

        /// The object lock mode (needs a retain-until date too).
        pub fn object_lock_mode(mut self, mode: $crate::types::ObjectLockMode) -> Self {
            self $(. $field)* .object_lock_mode = Some(mode);
            self
        }

        /// Until when the object is locked (needs a lock mode too).
        pub fn object_lock_retain_until_date(mut self, until: myaws_core::DateTime) -> Self {
            self $(. $field)* .object_lock_retain_until_date = Some(until);
            self
        }

        /// Puts a legal hold on the object (or not).
        pub fn object_lock_legal_hold_status(
            mut self,
            status: $crate::types::ObjectLockLegalHoldStatus,
        ) -> Self {
            self $(. $field)* .object_lock_legal_hold_status = Some(status);
            self
        }

        /// Acknowledges that the requester pays (requester-pays buckets).
        pub fn request_payer(mut self, payer: $crate::types::RequestPayer) -> Self {
            self $(. $field)* .request_payer = Some(payer);
            self
        }

        /// Fails the requests unless the bucket belongs to this account id.
        pub fn expected_bucket_owner(mut self, account_id: impl Into<String>) -> Self {
            self $(. $field)* .expected_bucket_owner = Some(account_id.into());
            self
        }

        /// The checksum S3 checks and stores: `CRC32`, `CRC32C`,
        /// `CRC64NVME`, `SHA1` or `SHA256`. A multipart upload is created
        /// with it, each part carries its own, and the completion lists
        /// them. Uploads default to `CRC32` (as boto3) unless the client's
        /// `request_checksum_calculation` is `when_required`.
        pub fn checksum_algorithm(mut self, algorithm: $crate::types::ChecksumAlgorithm) -> Self {
            self $(. $field)* .checksum_algorithm = Some(algorithm);
            self
        }
    };
}
pub(crate) use upload_setters;

impl UploadArgs {
    upload_setters!();

    /// Refuses combinations S3 would refuse, before anything is sent.
    pub(crate) fn check(&self) -> Result<(), TransferError> {
        let invalid = |m: String| Err(TransferError::InvalidRequest(m));
        if let Some(key) = &self.sse_customer {
            key.check("the SSE-C key")?;
            if let Some(sse) = &self.server_side_encryption {
                return invalid(format!(
                    "an SSE-C key cannot be combined with server-side encryption {sse}"
                ));
            }
        }
        let kms = matches!(
            self.server_side_encryption,
            Some(ServerSideEncryption::AwsKms | ServerSideEncryption::AwsKmsDsse)
        );
        if !kms && (self.ssekms_key_id.is_some() || self.ssekms_encryption_context.is_some()) {
            return invalid(
                "a KMS key id or encryption context needs server-side encryption aws:kms or \
                 aws:kms:dsse"
                    .into(),
            );
        }
        if self.object_lock_mode.is_some() != self.object_lock_retain_until_date.is_some() {
            return invalid(
                "an object lock mode and a retain-until date go together: set both or neither"
                    .into(),
            );
        }
        if let Some(algorithm) = &self.checksum_algorithm {
            if core_algorithm(algorithm).is_none() {
                return invalid(format!(
                    "checksum algorithm {algorithm} is not one S3 computes for uploads \
                     (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)"
                ));
            }
        }
        for (key, value) in self.metadata.iter().flatten() {
            if !key.is_ascii() || !value.is_ascii() {
                return invalid(format!(
                    "metadata {key:?}: {value:?} is not ASCII (S3 metadata travels in headers)"
                ));
            }
        }
        Ok(())
    }

    /// The arguments with boto3's default checksum (CRC32) when none was
    /// chosen and the client computes checksums whenever supported.
    pub(crate) fn with_default_checksum(mut self, client: &Client) -> Self {
        if self.checksum_algorithm.is_none()
            && client.handle().config().request_checksum_calculation
                == RequestChecksumCalculation::WhenSupported
        {
            self.checksum_algorithm = Some(ChecksumAlgorithm::Crc32);
        }
        self
    }

    /// The members set that a copy takes from its source unless its
    /// metadata directive is `REPLACE`.
    pub(crate) fn replaced_metadata(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        let mut note = |is_set: bool, name| {
            if is_set {
                set.push(name);
            }
        };
        note(self.cache_control.is_some(), "cache_control");
        note(self.content_disposition.is_some(), "content_disposition");
        note(self.content_encoding.is_some(), "content_encoding");
        note(self.content_language.is_some(), "content_language");
        note(self.content_type.is_some(), "content_type");
        note(self.expires.is_some(), "expires");
        note(self.metadata.is_some(), "metadata");
        set
    }

    /// A single upload: every argument.
    pub(crate) fn put_object(&self, mut r: PutObjectRequest) -> PutObjectRequest {
        all_args!(self, r);
        r
    }

    /// A single copy: every argument (the copy's own are set by the caller).
    pub(crate) fn copy_object(&self, mut r: CopyObjectRequest) -> CopyObjectRequest {
        all_args!(self, r);
        r
    }

    /// The start of a multipart upload or copy: every argument.
    pub(crate) fn create_multipart_upload(
        &self,
        mut r: CreateMultipartUploadRequest,
    ) -> CreateMultipartUploadRequest {
        all_args!(self, r);
        r
    }

    /// One part: its checksum algorithm, the SSE-C key, request payer and
    /// expected owner.
    pub(crate) fn upload_part(&self, mut r: UploadPartRequest) -> UploadPartRequest {
        r.checksum_algorithm = self.checksum_algorithm.clone();
        (
            r.sse_customer_algorithm,
            r.sse_customer_key,
            r.sse_customer_key_md5,
        ) = SseCustomerKey::fields(&self.sse_customer);
        r.request_payer = self.request_payer.clone();
        r.expected_bucket_owner = self.expected_bucket_owner.clone();
        r
    }

    /// One copied part: the SSE-C key of the new object, request payer and
    /// expected owner (the source's arguments are set by the caller).
    pub(crate) fn upload_part_copy(&self, mut r: UploadPartCopyRequest) -> UploadPartCopyRequest {
        (
            r.sse_customer_algorithm,
            r.sse_customer_key,
            r.sse_customer_key_md5,
        ) = SseCustomerKey::fields(&self.sse_customer);
        r.request_payer = self.request_payer.clone();
        r.expected_bucket_owner = self.expected_bucket_owner.clone();
        r
    }

    /// The completion: the SSE-C key, request payer and expected owner.
    pub(crate) fn complete_multipart_upload(
        &self,
        mut r: CompleteMultipartUploadRequest,
    ) -> CompleteMultipartUploadRequest {
        (
            r.sse_customer_algorithm,
            r.sse_customer_key,
            r.sse_customer_key_md5,
        ) = SseCustomerKey::fields(&self.sse_customer);
        r.request_payer = self.request_payer.clone();
        r.expected_bucket_owner = self.expected_bucket_owner.clone();
        r
    }

    /// The abort after a failure: request payer and expected owner.
    pub(crate) fn abort_multipart_upload(
        &self,
        mut r: AbortMultipartUploadRequest,
    ) -> AbortMultipartUploadRequest {
        r.request_payer = self.request_payer.clone();
        r.expected_bucket_owner = self.expected_bucket_owner.clone();
        r
    }
}

/// What a download asks of its `HeadObject` and every `GetObject`, as
/// boto3's `ALLOWED_DOWNLOAD_ARGS`: a version, the SSE-C key the object was
/// written with, request payer, expected bucket owner and checksum mode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DownloadArgs {
    pub(crate) version_id: Option<String>,
    pub(crate) sse_customer: Option<SseCustomerKey>,
    pub(crate) request_payer: Option<RequestPayer>,
    pub(crate) expected_bucket_owner: Option<String>,
    pub(crate) checksum_mode: Option<ChecksumMode>,
}

/// The setters of [`DownloadArgs`], on itself or on a request holding one
/// in `self.args`.
macro_rules! download_setters {
    ($(. $field:ident)*) => {
        /// Downloads this version of the object.
        pub fn version_id(mut self, version_id: impl Into<String>) -> Self {
            self $(. $field)* .version_id = Some(version_id.into());
            self
        }

        /// The customer-provided AES-256 key (SSE-C, 32 raw bytes) the
        /// object was uploaded with.
        pub fn sse_customer_key(mut self, key: impl AsRef<[u8]>) -> Self {
            self $(. $field)* .sse_customer =
                Some($crate::custom::transfer::SseCustomerKey::aes256(key));
            self
        }

        /// Acknowledges that the requester pays (requester-pays buckets).
        pub fn request_payer(mut self, payer: $crate::types::RequestPayer) -> Self {
            self $(. $field)* .request_payer = Some(payer);
            self
        }

        /// Fails the requests unless the bucket belongs to this account id.
        pub fn expected_bucket_owner(mut self, account_id: impl Into<String>) -> Self {
            self $(. $field)* .expected_bucket_owner = Some(account_id.into());
            self
        }

        /// `ChecksumMode::Enabled` asks S3 for the object's checksum, which
        /// whole-object GETs then check the bytes against.
        pub fn checksum_mode(mut self, mode: $crate::types::ChecksumMode) -> Self {
            self $(. $field)* .checksum_mode = Some(mode);
            self
        }
    };
}
pub(crate) use download_setters;

impl DownloadArgs {
    download_setters!();

    /// Refuses a bad SSE-C key before anything is sent.
    pub(crate) fn check(&self) -> Result<(), TransferError> {
        if let Some(key) = &self.sse_customer {
            key.check("the SSE-C key")?;
        }
        Ok(())
    }

    /// The download's `HeadObject`.
    pub(crate) fn head_object(&self, mut r: HeadObjectRequest) -> HeadObjectRequest {
        download_args!(self, r);
        r
    }

    /// Each of the download's `GetObject`s.
    pub(crate) fn get_object(&self, mut r: GetObjectRequest) -> GetObjectRequest {
        download_args!(self, r);
        r
    }
}

/// An SSE-C key checked as the copy source's.
pub(crate) fn check_source_key(key: &Option<SseCustomerKey>) -> Result<(), TransferError> {
    match key {
        Some(k) => k.check("the copy source's SSE-C key"),
        None => Ok(()),
    }
}

/// The three SSE-C fields of a request for `key`.
pub(crate) fn sse_fields(
    key: &Option<SseCustomerKey>,
) -> (Option<String>, Option<String>, Option<String>) {
    SseCustomerKey::fields(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn everything() -> UploadArgs {
        let metadata = HashMap::from([("owner".to_string(), "ops".to_string())]);
        UploadArgs::default()
            .acl(ObjectCannedACL::BucketOwnerFullControl)
            .grant_read("id=\"abc\"")
            .cache_control("max-age=60")
            .content_disposition("attachment")
            .content_encoding("gzip")
            .content_language("fr")
            .content_type("text/plain")
            .expires(DateTime::from_secs(2_000_000_000))
            .metadata(metadata)
            .website_redirect_location("/other")
            .storage_class(StorageClass::StandardIa)
            .sse_customer_key([7u8; 32])
            .tags([("team", "a b"), ("k&", "v=")])
            .object_lock_mode(ObjectLockMode::Governance)
            .object_lock_retain_until_date(DateTime::from_secs(2_100_000_000))
            .object_lock_legal_hold_status(ObjectLockLegalHoldStatus::On)
            .request_payer(RequestPayer::Requester)
            .expected_bucket_owner("111122223333")
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
    }

    #[test]
    fn whole_object_requests_get_every_argument() {
        let args = everything();
        args.check().unwrap();
        let put = args.put_object(PutObjectRequest::default());
        assert_eq!(put.acl, Some(ObjectCannedACL::BucketOwnerFullControl));
        assert_eq!(put.grant_read.as_deref(), Some("id=\"abc\""));
        assert_eq!(put.cache_control.as_deref(), Some("max-age=60"));
        assert_eq!(put.content_type.as_deref(), Some("text/plain"));
        assert_eq!(put.content_language.as_deref(), Some("fr"));
        assert_eq!(put.expires, Some(DateTime::from_secs(2_000_000_000)));
        assert_eq!(put.metadata.as_ref().unwrap()["owner"], "ops");
        assert_eq!(put.storage_class, Some(StorageClass::StandardIa));
        assert_eq!(put.tagging.as_deref(), Some("team=a%20b&k%26=v%3D"));
        assert_eq!(put.sse_customer_algorithm.as_deref(), Some("AES256"));
        assert_eq!(
            put.sse_customer_key.as_deref(),
            Some("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
        );
        assert_eq!(
            put.sse_customer_key_md5.as_deref(),
            Some(CoreAlgorithm::Md5.checksum_of(&[7u8; 32]).as_str())
        );
        assert_eq!(put.object_lock_mode, Some(ObjectLockMode::Governance));
        assert_eq!(
            put.object_lock_legal_hold_status,
            Some(ObjectLockLegalHoldStatus::On)
        );
        assert_eq!(put.request_payer, Some(RequestPayer::Requester));
        assert_eq!(put.expected_bucket_owner.as_deref(), Some("111122223333"));
        assert_eq!(put.checksum_algorithm, Some(ChecksumAlgorithm::Sha256));

        let create = args.create_multipart_upload(CreateMultipartUploadRequest::default());
        assert_eq!(create.storage_class, Some(StorageClass::StandardIa));
        assert_eq!(create.tagging, put.tagging);
        assert_eq!(create.metadata, put.metadata);
        assert_eq!(create.sse_customer_key, put.sse_customer_key);
        assert_eq!(create.checksum_algorithm, Some(ChecksumAlgorithm::Sha256));
        assert_eq!(create.website_redirect_location.as_deref(), Some("/other"));

        let copy = args.copy_object(CopyObjectRequest::default());
        assert_eq!(copy.content_disposition.as_deref(), Some("attachment"));
        assert_eq!(copy.content_encoding.as_deref(), Some("gzip"));
        assert_eq!(copy.sse_customer_key_md5, put.sse_customer_key_md5);
        assert_eq!(copy.copy_source_sse_customer_key, None);
    }

    #[test]
    fn parts_get_only_what_they_take() {
        let args = everything();
        let part = args.upload_part(UploadPartRequest::default());
        assert_eq!(part.checksum_algorithm, Some(ChecksumAlgorithm::Sha256));
        assert_eq!(part.sse_customer_algorithm.as_deref(), Some("AES256"));
        assert!(part.sse_customer_key.is_some() && part.sse_customer_key_md5.is_some());
        assert_eq!(part.request_payer, Some(RequestPayer::Requester));
        assert_eq!(part.expected_bucket_owner.as_deref(), Some("111122223333"));

        let copy = args.upload_part_copy(UploadPartCopyRequest::default());
        assert_eq!(copy.sse_customer_key, part.sse_customer_key);
        assert_eq!(copy.copy_source_sse_customer_key, None);
        assert_eq!(copy.request_payer, Some(RequestPayer::Requester));

        let complete = args.complete_multipart_upload(CompleteMultipartUploadRequest::default());
        assert_eq!(complete.sse_customer_key, part.sse_customer_key);
        assert_eq!(
            complete.expected_bucket_owner.as_deref(),
            Some("111122223333")
        );
        assert_eq!(complete.checksum_sha256, None);

        let abort = args.abort_multipart_upload(AbortMultipartUploadRequest::default());
        assert_eq!(abort.request_payer, Some(RequestPayer::Requester));
        assert_eq!(abort.expected_bucket_owner.as_deref(), Some("111122223333"));

        // Nothing set, nothing sent.
        let bare = UploadArgs::default().upload_part(UploadPartRequest::default());
        assert_eq!(bare, UploadPartRequest::default());
    }

    #[test]
    fn downloads_send_their_arguments_to_head_and_get() {
        let args = DownloadArgs::default()
            .version_id("v1")
            .sse_customer_key([1u8; 32])
            .request_payer(RequestPayer::Requester)
            .expected_bucket_owner("111122223333")
            .checksum_mode(ChecksumMode::Enabled);
        args.check().unwrap();
        let head = args.head_object(HeadObjectRequest::default());
        let get = args.get_object(GetObjectRequest::default());
        for (version, key, md5, payer, owner, mode) in [
            (
                &head.version_id,
                &head.sse_customer_key,
                &head.sse_customer_key_md5,
                &head.request_payer,
                &head.expected_bucket_owner,
                &head.checksum_mode,
            ),
            (
                &get.version_id,
                &get.sse_customer_key,
                &get.sse_customer_key_md5,
                &get.request_payer,
                &get.expected_bucket_owner,
                &get.checksum_mode,
            ),
        ] {
            assert_eq!(version.as_deref(), Some("v1"));
            assert_eq!(
                key.as_deref(),
                Some("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
            );
            assert!(md5.is_some());
            assert_eq!(payer, &Some(RequestPayer::Requester));
            assert_eq!(owner.as_deref(), Some("111122223333"));
            assert_eq!(mode, &Some(ChecksumMode::Enabled));
        }
        assert_eq!(head.sse_customer_algorithm.as_deref(), Some("AES256"));
    }

    #[test]
    fn bad_combinations_are_refused() {
        let bad = [
            UploadArgs::default().sse_customer_key([0u8; 16]),
            UploadArgs::default()
                .sse_customer_key([0u8; 32])
                .server_side_encryption(ServerSideEncryption::Aes256),
            UploadArgs::default().ssekms_key_id("alias/k"),
            UploadArgs::default()
                .server_side_encryption(ServerSideEncryption::Aes256)
                .ssekms_encryption_context("e30="),
            UploadArgs::default().object_lock_mode(ObjectLockMode::Compliance),
            UploadArgs::default().object_lock_retain_until_date(DateTime::from_secs(1)),
            UploadArgs::default().checksum_algorithm(ChecksumAlgorithm::Md5),
            UploadArgs::default().checksum_algorithm(ChecksumAlgorithm::Xxhash64),
            UploadArgs::default().metadata(HashMap::from([("k".into(), "é".into())])),
        ];
        for args in bad {
            let err = args.check().unwrap_err();
            assert!(
                matches!(err, TransferError::InvalidRequest(_)),
                "{args:?}: {err}"
            );
        }
        let good = [
            UploadArgs::default()
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id("alias/k")
                .bucket_key_enabled(true),
            UploadArgs::default()
                .server_side_encryption(ServerSideEncryption::AwsKmsDsse)
                .ssekms_encryption_context("e30="),
            UploadArgs::default().checksum_algorithm(ChecksumAlgorithm::Crc64nvme),
        ];
        for args in good {
            args.check().unwrap();
        }
        let err = DownloadArgs::default()
            .sse_customer_key(b"short")
            .check()
            .unwrap_err();
        assert!(err.to_string().contains("32 bytes"), "{err}");
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let args = UploadArgs::default().sse_customer_key(*b"0123456789abcdef0123456789abcdef");
        let shown = format!("{args:?}");
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
        assert!(!shown.contains("MDEyMzQ1Njc4"), "{shown}");
        assert!(shown.contains("key_md5"), "{shown}");
    }

    #[test]
    fn tags_and_names() {
        assert_eq!(encode_tags([("a", "1"), ("b", "")]), "a=1&b=");
        assert_eq!(encode_tags(Vec::<(String, String)>::new()), "");
        assert_eq!(encode_tags([("ü/+", "x y")]), "%C3%BC%2F%2B=x%20y");
        assert!(check_names("b", "k", "target").is_ok());
        assert!(check_names("", "k", "target").is_err());
        assert!(check_names("b", "", "source").is_err());
    }

    #[test]
    fn copies_note_the_metadata_they_replace() {
        assert!(UploadArgs::default()
            .storage_class(StorageClass::Glacier)
            .replaced_metadata()
            .is_empty());
        assert_eq!(
            UploadArgs::default()
                .content_type("a/b")
                .metadata(HashMap::new())
                .replaced_metadata(),
            ["content_type", "metadata"]
        );
    }
}
