//! IAM database authentication tokens (boto3's RDS `generate_db_auth_token`):
//! a presigned `connect` request to the database endpoint, used as the
//! password of a MySQL or PostgreSQL connection for 15 minutes.

use std::time::Duration;

use http::Method;

use super::{PresignError, PresignOptions};
use crate::client::ClientHandle;

/// How long a token is valid: botocore's 900 seconds (the most RDS takes).
pub const DB_AUTH_TOKEN_EXPIRES_IN: Duration = Duration::from_secs(900);

/// The signing name of database connections.
const SIGNING_NAME: &str = "rds-db";

/// A token for `username` on the database at `hostname:port`, signed with
/// `client`'s credentials in `region` (the client's when `None`). The token
/// is the presigned URL without its `https://`, as botocore returns it.
pub async fn generate_db_auth_token(
    client: &ClientHandle,
    hostname: &str,
    port: u16,
    username: &str,
    region: Option<&str>,
) -> Result<String, PresignError> {
    let invalid = |problem: &str| PresignError::InvalidParams {
        operation: "generate_db_auth_token".into(),
        problems: vec![problem.to_owned()],
    };
    if hostname.is_empty() || hostname.contains(['/', '?', '#', '@', ':', ' ']) {
        return Err(invalid(
            "DBHostname must be a host name (no scheme, port, path or spaces)",
        ));
    }
    if username.is_empty() {
        return Err(invalid("DBUsername must not be empty"));
    }
    let region = match region.or(client.meta().region()) {
        Some(region) => region.to_owned(),
        None => return Err(invalid("no region: give one or configure the client's")),
    };
    let url = format!(
        "https://{hostname}:{port}/?Action=connect&DBUser={}",
        crate::protocol::ser::text::uri_encode(username)
    );
    let presigned = client
        .presign_url(
            Method::GET,
            &url,
            SIGNING_NAME,
            &region,
            &PresignOptions::expires_in(DB_AUTH_TOKEN_EXPIRES_IN),
        )
        .await?;
    Ok(presigned
        .url
        .strip_prefix("https://")
        .unwrap_or(&presigned.url)
        .to_owned())
}
