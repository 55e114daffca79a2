//! Root-cause categories for the report: a finding's stable key (and, for a
//! few, its detail) mapped to a human label. The rules name the botocore
//! customization or protocol detail behind a difference; findings no rule
//! knows fall back to their key (with the service for service-specific
//! keys), so a new kind of difference still gets its own line.

use super::compare::Finding;

/// Where a finding was made.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    /// Service (`s3`).
    pub service: &'a str,
    /// Operation (`PutObject`).
    pub operation: &'a str,
    /// Case name (`rich`, `output-rich`, `error:NoSuchKey`).
    pub case: &'a str,
}

/// The category label of `finding`.
pub fn categorize(at: At<'_>, finding: &Finding) -> String {
    let key = finding.key.as_str();
    let detail = finding.detail.as_str();
    let parts: Vec<&str> = key.splitn(3, ':').collect();
    let last = parts.last().copied().unwrap_or("");
    let s3_list = matches!(
        at.operation,
        "ListObjects" | "ListObjectsV2" | "ListObjectVersions"
    );
    let label = match parts.as_slice() {
        ["header", "amz-sdk-invocation-id", "only-botocore"] => {
            "retry headers: `amz-sdk-invocation-id` not sent (botocore: a uuid4 per call)"
        }
        ["header", "amz-sdk-request", "only-botocore"] => {
            "retry headers: `amz-sdk-request` not sent (botocore: `attempt=N`)"
        }
        ["auth", "signed-only-by-myaws", "content-length"] => {
            "SigV4: myaws signs `Content-Length` (botocore never signs it)"
        }
        ["auth", "signed-only-by-botocore", _]
            if matches!(at.case, "header-latin1" | "bad-labels") =>
        {
            "SigV4: myaws leaves headers with non-ASCII values out of the signature"
        }
        ["endpoint"] if at.service == "s3control" && detail.contains("myaws https://123456789012.") => {
            "s3control: myaws applies the model's `{AccountId}.` host prefix on top of the endpoint rules (botocore drops it from the model)"
        }
        ["endpoint" | "path"] if at.service == "s3" && at.operation == "GetBucketLocation" => {
            "S3 GetBucketLocation: botocore forces path-style addressing"
        }
        ["header", "content-md5", "only-myaws"] | ["header", "x-amz-checksum-crc32", "only-botocore"]
            if matches!(at.service, "s3" | "s3control") =>
        {
            "checksums: httpChecksumRequired operations get Content-MD5 from myaws, a CRC32 flexible checksum from botocore"
        }
        ["header", h, "differs" | "only-botocore"]
            if h.contains("server-side-encryption-customer-key") =>
        {
            "S3 SSE-C: customer key not base64-encoded and its MD5 not added"
        }
        ["body", _, "differs"] if is_epoch_fraction(detail) => {
            "JSON epoch timestamps: myaws sends fractional seconds, botocore truncates to whole seconds"
        }
        ["header", _, "differs"] if detail.contains(".789000Z") => {
            "ISO 8601 timestamps in headers: myaws sends microseconds, botocore whole seconds"
        }
        ["query", "encoding-type", "only-botocore"] => {
            "S3 ListObjects*: botocore sends EncodingType=url when none is given"
        }
        ["out", _, "differs"] if at.service == "s3" && s3_list => {
            "S3 ListObjects*: botocore URL-decodes keys and prefixes of the response (its EncodingType=url)"
        }
        ["header", "x-amz-copy-source", "differs"] => "S3 CopySource not URL-encoded",
        ["form", "UserData", "differs"] => "EC2 RunInstances: UserData not base64-encoded",
        ["form", "PresignedUrl" | "DestinationRegion", "only-botocore"] => {
            "EC2 CopySnapshot: PresignedUrl and DestinationRegion not injected"
        }
        ["reject", "myaws-only", why] if why.contains("missing required parameter") && why.to_ascii_lowercase().contains("token") => {
            "idempotency tokens: a required token member is not filled before validation"
        }
        ["reject", "botocore-only", why] if why.contains("Invalid bucket name") => {
            "S3 bucket names not validated (botocore refuses names that are not valid buckets or ARNs)"
        }
        ["reject", "botocore-only", why] if why.contains("S3 metadata can only contain ASCII") => {
            "S3 metadata with non-ASCII values not refused"
        }
        ["reject", "botocore-only", why] if why.contains("ARN") => {
            "S3 ARN buckets: botocore refuses this ARN use, myaws sends"
        }
        ["out", path, _] if at.service == "iam" && is_policy_path(path) => {
            "IAM: policy documents not URL-decoded and parsed as JSON"
        }
        ["out", "$.Output", "differs"] if at.operation == "GetConsoleOutput" => {
            "EC2 GetConsoleOutput: Output not base64-decoded"
        }
        ["out", p, "only-botocore" | "only-myaws"] if at.service == "s3" && p.starts_with("$.Metadata.") => {
            "S3 user metadata keys: myaws lowercases them, botocore keeps the header's case"
        }
        ["out", "$.ExpiresString", "only-botocore"] => "S3 ExpiresString (raw Expires header) not added",
        ["out", "$.LocationConstraint", "only-botocore"] => {
            "S3 GetBucketLocation: an empty LocationConstraint is None in botocore, absent in myaws"
        }
        ["out", _, "only-botocore"] if detail == "botocore \"\"" => {
            "empty blob or string payloads: botocore returns an empty value, myaws omits the member"
        }
        ["err", "message"] if at.service == "sso-oidc" => {
            "SSO OIDC: OAuth2 error_description not used as the error message"
        }
        ["header", "expect", "only-botocore"] => {
            "S3 uploads: botocore sends `Expect: 100-continue` for every body, myaws above 1 MiB"
        }
        ["header", "x-amz-content-sha256", "differs"] if detail.contains("botocore \"UNSIGNED-PAYLOAD\"") => {
            "S3 uploads with a checksum header over HTTPS: botocore sends UNSIGNED-PAYLOAD, myaws signs the payload"
        }
        ["header", "content-length", "only-botocore"] => {
            "S3: an explicit ContentLength parameter is sent by botocore, replaced by the body's length in myaws"
        }
        ["err", "exception"] if at.service == "cloudwatch" || detail.contains("botocore Some(") => {
            "error codes shared by several shapes: botocore raises the last shape with the code, myaws the operation's"
        }
        ["header", "x-amz-content-sha256", "differs"] => {
            "payload signing: x-amz-content-sha256 differs (signed payload vs UNSIGNED-PAYLOAD)"
        }
        ["header", "x-amz-api-version", "only-botocore"] => {
            "DynamoDB DescribeEndpoints: botocore sends x-amz-api-version"
        }
        ["out", p, _] if at.service == "s3" && at.operation == "GetBucketNotification" && p.ends_with(".Event") => {
            "S3 GetBucketNotification: the deprecated Event member shares its XML name with Events"
        }
        _ => "",
    };
    if !label.is_empty() {
        return label.to_string();
    }
    // Fallbacks: the key, generalized where it names one value.
    match parts.as_slice() {
        ["reject", side, why] => format!("reject:{side}: {}", why.trim()),
        ["auth", kind, _] if kind.starts_with("signed-only-by") => {
            format!("SigV4: {} (`{last}`)", kind.replace('-', " "))
        }
        _ if ["body:", "out:", "err-member:", "query:", "form:"]
            .iter()
            .any(|p| key.starts_with(p)) =>
        {
            format!("{}: {key}", at.service)
        }
        _ => key.to_string(),
    }
}

/// `botocore 1709210096, myaws 1709210096.789`: a whole second against the
/// same second with a fraction.
fn is_epoch_fraction(detail: &str) -> bool {
    let Some(rest) = detail.strip_prefix("botocore ") else {
        return false;
    };
    let Some((b, m)) = rest.split_once(", myaws ") else {
        return false;
    };
    match (b.parse::<i64>(), m.split_once('.')) {
        (Ok(whole), Some((int, frac))) => {
            int.parse::<i64>() == Ok(whole) && frac.bytes().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

fn is_policy_path(path: &str) -> bool {
    path.ends_with("PolicyDocument") || path.ends_with("Document")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(key: &str, detail: &str) -> Finding {
        Finding {
            key: key.into(),
            detail: detail.into(),
        }
    }

    const AT: At<'static> = At {
        service: "sqs",
        operation: "SendMessage",
        case: "rich",
    };

    #[test]
    fn known_causes_get_labels() {
        assert!(
            categorize(AT, &f("header:amz-sdk-request:only-botocore", ""))
                .starts_with("retry headers")
        );
        assert!(categorize(
            AT,
            &f(
                "body:$.When:differs",
                "botocore 1709210096, myaws 1709210096.789"
            )
        )
        .starts_with("JSON epoch timestamps"));
        assert_eq!(
            categorize(AT, &f("body:$.Name:differs", "botocore \"a\", myaws \"b\"")),
            "sqs: body:$.Name:differs"
        );
        assert_eq!(categorize(AT, &f("method", "x")), "method");
    }

    #[test]
    fn epoch_fractions() {
        assert!(is_epoch_fraction(
            "botocore 1709210096, myaws 1709210096.789"
        ));
        assert!(!is_epoch_fraction(
            "botocore 1709210096, myaws 1709210097.789"
        ));
        assert!(!is_epoch_fraction("botocore \"a\", myaws \"b\""));
    }
}
