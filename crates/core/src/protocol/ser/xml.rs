//! rest-xml bodies.
//!
//! A structure is an element whose children are its set members, named by
//! `locationName` (or the member name); `xmlAttribute` members become
//! attributes and `xmlNamespace` traits become `xmlns` / `xmlns:prefix`
//! declarations. Lists are wrapped (`<Name><member>…</member></Name>`, the item
//! name from the list member's `locationName`) unless `flattened`, when each
//! item repeats the list's own name; maps are `<Name><entry><key/><value/>
//! </entry></Name>`, or repeated `<Name><key/><value/></Name>` when flattened.

use crate::model::{
    Member, Operation, ServiceModel, Shape, ShapeId, ShapeKind, TimestampFormat, XmlNamespace,
};
use crate::value::Value;

use super::super::ProtocolError;
use super::traits::{self, mismatch};
use super::{check_depth, text};

/// The body made of the input's body members: a root element named by the
/// operation's input `locationName` (else the shape's), carrying the input's
/// XML namespace.
pub(crate) fn input_body(
    model: &ServiceModel,
    op: &Operation,
    shape_id: ShapeId,
    value: &Value,
    include: impl Fn(&Member) -> bool,
) -> Result<String, ProtocolError> {
    let shape = model.shape(shape_id);
    let name = op
        .input_location_name
        .as_deref()
        .or(shape.location_name.as_deref())
        .unwrap_or(&shape.name);
    let ns = op
        .input_xml_namespace
        .as_ref()
        .or(shape.xml_namespace.as_ref());
    let mut out = String::new();
    write_struct(model, &mut out, name, ns, shape, value, &include, 0)?;
    Ok(out)
}

/// The body for a payload member: the member's value as the root element.
pub(crate) fn member_body(
    model: &ServiceModel,
    member: &Member,
    value: &Value,
) -> Result<String, ProtocolError> {
    let mut out = String::new();
    write_member(
        model,
        &mut out,
        traits::wire_name(model, member),
        member,
        value,
        0,
    )?;
    Ok(out)
}

/// A structure value as a document whose root element is named by the
/// shape (its `locationName`, else its name): an event payload.
pub(crate) fn shape_body(
    model: &ServiceModel,
    shape_id: ShapeId,
    value: &Value,
) -> Result<String, ProtocolError> {
    let shape = model.shape(shape_id);
    let name = shape.location_name.as_deref().unwrap_or(&shape.name);
    let mut out = String::new();
    write_struct(
        model,
        &mut out,
        name,
        shape.xml_namespace.as_ref(),
        shape,
        value,
        &|_| true,
        0,
    )?;
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn write_struct(
    model: &ServiceModel,
    out: &mut String,
    name: &str,
    ns: Option<&XmlNamespace>,
    shape: &Shape,
    value: &Value,
    include: &dyn Fn(&Member) -> bool,
    depth: usize,
) -> Result<(), ProtocolError> {
    let members: Vec<(&Member, &Value)> = traits::set_members(shape, value)?
        .filter(|(m, _)| include(m))
        .collect();
    let mut attrs = Vec::new();
    for (m, v) in members.iter().filter(|(m, _)| m.xml_attribute) {
        let text = text::scalar(
            model.shape(m.target),
            v,
            timestamp_format(model, m),
            text::Precision::of(model),
        )?;
        attrs.push((traits::wire_name(model, m).to_string(), text));
    }
    open(out, name, ns, &attrs);
    for (m, v) in members.iter().filter(|(m, _)| !m.xml_attribute) {
        write_member(model, out, traits::wire_name(model, m), m, v, depth + 1)?;
    }
    close(out, name);
    Ok(())
}

/// Writes `value` (of member `m`) as an element (or, for flattened
/// collections, elements) called `name`.
fn write_member(
    model: &ServiceModel,
    out: &mut String,
    name: &str,
    m: &Member,
    value: &Value,
    depth: usize,
) -> Result<(), ProtocolError> {
    check_depth(depth)?;
    let shape = model.shape(m.target);
    let ns = traits::xml_namespace(model, m);
    match (shape.kind, value) {
        // A null list item or map value has no XML form; leave it out.
        (_, Value::Null) => {}
        (ShapeKind::Structure, Value::Struct(_)) if !shape.document => {
            write_struct(model, out, name, ns, shape, value, &|_| true, depth)?
        }
        (ShapeKind::List, Value::List(items)) => {
            let item = element(shape, &shape.member)?;
            if traits::flattened(model, m) {
                for v in items {
                    write_member(model, out, name, item, v, depth + 1)?;
                }
            } else {
                let item_name = traits::serialized_name(model, item).unwrap_or("member");
                open(out, name, ns, &[]);
                for v in items {
                    write_member(model, out, item_name, item, v, depth + 1)?;
                }
                close(out, name);
            }
        }
        (ShapeKind::Map, Value::Map(entries)) => {
            let key = element(shape, &shape.key)?;
            let val = element(shape, &shape.value)?;
            let key_name = traits::serialized_name(model, key).unwrap_or("key");
            let val_name = traits::serialized_name(model, val).unwrap_or("value");
            let flat = traits::flattened(model, m);
            if !flat {
                open(out, name, ns, &[]);
            }
            for (k, v) in entries {
                let (entry, entry_ns) = if flat { (name, ns) } else { ("entry", None) };
                open(out, entry, entry_ns, &[]);
                write_member(
                    model,
                    out,
                    key_name,
                    key,
                    &Value::String(k.clone()),
                    depth + 1,
                )?;
                write_member(model, out, val_name, val, v, depth + 1)?;
                close(out, entry);
            }
            if !flat {
                close(out, name);
            }
        }
        (ShapeKind::Structure | ShapeKind::List | ShapeKind::Map, _) => {
            return Err(mismatch(shape, value))
        }
        _ => {
            let text = text::scalar(
                shape,
                value,
                timestamp_format(model, m),
                text::Precision::of(model),
            )?;
            open(out, name, ns, &[]);
            escape(out, &text, false);
            close(out, name);
        }
    }
    Ok(())
}

fn timestamp_format(model: &ServiceModel, m: &Member) -> TimestampFormat {
    traits::timestamp_format(model, m).unwrap_or(TimestampFormat::Iso8601)
}

fn element<'a>(shape: &Shape, m: &'a Option<Box<Member>>) -> Result<&'a Member, ProtocolError> {
    m.as_deref()
        .ok_or_else(|| ProtocolError::new(format!("shape `{}` has no element shape", shape.name)))
}

fn open(out: &mut String, name: &str, ns: Option<&XmlNamespace>, attrs: &[(String, String)]) {
    out.push('<');
    out.push_str(name);
    if let Some(ns) = ns {
        match ns.prefix.as_deref() {
            Some(p) if !p.is_empty() => {
                out.push_str(" xmlns:");
                out.push_str(p);
            }
            _ => out.push_str(" xmlns"),
        }
        out.push_str("=\"");
        escape(out, &ns.uri, true);
        out.push('"');
    }
    for (k, v) in attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape(out, v, true);
        out.push('"');
    }
    out.push('>');
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes text or an attribute value. Carriage returns (and, in attributes,
/// newlines and tabs) are written as character references so that a parser's
/// normalisation gives back exactly the original text.
fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#xA;"),
            '\t' if attribute => out.push_str("&#x9;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{from_json, JsonOptions};
    use serde_json::{json, Value as Json};

    fn body(shapes: &str, params: Json) -> String {
        let text = format!(r#"{{"metadata": {{"protocol": "rest-xml"}}, "shapes": {shapes}}}"#);
        let mut m = crate::protocol::ser::test_model(&text).unwrap();
        let i = m
            .add_operation(
                json!({"name": "Op", "input": {"shape": "In", "locationName": "Root",
                                   "xmlNamespace": {"uri": "http://root"}}}),
            )
            .unwrap();
        let op = &m.operations[i];
        let opts = JsonOptions::VECTORS;
        let v = from_json(&m, op.input.unwrap(), &params, opts).unwrap();
        input_body(&m, op, op.input.unwrap(), &v, |_| true).unwrap()
    }

    #[test]
    fn structures_attributes_and_escaping() {
        let got = body(
            r#"{"In": {"type": "structure", "members": {
                        "a": {"shape": "S", "locationName": "A"},
                        "attr": {"shape": "S", "locationName": "xsi:type", "xmlAttribute": true},
                        "when": {"shape": "T"}, "data": {"shape": "B"}, "ok": {"shape": "Bool"}}},
                   "S": {"type": "string"}, "T": {"type": "timestamp"}, "B": {"type": "blob"},
                   "Bool": {"type": "boolean"}}"#,
            json!({"a": "<&>\r", "attr": "x\"y", "when": 1398796238, "data": "hi", "ok": false}),
        );
        assert_eq!(
            got,
            "<Root xmlns=\"http://root\" xsi:type=\"x&quot;y\"><A>&lt;&amp;&gt;&#xD;</A>\
             <when>2014-04-29T18:30:38Z</when><data>aGk=</data><ok>false</ok></Root>"
        );
    }

    #[test]
    fn lists_and_maps_wrapped_and_flattened() {
        let shapes = r#"{
            "In": {"type": "structure", "members": {
                "l": {"shape": "L"}, "fl": {"shape": "L", "flattened": true, "locationName": "F"},
                "m": {"shape": "M"}, "fm": {"shape": "M", "flattened": true}}},
            "S": {"type": "string"},
            "L": {"type": "list", "member": {"shape": "S", "locationName": "item",
                                              "xmlNamespace": {"prefix": "p", "uri": "http://p"}}},
            "M": {"type": "map", "key": {"shape": "S", "locationName": "K"}, "value": {"shape": "S"}}
        }"#;
        let got = body(
            shapes,
            json!({"l": ["a"], "fl": ["b", "c"], "m": {"k": "v"}, "fm": {"x": "y"}}),
        );
        assert_eq!(
            got,
            "<Root xmlns=\"http://root\"><l><item xmlns:p=\"http://p\">a</item></l>\
             <F xmlns:p=\"http://p\">b</F><F xmlns:p=\"http://p\">c</F>\
             <m><entry><K>k</K><value>v</value></entry></m>\
             <fm><K>x</K><value>y</value></fm></Root>"
        );
    }

    #[test]
    fn empty_collections_keep_their_wrapper() {
        let shapes = r#"{
            "In": {"type": "structure", "members": {"l": {"shape": "L"}, "s": {"shape": "S"}}},
            "S": {"type": "string"},
            "L": {"type": "list", "member": {"shape": "S"}}
        }"#;
        assert_eq!(
            body(shapes, json!({"l": [], "s": ""})),
            "<Root xmlns=\"http://root\"><l></l><s></s></Root>"
        );
    }
}
