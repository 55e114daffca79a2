//! Shared setup for the fuzz targets: the model of
//! `tests/vectors/malformed/model.json` for each protocol, and a helper that
//! runs a response through both parsers of both operations.
//!
//! Run a target with `cargo +nightly fuzz run <json|xml|cbor|error|jmespath|model>` from this
//! directory. The targets only check that parsing never panics, overflows the
//! stack or exhausts memory; malformed input must come back as an error.

use std::sync::OnceLock;

use http::HeaderMap;
use myaws_core::model::ServiceModel;
use myaws_core::protocol::{parse_error, parse_response, Response};

/// The protocols, in the order [`models`] returns them.
pub const PROTOCOLS: [&str; 6] = [
    "json",
    "rest-json",
    "rest-xml",
    "query",
    "ec2",
    "smithy-rpc-v2-cbor",
];

const MODEL: &str = include_str!("../../tests/vectors/malformed/model.json");

/// The corpus model once per protocol (same order as [`PROTOCOLS`]).
pub fn models() -> &'static [ServiceModel] {
    static MODELS: OnceLock<Vec<ServiceModel>> = OnceLock::new();
    MODELS.get_or_init(|| {
        PROTOCOLS
            .iter()
            .map(|p| {
                let mut json: serde_json::Value = serde_json::from_str(MODEL).expect("model JSON");
                json["metadata"]["protocol"] = serde_json::Value::String((*p).into());
                ServiceModel::from_value(json).expect("model loads")
            })
            .collect()
    })
}

/// The model for `protocol`.
pub fn model(protocol: &str) -> &'static ServiceModel {
    let i = PROTOCOLS
        .iter()
        .position(|p| *p == protocol)
        .expect("known protocol");
    &models()[i]
}

/// Parses `body` as a success response (status 200) and as an error (status
/// `error_status`) for both corpus operations; results are discarded.
pub fn parse_everything(model: &ServiceModel, headers: &HeaderMap, body: &[u8], error_status: u16) {
    for name in ["Op", "PayloadOp"] {
        let op = model.operation(name).expect("corpus operation");
        let ok = Response {
            status: 200,
            headers,
            body,
        };
        let _ = parse_response(model, op, &ok);
        let err = Response {
            status: error_status,
            headers,
            body,
        };
        let _ = parse_error(model, op, &err);
    }
}
