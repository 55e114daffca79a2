//! A small XML element tree built with `quick-xml`, like the ElementTree
//! botocore parses responses into.
//!
//! Element names keep only their local part (`ns:Foo` → `Foo`), as botocore
//! strips namespaces; attributes keep their qualified names. An element's text
//! is all its direct character data (entities and character references
//! resolved, line ends normalised); comments, processing instructions and the
//! document type are skipped and never expanded. Nesting deeper than
//! [`MAX_DEPTH`] and anything that is not a single
//! well-formed UTF-8 root element is an error.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::MAX_DEPTH;
use crate::protocol::ProtocolError;

/// An XML element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name (prefix removed).
    pub name: String,
    /// Attributes as `(qualified name, unescaped value)`, `xmlns` ones left out.
    pub attributes: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// The element's own character data.
    pub text: String,
}

impl Element {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child with this local name.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

/// Parses a document into its root element.
pub fn parse(body: &[u8]) -> Result<Element, ProtocolError> {
    let mut reader = reader(body)?;

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(format!("at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(xml_error("content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep());
                }
                stack.push(element(&start)?);
            }
            Event::Empty(start) => {
                let e = element(&start)?;
                close(&mut stack, &mut root, e)?;
            }
            Event::End(_) => {
                let e = stack.pop().ok_or_else(|| xml_error("unexpected end tag"))?;
                close(&mut stack, &mut root, e)?;
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                if let Some(text) = character_data(&event)? {
                    push_text(&mut stack, &text)?;
                }
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(xml_error("unexpected end of document (unclosed element)"));
    }
    root.ok_or_else(|| xml_error("no root element"))
}

/// A reader over a response body as every XML parser here reads one: a
/// leading byte-order mark dropped, UTF-8 checked, text untrimmed, end tags
/// checked, empty elements reported as such.
pub(super) fn reader(body: &[u8]) -> Result<Reader<&[u8]>, ProtocolError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    std::str::from_utf8(body).map_err(|e| xml_error(format!("not UTF-8: {e}")))?;
    let mut reader = Reader::from_reader(body);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.expand_empty_elements = false;
    Ok(reader)
}

/// The character data an event carries: text unescaped, CDATA with its line
/// ends normalized, a character or predefined entity reference resolved;
/// `None` for events that carry none.
pub(super) fn character_data(event: &Event<'_>) -> Result<Option<String>, ProtocolError> {
    Ok(Some(match event {
        Event::Text(t) => t
            .xml10_content()
            .map_err(|e| xml_error(e.to_string()))?
            .into_owned(),
        Event::CData(t) => {
            let s = std::str::from_utf8(t).map_err(|e| xml_error(e.to_string()))?;
            s.replace("\r\n", "\n").replace('\r', "\n")
        }
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => c.to_string(),
            Ok(None) => {
                let name = r.decode().map_err(|e| xml_error(e.to_string()))?;
                resolve_predefined_entity(&name)
                    .ok_or_else(|| xml_error(format!("unknown entity &{name};")))?
                    .to_string()
            }
            Err(e) => return Err(xml_error(e.to_string())),
        },
        _ => return Ok(None),
    }))
}

/// An error in a response body's XML.
pub(super) fn xml_error(message: impl std::fmt::Display) -> ProtocolError {
    ProtocolError::new(format!("invalid XML in response body: {message}"))
}

/// The error for elements nested beyond [`MAX_DEPTH`].
pub(super) fn too_deep() -> ProtocolError {
    xml_error(format!("nested deeper than {MAX_DEPTH} elements"))
}

/// Attaches a finished element to its parent, or makes it the root.
fn close(
    stack: &mut [Element],
    root: &mut Option<Element>,
    e: Element,
) -> Result<(), ProtocolError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(e),
        None if root.is_none() => *root = Some(e),
        None => return Err(xml_error("more than one root element")),
    }
    Ok(())
}

/// Adds character data to the open element; outside the root only whitespace
/// is allowed.
fn push_text(stack: &mut [Element], s: &str) -> Result<(), ProtocolError> {
    match stack.last_mut() {
        Some(e) => e.text.push_str(s),
        None if s.chars().all(char::is_whitespace) => {}
        None => return Err(xml_error("text outside the root element")),
    }
    Ok(())
}

fn element(start: &BytesStart<'_>) -> Result<Element, ProtocolError> {
    let name = std::str::from_utf8(start.name().as_ref())
        .map_err(|e| xml_error(e.to_string()))?
        .to_string();
    let mut attributes = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| xml_error(e.to_string()))?;
        let key = std::str::from_utf8(attr.key.as_ref()).map_err(|e| xml_error(e.to_string()))?;
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attr
            .unescape_value()
            .map_err(|e| xml_error(e.to_string()))?;
        attributes.push((key.to_string(), value.into_owned()));
    }
    Ok(Element {
        name: local_name(&name).to_string(),
        attributes,
        children: Vec::new(),
        text: String::new(),
    })
}

/// The part of a qualified name after the prefix.
pub fn local_name(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_tree_with_text_and_attributes() {
        let doc = br#"<?xml version="1.0"?><!-- hi --><a:Root xmlns:a="urn:x" x="1&amp;2"><b>t&lt;&#65;<![CDATA[<c>]]></b><c/></a:Root>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.attributes, vec![("x".to_string(), "1&2".to_string())]);
        assert_eq!(root.child_text("b"), Some("t<A<c>"));
        assert_eq!(root.child("c").map(|c| c.text.as_str()), Some(""));
    }

    #[test]
    fn normalises_line_ends_but_keeps_escaped_ones() {
        let root = parse(b"<a>x\r\ny&#xD;&#10;</a>").unwrap();
        assert_eq!(root.text, "x\ny\r\n");
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [
            &b""[..],
            b"   ",
            b"<a>",
            b"<a></b>",
            b"<a/><b/>",
            b"text<a/>",
            b"<a>&bogus;</a>",
            b"<a>\xff</a>",
            b"<a x=1/>",
            b"</a>",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn caps_nesting_depth() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        let err = parse(deep.as_bytes()).unwrap_err();
        assert!(err.message.contains("nested"), "{err}");
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(ok.as_bytes()).is_ok());
    }
}
