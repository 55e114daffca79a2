//! Parameter validation before anything is sent, as botocore's
//! `ParamValidator`: required members, minimum lengths and values, unions with
//! exactly one member. (Like botocore, maximums are left to the service, whose
//! limits change more often than models.)

use crate::model::{ServiceModel, ShapeId, ShapeKind};
use crate::value::Value;

const MAX_DEPTH: usize = 64;

/// Validates `value` against `shape`; returns every problem found.
pub fn validate(model: &ServiceModel, shape: ShapeId, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check(model, shape, value, "", 0, &mut problems);
    problems
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn check(
    model: &ServiceModel,
    id: ShapeId,
    value: &Value,
    path: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        out.push(format!("{path}: nesting too deep"));
        return;
    }
    let shape = model.shape(id);
    let label = if path.is_empty() { "input" } else { path };
    let min = shape.min.filter(|m| *m > 0.0);
    match (shape.kind, value) {
        (_, Value::Null) => {}
        (ShapeKind::Structure, Value::Struct(slots)) => {
            for (m, v) in shape
                .members
                .iter()
                .zip(slots.iter().chain(std::iter::repeat(&Value::Null)))
            {
                let p = join(path, &m.name);
                if v.is_null() {
                    if m.required {
                        out.push(format!("missing required parameter {p}"));
                    }
                    continue;
                }
                check(model, m.target, v, &p, depth + 1, out);
            }
            if slots.len() > shape.members.len() {
                out.push(format!(
                    "{label}: more values than the structure has members"
                ));
            }
            if shape.union {
                let set = slots.iter().filter(|v| !v.is_null()).count();
                if set != 1 {
                    out.push(format!(
                        "{label}: a union takes exactly one member, {set} given"
                    ));
                }
            }
        }
        (ShapeKind::Structure, Value::Document(_)) if shape.document => {}
        (ShapeKind::List, Value::List(items)) => {
            if let Some(min) = min {
                if (items.len() as f64) < min {
                    out.push(format!(
                        "{label}: needs at least {min} items, {} given",
                        items.len()
                    ));
                }
            }
            if let Some(m) = &shape.member {
                for (i, item) in items.iter().enumerate() {
                    check(
                        model,
                        m.target,
                        item,
                        &format!("{path}[{i}]"),
                        depth + 1,
                        out,
                    );
                }
            }
        }
        (ShapeKind::Map, Value::Map(entries)) => {
            if let Some(min) = min {
                if (entries.len() as f64) < min {
                    out.push(format!(
                        "{label}: needs at least {min} entries, {} given",
                        entries.len()
                    ));
                }
            }
            // Keys have their own shape's limits too (botocore checks them,
            // naming the entry `Map (key: k)`).
            let key_min = shape
                .key
                .as_ref()
                .and_then(|k| model.shape(k.target).min)
                .filter(|m| *m > 0.0);
            if let Some(min) = key_min {
                for (k, _) in entries {
                    check_min_chars(min, k, &format!("{label} (key: {k})"), out);
                }
            }
            if let Some(m) = &shape.value {
                for (k, v) in entries {
                    check(model, m.target, v, &join(path, k), depth + 1, out);
                }
            }
        }
        (ShapeKind::String, Value::String(s)) => {
            if let Some(min) = min {
                check_min_chars(min, s, label, out);
            }
        }
        // A `jsonvalue` header given as any JSON value (the dynamic path).
        (ShapeKind::String, Value::Document(_)) => {}
        (ShapeKind::Blob, Value::Blob(b)) => {
            if let Some(min) = min {
                if (b.len() as f64) < min {
                    out.push(format!(
                        "{label}: must be at least {min} bytes long, got {}",
                        b.len()
                    ));
                }
            }
        }
        (
            ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long,
            Value::Integer(n),
        ) => {
            if let Some(m) = shape.min {
                if (*n as f64) < m {
                    out.push(format!("{label}: must be at least {m}, got {n}"));
                }
            }
        }
        (ShapeKind::Float | ShapeKind::Double, Value::Float(x)) => {
            if let Some(m) = shape.min {
                if *x < m {
                    out.push(format!("{label}: must be at least {m}, got {x}"));
                }
            }
        }
        (ShapeKind::Boolean, Value::Bool(_))
        | (ShapeKind::Timestamp, Value::Timestamp(_))
        | (ShapeKind::Blob, Value::String(_))
        | (ShapeKind::Blob, Value::Stream(_))
        | (ShapeKind::Structure, Value::EventStream(_)) => {}
        (kind, other) => out.push(format!(
            "{label}: expected {kind:?}, got {}",
            other.kind_name()
        )),
    }
}

/// Reports `s` when it is shorter than `min` characters.
fn check_min_chars(min: f64, s: &str, label: &str, out: &mut Vec<String>) {
    let chars = s.chars().count();
    if (chars as f64) < min {
        out.push(format!(
            "{label}: must be at least {min} characters long, got {chars}"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> ServiceModel {
        ServiceModel::from_value(json!({
            "metadata": {"protocol": "json"},
            "shapes": {
                "In": {"type": "structure", "required": ["QueueUrl"], "members": {
                    "QueueUrl": {"shape": "S"}, "Delay": {"shape": "I"},
                    "Entries": {"shape": "L"}, "U": {"shape": "Un"}}},
                "S": {"type": "string", "min": 1},
                "I": {"type": "integer", "min": 0},
                "L": {"type": "list", "member": {"shape": "E"}, "min": 1},
                "E": {"type": "structure", "required": ["Id"], "members": {"Id": {"shape": "S"}}},
                "Un": {"type": "structure", "union": true, "members": {"A": {"shape": "S"}, "B": {"shape": "S"}}}
            }
        }))
        .unwrap()
    }

    #[test]
    fn reports_missing_required_and_ranges_with_paths() {
        let m = model();
        let id = m.shape_id("In").unwrap();
        // Slots follow model member order; build them by name.
        let shape = m.shape(id);
        let mut slots = vec![Value::Null; shape.members.len()];
        let mut set = |name: &str, v: Value| slots[shape.member_index(name).unwrap()] = v;
        set("Delay", Value::Integer(-1));
        set(
            "Entries",
            Value::List(vec![
                Value::Struct(vec![Value::String(String::new())]),
                Value::Struct(vec![Value::Null]),
            ]),
        );
        set(
            "U",
            Value::Struct(vec![Value::String("a".into()), Value::String("b".into())]),
        );
        let v = Value::Struct(slots);
        let problems = validate(&m, id, &v);
        assert_eq!(problems, {
            let mut want = vec![
                "Delay: must be at least 0, got -1",
                "Entries[0].Id: must be at least 1 characters long, got 0",
                "missing required parameter Entries[1].Id",
                "missing required parameter QueueUrl",
                "U: a union takes exactly one member, 2 given",
            ];
            let mut got = problems.clone();
            got.sort();
            want.sort();
            assert_eq!(got, want);
            problems.clone()
        });
    }

    #[test]
    fn map_keys_are_checked_against_their_shape() {
        let m = ServiceModel::from_value(json!({
            "metadata": {"protocol": "json"},
            "shapes": {
                "In": {"type": "structure", "members": {"Tags": {"shape": "M"}}},
                "K": {"type": "string", "min": 3},
                "S": {"type": "string"},
                "M": {"type": "map", "key": {"shape": "K"}, "value": {"shape": "S"}}
            }
        }))
        .unwrap();
        let id = m.shape_id("In").unwrap();
        let tags = Value::Map(vec![
            ("ok!".into(), Value::String("v".into())),
            ("no".into(), Value::String("v".into())),
        ]);
        assert_eq!(
            validate(&m, id, &Value::Struct(vec![tags])),
            ["Tags (key: no): must be at least 3 characters long, got 2"]
        );
    }

    #[test]
    fn accepts_valid_input() {
        let m = model();
        let id = m.shape_id("In").unwrap();
        let shape = m.shape(id);
        let mut slots = vec![Value::Null; shape.members.len()];
        slots[shape.member_index("QueueUrl").unwrap()] = Value::String("q".into());
        assert!(validate(&m, id, &Value::Struct(slots)).is_empty());
    }
}
