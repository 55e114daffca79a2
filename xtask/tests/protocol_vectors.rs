//! botocore's protocol test suite (every file under tests/vectors/protocols),
//! run as part of `cargo test`.

use xtask::protocol_tests::{default_files, run_file};
use xtask::Tally;

#[test]
fn every_protocol_case_passes_or_is_on_an_ignore_list() {
    let files = default_files();
    assert_eq!(files.len(), 20, "expected 10 input and 10 output files");
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for file in &files {
        let (tally, failed) = run_file(file).expect("suite file runs");
        total.add(tally);
        failures.extend(failed);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 732 cases in all; skips are botocore's ignore list only, less the 12
    // request compression cases myaws runs.
    assert_eq!(total.passed + total.skipped, 732, "{total}");
    assert!(total.passed >= 666, "{total}");
}

/// myaws's own cases in botocore's format (`tests/vectors/myaws-protocols`),
/// whose expected results are botocore 1.43.67's.
#[test]
fn myaws_protocol_cases_match_botocore() {
    let dir = xtask::workspace_root().join("tests/vectors/myaws-protocols/output");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("myaws-protocols exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for file in &files {
        let (tally, failed) = run_file(file).expect("case file runs");
        total.add(tally);
        failures.extend(failed);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(total.skipped, 0, "{total}");
    assert!(total.passed >= 10, "{total}");
}
