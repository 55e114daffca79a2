//! S3's response quirks:
//!
//! - a `200 OK` whose body is an `<Error>` document (CopyObject,
//!   CompleteMultipartUpload, UploadPartCopy can fail after the headers went
//!   out) is a `500`-class error and retried, as botocore's
//!   `handle_200_error` makes it; so is a truncated XML body;
//! - `GetBucketLocation` answers with the region as the root element's text;
//! - wrong-region answers (`301`, `400 AuthorizationHeaderMalformed`,
//!   `x-amz-bucket-region`) name the bucket's region, which is remembered per
//!   bucket ([`BucketRegions`]) so the call and later ones go there directly.

use std::collections::HashMap;
use std::sync::Mutex;

use http::HeaderMap;
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::model::{Operation, ServiceModel, ShapeKind};
use crate::value::Value;

/// Most buckets remembered per client.
const MAX_CACHED_BUCKETS: usize = 1024;

/// True when `model` is S3 (its quirks apply).
pub fn is_s3(model: &ServiceModel) -> bool {
    model.metadata.service_id == "S3"
}

/// Whether a `200` body must be checked for an embedded error: operations
/// with an output that is not a raw blob/string payload.
pub fn checks_200_errors(model: &ServiceModel, op: &Operation) -> bool {
    let Some(output) = op.output else {
        return false;
    };
    let shape = model.shape(output);
    match shape.payload.as_deref().and_then(|p| shape.member_index(p)) {
        Some(i) => {
            let target = model.shape(shape.members[i].target);
            !matches!(target.kind, ShapeKind::Blob | ShapeKind::String) && !target.event_stream
        }
        None => true,
    }
}

/// A `200` body that is really an error: an `<Error>` root element, or XML
/// cut short (the connection broke mid-body).
pub fn is_200_error(body: &[u8]) -> bool {
    if body.iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    let mut reader = Reader::from_reader(body);
    let mut depth = 0usize;
    let mut root: Option<Vec<u8>> = None;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                if root.is_none() {
                    root = Some(e.local_name().as_ref().to_vec());
                }
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                if root.is_none() {
                    root = Some(e.local_name().as_ref().to_vec());
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(_) => return true,
        }
        buf.clear();
    }
    depth > 0 || root.is_none() || root.as_deref() == Some(b"Error")
}

/// `GetBucketLocation`'s `LocationConstraint`: the root element's text
/// (absent for `us-east-1`).
pub fn bucket_location(body: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut in_root = false;
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) if !in_root => in_root = true,
            Ok(Event::Text(t)) if in_root => {
                text.push_str(&String::from_utf8_lossy(&t));
            }
            Ok(Event::End(_)) | Ok(Event::Eof) | Ok(Event::Empty(_)) | Err(_) => break,
            Ok(Event::Start(_)) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Sets the `LocationConstraint` member of a parsed `GetBucketLocation`
/// output from the body.
pub fn fix_bucket_location(model: &ServiceModel, op: &Operation, body: &[u8], out: &mut Value) {
    if op.name != "GetBucketLocation" {
        return;
    }
    let Some(index) = op
        .output
        .and_then(|o| model.shape(o).member_index("LocationConstraint"))
    else {
        return;
    };
    if let Value::Struct(slots) = out {
        if let Some(slot) = slots.get_mut(index) {
            *slot = bucket_location(body).map_or(Value::Null, Value::String);
        }
    }
}

/// Drops the bucket from the path of operations whose URI starts with
/// `/{Bucket}`: the endpoint rules already put it in the host (virtual
/// style) or the endpoint's path (path style), as botocore's
/// `remove_bucket_from_url_paths_from_model` does.
pub fn strip_bucket_from_path(op: &Operation, path: &mut String) {
    let Some(rest) = op.http.request_uri.strip_prefix("/{Bucket}") else {
        return;
    };
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
        return;
    }
    let Some(after_slash) = path.strip_prefix('/') else {
        return;
    };
    let end = after_slash.find('/').unwrap_or(after_slash.len());
    *path = after_slash[end..].to_string();
}

/// The `Bucket` input member, if set.
pub fn bucket_of<'v>(model: &ServiceModel, op: &Operation, input: &'v Value) -> Option<&'v str> {
    let index = model.shape(op.input?).member_index("Bucket")?;
    input.as_struct()?.get(index)?.as_str()
}

/// The region a wrong-region error points to (botocore's
/// `S3RegionRedirectorv2.redirect_from_error` cases), if any.
pub fn redirect_region(
    op: &Operation,
    status: u16,
    code: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<String> {
    let header_region = headers
        .get("x-amz-bucket-region")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let head = matches!(op.name.as_str(), "HeadObject" | "HeadBucket");
    let redirect = matches!(status, 301 | 302 | 307)
        || code == "PermanentRedirect"
        || code == "AuthorizationHeaderMalformed"
        || (code == "IllegalLocationConstraintException" && op.name != "CreateBucket")
        || (head && matches!(status, 301 | 400));
    if !redirect {
        return None;
    }
    // The region becomes part of a host name: a hostile or garbled one is
    // not followed (the error is returned as it came).
    header_region
        .or_else(|| error_field(body, "Region"))
        .filter(|region| {
            crate::config::resolve::validate_region(region, &crate::config::SettingSource::Session)
                .is_ok()
        })
}

/// The text of `<Error><{field}>` in an S3 error body.
fn error_field(body: &[u8], field: &str) -> Option<String> {
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => inside = e.local_name().as_ref() == field.as_bytes(),
            Ok(Event::Text(t)) if inside => {
                let text = String::from_utf8_lossy(&t).trim().to_string();
                return (!text.is_empty()).then_some(text);
            }
            Ok(Event::End(_)) => inside = false,
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// Bucket → region learnt from redirects, shared by a client's clones.
#[derive(Debug, Default)]
pub struct BucketRegions {
    map: Mutex<HashMap<String, String>>,
}

impl BucketRegions {
    /// The remembered region of `bucket`.
    pub fn get(&self, bucket: &str) -> Option<String> {
        self.map.lock().ok()?.get(bucket).cloned()
    }

    /// Remembers `bucket`'s region (bounded: a full cache starts over).
    pub fn insert(&self, bucket: &str, region: &str) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_CACHED_BUCKETS && !map.contains_key(bucket) {
                map.clear();
            }
            map.insert(bucket.to_string(), region.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_errors_and_truncated_bodies_are_errors() {
        assert!(is_200_error(
            b"<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code></Error>"
        ));
        assert!(is_200_error(b"<CopyObjectResult><ETag>\"x\"</ETag>"));
        assert!(is_200_error(b"not xml at all <"));
        assert!(!is_200_error(b""));
        assert!(!is_200_error(b"  \n"));
        assert!(!is_200_error(
            b"<?xml version=\"1.0\"?><CopyObjectResult><ETag>x</ETag></CopyObjectResult>"
        ));
        assert!(!is_200_error(b"<ListBucketResult/>"));
    }

    #[test]
    fn bucket_location_is_the_root_text() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1</LocationConstraint>";
        assert_eq!(bucket_location(body).as_deref(), Some("eu-west-1"));
        assert_eq!(bucket_location(b"<LocationConstraint xmlns=\"x\"/>"), None);
        assert_eq!(
            bucket_location(b"<LocationConstraint></LocationConstraint>"),
            None
        );
        assert_eq!(bucket_location(b"garbage"), None);
    }

    #[test]
    fn redirect_regions_come_from_the_header_or_the_body() {
        let op = |name: &str| Operation {
            name: name.into(),
            ..crate::customizations::tests::blank_operation()
        };
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-bucket-region", "eu-central-1".parse().unwrap());
        assert_eq!(
            redirect_region(&op("GetObject"), 301, "PermanentRedirect", &headers, b"").as_deref(),
            Some("eu-central-1")
        );
        let body = b"<Error><Code>AuthorizationHeaderMalformed</Code><Message>m</Message><Region>ap-south-1</Region></Error>";
        assert_eq!(
            redirect_region(
                &op("PutObject"),
                400,
                "AuthorizationHeaderMalformed",
                &HeaderMap::new(),
                body
            )
            .as_deref(),
            Some("ap-south-1")
        );
        // HEAD errors have no body: the header is all there is.
        assert_eq!(
            redirect_region(&op("HeadObject"), 400, "400", &headers, b"").as_deref(),
            Some("eu-central-1")
        );
        // Not a redirect: a plain 400 on another operation, or a 403.
        assert_eq!(
            redirect_region(&op("GetObject"), 400, "InvalidArgument", &headers, b""),
            None
        );
        assert_eq!(
            redirect_region(&op("GetObject"), 403, "AccessDenied", &headers, b""),
            None
        );
    }

    #[test]
    fn the_bucket_leaves_the_path() {
        let op = |uri: &str| Operation {
            http: crate::model::HttpBinding {
                request_uri: uri.into(),
                ..Default::default()
            },
            ..crate::customizations::tests::blank_operation()
        };
        let strip = |uri: &str, path: &str| {
            let mut p = path.to_string();
            strip_bucket_from_path(&op(uri), &mut p);
            p
        };
        assert_eq!(strip("/{Bucket}", "/b"), "");
        assert_eq!(strip("/{Bucket}?versioning", "/b"), "");
        assert_eq!(strip("/{Bucket}/{Key+}", "/b/a/%20b/c"), "/a/%20b/c");
        assert_eq!(strip("/{Bucket}/{Key+}", "/b//leading"), "//leading");
        assert_eq!(strip("/", "/"), "/");
        assert_eq!(strip("/{BucketName}", "/x"), "/x");
    }

    #[test]
    fn the_region_cache_is_bounded() {
        let c = BucketRegions::default();
        for i in 0..MAX_CACHED_BUCKETS + 10 {
            c.insert(&format!("b{i}"), "r");
        }
        assert!(c.map.lock().unwrap().len() <= MAX_CACHED_BUCKETS);
        c.insert("x", "eu-west-1");
        assert_eq!(c.get("x").as_deref(), Some("eu-west-1"));
    }
}
