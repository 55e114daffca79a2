//! # myaws-core
//!
//! The data-driven heart of myaws. Service crates (`myaws-sqs`, `myaws-s3`, …)
//! hold types and a compact copy of their botocore model; everything else lives
//! here, once: the [`Session`], configuration and credentials,
//! endpoint resolution, the six wire protocols, SigV4 signing, retries, event
//! hooks and the HTTP client.
//!
//! Most users never name this crate: each service crate re-exports what it needs.

#![warn(missing_docs)]

pub mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod body;
pub mod checksum;
pub mod client;
pub mod compression;
pub mod config;
pub mod convert;
pub mod credentials;
pub mod customizations;
pub mod discovery;
pub mod dynamic;
pub mod endpoint;
pub mod endpoint_resolution;
pub mod error;
pub mod events;
pub mod eventstream;
pub mod generated;
mod hooks;
pub mod http;
pub mod jmes;
pub mod json_call;
pub mod model;
pub mod names;
mod packed;
pub mod paginator;
pub mod presign;
pub mod protocol;
mod python_json;
pub mod retry;
pub mod service;
pub mod session;
pub mod signing;
pub mod stub;
// Shared with the integration tests' harness, which uses parts core does not.
#[cfg(test)]
#[allow(dead_code)]
pub(crate) mod test_server;
pub mod time;
pub mod token;
pub mod user_config;
pub mod validate;
pub mod value;

pub use bytes::Bytes;
pub use client::{ResponseMetadata, WithResponseMetadata};
pub use credentials::Credentials;
pub use error::{
    BuildError, DispatchError, DispatchErrorKind, ErrorMetadata, OperationError, SdkError,
    ServiceError, TimeoutKind, ValidationError, REDACTED,
};
pub use model::ServiceModel;
pub use session::{ClientConfig, Session};
pub use time::DateTime;
pub use value::{ConversionError, FromValue, IntoValue, StructReader, Value};

/// An open JSON-like document (the model's `document` shapes).
pub type Document = serde_json::Value;
