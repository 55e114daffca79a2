//! Runs every endpoint test vector (the services' `endpoint-tests-1.json`
//! and the rules-engine suite) and requires all of them to pass.

use myaws_core::endpoint::{Params, RuleSet};
use serde_json::{json, Value as Json};
use xtask::endpoint_tests::{compare, default_jobs, run_job, Job, Outcome};
use xtask::Tally;

/// How many checks a job should make, counted from its files.
fn expected_checks(job: &Job) -> (usize, usize) {
    let Some(tests) = &job.tests else {
        return (1, 0);
    };
    let text = std::fs::read_to_string(tests).unwrap();
    let doc: Json = serde_json::from_str(&text).unwrap();
    let cases = doc["testCases"].as_array().unwrap();
    let has_model = job.ruleset.with_file_name("service-2.json").is_file();
    let inputs = cases
        .iter()
        .filter_map(|c| c.get("operationInputs").and_then(Json::as_array))
        .map(Vec::len)
        .sum::<usize>();
    (cases.len(), if has_model { inputs } else { 0 })
}

#[test]
fn all_endpoint_vectors_pass() {
    let jobs = default_jobs().unwrap();
    assert!(
        jobs.iter().any(|j| j.label.starts_with("engine/")) && jobs.len() > 12,
        "expected the service vectors and the engine suite, got {jobs:?}"
    );
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for job in &jobs {
        let report = run_job(job).unwrap();
        let (cases, inputs) = expected_checks(job);
        let params = report.params;
        assert_eq!(
            params.passed + params.failed + params.skipped,
            cases,
            "{}: every case must be checked",
            job.label
        );
        let ops = report.operation_inputs;
        assert_eq!(
            ops.passed + ops.failed + ops.skipped,
            inputs,
            "{}",
            job.label
        );
        failures.extend(report.messages.iter().cloned());
        total.add(report.total());
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!((total.failed, total.skipped), (0, 0), "{total}");
    println!("{total}");
}

#[test]
fn comparison_detects_differences() {
    let rules = RuleSet::from_json(
        r#"{"version": "1.0", "parameters": {}, "rules": [
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://a", "headers": {"h": ["v"]}}}
        ]}"#,
    )
    .unwrap();
    let resolved = || rules.resolve(&Params::new());
    let right = json!({"endpoint": {"url": "https://a", "headers": {"h": ["v"]}}});
    assert_eq!(compare(resolved(), &right), Outcome::Pass);
    for wrong in [
        json!({"endpoint": {"url": "https://b", "headers": {"h": ["v"]}}}),
        json!({"endpoint": {"url": "https://a"}}),
        json!({"endpoint": {"url": "https://a", "headers": {"h": ["v"]}, "properties": {"x": 1}}}),
        json!({"error": "boom"}),
    ] {
        assert!(
            matches!(compare(resolved(), &wrong), Outcome::Fail(_)),
            "{wrong}"
        );
    }
    let failing = RuleSet::from_json(
        r#"{"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [], "error": "boom"}]}"#,
    )
    .unwrap();
    let err = || failing.resolve(&Params::new());
    assert_eq!(compare(err(), &json!({"error": "boom"})), Outcome::Pass);
    assert!(matches!(
        compare(err(), &json!({"error": "bang"})),
        Outcome::Fail(_)
    ));
    assert!(matches!(compare(err(), &right), Outcome::Fail(_)));
}
