//! Hand-written additions to the generated RDS client, as boto3 adds them to
//! its low-level client: IAM database authentication tokens
//! (`generate_db_auth_token`).

pub use myaws_core::presign::{PresignError, DB_AUTH_TOKEN_EXPIRES_IN};

use crate::Client;

impl Client {
    /// An IAM database authentication token for `username` on the database
    /// at `hostname:port`, valid for 15 minutes: the password of a MySQL or
    /// PostgreSQL connection (over TLS). Signed with the client's
    /// credentials in `region`, or the client's region when `None`; nothing
    /// is sent to AWS.
    ///
    /// ```no_run
    /// # async fn demo(rds: &myaws_rds::Client) -> Result<(), myaws_rds::custom::PresignError> {
    /// let password = rds
    ///     .generate_db_auth_token("db.abc.eu-west-1.rds.amazonaws.com", 5432, "app", None)
    ///     .await?;
    /// # let _ = password;
    /// # Ok(()) }
    /// ```
    pub async fn generate_db_auth_token(
        &self,
        hostname: &str,
        port: u16,
        username: &str,
        region: Option<&str>,
    ) -> Result<String, PresignError> {
        myaws_core::presign::generate_db_auth_token(self.handle(), hostname, port, username, region)
            .await
    }
}
