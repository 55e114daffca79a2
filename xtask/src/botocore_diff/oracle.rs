//! The botocore oracle process (`xtask/oracle/botocore_oracle.py`): one per
//! run, JSON lines over stdin/stdout, written and read by two threads so
//! that Python and the Rust side work at the same time.
//!
//! The process is killed when [`Oracle`] is dropped (however the run ends);
//! if xtask itself is killed, the oracle sees its stdin close and exits.
//! Its environment is cleared and rebuilt: no AWS settings, config files
//! that do not exist, instance metadata disabled and every proxy pointed at
//! an unroutable local port, besides the oracle's own guard against any
//! connection.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value as Json;

/// Longest wait for one reply before the run is abandoned.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the proxies point: the discard port on the loopback interface.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// A running oracle.
pub struct Oracle {
    child: Child,
    lines: Option<Sender<String>>,
    replies: Receiver<Result<Json, String>>,
    writer: Option<JoinHandle<()>>,
    reader: Option<JoinHandle<()>>,
}

impl Oracle {
    /// Starts `script` with the venv's `python`; `home` is an empty
    /// directory used as `HOME`, `data_dir` botocore's extra data path, and
    /// `log` receives the oracle's stderr.
    pub fn spawn(
        python: &Path,
        script: &Path,
        home: &Path,
        data_dir: &Path,
        log: &Path,
    ) -> Result<Oracle, String> {
        std::fs::create_dir_all(home).map_err(|e| format!("{}: {e}", home.display()))?;
        let stderr =
            std::fs::File::create(log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let mut command = Command::new(python);
        command.arg("-u").arg(script).env_clear();
        for keep in ["PATH", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP"] {
            if let Some(v) = std::env::var_os(keep) {
                command.env(keep, v);
            }
        }
        command
            .env("HOME", home)
            .env("PYTHONIOENCODING", "utf-8")
            .env("PYTHONUTF8", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("AWS_CONFIG_FILE", home.join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_DATA_PATH", data_dir)
            .env("NO_PROXY", "")
            .env("no_proxy", "");
        for proxy in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            command.env(proxy, DEAD_PROXY);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", python.display()))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (line_tx, line_rx) = mpsc::channel::<String>();
        let writer = std::thread::spawn(move || write_lines(stdin, line_rx));
        let (reply_tx, replies) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let reply = match line {
                    Ok(text) => serde_json::from_str::<Json>(&text)
                        .map_err(|e| format!("oracle wrote a line that is not JSON ({e}): {text}")),
                    Err(e) => Err(format!("reading the oracle's output: {e}")),
                };
                if reply_tx.send(reply).is_err() {
                    return;
                }
            }
            let _ = reply_tx.send(Err("the oracle exited".into()));
        });
        Ok(Oracle {
            child,
            lines: Some(line_tx),
            replies,
            writer: Some(writer),
            reader: Some(reader),
        })
    }

    /// Queues one message (a JSON object on one line).
    pub fn send(&self, message: &Json) -> Result<(), String> {
        let line = serde_json::to_string(message).map_err(|e| e.to_string())?;
        self.lines
            .as_ref()
            .ok_or("the oracle's input is closed")?
            .send(line)
            .map_err(|_| "the oracle's writer stopped".to_string())
    }

    /// The next reply, in the order messages were sent.
    pub fn recv(&self) -> Result<Json, String> {
        match self.replies.recv_timeout(REPLY_TIMEOUT) {
            Ok(reply) => reply,
            Err(RecvTimeoutError::Timeout) => Err(format!(
                "the oracle did not answer within {}s",
                REPLY_TIMEOUT.as_secs()
            )),
            Err(RecvTimeoutError::Disconnected) => Err("the oracle's reader stopped".into()),
        }
    }
}

/// Writes queued lines, flushing whenever the queue is momentarily empty.
fn write_lines(stdin: ChildStdin, lines: Receiver<String>) {
    let mut out = BufWriter::new(stdin);
    while let Ok(line) = lines.recv() {
        if writeln!(out, "{line}").is_err() {
            return;
        }
        while let Ok(more) = lines.try_recv() {
            if writeln!(out, "{more}").is_err() {
                return;
            }
        }
        if out.flush().is_err() {
            return;
        }
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        // Closing stdin ends the oracle's loop; kill it anyway, in case it
        // is stuck.
        self.lines = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}
