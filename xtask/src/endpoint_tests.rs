//! `cargo xtask endpoint-tests`: runs `endpoint-tests-1.json` files against
//! endpoint rule sets with `myaws_core::endpoint`.
//!
//! Each test case is checked twice when it can be:
//!
//! * **params**: resolve the rule set with the case's `params` and compare
//!   with `expect.endpoint` (URL exactly, `properties` and `headers` as JSON
//!   values) or `expect.error` (exact message);
//! * **operationInputs** (only when a `service-2.json` sits next to the rule
//!   set): build the parameters the way a client would, with `bind_params`
//!   from the entry's `builtInParams`, `operationName` and `operationParams`,
//!   and compare the same way.
//!
//! With no arguments it runs every service in `models/` that has
//! `tests/vectors/endpoint-rules/<svc>/endpoint-tests-1.json`, then the
//! rules-engine suite in `tests/vectors/endpoint-ruleset-engine/`. Nothing
//! here knows about any particular service.

use std::fmt;
use std::path::{Path, PathBuf};

use myaws_core::convert::{from_json, JsonOptions};
use myaws_core::endpoint::{bind_params, BuiltIns, Endpoint, ParamValue, Params, RuleSet};
use myaws_core::value::Value;
use myaws_core::ServiceModel;
use serde_json::{Map, Value as Json};

use crate::{workspace_root, Tally};

const USAGE: &str = "usage: cargo xtask endpoint-tests \
[--ruleset RULESET.json TESTS.json]... [--engine-suite DIR]...";

/// One rule set and the test files to run against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Name printed with the counts.
    pub label: String,
    /// The `endpoint-rule-set-1.json` (or engine-suite rule set).
    pub ruleset: PathBuf,
    /// The test file; `None` when the rule set only has to load.
    pub tests: Option<PathBuf>,
}

/// The counts of one job (or of everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Cases checked with their `params`.
    pub params: Tally,
    /// `operationInputs` entries checked through `bind_params`.
    pub operation_inputs: Tally,
    /// One line per failing (or skipped) check.
    pub messages: Vec<String>,
}

impl Report {
    /// Both tallies added up.
    pub fn total(&self) -> Tally {
        let mut t = self.params;
        t.add(self.operation_inputs);
        t
    }

    fn add(&mut self, other: Report) {
        self.params.add(other.params);
        self.operation_inputs.add(other.operation_inputs);
        self.messages.extend(other.messages);
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.params)?;
        if self.operation_inputs != Tally::default() {
            write!(f, "; operationInputs: {}", self.operation_inputs)?;
        }
        Ok(())
    }
}

/// Services in `models/` with endpoint tests in `tests/vectors/endpoint-rules/`.
pub fn service_jobs(root: &Path) -> Vec<Job> {
    let mut jobs = Vec::new();
    let Ok(entries) = std::fs::read_dir(root.join("models")) else {
        return jobs;
    };
    let mut services: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    services.sort();
    for svc in services {
        let ruleset = root
            .join("models")
            .join(&svc)
            .join("endpoint-rule-set-1.json");
        let tests = root
            .join("tests/vectors/endpoint-rules")
            .join(&svc)
            .join("endpoint-tests-1.json");
        if ruleset.is_file() && tests.is_file() {
            jobs.push(Job {
                label: svc,
                ruleset,
                tests: Some(tests),
            });
        }
    }
    jobs
}

/// The rules-engine suite in `dir`: `test-cases/X.json` runs against
/// `valid-rules/X.json`; a rule set without tests only has to load.
pub fn engine_suite_jobs(dir: &Path) -> Result<Vec<Job>, String> {
    let rules_dir = dir.join("valid-rules");
    let entries =
        std::fs::read_dir(&rules_dir).map_err(|e| format!("{}: {e}", rules_dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    Ok(names
        .into_iter()
        .map(|name| {
            let tests = dir.join("test-cases").join(&name);
            Job {
                label: format!("engine/{}", name.trim_end_matches(".json")),
                ruleset: rules_dir.join(&name),
                tests: tests.is_file().then_some(tests),
            }
        })
        .collect())
}

/// Every default job: the services, then the engine suite.
pub fn default_jobs() -> Result<Vec<Job>, String> {
    let root = workspace_root();
    let mut jobs = service_jobs(&root);
    jobs.extend(engine_suite_jobs(
        &root.join("tests/vectors/endpoint-ruleset-engine"),
    )?);
    Ok(jobs)
}

/// Entry point with command-line arguments.
pub fn main(args: &[String]) -> Result<(), String> {
    let jobs = parse_args(args)?;
    let mut total = Report::default();
    for job in &jobs {
        let report = run_job(job)?;
        for line in &report.messages {
            println!("{line}");
        }
        println!("{}: {report}", job.label);
        total.add(report);
    }
    println!("{}", total.total());
    match total.total().failed {
        0 => Ok(()),
        n => Err(format!("{n} endpoint test check(s) failed")),
    }
}

fn parse_args(args: &[String]) -> Result<Vec<Job>, String> {
    if args.is_empty() {
        return default_jobs();
    }
    let mut jobs = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--ruleset" => {
                let (Some(ruleset), Some(tests)) = (it.next(), it.next()) else {
                    return Err(format!("--ruleset needs RULESET.json TESTS.json\n{USAGE}"));
                };
                jobs.push(Job {
                    label: tests.clone(),
                    ruleset: PathBuf::from(ruleset),
                    tests: Some(PathBuf::from(tests)),
                });
            }
            "--engine-suite" => {
                let dir = it
                    .next()
                    .ok_or_else(|| format!("--engine-suite needs a directory\n{USAGE}"))?;
                jobs.extend(engine_suite_jobs(Path::new(dir))?);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(jobs)
}

/// Runs one job. A rule set that does not load counts as one failure.
pub fn run_job(job: &Job) -> Result<Report, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut report = Report::default();
    let rules = match RuleSet::from_json(&read(&job.ruleset)?) {
        Ok(r) => r,
        Err(e) => {
            report.params.failed += 1;
            report.messages.push(format!("FAIL {}: {e}", job.label));
            return Ok(report);
        }
    };
    let Some(tests_path) = &job.tests else {
        report.params.passed += 1;
        return Ok(report);
    };
    let tests: Json = serde_json::from_str(&read(tests_path)?)
        .map_err(|e| format!("{}: {e}", tests_path.display()))?;
    let cases = tests
        .get("testCases")
        .and_then(Json::as_array)
        .ok_or_else(|| format!("{}: no `testCases` array", tests_path.display()))?;
    let model = load_model_beside(&job.ruleset)?;
    for (i, case) in cases.iter().enumerate() {
        let name = format!(
            "{} #{i} ({})",
            job.label,
            case.get("documentation")
                .and_then(Json::as_str)
                .unwrap_or("")
        );
        let expect = case.get("expect").unwrap_or(&Json::Null);
        record(
            &mut report.params,
            &mut report.messages,
            &name,
            check_params(&rules, case, expect),
        );
        let inputs = case.get("operationInputs").and_then(Json::as_array);
        if let (Some(model), Some(inputs)) = (&model, inputs) {
            for (j, input) in inputs.iter().enumerate() {
                let outcome = check_operation_input(&rules, model, input, expect);
                let name = format!("{name} operationInputs[{j}]");
                record(
                    &mut report.operation_inputs,
                    &mut report.messages,
                    &name,
                    outcome,
                );
            }
        }
    }
    Ok(report)
}

/// The service model next to a rule set, if there is one.
fn load_model_beside(ruleset: &Path) -> Result<Option<ServiceModel>, String> {
    let path = ruleset.with_file_name("service-2.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    ServiceModel::from_json(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As expected.
    Pass,
    /// Not as expected.
    Fail(String),
    /// Cannot be expressed; the reason.
    Skip(String),
}

fn record(tally: &mut Tally, messages: &mut Vec<String>, name: &str, outcome: Outcome) {
    match outcome {
        Outcome::Pass => tally.passed += 1,
        Outcome::Fail(why) => {
            tally.failed += 1;
            messages.push(format!("FAIL {name}: {why}"));
        }
        Outcome::Skip(why) => {
            tally.skipped += 1;
            messages.push(format!("SKIP {name}: {why}"));
        }
    }
}

/// Resolves with the case's `params`.
pub fn check_params(rules: &RuleSet, case: &Json, expect: &Json) -> Outcome {
    let mut params = Params::new();
    if let Some(map) = case.get("params").and_then(Json::as_object) {
        for (name, value) in map {
            match ParamValue::from_json(value) {
                Some(v) => params.set(name, v),
                None => {
                    return Outcome::Skip(format!(
                        "parameter {name} = {value} has no endpoint type"
                    ))
                }
            }
        }
    }
    compare(rules.resolve(&params), expect)
}

/// Resolves through `bind_params` with one `operationInputs` entry.
pub fn check_operation_input(
    rules: &RuleSet,
    model: &ServiceModel,
    entry: &Json,
    expect: &Json,
) -> Outcome {
    let mut builtins = BuiltIns::default();
    if let Some(map) = entry.get("builtInParams").and_then(Json::as_object) {
        for (name, value) in map {
            let set = ParamValue::from_json(value)
                .ok_or_else(|| format!("built-in {name} = {value} has no endpoint type"))
                .and_then(|v| builtins.set(name, &v));
            if let Err(why) = set {
                return Outcome::Skip(why);
            }
        }
    }
    let Some(op_name) = entry.get("operationName").and_then(Json::as_str) else {
        return Outcome::Fail("operationInputs entry without operationName".into());
    };
    let Some(op) = model.operation(op_name) else {
        return Outcome::Fail(format!("the model has no operation {op_name}"));
    };
    let empty = Json::Object(Map::new());
    let json = entry.get("operationParams").unwrap_or(&empty);
    let opts = JsonOptions {
        check_enums: false,
        ..JsonOptions::default()
    };
    let input = match op.input {
        Some(shape) => match from_json(model, shape, json, opts) {
            Ok(v) => v,
            Err(e) => return Outcome::Fail(format!("operationParams: {e}")),
        },
        None => Value::Null,
    };
    let params = bind_params(rules, &builtins, model, op, &input);
    compare(rules.resolve(&params), expect)
}

/// Compares a resolution result with `expect`.
pub fn compare(
    result: Result<Endpoint, myaws_core::endpoint::EndpointError>,
    expect: &Json,
) -> Outcome {
    match (result, expect.get("endpoint"), expect.get("error")) {
        (Ok(actual), Some(want), _) => {
            let mut diffs = Vec::new();
            let url = want.get("url").and_then(Json::as_str).unwrap_or_default();
            if actual.url != url {
                diffs.push(format!("url: expected {url}, got {}", actual.url));
            }
            let empty = Json::Object(Map::new());
            let want_props = want.get("properties").unwrap_or(&empty);
            let got_props = Json::Object(actual.properties.clone());
            if &got_props != want_props {
                diffs.push(format!(
                    "properties: expected {want_props}, got {got_props}"
                ));
            }
            let want_headers = want.get("headers").unwrap_or(&empty);
            let got_headers = Json::Object(
                actual
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::from(v.clone())))
                    .collect(),
            );
            if &got_headers != want_headers {
                diffs.push(format!(
                    "headers: expected {want_headers}, got {got_headers}"
                ));
            }
            match diffs.is_empty() {
                true => Outcome::Pass,
                false => Outcome::Fail(diffs.join("; ")),
            }
        }
        (Ok(actual), None, Some(err)) => {
            Outcome::Fail(format!("expected error {err}, got endpoint {}", actual.url))
        }
        (Err(e), _, Some(Json::String(want))) if e.to_string() == *want => Outcome::Pass,
        (Err(e), _, Some(want)) => Outcome::Fail(format!("expected error {want}, got error {e:?}")),
        (Err(e), Some(want), None) => Outcome::Fail(format!(
            "expected endpoint {}, got error {e}",
            want.get("url").unwrap_or(&Json::Null)
        )),
        (_, None, None) => Outcome::Fail("expect has neither endpoint nor error".into()),
    }
}
