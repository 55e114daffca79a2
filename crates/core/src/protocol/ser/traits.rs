//! Serialization traits of a member, resolved the way botocore resolves them.
//!
//! botocore merges a member reference's traits over its target shape's traits
//! (`ShapeResolver.resolve_shape_ref`), so a `locationName`, `xmlNamespace`,
//! `flattened` or `timestampFormat` on the target shape applies unless the
//! member overrides it. These helpers give that merged view.

use crate::model::{Member, ServiceModel, Shape, TimestampFormat, XmlNamespace};
use crate::value::Value;

use super::super::ProtocolError;

/// The member's explicit serialized name (`locationName` on the member, else
/// on its target shape), if any.
pub(crate) fn serialized_name<'a>(model: &'a ServiceModel, m: &'a Member) -> Option<&'a str> {
    m.location_name
        .as_deref()
        .or_else(|| model.shape(m.target).location_name.as_deref())
}

/// The member's name on the wire: its serialized name or the member name.
pub(crate) fn wire_name<'a>(model: &'a ServiceModel, m: &'a Member) -> &'a str {
    serialized_name(model, m).unwrap_or(&m.name)
}

/// Whether the member (or its target shape) is `flattened`.
pub(crate) fn flattened(model: &ServiceModel, m: &Member) -> bool {
    m.flattened || model.shape(m.target).flattened
}

/// The member's XML namespace, else its target shape's.
pub(crate) fn xml_namespace<'a>(
    model: &'a ServiceModel,
    m: &'a Member,
) -> Option<&'a XmlNamespace> {
    m.xml_namespace
        .as_ref()
        .or(model.shape(m.target).xml_namespace.as_ref())
}

/// The member's timestamp format, else its target shape's.
pub(crate) fn timestamp_format(model: &ServiceModel, m: &Member) -> Option<TimestampFormat> {
    m.timestamp_format
        .or(model.shape(m.target).timestamp_format)
}

/// Whether the member's value is a JSON document sent as a string (`jsonvalue`).
pub(crate) fn json_value(model: &ServiceModel, m: &Member) -> bool {
    m.json_value || model.shape(m.target).json_value
}

/// The slots of a structure value, checked against the shape's member count.
pub(crate) fn struct_slots<'v>(
    shape: &Shape,
    value: &'v Value,
) -> Result<&'v [Value], ProtocolError> {
    match value {
        Value::Struct(slots) if slots.len() == shape.members.len() => Ok(slots),
        Value::Struct(slots) => Err(ProtocolError::new(format!(
            "structure `{}` has {} members but the value has {} slots",
            shape.name,
            shape.members.len(),
            slots.len()
        ))),
        other => Err(mismatch(shape, other)),
    }
}

/// The members of a structure value that are set, in model order.
pub(crate) fn set_members<'a, 'v>(
    shape: &'a Shape,
    value: &'v Value,
) -> Result<impl Iterator<Item = (&'a Member, &'v Value)>, ProtocolError> {
    let slots = struct_slots(shape, value)?;
    Ok(shape
        .members
        .iter()
        .zip(slots)
        .filter(|(_, v)| !v.is_null()))
}

/// An error saying `value` does not fit `shape`.
pub(crate) fn mismatch(shape: &Shape, value: &Value) -> ProtocolError {
    ProtocolError::new(format!(
        "value for shape `{}` ({:?}) cannot be a {}",
        shape.name,
        shape.kind,
        value.kind_name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> ServiceModel {
        crate::protocol::ser::test_model(
            r#"{
            "metadata": {"protocol": "rest-xml"},
            "shapes": {
                "In": {"type": "structure", "members": {
                    "Plain": {"shape": "S"},
                    "Renamed": {"shape": "Named", "locationName": "Mine"},
                    "Inherits": {"shape": "Named"},
                    "When": {"shape": "T", "timestampFormat": "rfc822"},
                    "Flat": {"shape": "FlatList"}}},
                "S": {"type": "string"},
                "Named": {"type": "string", "locationName": "Theirs",
                          "xmlNamespace": {"uri": "http://x"}},
                "T": {"type": "timestamp", "timestampFormat": "iso8601"},
                "FlatList": {"type": "list", "member": {"shape": "S"}, "flattened": true}
            }
        }"#,
        )
        .unwrap()
    }

    #[test]
    fn member_traits_override_shape_traits() {
        let m = model();
        let s = m.shape(m.shape_id("In").unwrap());
        assert_eq!(wire_name(&m, &s.members[0]), "Plain");
        assert_eq!(serialized_name(&m, &s.members[0]), None);
        assert_eq!(wire_name(&m, &s.members[1]), "Mine");
        assert_eq!(wire_name(&m, &s.members[2]), "Theirs");
        assert_eq!(xml_namespace(&m, &s.members[2]).unwrap().uri, "http://x");
        assert_eq!(
            timestamp_format(&m, &s.members[3]),
            Some(TimestampFormat::Rfc822)
        );
        assert!(flattened(&m, &s.members[4]));
        assert!(!flattened(&m, &s.members[0]));
    }

    #[test]
    fn struct_slots_must_match_the_shape() {
        let m = model();
        let s = m.shape(m.shape_id("In").unwrap());
        assert!(struct_slots(s, &Value::Struct(vec![Value::Null; 5])).is_ok());
        assert!(struct_slots(s, &Value::Struct(vec![Value::Null; 2])).is_err());
        assert!(struct_slots(s, &Value::String("x".into())).is_err());
        let v = Value::Struct(vec![
            Value::Null,
            Value::String("a".into()),
            Value::Null,
            Value::Null,
            Value::Null,
        ]);
        let names: Vec<_> = set_members(s, &v)
            .unwrap()
            .map(|(m, _)| m.name.as_str())
            .collect();
        assert_eq!(names, ["Renamed"]);
    }
}
