//! Running one load driver (Rust or boto3) and reading its one-line report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::cmd::capture_bounded;

/// A driver program: its command prefix (binary, or interpreter + script).
#[derive(Debug, Clone)]
pub struct Driver {
    /// Label in logs.
    pub name: &'static str,
    /// Program and leading arguments.
    pub argv: Vec<PathBuf>,
}

/// One request loop to run.
#[derive(Debug, Clone)]
pub struct Load<'a> {
    /// Operation (see bench/harness/src/args.rs).
    pub op: &'a str,
    /// Most requests.
    pub n: u64,
    /// Concurrent tasks.
    pub concurrency: usize,
    /// Time bound of the loop, seconds.
    pub secs: f64,
    /// Unmeasured requests first.
    pub warmup: u64,
    /// Object size of the large operations.
    pub size: u64,
}

/// A driver's report (see bench/harness/src/run.rs).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Requests that succeeded.
    pub requests: f64,
    /// Seconds of the loop.
    pub wall_s: f64,
    /// CPU seconds of the loop.
    pub cpu_s: f64,
    /// The user part of `cpu_s`.
    pub user_s: f64,
    /// Body bytes moved.
    pub bytes: f64,
    /// Peak resident set, KiB.
    pub vm_hwm_kib: f64,
    /// Resident set with the client built, before the first request, KiB.
    pub rss_before_kib: f64,
    /// The raw JSON line.
    pub raw: Value,
}

impl Outcome {
    /// Requests per second.
    pub fn rps(&self) -> f64 {
        self.requests / self.wall_s
    }

    /// Client CPU milliseconds per 1,000 requests.
    pub fn cpu_ms_per_1k(&self) -> f64 {
        self.cpu_s * 1e6 / self.requests
    }

    /// Client user CPU microseconds per request.
    pub fn user_us_per_req(&self) -> f64 {
        self.user_s * 1e6 / self.requests
    }

    /// Client kernel (system) CPU microseconds per request.
    pub fn sys_us_per_req(&self) -> f64 {
        (self.cpu_s - self.user_s) * 1e6 / self.requests
    }

    /// Client CPU seconds per 10^9 body bytes.
    pub fn cpu_s_per_gb(&self) -> f64 {
        self.cpu_s / (self.bytes / 1e9)
    }

    /// Body MB (10^6 bytes) per second.
    pub fn mb_per_s(&self) -> f64 {
        self.bytes / self.wall_s / 1e6
    }

    /// Peak resident set in MiB.
    pub fn hwm_mib(&self) -> f64 {
        self.vm_hwm_kib / 1024.0
    }

    /// Growth of the peak resident set over the client-built baseline, MiB.
    pub fn growth_mib(&self) -> f64 {
        (self.vm_hwm_kib - self.rss_before_kib) / 1024.0
    }
}

impl Driver {
    /// A driver that is a single binary.
    pub fn binary(name: &'static str, bin: &Path) -> Driver {
        Driver {
            name,
            argv: vec![bin.to_path_buf()],
        }
    }

    /// The same driver trusting the CA in the PEM file `ca` (`--ca-bundle`).
    pub fn with_ca_bundle(&self, ca: &Path) -> Driver {
        let mut argv = self.argv.clone();
        argv.push("--ca-bundle".into());
        argv.push(ca.to_path_buf());
        Driver {
            name: self.name,
            argv,
        }
    }

    /// The command for `load` against `endpoint`, after `prefix` (e.g. valgrind).
    pub fn command(&self, prefix: &[String], endpoint: &str, load: &Load) -> Command {
        let mut words: Vec<std::ffi::OsString> = prefix.iter().map(Into::into).collect();
        words.extend(self.argv.iter().map(|p| p.as_os_str().to_owned()));
        let mut command = Command::new(&words[0]);
        command.args(&words[1..]).args([
            "--op",
            load.op,
            "--endpoint",
            endpoint,
            "--n",
            &load.n.to_string(),
            "--concurrency",
            &load.concurrency.to_string(),
            "--secs",
            &load.secs.to_string(),
            "--warmup",
            &load.warmup.to_string(),
            "--size",
            &load.size.to_string(),
        ]);
        command
    }

    /// Runs `load` (killed if it overruns its bound by far) and reads the report.
    pub fn run(&self, endpoint: &str, load: &Load) -> Result<Outcome, String> {
        self.run_with(
            &[],
            endpoint,
            load,
            Duration::from_secs_f64(load.secs + 120.0),
        )
    }

    /// Runs `load` under `prefix` with a hard time limit.
    pub fn run_with(
        &self,
        prefix: &[String],
        endpoint: &str,
        load: &Load,
        limit: Duration,
    ) -> Result<Outcome, String> {
        let stdout = capture_bounded(&mut self.command(prefix, endpoint, load), limit)
            .map_err(|e| format!("{} {}: {e}", self.name, load.op))?;
        let line = stdout
            .lines()
            .rev()
            .find(|l| l.starts_with('{'))
            .unwrap_or("");
        let raw: Value = serde_json::from_str(line)
            .map_err(|e| format!("{} {}: bad report {line:?}: {e}", self.name, load.op))?;
        let num = |k: &str| raw[k].as_f64().unwrap_or(f64::NAN);
        if num("errors") != 0.0 || num("requests") < 1.0 {
            return Err(format!(
                "{} {}: {} errors, {} requests ({})",
                self.name, load.op, raw["errors"], raw["requests"], raw["first_error"]
            ));
        }
        Ok(Outcome {
            requests: num("requests"),
            wall_s: num("wall_s"),
            cpu_s: num("cpu_s"),
            user_s: num("user_s"),
            bytes: num("bytes"),
            vm_hwm_kib: num("vm_hwm_kib"),
            rss_before_kib: num("rss_before_kib"),
            raw,
        })
    }
}

/// The median of `values` (NaN when empty).
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0]), 2.5);
        assert!(median(vec![]).is_nan());
    }

    #[test]
    fn reads_the_report_line() {
        let d = Driver {
            name: "echo",
            argv: vec!["sh".into(), "-c".into(), "echo noise; echo '{\"requests\":4,\"errors\":0,\"wall_s\":2,\"cpu_s\":0.5,\"bytes\":8,\"vm_hwm_kib\":1024,\"rss_before_kib\":512}' #".into()],
        };
        let load = Load {
            op: "x",
            n: 1,
            concurrency: 1,
            secs: 1.0,
            warmup: 0,
            size: 0,
        };
        let o = d.run("http://x", &load).unwrap();
        assert_eq!(o.rps(), 2.0);
        assert_eq!(o.cpu_ms_per_1k(), 125_000.0);
        assert_eq!(o.hwm_mib(), 1.0);
        assert_eq!(o.growth_mib(), 0.5);
    }
}
