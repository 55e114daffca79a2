//! Library side of `cargo xtask`, so integration tests can drive the same runners.

pub mod bench;
pub mod botocore_diff;
pub mod codegen;
pub mod endpoint_tests;
pub mod jmespath_tests;
pub mod models;
pub mod protocol_tests;
pub mod runner;
pub mod sigv4_tests;
pub mod smoke;

use std::path::PathBuf;

/// The root of the workspace (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Tally of a test-vector run, printed as the runner's last line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases skipped (with a listed reason).
    pub skipped: usize,
}

impl Tally {
    /// Adds another tally.
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}
