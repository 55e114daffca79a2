//! XML outputs (query, ec2 and rest-xml), like botocore's
//! `BaseXMLResponseParser`, read straight from `quick-xml`'s event stream:
//! no element tree is built, elements the model does not name are skipped
//! without keeping anything, and every value made is charged to the
//! response's [`Budget`].
//!
//! A structure's members are the children named by `locationName` (or the
//! member name; a flattened list uses its member's `locationName`), then
//! attributes for `xmlAttribute` members. A wrapped list or map iterates the
//! wrapper's children; a flattened one is the repeated elements themselves.
//! Map entries hold `key`/`value` children (or their `locationName`s). Empty
//! elements are empty strings; namespaces are ignored. The document must be
//! one well-formed UTF-8 root element, nested at most [`MAX_DEPTH`] deep.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::budget::{Budget, SLOT};
use super::scalar::{self, BoolStyle};
use super::xml_dom::{self, local_name, xml_error};
use super::{
    check_depth, check_union, empty_struct, is_bound_outside_body, unknown_union, MAX_DEPTH,
};
use crate::model::{Member, Operation, ServiceModel, ShapeId, ShapeKind};
use crate::protocol::ProtocolError;
use crate::value::Value;

/// Reads XML outputs with the service model.
pub(crate) struct XmlReader<'m> {
    model: &'m ServiceModel,
    /// Per structure: whether two members are read from elements of the
    /// same name (computed when first seen).
    clashes: std::cell::RefCell<std::collections::HashMap<ShapeId, bool>>,
}

/// An element's start: its local name and, when asked for, its attributes.
struct Start<'a> {
    tag: BytesStart<'a>,
    /// Where the local name starts in the qualified name.
    local: usize,
    /// `<x/>`: no content and no end tag follow.
    empty: bool,
}

impl Start<'_> {
    /// The local name (prefix removed); checked as UTF-8 when read.
    fn name(&self) -> &str {
        let qualified = self.tag.name().into_inner();
        // Checked in `start`.
        std::str::from_utf8(&qualified[self.local..]).unwrap_or("")
    }
}

/// The events of one document, with text decoded and nesting counted.
struct Events<'a> {
    reader: Reader<&'a [u8]>,
    depth: usize,
    budget: Budget,
}

/// What the reader needs from an event.
enum Ev<'a> {
    Start(Start<'a>),
    End,
    Text(String),
    Eof,
}

impl<'a> Events<'a> {
    fn new(body: &'a [u8], budget: Budget) -> Result<Self, ProtocolError> {
        Ok(Events {
            reader: xml_dom::reader(body)?,
            depth: 0,
            budget,
        })
    }

    fn next(&mut self) -> Result<Ev<'a>, ProtocolError> {
        loop {
            let event = self
                .reader
                .read_event()
                .map_err(|e| xml_error(format!("at byte {}: {e}", self.reader.error_position())))?;
            return Ok(match event {
                Event::Start(tag) => {
                    if self.depth >= MAX_DEPTH {
                        return Err(xml_dom::too_deep());
                    }
                    self.depth += 1;
                    Ev::Start(start(tag, false)?)
                }
                Event::Empty(tag) => Ev::Start(start(tag, true)?),
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    Ev::End
                }
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    match xml_dom::character_data(&event)? {
                        Some(text) => Ev::Text(text),
                        None => continue,
                    }
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
                Event::Eof => Ev::Eof,
            });
        }
    }

    /// Skips the rest of an element whose start was just read.
    fn skip(&mut self, start: &Start<'_>) -> Result<(), ProtocolError> {
        if start.empty {
            return Ok(());
        }
        // Raw events: nothing decoded or kept, only nesting counted.
        let mut open = 1usize;
        while open > 0 {
            let event = self
                .reader
                .read_event()
                .map_err(|e| xml_error(format!("at byte {}: {e}", self.reader.error_position())))?;
            match event {
                Event::Start(_) => {
                    if self.depth >= MAX_DEPTH {
                        return Err(xml_dom::too_deep());
                    }
                    self.depth += 1;
                    open += 1;
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    open -= 1;
                }
                Event::Eof => return Err(unclosed()),
                _ => {}
            }
        }
        Ok(())
    }

    /// The element's direct text (child elements skipped), up to its end.
    fn text(&mut self, start: &Start<'_>) -> Result<String, ProtocolError> {
        let mut text = String::new();
        if start.empty {
            return Ok(text);
        }
        loop {
            match self.next()? {
                Ev::Text(t) => text.push_str(&t),
                Ev::Start(child) => self.skip(&child)?,
                Ev::End => return Ok(text),
                Ev::Eof => return Err(unclosed()),
            }
        }
    }

    /// The root element's start; text before it must be blank.
    fn root(&mut self) -> Result<Option<Start<'a>>, ProtocolError> {
        loop {
            match self.next()? {
                Ev::Start(s) => return Ok(Some(s)),
                Ev::Text(t) if t.chars().all(char::is_whitespace) => {}
                Ev::Text(_) => return Err(xml_error("text outside the root element")),
                Ev::End => return Err(xml_error("unexpected end tag")),
                Ev::Eof => return Ok(None),
            }
        }
    }

    /// After the root: only blank text may follow.
    fn finish(&mut self) -> Result<(), ProtocolError> {
        loop {
            match self.next()? {
                Ev::Eof => return Ok(()),
                Ev::Text(t) if t.chars().all(char::is_whitespace) => {}
                Ev::Text(_) => return Err(xml_error("text outside the root element")),
                Ev::Start(_) => return Err(xml_error("more than one root element")),
                Ev::End => return Err(xml_error("unexpected end tag")),
            }
        }
    }
}

fn start(tag: BytesStart<'_>, empty: bool) -> Result<Start<'_>, ProtocolError> {
    let qualified =
        std::str::from_utf8(tag.name().into_inner()).map_err(|e| xml_error(e.to_string()))?;
    let local = qualified.len() - local_name(qualified).len();
    Ok(Start { tag, local, empty })
}

fn unclosed() -> ProtocolError {
    xml_error("unexpected end of document (unclosed element)")
}

/// Which of a member's two names a child used (the first wins).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NameRank {
    Botocore,
    Smithy,
}

impl<'m> XmlReader<'m> {
    /// A reader.
    pub(crate) fn new(model: &'m ServiceModel, _ec2: bool) -> Self {
        XmlReader {
            model,
            clashes: Default::default(),
        }
    }

    /// A query/ec2 success response: the output is the `resultWrapper` child
    /// of the root (query) or the root itself (ec2, or no wrapper).
    pub(crate) fn query_output(
        &self,
        output: ShapeId,
        op: &Operation,
        body: &[u8],
    ) -> Result<Value, ProtocolError> {
        let mut ev = Events::new(body, Budget::for_body(self.model, body.len()))?;
        let Some(root) = ev.root()? else {
            return Err(xml_error("no root element"));
        };
        let value = match &op.output_result_wrapper {
            None => self.value(&mut ev, None, output, &root, 0)?,
            Some(wrapper) => {
                let mut found = Value::Null;
                let mut seen = false;
                if !root.empty {
                    loop {
                        match ev.next()? {
                            Ev::Start(child) if !seen && child.name() == wrapper => {
                                found = self.value(&mut ev, None, output, &child, 0)?;
                                seen = true;
                            }
                            Ev::Start(child) => ev.skip(&child)?,
                            Ev::Text(_) => {}
                            Ev::End => break,
                            Ev::Eof => return Err(unclosed()),
                        }
                    }
                }
                found
            }
        };
        ev.finish()?;
        Ok(self.fix_top(output, value))
    }

    /// A whole body parsed as `shape` (rest-xml); an empty body is an empty
    /// document.
    pub(crate) fn body(&self, shape: ShapeId, body: &[u8]) -> Result<Value, ProtocolError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(self.fix_top(shape, Value::Null));
        }
        let mut ev = Events::new(body, Budget::for_body(self.model, body.len()))?;
        let Some(root) = ev.root()? else {
            return Err(xml_error("no root element"));
        };
        let value = self.value(&mut ev, None, shape, &root, 0)?;
        ev.finish()?;
        Ok(self.fix_top(shape, value))
    }

    /// An absent union stays [`Value::Null`]; any other absent structure is
    /// empty.
    fn fix_top(&self, shape: ShapeId, value: Value) -> Value {
        match value {
            Value::Null if !self.model.shape(shape).union => empty_struct(self.model, shape),
            v => v,
        }
    }

    /// The element `start` (just read) as a value of shape `id`, reached
    /// through `member`; reads up to and including its end.
    fn value(
        &self,
        ev: &mut Events<'_>,
        member: Option<&Member>,
        id: ShapeId,
        start: &Start<'_>,
        depth: usize,
    ) -> Result<Value, ProtocolError> {
        check_depth(depth)?;
        let shape = self.model.shape(id);
        match shape.kind {
            ShapeKind::Structure if shape.document => {
                let text = ev.text(start)?;
                ev.budget.charge(text.len())?;
                Ok(Value::Document(Box::new(serde_json::Value::String(text))))
            }
            ShapeKind::Structure => self.structure(ev, id, start, depth),
            ShapeKind::List | ShapeKind::Map => {
                let flattened = member.is_some_and(|m| m.flattened) || shape.flattened;
                let mut out = if shape.kind == ShapeKind::List {
                    Value::List(Vec::new())
                } else {
                    Value::Map(Vec::new())
                };
                if flattened {
                    self.item(ev, id, &mut out, start, depth)?;
                } else {
                    self.items(ev, id, &mut out, start, depth)?;
                }
                Ok(out)
            }
            _ => {
                let text = ev.text(start)?;
                // The value's own slot is its parent's; text is on the heap.
                if matches!(shape.kind, ShapeKind::String | ShapeKind::Blob) {
                    ev.budget.charge(text.len())?;
                }
                scalar::from_text(self.model, id, &text, BoolStyle::Xml)
            }
        }
    }

    /// The children of a wrapper element `start` as items of list or map
    /// `id`, appended to `out`.
    fn items(
        &self,
        ev: &mut Events<'_>,
        id: ShapeId,
        out: &mut Value,
        start: &Start<'_>,
        depth: usize,
    ) -> Result<(), ProtocolError> {
        if start.empty {
            return Ok(());
        }
        loop {
            match ev.next()? {
                Ev::Start(child) => self.item(ev, id, out, &child, depth)?,
                Ev::Text(_) => {}
                Ev::End => return Ok(()),
                Ev::Eof => return Err(unclosed()),
            }
        }
    }

    /// One element `start` as an item (list) or entry (map) of `id`.
    fn item(
        &self,
        ev: &mut Events<'_>,
        id: ShapeId,
        out: &mut Value,
        start: &Start<'_>,
        depth: usize,
    ) -> Result<(), ProtocolError> {
        let shape = self.model.shape(id);
        match out {
            Value::List(items) => {
                let item = shape
                    .member
                    .as_deref()
                    .ok_or_else(|| ProtocolError::new("list shape without member"))?;
                ev.budget.slots(1)?;
                items.push(self.value(ev, Some(item), item.target, start, depth + 1)?);
                Ok(())
            }
            Value::Map(entries) => {
                let entry = self.entry(ev, id, start, depth)?;
                ev.budget.charge(SLOT + 24 + entry.0.len())?;
                entries.push(entry);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A map entry: `key` and `value` children (or their `locationName`s).
    fn entry(
        &self,
        ev: &mut Events<'_>,
        id: ShapeId,
        start: &Start<'_>,
        depth: usize,
    ) -> Result<(String, Value), ProtocolError> {
        let shape = self.model.shape(id);
        let (Some(key), Some(value)) = (shape.key.as_deref(), shape.value.as_deref()) else {
            return Err(ProtocolError::new("map shape without key or value"));
        };
        let key_name = self.xml_name(key).unwrap_or("key");
        let value_name = self.xml_name(value).unwrap_or("value");
        let (mut k, mut v) = (None, None);
        if !start.empty {
            loop {
                match ev.next()? {
                    Ev::Start(child) if child.name() == key_name => {
                        k = Some(self.value(ev, Some(key), key.target, &child, depth + 1)?);
                    }
                    Ev::Start(child) if child.name() == value_name => {
                        v = Some(self.value(ev, Some(value), value.target, &child, depth + 1)?);
                    }
                    Ev::Start(child) => {
                        return Err(ProtocolError::new(format!(
                            "unexpected <{}> in an entry of map {}",
                            child.name(),
                            shape.name
                        )))
                    }
                    Ev::Text(_) => {}
                    Ev::End => break,
                    Ev::Eof => return Err(unclosed()),
                }
            }
        }
        match (k, v) {
            (Some(Value::String(k)), Some(v)) => Ok((k, v)),
            _ => Err(ProtocolError::new(format!(
                "an entry of map {} lacks <{key_name}> or <{value_name}>",
                shape.name
            ))),
        }
    }

    /// A structure from element `start`: children by member name, then
    /// `xmlAttribute` members from its attributes.
    fn structure(
        &self,
        ev: &mut Events<'_>,
        id: ShapeId,
        start: &Start<'_>,
        depth: usize,
    ) -> Result<Value, ProtocolError> {
        let shape = self.model.shape(id);
        ev.budget.slots(shape.members.len())?;
        let mut slots = vec![Value::Null; shape.members.len()];
        // Which name filled each slot (a child under the member's first name
        // wins over one under its second, whatever the order).
        let mut filled: Vec<Option<NameRank>> = vec![None; shape.members.len()];
        let mut union_first: Option<String> = None;
        let mut union_count = 0usize;
        if !start.empty {
            loop {
                let child = match ev.next()? {
                    Ev::Start(child) => child,
                    Ev::Text(_) => continue,
                    Ev::End => break,
                    Ev::Eof => return Err(unclosed()),
                };
                if shape.union && child.name() != "__type" {
                    match &union_first {
                        None => {
                            union_first = Some(child.name().to_owned());
                            union_count = 1;
                        }
                        Some(first) if first != child.name() => union_count = 2,
                        Some(_) => {}
                    }
                    check_union(&shape.name, union_count)?;
                }
                let Some((mut i, rank)) = self.member_for(id, child.name()) else {
                    ev.skip(&child)?;
                    continue;
                };
                let clash = rank == NameRank::Botocore && self.has_clash(id);
                if clash {
                    // Read repeated elements into the list among namesakes.
                    i = self.list_namesake(id, i, child.name());
                }
                let m = &shape.members[i];
                if is_bound_outside_body(m) || filled[i].is_some_and(|r| r < rank) {
                    ev.skip(&child)?;
                    continue;
                }
                if filled[i].is_some_and(|r| r > rank) {
                    slots[i] = Value::Null;
                }
                let target = self.model.shape(m.target);
                let collection = matches!(target.kind, ShapeKind::List | ShapeKind::Map);
                match (&mut slots[i], collection) {
                    // Another element of a collection: flattened items, or
                    // a repeated wrapper's items.
                    (slot @ (Value::List(_) | Value::Map(_)), true) => {
                        let flattened = m.flattened || target.flattened;
                        if flattened {
                            self.item(ev, m.target, slot, &child, depth + 1)?;
                        } else {
                            self.items(ev, m.target, slot, &child, depth + 1)?;
                        }
                    }
                    // A scalar or structure already read: the first wins.
                    (slot, _) if filled[i] == Some(rank) && !slot.is_null() => ev.skip(&child)?,
                    (slot, _) => *slot = self.value(ev, Some(m), m.target, &child, depth + 1)?,
                }
                filled[i] = Some(rank);
                if clash {
                    self.fill_namesakes(id, i, child.name(), &mut slots, &mut filled);
                }
            }
        }
        if shape.members.iter().any(|m| m.xml_attribute) {
            for (i, m) in shape.members.iter().enumerate() {
                if m.xml_attribute && filled[i].is_none() {
                    if let Some(text) = attribute(&start.tag, m.wire_name())? {
                        ev.budget.charge(text.len())?;
                        slots[i] = scalar::from_text(self.model, m.target, &text, BoolStyle::Xml)?;
                    }
                }
            }
        }
        if shape.union {
            // None set (`<U/>`) is as malformed as several.
            check_union(&shape.name, union_count)?;
            if let Some(first) = union_first.filter(|f| self.member_for(id, f).is_none()) {
                // A variant this model does not know: the union stays
                // empty, with the variant's name.
                return Ok(unknown_union(self.model, id, &first));
            }
        }
        Ok(Value::Struct(slots))
    }

    /// Whether two members of structure `id` are read from elements of the
    /// same name (S3's deprecated notification configurations name a
    /// scalar `Event` and a flattened `Events` list alike).
    fn has_clash(&self, id: ShapeId) -> bool {
        *self.clashes.borrow_mut().entry(id).or_insert_with(|| {
            let members = &self.model.shape(id).members;
            let mut names: Vec<&str> = members.iter().map(|m| self.key_names(m).0).collect();
            names.sort_unstable();
            names.windows(2).any(|w| w[0] == w[1])
        })
    }

    /// The shape of one element of member `m`: its own target, or its
    /// item's when it is a flattened list.
    fn element_shape(&self, m: &Member) -> ShapeId {
        let target = self.model.shape(m.target);
        match (&target.kind, target.member.as_deref()) {
            (ShapeKind::List, Some(item)) if m.flattened || target.flattened => item.target,
            _ => m.target,
        }
    }

    /// Among the members read from elements named `name` (member `i`
    /// first), a flattened list of the same elements, else `i`.
    fn list_namesake(&self, id: ShapeId, i: usize, name: &str) -> usize {
        let members = &self.model.shape(id).members;
        let element = self.element_shape(&members[i]);
        members
            .iter()
            .enumerate()
            .find(|(_, m)| {
                self.key_names(m).0 == name
                    && self.element_shape(m) == element
                    && element != m.target
            })
            .map_or(i, |(j, _)| j)
    }

    /// Gives the element just read into member `i` to the other members
    /// read from elements named `name`, as botocore fills each of them: a
    /// flattened list gets the item, an unset scalar the value.
    fn fill_namesakes(
        &self,
        id: ShapeId,
        i: usize,
        name: &str,
        slots: &mut [Value],
        filled: &mut [Option<NameRank>],
    ) {
        let members = &self.model.shape(id).members;
        let element = self.element_shape(&members[i]);
        let item = match &slots[i] {
            Value::List(items) if element != members[i].target => items.last().cloned(),
            Value::List(_) | Value::Map(_) => None,
            scalar => Some(scalar.clone()),
        };
        let Some(item) = item else {
            return;
        };
        for (j, m) in members.iter().enumerate() {
            if j == i || self.key_names(m).0 != name || self.element_shape(m) != element {
                continue;
            }
            if element != m.target {
                match &mut slots[j] {
                    Value::List(items) => items.push(item.clone()),
                    slot => *slot = Value::List(vec![item.clone()]),
                }
            } else if slots[j].is_null() {
                slots[j] = item.clone();
            }
            filled[j] = Some(NameRank::Botocore);
        }
    }

    /// The member a child element named `name` fills, and under which of
    /// its names: botocore's (a flattened list takes its member's
    /// `locationName`; a shape-level `locationName` counts) first, then
    /// Smithy's (the reference's own `locationName` or the member name).
    fn member_for(&self, id: ShapeId, name: &str) -> Option<(usize, NameRank)> {
        let members = &self.model.shape(id).members;
        let mut fallback = None;
        for (i, m) in members.iter().enumerate() {
            let (botocore, smithy) = self.key_names(m);
            if botocore == name {
                return Some((i, NameRank::Botocore));
            }
            if fallback.is_none() && smithy == name {
                fallback = Some((i, NameRank::Smithy));
            }
        }
        fallback
    }

    fn key_names<'a>(&'a self, m: &'a Member) -> (&'a str, &'a str) {
        member_element_names(self.model, m)
    }

    fn xml_name<'a>(&'a self, m: &'a Member) -> Option<&'a str> {
        xml_name(self.model, m)
    }
}

/// An attribute by qualified name; a prefixed name also matches the same
/// local name under another prefix. `xmlns` attributes are never members.
fn attribute(tag: &BytesStart<'_>, name: &str) -> Result<Option<String>, ProtocolError> {
    let mut by_local = None;
    for attr in tag.attributes() {
        let attr = attr.map_err(|e| xml_error(e.to_string()))?;
        let key = std::str::from_utf8(attr.key.as_ref()).map_err(|e| xml_error(e.to_string()))?;
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = || -> Result<String, ProtocolError> {
            Ok(attr
                .unescape_value()
                .map_err(|e| xml_error(e.to_string()))?
                .into_owned())
        };
        if key == name {
            return value().map(Some);
        }
        if by_local.is_none()
            && name.contains(':')
            && key.contains(':')
            && local_name(key) == local_name(name)
        {
            by_local = Some(value()?);
        }
    }
    Ok(by_local)
}

/// The element name of a structure member as botocore computes it (a
/// flattened list takes its member's `locationName`; a shape-level
/// `locationName` counts), and as Smithy does (the reference's own
/// `locationName` or the member name), tried when the first is absent.
pub(super) fn member_element_names<'a>(
    model: &'a ServiceModel,
    m: &'a Member,
) -> (&'a str, &'a str) {
    let smithy = m.location_name.as_deref().unwrap_or(&m.name);
    let target = model.shape(m.target);
    if target.kind == ShapeKind::List && (m.flattened || target.flattened) {
        if let Some(name) = target
            .member
            .as_deref()
            .and_then(|item| xml_name(model, item))
        {
            return (name, smithy);
        }
    }
    (xml_name(model, m).unwrap_or(&m.name), smithy)
}

/// `locationName` of a reference, or of its target shape.
pub(super) fn xml_name<'a>(model: &'a ServiceModel, m: &'a Member) -> Option<&'a str> {
    m.location_name
        .as_deref()
        .or(model.shape(m.target).location_name.as_deref())
}
