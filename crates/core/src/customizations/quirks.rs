//! The one place the pipeline asks for service-specific behaviour: a
//! [`Quirks`] value chosen once per client from its model, called at fixed
//! points of every call. Services without quirks get no-ops.

use http::HeaderMap;

use super::s3::{self, BucketRegions};
use crate::model::{Operation, ServiceModel};
use crate::value::Value;

/// A client's service-specific behaviour.
#[derive(Debug)]
pub(crate) enum Quirks {
    /// Nothing beyond the model.
    None,
    /// S3: bucket-less paths, per-bucket regions learnt from redirects,
    /// `200` responses carrying errors, `GetBucketLocation`'s bare body.
    S3(BucketRegions),
}

impl Quirks {
    /// The quirks of the service `model` describes.
    pub(crate) fn for_model(model: &ServiceModel) -> Quirks {
        if s3::is_s3(model) {
            Quirks::S3(BucketRegions::default())
        } else {
            Quirks::None
        }
    }

    /// True for S3 (its upload rules differ too).
    pub(crate) fn is_s3(&self) -> bool {
        matches!(self, Quirks::S3(_))
    }

    /// Adjusts a serialized request path: S3's endpoint rules carry the
    /// bucket (host or endpoint path), so it leaves the path.
    pub(crate) fn fix_request_path(&self, op: &Operation, path: &mut String) {
        if self.is_s3() {
            s3::strip_bucket_from_path(op, path);
        }
    }

    /// The bucket a call addresses and the region a redirect taught us for
    /// it, if any.
    pub(crate) fn bucket_region(
        &self,
        model: &ServiceModel,
        op: &Operation,
        input: &Value,
    ) -> (Option<String>, Option<String>) {
        let Quirks::S3(regions) = self else {
            return (None, None);
        };
        let bucket = s3::bucket_of(model, op, input).map(str::to_string);
        let region = bucket.as_deref().and_then(|b| regions.get(b));
        (bucket, region)
    }

    /// The status a buffered response really has: S3 sends some errors
    /// after a `200` went out, which are retried as a `500`.
    pub(crate) fn effective_status(
        &self,
        model: &ServiceModel,
        op: &Operation,
        status: http::StatusCode,
        body: &[u8],
    ) -> http::StatusCode {
        let hidden_error = self.is_s3()
            && status == http::StatusCode::OK
            && s3::checks_200_errors(model, op)
            && s3::is_200_error(body);
        if hidden_error {
            http::StatusCode::INTERNAL_SERVER_ERROR
        } else {
            status
        }
    }

    /// Fixes a parsed output the model cannot describe (S3's
    /// `GetBucketLocation`).
    pub(crate) fn fix_output(
        &self,
        model: &ServiceModel,
        op: &Operation,
        body: &[u8],
        out: &mut Value,
    ) {
        if self.is_s3() {
            s3::fix_bucket_location(model, op, body, out);
        }
    }

    /// The region a wrong-region error for `bucket` points to; remembered
    /// for the bucket's later calls.
    pub(crate) fn redirect(
        &self,
        op: &Operation,
        bucket: &str,
        error: (u16, &str),
        headers: &HeaderMap,
        body: &[u8],
    ) -> Option<String> {
        let Quirks::S3(regions) = self else {
            return None;
        };
        let (status, code) = error;
        let region = s3::redirect_region(op, status, code, headers, body)?;
        regions.insert(bucket, &region);
        Some(region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customizations::tests::blank_operation;

    fn bucket_op() -> Operation {
        let mut op = blank_operation();
        op.name = "GetObject".into();
        op.http.request_uri = "/{Bucket}/{Key+}".into();
        op
    }

    #[test]
    fn services_without_quirks_are_left_alone() {
        let quirks = Quirks::None;
        let mut path = "/bucket/key".to_string();
        quirks.fix_request_path(&bucket_op(), &mut path);
        assert_eq!(path, "/bucket/key");
        let headers = HeaderMap::new();
        let error = (301, "PermanentRedirect");
        assert_eq!(
            quirks.redirect(&bucket_op(), "b", error, &headers, b""),
            None
        );
        assert!(!quirks.is_s3());
    }

    #[test]
    fn s3_strips_the_bucket_and_remembers_redirects() {
        let quirks = Quirks::S3(BucketRegions::default());
        let mut path = "/bucket/key".to_string();
        quirks.fix_request_path(&bucket_op(), &mut path);
        assert_eq!(path, "/key");
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-bucket-region", "eu-west-1".parse().unwrap());
        let error = (301, "PermanentRedirect");
        let region = quirks.redirect(&bucket_op(), "b", error, &headers, b"");
        assert_eq!(region.as_deref(), Some("eu-west-1"));
        let Quirks::S3(regions) = &quirks else {
            unreachable!()
        };
        assert_eq!(regions.get("b").as_deref(), Some("eu-west-1"));
    }
}
