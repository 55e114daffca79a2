//! Compact copies of model files for embedding: documentation and other keys
//! the runtime never reads are dropped; key order is kept.

use serde_json::Value as Json;

/// Keys removed anywhere in a service model.
const DROPPED_KEYS: &[&str] = &[
    "documentation",
    "documentationUrl",
    "deprecatedMessage",
    "deprecatedSince",
    "examples",
    "pattern",
    "box",
    "synthetic",
    "xmlOrder",
    "serviceAbbreviation",
];

/// A service model without documentation, minified.
pub fn service_model(model: &Json) -> String {
    let mut m = model.clone();
    strip(&mut m);
    serde_json::to_string(&m).expect("JSON values always serialize")
}

fn strip(v: &mut Json) {
    match v {
        Json::Object(map) => {
            for k in DROPPED_KEYS {
                map.shift_remove(*k);
            }
            for (_, child) in map.iter_mut() {
                strip(child);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// Any JSON document, minified (rule sets, paginators, waiters).
pub fn minified(doc: &Json) -> String {
    let mut d = doc.clone();
    if let Json::Object(map) = &mut d {
        map.shift_remove("documentation");
    }
    serde_json::to_string(&d).expect("JSON values always serialize")
}
