//! Cross-region copies that carry a presigned URL of themselves for the
//! source region: EC2 `CopySnapshot` (`PresignedUrl`, botocore's
//! `inject_presigned_url_ec2`) and the RDS, Neptune and DocumentDB copies
//! and cluster creations (`PreSignedUrl` from `SourceRegion`, botocore's
//! `inject_presigned_url_rds`). The URL is the same request, as a `GET` to
//! the source region's endpoint, signed there for an hour, with
//! `DestinationRegion` set to the client's region.

use std::time::Duration;

use http::Method;

use super::values::{set, slot};
use crate::client::ClientHandle;
use crate::error::SdkError;
use crate::presign::{Presign, PresignOptions};
use crate::protocol::{self, SerializeOptions};
use crate::value::Value;

/// How long the embedded URL is valid (botocore: 3600 s).
const EXPIRES_IN: Duration = Duration::from_secs(3600);

/// Which members a presigned-URL operation uses.
#[derive(Debug)]
pub(crate) struct PresignedUrl {
    /// The member that carries the URL.
    url_member: &'static str,
    /// RDS style: `SourceRegion` is a client-side member (from the SDK
    /// extras), removed from the request; without it nothing is presigned.
    /// EC2 style: it is the API's own member and kept.
    source_region_is_client_side: bool,
}

/// EC2's `CopySnapshot`.
static EC2: PresignedUrl = PresignedUrl {
    url_member: "PresignedUrl",
    source_region_is_client_side: false,
};

/// RDS, Neptune and DocumentDB.
static RDS: PresignedUrl = PresignedUrl {
    url_member: "PreSignedUrl",
    source_region_is_client_side: true,
};

/// The rule for `operation` of the service called `service` in events.
pub(super) fn rule_for(service: &str, operation: &str) -> Option<&'static PresignedUrl> {
    match (service, operation) {
        ("ec2", "CopySnapshot") => Some(&EC2),
        (
            "rds",
            "CopyDBClusterSnapshot"
            | "CreateDBCluster"
            | "CopyDBSnapshot"
            | "CreateDBInstanceReadReplica"
            | "StartDBInstanceAutomatedBackupsReplication",
        )
        | ("neptune" | "docdb", "CopyDBClusterSnapshot" | "CreateDBCluster") => Some(&RDS),
        _ => None,
    }
}

type Failure = SdkError<crate::client::RawServiceError>;

impl ClientHandle {
    /// Fills the presigned URL of a cross-region copy (after validation,
    /// before serialization), as botocore's handlers do.
    pub(crate) async fn inject_presigned_url(
        &self,
        op: usize,
        rule: &PresignedUrl,
        input: &mut Value,
    ) -> Result<(), Failure> {
        let model = self.model().clone();
        let operation = &model.operations[op];
        let Some(shape) = operation.input else {
            return Ok(());
        };
        let Some(source) = slot(&model, shape, input, "SourceRegion")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return Ok(());
        };
        if rule.source_region_is_client_side {
            set(&model, shape, input, "SourceRegion", Value::Null);
        }
        if slot(&model, shape, input, rule.url_member).is_some() {
            return Ok(());
        }
        let destination = self.config().region.clone().ok_or_else(|| {
            SdkError::Construction(format!(
                "{} needs the client's region (the copy's destination) to presign the source request",
                operation.name
            ))
        })?;
        let mut copy = input.clone();
        set(
            &model,
            shape,
            &mut copy,
            "DestinationRegion",
            Value::String(destination.clone()),
        );
        let mut serialized =
            protocol::serialize_request(&model, operation, &copy, &SerializeOptions::default())
                .map_err(|e| SdkError::Construction(e.message))?;
        if model
            .shape(shape)
            .member_index("DestinationRegion")
            .is_none()
        {
            // RDS has no such member; botocore adds the parameter anyway.
            let mut body = serialized.body.to_vec();
            body.extend_from_slice(format!("&DestinationRegion={destination}").as_bytes());
            serialized.body = body.into();
        }
        let options = PresignOptions::expires_in(EXPIRES_IN).http_method(Method::GET);
        let presigned = self
            .presign_serialized(Presign {
                op,
                input: &copy,
                serialized,
                region: Some(&source),
                expires_in: EXPIRES_IN,
                options: &options,
            })
            .await
            .map_err(|e| match e {
                crate::presign::PresignError::Credentials(e) => SdkError::Credentials(e),
                other => SdkError::Construction(format!(
                    "presigning {} for {source} failed: {other}",
                    operation.name
                )),
            })?;
        set(
            &model,
            shape,
            input,
            rule.url_member,
            Value::String(presigned.url),
        );
        if !rule.source_region_is_client_side {
            set(
                &model,
                shape,
                input,
                "DestinationRegion",
                Value::String(destination),
            );
        }
        Ok(())
    }
}
