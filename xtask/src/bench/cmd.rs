//! Running the benchmark's child processes: niced cargo, wall and CPU time of
//! a command tree, captured output.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall-clock and CPU time (user + system, the whole process tree) of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timed {
    /// Seconds from start to exit.
    pub wall_s: f64,
    /// CPU seconds of the command and every descendant it waited for.
    pub cpu_s: f64,
}

/// `nice -n 19 cargo` in the bench workspace (the machine is shared: builds
/// run at the lowest priority and with at most two jobs).
pub fn nice_cargo(bench: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new("nice");
    command.args(["-n", "19"]).arg(cargo).current_dir(bench);
    command
}

/// Runs `command` with its output appended to `log`; fails unless it exits 0.
pub fn timed(command: &mut Command, log: &Path) -> Result<Timed, String> {
    let out = File::options()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let cpu0 = children_cpu_seconds();
    let start = Instant::now();
    let status = command
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    let wall_s = start.elapsed().as_secs_f64();
    let cpu_s = children_cpu_seconds() - cpu0;
    if !status.success() {
        return Err(format!(
            "{command:?} exited with {status} (log: {})",
            log.display()
        ));
    }
    Ok(Timed { wall_s, cpu_s })
}

/// Runs `command` and returns its standard output; fails (with its output)
/// unless it exits 0, and kills it when it is still running after `limit`.
pub fn capture_bounded(command: &mut Command, limit: Duration) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    let mut stdout = child.stdout.take().expect("stdout was piped");
    let mut stderr = child.stderr.take().expect("stderr was piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("{command:?} ran past {limit:?} and was killed"));
            }
            Err(e) => break Err(format!("waiting for {command:?}: {e}")),
        }
    };
    let (stdout, stderr) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    let status = status?;
    if !status.success() {
        return Err(format!(
            "{command:?} exited with {status}: {}{}",
            stdout.trim(),
            last_lines(&stderr, 5)
        ));
    }
    Ok(stdout)
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// CPU seconds of this process's waited-for children (`cutime + cstime` of
/// /proc/self/stat, which include their own waited-for descendants).
pub fn children_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the `(comm)`: state is field 3, cutime 16 and cstime 17.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(13), ticks(14)) {
        (Some(u), Some(s)) => (u + s) / clock_ticks(),
        _ => f64::NAN,
    }
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// The 1-minute load average, for the machine-load caveat.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_cpu_is_counted() {
        let before = children_cpu_seconds();
        let log = std::env::temp_dir().join("xtask-bench-cmd-test.log");
        let t = timed(
            Command::new("sh").args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]),
            &log,
        )
        .unwrap();
        assert!(t.wall_s > 0.0);
        assert!(children_cpu_seconds() >= before);
        assert!(timed(&mut Command::new("false"), &log).is_err());
        let out = capture_bounded(Command::new("echo").arg("hi"), Duration::from_secs(5));
        assert_eq!(out.unwrap(), "hi\n");
        let slow = capture_bounded(Command::new("sleep").arg("5"), Duration::from_millis(100));
        assert!(slow.unwrap_err().contains("killed"));
    }
}
