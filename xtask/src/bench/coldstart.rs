//! Cold start: a whole process, from exec to exit, that builds one client
//! and makes one request with no warm-up (or only builds the client).
//!
//! Three figures per program: callgrind instructions of the whole process
//! (deterministic), wall time from spawn to exit (median of several runs,
//! the programs alternating in ABBA order), and for the drivers' client-only
//! runs the resident set (VmRSS) with the client built. Every program runs
//! with this process's environment (recorded in the report's meta).

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::driver::{median, Driver, Load};
use super::load::round_order;
use super::report::{Goal, Report, Row};
use super::Settings;

/// One program of a cold-start comparison: a label and its command line.
#[derive(Debug, Clone)]
pub struct Program {
    /// The peer's name in the report (`myaws`, `aws-sdk-rust`, ...).
    pub name: &'static str,
    /// Program and arguments.
    pub argv: Vec<OsString>,
}

impl Program {
    /// A load driver making `n` requests of `op` with no warm-up.
    pub fn driver(driver: &Driver, name: &'static str, op: &str, endpoint: &str) -> Program {
        let load = Load {
            op,
            n: 1,
            concurrency: 1,
            secs: 60.0,
            warmup: 0,
            size: 0,
        };
        let command = driver.command(&[], endpoint, &load);
        let mut argv = vec![command.get_program().to_owned()];
        argv.extend(command.get_args().map(|a| a.to_owned()));
        Program { name, argv }
    }

    fn command(&self, prefix: &[String]) -> Command {
        let mut words: Vec<OsString> = prefix.iter().map(Into::into).collect();
        words.extend(self.argv.iter().cloned());
        let mut command = Command::new(&words[0]);
        command.args(&words[1..]);
        command
    }
}

/// What one process did: wall seconds from spawn to exit, and its output.
struct Exit {
    wall_s: f64,
    stdout: String,
}

/// Runs `command` to its end (killed after `limit`), timing spawn to exit
/// without polling; fails unless it exits 0.
fn run_timed(mut command: Command, limit: Duration) -> Result<Exit, String> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    let pid = child.id().to_string();
    let (done, watch) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = watch.recv_timeout(limit) {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            return true;
        }
        false
    });
    let output = child.wait_with_output();
    let wall_s = start.elapsed().as_secs_f64();
    let _ = done.send(());
    let killed = watchdog.join().unwrap_or(false);
    let output = output.map_err(|e| format!("waiting for {command:?}: {e}"))?;
    if killed {
        return Err(format!("{command:?} ran past {limit:?} and was killed"));
    }
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        return Err(format!(
            "{command:?} exited with {}: {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok(Exit {
        wall_s,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    })
}

/// Callgrind instructions of one whole run of `program`; the profile is
/// kept as `out`.
pub fn instructions(program: &Program, out: &Path) -> Result<u64, String> {
    run_timed(
        program.command(&super::callgrind::prefix(out)),
        Duration::from_secs(600),
    )?;
    super::callgrind::total_ir(out)
}

/// Wall time (and the report line, if any) of `runs` runs of each program,
/// alternating them in ABBA order.
fn walls(programs: &[Program], runs: usize) -> Result<Vec<Vec<Exit>>, String> {
    let mut out: Vec<Vec<Exit>> = programs.iter().map(|_| Vec::new()).collect();
    for round in 0..runs {
        for i in round_order(programs.len(), round) {
            out[i].push(run_timed(
                programs[i].command(&[]),
                Duration::from_secs(60),
            )?);
        }
    }
    Ok(out)
}

fn median_wall_ms(exits: &[Exit]) -> f64 {
    median(exits.iter().map(|e| e.wall_s * 1e3).collect())
}

/// The `rss_before_kib` of a driver's report line, in MiB (the resident set
/// with the client built, before the loop).
fn idle_rss_mib(exit: &Exit) -> f64 {
    let line = exit
        .stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    serde_json::from_str::<Value>(line)
        .ok()
        .and_then(|v| v["rss_before_kib"].as_f64())
        .map_or(f64::NAN, |k| k / 1024.0)
}

/// Cold-start figures of `programs` (myaws first, then its peers) running
/// `what`: instructions and median wall time, one row per peer; with
/// `rss`, also the median resident set reported by the drivers.
pub fn compare(
    what: &str,
    programs: &[Program],
    s: &Settings,
    cg_dir: &Path,
    report: &mut Report,
    raw: &mut Vec<Value>,
    rss: bool,
) -> Result<(), String> {
    std::fs::create_dir_all(cg_dir).map_err(|e| e.to_string())?;
    let slug: String = what
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let mut ir = Vec::new();
    for p in programs {
        let out = cg_dir.join(format!("cold-{}-{slug}.out", p.name.replace(' ', "-")));
        ir.push(instructions(p, &out)? as f64);
    }
    let exits = walls(programs, s.cold_runs)?;
    let wall: Vec<f64> = exits.iter().map(|e| median_wall_ms(e)).collect();
    let rss_mib: Vec<f64> = exits
        .iter()
        .map(|e| median(e.iter().map(idle_rss_mib).collect()))
        .collect();
    for (i, p) in programs.iter().enumerate() {
        raw.push(json!({
            "cold_start": what,
            "program": p.name,
            "instructions": ir[i],
            "wall_ms": exits[i].iter().map(|e| e.wall_s * 1e3).collect::<Vec<_>>(),
            "idle_rss_mib": rss.then(|| rss_mib[i]),
        }));
    }
    for (i, p) in programs.iter().enumerate().skip(1) {
        let row = Row::new(format!("{what}: instructions"), Some(ir[0]), Some(ir[i]))
            .peer(p.name)
            .note("callgrind Ir of the whole process, no warm-up");
        // Issue 16's cold-start goal is on process start → first request;
        // the client-creation runs carry the idle-RSS goal instead.
        report.push(if rss {
            row
        } else {
            row.goal(Goal::AtMost(0.5))
        });
    }
    for (i, p) in programs.iter().enumerate().skip(1) {
        report.push(
            Row::new(format!("{what}: wall ms"), Some(wall[0]), Some(wall[i]))
                .peer(p.name)
                .note(format!(
                    "spawn to exit, median of {} (ABBA order)",
                    s.cold_runs
                )),
        );
    }
    if rss {
        for (i, p) in programs.iter().enumerate().skip(1) {
            report.push(
                Row::new(
                    format!("{what}: idle RSS with the client built, MiB"),
                    Some(rss_mib[0]),
                    Some(rss_mib[i]),
                )
                .peer(p.name)
                .goal(Goal::AtMost(0.5))
                .note("VmRSS after creating one client, before any request"),
            );
        }
    }
    Ok(())
}

/// The S3 and SQS cold-start rows of the load drivers: the first response
/// (1 KiB GET, send) and client creation alone.
pub fn drivers(
    drivers: &[(&Driver, &'static str)],
    endpoint: &str,
    s: &Settings,
    cg_dir: &Path,
    report: &mut Report,
    raw: &mut Vec<Value>,
) -> Result<(), String> {
    for (service, request, client) in [
        ("S3", "s3-get-small", "s3-client"),
        ("SQS", "sqs-send", "sqs-client"),
    ] {
        let runs = [
            (
                request,
                format!("{service} cold start, process start → first {request} response"),
                false,
            ),
            (
                client,
                format!("{service} client creation, process start → client built, exit"),
                true,
            ),
        ];
        for (op, label, idle_rss) in runs {
            let programs: Vec<Program> = drivers
                .iter()
                .map(|(d, name)| Program::driver(d, name, op, endpoint))
                .collect();
            compare(&label, &programs, s, cg_dir, report, raw, idle_rss)?;
        }
    }
    Ok(())
}

/// The environment every program ran with, as far as an SDK reads it:
/// `AWS_*` (secrets shown only as set), the TLS variables, and whether the
/// shared config and credentials files exist.
pub fn environment() -> Value {
    let mut vars = serde_json::Map::new();
    let mut names: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("AWS_")
                || k.starts_with("SSL_CERT")
                || k == "HOME"
                || k.ends_with("_PROXY")
                || k.ends_with("_proxy")
        })
        .collect();
    names.sort();
    for (k, v) in names {
        let secret = ["SECRET", "TOKEN", "KEY", "PASSWORD"]
            .iter()
            .any(|w| k.to_ascii_uppercase().contains(w));
        vars.insert(k, json!(if secret { "(set)".to_string() } else { v }));
    }
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    for file in ["config", "credentials"] {
        let exists = home
            .as_ref()
            .is_some_and(|h| h.join(".aws").join(file).exists());
        vars.insert(format!("~/.aws/{file} exists"), json!(exists));
    }
    Value::Object(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_a_process_and_reads_its_report() {
        let mut c = Command::new("sh");
        c.args(["-c", "echo '{\"rss_before_kib\":2048}'"]);
        let e = run_timed(c, Duration::from_secs(5)).unwrap();
        assert!(e.wall_s > 0.0);
        assert_eq!(idle_rss_mib(&e), 2.0);
        let mut slow = Command::new("sleep");
        slow.arg("5");
        let err = run_timed(slow, Duration::from_millis(100)).err().unwrap();
        assert!(err.contains("killed"), "{err}");
        assert!(run_timed(Command::new("false"), Duration::from_secs(5)).is_err());
    }
}
