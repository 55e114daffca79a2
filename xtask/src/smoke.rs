//! `cargo xtask smoke`: every operation of every service in `models/`,
//! through the dynamic path of a client built from the model at run time.
//!
//! For each operation: parameters for its required members are generated
//! from the model (botocore-diff's generator; every member when the required
//! ones alone are refused; ARNs and URLs made plausible by [`plausible`]),
//! the call is validated, its endpoint resolved and the request signed (with
//! static credentials, or a static bearer token where the model asks for
//! one), then a `before-send` hook answers it at the transport with the
//! protocol's smallest valid response, which is parsed; a discovery
//! operation the call makes first (`DescribeEndpoints`) is answered with
//! one endpoint. Nothing leaves the machine. One line per failure, a last
//! line `N passed, N failed, N skipped`; skips only for reasons listed in
//! `xtask/smoke-skips.json`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use myaws_core::events::HttpResponse;
use myaws_core::model::{Operation, Protocol, ServiceModel};
use serde_json::Value as Json;

use crate::botocore_diff::myaws_side::{Canned, Myaws, ResponseResult};
use crate::botocore_diff::params::{Generator, ParamSet};
use crate::{models, workspace_root, Tally};

pub(crate) mod plausible;

use plausible::Plausible;

/// Usage of `cargo xtask smoke`.
pub const USAGE: &str = "\
usage: cargo xtask smoke [--service NAME ...]

Calls every operation of every service in models/ (or only the --service
ones) through a client built from the model at run time: generated required
parameters, validation, endpoint resolution and signing, answered at the
transport with the protocol's smallest valid response, which is parsed.
Prints one line per failure and a last line `N passed, N failed, N skipped`.";

/// The skip list: `service` → `operation` → reason.
type Skips = BTreeMap<String, BTreeMap<String, String>>;

/// Entry point.
pub fn main(args: &[String]) -> Result<(), String> {
    let mut only = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--service" => only.push(it.next().ok_or("--service needs a name")?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unexpected argument `{other}`\n\n{USAGE}")),
        }
    }
    let tally = run(&only)?;
    println!("{tally}");
    if tally.failed > 0 {
        return Err(format!("{} operations failed the smoke test", tally.failed));
    }
    Ok(())
}

/// Runs the smoke test over `only` (every service when empty).
pub fn run(only: &[String]) -> Result<Tally, String> {
    let root = workspace_root();
    let models_dir = root.join("models");
    let skips = load_skips(&root.join("xtask/smoke-skips.json"))?;
    let known = models::services()?;
    if let Some(unknown) = only.iter().find(|name| !known.contains(name)) {
        return Err(format!("no model for service `{unknown}` in models/"));
    }
    let services: Vec<String> = known
        .into_iter()
        .filter(|name| only.is_empty() || only.contains(name))
        .collect();
    // Any fixed time: nothing is compared with another signer.
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_566_896);
    let mut myaws = Myaws::new(&models_dir, time)?;
    let mut total = Tally::default();
    let mut per_protocol: BTreeMap<String, Tally> = BTreeMap::new();
    for service in &services {
        let tally = smoke_service(&models_dir, service, &mut myaws, skips.get(service))?;
        let protocol = myaws.service(service)?.model.protocol.name().to_string();
        per_protocol.entry(protocol).or_default().add(tally);
        total.add(tally);
    }
    for (protocol, tally) in &per_protocol {
        println!("{protocol}: {tally}");
    }
    println!("{} services", services.len());
    Ok(total)
}

fn load_skips(path: &Path) -> Result<Skips, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn smoke_service(
    models_dir: &Path,
    service: &str,
    myaws: &mut Myaws,
    skips: Option<&BTreeMap<String, String>>,
) -> Result<Tally, String> {
    let dir = models_dir.join(service);
    let doc = models::read_with_extras(&dir, "service-2.json")?
        .ok_or_else(|| format!("models/{service}: no service-2.json"))?;
    let rules = models::read_with_extras(&dir, "endpoint-rule-set-1.json")?;
    let generator = Generator::new(&doc)?;
    let model = myaws.service(service)?.model.clone();
    let plausible = Plausible::new(&doc, rules.as_ref(), &model.metadata.endpoint_prefix);
    let mut tally = Tally::default();
    for op in &model.operations {
        if skips.is_some_and(|s| s.contains_key(&op.name)) {
            tally.skipped += 1;
            continue;
        }
        let input = doc
            .pointer(&format!("/operations/{}/input/shape", op.name))
            .and_then(Json::as_str);
        let mut outcome = Err(String::from("no parameter set"));
        for set in [ParamSet::Required, ParamSet::Rich] {
            let mut params = generator.params(input, set);
            plausible.apply(&mut params, input);
            let canned = Canned {
                response: smallest_response(&model, op),
                others: discovery_answer(&model, op).into_iter().collect(),
            };
            outcome =
                match myaws.response(service, &op.name, "us-east-1", false, &params, canned)? {
                    ResponseResult::Output(_) => Ok(()),
                    ResponseResult::Rejected(why) => Err(format!("refused: {why}")),
                    ResponseResult::Failed(why) => Err(format!("response not parsed: {why}")),
                    ResponseResult::Error { code, status, .. } => {
                        Err(format!("parsed as a service error {code} ({status})"))
                    }
                };
            // Only a refused request is worth a second parameter set.
            if !matches!(&outcome, Err(why) if why.starts_with("refused")) {
                break;
            }
        }
        match outcome {
            Ok(()) => tally.passed += 1,
            Err(why) => {
                tally.failed += 1;
                println!("FAILED {service}.{}: {why}", op.name);
            }
        }
    }
    Ok(tally)
}

/// The answer to the discovery operation (`DescribeEndpoints`) that a call
/// of `op` makes first, when the service has one and `op` is not it.
fn discovery_answer(model: &ServiceModel, op: &Operation) -> Option<(String, HttpResponse)> {
    let discovery = &model.operations[model.endpoint_discovery_operation()?];
    (discovery.name != op.name)
        .then(|| (discovery.name.clone(), smallest_response(model, discovery)))
}

/// The smallest valid answer of a discovery operation: one endpoint (an
/// `Endpoints` list is required, as in botocore). Only JSON services have
/// discovery operations.
fn discovery_body(model: &ServiceModel) -> Bytes {
    Bytes::from(format!(
        r#"{{"Endpoints":[{{"Address":"{}.us-east-1.amazonaws.com","CachePeriodInMinutes":1440}}]}}"#,
        model.metadata.endpoint_prefix
    ))
}

/// A JSON protocol's smallest body: `{}`, or one endpoint for the discovery
/// operation.
fn json_body(model: &ServiceModel, op: &Operation) -> Bytes {
    if op.endpoint_operation {
        discovery_body(model)
    } else {
        Bytes::from_static(b"{}")
    }
}

/// The smallest response each protocol's parser accepts as a success.
fn smallest_response(model: &ServiceModel, op: &Operation) -> HttpResponse {
    let mut headers = HeaderMap::new();
    let mut header = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    header("x-amzn-requestid", "smoke-request");
    let events = myaws_core::eventstream::output_stream_member(model, op).is_some();
    let body: Bytes = match model.protocol {
        // An event stream that ends at once (no initial-response, no events).
        _ if events => {
            header("content-type", "application/vnd.amazon.eventstream");
            Bytes::new()
        }
        Protocol::Json => {
            let version = model.metadata.json_version.as_deref().unwrap_or("1.0");
            header("content-type", &format!("application/x-amz-json-{version}"));
            json_body(model, op)
        }
        Protocol::RestJson => {
            header("content-type", "application/json");
            json_body(model, op)
        }
        Protocol::RestXml => {
            header("content-type", "application/xml");
            Bytes::from(format!("<{0}Output></{0}Output>", op.name))
        }
        Protocol::Query => {
            header("content-type", "text/xml");
            Bytes::from(format!(
                "<{0}Response><{0}Result></{0}Result><ResponseMetadata>\
                 <RequestId>smoke-request</RequestId></ResponseMetadata></{0}Response>",
                op.name
            ))
        }
        Protocol::Ec2 => {
            header("content-type", "text/xml;charset=UTF-8");
            Bytes::from(format!(
                "<{0}Response><requestId>smoke-request</requestId></{0}Response>",
                op.name
            ))
        }
        Protocol::RpcV2Cbor => {
            header("content-type", "application/cbor");
            header("smithy-protocol", "rpc-v2-cbor");
            // An empty CBOR map.
            Bytes::from_static(&[0xa0])
        }
    };
    HttpResponse {
        status: 200,
        headers,
        body,
    }
}
