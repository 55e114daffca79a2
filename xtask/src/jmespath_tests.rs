//! `cargo xtask jmespath-tests [FILE ...]`: runs JMESPath compliance files
//! through myaws-core's JMESPath implementation (`myaws_core::jmes`).
//!
//! The format is the jmespath.test project's: a JSON list of suites
//! `{"given": <document>, "cases": [...]}`, each case an `expression` with
//! either the `result` it must give, the `error` it must raise (`syntax`,
//! `invalid-type`, `invalid-value`, `invalid-arity`, `unknown-function`, at
//! compile time or at run time, as the suite allows), or a `bench` type.
//! Results compare as JMESPath compares values (numbers by value, `1 ==
//! 1.0`). Benchmark cases have no expected result and are skipped.
//!
//! Default: every file in `tests/vectors/jmespath/`.

use std::path::{Path, PathBuf};

use myaws_core::jmes::{py_eq, Expr};
use serde_json::Value as Json;

use crate::{workspace_root, Tally};

/// Entry point: the files to run (default: the repo's copy of the suite).
pub fn main(args: &[String]) -> Result<(), String> {
    let files: Vec<PathBuf> = if args.is_empty() {
        default_files()?
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let mut total = Tally::default();
    for file in &files {
        let report = run_file(file)?;
        for line in report.failures.iter().chain(&report.skips) {
            println!("{line}");
        }
        println!("{}: {}", file.display(), report.tally);
        total.add(report.tally);
    }
    println!("{total}");
    if total.failed > 0 {
        Err(format!("{} JMESPath case(s) failed", total.failed))
    } else {
        Ok(())
    }
}

/// The `*.json` files of `tests/vectors/jmespath/`, sorted.
pub fn default_files() -> Result<Vec<PathBuf>, String> {
    let dir = workspace_root().join("tests/vectors/jmespath");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// The outcome of one file.
#[derive(Debug, Default)]
pub struct Report {
    /// Counts.
    pub tally: Tally,
    /// One `FAIL ...` line per failed case.
    pub failures: Vec<String>,
    /// One `SKIP ...` line per skipped case, with the reason.
    pub skips: Vec<String>,
}

/// Runs every case of one file.
pub fn run_file(path: &Path) -> Result<Report, String> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let suites: Json =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let suites = suites
        .as_array()
        .ok_or_else(|| format!("{}: not a list of suites", path.display()))?;
    let mut report = Report::default();
    for (s, suite) in suites.iter().enumerate() {
        let given = suite.get("given").unwrap_or(&Json::Null);
        let cases = suite
            .get("cases")
            .and_then(Json::as_array)
            .ok_or_else(|| format!("{name} suite {s}: no `cases` list"))?;
        for (c, case) in cases.iter().enumerate() {
            let id = format!("{name}#{s}.{c}");
            match run_case(given, case) {
                Outcome::Pass => report.tally.passed += 1,
                Outcome::Fail(why) => {
                    report.tally.failed += 1;
                    report.failures.push(format!("FAIL {id}: {why}"));
                }
                Outcome::Skip(why) => {
                    report.tally.skipped += 1;
                    report.skips.push(format!("SKIP {id}: {why}"));
                }
            }
        }
    }
    Ok(report)
}

enum Outcome {
    Pass,
    Fail(String),
    Skip(&'static str),
}

fn run_case(given: &Json, case: &Json) -> Outcome {
    let Some(expression) = case.get("expression").and_then(Json::as_str) else {
        return Outcome::Fail("no `expression`".into());
    };
    // What happened: the result, or the kind of error and its message.
    let got = Expr::compile(expression)
        .map_err(|e| (e.kind, e.to_string()))
        .and_then(|e| e.try_search(given).map_err(|e| (e.kind, e.to_string())));
    if let Some(want) = case.get("result") {
        return match got {
            Ok(found) if py_eq(&found, want) => Outcome::Pass,
            Ok(found) => Outcome::Fail(format!("`{expression}`: want {want}, got {found}")),
            Err((_, message)) => Outcome::Fail(format!("`{expression}`: want {want}, {message}")),
        };
    }
    if let Some(want) = case.get("error").and_then(Json::as_str) {
        return match got {
            Err((kind, _)) if kind.as_str() == want => Outcome::Pass,
            Err((_, message)) => Outcome::Fail(format!("`{expression}`: want {want}, {message}")),
            Ok(found) => Outcome::Fail(format!("`{expression}`: want a {want} error, got {found}")),
        };
    }
    if case.get("bench").is_some() {
        return Outcome::Skip("benchmark case: no expected result");
    }
    Outcome::Fail(format!("`{expression}`: no `result`, `error` or `bench`"))
}
