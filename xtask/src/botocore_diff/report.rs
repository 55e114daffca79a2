//! Counts per service, failures grouped by category, and the markdown
//! report (`target/botocore-diff/report.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use super::categories::{categorize, At};
use super::compare::Finding;
use super::deliberate::Deliberate;
use super::{case_id, Case, CaseKind};
use crate::Tally;

/// How a case ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// No difference.
    Identical,
    /// Only differences the deliberate list accepts.
    Deliberate,
    /// Differences that are not listed.
    Failed(Vec<Finding>),
    /// Not compared, with the reason.
    Skipped(String),
}

/// A case's outcome with what the deliberate list matched and whether the
/// signatures were compared.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The outcome.
    pub outcome: Outcome,
    /// Findings the deliberate list accepted (entry id, finding), in failed
    /// cases too.
    pub accepted: Vec<(String, Finding)>,
    /// Ids of the `ignore` entries that dropped a finding.
    pub ignored: Vec<String>,
    /// `Some(equal)` when the signatures were compared.
    pub signature: Option<bool>,
}

impl Verdict {
    /// A skipped case.
    pub fn skipped(reason: String) -> Verdict {
        Verdict {
            outcome: Outcome::Skipped(reason),
            accepted: Vec::new(),
            ignored: Vec::new(),
            signature: None,
        }
    }
}

/// Counts of one service.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    /// Operations in the model.
    pub operations: usize,
    /// Cases run (requests and responses).
    pub cases: usize,
    /// Request cases.
    pub requests: usize,
    /// Response cases.
    pub responses: usize,
    /// Cases without any difference.
    pub identical: usize,
    /// Cases with deliberate differences only.
    pub deliberate: usize,
    /// Failed cases.
    pub failed: usize,
    /// Failed request cases.
    pub failed_requests: usize,
    /// Skipped cases.
    pub skipped: usize,
    /// Operations with at least one failing case.
    pub failed_operations: BTreeSet<String>,
    /// Request cases whose signatures were compared.
    pub signatures_compared: usize,
    /// ... and agreed.
    pub signatures_equal: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.operations += other.operations;
        self.cases += other.cases;
        self.requests += other.requests;
        self.responses += other.responses;
        self.identical += other.identical;
        self.deliberate += other.deliberate;
        self.failed += other.failed;
        self.failed_requests += other.failed_requests;
        self.skipped += other.skipped;
        self.failed_operations
            .extend(other.failed_operations.iter().cloned());
        self.signatures_compared += other.signatures_compared;
        self.signatures_equal += other.signatures_equal;
    }
}

/// A failure category.
#[derive(Debug, Default, Clone)]
struct Category {
    /// Failing cases with a finding in this category.
    cases: usize,
    /// Cases per service.
    services: BTreeMap<String, usize>,
    /// The first case and its finding.
    example: Option<(String, String)>,
}

/// Everything the run recorded.
#[derive(Debug, Default)]
pub struct Report {
    order: Vec<String>,
    counts: BTreeMap<String, Counts>,
    categories: BTreeMap<String, Category>,
    deliberate: BTreeMap<String, (usize, Option<(String, String)>)>,
    skipped: BTreeMap<String, (usize, String)>,
}

impl Report {
    /// A report for `services`, in this order.
    pub fn new(services: &[String]) -> Report {
        Report {
            order: services.to_vec(),
            ..Report::default()
        }
    }

    /// Sets the number of operations of `service`.
    pub fn operations(&mut self, service: &str, n: usize) {
        self.counts
            .entry(service.to_string())
            .or_default()
            .operations = n;
    }

    /// Records one case's verdict.
    pub fn record(&mut self, case: &Case, verdict: Verdict) {
        let counts = self.counts.entry(case.service.clone()).or_default();
        counts.cases += 1;
        let is_request = matches!(case.kind, CaseKind::Request(_));
        if is_request {
            counts.requests += 1;
        } else {
            counts.responses += 1;
        }
        if let Some(equal) = verdict.signature {
            counts.signatures_compared += 1;
            if equal {
                counts.signatures_equal += 1;
            }
        }
        let id = case_id(case);
        let mut seen = BTreeSet::new();
        for (entry, f) in &verdict.accepted {
            if seen.insert(entry.clone()) {
                let slot = self.deliberate.entry(entry.clone()).or_default();
                slot.0 += 1;
                slot.1
                    .get_or_insert_with(|| (id.clone(), format!("{}: {}", f.key, f.detail)));
            }
        }
        for entry in verdict.ignored.iter().collect::<BTreeSet<_>>() {
            self.deliberate.entry(entry.clone()).or_default().0 += 1;
        }
        match verdict.outcome {
            Outcome::Identical => counts.identical += 1,
            Outcome::Deliberate => counts.deliberate += 1,
            Outcome::Failed(found) => {
                counts.failed += 1;
                if is_request {
                    counts.failed_requests += 1;
                }
                counts.failed_operations.insert(case.operation.clone());
                let mut seen = BTreeSet::new();
                let at = At {
                    service: &case.service,
                    operation: &case.operation,
                    case: &case.name,
                };
                for f in found {
                    let label = categorize(at, &f);
                    if !seen.insert(label.clone()) {
                        continue;
                    }
                    let c = self.categories.entry(label).or_default();
                    c.cases += 1;
                    *c.services.entry(case.service.clone()).or_default() += 1;
                    c.example
                        .get_or_insert_with(|| (id.clone(), format!("{}: {}", f.key, f.detail)));
                }
            }
            Outcome::Skipped(reason) => {
                counts.skipped += 1;
                let slot = self
                    .skipped
                    .entry(skip_category(&reason))
                    .or_insert((0, format!("{id}: {reason}")));
                slot.0 += 1;
            }
        }
    }

    /// Prints the counts line of `service`.
    pub fn print_service(&self, service: &str) {
        if let Some(c) = self.counts.get(service) {
            println!("{}", counts_line(service, c));
        }
    }

    fn total(&self) -> Counts {
        let mut total = Counts::default();
        for c in self.counts.values() {
            total.add(c);
        }
        total
    }

    /// Prints the totals line (before the final tally).
    pub fn print_totals(&self) {
        println!("{}", counts_line("total", &self.total()));
        let t = self.total();
        println!(
            "botocore-diff: {} failure categories (see the report); signatures compared in {} request cases, {} equal",
            self.categories.len(),
            t.signatures_compared,
            t.signatures_equal
        );
    }

    /// Passed (identical + deliberate), failed, skipped.
    pub fn tally(&self) -> Tally {
        let t = self.total();
        Tally {
            passed: t.identical + t.deliberate,
            failed: t.failed,
            skipped: t.skipped,
        }
    }

    /// The markdown report.
    pub fn markdown(&self, deliberate: &Deliberate, version: &str, elapsed: Duration) -> String {
        let mut s = String::new();
        let t = self.total();
        let _ = writeln!(s, "# botocore-diff report\n");
        let _ = writeln!(
            s,
            "myaws against botocore {version}, {} services, {:.1}s. A case is one request \
             (one parameter set) or one synthesized response (output or error) of an operation.\n",
            self.order.len(),
            elapsed.as_secs_f64()
        );
        let _ = writeln!(
            s,
            "**{} passed ({} identical, {} deliberate), {} failed, {} skipped** of {} cases \
             ({} requests, {} responses) over {} operations; {} operations have a failing case.\n",
            t.identical + t.deliberate,
            t.identical,
            t.deliberate,
            t.failed,
            t.skipped,
            t.cases,
            t.requests,
            t.responses,
            t.operations,
            t.failed_operations.len()
        );
        let _ = writeln!(
            s,
            "Request cases per operation: `required` (required members only, us-east-1, with a \
             session token), `rich` (every member, us-west-2), `empty` (empty values where the \
             model allows them, eu-central-1), and where they differ from `required`: \
             `bad-labels` (bucket names and account ids that are not host labels), \
             `header-latin1` (every header member, with non-ASCII values) and `bucket-arn` (an \
             S3 access point ARN as the bucket). Response cases: `output-rich`, `output-empty`, \
             one `error:SHAPE` per modeled error (or `error:unmodeled`) and, for S3, \
             `error:in-200` (an error document in a 200). Run `cargo xtask botocore-diff \
             --service S --show 'S.Operation[case]'` to see both sides of a case.\n"
        );
        let _ = writeln!(s, "## Per service\n");
        let _ = writeln!(
            s,
            "| service | operations | cases | requests | responses | identical | deliberate | failed | failed requests | skipped | operations failing | signatures equal / compared |"
        );
        let _ = writeln!(
            s,
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for name in &self.order {
            if let Some(c) = self.counts.get(name) {
                row(&mut s, name, c);
            }
        }
        row(&mut s, "**total**", &t);

        let _ = writeln!(s, "\n## Failures by category\n");
        let _ = writeln!(
            s,
            "Each category counts the failing cases with at least one finding in it (a case \
             can be in several). Finding keys: `header:NAME:only-botocore|only-myaws|differs`, \
             `query:KEY:…`, `body:PATH:…` (JSON `$.A.B[]`, XML `/Root/A`, form keys with list \
             positions as `N`), `endpoint`, `path`, `auth:…`, `reject:botocore-only|myaws-only:…` \
             (one side refuses the parameters), `out:PATH:…` / `err:…` / `err-member:PATH:…` \
             (parsed responses), `resp:…` (one side fails or returns the other kind).\n"
        );
        let _ = writeln!(s, "| # | category | cases | services | example |");
        let _ = writeln!(s, "|---:|---|---:|---|---|");
        let mut cats: Vec<(&String, &Category)> = self.categories.iter().collect();
        cats.sort_by(|a, b| b.1.cases.cmp(&a.1.cases).then(a.0.cmp(b.0)));
        for (i, (label, c)) in cats.iter().enumerate() {
            let services: Vec<String> =
                c.services.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let example = c
                .example
                .as_ref()
                .map(|(id, d)| format!("`{id}` {}", cell(d)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                i + 1,
                cell(label),
                c.cases,
                services.join(", "),
                example
            );
        }

        let _ = writeln!(
            s,
            "\nSignatures (same fixed clock, same keys) are compared when nothing they cover \
             differs (method, host, path, query, payload, headers either side signs) and no \
             random value (uuid4) is signed: {} request cases compared, {} equal.\n",
            t.signatures_compared, t.signatures_equal
        );
        let _ = writeln!(s, "\n## Deliberate differences\n");
        let _ = writeln!(
            s,
            "Cases counts every case where the entry matched a finding, failed cases included.\n"
        );
        let _ = writeln!(s, "| entry | cases | reason | example |");
        let _ = writeln!(s, "|---|---:|---|---|");
        for e in &deliberate.entries {
            let (n, example) = self.deliberate.get(&e.id).cloned().unwrap_or((0, None));
            let n = if e.ignore {
                format!("{n} (not compared)")
            } else {
                n.to_string()
            };
            let example = example
                .map(|(id, d)| format!("`{id}` {}", cell(&d)))
                .unwrap_or_default();
            let _ = writeln!(s, "| `{}` | {n} | {} | {example} |", e.id, cell(&e.reason));
        }

        let _ = writeln!(s, "\n## Skipped\n");
        let _ = writeln!(s, "| reason | cases | example |");
        let _ = writeln!(s, "|---|---:|---|");
        let mut skips: Vec<_> = self.skipped.iter().collect();
        skips.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        for (reason, (n, example)) in skips {
            let _ = writeln!(s, "| {} | {n} | {} |", cell(reason), cell(example));
        }
        s
    }
}

fn counts_line(name: &str, c: &Counts) -> String {
    format!(
        "{name:<15} operations {:>4}  cases {:>5}  identical {:>5}  deliberate {:>4}  failed {:>5}  skipped {:>4}",
        c.operations, c.cases, c.identical, c.deliberate, c.failed, c.skipped
    )
}

fn row(s: &mut String, name: &str, c: &Counts) {
    let _ = writeln!(
        s,
        "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} / {} |",
        c.operations,
        c.cases,
        c.requests,
        c.responses,
        c.identical,
        c.deliberate,
        c.failed,
        c.failed_requests,
        c.skipped,
        c.failed_operations.len(),
        c.signatures_equal,
        c.signatures_compared
    );
}

/// A markdown table cell: no pipes or newlines, bounded length.
fn cell(text: &str) -> String {
    let t: String = text.chars().take(400).collect();
    t.replace('|', "\\|").replace('\n', " ")
}

/// Skip reasons without their case-specific details.
fn skip_category(reason: &str) -> String {
    let head: String = reason.chars().take(140).collect();
    match head.find(" at ").or_else(|| head.find(", value:")) {
        Some(at) => head[..at].to_string(),
        None => head,
    }
}
