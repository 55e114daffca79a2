//! Running moto, the AWS service mock, for the integration tests and for
//! `cargo xtask demo` / `cargo xtask test`.
//!
//! This directory is shared: the `myaws-tests` crate compiles it as a normal
//! module and xtask includes it with `#[path]`, so it must stay std-only.

mod http;
mod server;
mod venv;

pub use http::{request, Response};
pub use server::MotoServer;
pub use venv::{ensure_venv, requirement, venv_dir, venv_python, MOTO_VERSION, PYTHON_ENV};

/// Environment variable through which `cargo xtask test` hands the endpoint
/// of the moto server it started to the test processes.
pub const ENDPOINT_ENV: &str = "MYAWS_TEST_ENDPOINT";
/// Access key id that moto accepts (any value works; this is moto's own).
pub const ACCESS_KEY_ID: &str = "testing";
/// Secret access key that goes with [`ACCESS_KEY_ID`].
pub const SECRET_ACCESS_KEY: &str = "testing";
/// Region the tests and the demo use.
pub const REGION: &str = "us-east-1";
