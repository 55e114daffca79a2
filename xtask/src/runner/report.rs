//! Outcome and timing of each step of `cargo xtask test`, and the summary
//! table printed at the end.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// What happened to one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An earlier step failed first.
    NotRun,
    /// Left out on request; holds the flag that asked for it.
    Skipped(String),
    /// Finished successfully after this long.
    Passed(Duration),
    /// Failed after this long.
    Failed(Duration),
}

/// One planned step: a short name, the command it stands for, its outcome.
#[derive(Debug)]
struct Row {
    name: &'static str,
    command: String,
    outcome: Outcome,
}

/// The steps of a run in order, filled in as they happen.
#[derive(Debug)]
pub struct Report {
    rows: Vec<Row>,
    started: Instant,
}

impl Report {
    /// A report for `plan`, pairs of step name and the command it runs; every
    /// step starts as [`Outcome::NotRun`].
    pub fn new(plan: &[(&'static str, String)]) -> Report {
        let rows = plan
            .iter()
            .map(|(name, command)| Row {
                name,
                command: command.clone(),
                outcome: Outcome::NotRun,
            })
            .collect();
        Report {
            rows,
            started: Instant::now(),
        }
    }

    /// Marks `name` as skipped because of `flag`.
    pub fn skip(&mut self, name: &str, flag: &str) {
        println!("==> {name}: skipped ({flag})");
        self.row(name).outcome = Outcome::Skipped(flag.to_string());
    }

    /// Runs step `name`, recording its outcome and time; a failure comes
    /// back as an error that names the step.
    pub fn run<T>(
        &mut self,
        name: &str,
        step: impl FnOnce() -> Result<T, String>,
    ) -> Result<T, String> {
        println!("==> {name}: {}", self.row(name).command);
        let start = Instant::now();
        let result = step();
        let took = start.elapsed();
        let row = self.row(name);
        row.outcome = match result {
            Ok(_) => Outcome::Passed(took),
            Err(_) => Outcome::Failed(took),
        };
        result.map_err(|error| format!("step `{name}` ({}) failed: {error}", row.command))
    }

    /// The summary table, one line per step, then an overall line.
    pub fn render(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|row| row.name.len())
            .max()
            .unwrap_or(0);
        let mut out = String::from("xtask test summary:\n");
        for row in &self.rows {
            let (state, time) = match &row.outcome {
                Outcome::NotRun => ("not run".to_string(), String::new()),
                Outcome::Skipped(flag) => (format!("skipped by {flag}"), String::new()),
                Outcome::Passed(took) => ("ok".to_string(), seconds(*took)),
                Outcome::Failed(took) => ("FAILED".to_string(), seconds(*took)),
            };
            let _ = writeln!(
                out,
                "  {:<width$}  {state:<24} {time:>8}  {}",
                row.name, row.command
            );
        }
        let failed = self
            .rows
            .iter()
            .find(|row| matches!(row.outcome, Outcome::Failed(_)));
        let total = seconds(self.started.elapsed());
        match failed {
            Some(row) => {
                let _ = write!(out, "xtask test: FAILED at `{}` after {total}", row.name);
            }
            None => {
                let _ = write!(out, "xtask test: every step that ran passed, in {total}");
            }
        }
        out
    }

    /// The row for `name`, which must be in the plan.
    fn row(&mut self, name: &str) -> &mut Row {
        self.rows
            .iter_mut()
            .find(|row| row.name == name)
            .unwrap_or_else(|| panic!("step `{name}` is not in the plan"))
    }
}

/// `d` as seconds with one decimal, e.g. `12.3s`.
fn seconds(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Vec<(&'static str, String)> {
        ["moto", "fmt", "clippy", "tests"]
            .iter()
            .map(|name| (*name, format!("run {name}")))
            .collect()
    }

    #[test]
    fn failure_names_the_step_and_later_steps_show_not_run() {
        let mut report = Report::new(&plan());
        report.skip("moto", "--skip-tests");
        assert_eq!(report.run("fmt", || Ok(1)), Ok(1));
        let error = report
            .run("clippy", || Err::<(), _>("exit status: 101".to_string()))
            .unwrap_err();
        assert_eq!(error, "step `clippy` (run clippy) failed: exit status: 101");
        let table = report.render();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 6, "{table}");
        assert!(lines[1].contains("skipped by --skip-tests"), "{table}");
        assert!(
            lines[2].contains(" ok ") && lines[2].ends_with("run fmt"),
            "{table}"
        );
        assert!(lines[3].contains("FAILED"), "{table}");
        assert!(lines[4].contains("not run"), "{table}");
        assert!(
            lines[5].starts_with("xtask test: FAILED at `clippy`"),
            "{table}"
        );
    }

    #[test]
    fn all_passing_says_so() {
        let mut report = Report::new(&plan()[..1]);
        report.run("moto", || Ok(())).unwrap();
        assert!(report.render().contains("every step that ran passed"));
    }

    #[test]
    #[should_panic(expected = "not in the plan")]
    fn unknown_steps_are_a_bug() {
        Report::new(&plan()).skip("lint", "--skip-lint");
    }

    #[test]
    fn seconds_have_one_decimal() {
        assert_eq!(seconds(Duration::from_millis(12_345)), "12.3s");
    }
}
