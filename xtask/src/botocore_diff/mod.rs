//! `cargo xtask botocore-diff`: the differential test against botocore.
//!
//! botocore, pinned to `models/BOTOCORE_VERSION` and installed from PyPI
//! into `target/botocore-venv`, is the oracle. For every operation of every
//! generated service, with three generated parameter sets (required-only,
//! rich, empty: see [`params`]), the request botocore builds (every
//! customization on, captured in `before-send`) and the one myaws builds
//! (captured the same way) are compared by meaning, signature included
//! (both sides sign at the same fixed time). In the other direction, a
//! response is synthesized for every output shape (rich and empty) and
//! every modeled error (or one unmodeled error), answered to both clients
//! from `before-send`, and what each returns is compared. Nothing is sent
//! anywhere.
//!
//! A difference listed in `xtask/botocore-diff-deliberate.json` (with its
//! reason) makes the case "deliberate"; any other fails it. The run prints
//! per-service counts and a last line `N passed, N failed, N skipped`, and
//! writes `target/botocore-diff/report.md` with the failures grouped by
//! category.

mod categories;
mod compare;
mod deliberate;
pub(crate) mod myaws_side;
mod oracle;
pub(crate) mod params;
mod report;
mod venv;
mod wire;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use myaws_core::events::HttpResponse;
use serde_json::{json, Value as Json};

use self::compare::Finding;
use self::deliberate::{Deliberate, Site};
use self::myaws_side::{Canned, Myaws, RequestResult, ResponseResult};
use self::oracle::Oracle;
use self::params::{Generator, ParamSet};
use self::report::{Outcome, Report, Verdict};
use self::wire::Wire;
use crate::{models, workspace_root, Tally};

/// Usage of `cargo xtask botocore-diff`.
pub const USAGE: &str = "\
usage: cargo xtask botocore-diff [--service NAME ...] [--verbose] [--show CASE]

Compares the requests myaws builds with botocore's (the version in
models/BOTOCORE_VERSION, installed into target/botocore-venv), and what both
parse from synthesized responses, for every operation of every generated
service (or only the --service ones). Prints per-service counts and a last
line `N passed, N failed, N skipped`; writes target/botocore-diff/report.md.
  --service NAME   only this service (repeatable)
  --verbose        print every failing case's differences
  --show CASE      print both sides of the cases whose id matches CASE
                   (a glob such as `s3.PutObject[rich]` or `sqs.*`)";

/// The fixed time both sides sign at.
pub const FIXED_TIME: &str = "2024-05-01T12:34:56Z";
/// [`FIXED_TIME`] in seconds since the epoch.
const FIXED_EPOCH: u64 = 1_714_566_896;

/// The list of deliberate differences.
pub const DELIBERATE_FILE: &str = "xtask/botocore-diff-deliberate.json";
/// The oracle script.
pub const ORACLE_SCRIPT: &str = "xtask/oracle/botocore_oracle.py";
/// A service's endpoint rule set, in its `models/` directory.
const RULES_FILE: &str = "endpoint-rule-set-1.json";

/// Command-line options.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Services to run (empty: every generated service).
    pub services: Vec<String>,
    /// Print every failing case's differences.
    pub verbose: bool,
    /// Print both sides of the cases whose id matches one of these globs.
    pub show: Vec<String>,
}

impl Options {
    /// Parses the command line.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut opts = Options::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--service" => opts.services.push(
                    it.next()
                        .cloned()
                        .ok_or_else(|| format!("--service needs a name\n\n{USAGE}"))?,
                ),
                "--verbose" | "-v" => opts.verbose = true,
                "--show" => opts.show.push(
                    it.next()
                        .cloned()
                        .ok_or_else(|| format!("--show needs a case id\n\n{USAGE}"))?,
                ),
                "--help" | "-h" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
            }
        }
        let known = models::services()?;
        for s in &opts.services {
            if !known.contains(s) {
                return Err(format!(
                    "unknown service `{s}`; services in models/: {}",
                    known.join(", ")
                ));
            }
        }
        Ok(opts)
    }
}

/// Runs `cargo xtask botocore-diff` with its command-line arguments.
pub fn main(args: &[String]) -> Result<(), String> {
    let opts = Options::parse(args)?;
    let tally = run(&opts)?;
    println!("{tally}");
    if tally.failed > 0 {
        Err(format!(
            "{} botocore-diff case(s) failed (see target/botocore-diff/report.md)",
            tally.failed
        ))
    } else {
        Ok(())
    }
}

/// One case: a request with one parameter set, or a response variant.
#[derive(Debug, Clone)]
struct Case {
    service: String,
    protocol: String,
    operation: String,
    name: String,
    region: &'static str,
    token: bool,
    kind: CaseKind,
}

#[derive(Debug, Clone)]
enum CaseKind {
    Request(Json),
    /// Candidate parameter sets (those myaws accepts), in preference order.
    Response(Vec<Json>),
    /// Not sent to the oracle: skipped with this reason.
    Skip(String),
}

/// Region, session token.
fn placement(set: ParamSet) -> (&'static str, bool) {
    match set {
        ParamSet::Required => ("us-east-1", true),
        ParamSet::Rich => ("us-west-2", false),
        ParamSet::Empty => ("eu-central-1", true),
        ParamSet::BadLabels => ("us-west-2", false),
        ParamSet::HeaderLatin1 => ("eu-west-1", true),
        ParamSet::BucketArn => ("us-west-2", false),
    }
}

/// Region of the response cases.
const RESPONSE_REGION: &str = "us-west-2";

/// Runs the test and writes the report; returns the totals.
pub fn run(opts: &Options) -> Result<Tally, String> {
    let started = Instant::now();
    let root = workspace_root();
    let services: Vec<String> = if opts.services.is_empty() {
        models::services()?
    } else {
        opts.services.clone()
    };
    let version = std::fs::read_to_string(root.join("models/BOTOCORE_VERSION"))
        .map_err(|e| format!("models/BOTOCORE_VERSION: {e}"))?
        .trim()
        .to_string();
    let deliberate = Deliberate::load(&root.join(DELIBERATE_FILE))?;
    let out_dir = root.join("target/botocore-diff");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let python = venv::ensure_venv(&root, &version)?;
    let (data_dir, versions) = data_dir(&root, &out_dir, &services)?;

    let oracle = Oracle::spawn(
        &python,
        &root.join(ORACLE_SCRIPT),
        &out_dir.join("home"),
        &data_dir,
        &out_dir.join("oracle.log"),
    )?;
    oracle.send(&json!({
        "id": "init", "cmd": "init", "data_dir": data_dir, "time": FIXED_TIME,
        "services": versions, "bearer_token": myaws_side::BEARER_TOKEN,
    }))?;
    let init = oracle.recv()?;
    if let Some(crash) = init.get("crash") {
        return Err(format!(
            "the oracle failed to start: {}",
            crash.as_str().unwrap_or("")
        ));
    }
    println!(
        "botocore-diff: botocore {} (Python {}) loading models from {}",
        init["botocore"].as_str().unwrap_or("?"),
        init["python"].as_str().unwrap_or("?"),
        data_dir.display()
    );
    if init["botocore"].as_str() != Some(version.as_str()) {
        return Err(format!(
            "the venv has botocore {}, models/ are from {version}",
            init["botocore"]
        ));
    }

    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(FIXED_EPOCH);
    let mut myaws = Myaws::new(&root.join("models"), time)?;
    let mut report = Report::new(&services);

    // Generate every case and queue it; the oracle works while we go on.
    let mut cases = Vec::new();
    for service in &services {
        let generated = generate(&root, service, &mut myaws)?;
        report.operations(service, generated.0);
        for case in generated.1 {
            if !matches!(case.kind, CaseKind::Skip(_)) {
                oracle.send(&message(cases.len(), &case))?;
            }
            cases.push(case);
        }
    }

    let mut current: Option<String> = None;
    for (index, case) in cases.iter().enumerate() {
        if current.as_deref() != Some(case.service.as_str()) {
            if let Some(done) = current.take() {
                report.print_service(&done);
            }
            current = Some(case.service.clone());
        }
        let verdict = match &case.kind {
            CaseKind::Skip(reason) => Verdict::skipped(reason.clone()),
            _ => {
                let reply = oracle.recv()?;
                if reply.get("id") != Some(&json!(index)) {
                    return Err(format!(
                        "oracle replies out of order: expected {index}, got {}",
                        reply.get("id").unwrap_or(&Json::Null)
                    ));
                }
                let show = opts
                    .show
                    .iter()
                    .any(|g| deliberate::glob(g, &case_id(case)));
                if show && !matches!(case.kind, CaseKind::Request(_)) {
                    println!("== {} botocore: {reply:#}", case_id(case));
                }
                judge(case, &reply, &mut myaws, &deliberate, show)?
            }
        };
        if opts.verbose {
            if let Outcome::Failed(findings) = &verdict.outcome {
                println!("FAIL {}", case_id(case));
                for f in findings {
                    println!("    {}: {}", f.key, f.detail);
                }
            }
        }
        report.record(case, verdict);
    }
    if let Some(done) = current.take() {
        report.print_service(&done);
    }
    drop(oracle);
    let elapsed = started.elapsed();
    let path = out_dir.join("report.md");
    std::fs::write(&path, report.markdown(&deliberate, &version, elapsed))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    report.print_totals();
    println!(
        "botocore-diff: {:.1}s; report: {}",
        elapsed.as_secs_f64(),
        path.display()
    );
    Ok(report.tally())
}

/// `s3.PutObject[rich]`.
fn case_id(case: &Case) -> String {
    format!("{}.{}[{}]", case.service, case.operation, case.name)
}

/// A botocore data directory (`<svc>/<api-version>/` → `models/<svc>`), so
/// botocore loads the very models myaws does; returns it with the version
/// of each service.
fn data_dir(
    root: &Path,
    out_dir: &Path,
    services: &[String],
) -> Result<(PathBuf, BTreeMap<String, String>), String> {
    let dir = out_dir.join("data");
    let mut versions = BTreeMap::new();
    for service in services {
        let models = root.join("models").join(service);
        let version = std::fs::read_to_string(models.join("api-version"))
            .map_err(|e| format!("models/{service}/api-version: {e}"))?
            .trim()
            .to_string();
        let link = dir.join(service).join(&version);
        std::fs::create_dir_all(dir.join(service))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        if std::fs::read_link(&link).ok().as_deref() != Some(models.as_path()) {
            let _ = std::fs::remove_file(&link);
            let _ = std::fs::remove_dir_all(&link);
            link_dir(&models, &link)?;
        }
        versions.insert(service.clone(), version);
    }
    Ok((dir, versions))
}

#[cfg(unix)]
fn link_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link).map_err(|e| format!("{}: {e}", link.display()))
}

#[cfg(not(unix))]
fn link_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::fs::create_dir_all(link).map_err(|e| format!("{}: {e}", link.display()))?;
    for entry in std::fs::read_dir(target).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        std::fs::copy(entry.path(), link.join(entry.file_name())).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Operations botocore removes from its clients because they need HTTP/2
/// (`remove_*` `creating-client-class` handlers); myaws keeps them, and
/// its event-stream tests cover them instead.
const BOTOCORE_REMOVES: &[(&str, &str)] = &[
    ("lexv2-runtime", "StartConversation"),
    ("qbusiness", "Chat"),
    ("bedrock-runtime", "InvokeModelWithBidirectionalStream"),
    ("connecthealth", "StartMedicalScribeListeningSession"),
    ("polly", "StartSpeechSynthesisStream"),
];

/// Every case of `service`; returns the number of operations too.
fn generate(root: &Path, service: &str, myaws: &mut Myaws) -> Result<(usize, Vec<Case>), String> {
    let path = root.join("models").join(service).join("service-2.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Json = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let model = myaws.service(service)?.model.clone();
    let mut generator = Generator::new(&doc)?;
    if let Some(rules) = models::read_with_extras(&root.join("models").join(service), RULES_FILE)? {
        generator = generator.with_endpoint_rules(&rules, &model.metadata.endpoint_prefix);
    }
    let protocol = model.protocol.name().to_string();
    let ops = doc
        .get("operations")
        .and_then(Json::as_object)
        .ok_or_else(|| format!("{}: no operations", path.display()))?;
    let mut cases = Vec::new();
    for (name, op) in ops {
        let input = op
            .get("input")
            .and_then(|i| i.get("shape"))
            .and_then(Json::as_str);
        let case = |case: String, region, token, kind| Case {
            service: service.to_string(),
            protocol: protocol.clone(),
            operation: name.clone(),
            name: case,
            region,
            token,
            kind,
        };
        if BOTOCORE_REMOVES.contains(&(service, name.as_str())) {
            let why = "botocore removes this operation from its client (it needs HTTP/2)";
            cases.push(case(
                "all".into(),
                "us-east-1",
                false,
                CaseKind::Skip(why.into()),
            ));
            continue;
        }
        let mut sets = Vec::new();
        for set in ParamSet::ALL {
            let params = generator.params(input, set);
            let (region, token) = placement(set);
            // Identical sets (operations without optional members) run once.
            if sets.iter().any(|(_, p)| *p == params) {
                continue;
            }
            cases.push(case(
                set.name().into(),
                region,
                token,
                CaseKind::Request(params.clone()),
            ));
            sets.push((set, params));
        }
        // Responses: with the parameter sets myaws accepts.
        let mut candidates = Vec::new();
        for (set, params) in &sets {
            if !matches!(set, ParamSet::Required | ParamSet::Rich | ParamSet::Empty) {
                continue;
            }
            if let RequestResult::Sent(_) =
                myaws.request(service, name, RESPONSE_REGION, false, params)?
            {
                candidates.push(params.clone());
            }
        }
        let op_model = model
            .operation(name)
            .ok_or_else(|| format!("{service}: no {name}"))?;
        let mut variants = vec!["output-rich".to_string(), "output-empty".to_string()];
        if op_model.output.is_none() {
            variants.truncate(1);
        }
        for e in &op_model.errors {
            variants.push(format!("error:{}", model.shape(*e).name));
        }
        if op_model.errors.is_empty() {
            variants.push("error:unmodeled".into());
        }
        if service == "s3" && s3_checks_200_errors(&model, op_model) {
            variants.push("error:in-200".into());
        }
        for v in variants {
            let kind = if candidates.is_empty() {
                CaseKind::Skip("myaws rejects every parameter set (see the request cases)".into())
            } else {
                CaseKind::Response(candidates.clone())
            };
            cases.push(case(v, RESPONSE_REGION, false, kind));
        }
    }
    Ok((ops.len(), cases))
}

/// Whether botocore looks for an error document in a 200 answer to this S3
/// operation: it has an output, without an event stream or a blob or
/// string payload.
fn s3_checks_200_errors(
    model: &myaws_core::ServiceModel,
    op: &myaws_core::model::Operation,
) -> bool {
    use myaws_core::model::ShapeKind;
    let Some(output) = op.output else {
        return false;
    };
    let shape = model.shape(output);
    let payload = shape
        .payload
        .as_deref()
        .and_then(|p| shape.member_index(p))
        .map(|i| model.shape(shape.members[i].target));
    let streams = shape
        .members
        .iter()
        .any(|m| model.shape(m.target).event_stream);
    !streams && !payload.is_some_and(|p| matches!(p.kind, ShapeKind::Blob | ShapeKind::String))
}

fn creds(token: bool) -> Json {
    let mut c = json!({
        "key": myaws_side::ACCESS_KEY_ID,
        "secret": myaws_side::SECRET_ACCESS_KEY,
    });
    if token {
        c["token"] = json!(myaws_side::SESSION_TOKEN);
    }
    c
}

/// The oracle message for case number `id`.
fn message(id: usize, case: &Case) -> Json {
    let mut m = json!({
        "id": id,
        "service": case.service,
        "operation": case.operation,
        "region": case.region,
        "creds": creds(case.token),
    });
    match &case.kind {
        CaseKind::Request(params) => {
            m["cmd"] = json!("request");
            m["params"] = params.clone();
        }
        CaseKind::Response(candidates) => {
            m["cmd"] = json!("response");
            m["variant"] = json!(case.name);
            m["candidates"] = json!(candidates);
        }
        CaseKind::Skip(_) => {}
    }
    m
}

/// Runs the myaws side of a case and compares it with the oracle's reply.
fn judge(
    case: &Case,
    reply: &Json,
    myaws: &mut Myaws,
    deliberate: &Deliberate,
    show: bool,
) -> Result<Verdict, String> {
    if let Some(crash) = reply.get("crash").and_then(Json::as_str) {
        let finding = Finding {
            key: "harness:oracle-error".into(),
            detail: crash.lines().next().unwrap_or("").to_string(),
        };
        return Ok(classify(case, vec![finding], deliberate, None));
    }
    let mut signature = None;
    let findings = match &case.kind {
        CaseKind::Request(params) => {
            let mine = myaws.request(
                &case.service,
                &case.operation,
                case.region,
                case.token,
                params,
            )?;
            if show {
                match (reply.get("request"), &mine) {
                    (Some(r), _) => println!(
                        "== {} botocore:\n{}",
                        case_id(case),
                        Wire::from_botocore(r)?
                    ),
                    (None, _) => println!("== {} botocore: {reply}", case_id(case)),
                }
                match &mine {
                    RequestResult::Sent(c) => {
                        println!("== {} myaws:\n{}", case_id(case), Wire::from_myaws(c)?)
                    }
                    RequestResult::Rejected(why) => {
                        println!("== {} myaws rejects: {why}", case_id(case))
                    }
                }
            }
            match (reply.get("request"), reply.get("reject"), mine) {
                (_, Some(reject), RequestResult::Rejected(_)) => {
                    return Ok(Verdict::skipped(format!(
                        "both reject; botocore: {}",
                        reject_reason(reject)
                    )))
                }
                (_, Some(reject), RequestResult::Sent(_)) => vec![Finding {
                    key: format!("reject:botocore-only:{}", reject_kind(reject)),
                    detail: format!("botocore refuses, myaws sends: {}", reject_reason(reject)),
                }],
                (Some(_), None, RequestResult::Rejected(why)) => vec![Finding {
                    key: format!("reject:myaws-only:{}", myaws_reject_kind(&why)),
                    detail: format!("myaws refuses, botocore sends: {why}"),
                }],
                (Some(request), None, RequestResult::Sent(captured)) => {
                    let b = Wire::from_botocore(request)?;
                    let m = Wire::from_myaws(&captured)?;
                    let compared = compare::compare_requests(&case.protocol, b, m);
                    if compared.signature_compared {
                        signature =
                            Some(!compared.findings.iter().any(|f| f.key == "auth:signature"));
                    }
                    compared.findings
                }
                _ => {
                    return Err(format!(
                        "{}: unexpected oracle reply {reply}",
                        case_id(case)
                    ))
                }
            }
        }
        CaseKind::Response(candidates) => {
            if let Some(why) = reply.get("unsupported").and_then(Json::as_str) {
                return Ok(Verdict::skipped(format!("not synthesized: {why}")));
            }
            let Some(http) = reply.get("http") else {
                return Err(format!(
                    "{}: oracle reply without http: {reply}",
                    case_id(case)
                ));
            };
            if let Some(reject) = reply.get("reject") {
                return Ok(Verdict::skipped(format!(
                    "botocore rejects every parameter set myaws accepts: {}",
                    reject_reason(reject)
                )));
            }
            let used = reply.get("used").and_then(Json::as_u64).unwrap_or(0) as usize;
            let params = candidates
                .get(used)
                .ok_or("oracle used an unknown candidate")?;
            let canned = Canned {
                response: http_answer(http)?,
                others: other_answers(reply)?,
            };
            let mine = myaws.response(
                &case.service,
                &case.operation,
                case.region,
                case.token,
                params,
                canned,
            )?;
            if show {
                println!("== {} myaws: {mine:#?}", case_id(case));
            }
            if let (Some(failed), ResponseResult::Failed(why)) = (reply.get("failed"), &mine) {
                return Ok(Verdict::skipped(format!(
                    "both fail on the synthesized response; botocore: {}; myaws: {why}",
                    reject_reason(failed)
                )));
            }
            let model = myaws.service(&case.service)?.model.clone();
            compare_response(&model, case, reply, mine)
        }
        CaseKind::Skip(reason) => return Ok(Verdict::skipped(reason.clone())),
    };
    Ok(classify(case, findings, deliberate, signature))
}

/// The oracle's `http` object (status, header pairs, base64 body) as a
/// canned response.
fn http_answer(http: &Json) -> Result<HttpResponse, String> {
    let headers: Vec<(String, String)> = http["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p[0].as_str().unwrap_or("").to_string(),
                p[1].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let body = base64::engine::general_purpose::STANDARD
        .decode(http["body"].as_str().unwrap_or(""))
        .map_err(|e| format!("oracle http body: {e}"))?;
    let status = http["status"].as_u64().unwrap_or(200) as u16;
    myaws_side::canned(status, &headers, body)
}

/// The answers to other operations a call makes first (endpoint
/// discovery's `DescribeEndpoints`), from the reply's `others`, by
/// operation name.
fn other_answers(reply: &Json) -> Result<Vec<(String, HttpResponse)>, String> {
    reply
        .get("others")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .map(|(operation, http)| Ok((operation.clone(), http_answer(http)?)))
        .collect()
}

fn reject_kind(reject: &Json) -> String {
    let kind = reject.get("type").and_then(Json::as_str).unwrap_or("?");
    let message = reject.get("message").and_then(Json::as_str).unwrap_or("");
    // The first line names the problem; values after a colon vary.
    let mut head = message
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string();
    if let Some((before, _)) = head.split_once(':') {
        head = before.to_string();
    }
    format!("{kind}: {}", head.chars().take(80).collect::<String>())
}

fn reject_reason(reject: &Json) -> String {
    format!(
        "{}: {}",
        reject.get("type").and_then(Json::as_str).unwrap_or("?"),
        reject
            .get("message")
            .and_then(Json::as_str)
            .unwrap_or("")
            .replace('\n', " ")
    )
}

fn myaws_reject_kind(why: &str) -> String {
    let (kind, rest) = why.split_once(": ").unwrap_or((why, ""));
    let rest: String = rest
        .split(['"', '`', '(', ':'])
        .next()
        .unwrap_or("")
        .chars()
        .take(60)
        .collect();
    format!("{kind}: {}", rest.trim())
}

/// Compares what both clients returned for a canned response.
fn compare_response(
    model: &myaws_core::ServiceModel,
    case: &Case,
    reply: &Json,
    mine: ResponseResult,
) -> Vec<Finding> {
    let finding = |key: &str, detail: String| Finding {
        key: key.to_string(),
        detail,
    };
    let op = model.operation(&case.operation);
    match (
        reply.get("parsed"),
        reply.get("error"),
        reply.get("failed"),
        mine,
    ) {
        (Some(parsed), _, _, ResponseResult::Output(mut out)) => {
            // boto3's `ResponseMetadata`: the ids botocore finds must be
            // ours; status, headers and retries are the transport's.
            let metadata = out
                .as_object_mut()
                .and_then(|o| o.remove("ResponseMetadata"))
                .unwrap_or(Json::Null);
            let mut findings =
                compare::compare_output(model, op.and_then(|o| o.output), "out", parsed, &out);
            if let Some(ids) = reply.get("ids").and_then(Json::as_object) {
                for key in ["RequestId", "HostId"] {
                    let theirs = ids.get(key);
                    let ours = metadata.get(key);
                    if theirs != ours {
                        findings.push(finding(
                            "out:ResponseMetadata",
                            format!("{key}: botocore {theirs:?}, myaws {ours:?}"),
                        ));
                    }
                }
            }
            findings
        }
        (
            _,
            Some(error),
            _,
            ResponseResult::Error {
                code,
                message,
                exception,
                status,
                members,
            },
        ) => {
            let mut f = Vec::new();
            let s = |k: &str| error.get(k).and_then(Json::as_str).map(str::to_string);
            if s("code").as_deref() != Some(code.as_str()) {
                f.push(finding(
                    "err:code",
                    format!("botocore {:?}, myaws {code:?}", s("code")),
                ));
            }
            let bm = s("message").unwrap_or_default();
            if bm != message.clone().unwrap_or_default() {
                f.push(finding(
                    "err:message",
                    format!("botocore {bm:?}, myaws {message:?}"),
                ));
            }
            if s("exception") != exception {
                f.push(finding(
                    "err:exception",
                    format!("botocore {:?}, myaws {exception:?}", s("exception")),
                ));
            }
            if error.get("status").and_then(Json::as_u64) != Some(status as u64) {
                f.push(finding(
                    "err:status",
                    format!("botocore {}, myaws {status}", error["status"]),
                ));
            }
            if let Some(name) = s("exception") {
                let shape = model.shape_id(&name);
                let theirs = error.get("members").cloned().unwrap_or(json!({}));
                let ours = if members.is_null() {
                    json!({})
                } else {
                    members
                };
                f.extend(compare::compare_output(
                    model,
                    shape,
                    "err-member",
                    &theirs,
                    &ours,
                ));
            }
            f
        }
        (Some(_), _, _, ResponseResult::Error { code, message, .. }) => vec![finding(
            "resp:myaws-error",
            format!("botocore parses the output, myaws returns error {code}: {message:?}"),
        )],
        (_, Some(error), _, ResponseResult::Output(_)) => vec![finding(
            "resp:myaws-output",
            format!("botocore raises {}, myaws returns an output", error["code"]),
        )],
        (_, _, Some(failed), ResponseResult::Output(_) | ResponseResult::Error { .. }) => {
            vec![finding(
                &format!(
                    "resp:botocore-fails:{}",
                    failed["type"].as_str().unwrap_or("?")
                ),
                format!("botocore fails ({}), myaws does not", reject_reason(failed)),
            )]
        }
        (_, _, _, ResponseResult::Failed(why)) => vec![finding(
            &format!("resp:myaws-fails:{}", myaws_reject_kind(&why)),
            format!("myaws fails: {why}"),
        )],
        (_, _, _, ResponseResult::Rejected(why)) => vec![finding(
            "resp:myaws-rejects",
            format!("myaws rejects the parameters botocore accepted: {why}"),
        )],
        _ => vec![finding("harness:unexpected-reply", reply.to_string())],
    }
}

/// Applies the deliberate list to a case's findings; `signature` says
/// whether the signatures were compared and agreed.
fn classify(
    case: &Case,
    findings: Vec<Finding>,
    deliberate: &Deliberate,
    signature: Option<bool>,
) -> Verdict {
    let site = Site {
        service: &case.service,
        operation: &case.operation,
        case: &case.name,
    };
    let mut failed = Vec::new();
    let mut accepted = Vec::new();
    let mut ignored = Vec::new();
    for f in findings {
        match deliberate.find(site, &f) {
            Some(e) if e.ignore => ignored.push(e.id.clone()),
            Some(e) => accepted.push((e.id.clone(), f)),
            None => failed.push(f),
        }
    }
    let outcome = if !failed.is_empty() {
        Outcome::Failed(failed)
    } else if !accepted.is_empty() {
        Outcome::Deliberate
    } else {
        Outcome::Identical
    };
    Verdict {
        outcome,
        accepted,
        ignored,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse() {
        let args: Vec<String> = ["--service", "sqs", "--verbose", "--service", "s3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let o = Options::parse(&args).unwrap();
        assert_eq!(o.services, vec!["sqs", "s3"]);
        assert!(o.verbose);
        assert!(Options::parse(&["--service".into()]).is_err());
        assert!(Options::parse(&["--service".into(), "nope".into()]).is_err());
        assert!(Options::parse(&["--fast".into()]).is_err());
    }

    #[test]
    fn fixed_time_constants_agree() {
        let t = myaws_core::DateTime::parse(FIXED_TIME).unwrap();
        assert_eq!(t.secs() as u64, FIXED_EPOCH);
    }

    #[test]
    fn deliberate_file_parses() {
        let list = Deliberate::load(&workspace_root().join(DELIBERATE_FILE)).unwrap();
        assert!(list
            .entries
            .iter()
            .any(|e| e.id == "user-agent" && e.ignore));
    }
}
