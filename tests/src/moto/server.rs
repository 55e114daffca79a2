//! One moto server on a free 127.0.0.1 port, run under a watchdog so that it
//! cannot outlive the process that started it.

use std::fs::{self, File};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::http;
use super::venv::{ensure_venv, tail};

/// Python that runs moto's server and exits when its stdin closes.
const WATCHDOG: &str = include_str!("watchdog.py");
/// How long a fresh server may take to answer its first request.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long [`MotoServer::stop`] waits for a graceful exit before killing.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// Ports tried before giving up (another process may grab a free port first).
const START_ATTEMPTS: usize = 3;
/// Delay between readiness and exit polls.
const POLL: Duration = Duration::from_millis(100);
/// moto path answered with 200 once the server is up (its dashboard page).
const READY_PATH: &str = "/moto-api/";

/// A running moto server. Dropping it (or [`MotoServer::stop`]) shuts the
/// server down; if the owning process dies without dropping it, the watchdog
/// sees its stdin close and exits on its own.
#[derive(Debug)]
pub struct MotoServer {
    endpoint: String,
    log: PathBuf,
    child: Child,
}

impl MotoServer {
    /// Ensures the venv for `workspace_root`, starts moto on a free loopback
    /// port and waits until it answers HTTP. Its output goes to a log file
    /// under `target/moto-logs/`.
    pub fn start(workspace_root: &Path) -> Result<MotoServer, String> {
        let python = ensure_venv(workspace_root)?;
        let log_dir = workspace_root.join("target").join("moto-logs");
        fs::create_dir_all(&log_dir).map_err(|e| format!("creating {}: {e}", log_dir.display()))?;
        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS {
            match Self::spawn(&python, free_port()?, &log_dir) {
                Ok(server) => return Ok(server),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The file that receives the server's stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server by closing the watchdog's stdin, killing it if it is
    /// still alive after a grace period (which is reported as an error).
    pub fn stop(mut self) -> Result<(), String> {
        self.shutdown()
    }

    /// Starts the watchdog with moto on `port` and waits for it to answer.
    fn spawn(python: &Path, port: u16, log_dir: &Path) -> Result<MotoServer, String> {
        let log = log_dir.join(format!("moto-{port}.log"));
        let out = File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("duplicating {}: {e}", log.display()))?;
        let child = Command::new(python)
            .arg("-c")
            .arg(WATCHDOG)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_PORT", port.to_string())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", python.display()))?;
        let mut server = MotoServer {
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
            child,
        };
        server.wait_until_ready()?;
        Ok(server)
    }

    /// Polls [`READY_PATH`] until it answers 200, the process exits or
    /// [`STARTUP_TIMEOUT`] passes.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto exited ({status}) before answering on {}; end of {}:\n{}",
                    self.endpoint,
                    self.log.display(),
                    self.log_tail()
                ));
            }
            let answer = http::request(&self.endpoint, "GET", READY_PATH, Duration::from_secs(5));
            if answer.is_ok_and(|response| response.status == 200) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "moto did not answer on {} within {:?}; end of {}:\n{}",
                    self.endpoint,
                    STARTUP_TIMEOUT,
                    self.log.display(),
                    self.log_tail()
                ));
            }
            sleep(POLL);
        }
    }

    /// Closes stdin, waits for the exit, kills after [`STOP_TIMEOUT`].
    /// Harmless to call again once the process is gone.
    fn shutdown(&mut self) -> Result<(), String> {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return Ok(()),
                Ok(None) if Instant::now() < deadline => sleep(POLL),
                _ => break,
            }
        }
        let killed = self.child.kill().and_then(|()| self.child.wait());
        Err(format!(
            "moto on {} ignored its closed stdin for {STOP_TIMEOUT:?}; killed it ({killed:?})",
            self.endpoint
        ))
    }

    /// The last lines of the server's log, for error messages.
    fn log_tail(&self) -> String {
        tail(&fs::read_to_string(&self.log).unwrap_or_default(), 20)
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// A loopback port that was free a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("finding a free port on 127.0.0.1: {e}"))
}
