//! Hand-written additions to the generated S3 client, as boto3 adds them to
//! its low-level client: presigned URLs ([`presign`], `generate_presigned_url`)
//! and managed file transfers ([`transfer`], `upload_file` and
//! `download_file`).

pub mod presign;
pub mod transfer;
