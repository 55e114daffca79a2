//! The endpoint host prefix (`endpoint.hostPrefix`, e.g. `"{Bucket}.data."`),
//! expanded from the input's `hostLabel` members.

use crate::model::{Operation, ServiceModel, TimestampFormat};
use crate::value::Value;

use super::super::ProtocolError;
use super::text;
use super::{expand_labels, traits};

/// Expands the operation's host prefix, or `None` when it has none.
///
/// Each `{Name}` is replaced by the value of the input member `Name` (which
/// carries `hostLabel`); as in botocore, a label must be non-empty and made of
/// `A-Za-z0-9`, `-` and `.` only.
pub(crate) fn expand(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
) -> Result<Option<String>, ProtocolError> {
    let Some(template) = op.host_prefix.as_deref() else {
        return Ok(None);
    };
    expand_labels(template, "host prefix", |name| {
        label(model, op, input, name)
    })
    .map(Some)
}

fn label(
    model: &ServiceModel,
    op: &Operation,
    input: &Value,
    name: &str,
) -> Result<String, ProtocolError> {
    let missing = || ProtocolError::new(format!("host prefix label `{name}` is not set"));
    let shape_id = op.input.ok_or_else(missing)?;
    let shape = model.shape(shape_id);
    let index = shape
        .members
        .iter()
        .position(|m| m.name == name && m.host_label)
        .ok_or_else(|| {
            ProtocolError::new(format!(
                "host prefix label `{name}` is not a hostLabel member"
            ))
        })?;
    let slots = traits::struct_slots(shape, input)?;
    let value = &slots[index];
    if value.is_null() {
        return Err(missing());
    }
    let member = &shape.members[index];
    let text = text::scalar(
        model.shape(member.target),
        value,
        TimestampFormat::Iso8601,
        text::Precision::of(model),
    )?;
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err(ProtocolError::new(format!(
            "invalid value for parameter {name}: must contain only alphanumeric characters, hyphen, or period"
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(prefix: &str) -> ServiceModel {
        let mut m = crate::protocol::ser::test_model(
            r#"{
            "metadata": {"protocol": "json"},
            "shapes": {
                "In": {"type": "structure", "members": {
                    "label": {"shape": "S", "hostLabel": true},
                    "other": {"shape": "S"}}},
                "S": {"type": "string"}
            }
        }"#,
        )
        .unwrap();
        m.add_operation(json!({"name": "Op", "input": {"shape": "In"},
                               "endpoint": {"hostPrefix": prefix}}))
            .unwrap();
        m
    }

    fn input(label: Option<&str>) -> Value {
        Value::Struct(vec![
            label.map_or(Value::Null, |l| Value::String(l.into())),
            Value::Null,
        ])
    }

    #[test]
    fn expands_labels() {
        let m = model("foo.{label}.");
        let op = m.operation("Op").unwrap();
        assert_eq!(
            expand(&m, op, &input(Some("bar"))).unwrap().as_deref(),
            Some("foo.bar.")
        );
        let m = model("static.");
        let op = m.operation("Op").unwrap();
        assert_eq!(
            expand(&m, op, &input(None)).unwrap().as_deref(),
            Some("static.")
        );
    }

    #[test]
    fn rejects_bad_or_missing_labels() {
        let m = model("foo.{label}.");
        let op = m.operation("Op").unwrap();
        for bad in ["", "a/b", "a b", "x_y"] {
            assert!(expand(&m, op, &input(Some(bad))).is_err(), "{bad:?}");
        }
        assert!(expand(&m, op, &input(None)).is_err());
        let m = model("foo.{other}.");
        let op = m.operation("Op").unwrap();
        assert!(expand(&m, op, &input(Some("x"))).is_err());
        let m = model("foo.{label.");
        let op = m.operation("Op").unwrap();
        assert!(expand(&m, op, &input(Some("x"))).is_err());
    }
}
