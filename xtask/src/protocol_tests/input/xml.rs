//! XML bodies as canonical trees, for comparing the way botocore does
//! (C14N with whitespace-only text stripped): element and attribute names are
//! compared as (namespace URI, local name), namespace declarations themselves
//! and attribute order do not matter, comments are dropped and text is
//! trimmed.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// An element of a canonical tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Namespace URI.
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// Attributes `(namespace, local name, value)`, sorted; no `xmlns`.
    pub attrs: Vec<(Option<String>, String, String)>,
    /// Child elements and trimmed, non-empty text.
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text (trimmed, never empty).
    Text(String),
}

fn namespace(r: ResolveResult<'_>) -> Result<Option<String>, String> {
    match r {
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.as_ref()).into_owned())),
        ResolveResult::Unknown(p) => Err(format!("unknown prefix {}", String::from_utf8_lossy(&p))),
    }
}

fn element(
    reader: &NsReader<&[u8]>,
    e: &quick_xml::events::BytesStart<'_>,
) -> Result<Element, String> {
    let (ns, local) = reader.resolve_element(e.name());
    let ns = namespace(ns)?;
    let name = String::from_utf8_lossy(local.as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let key = attr.key.as_ref();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            continue;
        }
        let (ans, alocal) = reader.resolve_attribute(attr.key);
        let value = attr
            .unescape_value()
            .map_err(|e| e.to_string())?
            .into_owned();
        attrs.push((
            namespace(ans)?,
            String::from_utf8_lossy(alocal.as_ref()).into_owned(),
            value,
        ));
    }
    attrs.sort();
    Ok(Element {
        ns,
        name,
        attrs,
        children: Vec::new(),
    })
}

fn flush(text: &mut String, parent: Option<&mut Element>) {
    let trimmed = text.trim();
    if let (false, Some(p)) = (trimmed.is_empty(), parent) {
        p.children.push(Node::Text(trimmed.to_string()));
    }
    text.clear();
}

/// Parses `bytes` into the canonical tree of its root element.
pub fn canonical(bytes: &[u8]) -> Result<Element, String> {
    let mut reader = NsReader::from_reader(bytes);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut text = String::new();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) => {
                flush(&mut text, stack.last_mut());
                if root.is_some() {
                    return Err("content after the root element".into());
                }
                let el = element(&reader, &e)?;
                stack.push(el);
            }
            Event::Empty(e) => {
                flush(&mut text, stack.last_mut());
                let el = element(&reader, &e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None if root.is_none() => root = Some(el),
                    None => return Err("content after the root element".into()),
                }
            }
            Event::End(_) => {
                flush(&mut text, stack.last_mut());
                let el = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                let raw = t.decode().map_err(|e| e.to_string())?;
                // Line ends are normalised as an XML parser does.
                text.push_str(&raw.replace("\r\n", "\n").replace('\r', "\n"));
            }
            Event::CData(c) => text.push_str(&String::from_utf8_lossy(&c)),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
                    text.push(c);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    text.push(match name.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    });
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        if stack.is_empty() && !text.trim().is_empty() {
            return Err("text outside the root element".into());
        }
    }
    if !stack.is_empty() {
        return Err("unclosed element".into());
    }
    root.ok_or_else(|| "no root element".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_modulo_declarations_whitespace_and_attribute_order() {
        let a = canonical(br#"<a xmlns="urn:x" b="1" c="2">  <d xmlns="urn:x">t&amp;</d> </a>"#)
            .unwrap();
        let b = canonical(b"<?xml version='1.0'?>\n<a c=\"2\" b=\"1\" xmlns=\"urn:x\"><!-- c --><d>t&#38;</d></a>").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn namespaces_names_and_text_matter() {
        let base = canonical(br#"<a xmlns="urn:x"><d>t</d></a>"#).unwrap();
        for other in [
            &br#"<a xmlns="urn:y"><d>t</d></a>"#[..],
            br#"<a xmlns="urn:x"><d xmlns="urn:z">t</d></a>"#,
            br#"<a xmlns="urn:x"><e>t</e></a>"#,
            br#"<a xmlns="urn:x"><d>u</d></a>"#,
            br#"<a xmlns="urn:x"><d>t</d><d/></a>"#,
            br#"<a xmlns="urn:x" k="v"><d>t</d></a>"#,
        ] {
            assert_ne!(
                base,
                canonical(other).unwrap(),
                "{}",
                String::from_utf8_lossy(other)
            );
        }
        assert!(canonical(b"<a><b></a>").is_err());
        assert!(canonical(b"not xml").is_err());
    }
}
