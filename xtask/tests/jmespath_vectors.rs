//! The JMESPath compliance suite (every file under tests/vectors/jmespath),
//! through myaws-core's JMESPath implementation, as part of `cargo test`.

use xtask::jmespath_tests::{default_files, run_file};
use xtask::Tally;

#[test]
fn every_jmespath_compliance_case_passes() {
    let files = default_files().expect("suite folder");
    assert_eq!(files.len(), 15, "{files:?}");
    let mut total = Tally::default();
    let mut failures = Vec::new();
    let mut on_disk = 0;
    for file in &files {
        let report = run_file(file).expect("suite file runs");
        total.add(report.tally);
        failures.extend(report.failures);
        // Count the cases independently, so a case the runner silently
        // dropped would show.
        let suites: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        on_disk += suites
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["cases"].as_array().unwrap().len())
            .sum::<usize>();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(total.passed, on_disk);
    assert_eq!(
        total,
        Tally {
            passed: 861,
            failed: 0,
            skipped: 0
        }
    );
}

#[test]
fn wrong_expectations_are_caught() {
    let dir = std::env::temp_dir().join(format!("myaws-jmespath-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wrong.json");
    std::fs::write(
        &file,
        r#"[{"given": {"a": [1, 2]}, "cases": [
            {"expression": "a[0]", "result": 1},
            {"expression": "a[1]", "result": 1},
            {"expression": "length(a)", "error": "invalid-type"},
            {"expression": "a[", "error": "invalid-arity"},
            {"expression": "a", "bench": "full"}
        ]}]"#,
    )
    .unwrap();
    let report = run_file(&file).unwrap();
    assert_eq!(
        report.tally,
        Tally {
            passed: 1,
            failed: 3,
            skipped: 1
        },
        "{report:?}"
    );
    assert!(report.failures[0].starts_with("FAIL wrong.json#0.1: `a[1]`"));
    let _ = std::fs::remove_dir_all(dir);
}
