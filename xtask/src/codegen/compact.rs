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

/// `model` with only the operations `keep` and the shapes they reach
/// (inputs, outputs, errors and everything those refer to), for the copies
/// myaws-core embeds to call a few operations of a service.
pub fn operations_subset(model: &Json, keep: &[&str]) -> Json {
    let mut out = model.clone();
    let Some(map) = out.as_object_mut() else {
        return out;
    };
    if let Some(Json::Object(ops)) = map.get_mut("operations") {
        ops.retain(|name, _| keep.contains(&name.as_str()));
    }
    let shapes = model.get("shapes").and_then(Json::as_object);
    let mut wanted: Vec<String> = Vec::new();
    let mut queue: Vec<String> = Vec::new();
    if let Some(Json::Object(ops)) = map.get("operations") {
        for op in ops.values() {
            collect_shape_refs(op, &mut queue);
        }
    }
    while let Some(name) = queue.pop() {
        if wanted.contains(&name) {
            continue;
        }
        if let Some(shape) = shapes.and_then(|s| s.get(&name)) {
            collect_shape_refs(shape, &mut queue);
        }
        wanted.push(name);
    }
    if let Some(Json::Object(all)) = map.get_mut("shapes") {
        all.retain(|name, _| wanted.contains(name));
    }
    out
}

/// Pushes every `{"shape": NAME}` reference found in `value`.
fn collect_shape_refs(value: &Json, out: &mut Vec<String>) {
    match value {
        Json::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("shape", Json::String(name)) => out.push(name.clone()),
                    _ => collect_shape_refs(child, out),
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|i| collect_shape_refs(i, out)),
        _ => {}
    }
}
