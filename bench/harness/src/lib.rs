//! Shared pieces of the benchmark drivers: the command line, the bounded load
//! loops, the CPU-time and peak-RSS probes, and a streaming body of repeated
//! bytes for the large uploads and downloads.
//!
//! Every driver prints one JSON line ([`Report::to_json`]) that
//! `cargo xtask bench` reads.

pub mod args;
pub mod body;
pub mod probe;
pub mod run;

pub use args::Args;
pub use body::RepeatBody;
pub use bytes::Bytes;
pub use run::{run, runtime, Report};
