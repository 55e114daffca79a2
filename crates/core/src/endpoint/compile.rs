//! Compiles the `rules` of an `endpoint-rule-set-1.json` document into the
//! tree the evaluator walks.
//!
//! Names are resolved here, once: every parameter and every `assign` gets a
//! scope slot, and a reference must name a parameter or a variable assigned
//! earlier in the same rule or in an enclosing one.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::doc::Doc;

use super::path::AttrPath;
use super::template::Template;
use super::tree::{Action, Call, Condition, EndpointNode, Expr, Func, Prop, Rule};
use super::val::Val;

/// Where a node is in the document, for error messages: a chain of
/// borrowed segments, written out only when an error is reported.
#[derive(Clone, Copy, Debug)]
pub(crate) enum At<'a> {
    /// The top (`rules`).
    Root(&'a str),
    /// `parent.key`.
    Key(&'a At<'a>, &'a str),
    /// `parent[index]`.
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root(name) => f.write_str(name),
            At::Key(parent, key) => write!(f, "{parent}.{key}"),
            At::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Compilation state: name → slot, and which slots are in scope.
pub(crate) struct Compiler {
    slots: HashMap<String, usize>,
    visible: Vec<bool>,
}

impl Compiler {
    /// A compiler whose first slots are the parameters, in order.
    pub(crate) fn new<'n>(params: impl IntoIterator<Item = &'n str>) -> Compiler {
        let mut c = Compiler {
            slots: HashMap::new(),
            visible: Vec::new(),
        };
        for name in params {
            let slot = c.slot_for(name);
            c.visible[slot] = true;
        }
        c
    }

    /// How many scope slots evaluation needs.
    pub(crate) fn slot_count(&self) -> usize {
        self.visible.len()
    }

    fn slot_for(&mut self, name: &str) -> usize {
        if let Some(&slot) = self.slots.get(name) {
            return slot;
        }
        let slot = self.visible.len();
        self.slots.insert(name.to_string(), slot);
        self.visible.push(false);
        slot
    }

    fn visible_slot(&self, name: &str) -> Result<usize, String> {
        match self.slots.get(name) {
            Some(&slot) if self.visible[slot] => Ok(slot),
            _ => Err(format!("reference to undefined variable `{name}`")),
        }
    }

    /// Compiles a list of rules at `at` (a location for error messages).
    pub(crate) fn rules(&mut self, json: &Doc<'_>, at: &At<'_>) -> Result<Vec<Rule>, String> {
        let list = json
            .as_array()
            .ok_or_else(|| format!("{at}: expected an array of rules"))?;
        list.iter()
            .enumerate()
            .map(|(i, r)| self.rule(r, &at.index(i)))
            .collect()
    }

    fn rule(&mut self, json: &Doc<'_>, at: &At<'_>) -> Result<Rule, String> {
        if json.as_object().is_none() {
            return Err(format!("{at}: a rule must be an object"));
        }
        let obj = json;
        let mut conditions = Vec::new();
        let mut assigned = Vec::new();
        let result = (|| {
            if let Some(list) = obj.get("conditions") {
                let list = list
                    .as_array()
                    .ok_or_else(|| format!("{at}.conditions: expected an array"))?;
                for (i, c) in list.iter().enumerate() {
                    let cond = self.condition(c, &at.key("conditions").index(i))?;
                    assigned.extend(cond.assign);
                    conditions.push(cond);
                }
            }
            let kind = obj.get("type").and_then(Doc::as_str).unwrap_or_default();
            let field = |name: &str| {
                obj.get(name)
                    .ok_or_else(|| format!("{at}: a `{kind}` rule needs `{name}`"))
            };
            let action = match kind {
                "endpoint" => Action::Endpoint(Box::new(
                    self.endpoint(field("endpoint")?, &at.key("endpoint"))?,
                )),
                "error" => Action::Error(self.expr(field("error")?, &at.key("error"))?),
                "tree" => Action::Tree(self.rules(field("rules")?, &at.key("rules"))?),
                other => {
                    return Err(format!(
                        "{at}: unknown rule type `{other}` (expected endpoint, error or tree)"
                    ))
                }
            };
            Ok(action)
        })();
        // The rule's variables go out of scope whatever happened.
        for slot in assigned {
            self.visible[slot] = false;
        }
        Ok(Rule {
            conditions,
            action: result?,
        })
    }

    fn condition(&mut self, json: &Doc<'_>, at: &At<'_>) -> Result<Condition, String> {
        if json.get("fn").is_none() {
            return Err(format!("{at}: a condition must be a function call"));
        }
        let expr = self.expr(json, at)?;
        let assign = match json.get("assign") {
            None => None,
            Some(Doc::String(name)) => {
                if self.visible_slot(name).is_ok() {
                    return Err(format!(
                        "{at}: `{name}` is already defined and cannot be assigned again"
                    ));
                }
                let slot = self.slot_for(name);
                self.visible[slot] = true;
                Some(slot)
            }
            Some(_) => return Err(format!("{at}.assign: expected a string")),
        };
        Ok(Condition { expr, assign })
    }

    fn expr(&mut self, json: &Doc<'_>, at: &At<'_>) -> Result<Expr, String> {
        match json {
            Doc::String(s) => self.template(s, at).map(|t| match t.as_literal() {
                Some(text) => Expr::Lit(Val::Str(text.to_string())),
                None => Expr::Template(t),
            }),
            Doc::Bool(b) => Ok(Expr::Lit(Val::Bool(*b))),
            Doc::Number(n) => n
                .as_i64()
                .map(|i| Expr::Lit(Val::Int(i)))
                .ok_or_else(|| format!("{at}: only integer numbers are supported, got {n}")),
            Doc::Object(_) => {
                if let Some(name) = json.get("ref") {
                    let name = name
                        .as_str()
                        .ok_or_else(|| format!("{at}.ref: expected a string"))?;
                    return self
                        .visible_slot(name)
                        .map(Expr::Ref)
                        .map_err(|e| format!("{at}: {e}"));
                }
                let Some(name) = json.get("fn") else {
                    return Err(format!("{at}: expected a `ref` or `fn` object"));
                };
                let name = name
                    .as_str()
                    .ok_or_else(|| format!("{at}.fn: expected a string"))?;
                let argv = match json.get("argv") {
                    Some(Doc::Array(a)) => a.as_slice(),
                    _ => return Err(format!("{at}: `{name}` needs an `argv` array")),
                };
                self.call(name, argv, at)
            }
            Doc::Null | Doc::Array(_) => Err(format!("{at}: unsupported expression {json}")),
        }
    }

    fn call(&mut self, name: &str, argv: &[Doc<'_>], at: &At<'_>) -> Result<Expr, String> {
        let arity_error =
            |want: &str| format!("{at}: `{name}` takes {want} arguments, got {}", argv.len());
        if name == "getAttr" {
            let [target, path] = argv else {
                return Err(arity_error("2"));
            };
            let path = path
                .as_str()
                .ok_or_else(|| format!("{at}: the `getAttr` path must be a string literal"))?;
            let path = AttrPath::parse(path).map_err(|e| format!("{at}: {e}"))?;
            let target = self.expr(target, &at.key("argv").index(0))?;
            return Ok(Expr::GetAttr(Box::new(target), path));
        }
        let (func, arity) =
            Func::by_name(name).ok_or_else(|| format!("{at}: unknown function `{name}`"))?;
        match arity {
            Some(n) if argv.len() != n => return Err(arity_error(&n.to_string())),
            None if argv.len() < 2 => return Err(arity_error("at least 2")),
            _ => {}
        }
        let args = argv
            .iter()
            .enumerate()
            .map(|(i, a)| self.expr(a, &at.key("argv").index(i)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Expr::Call(Box::new(Call { func, args })))
    }

    fn template(&self, text: &str, at: &At<'_>) -> Result<Template, String> {
        Template::parse(text, &mut |name| self.visible_slot(name)).map_err(|e| format!("{at}: {e}"))
    }

    fn endpoint(&mut self, json: &Doc<'_>, at: &At<'_>) -> Result<EndpointNode, String> {
        let url = json
            .get("url")
            .ok_or_else(|| format!("{at}: an endpoint needs a `url`"))?;
        let url = self.expr(url, &at.key("url"))?;
        let mut headers = Vec::new();
        if let Some(map) = json.get("headers") {
            let map = map
                .as_object()
                .ok_or_else(|| format!("{at}.headers: expected an object"))?;
            for (name, values) in map {
                let values = values
                    .as_array()
                    .ok_or_else(|| format!("{at}.headers.{name}: expected an array"))?;
                let exprs = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.expr(v, &at.key("headers").key(name).index(i)))
                    .collect::<Result<Vec<_>, _>>()?;
                headers.push((name.to_string(), exprs));
            }
        }
        let mut properties = Vec::new();
        if let Some(map) = json.get("properties") {
            let map = map
                .as_object()
                .ok_or_else(|| format!("{at}.properties: expected an object"))?;
            for (name, value) in map {
                properties.push((
                    name.to_string(),
                    self.prop(value, &at.key("properties").key(name))?,
                ));
            }
        }
        Ok(EndpointNode {
            url,
            headers,
            properties,
        })
    }

    fn prop(&self, json: &Doc<'_>, at: &At<'_>) -> Result<Prop, String> {
        Ok(match json {
            Doc::String(s) => {
                let t = self.template(s, at)?;
                match t.as_literal() {
                    Some(text) => Prop::Json(Json::String(text.to_string())),
                    None => Prop::Template(t),
                }
            }
            Doc::Array(items) => {
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.prop(v, &at.index(i)))
                    .collect::<Result<Vec<_>, _>>()?;
                match items.iter().map(literal).collect::<Option<Vec<_>>>() {
                    Some(all) => Prop::Json(Json::Array(all)),
                    None => Prop::Array(items),
                }
            }
            Doc::Object(map) => {
                let fields = map
                    .iter()
                    .map(|(k, v)| Ok((k.to_string(), self.prop(v, &at.key(k))?)))
                    .collect::<Result<Vec<_>, String>>()?;
                let all = fields
                    .iter()
                    .map(|(k, p)| Some((k.clone(), literal(p)?)))
                    .collect::<Option<Map<_, _>>>();
                match all {
                    Some(all) => Prop::Json(Json::Object(all)),
                    None => Prop::Object(fields),
                }
            }
            other => Prop::Json(other.to_json()),
        })
    }
}

/// The JSON of a property without templates.
fn literal(p: &Prop) -> Option<Json> {
    match p {
        Prop::Json(j) => Some(j.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(rules: Json) -> Result<(Vec<Rule>, usize), String> {
        let mut c = Compiler::new(["Region", "Bucket"]);
        let text = rules.to_string();
        let r = c.rules(&Doc::parse(&text).unwrap(), &At::Root("rules"))?;
        Ok((r, c.slot_count()))
    }

    #[test]
    fn compiles_conditions_assignments_and_templates() {
        let (rules, slots) = compile(json!([{
            "type": "endpoint",
            "conditions": [
                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"},
                {"fn": "getAttr", "argv": [{"ref": "p"}, "name"]}
            ],
            "endpoint": {"url": "https://{Region}.{p#dnsSuffix}", "properties": {"a": ["x", "{Region}"], "b": {"c": true}}}
        }]))
        .unwrap();
        assert_eq!(slots, 3);
        let rule = &rules[0];
        assert_eq!(rule.conditions[0].assign, Some(2));
        assert!(matches!(rule.conditions[1].expr, Expr::GetAttr(_, _)));
        let Action::Endpoint(e) = &rule.action else {
            panic!("not an endpoint")
        };
        assert!(matches!(e.url, Expr::Template(_)));
        assert!(matches!(e.properties[0].1, Prop::Array(_)));
        assert_eq!(e.properties[1].1, Prop::Json(json!({"c": true})));
    }

    #[test]
    fn variables_are_scoped_to_their_rule() {
        let err = compile(json!([
            {"type": "error", "conditions": [{"fn": "parseURL", "argv": ["{Bucket}"], "assign": "u"}], "error": "x"},
            {"type": "error", "conditions": [], "error": "{u#path}"}
        ]))
        .unwrap_err();
        assert!(err.contains("undefined variable `u`"), "{err}");
        // Siblings may reuse a name.
        compile(json!([
            {"type": "error", "conditions": [{"fn": "parseURL", "argv": ["{Bucket}"], "assign": "u"}], "error": "{u#path}"},
            {"type": "error", "conditions": [{"fn": "parseURL", "argv": ["{Region}"], "assign": "u"}], "error": "{u#path}"}
        ]))
        .unwrap();
    }

    #[test]
    fn rejects_bad_rules() {
        let cases = [
            (
                json!([{"type": "error", "conditions": [{"fn": "nope", "argv": []}], "error": "x"}]),
                "unknown function",
            ),
            (
                json!([{"type": "error", "conditions": [{"fn": "isSet", "argv": []}], "error": "x"}]),
                "takes 1",
            ),
            (
                json!([{"type": "error", "conditions": [{"fn": "coalesce", "argv": ["a"]}], "error": "x"}]),
                "at least 2",
            ),
            (
                json!([{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "Nope"}]}], "error": "x"}]),
                "undefined",
            ),
            (
                json!([{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}], "assign": "Bucket"}], "error": "x"}]),
                "already defined",
            ),
            (
                json!([{"type": "error", "conditions": [{"fn": "getAttr", "argv": [{"ref": "Region"}, {"ref": "Bucket"}]}], "error": "x"}]),
                "string literal",
            ),
            (
                json!([{"type": "bogus", "conditions": []}]),
                "unknown rule type",
            ),
            (
                json!([{"type": "endpoint", "conditions": []}]),
                "needs `endpoint`",
            ),
            (
                json!([{"type": "error", "conditions": [{"ref": "Region"}], "error": "x"}]),
                "function call",
            ),
            (
                json!([{"type": "error", "conditions": [], "error": 1.5}]),
                "integer",
            ),
            (json!({"not": "a list"}), "array of rules"),
        ];
        for (rules, want) in cases {
            let err = compile(rules.clone()).unwrap_err();
            assert!(err.contains(want), "{rules}: {err}");
        }
    }
}
