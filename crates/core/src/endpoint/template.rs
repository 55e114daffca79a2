//! String templates: `"https://{Region}.{PartitionResult#dnsSuffix}"`.
//!
//! Every string in a rule set is a template. `{Name}` inserts a parameter or
//! assigned variable, `{Name#path}` an attribute of one (same path syntax as
//! `getAttr`), and `{{` / `}}` stand for literal braces. Templates are parsed
//! once, with references already resolved to scope slots.

use super::path::AttrPath;
use super::val::Val;

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    /// Literal text.
    Lit(String),
    /// A reference to a scope slot, optionally followed by a path.
    Ref {
        slot: usize,
        path: Option<AttrPath>,
        /// The text between the braces, for error messages.
        text: Box<str>,
    },
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    pub(super) parts: Vec<Part>,
}

impl Template {
    /// Parses `text`; `slot_of` maps a variable name to its scope slot.
    pub(crate) fn parse(
        text: &str,
        slot_of: &mut dyn FnMut(&str) -> Result<usize, String>,
    ) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '}']) {
            lit.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                lit.push_str(&tail[..1]);
                rest = &tail[2..];
            } else if tail.starts_with('}') {
                return Err(format!("unmatched `}}` in template `{text}`"));
            } else {
                let close = tail
                    .find('}')
                    .ok_or_else(|| format!("unclosed `{{` in template `{text}`"))?;
                let inner = &tail[1..close];
                let (name, path) = match inner.split_once('#') {
                    Some((name, path)) => (name, Some(AttrPath::parse(path)?)),
                    None => (inner, None),
                };
                if name.is_empty() || inner.contains('{') {
                    return Err(format!(
                        "invalid reference `{{{inner}}}` in template `{text}`"
                    ));
                }
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Ref {
                    slot: slot_of(name)?,
                    path,
                    text: inner.into(),
                });
                rest = &tail[close + 1..];
            }
        }
        lit.push_str(rest);
        if !lit.is_empty() || parts.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Template { parts })
    }

    /// The text, when the template has no references.
    pub(crate) fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// Renders into `out`. Fails when a reference is unset or not a string.
    pub(crate) fn render(&self, scope: &[Option<Val>], out: &mut String) -> Result<(), String> {
        for part in &self.parts {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Ref { slot, path, text } => {
                    let base = scope.get(*slot).and_then(Option::as_ref);
                    let value = match path {
                        Some(p) => base.and_then(|v| p.get(v)),
                        None => base,
                    };
                    match value {
                        Some(Val::Str(s)) => out.push_str(s),
                        Some(other) => {
                            return Err(format!(
                                "template reference `{{{text}}}` is {}, not a string",
                                other.type_name()
                            ))
                        }
                        None => return Err(format!("template reference `{{{text}}}` is unset")),
                    }
                }
            }
        }
        Ok(())
    }

    /// Renders to a new string.
    pub(crate) fn render_string(&self, scope: &[Option<Val>]) -> Result<String, String> {
        let mut out = String::new();
        self.render(scope, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn slots(name: &str) -> Result<usize, String> {
        match name {
            "Region" => Ok(0),
            "PartitionResult" => Ok(1),
            other => Err(format!("unknown `{other}`")),
        }
    }

    fn scope() -> Vec<Option<Val>> {
        vec![
            Some(Val::Str("us-west-2".into())),
            Some(Val::record(vec![(
                Cow::Borrowed("dnsSuffix"),
                Val::Str("amazonaws.com".into()),
            )])),
        ]
    }

    #[test]
    fn renders_refs_and_paths() {
        let t = Template::parse(
            "https://s3.{Region}.{PartitionResult#dnsSuffix}/x",
            &mut slots,
        )
        .unwrap();
        assert_eq!(t.as_literal(), None);
        assert_eq!(
            t.render_string(&scope()).unwrap(),
            "https://s3.us-west-2.amazonaws.com/x"
        );
    }

    #[test]
    fn escapes_and_literals() {
        let t = Template::parse("a{{b}}c", &mut slots).unwrap();
        assert_eq!(t.as_literal(), Some("a{b}c"));
        let t = Template::parse("", &mut slots).unwrap();
        assert_eq!(t.as_literal(), Some(""));
        let t = Template::parse("{{{Region}}}", &mut slots).unwrap();
        assert_eq!(t.render_string(&scope()).unwrap(), "{us-west-2}");
    }

    #[test]
    fn errors() {
        assert!(Template::parse("{Nope}", &mut slots).is_err());
        assert!(Template::parse("{Region", &mut slots).is_err());
        assert!(Template::parse("Region}", &mut slots).is_err());
        assert!(Template::parse("{}", &mut slots).is_err());
        let t = Template::parse("{PartitionResult}", &mut slots).unwrap();
        let err = t.render_string(&scope()).unwrap_err();
        assert!(err.contains("not a string"), "{err}");
        let t = Template::parse("{Region}", &mut slots).unwrap();
        let err = t.render_string(&[None, None]).unwrap_err();
        assert!(err.contains("unset"), "{err}");
    }
}
