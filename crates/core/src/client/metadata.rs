//! `ResponseMetadata`: what boto3 returns under that key with every output
//! (request id, S3's host id, HTTP status and headers, retries), read from a
//! response as botocore's parsers read it.

use http::HeaderMap;
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value as Json};

use crate::model::Protocol;

/// The response behind a successful call, as boto3's `ResponseMetadata`.
///
/// Every generated output has it in its `response_metadata` field (`None`
/// only on outputs built by hand); the dynamic path (`call_json`) returns
/// it under the `"ResponseMetadata"` key, as boto3's dicts do.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ResponseMetadata {
    /// The service's request id (`x-amzn-RequestId`, `x-amz-request-id`, or
    /// the XML body's `RequestId` for the query protocols), as botocore
    /// finds it.
    pub request_id: Option<String>,
    /// S3's extended request id (`x-amz-id-2`), boto3's `HostId`.
    pub host_id: Option<String>,
    /// The HTTP status code of the response.
    pub http_status_code: u16,
    /// The response headers.
    pub http_headers: HeaderMap,
    /// How many times the call was retried before this response (0 when
    /// the first attempt succeeded).
    pub retry_attempts: u32,
    /// A hook (a `Stubber`) answered instead of the service: boto3 then
    /// returns the stubbed dict alone, without `ResponseMetadata`.
    pub(crate) answered_by_hook: bool,
}

impl ResponseMetadata {
    /// The metadata of an answer a `before-call` hook gave.
    pub(crate) fn answered_by_hook() -> Self {
        ResponseMetadata {
            http_status_code: 200,
            answered_by_hook: true,
            ..Self::default()
        }
    }

    /// Reads the metadata of a response to a `protocol` service.
    pub fn from_response(protocol: Protocol, status: u16, headers: HeaderMap, body: &[u8]) -> Self {
        let ids = RequestIds::read(protocol, &headers, body);
        Self::new(status, headers, ids)
    }

    /// The metadata of a response whose ids were read already.
    pub(crate) fn new(status: u16, headers: HeaderMap, ids: RequestIds) -> Self {
        ResponseMetadata {
            request_id: ids.request_id,
            host_id: ids.host_id,
            http_status_code: status,
            http_headers: headers,
            retry_attempts: 0,
            answered_by_hook: false,
        }
    }

    /// The metadata as boto3's `ResponseMetadata` dict: `RequestId`,
    /// `HostId` (when S3-style), `HTTPStatusCode`, `HTTPHeaders` (names in
    /// lower case; repeated headers joined with `,` as botocore's HTTP layer
    /// does) and `RetryAttempts`.
    pub fn to_json(&self) -> Json {
        let mut out = Map::new();
        if let Some(id) = &self.request_id {
            out.insert("RequestId".into(), Json::String(id.clone()));
        }
        if let Some(id) = &self.host_id {
            out.insert("HostId".into(), Json::String(id.clone()));
        }
        out.insert("HTTPStatusCode".into(), Json::from(self.http_status_code));
        let mut headers = Map::new();
        for name in self.http_headers.keys() {
            let values: Vec<String> = self
                .http_headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            headers.insert(name.as_str().to_owned(), Json::String(values.join(",")));
        }
        out.insert("HTTPHeaders".into(), Json::Object(headers));
        out.insert("RetryAttempts".into(), Json::from(self.retry_attempts));
        Json::Object(out)
    }
}

/// A response's request id and S3's host id, found as botocore's parsers
/// find them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RequestIds {
    pub(crate) request_id: Option<String>,
    pub(crate) host_id: Option<String>,
}

impl RequestIds {
    /// The ids of a response to a `protocol` service: `x-amzn-RequestId`
    /// first; REST protocols then S3's `x-amz-request-id` (with
    /// `x-amz-id-2`, or `""`, as the host id); the query protocols read
    /// their body (the header a fallback), JSON and CBOR the header only.
    pub(crate) fn read(protocol: Protocol, headers: &HeaderMap, body: &[u8]) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let amzn = || header("x-amzn-requestid");
        match protocol {
            Protocol::Query => Self::only(query_request_id(body).or_else(amzn)),
            Protocol::Ec2 => Self::only(ec2_request_id(body).or_else(amzn)),
            Protocol::Json | Protocol::RpcV2Cbor => Self::only(amzn()),
            Protocol::RestJson | Protocol::RestXml => match (amzn(), header("x-amz-request-id")) {
                (Some(id), _) => Self::only(Some(id)),
                (None, Some(id)) => RequestIds {
                    request_id: Some(id),
                    host_id: Some(header("x-amz-id-2").unwrap_or_default()),
                },
                (None, None) => Self::default(),
            },
        }
    }

    fn only(request_id: Option<String>) -> Self {
        RequestIds {
            request_id,
            host_id: None,
        }
    }
}

/// Typed outputs that carry a [`ResponseMetadata`] (every generated
/// operation output); the pipeline sets it after parsing.
pub trait WithResponseMetadata {
    /// Stores the metadata of the response this output was read from.
    fn set_response_metadata(&mut self, metadata: ResponseMetadata);
}

/// Implements [`WithResponseMetadata`] for generated output types, which
/// keep the metadata in their `response_metadata` field.
#[macro_export]
#[doc(hidden)]
macro_rules! with_response_metadata {
    ($($output:ty),* $(,)?) => {
        $(impl $crate::WithResponseMetadata for $output {
            fn set_response_metadata(&mut self, metadata: $crate::ResponseMetadata) {
                self.response_metadata = ::core::option::Option::Some(metadata);
            }
        })*
    };
}

impl WithResponseMetadata for () {
    fn set_response_metadata(&mut self, _: ResponseMetadata) {}
}

/// `<X><ResponseMetadata><RequestId>` of a query response. The element is
/// the root's last child, so the search starts there instead of reading the
/// whole body a second time.
fn query_request_id(body: &[u8]) -> Option<String> {
    const OPEN: &[u8] = b"<ResponseMetadata>";
    let start = body.windows(OPEN.len()).rposition(|w| w == OPEN)?;
    child_text(&body[start..], 1, b"RequestId")
}

/// The root's `<requestId>` child of an EC2 response (its first child in
/// practice).
fn ec2_request_id(body: &[u8]) -> Option<String> {
    child_text(body, 1, b"requestId")
}

/// The text of the first element named `name` at `depth` below the root of
/// `xml` (the root is depth 0). Malformed XML gives `None`.
fn child_text(xml: &[u8], depth: usize, name: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut level = 0usize;
    let mut inside = false;
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => {
                inside = level == depth && e.local_name().as_ref() == name;
                level += 1;
            }
            Event::Text(t) if inside => {
                let text = t.xml10_content().ok()?.trim().to_owned();
                return (!text.is_empty()).then_some(text);
            }
            Event::End(_) => {
                if level == 0 {
                    return None;
                }
                level -= 1;
                inside = false;
                if level < depth {
                    // Left the parent of the elements searched.
                    return None;
                }
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, http::HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn rest_protocols_read_the_amzn_header_then_s3s_pair() {
        let h = headers(&[("x-amz-request-id", "R1"), ("x-amz-id-2", "H1")]);
        let m = ResponseMetadata::from_response(Protocol::RestXml, 200, h, b"");
        assert_eq!(m.request_id.as_deref(), Some("R1"));
        assert_eq!(m.host_id.as_deref(), Some("H1"));
        let h = headers(&[("x-amz-request-id", "R1")]);
        let m = ResponseMetadata::from_response(Protocol::RestJson, 204, h, b"");
        // botocore's HostId is '' when S3 sends no x-amz-id-2.
        assert_eq!(m.host_id.as_deref(), Some(""));
        let h = headers(&[("x-amzn-RequestId", "A"), ("x-amz-request-id", "B")]);
        let m = ResponseMetadata::from_response(Protocol::RestJson, 200, h, b"");
        assert_eq!((m.request_id.as_deref(), m.host_id), (Some("A"), None));
    }

    #[test]
    fn json_protocols_read_only_the_amzn_header() {
        let h = headers(&[("x-amz-request-id", "B")]);
        let m = ResponseMetadata::from_response(Protocol::Json, 200, h, b"{}");
        assert_eq!(m.request_id, None);
        let h = headers(&[("x-amzn-requestid", "A")]);
        let m = ResponseMetadata::from_response(Protocol::RpcV2Cbor, 200, h, b"");
        assert_eq!(m.request_id.as_deref(), Some("A"));
    }

    #[test]
    fn query_ids_come_from_the_bodys_response_metadata() {
        let body = b"<GetCallerIdentityResponse><GetCallerIdentityResult><RequestId>member, not this</RequestId></GetCallerIdentityResult><ResponseMetadata><RequestId>q-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
        let h = headers(&[("x-amzn-requestid", "header")]);
        let m = ResponseMetadata::from_response(Protocol::Query, 200, h.clone(), body);
        assert_eq!(m.request_id.as_deref(), Some("q-1"));
        // Without one in the body, the header.
        let m = ResponseMetadata::from_response(Protocol::Query, 200, h, b"<X/>");
        assert_eq!(m.request_id.as_deref(), Some("header"));
        let m = ResponseMetadata::from_response(Protocol::Query, 200, HeaderMap::new(), b"<a><");
        assert_eq!(m.request_id, None);
    }

    #[test]
    fn ec2_ids_are_the_roots_request_id_child() {
        let body = b"<DescribeRegionsResponse xmlns=\"x\"><requestId>e-1</requestId><regionInfo><item><requestId>no</requestId></item></regionInfo></DescribeRegionsResponse>";
        let m = ResponseMetadata::from_response(Protocol::Ec2, 200, HeaderMap::new(), body);
        assert_eq!(m.request_id.as_deref(), Some("e-1"));
        let nested = b"<R><x><requestId>no</requestId></x></R>";
        let m = ResponseMetadata::from_response(Protocol::Ec2, 200, HeaderMap::new(), nested);
        assert_eq!(m.request_id, None);
    }

    #[test]
    fn the_dict_form_is_boto3s() {
        let h = headers(&[
            ("x-amz-request-id", "R"),
            ("Set-Cookie", "a"),
            ("set-cookie", "b"),
        ]);
        let mut m = ResponseMetadata::from_response(Protocol::RestXml, 200, h, b"");
        m.retry_attempts = 2;
        assert_eq!(
            m.to_json(),
            serde_json::json!({
                "RequestId": "R",
                "HostId": "",
                "HTTPStatusCode": 200,
                "HTTPHeaders": {"x-amz-request-id": "R", "set-cookie": "a,b"},
                "RetryAttempts": 2,
            })
        );
    }
}
