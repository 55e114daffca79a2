//! Evaluation of a compiled rule tree against a scope of values.
//!
//! The scope is a vector with one slot per parameter and per assigned
//! variable. The rules language gives each rule its own copy of the scope;
//! here one vector is shared and never copied or cleared. That is
//! equivalent because the compiler only lets an expression read a variable
//! assigned earlier on its own path (by an enclosing rule or an earlier
//! condition of the same rule), and on that path the assignment has just
//! been made: a stale value left by a failed sibling is always overwritten
//! before it can be read.

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use super::functions;
use super::partitions::Partitions;
use super::resolved::Endpoint;
use super::tree::{Action, Call, Condition, EndpointNode, Expr, Func, Prop, Rule};
use super::url::parse_url;
use super::val::{type_name_of, Val};
use super::EndpointError;

/// An evaluated argument: borrowed from the rule set or the scope when
/// possible, `None` when unset.
type Arg<'a> = Option<Cow<'a, Val>>;

/// The most arguments a fixed-arity function takes (`substring`).
const MAX_ARGS: usize = 4;

/// Evaluation context.
pub(crate) struct Evaluator<'r> {
    pub partitions: &'r Partitions,
}

impl<'r> Evaluator<'r> {
    /// Evaluates `rules` in order; the first endpoint or error rule whose
    /// conditions hold decides. `Ok(None)` when no rule applies.
    pub(crate) fn rules(
        &self,
        rules: &'r [Rule],
        scope: &mut [Option<Val>],
    ) -> Result<Option<Endpoint>, EndpointError> {
        for rule in rules {
            if let Some(endpoint) = self.rule(rule, scope)? {
                return Ok(Some(endpoint));
            }
        }
        Ok(None)
    }

    fn rule(
        &self,
        rule: &'r Rule,
        scope: &mut [Option<Val>],
    ) -> Result<Option<Endpoint>, EndpointError> {
        for cond in &rule.conditions {
            if !self.condition(cond, scope)? {
                return Ok(None);
            }
        }
        match &rule.action {
            Action::Endpoint(node) => self.endpoint(node, scope).map(Some),
            Action::Error(message) => {
                let message = self.string(message, scope, "an error message")?;
                Err(EndpointError::rule(message))
            }
            Action::Tree(children) => self.rules(children, scope),
        }
    }

    /// Evaluates a condition: true when the result is set and not `false`.
    fn condition(
        &self,
        cond: &'r Condition,
        scope: &mut [Option<Val>],
    ) -> Result<bool, EndpointError> {
        if cond.assign.is_none() {
            if let Some(holds) = quick_test(&cond.expr, scope) {
                return Ok(holds);
            }
        }
        let value = self.expr(&cond.expr, scope)?;
        let holds = !matches!(value.as_deref(), None | Some(Val::Bool(false)));
        if holds {
            if let Some(slot) = cond.assign {
                let owned = value.map(Cow::into_owned);
                scope[slot] = owned;
            }
        }
        Ok(holds)
    }

    fn expr<'a>(&self, expr: &'a Expr, scope: &'a [Option<Val>]) -> Result<Arg<'a>, EndpointError> {
        Ok(match expr {
            Expr::Lit(v) => Some(Cow::Borrowed(v)),
            Expr::Ref(slot) => scope[*slot].as_ref().map(Cow::Borrowed),
            Expr::Template(t) => Some(Cow::Owned(Val::Str(
                t.render_string(scope).map_err(EndpointError::evaluation)?,
            ))),
            Expr::GetAttr(target, path) => match self.expr(target, scope)? {
                None => None,
                Some(Cow::Borrowed(v)) => path.get(v).map(Cow::Borrowed),
                Some(Cow::Owned(v)) => path.get(&v).cloned().map(Cow::Owned),
            },
            Expr::Call(call) => self.call(call, scope)?,
        })
    }

    fn call<'a>(&self, call: &'a Call, scope: &'a [Option<Val>]) -> Result<Arg<'a>, EndpointError> {
        let func = call.func;
        let args = &call.args;
        let owned = |v: Val| Ok(Some(Cow::Owned(v)));
        match func {
            // Functions that choose which arguments to evaluate.
            Func::IsSet => owned(Val::Bool(self.expr(&args[0], scope)?.is_some())),
            Func::Coalesce => {
                for arg in args {
                    if let Some(v) = self.expr(arg, scope)? {
                        return Ok(Some(v));
                    }
                }
                Ok(None)
            }
            Func::Ite => {
                let cond = self.expr(&args[0], scope)?;
                let branch = if want_bool(func, 0, cond.as_deref())? {
                    &args[1]
                } else {
                    &args[2]
                };
                self.expr(branch, scope)
            }
            _ => {
                // Fixed-arity functions take at most four arguments (checked
                // by the compiler), so no allocation is needed.
                let mut values: [Arg<'a>; MAX_ARGS] = Default::default();
                if args.len() > MAX_ARGS {
                    return Err(EndpointError::evaluation(format!(
                        "`{}` takes at most {MAX_ARGS} arguments",
                        func.name()
                    )));
                }
                for (slot, arg) in values.iter_mut().zip(args) {
                    *slot = self.expr(arg, scope)?;
                }
                self.apply(func, &values).map(|v| v.map(Cow::Owned))
            }
        }
    }

    /// Applies a function whose arguments are all evaluated.
    fn apply(&self, func: Func, args: &[Arg<'_>]) -> Result<Option<Val>, EndpointError> {
        let arg = |i: usize| args[i].as_deref();
        let s = |i: usize| opt_str(func, i, arg(i));
        let b = |i: usize| want_bool(func, i, arg(i));
        let int = |i: usize| match arg(i) {
            Some(Val::Int(n)) => Ok(*n),
            other => Err(type_error(func, i, "an integer", other)),
        };
        Ok(match func {
            Func::Not => Some(Val::Bool(!b(0)?)),
            Func::StringEquals => Some(Val::Bool(match (s(0)?, s(1)?) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            })),
            Func::BooleanEquals => Some(Val::Bool(match (arg(0), arg(1)) {
                (None, _) | (_, None) => false,
                _ => b(0)? == b(1)?,
            })),
            Func::Substring => {
                let (start, stop, reverse) = (int(1)?, int(2)?, b(3)?);
                s(0)?
                    .and_then(|v| functions::substring(v, start, stop, reverse))
                    .map(Val::Str)
            }
            Func::UriEncode => s(0)?.map(|v| Val::Str(functions::uri_encode(v))),
            Func::ParseUrl => s(0)?.and_then(parse_url).map(|u| u.into_val()),
            Func::IsValidHostLabel => {
                let sub = b(1)?;
                Some(Val::Bool(
                    s(0)?.is_some_and(|v| functions::is_valid_host_label(v, sub)),
                ))
            }
            Func::Split => {
                let (Some(value), Some(delimiter)) = (s(0)?, s(1)?) else {
                    return Ok(None);
                };
                let parts = functions::split(value, delimiter, int(2)?)
                    .map_err(EndpointError::evaluation)?;
                Some(Val::Array(parts.into_iter().map(Val::Str).collect()))
            }
            Func::AwsPartition => s(0)?.map(|region| self.partitions.lookup(region).clone()),
            Func::AwsParseArn => s(0)?.and_then(functions::parse_arn),
            Func::AwsIsVirtualHostableS3Bucket => {
                let sub = b(1)?;
                Some(Val::Bool(s(0)?.is_some_and(|v| {
                    functions::is_virtual_hostable_s3_bucket(v, sub)
                })))
            }
            Func::IsSet | Func::Coalesce | Func::Ite => {
                return Err(EndpointError::evaluation(format!(
                    "`{}` cannot be applied to evaluated arguments",
                    func.name()
                )))
            }
        })
    }

    /// Evaluates an expression that must produce a string.
    fn string(
        &self,
        expr: &'r Expr,
        scope: &[Option<Val>],
        what: &str,
    ) -> Result<String, EndpointError> {
        match self.expr(expr, scope)? {
            Some(Cow::Owned(Val::Str(s))) => Ok(s),
            Some(Cow::Borrowed(Val::Str(s))) => Ok(s.clone()),
            other => Err(EndpointError::evaluation(format!(
                "{what} evaluated to {}, not a string",
                type_name_of(other.as_deref())
            ))),
        }
    }

    fn endpoint(
        &self,
        node: &'r EndpointNode,
        scope: &[Option<Val>],
    ) -> Result<Endpoint, EndpointError> {
        let url = self.string(&node.url, scope, "the endpoint URL")?;
        let mut headers = Vec::with_capacity(node.headers.len());
        for (name, exprs) in &node.headers {
            let values = exprs
                .iter()
                .map(|e| self.string(e, scope, "a header value"))
                .collect::<Result<Vec<_>, _>>()?;
            headers.push((name.clone(), values));
        }
        let mut properties = Map::new();
        for (name, prop) in &node.properties {
            properties.insert(name.clone(), render_prop(prop, scope)?);
        }
        Ok(Endpoint {
            url,
            headers,
            properties,
        })
    }
}

fn render_prop(prop: &Prop, scope: &[Option<Val>]) -> Result<Json, EndpointError> {
    Ok(match prop {
        Prop::Json(j) => j.clone(),
        Prop::Template(t) => {
            Json::String(t.render_string(scope).map_err(EndpointError::evaluation)?)
        }
        Prop::Array(items) => Json::Array(
            items
                .iter()
                .map(|p| render_prop(p, scope))
                .collect::<Result<_, _>>()?,
        ),
        Prop::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, p)| Ok((k.clone(), render_prop(p, scope)?)))
                .collect::<Result<_, EndpointError>>()?,
        ),
    })
}

/// The common boolean conditions (`isSet`, `booleanEquals`, `stringEquals`,
/// `not` of those) on literals and variables, decided without building
/// intermediate values. `None` when `expr` is not of that form or needs full
/// evaluation (which also reports type errors).
fn quick_test(expr: &Expr, scope: &[Option<Val>]) -> Option<bool> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let args = &call.args;
    match call.func {
        Func::IsSet => borrowed(&args[0], scope).map(|v| v.is_some()),
        Func::Not => quick_test(&args[0], scope).map(|inner| !inner),
        Func::BooleanEquals | Func::StringEquals => {
            match (borrowed(&args[0], scope)?, borrowed(&args[1], scope)?) {
                (None, _) | (_, None) => Some(false),
                (Some(Val::Bool(a)), Some(Val::Bool(b))) if call.func == Func::BooleanEquals => {
                    Some(a == b)
                }
                (Some(Val::Str(a)), Some(Val::Str(b))) if call.func == Func::StringEquals => {
                    Some(a == b)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value of a literal, a variable or an attribute of one, without
/// evaluation: `Some(None)` when unset, `None` when `expr` is something else.
fn borrowed<'a>(expr: &'a Expr, scope: &'a [Option<Val>]) -> Option<Option<&'a Val>> {
    match expr {
        Expr::Lit(v) => Some(Some(v)),
        Expr::Ref(slot) => Some(scope[*slot].as_ref()),
        Expr::GetAttr(target, path) => borrowed(target, scope).map(|v| v.and_then(|v| path.get(v))),
        _ => None,
    }
}

fn type_error(func: Func, index: usize, want: &str, got: Option<&Val>) -> EndpointError {
    EndpointError::evaluation(format!(
        "argument {} of `{}` must be {want}, got {}",
        index + 1,
        func.name(),
        type_name_of(got)
    ))
}

/// A string argument that may be unset.
fn opt_str(func: Func, index: usize, v: Option<&Val>) -> Result<Option<&str>, EndpointError> {
    match v {
        None => Ok(None),
        Some(Val::Str(s)) => Ok(Some(s)),
        other => Err(type_error(func, index, "a string", other)),
    }
}

/// A boolean argument that must be set.
fn want_bool(func: Func, index: usize, v: Option<&Val>) -> Result<bool, EndpointError> {
    match v {
        Some(Val::Bool(b)) => Ok(*b),
        other => Err(type_error(func, index, "a boolean", other)),
    }
}
