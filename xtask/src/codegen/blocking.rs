//! The blocking client of a generated crate (`src/blocking.rs`, cargo
//! feature `blocking`): one line per operation and per typed paginator,
//! expanded by myaws-core's `blocking_client!`, `blocking_client_methods!`
//! and `blocking_paginator_methods!` macros into methods mirroring the async
//! client's names, arguments and return types.

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::extras::{item_type, op_index, op_shape, Inputs};
use super::names::{snake_ident, type_name};
use super::HEADER;

/// What the blocking client needs beyond the extras' inputs.
pub struct Blocking<'a> {
    /// The model, paginators and member types.
    pub inputs: Inputs<'a>,
    /// The service's full name, for the client's doc comment.
    pub full_name: &'a str,
    /// The generated output type of an operation the model gives no output
    /// (`None`: the operation returns `()`).
    pub empty_output: &'a dyn Fn(&str) -> Option<String>,
}

/// `src/blocking.rs`.
pub fn blocking_rs(b: &Blocking) -> String {
    let inputs = &b.inputs;
    let model = inputs.model;
    let mut s = String::from(HEADER);
    s.push_str(
        "//! The blocking client (cargo feature `blocking`): [`Client`] has every\n\
         //! operation of [`crate::Client`], synchronous, for programs without an async\n\
         //! runtime; see [`myaws_core::blocking`].\n\n\
         pub use myaws_core::blocking::{BlockingError, BlockingIter};\n\n",
    );
    let _ = writeln!(
        s,
        "myaws_core::blocking_client!(crate::Client, {:?});\n",
        b.full_name
    );
    s.push_str("impl Client {\n    myaws_core::blocking_client_methods! {\n");
    let operations = model
        .get("operations")
        .and_then(Json::as_object)
        .into_iter()
        .flatten();
    for (op, def) in operations {
        let output = match op_shape(model, op, "output") {
            Some(o) => (inputs.rust_type)(o),
            None => (b.empty_output)(op)
                .map(|name| format!("crate::types::{name}"))
                .unwrap_or_else(|| "()".to_string()),
        };
        let input = op_shape(model, op, "input")
            .map(|i| (inputs.rust_type)(i))
            .unwrap_or_default();
        let deprecated = if def.get("deprecated").is_some_and(|d| d == true) {
            "#[deprecated] "
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "        {deprecated}{}({input}) -> {output}, crate::error::{}Error;",
            snake_ident(op),
            type_name(op)
        );
    }
    s.push_str("    }\n");
    let pagination: Vec<(&String, &Json)> = inputs
        .paginators
        .and_then(|p| p.get("pagination"))
        .and_then(Json::as_object)
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    let mut paginators = String::new();
    for (op, config) in pagination {
        // The same paginators as `paginators.rs` has.
        let (Some(_), Some(input), Some(output)) = (
            op_index(model, op),
            op_shape(model, op, "input"),
            op_shape(model, op, "output"),
        ) else {
            continue;
        };
        let _ = writeln!(
            paginators,
            "        {}_paginator({}) -> {}, crate::error::{}Error, {};",
            snake_ident(op).trim_start_matches("r#"),
            (inputs.rust_type)(input),
            (inputs.rust_type)(output),
            type_name(op),
            item_type(inputs, output, config),
        );
    }
    if !paginators.is_empty() {
        let _ = write!(
            s,
            "\n    myaws_core::blocking_paginator_methods! {{\n{paginators}    }}\n"
        );
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_line_per_operation_and_paginator() {
        let model = json!({
            "operations": {
                "ListThings": {
                    "input": {"shape": "ListThingsRequest"},
                    "output": {"shape": "ListThingsResult"}
                },
                "Ping": {},
                "OldThing": {"input": {"shape": "OldThingRequest"}, "deprecated": true}
            },
            "shapes": {
                "ListThingsRequest": {"type": "structure", "members": {}},
                "ListThingsResult": {"type": "structure", "members": {
                    "Things": {"shape": "Things"}
                }},
                "Things": {"type": "list", "member": {"shape": "Name"}},
                "Name": {"type": "string"},
                "OldThingRequest": {"type": "structure", "members": {}}
            }
        });
        let paginators = json!({"pagination": {"ListThings": {
            "input_token": "NextToken", "output_token": "NextToken", "result_key": "Things"
        }}});
        let text = blocking_rs(&Blocking {
            inputs: Inputs {
                model: &model,
                paginators: Some(&paginators),
                waiters: None,
                rust_type: &|shape| match shape {
                    "Name" => "String".to_string(),
                    other => format!("crate::types::{other}"),
                },
            },
            full_name: "Thing \"Service\"",
            empty_output: &|op| (op == "Ping").then(|| "PingOutput".to_string()),
        });
        assert!(text.starts_with(HEADER));
        assert!(
            text.contains(r#"myaws_core::blocking_client!(crate::Client, "Thing \"Service\"");"#)
        );
        assert!(text.contains("        list_things(crate::types::ListThingsRequest) -> crate::types::ListThingsResult, crate::error::ListThingsError;\n"));
        assert!(
            text.contains("        ping() -> crate::types::PingOutput, crate::error::PingError;\n")
        );
        assert!(text.contains("        #[deprecated] old_thing(crate::types::OldThingRequest) -> (), crate::error::OldThingError;\n"));
        assert!(text.contains("    myaws_core::blocking_paginator_methods! {\n        list_things_paginator(crate::types::ListThingsRequest) -> crate::types::ListThingsResult, crate::error::ListThingsError, String;\n    }\n"));
    }

    #[test]
    fn no_paginator_block_without_paginators() {
        let model = json!({"operations": {"Ping": {}}, "shapes": {}});
        let text = blocking_rs(&Blocking {
            inputs: Inputs {
                model: &model,
                paginators: None,
                waiters: None,
                rust_type: &|shape| shape.to_string(),
            },
            full_name: "S",
            empty_output: &|_| None,
        });
        assert!(text.contains("        ping() -> (), crate::error::PingError;\n"));
        assert!(!text.contains("blocking_paginator_methods"));
    }
}
