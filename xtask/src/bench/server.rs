//! The canned-response server (`bench/server`) as a child process.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

/// A running `bench-server`; stopped when dropped (its standard input
/// closes, and it is killed if still there).
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    endpoint: String,
}

impl Server {
    /// Starts the server binary at `bin` on an ephemeral 127.0.0.1 port; it
    /// stops by itself after `max_secs` whatever happens to this process.
    pub fn start(bin: &Path, max_secs: u64) -> Result<Server, String> {
        let mut child = Command::new(bin)
            .args(["--threads", "2", "--max-secs", &max_secs.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout was piped");
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let addr = line.trim().strip_prefix("LISTENING ").map(str::to_string);
        match (read, addr) {
            (Ok(_), Some(addr)) => Ok(Server {
                child,
                stdin,
                endpoint: format!("http://{addr}"),
            }),
            (result, _) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "bench-server did not report its address ({result:?}, {line:?})"
                ))
            }
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
