//! Waiter and paginator methods of a generated crate: `src/waiters.rs` and
//! `src/paginators.rs`, each an `impl Client` block of one-line methods
//! delegating to `myaws-waiters` and `myaws_core::paginator`.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value as Json;

use super::names::{snake_ident, type_name, xform_name};
use super::HEADER;

/// What the generator knows that the extras need.
pub struct Inputs<'a> {
    /// `service-2.json`.
    pub model: &'a Json,
    /// `paginators-1.json`, if any.
    pub paginators: Option<&'a Json>,
    /// `waiters-2.json`, if any.
    pub waiters: Option<&'a Json>,
    /// The Rust type of a shape (as the generator writes member types).
    pub rust_type: &'a dyn Fn(&str) -> String,
}

/// The generated files: path relative to the crate → contents.
pub fn files(inputs: &Inputs) -> Vec<(PathBuf, String)> {
    vec![
        (PathBuf::from("src/waiters.rs"), waiters_rs(inputs)),
        (PathBuf::from("src/paginators.rs"), paginators_rs(inputs)),
    ]
}

fn op_shape<'j>(model: &'j Json, op: &str, which: &str) -> Option<&'j str> {
    model
        .pointer(&format!("/operations/{op}/{which}/shape"))
        .and_then(Json::as_str)
}

fn op_index(model: &Json, op: &str) -> Option<usize> {
    model
        .get("operations")
        .and_then(Json::as_object)
        .and_then(|ops| ops.keys().position(|k| k == op))
}

fn waiters_rs(inputs: &Inputs) -> String {
    let mut s = String::from(HEADER);
    s.push_str(
        "//! Waiters: poll an operation until a resource is in the wanted state\n\
         //! (botocore's `waiters-2.json`, run by `myaws-waiters`).\n\n\
         pub use myaws_waiters::{\n    UnknownWaiter, WaitFuture, Waiter, WaiterConfig, WaiterError, WaiterErrorKind,\n};\n\n",
    );
    let waiters: Vec<(&String, &Json)> = inputs
        .waiters
        .and_then(|w| w.get("waiters"))
        .and_then(Json::as_object)
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    let mut names: Vec<String> = waiters.iter().map(|(n, _)| xform_name(n)).collect();
    names.sort();
    s.push_str("impl crate::Client {\n");
    let list = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        s,
        "    /// The snake_case names of this service's waiters, sorted.\n    pub fn waiter_names(&self) -> Vec<&'static str> {{\n        vec![{list}]\n    }}\n"
    );
    s.push_str(
        "    /// The waiter `name` (`snake_case` as [`Self::waiter_names`] lists, or the model's name);\n    /// an unknown name is an error listing the valid ones.\n    pub fn get_waiter(&self, name: &str) -> Result<Waiter, UnknownWaiter> {\n        myaws_waiters::get_waiter(self.handle(), name)\n    }\n",
    );
    for (name, config) in waiters {
        let Some(op) = config.get("operation").and_then(Json::as_str) else {
            continue;
        };
        let delay = config.get("delay").and_then(Json::as_f64).unwrap_or(0.0);
        let attempts = config
            .get("maxAttempts")
            .and_then(Json::as_u64)
            .unwrap_or(0);
        let method = snake_ident(op);
        let _ = writeln!(s);
        if let Some(d) = config.get("description").and_then(Json::as_str) {
            let _ = writeln!(s, "    /// {}\n    ///", d.replace('\n', " "));
        }
        let _ = writeln!(
            s,
            "    /// Waits until `{name}`: calls [`Self::{method}`] every {delay} s, at most {attempts} times\n    /// (defaults; [`Self::get_waiter`] and [`Waiter::wait_typed`] take a [`WaiterConfig`])."
        );
        let (param, value) = match op_shape(inputs.model, op, "input") {
            Some(shape) => (
                format!("input: {}", (inputs.rust_type)(shape)),
                "myaws_core::IntoValue::into_value(input)",
            ),
            None => (String::new(), "myaws_core::Value::Null"),
        };
        let _ = writeln!(
            s,
            "    pub fn wait_until_{}(&self, {param}) -> WaitFuture {{\n        myaws_waiters::wait_until(self.handle(), {name:?}, {value})\n    }}",
            xform_name(name)
        );
    }
    s.push_str("}\n");
    s
}

/// The item type of a paginator: the element of the primary result key when
/// it names a list member of the output, else a JSON document.
fn item_type(inputs: &Inputs, output: &str, config: &Json) -> String {
    let primary = match config.get("result_key") {
        Some(Json::String(k)) => Some(k.as_str()),
        Some(Json::Array(keys)) => keys.first().and_then(Json::as_str),
        _ => None,
    };
    let shapes = &inputs.model["shapes"];
    primary
        .and_then(|k| shapes[output]["members"][k]["shape"].as_str())
        .filter(|list| shapes[*list]["type"] == "list")
        .and_then(|list| shapes[list]["member"]["shape"].as_str())
        .map(|member| (inputs.rust_type)(member).replace("HashMap<", "std::collections::HashMap<"))
        .unwrap_or_else(|| "myaws_core::Document".to_string())
}

/// A typed paginator: its operation and the types of its method.
pub(super) struct TypedPaginator<'j> {
    /// The operation (`ListQueues`).
    pub op: &'j str,
    /// Its index in the model's operations.
    pub index: usize,
    /// The Rust input type.
    pub input: String,
    /// The Rust output type (a page).
    pub output: String,
    /// The Rust type of one result item.
    pub item: String,
}

/// The typed paginators of `paginators-1.json` (those whose operation has
/// an input and an output), in file order: the async client's and the
/// blocking client's are the same list.
pub(super) fn typed_paginators<'j>(inputs: &Inputs<'j>) -> Vec<TypedPaginator<'j>> {
    let Some(pagination) = inputs
        .paginators
        .and_then(|p| p.get("pagination"))
        .and_then(Json::as_object)
    else {
        return Vec::new();
    };
    pagination
        .iter()
        .filter_map(|(op, config)| {
            let index = op_index(inputs.model, op)?;
            let input = op_shape(inputs.model, op, "input")?;
            let output = op_shape(inputs.model, op, "output")?;
            Some(TypedPaginator {
                op: op.as_str(),
                index,
                input: (inputs.rust_type)(input),
                output: (inputs.rust_type)(output),
                item: item_type(inputs, output, config),
            })
        })
        .collect()
}

fn paginators_rs(inputs: &Inputs) -> String {
    let mut s = String::from(HEADER);
    s.push_str(
        "//! Paginators: every page of an operation as a stream (botocore's\n\
         //! `paginators-1.json`, run by `myaws_core::paginator`).\n\n\
         pub use myaws_core::paginator::{\n    Items, PaginationConfig, PaginationError, Pages, Paginator, TypedItems, TypedPages,\n    UnknownPaginator,\n};\n\n",
    );
    s.push_str("impl crate::Client {\n");
    s.push_str(
        "    /// The JSON paginator of `operation` (`list_things` or `ListThings`), as boto3's\n    /// `get_paginator`.\n    pub fn get_paginator(&self, operation: &str) -> Result<Paginator, UnknownPaginator> {\n        self.handle().get_paginator(operation)\n    }\n\n",
    );
    s.push_str(
        "    /// Whether `operation` has a paginator.\n    pub fn can_paginate(&self, operation: &str) -> bool {\n        self.handle().can_paginate(operation)\n    }\n",
    );
    for p in typed_paginators(inputs) {
        let method = snake_ident(p.op);
        let _ = writeln!(
            s,
            "\n    /// Every page of [`Self::{method}`] (typed pages; `.items()` streams the result items).\n    pub fn {}_paginator(&self, input: {}) -> TypedPages<{}, crate::error::{}Error, {}> {{\n        self.handle().typed_paginator({}, input)\n    }}",
            method.trim_start_matches("r#"),
            p.input,
            p.output,
            type_name(p.op),
            p.item,
            p.index,
        );
    }
    s.push_str("}\n");
    s
}
