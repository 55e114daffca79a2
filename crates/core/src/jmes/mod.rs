//! JMESPath over JSON documents, as botocore's waiters and paginators use it:
//! compiled expressions, searches that return `serde_json` values, Python's
//! notion of truthiness and equality, and `set_value_from_jmespath` for
//! dotted paths.
//!
//! The implementation is our own and follows the JMESPath specification
//! (<https://jmespath.org/specification.html>) with jmespath.py's choices
//! where the specification is silent (botocore uses jmespath.py): orderings
//! also compare two strings, and the legacy `` `foo` `` literal is the string
//! `"foo"`. It passes the whole JMESPath compliance suite
//! (`tests/vectors/jmespath/`, run by `cargo xtask jmespath-tests`).
//!
//! Where jmespath.py departs from the specification, this follows the
//! specification: a slice after an index still projects (`a[0][1:].b`),
//! every argument of `merge` must be an object, `true` does not equal `1`,
//! and unknown functions, wrong arities and slice steps of 0 are found when
//! the expression compiles.
//!
//! The pipeline, one private module per step: `lexer` → `parser` (builds
//! the `ast`, resolving function names and arities) → `eval` (with
//! `functions` and the value rules of `value`) on a `&serde_json::Value`.

mod ast;
mod error;
mod eval;
mod functions;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;
mod value;

use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

pub use error::{ErrorKind, ExprError, SearchError};

/// The deepest an expression may nest (parentheses, operators,
/// projections, function calls); a deeper one does not compile
/// ([`ErrorKind::TooDeep`]). Parsing and evaluation recurse over the
/// expression (over the document only to compare or copy values, as any use
/// of `serde_json::Value` does), so this bounds the stack they use: at the
/// limit both fit in 2 MiB (a tokio worker's stack) even in a debug build.
pub const MAX_DEPTH: usize = 256;

/// A compiled JMESPath expression (`Send + Sync`, cheap to clone).
#[derive(Clone)]
pub struct Expr {
    compiled: Arc<Compiled>,
}

struct Compiled {
    text: String,
    ast: ast::Ast,
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expr({:?})", self.as_str())
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

/// A document to run several searches on.
///
/// Searches read the document in place, so this is only a borrowed
/// reference; it remains for callers written against the `jmespath` crate,
/// which converted the document once per [`SearchData`].
#[derive(Debug, Clone, Copy)]
pub struct SearchData<'a>(&'a Json);

impl<'a> SearchData<'a> {
    /// Prepares `json` for searching.
    pub fn new(json: &'a Json) -> SearchData<'a> {
        SearchData(json)
    }
}

impl Expr {
    /// Compiles `expression`: a syntax error, an unknown function, a call
    /// with the wrong number of arguments, a slice step of 0 or nesting
    /// deeper than [`MAX_DEPTH`] is an [`ExprError`].
    pub fn compile(expression: &str) -> Result<Expr, ExprError> {
        let ast = parser::parse(expression)?;
        Ok(Expr {
            compiled: Arc::new(Compiled {
                text: expression.to_string(),
                ast,
            }),
        })
    }

    /// The expression's text.
    pub fn as_str(&self) -> &str {
        &self.compiled.text
    }

    /// Searches `json`; a runtime error (a function applied to the wrong
    /// type) yields `null`, as a missing value does.
    pub fn search(&self, json: &Json) -> Json {
        self.try_search(json).unwrap_or(Json::Null)
    }

    /// Searches a document prepared with [`SearchData::new`].
    pub fn search_in(&self, data: &SearchData<'_>) -> Json {
        self.search(data.0)
    }

    /// Searches `json`, reporting a runtime error (a function applied to
    /// the wrong type) instead of returning `null`.
    pub fn try_search(&self, json: &Json) -> Result<Json, SearchError> {
        eval::eval(&self.compiled.ast, json).map(std::borrow::Cow::into_owned)
    }
}

/// Python's truthiness of a JSON value: `null`, `false`, `0`, `""`, `[]` and
/// `{}` are false.
pub fn truthy(value: &Json) -> bool {
    match value {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
    }
}

/// Python's `==` on JSON values: numbers compare by value (`1 == 1.0`),
/// everything else structurally. This is also JMESPath's `==`.
pub fn py_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y || x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| py_eq(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => a == b,
    }
}

/// botocore's `set_value_from_jmespath`: sets `value` at a dotted path
/// (`A.B.C`), creating objects on the way and replacing non-objects.
pub fn set_value(source: &mut Json, path: &str, value: Json) {
    let mut current = source;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !current.is_object() {
            *current = Json::Object(Default::default());
        }
        let Json::Object(map) = current else {
            return;
        };
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return;
        }
        current = map
            .entry(part.to_string())
            .or_insert_with(|| Json::Object(Default::default()));
    }
}
