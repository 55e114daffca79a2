//! `cargo xtask protocol-tests`: runs botocore-format protocol test files.
//!
//! A file is a JSON list of suites; each suite has `metadata`, `shapes` and
//! `cases`. Input suites (cases with `serialized`) test request serialization;
//! output suites (cases with `response`) test response and error parsing. The
//! runner prints one line per failing case and a last line
//! `N passed, N failed, N skipped`.

pub mod input;
pub mod output;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::{workspace_root, Tally};

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The case passed.
    Pass,
    /// The case failed; the message says what differed.
    Fail(String),
}

/// The protocol test files the repo keeps (input and output).
pub fn default_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["input", "output"] {
        let d = workspace_root().join("tests/vectors/protocols").join(dir);
        if let Ok(entries) = std::fs::read_dir(&d) {
            let mut v: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            v.sort();
            files.extend(
                v.into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "json")),
            );
        }
    }
    files
}

/// Entry point with command-line arguments (files; none means the defaults).
pub fn main(args: &[String]) -> Result<(), String> {
    let files: Vec<PathBuf> = if args.is_empty() {
        default_files()
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let mut total = Tally::default();
    for file in &files {
        let (tally, failures) = run_file(file)?;
        for f in failures {
            println!("FAIL {f}");
        }
        eprintln!("{}: {tally}", file.display());
        total.add(tally);
    }
    println!("{total}");
    if total.failed > 0 {
        Err(format!("{} protocol test case(s) failed", total.failed))
    } else {
        Ok(())
    }
}

/// Runs one file; returns its tally and a line per failing case.
pub fn run_file(path: &Path) -> Result<(Tally, Vec<String>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let suites: Json =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let suites = suites
        .as_array()
        .ok_or_else(|| format!("{}: expected a list of suites", path.display()))?;
    let skips = SkipList::load()?;
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let stem = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for suite in suites {
        let cases = suite
            .get("cases")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        for case in &cases {
            let id = case
                .get("id")
                .and_then(Json::as_str)
                .or_else(|| case.get("description").and_then(Json::as_str))
                .unwrap_or("?")
                .to_string();
            let is_input = case.get("serialized").is_some();
            if skips.skips(&id, is_input, suite, &stem) {
                tally.skipped += 1;
                continue;
            }
            let outcome = std::panic::catch_unwind(|| {
                if is_input {
                    input::run_case(suite, case)
                } else {
                    output::run_case(suite, case)
                }
            })
            .unwrap_or_else(|_| Outcome::Fail("panicked".into()));
            match outcome {
                Outcome::Pass => tally.passed += 1,
                Outcome::Fail(why) => {
                    tally.failed += 1;
                    failures.push(format!("{name}: {id}: {why}"));
                }
            }
        }
    }
    Ok((tally, failures))
}

/// Suites of botocore's ignore list that myaws runs: botocore's protocol
/// tests stop at serialization, myaws's runner also compresses requests
/// (`requestcompression`), so the `Content-Encoding` cases can be checked.
const RUN_DESPITE_IGNORE_LIST: &[&str] = &["Test cases for PutWithContentEncoding operation"];

/// Cases skipped: botocore's ignore list (less the suites myaws runs) plus
/// our own list with reasons.
struct SkipList {
    botocore: Json,
    ours: Json,
}

impl SkipList {
    fn load() -> Result<Self, String> {
        let root = workspace_root();
        let read = |p: PathBuf| -> Result<Json, String> {
            match std::fs::read_to_string(&p) {
                Ok(t) => serde_json::from_str(&t).map_err(|e| format!("{}: {e}", p.display())),
                Err(_) => Ok(Json::Null),
            }
        };
        Ok(SkipList {
            botocore: read(root.join("tests/vectors/protocols/protocol-tests-ignore-list.json"))?,
            ours: read(root.join("tests/protocol-skips.json"))?,
        })
    }

    /// botocore's ignore list names suites (by description) and cases (by id)
    /// under `general.<direction>` and `protocols.<file stem>.<direction>` (the
    /// file name without `.json`, so `json_1_0` entries do not apply to
    /// `json.json`); our list (`tests/protocol-skips.json`) maps case id →
    /// reason.
    fn skips(&self, id: &str, is_input: bool, suite: &Json, stem: &str) -> bool {
        if self.ours.get(id).is_some() {
            return true;
        }
        let direction = if is_input { "input" } else { "output" };
        let protocol = stem;
        let description = suite
            .get("description")
            .and_then(Json::as_str)
            .unwrap_or("");
        if RUN_DESPITE_IGNORE_LIST.contains(&description) {
            return false;
        }
        let listed = |section: Option<&Json>| -> bool {
            let has = |key: &str, want: &str| {
                section
                    .and_then(|s| s.get(key))
                    .and_then(Json::as_array)
                    .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(want)))
            };
            has("cases", id) || has("suites", description)
        };
        listed(self.botocore.pointer(&format!("/general/{direction}")))
            || listed(
                self.botocore
                    .pointer(&format!("/protocols/{protocol}/{direction}")),
            )
    }
}
