//! Evaluates a syntax tree on a JSON document, as jmespath.py's tree
//! interpreter does.
//!
//! Results are `Cow`s: a node that selects part of its input (a field, an
//! index, a literal) borrows it, and only nodes that build new values (a
//! projection, a multi-select, most functions) own them. So a path through
//! a large document copies only what it finally returns.

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use super::ast::{Ast, Comparator, Kind, Slice};
use super::error::SearchError;
use super::functions;
use super::py_eq;
use super::value::{is_true, order};

/// A result: borrowed from the document or the expression, or built.
pub(super) type Found<'a> = Cow<'a, Json>;

static NULL: Json = Json::Null;

fn null<'a>() -> Found<'a> {
    Cow::Borrowed(&NULL)
}

/// Evaluates `node` with `value` as the current value.
///
/// A dispatcher only: each node type has its own function, so the frames
/// of this mutual recursion stay small even in debug builds (where a big
/// `match` would reserve stack for every arm's temporaries at once).
pub(super) fn eval<'a>(node: &'a Ast, value: &'a Json) -> Result<Found<'a>, SearchError> {
    match &node.kind {
        Kind::Identity => Ok(Cow::Borrowed(value)),
        Kind::Field(name) => Ok(field(name, value)),
        Kind::Index(i) => Ok(index(*i, value)),
        Kind::Slice(slice) => Ok(slice_of(*slice, value)),
        Kind::Chain(nodes) => chain(nodes, value),
        Kind::Projection { lhs, rhs } => projection(lhs, rhs, value),
        Kind::ValueProjection { lhs, rhs } => value_projection(lhs, rhs, value),
        Kind::Filter {
            lhs,
            condition,
            rhs,
        } => filter_projection(lhs, condition, rhs, value),
        Kind::Flatten(inner) => flatten(inner, value),
        Kind::Compare(op, lhs, rhs) => comparison(*op, lhs, rhs, value),
        Kind::Or(lhs, rhs) => or(lhs, rhs, value),
        Kind::And(lhs, rhs) => and(lhs, rhs, value),
        Kind::Not(inner) => not(inner, value),
        Kind::MultiList(items) => multi_list(items, value),
        Kind::MultiHash(pairs) => multi_hash(pairs, value),
        Kind::Literal(json) => Ok(Cow::Borrowed(json)),
        Kind::Call(function, args) => functions::call(*function, args, value),
        // An expression reference means something only as a function
        // argument (see `functions::call`); anywhere else it is null.
        Kind::Expref(_) => Ok(null()),
    }
}

/// A member of an object, else null.
fn field<'a>(name: &str, value: &'a Json) -> Found<'a> {
    value
        .as_object()
        .and_then(|m| m.get(name))
        .map_or_else(null, Cow::Borrowed)
}

/// An element of an array, else null.
fn index(i: i64, value: &Json) -> Found<'_> {
    match value {
        Json::Array(items) => {
            resolve_index(i, items.len()).map_or_else(null, |i| Cow::Borrowed(&items[i]))
        }
        _ => null(),
    }
}

fn slice_of(slice: Slice, value: &Json) -> Found<'_> {
    match value {
        Json::Array(items) => Cow::Owned(Json::Array(
            slice_indices(slice, items.len())
                .map(|i| items[i].clone())
                .collect(),
        )),
        _ => null(),
    }
}

fn chain<'a>(nodes: &'a [Ast], value: &'a Json) -> Result<Found<'a>, SearchError> {
    let mut current = Cow::Borrowed(value);
    for node in nodes {
        current = eval_on(node, current)?;
    }
    Ok(current)
}

fn projection<'a>(lhs: &'a Ast, rhs: &'a Ast, value: &'a Json) -> Result<Found<'a>, SearchError> {
    match eval(lhs, value)? {
        Cow::Borrowed(Json::Array(items)) => project(items.iter().map(Cow::Borrowed), rhs),
        Cow::Owned(Json::Array(items)) => project(items.into_iter().map(Cow::Owned), rhs),
        _ => Ok(null()),
    }
}

fn value_projection<'a>(
    lhs: &'a Ast,
    rhs: &'a Ast,
    value: &'a Json,
) -> Result<Found<'a>, SearchError> {
    match eval(lhs, value)? {
        Cow::Borrowed(Json::Object(map)) => project(map.values().map(Cow::Borrowed), rhs),
        Cow::Owned(Json::Object(map)) => project(map.into_iter().map(|(_, v)| Cow::Owned(v)), rhs),
        _ => Ok(null()),
    }
}

fn filter_projection<'a>(
    lhs: &'a Ast,
    condition: &'a Ast,
    rhs: &'a Ast,
    value: &'a Json,
) -> Result<Found<'a>, SearchError> {
    match eval(lhs, value)? {
        Cow::Borrowed(Json::Array(items)) => {
            filter(items.iter().map(Cow::Borrowed), condition, rhs)
        }
        Cow::Owned(Json::Array(items)) => filter(items.into_iter().map(Cow::Owned), condition, rhs),
        _ => Ok(null()),
    }
}

/// The array `inner` gives with its array elements merged into it.
fn flatten<'a>(inner: &'a Ast, value: &'a Json) -> Result<Found<'a>, SearchError> {
    Ok(match eval(inner, value)? {
        Cow::Borrowed(Json::Array(items)) => Cow::Owned(merge_arrays(items.iter().cloned())),
        Cow::Owned(Json::Array(items)) => Cow::Owned(merge_arrays(items.into_iter())),
        _ => null(),
    })
}

fn comparison<'a>(
    op: Comparator,
    lhs: &'a Ast,
    rhs: &'a Ast,
    value: &'a Json,
) -> Result<Found<'a>, SearchError> {
    let (a, b) = (eval(lhs, value)?, eval(rhs, value)?);
    Ok(compare(op, &a, &b).map_or_else(null, |b| Cow::Owned(Json::Bool(b))))
}

fn or<'a>(lhs: &'a Ast, rhs: &'a Ast, value: &'a Json) -> Result<Found<'a>, SearchError> {
    let left = eval(lhs, value)?;
    if is_true(&left) {
        Ok(left)
    } else {
        eval(rhs, value)
    }
}

fn and<'a>(lhs: &'a Ast, rhs: &'a Ast, value: &'a Json) -> Result<Found<'a>, SearchError> {
    let left = eval(lhs, value)?;
    if is_true(&left) {
        eval(rhs, value)
    } else {
        Ok(left)
    }
}

fn not<'a>(inner: &'a Ast, value: &'a Json) -> Result<Found<'a>, SearchError> {
    let inner = eval(inner, value)?;
    Ok(Cow::Owned(Json::Bool(!is_true(&inner))))
}

/// `[a, b]`; null on null (not a list of nulls).
fn multi_list<'a>(items: &'a [Ast], value: &'a Json) -> Result<Found<'a>, SearchError> {
    if value.is_null() {
        return Ok(null());
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(eval(item, value)?.into_owned());
    }
    Ok(Cow::Owned(Json::Array(out)))
}

/// `{k: a}`; null on null.
fn multi_hash<'a>(pairs: &'a [(String, Ast)], value: &'a Json) -> Result<Found<'a>, SearchError> {
    if value.is_null() {
        return Ok(null());
    }
    let mut map = Map::new();
    for (key, item) in pairs {
        map.insert(key.clone(), eval(item, value)?.into_owned());
    }
    Ok(Cow::Owned(Json::Object(map)))
}

/// Evaluates `node` on a result of a previous step, moving out of it when
/// it is owned instead of copying.
pub(super) fn eval_on<'a>(node: &'a Ast, value: Found<'a>) -> Result<Found<'a>, SearchError> {
    let value = match value {
        Cow::Borrowed(value) => return eval(node, value),
        Cow::Owned(value) => value,
    };
    Ok(Cow::Owned(match (&node.kind, value) {
        (Kind::Identity, value) => value,
        (Kind::Field(name), Json::Object(mut map)) => map.remove(name).unwrap_or(Json::Null),
        (Kind::Index(i), Json::Array(mut items)) => match resolve_index(*i, items.len()) {
            Some(i) => items.swap_remove(i),
            None => Json::Null,
        },
        (_, value) => eval(node, &value)?.into_owned(),
    }))
}

/// `rhs` on each item, nulls left out.
fn project<'a>(
    items: impl Iterator<Item = Found<'a>>,
    rhs: &'a Ast,
) -> Result<Found<'a>, SearchError> {
    let mut out = Vec::new();
    for item in items {
        let found = eval_on(rhs, item)?;
        if !found.is_null() {
            out.push(found.into_owned());
        }
    }
    Ok(Cow::Owned(Json::Array(out)))
}

/// `rhs` on each item for which `condition` is true, nulls left out.
fn filter<'a>(
    items: impl Iterator<Item = Found<'a>>,
    condition: &'a Ast,
    rhs: &'a Ast,
) -> Result<Found<'a>, SearchError> {
    let mut out = Vec::new();
    for item in items {
        let matched = eval(condition, &item)?;
        if !is_true(&matched) {
            continue;
        }
        let found = eval_on(rhs, item)?;
        if !found.is_null() {
            out.push(found.into_owned());
        }
    }
    Ok(Cow::Owned(Json::Array(out)))
}

/// The items, with those that are arrays replaced by their elements.
fn merge_arrays(items: impl Iterator<Item = Json>) -> Json {
    let mut out = Vec::new();
    for item in items {
        match item {
            Json::Array(inner) => out.extend(inner),
            other => out.push(other),
        }
    }
    Json::Array(out)
}

/// `==` and `!=` compare any values; the orderings only two numbers or two
/// strings (jmespath.py allows strings too), else the result is null.
fn compare(op: Comparator, a: &Json, b: &Json) -> Option<bool> {
    Some(match op {
        Comparator::Eq => py_eq(a, b),
        Comparator::Ne => !py_eq(a, b),
        Comparator::Lt => order(a, b)?.is_lt(),
        Comparator::Le => order(a, b)?.is_le(),
        Comparator::Gt => order(a, b)?.is_gt(),
        Comparator::Ge => order(a, b)?.is_ge(),
    })
}

/// The position of index `i` (negative: from the end) in `len` items.
fn resolve_index(i: i64, len: usize) -> Option<usize> {
    let len = i128::try_from(len).ok()?;
    let i = i128::from(i);
    let i = if i < 0 { i + len } else { i };
    if (0..len).contains(&i) {
        usize::try_from(i).ok()
    } else {
        None
    }
}

/// The positions a slice selects from `len` items, as Python's
/// `slice.indices` works them out (bounds clamped, negative ones counted
/// from the end).
pub(super) fn slice_indices(slice: Slice, len: usize) -> impl Iterator<Item = usize> {
    // i128 so that no bound or step can overflow.
    let len = i128::try_from(len).unwrap_or(i128::MAX);
    let step = i128::from(slice.step);
    let clamp = |bound: Option<i64>, default: i128| match bound {
        None => default,
        Some(b) => {
            let b = i128::from(b);
            let b = if b < 0 { b + len } else { b };
            if step > 0 {
                b.clamp(0, len)
            } else {
                b.clamp(-1, len - 1)
            }
        }
    };
    let (start, stop) = if step > 0 {
        (clamp(slice.start, 0), clamp(slice.stop, len))
    } else {
        (clamp(slice.start, len - 1), clamp(slice.stop, -1))
    };
    let mut i = start;
    std::iter::from_fn(move || {
        let more = if step > 0 { i < stop } else { i > stop };
        if !more {
            return None;
        }
        let current = usize::try_from(i).ok()?;
        i += step;
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(start: Option<i64>, stop: Option<i64>, step: i64, len: usize) -> Vec<usize> {
        slice_indices(Slice { start, stop, step }, len).collect()
    }

    #[test]
    fn slices_like_python() {
        assert_eq!(slice(None, None, 1, 4), [0, 1, 2, 3]);
        assert_eq!(slice(None, None, -1, 4), [3, 2, 1, 0]);
        assert_eq!(slice(Some(-2), None, 1, 4), [2, 3]);
        assert_eq!(slice(Some(10), Some(-10), -2, 4), [3, 1]);
        assert_eq!(slice(Some(1), Some(1), 1, 4), Vec::<usize>::new());
        assert_eq!(slice(None, None, -1, 0), Vec::<usize>::new());
        assert_eq!(slice(Some(i64::MIN), Some(i64::MAX), i64::MAX, 3), [0]);
        assert_eq!(slice(Some(i64::MAX), Some(i64::MIN), i64::MIN, 3), [2]);
        assert_eq!(resolve_index(-1, 3), Some(2));
        assert_eq!(resolve_index(-4, 3), None);
        assert_eq!(resolve_index(i64::MIN, 3), None);
        assert_eq!(resolve_index(3, 3), None);
    }
}
