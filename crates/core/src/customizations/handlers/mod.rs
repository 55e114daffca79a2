//! botocore's built-in handlers (`handlers.py` `BUILTIN_HANDLERS` and the
//! service modules it registers), ported: one table, [`BUILTIN`], of
//! handlers registered for botocore's event names, and per client the
//! handlers each operation gets ([`ClientHandlers`]), resolved once when the
//! client is made.
//!
//! A handler's kind says where the pipeline runs it:
//!
//! | kind | botocore event | runs |
//! |---|---|---|
//! | [`Handler::Params`] | `before-parameter-build` | on the input, before validation |
//! | [`Handler::Builtins`] | `before-endpoint-resolution` | on the endpoint rules' built-ins of a call |
//! | [`Handler::Serialized`] | `before-call` | on the serialized request, before the endpoint is joined |
//! | [`Handler::Request`] | `request-created`, `before-sign` | on each attempt's HTTP request, before signing |
//! | [`Handler::Send`] | `before-send` | on each attempt's signed HTTP request (headers botocore adds unsigned) |
//! | [`Handler::Presign`] | `before-sign` (presigning) | on a request being presigned |
//! | [`Handler::Response`] | `before-parse` | on each buffered response, before parsing |
//! | [`Handler::Output`] | `after-call` | on the parsed output |
//! | [`Handler::Json`] | `after-call` | on the dynamic path's JSON output (values botocore returns as documents) |
//!
//! Handlers botocore 1.43.67 registers that are not handlers here, each
//! with where its behaviour lives or why it has none:
//!
//! - `choose-signer.*` (`set_operation_specific_signer`,
//!   `_set_auth_scheme_preference_signer`, `disable_signing` for Cognito
//!   Identity and STS): the auth scheme is chosen from the model, the
//!   endpoint rules and `auth_scheme_preference` in [`crate::auth`],
//!   `noAuth` included.
//! - `creating-client-class.*`: `add_generate_presigned_url` is
//!   [`crate::presign`]; `add_generate_presigned_post` is
//!   [`crate::presign::post`] (S3's `generate_presigned_post`);
//!   `add_generate_db_auth_token` is [`crate::presign::db_auth`] (RDS's
//!   `generate_db_auth_token`); `add_dsql_generate_db_auth_token_methods` is
//!   not there yet: no DSQL crate is generated (its tokens would be
//!   [`ClientHandle::presign_url`](crate::client::ClientHandle::presign_url)
//!   with `Action=DbConnect`); `check_openssl_supports_tls_version_1_2` has
//!   nothing to check (rustls and native-tls both speak TLS 1.2+); the
//!   `remove_*` handlers (Lex V2 `StartConversation`, Q Business `Chat`,
//!   Bedrock Runtime `InvokeModelWithBidirectionalStream`, Connect Health
//!   `StartMedicalScribeListeningSession`, Polly
//!   `StartSpeechSynthesisStream`) drop operations Python cannot send for
//!   want of HTTP/2; myaws keeps them (input event streams over HTTP/2).
//! - The client's own `choose-signer.s3` `_default_s3_presign_to_sigv2`:
//!   botocore presigns S3 URLs and POST forms with SigV2 in regions that
//!   still accept it unless `signature_version` is set; myaws always
//!   presigns with SigV4 (SigV2 is deprecated).
//! - `getattr.*` method aliases: [`crate::names`].
//! - `docs.*` and `policyDocumentType` `new_type`: documentation only.
//! - `choose-service-name` (`handle_service_name_alias`): service names are
//!   fixed when crates are generated.
//! - `before-parameter-build` `_handle_request_validation_mode_member`
//!   (`ChecksumMode=ENABLED` when `response_checksum_validation` is
//!   `when_supported`): [`crate::checksum::response`].
//! - `before-parameter-build.s3.{PutObject,UploadPart}`
//!   `convert_body_to_file_like_object`: Python's bytes-to-stream wrapping;
//!   bodies are [`crate::body::ByteStream`]s.
//! - `before-endpoint-resolution.s3`: S3's endpoint built-ins are
//!   [`Handler::Builtins`] here; the S3 redirect, `_handle_200_error`
//!   (`before-parse.s3.*`, errors in `200` responses) and the bucket-less
//!   request path (`remove_bucket_from_url_paths_from_model`) are in
//!   [`super::Quirks`], which presigning uses too.
//! - `before-call.s3` `add_expect_header` and
//!   `_set_extra_headers_for_unsigned_request`: [`super::upload`].
//! - `needs-retry.s3.*` (`_update_status_code`): the `200` error's status is
//!   rewritten before classification.
//! - `after-call.sqs.*` `_handle_sqs_compatible_error`: query-compatible
//!   error codes are read by the protocol layer.
//! - `before-sign.s3` `remove_arn_from_signing_path`: only for botocore's
//!   HMAC-v1 `s3` signer, which myaws does not have.
//! - `creating-serializer.bedrock-agentcore` (millisecond timestamps): in
//!   the serializer.

mod generic;
mod presigned;
mod services;
mod values;

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde_json::Value as Json;

use crate::body::ByteStream;
use crate::endpoint::BuiltIns;
use crate::http::BufferedResponse;
use crate::model::{Operation, ServiceModel};
use crate::protocol::SerializedRequest;
use crate::value::Value;

pub(crate) use presigned::PresignedUrl;

/// What a handler sees besides what it changes.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    /// The service model.
    pub(crate) model: &'a ServiceModel,
    /// The operation called.
    pub(crate) op: &'a Operation,
}

/// Per-call notes between stages (botocore's request `context`).
#[derive(Debug, Clone, Default)]
pub(crate) struct CallNotes {
    /// `EncodingType=url` was set by myaws, so listed keys are decoded on
    /// the way out (botocore's `encoding_type_auto_set`).
    pub(crate) encoding_type_auto_set: bool,
    /// The raw `Expires` header of an S3 response (the output's
    /// `ExpiresString`).
    pub(crate) expires_string: Option<String>,
    /// The call's `amz-sdk-invocation-id`.
    pub(crate) invocation_id: String,
    /// The attempt being made (1-based).
    pub(crate) attempt: u32,
    /// The most attempts the call may make, in the retry modes that say so
    /// (standard and adaptive; botocore's legacy mode does not).
    pub(crate) max_attempts: Option<u32>,
    /// What the `ttl` of `amz-sdk-request` on retries comes from, once a
    /// response's `Date` gave the server's clock.
    pub(crate) ttl: Option<TtlBasis>,
}

/// The `ttl` of the next attempt's `amz-sdk-request` (botocore's
/// `_calculate_ttl`), kept raw: most calls make no next attempt, so it is
/// parsed and formatted only when one is made.
#[derive(Debug, Clone)]
pub(crate) struct TtlBasis {
    /// The response's `Date`: the server's clock.
    pub(crate) date: http::HeaderValue,
    /// The read timeout added to it.
    pub(crate) read_timeout: std::time::Duration,
}

impl TtlBasis {
    /// The basis a response gives, when it has a `Date`.
    pub(crate) fn of(
        headers: &http::HeaderMap,
        read_timeout: std::time::Duration,
    ) -> Option<TtlBasis> {
        let date = headers.get(http::header::DATE)?.clone();
        Some(TtlBasis { date, read_timeout })
    }

    /// The server's clock plus the read timeout, as `%Y%m%dT%H%M%SZ` (the
    /// SigV4 stamp's format); none when the `Date` cannot be read.
    pub(crate) fn render(&self) -> Option<String> {
        let server_now = crate::time::DateTime::parse(self.date.to_str().ok()?)?;
        let secs = u64::try_from(server_now.secs()).ok()?;
        let ttl = std::time::UNIX_EPOCH
            .checked_add(std::time::Duration::from_secs(secs))?
            .checked_add(self.read_timeout)?;
        let stamp = crate::signing::Stamp::new(ttl).ok()?;
        Some(stamp.date_time().to_owned())
    }
}

/// A handler function of each kind.
#[derive(Clone, Copy)]
pub(crate) enum Handler {
    /// `before-parameter-build`: checks or changes the input.
    Params(fn(&Context<'_>, &mut Value, &mut CallNotes) -> Result<(), String>),
    /// `before-endpoint-resolution`: changes the rules' built-ins for this
    /// call (given its input).
    Builtins(fn(&Context<'_>, &Value, &mut BuiltIns)),
    /// `before-call`: changes the serialized request (the streamed payload,
    /// if any, beside it).
    Serialized(fn(&Context<'_>, &mut SerializedRequest, Option<&ByteStream>) -> Result<(), String>),
    /// `request-created` / `before-sign`: changes an attempt's request.
    Request(fn(&Context<'_>, &CallNotes, &mut http::Request<Bytes>) -> Result<(), String>),
    /// `before-send`: each attempt's signed request, just before it is sent
    /// (what it adds is not signed).
    Send(fn(&Context<'_>, &CallNotes, &mut http::HeaderMap)),
    /// `before-sign` while presigning: changes the request being presigned.
    Presign(fn(&Context<'_>, &mut http::Request<Bytes>)),
    /// `before-parse`: changes a buffered response.
    Response(fn(&Context<'_>, &mut BufferedResponse, &mut CallNotes)),
    /// `after-call`: changes the parsed output.
    Output(fn(&Context<'_>, &CallNotes, &mut Value)),
    /// `after-call` on the dynamic path: changes the JSON output (botocore
    /// returns some strings as parsed documents).
    Json(fn(&Context<'_>, &mut Json)),
}

/// A built-in handler and the botocore event it is registered for
/// (`kind.service.Operation`, where service and operation may be absent
/// or `*`).
#[derive(Clone, Copy)]
pub(crate) struct Builtin {
    /// botocore's event name.
    pub(crate) event: &'static str,
    /// botocore's handler name, for docs and tracing.
    pub(crate) name: &'static str,
    /// What it does.
    pub(crate) handler: Handler,
}

/// Every built-in handler: the generic ones, then each service's.
fn all_builtins() -> impl Iterator<Item = &'static Builtin> {
    std::iter::once(generic::HANDLERS)
        .chain(services::HANDLERS.iter().copied())
        .flat_map(|table| table.iter())
}

/// The built-in handlers of one client's operations, by kind. Each
/// operation's are picked out when it is first called: a client of a
/// service with hundreds of operations usually calls a few.
#[derive(Default)]
pub(crate) struct ClientHandlers {
    /// The service's name in event names.
    service: String,
    /// The service's handlers, most specific first.
    for_service: Vec<&'static Builtin>,
    /// The model whose operations these are (for their names).
    model: Option<Arc<ServiceModel>>,
    /// Each operation's handlers, once resolved.
    per_op: Box<[OnceLock<OpHandlers>]>,
}

/// The handlers of one operation, in the order they run.
#[derive(Default, Clone)]
pub(crate) struct OpHandlers {
    params: Vec<&'static Builtin>,
    builtins: Vec<&'static Builtin>,
    serialized: Vec<&'static Builtin>,
    request: Vec<&'static Builtin>,
    send: Vec<&'static Builtin>,
    presign: Vec<&'static Builtin>,
    response: Vec<&'static Builtin>,
    output: Vec<&'static Builtin>,
    json: Vec<&'static Builtin>,
    /// A presigned URL the operation carries (EC2 `CopySnapshot`, RDS
    /// cross-region copies).
    pub(crate) presigned_url: Option<&'static PresignedUrl>,
}

impl std::fmt::Debug for ClientHandlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientHandlers")
            .field("operations", &self.per_op.len())
            .finish()
    }
}

/// Whether a registration (`before-call.s3`, `before-call.*.PutObject`)
/// matches an event of `service` and `operation`, ignoring the kind.
fn applies(event: &str, service: &str, operation: &str) -> bool {
    let mut parts = event.split('.').skip(1);
    let ok = |pattern: Option<&str>, name: &str| pattern.is_none_or(|p| p == "*" || p == name);
    ok(parts.next(), service) && ok(parts.next(), operation)
}

/// More name parts are more specific; among equals, fewer wildcards.
fn specificity(event: &str) -> (usize, usize) {
    let parts = event.split('.').count();
    let exact = event.split('.').filter(|p| *p != "*").count();
    (parts, exact)
}

impl ClientHandlers {
    /// Resolves the handlers of every operation of `model`, whose service
    /// is called `service` in event names.
    pub(crate) fn new(model: &Arc<ServiceModel>, service: &str) -> ClientHandlers {
        let mut for_service: Vec<&'static Builtin> = all_builtins()
            .filter(|b| {
                let svc = b.event.split('.').nth(1);
                svc.is_none_or(|s| s == "*" || s == service)
            })
            .collect();
        // Most specific first, once: each operation's handlers are a
        // filtered (order-keeping) subset. Stable: registration order among
        // equally specific ones.
        for_service.sort_by_cached_key(|b| std::cmp::Reverse(specificity(b.event)));
        ClientHandlers {
            service: service.to_owned(),
            for_service,
            per_op: model.operations.iter().map(|_| OnceLock::new()).collect(),
            model: Some(model.clone()),
        }
    }

    /// The handlers of operation number `op`.
    pub(crate) fn op(&self, op: usize) -> Option<&OpHandlers> {
        let name = &self.model.as_ref()?.operations.get(op)?.name;
        Some(self.per_op.get(op)?.get_or_init(|| self.resolve(name)))
    }

    /// Picks out the handlers that apply to `operation`, in order.
    fn resolve(&self, operation: &str) -> OpHandlers {
        let service = self.service.as_str();
        let matching = self
            .for_service
            .iter()
            .copied()
            .filter(|b| applies(b.event, service, operation));
        let mut handlers = OpHandlers {
            presigned_url: presigned::rule_for(service, operation),
            ..OpHandlers::default()
        };
        for b in matching {
            let list = match b.handler {
                Handler::Params(_) => &mut handlers.params,
                Handler::Builtins(_) => &mut handlers.builtins,
                Handler::Serialized(_) => &mut handlers.serialized,
                Handler::Request(_) => &mut handlers.request,
                Handler::Send(_) => &mut handlers.send,
                Handler::Presign(_) => &mut handlers.presign,
                Handler::Response(_) => &mut handlers.response,
                Handler::Output(_) => &mut handlers.output,
                Handler::Json(_) => &mut handlers.json,
            };
            list.push(b);
        }
        handlers
    }
}

impl OpHandlers {
    /// Runs the `before-parameter-build` handlers on `input`.
    pub(crate) fn params(
        &self,
        ctx: &Context<'_>,
        input: &mut Value,
        notes: &mut CallNotes,
    ) -> Result<(), String> {
        for b in &self.params {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Params(f) = b.handler {
                f(ctx, input, notes)?;
            }
        }
        Ok(())
    }

    /// Runs the `before-endpoint-resolution` handlers.
    pub(crate) fn builtins(&self, ctx: &Context<'_>, input: &Value, builtins: &mut BuiltIns) {
        for b in &self.builtins {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Builtins(f) = b.handler {
                f(ctx, input, builtins);
            }
        }
    }

    /// Runs the `before-call` handlers on the serialized request.
    pub(crate) fn serialized(
        &self,
        ctx: &Context<'_>,
        request: &mut SerializedRequest,
        payload: Option<&ByteStream>,
    ) -> Result<(), String> {
        for b in &self.serialized {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Serialized(f) = b.handler {
                f(ctx, request, payload)?;
            }
        }
        Ok(())
    }

    /// Runs the `request-created` / `before-sign` handlers on an attempt.
    pub(crate) fn request(
        &self,
        ctx: &Context<'_>,
        notes: &CallNotes,
        request: &mut http::Request<Bytes>,
    ) -> Result<(), String> {
        for b in &self.request {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Request(f) = b.handler {
                f(ctx, notes, request)?;
            }
        }
        Ok(())
    }

    /// Runs the `before-send` handlers on an attempt's signed headers.
    pub(crate) fn send(&self, ctx: &Context<'_>, notes: &CallNotes, headers: &mut http::HeaderMap) {
        for b in &self.send {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Send(f) = b.handler {
                f(ctx, notes, headers);
            }
        }
    }

    /// Runs the presigning `before-sign` handlers.
    pub(crate) fn presign(&self, ctx: &Context<'_>, request: &mut http::Request<Bytes>) {
        for b in &self.presign {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Presign(f) = b.handler {
                f(ctx, request);
            }
        }
    }

    /// Runs the `before-parse` handlers on a buffered response.
    pub(crate) fn response(
        &self,
        ctx: &Context<'_>,
        response: &mut BufferedResponse,
        notes: &mut CallNotes,
    ) {
        for b in &self.response {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Response(f) = b.handler {
                f(ctx, response, notes);
            }
        }
    }

    /// Runs the `after-call` handlers on the parsed output.
    pub(crate) fn output(&self, ctx: &Context<'_>, notes: &CallNotes, output: &mut Value) {
        for b in &self.output {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Output(f) = b.handler {
                f(ctx, notes, output);
            }
        }
    }

    /// Runs the dynamic path's `after-call` handlers on the JSON output.
    pub(crate) fn json(&self, ctx: &Context<'_>, output: &mut Json) {
        for b in &self.json {
            tracing::trace!(handler = b.name, "built-in handler");
            if let Handler::Json(f) = b.handler {
                f(ctx, output);
            }
        }
    }
}

#[cfg(test)]
mod tests;
