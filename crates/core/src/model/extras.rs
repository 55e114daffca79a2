//! Model extras: botocore's `*.sdk-extras.json` files (merged over a model
//! by its loader's `ExtrasProcessor`) and myaws's own, in the same format
//! (`crates/core/data/model-extras/<service>.json`: members that botocore's
//! handlers add to parsed outputs, such as S3's `ExpiresString`).
//!
//! Generated crates embed models with both merged (`cargo xtask regen`);
//! [`crate::service::Service::from_dir`] merges them when it loads a model
//! at run time.

use serde_json::Value as Json;

/// myaws's extras for the service whose botocore directory name is
/// `service` (`s3`), if any.
pub fn myaws_extras(service: &str) -> Option<&'static str> {
    match service {
        "s3" => Some(include_str!("../../data/model-extras/s3.json")),
        _ => None,
    }
}

/// Merges an extras document's `merge` object over `model`.
pub fn apply(model: &mut Json, extras: &Json) {
    if let Some(merge) = extras.get("merge") {
        deep_merge(model, merge);
    }
}

/// botocore's `deep_merge`: objects merge key by key; anything else in
/// `extra` replaces what `base` has.
pub fn deep_merge(base: &mut Json, extra: &Json) {
    match (base, extra) {
        (Json::Object(base), Json::Object(extra)) => {
            for (key, value) in extra {
                match base.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        deep_merge(existing, value)
                    }
                    _ => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, extra) => *base = extra.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_like_botocore() {
        let mut model = json!({"metadata": {"serviceId": "A", "protocol": "json"},
                               "shapes": {"S": {"type": "structure", "members": {"a": {"shape": "X"}}}}});
        apply(
            &mut model,
            &json!({"version": 1.0, "merge": {"metadata": {"serviceId": "B"},
                     "shapes": {"S": {"members": {"b": {"shape": "Y"}}}, "Y": {"type": "string"}}}}),
        );
        assert_eq!(
            model["metadata"],
            json!({"serviceId": "B", "protocol": "json"})
        );
        assert_eq!(
            model["shapes"]["S"]["members"],
            json!({"a": {"shape": "X"}, "b": {"shape": "Y"}})
        );
        assert!(myaws_extras("s3").is_some());
        let s3: Json = serde_json::from_str(myaws_extras("s3").unwrap()).unwrap();
        assert!(s3["merge"]["shapes"]["HeadObjectOutput"]["members"]["ExpiresString"].is_object());
    }
}
