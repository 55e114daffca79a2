//! Harness for myaws integration tests.
//!
//! [`moto()`] hands every test in a process the same moto server: the one
//! `cargo xtask test` started (named by `MYAWS_TEST_ENDPOINT`), or else one
//! this process starts on first use and that exits together with it.
//!
//! ```no_run
//! let moto = myaws_tests::moto();
//! println!("moto answers on {}", moto.endpoint);
//! ```

// Doc tests (this file's and README.md's) must compile without warnings; the
// `async fn example` wrappers hidden in them are never called.
#![doc(test(attr(deny(warnings), allow(dead_code))))]

// Every Rust example in README.md, compiled by `cargo test --doc` (and so
// by `cargo xtask test`).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod fault_server;
pub mod moto;
pub mod proxy;
pub mod sigv4_check;
/// A loopback HTTP server (canned answers or a recording proxy), shared
/// with myaws-core's unit tests.
#[path = "../../crates/core/src/test_server.rs"]
pub mod test_server;
pub mod tls_server;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

pub use moto::{ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY};

/// Timeout for the harness's own requests to moto.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The moto server this test process uses.
#[derive(Debug)]
pub struct Moto {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub endpoint: String,
    /// The server when this process started it; `None` when it came from
    /// `MYAWS_TEST_ENDPOINT`.
    server: Option<moto::MotoServer>,
}

impl Moto {
    /// Whether this process started the server (rather than being handed one).
    pub fn is_own(&self) -> bool {
        self.server.is_some()
    }

    /// Clears all state in the server (`POST /moto-api/reset`).
    ///
    /// The server is shared by every test in the process (and, under
    /// `cargo xtask test`, by every test binary), and tests run in parallel:
    /// prefer unique resource names over resetting.
    pub fn reset(&self) -> Result<(), String> {
        let response = moto::request(&self.endpoint, "POST", "/moto-api/reset", REQUEST_TIMEOUT)?;
        if response.status == 200 {
            Ok(())
        } else {
            Err(format!(
                "moto reset answered {}: {}",
                response.status, response.body
            ))
        }
    }
}

/// The moto server for this test process, started on first call.
///
/// # Panics
///
/// When no server can be had (say, Python or PyPI is unavailable); every
/// later call panics with the same message.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Result<Moto, String>> = OnceLock::new();
    match MOTO.get_or_init(connect) {
        Ok(moto) => moto,
        Err(message) => panic!("no moto server for the tests: {message}"),
    }
}

/// Uses `MYAWS_TEST_ENDPOINT` when set, else starts a server.
fn connect() -> Result<Moto, String> {
    if let Some(endpoint) = std::env::var(moto::ENDPOINT_ENV)
        .ok()
        .filter(|value| !value.is_empty())
    {
        return Ok(Moto {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            server: None,
        });
    }
    let server = moto::MotoServer::start(&workspace_root())?;
    Ok(Moto {
        endpoint: server.endpoint().to_string(),
        server: Some(server),
    })
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// A session whose endpoint (`127.0.0.1:9`) nothing listens on: anything
/// actually sent fails to connect, so a test sees only what validation
/// refuses or what a hook answers.
pub fn offline_session() -> myaws_core::Session {
    myaws_core::Session::builder()
        .region("us-east-1")
        .credentials(myaws_core::Credentials::new("AKID", "SECRET", None, None))
        .endpoint_url("http://127.0.0.1:9")
        .build()
        .expect("an offline session")
}

/// A session against this process's moto server, with the test region and
/// credentials.
///
/// # Panics
///
/// When no moto server can be had (see [`moto`]).
pub fn session() -> myaws_core::Session {
    myaws_core::Session::builder()
        .region(REGION)
        .credentials(myaws_core::Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
            None,
        ))
        .endpoint_url(&moto().endpoint)
        .build()
        .expect("a session against moto")
}

/// A name unique to this test run, for buckets, queues and tables: every
/// test in a run shares one moto server.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A temporary home directory for a test that configures AWS the way a user
/// does: `~/.aws/config`, `~/.aws/credentials` and other files in it, and
/// an environment snapshot pointing `HOME` there. Removed when dropped.
#[derive(Debug)]
pub struct Home {
    dir: PathBuf,
}

impl Home {
    /// A new, empty home directory.
    pub fn new() -> Home {
        let dir = std::env::temp_dir().join(unique("myaws-home"));
        std::fs::create_dir_all(dir.join(".aws")).expect("temp home");
        Home { dir }
    }

    /// The directory.
    pub fn path(&self) -> &std::path::Path {
        &self.dir
    }

    /// Writes `text` to `rel` (relative to the home directory), creating
    /// directories; returns the full path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// Writes `~/.aws/config`.
    pub fn config(&self, text: &str) -> &Home {
        self.write(".aws/config", text);
        self
    }

    /// Writes `~/.aws/credentials`.
    pub fn credentials(&self, text: &str) -> &Home {
        self.write(".aws/credentials", text);
        self
    }

    /// An environment with `HOME` here, instance metadata turned off (tests
    /// that want it set `AWS_EC2_METADATA_DISABLED` themselves) and `vars`.
    pub fn env(&self, vars: &[(&str, &str)]) -> myaws_core::config::Env {
        let mut pairs: Vec<(String, String)> = vec![
            ("HOME".into(), self.dir.display().to_string()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ];
        for (k, v) in vars {
            pairs.retain(|(name, _)| name != k);
            pairs.push((k.to_string(), v.to_string()));
        }
        myaws_core::config::Env::from_pairs(pairs)
    }
}

impl Default for Home {
    fn default() -> Self {
        Home::new()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
