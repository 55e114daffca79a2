//! Building the HTTP request of a call: the endpoint URL joined with the
//! serialized path, query and host prefix, plus the endpoint's headers.

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, HOST, USER_AGENT};
use http::{Request, Uri};

use super::USER_AGENT_VALUE;
use crate::protocol;

/// `endpoint_url` joined with the operation's path, query and host prefix
/// (never in front of an IP address or `localhost`): the full URL and its
/// authority (for the `Host` header). Shared by calls and presigned URLs.
pub(crate) fn join_url(
    ser: &protocol::SerializedRequest,
    endpoint_url: &str,
) -> Result<(String, String), String> {
    let base: Uri = endpoint_url
        .parse()
        .map_err(|e| format!("invalid endpoint URL {endpoint_url:?}: {e}"))?;
    let scheme = base.scheme_str().unwrap_or("https");
    let mut authority = base
        .authority()
        .ok_or_else(|| format!("endpoint URL {endpoint_url:?} has no host"))?
        .as_str()
        .to_owned();
    if let Some(prefix) = &ser.host_prefix {
        let host = base.host().unwrap_or("");
        if host.parse::<std::net::IpAddr>().is_err()
            && host != "localhost"
            && !host.starts_with('[')
        {
            authority = format!("{prefix}{authority}");
        }
    }
    // Built by pushing: this runs for every request, where `format!` costs.
    let base_path = base.path().trim_end_matches('/');
    let mut url = String::with_capacity(
        scheme.len() + 4 + authority.len() + base_path.len() + ser.path.len() + ser.query.len() + 1,
    );
    url.push_str(scheme);
    url.push_str("://");
    url.push_str(&authority);
    let path_start = url.len();
    url.push_str(base_path);
    url.push_str(&ser.path);
    if !url[path_start..].starts_with('/') {
        url.insert(path_start, '/');
    }
    if !ser.query.is_empty() {
        url.push(if url[path_start..].contains('?') {
            '&'
        } else {
            '?'
        });
        url.push_str(&ser.query);
    }
    Ok((url, authority))
}

/// Joins the endpoint URL and the serialized request into an HTTP request.
pub(super) fn build_request(
    ser: &protocol::SerializedRequest,
    endpoint_url: &str,
    endpoint_headers: &[(String, Vec<String>)],
) -> Result<Request<Bytes>, String> {
    let (uri, authority) = join_url(ser, endpoint_url)?;
    let mut builder = Request::builder().method(ser.method.clone()).uri(&uri);
    let headers = builder.headers_mut().ok_or("invalid request")?;
    for (k, v) in &ser.headers {
        headers.append(k, v.clone());
    }
    for (k, values) in endpoint_headers {
        let name = HeaderName::try_from(k.as_str()).map_err(|e| e.to_string())?;
        for v in values {
            headers.append(
                name.clone(),
                HeaderValue::try_from(v.as_str()).map_err(|e| e.to_string())?,
            );
        }
    }
    headers.insert(
        HOST,
        HeaderValue::try_from(authority.as_str()).map_err(|e| e.to_string())?,
    );
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    // A modeled `Content-Length` (S3's `ContentLength`) is the caller's
    // word, checked against the body before sending (`upload::prepare`).
    let sends_body =
        !ser.body.is_empty() || ser.method == http::Method::POST || ser.method == http::Method::PUT;
    if sends_body && !headers.contains_key(CONTENT_LENGTH) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(ser.body.len()));
    }
    builder
        .body(ser.body.clone())
        .map_err(|e| format!("invalid request to {uri}: {e}"))
}
