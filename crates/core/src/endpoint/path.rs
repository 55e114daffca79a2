//! `getAttr` paths (`name`, `a.b`, `resourceId[2]`, `[0]`), parsed once.

use super::val::Val;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// A record field.
    Field(Box<str>),
    /// An array index.
    Index(usize),
}

/// A parsed attribute path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttrPath(pub(super) Vec<Step>);

impl AttrPath {
    /// Parses `part(.part)*` where a part is `name`, `name[N]...` or `[N]...`.
    pub(crate) fn parse(text: &str) -> Result<AttrPath, String> {
        let mut steps = Vec::new();
        for part in text.split('.') {
            let (name, mut rest) = match part.find('[') {
                Some(i) => part.split_at(i),
                None => (part, ""),
            };
            if !name.is_empty() {
                if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(format!("invalid attribute name `{name}` in path `{text}`"));
                }
                steps.push(Step::Field(name.into()));
            } else if rest.is_empty() {
                return Err(format!("empty segment in path `{text}`"));
            }
            while !rest.is_empty() {
                let close = rest
                    .find(']')
                    .filter(|_| rest.starts_with('['))
                    .ok_or_else(|| format!("malformed index in path `{text}`"))?;
                let index = rest[1..close]
                    .parse::<usize>()
                    .map_err(|_| format!("invalid index `{}` in path `{text}`", &rest[1..close]))?;
                steps.push(Step::Index(index));
                rest = &rest[close + 1..];
            }
        }
        Ok(AttrPath(steps))
    }

    /// Follows the path from `value`; `None` when a field or index is missing.
    pub(crate) fn get<'v>(&self, value: &'v Val) -> Option<&'v Val> {
        let mut current = value;
        for step in &self.0 {
            current = match (step, current) {
                (Step::Field(name), v) => v.field(name)?,
                (Step::Index(i), Val::Array(items)) => items.get(*i)?,
                (Step::Index(_), _) => return None,
            };
        }
        Some(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn arn() -> Val {
        Val::record(vec![
            (Cow::Borrowed("region"), Val::Str("us-east-2".into())),
            (
                Cow::Borrowed("resourceId"),
                Val::Array(vec![Val::Str("outpost".into()), Val::Str("op-1".into())]),
            ),
        ])
    }

    #[test]
    fn parses_fields_and_indexes() {
        let p = AttrPath::parse("resourceId[1]").unwrap();
        assert_eq!(p.get(&arn()), Some(&Val::Str("op-1".into())));
        let p = AttrPath::parse("region").unwrap();
        assert_eq!(p.get(&arn()), Some(&Val::Str("us-east-2".into())));
        let p = AttrPath::parse("resourceId[5]").unwrap();
        assert_eq!(p.get(&arn()), None);
        let p = AttrPath::parse("nope.deeper").unwrap();
        assert_eq!(p.get(&arn()), None);
    }

    #[test]
    fn bare_index_on_array() {
        let list = Val::Array(vec![Val::Str("a".into()), Val::Str("b".into())]);
        assert_eq!(
            AttrPath::parse("[1]").unwrap().get(&list),
            Some(&Val::Str("b".into()))
        );
        assert_eq!(AttrPath::parse("[0]").unwrap().get(&Val::Bool(true)), None);
    }

    #[test]
    fn rejects_malformed_paths() {
        for bad in ["", "a..b", "a[", "a[x]", "a]b", "a[1]x", "a-b"] {
            assert!(AttrPath::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
