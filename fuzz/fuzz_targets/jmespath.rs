//! Arbitrary JMESPath expressions: compiling and searching a fixed document
//! must give a result or an error, never a panic or unbounded recursion.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use myaws_core::jmes::Expr;

fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::json!({
            "a": {"b": [1, 2.5, "c", null, true, {"d": [[1, 2], [3]]}]},
            "Reservations": [{"Instances": [{"State": {"Name": "running"}, "Tags": []}]}],
            "s": "hello", "n": -3, "e": [], "o": {}
        })
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(expr) = Expr::compile(text) {
            let _ = expr.search(document());
        }
    }
});
