//! The values rule expressions evaluate to.

use std::borrow::Cow;
use std::sync::Arc;

/// A record key: a static name for built-in records (ARNs, URLs), an owned
/// one for data-driven records (partition outputs).
pub(crate) type Key = Cow<'static, str>;

/// A value inside rule evaluation. "Unset" is modelled as `Option::None` by
/// the evaluator, never as a variant here.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// An integer literal (`substring` and `split` arguments).
    Int(i64),
    /// An array (a `stringArray` parameter, an ARN's `resourceId`, `split`).
    Array(Vec<Val>),
    /// A record with named fields (`aws.partition`, `aws.parseArn`,
    /// `parseURL`). Shared, so passing one around does not copy it.
    Record(Arc<[(Key, Val)]>),
}

impl Val {
    /// A record from its fields.
    pub(crate) fn record(fields: Vec<(Key, Val)>) -> Val {
        Val::Record(fields.into())
    }

    /// The field `name` of a record.
    pub(crate) fn field(&self, name: &str) -> Option<&Val> {
        match self {
            Val::Record(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short type name for error messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "a string",
            Val::Bool(_) => "a boolean",
            Val::Int(_) => "an integer",
            Val::Array(_) => "an array",
            Val::Record(_) => "a record",
        }
    }
}

/// A short type name of an optional value, for error messages.
pub(crate) fn type_name_of(v: Option<&Val>) -> &'static str {
    v.map_or("unset", Val::type_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_field_lookup_and_json() {
        let r = Val::record(vec![
            (Cow::Borrowed("name"), Val::Str("aws".into())),
            (Cow::Owned("supportsFIPS".into()), Val::Bool(true)),
        ]);
        assert_eq!(r.field("name"), Some(&Val::Str("aws".into())));
        assert_eq!(r.field("missing"), None);
        assert_eq!(Val::Bool(true).field("name"), None);
        assert_eq!(r.field("supportsFIPS"), Some(&Val::Bool(true)));
        assert_eq!(type_name_of(None), "unset");
        assert_eq!(type_name_of(Some(&Val::Int(3))), "an integer");
    }
}
