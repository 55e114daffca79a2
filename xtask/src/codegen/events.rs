//! Event streams in generated crates: each `eventstream` union becomes an
//! enum with one variant per event member and an `Unknown` fallback, with
//! the small impls the core's generic machinery needs (`FromValue` and
//! `EventUnion` when received, `IntoValue` when sent); its exception
//! members become an error enum in `error.rs`. Members targeting a union
//! are `EventReceiver<Union>` in outputs and `EventStreamInput<Union>` in
//! inputs.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde_json::Value as Json;

use super::docs::{doc_comment, html_to_markdown};
use super::names::{dedupe, type_name};

/// True for an event-stream union shape.
pub fn is_event_stream(shape: &Json) -> bool {
    shape.get("eventstream").is_some_and(|v| v == true)
}

/// True for an exception shape.
pub fn is_exception(shape: &Json) -> bool {
    shape.get("exception").is_some_and(|v| v == true)
}

/// The Rust type of a member targeting the event-stream union `union` in
/// a structure used as an input (`input`) or an output.
pub fn member_type(union: &str, input: bool) -> String {
    if input {
        format!("myaws_core::eventstream::EventStreamInput<crate::types::{union}>")
    } else {
        format!("myaws_core::eventstream::EventReceiver<crate::types::{union}>")
    }
}

/// The name of the error type of union type `union` in `error.rs`.
pub fn error_type(union: &str) -> String {
    format!("{union}Error")
}

/// One event member of a union.
struct Variant<'a> {
    variant: String,
    target: &'a str,
    index: usize,
    doc: Vec<String>,
}

/// The event enum of union `name` (Rust name `tname`), with `FromValue` +
/// `EventUnion` when `output` and `IntoValue` when `input`.
pub fn union_enum(
    s: &mut String,
    tname: &str,
    shape: &Json,
    shapes: &serde_json::Map<String, Json>,
    type_of: &dyn Fn(&str) -> String,
    (input, output): (bool, bool),
) {
    let members = shape
        .get("members")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let total = members.len();
    let mut used: HashSet<String> = ["Unknown".to_string()].into();
    let mut variants = Vec::new();
    for (index, (member, r)) in members.iter().enumerate() {
        let target = r.get("shape").and_then(Json::as_str).unwrap_or("");
        let target_shape = shapes.get(target).unwrap_or(&Json::Null);
        if is_exception(target_shape) {
            continue;
        }
        let mut doc = html_to_markdown(
            r.get("documentation")
                .or_else(|| target_shape.get("documentation"))
                .and_then(Json::as_str)
                .unwrap_or(""),
        );
        if doc.is_empty() {
            doc.push(format!("The `{member}` event."));
        }
        variants.push(Variant {
            variant: dedupe(type_name(member), &mut used),
            target,
            index,
            doc,
        });
    }

    s.push('\n');
    let mut doc = html_to_markdown(
        shape
            .get("documentation")
            .and_then(Json::as_str)
            .unwrap_or(""),
    );
    if doc.is_empty() {
        doc.push(format!("The events of the `{tname}` event stream."));
    }
    doc.push(String::new());
    let mut how = String::from(
        "An event stream: one variant per event, `Unknown` for event types this version of the \
         model does not know.",
    );
    if output {
        let _ = write!(
            how,
            " Received through [`EventReceiver<{tname}>`](myaws_core::eventstream::EventReceiver); \
             modeled exception events end it with [`{}`](crate::error::{}).",
            error_type(tname),
            error_type(tname)
        );
    }
    if input {
        let _ = write!(
            how,
            " Sent as [`EventStreamInput<{tname}>`](myaws_core::eventstream::EventStreamInput)."
        );
    }
    doc.push(how);
    s.push_str(&doc_comment(&doc, ""));
    s.push_str("#[derive(Clone, Debug, PartialEq)]\n#[non_exhaustive]\n");
    let _ = writeln!(s, "pub enum {tname} {{");
    for v in &variants {
        s.push_str(&doc_comment(&v.doc, "    "));
        let _ = writeln!(s, "    {}({}),", v.variant, type_of(v.target));
    }
    s.push_str(
        "    /// An event this version of the model does not know (it cannot be sent).\n    \
         Unknown {\n        /// Its `:event-type`.\n        event_type: String,\n    },\n}\n",
    );

    if output {
        let _ = writeln!(
            s,
            "\nimpl FromValue for {tname} {{\n    fn from_value(value: Value) -> Result<Self, ConversionError> {{\n        let (member, value) = myaws_core::eventstream::union_member(value)?;\n        Ok(match member {{"
        );
        for v in &variants {
            let _ = writeln!(
                s,
                "            {} => Self::{}(FromValue::from_value(value)?),",
                v.index, v.variant
            );
        }
        let _ = writeln!(
            s,
            "            _ => return Err(myaws_core::eventstream::not_an_event({tname:?}, member)),\n        }})\n    }}\n}}"
        );
        let _ = writeln!(
            s,
            "\nimpl myaws_core::eventstream::EventUnion for {tname} {{\n    type Error = crate::error::{};\n\n    fn unknown(event_type: String) -> Self {{\n        Self::Unknown {{ event_type }}\n    }}\n}}",
            error_type(tname)
        );
    }
    if input {
        let _ = writeln!(
            s,
            "\nimpl IntoValue for {tname} {{\n    fn into_value(self) -> Value {{\n        match self {{"
        );
        for v in &variants {
            let _ = writeln!(
                s,
                "            Self::{}(v) => myaws_core::eventstream::union_value({total}, {}, v.into_value()),",
                v.variant, v.index
            );
        }
        s.push_str("            Self::Unknown { .. } => Value::Null,\n        }\n    }\n}\n");
    }
}

/// The exception members' shape names of union `shape`, sorted.
pub fn exceptions<'a>(shape: &'a Json, shapes: &'a serde_json::Map<String, Json>) -> Vec<&'a str> {
    let mut out: Vec<&str> = shape
        .get("members")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, r)| r.get("shape").and_then(Json::as_str))
        .filter(|t| shapes.get(*t).is_some_and(is_exception))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
