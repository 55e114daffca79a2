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
    tls_endpoint: Option<String>,
}

impl Server {
    /// Starts the server binary at `bin` on an ephemeral 127.0.0.1 port with
    /// the flags `extra`; it stops by itself after `max_secs` whatever
    /// happens to this process. With `--tls-ca-out PATH` among `extra` it
    /// serves HTTPS too.
    pub fn start(bin: &Path, max_secs: u64, extra: &[&str]) -> Result<Server, String> {
        let tls = extra.contains(&"--tls-ca-out");
        let mut child = Command::new(bin)
            .args(["--threads", "2", "--max-secs", &max_secs.to_string()])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout was piped");
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line);
        let addr = line.trim().strip_prefix("LISTENING ").map(str::to_string);
        let mut tls_line = String::new();
        let tls_addr = if tls {
            let _ = reader.read_line(&mut tls_line);
            tls_line
                .trim()
                .strip_prefix("LISTENING_TLS ")
                .map(str::to_string)
        } else {
            None
        };
        match (read, addr) {
            (Ok(_), Some(addr)) if tls_addr.is_some() || !tls => Ok(Server {
                child,
                stdin,
                endpoint: format!("http://{addr}"),
                tls_endpoint: tls_addr.map(|a| format!("https://{a}")),
            }),
            (result, _) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "bench-server did not report its address ({result:?}, {line:?} {tls_line:?})"
                ))
            }
        }
    }

    /// `https://127.0.0.1:PORT`, when started with `--tls-ca-out`.
    pub fn tls_endpoint(&self) -> Option<&str> {
        self.tls_endpoint.as_deref()
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
