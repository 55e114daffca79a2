//! Turns a serialized operation and its resolved endpoint into the unsigned
//! request a presigned URL is signed over, following botocore's query-auth
//! rules: S3 payloads are left to whoever uses the URL (`UNSIGNED-PAYLOAD`),
//! form-encoded parameters move into the query string, and nothing else may
//! have a body.

use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, Uri};

use super::PresignError;
use crate::endpoint_resolution::ResolvedEndpoint;
use crate::model::Protocol;
use crate::protocol::SerializedRequest;

/// What decides the shape of a presigned request.
#[derive(Debug, Clone, Copy)]
pub(super) struct RequestRules<'a> {
    /// The service's wire protocol.
    pub protocol: Protocol,
    /// S3-style signing: the payload is unsigned and left to the caller.
    pub s3: bool,
    /// The operation's name, for errors.
    pub operation: &'a str,
}

/// Builds the request to sign: method (or `method_override`), full URL with
/// the operation's query parameters, and the headers the protocol set.
pub(super) fn unsigned_request(
    mut ser: SerializedRequest,
    endpoint: &ResolvedEndpoint,
    rules: RequestRules<'_>,
    method_override: Option<&Method>,
) -> Result<Request<()>, PresignError> {
    move_body(&mut ser, rules)?;
    let uri = join_url(&ser, &endpoint.url)?;
    let method = method_override.cloned().unwrap_or(ser.method.clone());
    let mut builder = Request::builder().method(method).uri(uri);
    let headers = builder
        .headers_mut()
        .ok_or_else(|| PresignError::Request("invalid request".into()))?;
    for (name, value) in &ser.headers {
        if name != CONTENT_LENGTH {
            headers.append(name, value.clone());
        }
    }
    for (name, values) in &endpoint.headers {
        let name = HeaderName::try_from(name.as_str())
            .map_err(|e| PresignError::Request(format!("endpoint header {name:?}: {e}")))?;
        for value in values {
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|e| PresignError::Request(format!("endpoint header {name}: {e}")))?;
            headers.append(name.clone(), value);
        }
    }
    builder
        .body(())
        .map_err(|e| PresignError::Request(e.to_string()))
}

/// Empties the body: S3's is the caller's to send, a form body becomes query
/// parameters, an empty JSON object is dropped; anything else is an error.
fn move_body(ser: &mut SerializedRequest, rules: RequestRules<'_>) -> Result<(), PresignError> {
    if rules.s3 || ser.body.is_empty() {
        ser.body = Default::default();
        return Ok(());
    }
    match rules.protocol {
        Protocol::Query | Protocol::Ec2 => {
            let form = std::str::from_utf8(&ser.body)
                .map_err(|_| PresignError::Request("form body is not UTF-8".into()))?;
            if !ser.query.is_empty() {
                ser.query.push('&');
            }
            ser.query.push_str(form);
            ser.headers.remove(CONTENT_TYPE);
        }
        Protocol::Json | Protocol::RestJson if is_empty_json_object(&ser.body) => {}
        _ => return Err(PresignError::BodyNotPresignable(rules.operation.into())),
    }
    ser.body = Default::default();
    Ok(())
}

fn is_empty_json_object(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
}

/// `endpoint_url` + the operation's path and query, with its host prefix
/// (the same joining as calls use).
fn join_url(ser: &SerializedRequest, endpoint_url: &str) -> Result<Uri, PresignError> {
    let (url, _) = crate::client::join_url(ser, endpoint_url).map_err(PresignError::Request)?;
    url.parse()
        .map_err(|e| PresignError::Request(format!("invalid request URL {url:?}: {e}")))
}
