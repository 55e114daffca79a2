//! The myaws side: clients built from the models at run time, a fixed
//! clock, static credentials and bearer token, and a `before-send` hook
//! that records the signed request and answers it (canned), so nothing is
//! ever sent.
//!
//! Calls go through the same path as `ClientHandle::call_json` (JSON params
//! converted with `convert::from_json`, the output with `convert::to_json`,
//! errors mapped to the modeled exception and its members); the only
//! addition is that a streaming output member is read into a blob instead
//! of coming back as `null`, so its bytes can be compared.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use myaws_core::client::ClientHandle;
use myaws_core::config::{Env, SharedConfig};
use myaws_core::error::SdkError;
use myaws_core::events::{HookOutcome, HttpResponse};
use myaws_core::service::Service;
use myaws_core::time::TimeSource;
use myaws_core::token::{StaticTokenProvider, Token};
use myaws_core::{ClientConfig, Credentials, Session};
use serde_json::Value as Json;

/// The access key id both sides sign with.
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLEBOTOCOREDIFF";
/// The secret key both sides sign with.
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The session token of the cases that use one.
pub const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLE//session+token=";
/// The bearer token both sides authenticate with where the model asks for
/// one (CodeCatalyst), as a user's token provider or SSO login gives it.
pub const BEARER_TOKEN: &str = "botocore-diff-bearer-token";

/// Top-level domains of every AWS partition: names under them resolve to
/// the loopback interface, a second guard (after the `before-send` answer)
/// against any request leaving the machine.
const AWS_TLDS: [&str; 7] = ["com", "cn", "gov", "uk", "eu", "aws", "api"];

/// The request myaws signed, as the `before-send` hook saw it.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Method.
    pub method: String,
    /// Absolute URI.
    pub uri: String,
    /// Headers, names lowercase, values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body bytes.
    pub body: Bytes,
}

/// What happened to a request case on the myaws side.
#[derive(Debug)]
pub enum RequestResult {
    /// The request reached `before-send`.
    Sent(Captured),
    /// myaws refused to build it (validation, endpoint rules, signing).
    Rejected(String),
}

/// What a call answered with a canned response returned.
#[derive(Debug)]
pub enum ResponseResult {
    /// The parsed output (JSON, as `call_json` returns it).
    Output(Json),
    /// A service error.
    Error {
        /// Error code.
        code: String,
        /// Message.
        message: Option<String>,
        /// Matched modeled exception.
        exception: Option<String>,
        /// HTTP status.
        status: u16,
        /// The exception's members (`null` when unmodeled).
        members: Json,
    },
    /// Another failure after the response arrived (parsing, checksums).
    Failed(String),
    /// myaws refused the parameters (nothing reached `before-send`).
    Rejected(String),
}

/// Which configuration a client has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKind {
    /// Default configuration: the requests users send.
    Request,
    /// One attempt, so canned errors are not retried.
    Response,
}

/// The answers of a response case: the operation's, and those of other
/// operations the call makes on the way (endpoint discovery's
/// `DescribeEndpoints`), by operation name.
#[derive(Debug, Clone)]
pub struct Canned {
    /// The answer to the operation called.
    pub response: HttpResponse,
    /// Answers to other operations, by name.
    pub others: Vec<(String, HttpResponse)>,
}

impl From<HttpResponse> for Canned {
    fn from(response: HttpResponse) -> Self {
        Canned {
            response,
            others: Vec::new(),
        }
    }
}

impl Canned {
    /// The answer to a request of `operation`.
    fn answer(&self, operation: &str) -> HttpResponse {
        self.others
            .iter()
            .find(|(name, _)| name == operation)
            .map_or(&self.response, |(_, answer)| answer)
            .clone()
    }
}

#[derive(Default)]
struct Slot {
    captured: Option<Captured>,
    canned: Option<Canned>,
    sends: u32,
}

thread_local! {
    static SLOT: RefCell<Slot> = RefCell::new(Slot::default());
}

/// Builds and caches clients; runs calls on a current-thread runtime.
pub struct Myaws {
    models: PathBuf,
    time: SystemTime,
    services: HashMap<String, Service>,
    clients: HashMap<(String, &'static str, bool, ClientKind), ClientHandle>,
    runtime: tokio::runtime::Runtime,
}

impl Myaws {
    /// A side that loads models from `models` and signs at `time`.
    pub fn new(models: &Path, time: SystemTime) -> Result<Myaws, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("tokio runtime: {e}"))?;
        Ok(Myaws {
            models: models.to_path_buf(),
            time,
            services: HashMap::new(),
            clients: HashMap::new(),
            runtime,
        })
    }

    /// The service loaded from `models/<name>` (cached).
    pub fn service(&mut self, name: &str) -> Result<&Service, String> {
        if !self.services.contains_key(name) {
            let service = Service::from_dir(&self.models.join(name))
                .map_err(|e| format!("loading models/{name}: {e}"))?;
            self.services.insert(name.to_string(), service);
        }
        Ok(&self.services[name])
    }

    fn client(
        &mut self,
        service: &str,
        region: &'static str,
        token: bool,
        kind: ClientKind,
    ) -> Result<ClientHandle, String> {
        let key = (service.to_string(), region, token, kind);
        if let Some(c) = self.clients.get(&key) {
            return Ok(c.clone());
        }
        let loaded = self.service(service)?.clone();
        let session = Session::builder()
            .env(Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]))
            .shared_config(SharedConfig::empty())
            .region(region)
            .credentials(Credentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                token.then(|| SESSION_TOKEN.to_string()),
                None,
            ))
            .token_provider(StaticTokenProvider::new(Token::new(BEARER_TOKEN, None)))
            .build()
            .map_err(|e| format!("session: {e}"))?;
        // botocore without awscrt cannot sign SigV4a and takes the next
        // scheme a model lists (partnercentral, sustainability); myaws
        // prefers SigV4 here too so both sides sign alike. A scheme that is
        // the only choice (SigV4a endpoints) is still used.
        let mut config = ClientConfig::default()
            .time_source(TimeSource::fixed(self.time))
            .auth_scheme_preference(["sigv4"]);
        for tld in AWS_TLDS {
            config = config.resolve_override(tld, IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        if kind == ClientKind::Response {
            config = config.max_attempts(1);
        }
        let client = ClientHandle::from_service(&session, loaded, config)
            .map_err(|e| format!("client for {service}: {e}"))?;
        client.events().register("before-send", |event| {
            SLOT.with(|slot| {
                let mut slot = slot.borrow_mut();
                slot.sends += 1;
                if slot.captured.is_none() {
                    if let Some(req) = event.request.as_deref() {
                        slot.captured = Some(capture(req));
                    }
                }
                let answer = match &slot.canned {
                    Some(canned) => canned.answer(event.operation),
                    None => stop_response(),
                };
                Some(HookOutcome::Respond(answer))
            })
        });
        client
            .events()
            .register("needs-retry", |_| Some(HookOutcome::NoRetry));
        self.clients.insert(key, client.clone());
        Ok(client)
    }

    /// Calls `operation` with `params` and returns the request myaws signed.
    pub fn request(
        &mut self,
        service: &str,
        operation: &str,
        region: &'static str,
        token: bool,
        params: &Json,
    ) -> Result<RequestResult, String> {
        let client = self.client(service, region, token, ClientKind::Request)?;
        reset(None);
        let result = self
            .runtime
            .block_on(call(&client, operation, params.clone()));
        let slot = SLOT.with(|s| std::mem::take(&mut *s.borrow_mut()));
        guard_network(&slot, &result)?;
        Ok(match (slot.captured, result) {
            (Some(captured), _) => RequestResult::Sent(captured),
            (None, Err(e)) => RequestResult::Rejected(describe(&e)),
            (None, Ok(_)) => RequestResult::Rejected("returned without sending".into()),
        })
    }

    /// Calls `operation` with `params`, answers it with `canned`, and
    /// returns what the call returned.
    #[allow(clippy::too_many_arguments)]
    pub fn response(
        &mut self,
        service: &str,
        operation: &str,
        region: &'static str,
        token: bool,
        params: &Json,
        canned: impl Into<Canned>,
    ) -> Result<ResponseResult, String> {
        let client = self.client(service, region, token, ClientKind::Response)?;
        reset(Some(canned.into()));
        let result = self
            .runtime
            .block_on(call(&client, operation, params.clone()));
        let slot = SLOT.with(|s| std::mem::take(&mut *s.borrow_mut()));
        guard_network(&slot, &result)?;
        Ok(match result {
            Ok(out) => ResponseResult::Output(out),
            Err(SdkError::Service(e)) => ResponseResult::Error {
                code: e.code().to_string(),
                message: e.message().map(str::to_string),
                exception: e.kind().0.clone(),
                status: e.status(),
                members: e.kind().1.clone(),
            },
            Err(e) if slot.sends == 0 => ResponseResult::Rejected(describe(&e)),
            Err(e) => ResponseResult::Failed(describe(&e)),
        })
    }
}

fn reset(canned: Option<Canned>) {
    SLOT.with(|s| {
        *s.borrow_mut() = Slot {
            captured: None,
            canned,
            sends: 0,
        }
    });
}

/// A dispatch error with no `before-send` answer would mean a real send.
fn guard_network<T>(
    slot: &Slot,
    result: &Result<T, SdkError<(Option<String>, Json)>>,
) -> Result<(), String> {
    if let Err(SdkError::Dispatch(e)) = result {
        if slot.sends == 0 {
            return Err(format!(
                "a request bypassed the before-send hook and was dispatched: {e}"
            ));
        }
    }
    Ok(())
}

fn describe<E: std::fmt::Debug>(e: &SdkError<E>) -> String {
    let kind = match e {
        SdkError::Validation(_) => "validation",
        SdkError::Construction(_) => "construction",
        SdkError::Credentials(_) => "credentials",
        SdkError::Dispatch(_) => "dispatch",
        SdkError::Response(_) => "response",
        SdkError::Service(_) => "service",
        _ => "error",
    };
    let text = match e {
        SdkError::Validation(v) => v.problems.join("; "),
        other => format!("{other}"),
    };
    format!("{kind}: {text}")
}

/// Answers request cases: a bodiless 400 that no retry or redirect logic
/// acts on.
fn stop_response() -> HttpResponse {
    HttpResponse {
        status: 400,
        headers: HeaderMap::new(),
        body: Bytes::new(),
    }
}

fn capture(req: &http::Request<Bytes>) -> Captured {
    Captured {
        method: req.method().to_string(),
        uri: req.uri().to_string(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
            .collect(),
        body: req.body().clone(),
    }
}

/// A canned response from status, header pairs (values latin-1) and body.
pub fn canned(
    status: u16,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Result<HttpResponse, String> {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        let name = HeaderName::try_from(k.as_str()).map_err(|e| format!("header {k}: {e}"))?;
        let bytes: Vec<u8> = v.chars().map(|c| c as u32 as u8).collect();
        let value = HeaderValue::from_bytes(&bytes).map_err(|e| format!("header {k}: {e}"))?;
        map.append(name, value);
    }
    Ok(HttpResponse {
        status,
        headers: map,
        body: body.into(),
    })
}

/// `call_json` (a streaming output member comes back as a blob), with the
/// error's exception name and members.
async fn call(
    client: &ClientHandle,
    operation: &str,
    params: Json,
) -> Result<Json, SdkError<(Option<String>, Json)>> {
    let (input_stream, output_stream) = match client.operation_index(operation) {
        Some(i) => {
            let model = client.model();
            let op = &model.operations[i];
            (
                myaws_core::eventstream::input_stream_member(model, op).map(|m| {
                    model.shape(op.input.expect("an input")).members[m]
                        .name
                        .clone()
                }),
                myaws_core::eventstream::output_stream_member(model, op).is_some(),
            )
        }
        None => (None, false),
    };
    let result = if let Some(member) = input_stream {
        // No events to send: the request and the output's other members.
        let mut params = params;
        if let Some(obj) = params.as_object_mut() {
            obj.remove(&member);
        }
        client
            .call_stream_with_input(operation, params, futures_util::stream::empty())
            .await
            .map(|streaming| streaming.output)
    } else if output_stream {
        // The events themselves are not compared: the output's other members.
        client
            .call_stream(operation, params)
            .await
            .map(|streaming| streaming.output)
    } else {
        client.call_json(operation, params).await
    };
    result.map_err(|e| e.map_service(|dynamic| (dynamic.exception, dynamic.members)))
}
