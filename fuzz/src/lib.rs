//! Shared setup for the fuzz targets: the model of
//! `tests/vectors/malformed/model.json` for each protocol, and a helper that
//! runs a response through both parsers of both operations.
//!
//! Run a target with `cargo +nightly fuzz run <json|xml|cbor|error|jmespath|model|eventstream>` from this
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

/// A model with event streams for the `eventstream` target: blob, string,
/// structure and header-bound event members and a modeled exception.
const EVENT_MODEL: &str = r#"{
    "metadata": {"protocol": "PROTOCOL", "jsonVersion": "1.1", "targetPrefix": "T",
                 "endpointPrefix": "svc"},
    "operations": {"Op": {"name": "Op", "http": {"method": "POST", "requestUri": "/"},
                           "output": {"shape": "Out"}}},
    "shapes": {
        "Out": {"type": "structure", "members": {"Events": {"shape": "Stream"}},
                "payload": "Events"},
        "Stream": {"type": "structure", "eventstream": true, "members": {
            "Chunk": {"shape": "ChunkEvent"}, "Text": {"shape": "TextEvent"},
            "Stats": {"shape": "StatsEvent"}, "Body": {"shape": "BodyEvent"},
            "End": {"shape": "EndEvent"}, "Oops": {"shape": "OopsException"}}},
        "ChunkEvent": {"type": "structure", "event": true, "members": {
            "Bytes": {"shape": "B", "eventpayload": true},
            "Seq": {"shape": "L", "eventheader": true},
            "At": {"shape": "T", "eventheader": true},
            "Final": {"shape": "Bool", "eventheader": true},
            "Tag": {"shape": "S", "eventheader": true}}},
        "TextEvent": {"type": "structure", "event": true, "members": {
            "Text": {"shape": "S", "eventpayload": true}}},
        "StatsEvent": {"type": "structure", "event": true, "members": {
            "Details": {"shape": "Stats", "eventpayload": true}}},
        "BodyEvent": {"type": "structure", "event": true, "members": {
            "Count": {"shape": "I"}, "Items": {"shape": "List"},
            "Kind": {"shape": "S", "eventheader": true}}},
        "EndEvent": {"type": "structure", "event": true, "members": {}},
        "OopsException": {"type": "structure", "exception": true, "members": {
            "message": {"shape": "S"}}},
        "Stats": {"type": "structure", "members": {
            "Scanned": {"shape": "L"}, "When": {"shape": "T"}}},
        "List": {"type": "list", "member": {"shape": "Stats"}},
        "S": {"type": "string"}, "B": {"type": "blob"}, "L": {"type": "long"},
        "I": {"type": "integer"}, "T": {"type": "timestamp"},
        "Bool": {"type": "boolean"}
    }
}"#;

/// The event-stream model in each protocol that has event streams, with
/// the id of its union shape.
pub fn event_models() -> &'static [(ServiceModel, usize)] {
    static MODELS: OnceLock<Vec<(ServiceModel, usize)>> = OnceLock::new();
    MODELS.get_or_init(|| {
        ["rest-json", "rest-xml", "json", "smithy-rpc-v2-cbor"]
            .iter()
            .map(|p| {
                let model = ServiceModel::from_json(&EVENT_MODEL.replace("PROTOCOL", p))
                    .expect("event model loads");
                let union = model.shape_id("Stream").expect("the union");
                (model, union)
            })
            .collect()
    })
}
