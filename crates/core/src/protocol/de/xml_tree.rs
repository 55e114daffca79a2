//! XML error bodies (query, ec2 and rest-xml) over the element tree of
//! [`xml_dom`], like botocore's `BaseXMLResponseParser`. Error bodies are
//! small (the tree is only built for those up to
//! [`MAX_PARSED_ERROR_BODY`](super::error::MAX_PARSED_ERROR_BODY)); outputs
//! are read without a tree by [`super::xml`], with the same rules.
//!
//! A structure's members are the children named by `locationName` (or the
//! member name; a flattened list uses its member's `locationName`), then
//! attributes for `xmlAttribute` members. A wrapped list or map iterates the
//! wrapper's children; a flattened one is the repeated elements themselves.
//! Map entries hold `key`/`value` children (or their `locationName`s). Empty
//! elements are empty strings; namespaces are ignored.

use std::collections::HashMap;

use super::scalar::{self, BoolStyle};
use super::xml_dom::{self, local_name, Element};
use super::{check_depth, check_union, empty_struct, is_bound_outside_body};
use crate::model::{Member, ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ProtocolError;
use crate::value::Value;

/// Walks XML elements with the service model.
pub(crate) struct TreeReader<'m> {
    model: &'m ServiceModel,
    /// EC2 error layout (`<Response><Errors><Error>`).
    ec2: bool,
}

impl<'m> TreeReader<'m> {
    /// A reader; `ec2` selects the EC2 error layout.
    pub(crate) fn new(model: &'m ServiceModel, ec2: bool) -> Self {
        TreeReader { model, ec2 }
    }

    /// A whole body parsed as `shape` (rest-xml); an empty body is an empty
    /// document.
    pub(crate) fn body(&self, shape: ShapeId, body: &[u8]) -> Result<Value, ProtocolError> {
        self.top(shape, &document(body)?)
    }

    /// `node` parsed as `shape`; an absent union stays [`Value::Null`], any
    /// other absent structure is empty.
    pub(crate) fn top(&self, shape: ShapeId, node: &Element) -> Result<Value, ProtocolError> {
        match self.value(None, shape, &[node], 0)? {
            Value::Null if !self.model.shape(shape).union => Ok(empty_struct(self.model, shape)),
            v => Ok(v),
        }
    }

    /// Converts `nodes` (one element, or the repeats of one name) to a value of
    /// shape `id`, reached through `member` (for its `flattened` trait).
    fn value(
        &self,
        member: Option<&Member>,
        id: ShapeId,
        nodes: &[&Element],
        depth: usize,
    ) -> Result<Value, ProtocolError> {
        check_depth(depth)?;
        let Some(first) = nodes.first() else {
            return Ok(Value::Null);
        };
        let shape = self.model.shape(id);
        // A wrapped collection iterates its wrapper's children; a flattened
        // one (or repeated wrappers, as botocore does) the elements given.
        let items = || -> Vec<&Element> {
            let flattened = member.is_some_and(|m| m.flattened) || shape.flattened;
            if !flattened && nodes.len() == 1 {
                first.children.iter().collect()
            } else {
                nodes.to_vec()
            }
        };
        Ok(match shape.kind {
            ShapeKind::Structure if shape.document => {
                Value::Document(Box::new(serde_json::Value::String(first.text.clone())))
            }
            ShapeKind::Structure => return self.structure(id, first, depth),
            ShapeKind::List => {
                let item = shape
                    .member
                    .as_deref()
                    .ok_or_else(|| ProtocolError::new("list shape without member"))?;
                let mut out = Vec::new();
                for node in items() {
                    out.push(self.value(Some(item), item.target, &[node], depth + 1)?);
                }
                Value::List(out)
            }
            ShapeKind::Map => return self.map(id, &items(), depth),
            _ => scalar::from_text(self.model, id, &first.text, BoolStyle::Xml)?,
        })
    }

    fn structure(&self, id: ShapeId, node: &Element, depth: usize) -> Result<Value, ProtocolError> {
        let shape = self.model.shape(id);
        let node = if shape.exception {
            self.error_root(node)
        } else {
            node
        };
        let mut order: Vec<(&str, Vec<&Element>)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for child in &node.children {
            match index.get(child.name.as_str()) {
                Some(&i) => order[i].1.push(child),
                None => {
                    index.insert(&child.name, order.len());
                    order.push((&child.name, vec![child]));
                }
            }
        }
        if shape.union {
            let mut set = order.iter().map(|(n, _)| *n).filter(|n| *n != "__type");
            let first = set.next();
            check_union(&shape.name, first.map_or(0, |_| 1 + set.count()))?;
            let known = shape.members.iter().any(|m| {
                let (name, fallback) = self.key_names(m);
                first == Some(name) || first == Some(fallback)
            });
            if !known {
                // A variant this model does not know: the union stays empty.
                return Ok(empty_struct(self.model, id));
            }
        }
        let mut slots = vec![Value::Null; shape.members.len()];
        for (slot, m) in slots.iter_mut().zip(&shape.members) {
            if is_bound_outside_body(m) {
                continue;
            }
            let (name, fallback) = self.key_names(m);
            if let Some(&i) = index.get(name).or_else(|| index.get(fallback)) {
                *slot = self.value(Some(m), m.target, &order[i].1, depth + 1)?;
            } else if m.xml_attribute {
                if let Some(text) = attribute(node, m.wire_name()) {
                    *slot = scalar::from_text(self.model, m.target, text, BoolStyle::Xml)?;
                }
            }
        }
        Ok(Value::Struct(slots))
    }

    fn map(&self, id: ShapeId, entries: &[&Element], depth: usize) -> Result<Value, ProtocolError> {
        let shape = self.model.shape(id);
        let (Some(key), Some(value)) = (shape.key.as_deref(), shape.value.as_deref()) else {
            return Err(ProtocolError::new("map shape without key or value"));
        };
        let key_name = self.xml_name(key).unwrap_or("key");
        let value_name = self.xml_name(value).unwrap_or("value");
        let mut out = Vec::new();
        for entry in entries {
            let (mut k, mut v) = (None, None);
            for child in &entry.children {
                if child.name == key_name {
                    k = Some(self.value(Some(key), key.target, &[child], depth + 1)?);
                } else if child.name == value_name {
                    v = Some(self.value(Some(value), value.target, &[child], depth + 1)?);
                } else {
                    return Err(ProtocolError::new(format!(
                        "unexpected <{}> in an entry of map {}",
                        child.name, shape.name
                    )));
                }
            }
            match (k, v) {
                (Some(Value::String(k)), Some(v)) => out.push((k, v)),
                _ => {
                    return Err(ProtocolError::new(format!(
                        "an entry of map {} lacks <{key_name}> or <{value_name}>",
                        shape.name
                    )))
                }
            }
        }
        Ok(Value::Map(out))
    }

    /// The element holding an exception's members.
    fn error_root<'a>(&self, node: &'a Element) -> &'a Element {
        if self.ec2 {
            node.child("Errors")
                .and_then(|e| e.child("Error"))
                .unwrap_or(node)
        } else if node.name == "ErrorResponse" {
            node.child("Error").unwrap_or(node)
        } else {
            node
        }
    }

    fn key_names<'a>(&'a self, m: &'a Member) -> (&'a str, &'a str) {
        super::xml::member_element_names(self.model, m)
    }

    fn xml_name<'a>(&'a self, m: &'a Member) -> Option<&'a str> {
        super::xml::xml_name(self.model, m)
    }
}

/// Parses a body; an empty (or blank) body is an empty document.
pub(crate) fn document(body: &[u8]) -> Result<Element, ProtocolError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Element::default())
    } else {
        xml_dom::parse(body)
    }
}

/// An attribute by qualified name; a prefixed name also matches the same
/// local name under another prefix.
fn attribute<'a>(node: &'a Element, name: &str) -> Option<&'a str> {
    let exact = node.attributes.iter().find(|(k, _)| k == name);
    let found = exact.or_else(|| {
        name.contains(':').then(|| {
            node.attributes
                .iter()
                .find(|(k, _)| k.contains(':') && local_name(k) == local_name(name))
        })?
    });
    found.map(|(_, v)| v.as_str())
}
