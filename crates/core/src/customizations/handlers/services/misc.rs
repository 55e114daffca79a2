//! The smaller services' handlers: Route 53 resource ids, API Gateway's
//! `Accept`, Machine Learning's predict endpoint, CloudSearch Domain's
//! `Search` as a POST, IAM policy documents and CloudFormation templates
//! decoded, SSO-OIDC's OAuth2 errors, S3 Control's account host prefix and
//! Polly's presigned `SynthesizeSpeech`.

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use serde_json::Value as Json;

use super::super::values::{slot_mut, unquote};
use super::super::{Builtin, CallNotes, Context, Handler};
use crate::body::ByteStream;
use crate::http::BufferedResponse;
use crate::model::{ShapeId, ShapeKind};
use crate::protocol::SerializedRequest;
use crate::value::Value;

/// The handlers of this module.
pub(in super::super) static HANDLERS: &[Builtin] = &[
    Builtin {
        event: "before-parameter-build.route-53",
        name: "fix_route53_ids",
        handler: Handler::Params(fix_route53_ids),
    },
    Builtin {
        event: "before-call.api-gateway",
        name: "add_accept_header",
        handler: Handler::Serialized(add_accept_header),
    },
    Builtin {
        event: "request-created.machine-learning.Predict",
        name: "switch_host_machinelearning",
        handler: Handler::Request(switch_host_machinelearning),
    },
    Builtin {
        event: "request-created.cloudsearch-domain.Search",
        name: "change_get_to_post",
        handler: Handler::Request(change_get_to_post),
    },
    Builtin {
        event: "after-call.iam",
        name: "json_decode_policies",
        handler: Handler::Output(json_decode_policies),
    },
    Builtin {
        event: "after-call.iam",
        name: "json_decode_policies",
        handler: Handler::Json(policies_as_documents),
    },
    Builtin {
        event: "after-call.cloudformation.GetTemplate",
        name: "json_decode_template_body",
        handler: Handler::Json(json_decode_template_body),
    },
    Builtin {
        event: "before-parse.sso-oidc",
        name: "_map_oauth2_errors",
        handler: Handler::Response(map_oauth2_errors),
    },
    Builtin {
        event: "before-parameter-build.s3-control",
        name: "remove_accid_host_prefix_from_model",
        handler: Handler::Serialized(remove_account_id_host_prefix),
    },
    Builtin {
        event: "before-sign.polly.SynthesizeSpeech",
        name: "remove_content_type_header_for_presigning",
        handler: Handler::Presign(remove_content_type_for_presigning),
    },
];

/// The Route 53 id shapes given as a path (`/hostedzone/Z123`) that the
/// API wants as the last part only.
const ROUTE53_ID_SHAPES: [&str; 3] = ["ResourceId", "DelegationSetId", "ChangeId"];

/// Keeps only the last `/` part of Route 53 ids, so one operation's output
/// (`/hostedzone/Z123`) works as another's input.
fn fix_route53_ids(ctx: &Context<'_>, input: &mut Value, _: &mut CallNotes) -> Result<(), String> {
    let Some(shape) = ctx.op.input else {
        return Ok(());
    };
    let names: Vec<String> = ctx
        .model
        .shape(shape)
        .members
        .iter()
        .filter(|m| ROUTE53_ID_SHAPES.contains(&ctx.model.shape(m.target).name.as_str()))
        .map(|m| m.name.clone())
        .collect();
    for name in names {
        if let Some(Value::String(id)) = slot_mut(ctx.model, shape, input, &name) {
            if let Some((_, last)) = id.rsplit_once('/') {
                *id = last.to_owned();
            }
        }
    }
    Ok(())
}

/// `Accept: application/json` unless the request has an `Accept`.
fn add_accept_header(
    _: &Context<'_>,
    request: &mut SerializedRequest,
    _: Option<&ByteStream>,
) -> Result<(), String> {
    if !request.headers.contains_key(ACCEPT) {
        request
            .headers
            .insert(ACCEPT, HeaderValue::from_static("application/json"));
    }
    Ok(())
}

/// `Predict` goes to the model's `PredictEndpoint` (scheme and host from
/// it, path and query from the request), before signing.
fn switch_host_machinelearning(
    _: &Context<'_>,
    _: &CallNotes,
    request: &mut http::Request<Bytes>,
) -> Result<(), String> {
    let body: Json = serde_json::from_slice(request.body()).unwrap_or(Json::Null);
    let Some(endpoint) = body["PredictEndpoint"].as_str().filter(|e| !e.is_empty()) else {
        return Ok(());
    };
    let new: http::Uri = endpoint
        .parse()
        .map_err(|e| format!("PredictEndpoint {endpoint:?} is not a URL: {e}"))?;
    let (Some(scheme), Some(authority)) = (new.scheme(), new.authority()) else {
        return Err(format!(
            "PredictEndpoint {endpoint:?} has no scheme and host"
        ));
    };
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let uri = http::Uri::builder()
        .scheme(scheme.clone())
        .authority(authority.clone())
        .path_and_query(path_and_query)
        .build()
        .map_err(|e| e.to_string())?;
    let host = HeaderValue::try_from(authority.as_str()).map_err(|e| e.to_string())?;
    *request.uri_mut() = uri;
    request.headers_mut().insert(HOST, host);
    Ok(())
}

/// CloudSearch Domain's `Search` with a query string goes as a form POST
/// (a long query would not fit in a URL).
fn change_get_to_post(
    _: &Context<'_>,
    _: &CallNotes,
    request: &mut http::Request<Bytes>,
) -> Result<(), String> {
    if request.method() != http::Method::GET {
        return Ok(());
    }
    let Some(query) = request.uri().query().map(str::to_owned) else {
        return Ok(());
    };
    let uri = request.uri().clone();
    let mut parts = uri.into_parts();
    parts.path_and_query = Some(
        uri_path(request.uri())
            .parse()
            .map_err(|e: http::uri::InvalidUri| e.to_string())?,
    );
    *request.uri_mut() = http::Uri::from_parts(parts).map_err(|e| e.to_string())?;
    *request.method_mut() = http::Method::POST;
    let headers = request.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    headers.insert(CONTENT_LENGTH, HeaderValue::from(query.len()));
    *request.body_mut() = Bytes::from(query);
    Ok(())
}

fn uri_path(uri: &http::Uri) -> String {
    let path = uri.path();
    if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    }
}

/// The shape botocore decodes: `policyDocumentType` strings.
const POLICY_SHAPE: &str = "policyDocumentType";

/// IAM returns policy documents URL-encoded; they are returned decoded
/// (botocore's `json_decode_policies`; a value that does not decode to
/// JSON is left as it came).
fn json_decode_policies(ctx: &Context<'_>, _: &CallNotes, output: &mut Value) {
    if let Some(shape) = ctx.op.output {
        visit_policies(ctx, shape, output, 0, &mut |text| {
            let decoded = unquote(text, false);
            if serde_json::from_str::<Json>(&decoded).is_ok() {
                *text = decoded;
            }
        });
    }
}

/// On the dynamic path policy documents are JSON objects, as in boto3.
fn policies_as_documents(ctx: &Context<'_>, output: &mut Json) {
    if let Some(shape) = ctx.op.output {
        documents_in_json(ctx, shape, output, 0);
    }
}

/// Calls `f` on every `policyDocumentType` string in `value` (of `shape`).
fn visit_policies(
    ctx: &Context<'_>,
    shape: ShapeId,
    value: &mut Value,
    depth: usize,
    f: &mut dyn FnMut(&mut String),
) {
    if depth > 32 {
        return;
    }
    let s = ctx.model.shape(shape);
    match (&s.kind, value) {
        (ShapeKind::Structure, Value::Struct(slots)) => {
            for (member, slot) in s.members.iter().zip(slots.iter_mut()) {
                let target = ctx.model.shape(member.target);
                match slot {
                    Value::String(text) if target.name == POLICY_SHAPE => f(text),
                    other => visit_policies(ctx, member.target, other, depth + 1, f),
                }
            }
        }
        (ShapeKind::List, Value::List(items)) => {
            if let Some(member) = &s.member {
                for item in items {
                    visit_policies(ctx, member.target, item, depth + 1, f);
                }
            }
        }
        _ => {}
    }
}

/// Replaces `policyDocumentType` strings in JSON output with the documents
/// they hold (already URL-decoded by [`json_decode_policies`]).
fn documents_in_json(ctx: &Context<'_>, shape: ShapeId, value: &mut Json, depth: usize) {
    if depth > 32 {
        return;
    }
    let s = ctx.model.shape(shape);
    match (&s.kind, value) {
        (ShapeKind::Structure, Json::Object(map)) => {
            for member in &s.members {
                let Some(slot) = map.get_mut(&member.name) else {
                    continue;
                };
                if ctx.model.shape(member.target).name == POLICY_SHAPE {
                    if let Some(doc) = slot.as_str().and_then(|t| serde_json::from_str(t).ok()) {
                        *slot = doc;
                    }
                } else {
                    documents_in_json(ctx, member.target, slot, depth + 1);
                }
            }
        }
        (ShapeKind::List, Json::Array(items)) => {
            if let Some(member) = &s.member {
                for item in items {
                    documents_in_json(ctx, member.target, item, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// `GetTemplate`'s `TemplateBody` is a document when it is JSON (YAML
/// templates stay text).
fn json_decode_template_body(_: &Context<'_>, output: &mut Json) {
    if let Some(slot) = output.get_mut("TemplateBody") {
        if let Some(doc) = slot
            .as_str()
            .and_then(|t| serde_json::from_str::<Json>(t).ok())
        {
            *slot = doc;
        }
    }
}

/// SSO-OIDC errors follow OAuth2 (`error`, `error_description`): the
/// description becomes the error's message.
fn map_oauth2_errors(_: &Context<'_>, response: &mut BufferedResponse, _: &mut CallNotes) {
    if response.head.status.as_u16() < 400 {
        return;
    }
    let Ok(Json::Object(mut body)) = serde_json::from_slice::<Json>(&response.body) else {
        return;
    };
    let Some(description) = body.get("error_description").cloned() else {
        return;
    };
    if body.contains_key("Message") || body.contains_key("message") {
        return;
    }
    body.insert("Message".into(), description);
    if let Ok(text) = serde_json::to_vec(&body) {
        response.body = text.into();
    }
}

/// S3 Control operations marked `RequiresAccountId` get the account in the
/// host from the endpoint rules; the model's `{AccountId}.` host prefix
/// would add it twice.
fn remove_account_id_host_prefix(
    ctx: &Context<'_>,
    request: &mut SerializedRequest,
    _: Option<&ByteStream>,
) -> Result<(), String> {
    let requires_account = ctx
        .op
        .static_context_params
        .iter()
        .any(|(name, value)| name == "RequiresAccountId" && value == &Json::Bool(true));
    if requires_account && ctx.op.host_prefix.as_deref() == Some("{AccountId}.") {
        request.host_prefix = None;
    }
    Ok(())
}

/// A presigned `SynthesizeSpeech` URL carries no `Content-Type`.
fn remove_content_type_for_presigning(_: &Context<'_>, request: &mut http::Request<Bytes>) {
    request.headers_mut().remove(CONTENT_TYPE);
}
