//! Hand-written additions to the generated S3 client, as boto3 adds them to
//! its low-level client: presigned URLs ([`presign`], `generate_presigned_url`)
//! and managed transfers ([`transfer`]: `upload_file`, `upload_fileobj`,
//! `download_file` and `copy`).

pub mod presign;
pub mod transfer;
