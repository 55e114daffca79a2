//! The blocking client of a generated crate (`src/blocking.rs`, cargo
//! feature `blocking`): one line per operation and per typed paginator,
//! expanded by myaws-core's `blocking_client!`, `blocking_client_methods!`
//! and `blocking_paginator_methods!` macros into methods mirroring the async
//! client's names, arguments and return types.

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::extras::{typed_paginators, Inputs};
use super::names::{snake_ident, type_name};
use super::HEADER;

/// What the blocking client needs beyond the extras' inputs.
pub struct Blocking<'a> {
    /// The model, paginators and member types.
    pub inputs: &'a Inputs<'a>,
    /// The service's full name, for the client's doc comment.
    pub full_name: &'a str,
    /// The input type (`None`: none) and output type of an operation's
    /// method, as the async client has them.
    pub op_types: &'a dyn Fn(&str) -> (Option<String>, String),
}

/// `src/blocking.rs`.
pub fn blocking_rs(b: &Blocking) -> String {
    let inputs = b.inputs;
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
        let (input, output) = (b.op_types)(op);
        let input = input.unwrap_or_default();
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
    let mut paginators = String::new();
    // The same paginators as `paginators.rs` has.
    for p in typed_paginators(inputs) {
        let _ = writeln!(
            paginators,
            "        {}_paginator({}) -> {}, crate::error::{}Error, {};",
            snake_ident(p.op).trim_start_matches("r#"),
            p.input,
            p.output,
            type_name(p.op),
            p.item,
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
        let inputs = Inputs {
            model: &model,
            paginators: Some(&paginators),
            waiters: None,
            rust_type: &|shape| match shape {
                "Name" => "String".to_string(),
                other => format!("crate::types::{other}"),
            },
        };
        let text = blocking_rs(&Blocking {
            inputs: &inputs,
            full_name: "Thing \"Service\"",
            op_types: &|op| match op {
                "ListThings" => (
                    Some("crate::types::ListThingsRequest".into()),
                    "crate::types::ListThingsResult".into(),
                ),
                "Ping" => (None, "crate::types::PingOutput".into()),
                _ => (Some("crate::types::OldThingRequest".into()), "()".into()),
            },
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
        let inputs = Inputs {
            model: &model,
            paginators: None,
            waiters: None,
            rust_type: &|shape| shape.to_string(),
        };
        let text = blocking_rs(&Blocking {
            inputs: &inputs,
            full_name: "S",
            op_types: &|_| (None, "()".into()),
        });
        assert!(text.contains("        ping() -> (), crate::error::PingError;\n"));
        assert!(!text.contains("blocking_paginator_methods"));
    }
}
