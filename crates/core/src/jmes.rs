//! JMESPath over JSON documents, as botocore's waiters and paginators use it:
//! compiled expressions, searches that return `serde_json` values, Python's
//! notion of truthiness and equality, and `set_value_from_jmespath` for
//! dotted paths.

use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

/// A compiled JMESPath expression (`Send + Sync`, cheap to clone).
#[derive(Clone)]
pub struct Expr {
    compiled: Arc<jmespath::Expression<'static>>,
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

/// An expression that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// The expression.
    pub expression: String,
    /// The parser's message.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid JMESPath expression {:?}: {}",
            self.expression, self.message
        )
    }
}

impl std::error::Error for ExprError {}

/// A JSON document converted once for several searches.
pub struct SearchData(jmespath::Rcvar);

impl SearchData {
    /// Converts `json` for searching.
    pub fn new(json: &Json) -> SearchData {
        let var = jmespath::Variable::try_from(json).unwrap_or(jmespath::Variable::Null);
        SearchData(Arc::new(var))
    }
}

impl Expr {
    /// Compiles `expression`.
    pub fn compile(expression: &str) -> Result<Expr, ExprError> {
        jmespath::compile(expression)
            .map(|c| Expr {
                compiled: Arc::new(c),
            })
            .map_err(|e| ExprError {
                expression: expression.to_string(),
                message: e.to_string(),
            })
    }

    /// The expression's text.
    pub fn as_str(&self) -> &str {
        self.compiled.as_str()
    }

    /// Searches `json`; a runtime error (a function applied to the wrong
    /// type) yields `null`, as a missing value does.
    pub fn search(&self, json: &Json) -> Json {
        self.search_in(&SearchData::new(json))
    }

    /// Searches a document converted with [`SearchData::new`].
    pub fn search_in(&self, data: &SearchData) -> Json {
        match self.compiled.search(data.0.clone()) {
            Ok(found) => serde_json::to_value(&*found).unwrap_or(Json::Null),
            Err(_) => Json::Null,
        }
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
/// everything else structurally.
pub fn py_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn searches_and_falls_back() {
        let doc = json!({"NextMarker": null, "Contents": [{"Key": "a"}, {"Key": "b"}]});
        let e = Expr::compile("NextMarker || Contents[-1].Key").unwrap();
        assert_eq!(e.search(&doc), json!("b"));
        let doc = json!({"NextMarker": "m", "Contents": [{"Key": "a"}]});
        assert_eq!(e.search(&doc), json!("m"));
        assert_eq!(e.as_str(), "NextMarker || Contents[-1].Key");
        // A type error at run time is null, not a failure.
        let e = Expr::compile("length(Missing)").unwrap();
        assert_eq!(e.search(&doc), Json::Null);
        let err = Expr::compile("Contents[").unwrap_err();
        assert!(err.to_string().contains("Contents["), "{err}");
    }

    #[test]
    fn python_truthiness_and_equality() {
        for v in [
            json!(null),
            json!(false),
            json!(0),
            json!(""),
            json!([]),
            json!({}),
        ] {
            assert!(!truthy(&v), "{v}");
        }
        for v in [
            json!(true),
            json!(1),
            json!("x"),
            json!([0]),
            json!({"a": 1}),
        ] {
            assert!(truthy(&v), "{v}");
        }
        assert!(py_eq(&json!(1), &json!(1.0)));
        assert!(py_eq(&json!({"a": [1]}), &json!({"a": [1.0]})));
        assert!(!py_eq(&json!("1"), &json!(1)));
        assert!(!py_eq(&json!([1, 2]), &json!([1])));
    }

    #[test]
    fn sets_dotted_paths() {
        let mut doc = json!({"A": {"B": 1}, "X": 3});
        set_value(&mut doc, "A.C", json!([1]));
        set_value(&mut doc, "X.Y", json!("z"));
        set_value(&mut doc, "New.Deep.Key", json!(true));
        assert_eq!(
            doc,
            json!({"A": {"B": 1, "C": [1]}, "X": {"Y": "z"}, "New": {"Deep": {"Key": true}}})
        );
        let mut scalar = json!(5);
        set_value(&mut scalar, "K", json!(1));
        assert_eq!(scalar, json!({"K": 1}));
    }
}
