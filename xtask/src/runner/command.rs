//! Starting cargo and checking how child processes ended.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use super::counts::TestCounts;

/// `cargo` (the one running xtask, when known) in the workspace root.
pub fn cargo(root: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(root);
    command
}

/// Runs `command` with inherited stdio and fails unless it exits with 0.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("exited with {status}"))
    }
}

/// Runs `command`, passing its stdout through line by line while summing
/// the libtest `test result:` lines in it; fails unless it exits with 0.
pub fn run_counting_tests(command: &mut Command) -> (Result<(), String>, TestCounts) {
    let mut counts = TestCounts::default();
    let mut child = match command.stdout(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => return (Err(format!("could not start {command:?}: {e}")), counts),
    };
    let stdout = child.stdout.take().expect("stdout was piped");
    for line in BufReader::new(stdout).split(b'\n') {
        let Ok(line) = line else { break };
        let line = String::from_utf8_lossy(&line);
        println!("{line}");
        counts.add_line(&line);
    }
    let result = match child.wait() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("exited with {status}")),
        Err(e) => Err(format!("waiting for {command:?}: {e}")),
    };
    (result, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_decides() {
        assert!(run(Command::new("true").stdout(Stdio::null())).is_ok());
        let error = run(&mut Command::new("false")).unwrap_err();
        assert!(error.contains("exit status: 1"), "{error}");
        assert!(run(&mut Command::new("/nonexistent/program")).is_err());
    }

    #[test]
    fn counts_results_passed_through() {
        let mut command = Command::new("printf");
        command.arg("x\\ntest result: ok. 3 passed; 1 failed; 2 ignored\\n");
        let (result, counts) = run_counting_tests(&mut command);
        assert!(result.is_ok());
        assert_eq!((counts.passed, counts.failed, counts.skipped), (3, 1, 2));
    }
}
