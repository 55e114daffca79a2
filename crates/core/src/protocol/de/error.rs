//! Error responses: code, message and request id for every protocol, the
//! modeled exception shape the code names, and that shape's members.
//!
//! As in botocore, a 5xx response whose body is empty or an HTML page is a
//! generic error (code = status, message = reason phrase). Otherwise:
//!
//! * JSON (awsJson, rest-json): code from `X-Amzn-Errortype`, body `__type`,
//!   `code` or `Code` (rest-json prefers the header and `code`, awsJson the
//!   header and `__type`), else the status; `ns#Name:uri` is cut to `Name`.
//!   Message from `message`/`Message`. A body that is not JSON is the message.
//! * `x-amzn-query-error: Code;Fault` (awsQueryCompatible services) replaces
//!   the code for awsJson and RPC v2 CBOR.
//! * XML: `<ErrorResponse><Error>` (query, rest-xml), `<Response><Errors>
//!   <Error>` (ec2) or a root `<Error>` (S3) with `Code`/`Message`; the
//!   request id from `RequestId`/`RequestID`. A rest-xml body that is empty or
//!   not XML falls back to the status code and reason phrase.
//! * Request ids also come from `x-amzn-requestid` / `x-amz-request-id`.

use serde_json::Value as Json;

use super::cbor::{self, Cbor};
use super::headers::header_text;
use super::json::{parse_lenient, JsonReader};
use super::rest::{self, BodyFormat};
use super::xml_dom::Element;
use super::xml_tree::{document, TreeReader};
use super::{cbor_shape, ProtocolError, Response, ServiceErrorParts};
use crate::model::{Operation, Protocol, ServiceModel, ShapeId};
use crate::value::Value;

/// The largest error body that is parsed; a larger one is treated like an
/// empty one (code and message from the status).
pub const MAX_PARSED_ERROR_BODY: usize = 256 * 1024;

/// Code, message and request id before the modeled members are parsed.
struct Basics {
    code: String,
    message: Option<String>,
    request_id: Option<String>,
    /// For awsQueryCompatible services, the protocol's own code (`__type`),
    /// which names the modeled exception while `code` is the query code
    /// (botocore's `QueryErrorCode`).
    shape_code: Option<String>,
}

/// Parses an error response.
pub(crate) fn parse(
    model: &ServiceModel,
    op: &Operation,
    response: &Response<'_>,
) -> Result<ServiceErrorParts, ProtocolError> {
    if response.body.len() > MAX_PARSED_ERROR_BODY {
        // Real error documents are a few hundred bytes: a huge one is not
        // worth a document tree; the status says enough.
        let basics = from_status(response);
        return Ok(ServiceErrorParts {
            code: basics.code,
            message: basics.message,
            request_id: basics.request_id,
            shape: None,
            value: Value::Null,
        });
    }
    let basics = if is_generic(response) {
        from_status(response)
    } else {
        match model.protocol {
            Protocol::Json | Protocol::RestJson => from_json(model.protocol, response),
            Protocol::RpcV2Cbor => from_cbor(response)?,
            Protocol::Query | Protocol::Ec2 => from_xml(&document(response.body)?, response),
            Protocol::RestXml => match document(response.body) {
                Ok(root) if !root.name.is_empty() => from_xml(&root, response),
                _ => from_status(response),
            },
        }
    };
    let shape = basics
        .shape_code
        .as_deref()
        .and_then(|c| find_shape(model, op, c))
        .or_else(|| find_shape(model, op, &basics.code));
    let value = match shape {
        Some(id) => modeled(model, id, response)?,
        None => Value::Null,
    };
    Ok(ServiceErrorParts {
        code: basics.code,
        message: basics.message,
        request_id: basics.request_id,
        shape,
        value,
    })
}

/// A 5xx response with an empty or HTML body (a proxy or load balancer
/// page), unless a header names the error.
fn is_generic(response: &Response<'_>) -> bool {
    let named = ["x-amzn-errortype", "x-amzn-query-error"]
        .iter()
        .any(|h| response.headers.contains_key(*h));
    if response.status < 500 || named {
        return false;
    }
    let body = response.body.trim_ascii();
    let starts = |prefix: &[u8]| {
        body.len() >= prefix.len() && body[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    body.is_empty() || starts(b"<html") || starts(b"<!doctype html")
}

/// Code = status code, message = its reason phrase.
fn from_status(response: &Response<'_>) -> Basics {
    Basics {
        code: response.status.to_string(),
        message: http::StatusCode::from_u16(response.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(str::to_string),
        request_id: header_request_id(response),
        shape_code: None,
    }
}

fn header_request_id(response: &Response<'_>) -> Option<String> {
    header_text(response.headers, "x-amzn-requestid")
        .or_else(|| header_text(response.headers, "x-amz-request-id"))
}

/// `ns#Name:uri` → `Name`.
fn sanitize_code(code: &str) -> String {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code).to_string()
}

/// The code from an `x-amzn-query-error: Code;Fault` header, if well formed.
fn query_error_code(response: &Response<'_>) -> Option<String> {
    let header = header_text(response.headers, "x-amzn-query-error")?;
    match header.split(';').collect::<Vec<_>>()[..] {
        [code, _fault] if !code.is_empty() => Some(code.to_string()),
        _ => None,
    }
}

fn from_json(protocol: Protocol, response: &Response<'_>) -> Basics {
    let body = parse_lenient(response.body);
    let field = |name: &str| body.get(name).and_then(Json::as_str).map(str::to_string);
    let header = header_text(response.headers, "x-amzn-errortype");
    let type_field = field("__type");
    let code_field = field("code").or_else(|| field("Code"));
    let status = || response.status.to_string();
    let (code, shape_code) = match protocol {
        // botocore's rest-json: `__type` (or the status) and the
        // query-compatible header, overridden by the error-type header or a
        // `code` field.
        Protocol::RestJson => match header.or(code_field) {
            Some(c) => (sanitize_code(&c), None),
            None => query_compatible(
                response,
                type_field.map_or_else(status, |c| sanitize_code(&c)),
            ),
        },
        _ => query_compatible(
            response,
            header
                .or(type_field)
                .or(code_field)
                .map_or_else(status, |c| sanitize_code(&c)),
        ),
    };
    Basics {
        code,
        message: field("message").or_else(|| field("Message")),
        request_id: header_request_id(response),
        shape_code,
    }
}

/// `(code, shape_code)`: with an `x-amzn-query-error` header the code is the
/// query code and the protocol's own code is kept to find the shape.
fn query_compatible(response: &Response<'_>, code: String) -> (String, Option<String>) {
    match query_error_code(response) {
        Some(query_code) => (query_code, Some(code)),
        None => (code, None),
    }
}

fn from_cbor(response: &Response<'_>) -> Result<Basics, ProtocolError> {
    let body = if response.body.is_empty() {
        Cbor::Map(Vec::new())
    } else {
        cbor::decode(response.body)?
    };
    let field = |name: &str| match &body {
        Cbor::Map(entries) => entries
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(name))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string),
        _ => None,
    };
    let (code, shape_code) = query_compatible(
        response,
        field("__type").map_or_else(|| response.status.to_string(), |c| sanitize_code(&c)),
    );
    Ok(Basics {
        code,
        message: field("message").or_else(|| field("Message")),
        request_id: header_request_id(response),
        shape_code,
    })
}

fn from_xml(root: &Element, response: &Response<'_>) -> Basics {
    let error = if root.name == "Error" {
        Some(root)
    } else {
        root.child("Error")
            .or_else(|| root.child("Errors").and_then(|e| e.child("Error")))
    };
    let text = |name: &str| error.and_then(|e| e.child_text(name)).map(str::to_string);
    let body_id = root
        .child_text("RequestId")
        .or_else(|| root.child_text("RequestID"))
        .map(str::to_string);
    // S3 (root `<Error>`) repeats the request id headers in the body; botocore
    // takes the headers there, and the body everywhere else.
    let request_id = if root.name == "Error" {
        header_request_id(response).or(body_id)
    } else {
        body_id.or_else(|| header_request_id(response))
    };
    Basics {
        code: text("Code").unwrap_or_else(|| response.status.to_string()),
        message: text("Message"),
        request_id,
        shape_code: None,
    }
}

/// The exception shape for `code`: one whose modeled error code (or, failing
/// that, whose name) equals it, looking at the operation's errors first.
fn find_shape(model: &ServiceModel, op: &Operation, code: &str) -> Option<ShapeId> {
    let exceptions = || {
        op.errors
            .iter()
            .copied()
            .chain(model.exception_ids().iter().copied())
    };
    let error_code = |id: ShapeId| {
        let s = model.shape(id);
        s.error
            .as_ref()
            .and_then(|e| e.code.as_deref())
            .unwrap_or(&s.name)
            .to_string()
    };
    exceptions()
        .find(|&id| error_code(id) == code)
        .or_else(|| exceptions().find(|&id| model.shape(id).name == code))
}

/// The exception shape's members, parsed like an output.
fn modeled(
    model: &ServiceModel,
    shape: ShapeId,
    response: &Response<'_>,
) -> Result<Value, ProtocolError> {
    match model.protocol {
        Protocol::Json => JsonReader::new(model, false).top(shape, &parse_lenient(response.body)),
        Protocol::RestJson => {
            let body = parse_lenient(response.body);
            let body = serde_json::to_vec(&body).unwrap_or_default();
            let lenient = Response {
                body: &body,
                ..*response
            };
            rest::parse(model, shape, &lenient, BodyFormat::Json)
        }
        Protocol::RestXml => rest::parse(model, shape, response, BodyFormat::Xml),
        Protocol::Query => TreeReader::new(model, false).body(shape, response.body),
        Protocol::Ec2 => TreeReader::new(model, true).body(shape, response.body),
        Protocol::RpcV2Cbor => cbor_shape::parse_body(model, shape, response.body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_codes_like_botocore() {
        assert_eq!(sanitize_code("FooError"), "FooError");
        assert_eq!(sanitize_code("aws.protocoltests#FooError"), "FooError");
        assert_eq!(
            sanitize_code("aws.protocoltests#FooError:http://internal.amazon.com/x/"),
            "FooError"
        );
        assert_eq!(sanitize_code("ValidationException:"), "ValidationException");
    }

    #[test]
    fn recognises_generic_error_pages() {
        let headers = http::HeaderMap::new();
        let r = |status, body: &'static [u8]| Response {
            status,
            headers: &headers,
            body,
        };
        assert!(is_generic(&r(503, b"")));
        assert!(is_generic(&r(
            502,
            b"  <html><body>Bad gateway</body></html>"
        )));
        assert!(!is_generic(&r(400, b"")));
        assert!(!is_generic(&r(500, b"{\"__type\": \"X\"}")));
        let mut named = http::HeaderMap::new();
        named.insert("x-amzn-errortype", "FooError".parse().unwrap());
        let r = Response {
            status: 500,
            headers: &named,
            body: b"",
        };
        assert!(!is_generic(&r));
    }
}
