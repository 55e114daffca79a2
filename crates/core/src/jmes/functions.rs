//! The built-in functions of the JMESPath specification: their names and
//! signatures (arity is checked when an expression compiles, argument types
//! when it runs, since they depend on the document) and what they compute.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use serde_json::{Map, Number, Value as Json};

use super::ast::{Ast, Kind};
use super::error::SearchError;
use super::eval::{eval, Found};
use super::py_eq;
use super::value::{float_json, float_to_json, order, type_name};

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Function {
    Abs,
    Avg,
    Ceil,
    Contains,
    EndsWith,
    Floor,
    Join,
    Keys,
    Length,
    Map,
    Max,
    MaxBy,
    Merge,
    Min,
    MinBy,
    NotNull,
    Reverse,
    Sort,
    SortBy,
    StartsWith,
    Sum,
    ToArray,
    ToString,
    ToNumber,
    Type,
    Values,
}

/// The type a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Param {
    Any,
    Number,
    String,
    Array,
    Object,
    /// `&expression`
    Expref,
    /// `array[number]`
    Numbers,
    /// `array[string]`
    Strings,
    /// `array[number]|array[string]`
    Sortable,
    /// `array|string`
    ArrayOrString,
    /// `string|array|object`
    Sized,
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Param::Any => "any",
            Param::Number => "number",
            Param::String => "string",
            Param::Array => "array",
            Param::Object => "object",
            Param::Expref => "expression",
            Param::Numbers => "array[number]",
            Param::Strings => "array[string]",
            Param::Sortable => "array[number]|array[string]",
            Param::ArrayOrString => "array|string",
            Param::Sized => "string|array|object",
        })
    }
}

/// Every function: its name, parameters, and whether the last parameter
/// repeats (taking one or more arguments).
const FUNCTIONS: &[(&str, Function, &[Param], bool)] = {
    use Param::*;
    &[
        ("abs", Function::Abs, &[Number], false),
        ("avg", Function::Avg, &[Numbers], false),
        ("ceil", Function::Ceil, &[Number], false),
        ("contains", Function::Contains, &[ArrayOrString, Any], false),
        ("ends_with", Function::EndsWith, &[String, String], false),
        ("floor", Function::Floor, &[Number], false),
        ("join", Function::Join, &[String, Strings], false),
        ("keys", Function::Keys, &[Object], false),
        ("length", Function::Length, &[Sized], false),
        ("map", Function::Map, &[Expref, Array], false),
        ("max", Function::Max, &[Sortable], false),
        ("max_by", Function::MaxBy, &[Array, Expref], false),
        ("merge", Function::Merge, &[Object], true),
        ("min", Function::Min, &[Sortable], false),
        ("min_by", Function::MinBy, &[Array, Expref], false),
        ("not_null", Function::NotNull, &[Any], true),
        ("reverse", Function::Reverse, &[ArrayOrString], false),
        ("sort", Function::Sort, &[Sortable], false),
        ("sort_by", Function::SortBy, &[Array, Expref], false),
        (
            "starts_with",
            Function::StartsWith,
            &[String, String],
            false,
        ),
        ("sum", Function::Sum, &[Numbers], false),
        ("to_array", Function::ToArray, &[Any], false),
        ("to_string", Function::ToString, &[Any], false),
        ("to_number", Function::ToNumber, &[Any], false),
        ("type", Function::Type, &[Any], false),
        ("values", Function::Values, &[Object], false),
    ]
};

impl Function {
    /// The function called `name`.
    pub fn lookup(name: &str) -> Option<Function> {
        FUNCTIONS
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, f, ..)| *f)
    }

    fn entry(self) -> (&'static str, &'static [Param], bool) {
        FUNCTIONS
            .iter()
            .find(|(_, f, ..)| *f == self)
            .map_or(("?", &[], false), |(name, _, params, variadic)| {
                (*name, *params, *variadic)
            })
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        self.entry().0
    }

    /// Whether the function takes `count` arguments; if not, why.
    pub fn check_arity(self, count: usize) -> Result<(), String> {
        let (name, params, variadic) = self.entry();
        match (variadic, count.cmp(&params.len())) {
            (_, Ordering::Equal) | (true, Ordering::Greater) => Ok(()),
            (true, Ordering::Less) => Err(format!(
                "{name}() takes at least {} argument(s), got {count}",
                params.len()
            )),
            (false, _) => Err(format!(
                "{name}() takes {} argument(s), got {count}",
                params.len()
            )),
        }
    }
}

/// An evaluated argument.
enum Arg<'a> {
    Value(Found<'a>),
    Expref(&'a Ast),
}

/// Calls `function` with `args` evaluated on `value` (an `&expression`
/// argument is passed unevaluated).
pub(super) fn call<'a>(
    function: Function,
    args: &'a [Ast],
    value: &'a Json,
) -> Result<Found<'a>, SearchError> {
    let (name, params, _) = function.entry();
    let mut evaluated = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        let arg = match &arg.kind {
            Kind::Expref(inner) => Arg::Expref(inner),
            _ => Arg::Value(eval(arg, value)?),
        };
        // Arity was checked at compile time; extra arguments of a
        // variadic function take the last parameter's type.
        let param = params
            .get(i)
            .or(params.last())
            .copied()
            .unwrap_or(Param::Any);
        check_type(name, i, param, &arg)?;
        evaluated.push(arg);
    }
    apply(function, evaluated)
}

/// Whether `arg` is of type `param`.
fn check_type(name: &str, index: usize, param: Param, arg: &Arg<'_>) -> Result<(), SearchError> {
    let ok = match (param, arg) {
        (Param::Expref, Arg::Expref(_)) => true,
        (_, Arg::Expref(_)) | (Param::Expref, _) => false,
        (param, Arg::Value(value)) => matches_param(param, value),
    };
    if ok {
        return Ok(());
    }
    let got = match arg {
        Arg::Expref(_) => "expression",
        Arg::Value(value) => type_name(value),
    };
    Err(SearchError::invalid_type(format!(
        "{name}() argument {} must be {param}, got {got}",
        index + 1
    )))
}

fn matches_param(param: Param, value: &Json) -> bool {
    match (param, value) {
        (Param::Any, _)
        | (Param::Number, Json::Number(_))
        | (Param::String | Param::ArrayOrString | Param::Sized, Json::String(_))
        | (Param::Array | Param::ArrayOrString | Param::Sized, Json::Array(_))
        | (Param::Object | Param::Sized, Json::Object(_)) => true,
        (Param::Numbers, Json::Array(items)) => items.iter().all(Json::is_number),
        (Param::Strings, Json::Array(items)) => items.iter().all(Json::is_string),
        (Param::Sortable, Json::Array(items)) => match items.first() {
            None => true,
            Some(Json::Number(_)) => items.iter().all(Json::is_number),
            Some(Json::String(_)) => items.iter().all(Json::is_string),
            Some(_) => false,
        },
        _ => false,
    }
}

/// The arguments of a call, taken in order.
struct Args<'a>(std::vec::IntoIter<Arg<'a>>);

impl<'a> Args<'a> {
    /// The next argument as a value (null if it is missing or an expression
    /// reference, which type checking rules out).
    fn value(&mut self) -> Found<'a> {
        match self.0.next() {
            Some(Arg::Value(value)) => value,
            _ => Cow::Owned(Json::Null),
        }
    }

    /// The next argument as an expression reference (`None` if it is
    /// missing or a value, which type checking rules out).
    fn expref(&mut self) -> Option<&'a Ast> {
        match self.0.next() {
            Some(Arg::Expref(expr)) => Some(expr),
            _ => None,
        }
    }
}

fn owned<'a>(json: Json) -> Result<Found<'a>, SearchError> {
    Ok(Cow::Owned(json))
}

/// Runs `function` on arguments of the right number and types. One small
/// function per built-in, so the functions that evaluate expression
/// references (and so recurse) keep small frames.
fn apply(function: Function, args: Vec<Arg<'_>>) -> Result<Found<'_>, SearchError> {
    let mut args = Args(args.into_iter());
    match function {
        Function::Abs => owned(abs(&args.value())),
        Function::Avg => owned(avg(&args.value())),
        Function::Ceil => owned(round(&args.value(), f64::ceil)),
        Function::Floor => owned(round(&args.value(), f64::floor)),
        Function::Contains => owned(contains(&args.value(), &args.value())),
        Function::EndsWith => owned(affix(&args.value(), &args.value(), |s, a| s.ends_with(a))),
        Function::StartsWith => owned(affix(&args.value(), &args.value(), |s, a| s.starts_with(a))),
        Function::Join => owned(join(&args.value(), &args.value())),
        Function::Keys => owned(keys(&args.value())),
        Function::Values => owned(values(args.value())),
        Function::Length => owned(length(&args.value())),
        Function::Map => map(args),
        Function::Max => Ok(max_min(args.value(), true)),
        Function::Min => Ok(max_min(args.value(), false)),
        Function::MaxBy => max_min_by(function, args, true),
        Function::MinBy => max_min_by(function, args, false),
        Function::SortBy => sort_by(args),
        Function::Merge => owned(merge(args)),
        Function::NotNull => Ok(not_null(args)),
        Function::Reverse => owned(reverse(args.value())),
        Function::Sort => owned(sort(args.value())),
        Function::Sum => owned(sum(args.value().as_array().map_or(&[][..], Vec::as_slice))),
        Function::ToArray => Ok(to_array(args.value())),
        Function::ToString => Ok(to_string(args.value())),
        Function::ToNumber => Ok(to_number(args.value())),
        Function::Type => owned(Json::from(type_name(&args.value()))),
    }
}

fn avg(items: &Json) -> Json {
    let numbers: Vec<f64> = items
        .as_array()
        .map(|items| items.iter().filter_map(Json::as_f64).collect())
        .unwrap_or_default();
    if numbers.is_empty() {
        return Json::Null;
    }
    float_json(numbers.iter().sum::<f64>() / numbers.len() as f64)
}

/// An array holds an equal value, or a string holds a substring.
fn contains(subject: &Json, search: &Json) -> Json {
    Json::Bool(match (subject, search) {
        (Json::Array(items), search) => items.iter().any(|i| py_eq(i, search)),
        (Json::String(s), Json::String(search)) => s.contains(search.as_str()),
        _ => false,
    })
}

/// `starts_with` / `ends_with`.
fn affix(subject: &Json, affix: &Json, test: fn(&str, &str) -> bool) -> Json {
    match (subject.as_str(), affix.as_str()) {
        (Some(subject), Some(affix)) => Json::Bool(test(subject, affix)),
        _ => Json::Null,
    }
}

fn join(glue: &Json, items: &Json) -> Json {
    let parts: Vec<&str> = items
        .as_array()
        .map(|items| items.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    Json::String(parts.join(glue.as_str().unwrap_or_default()))
}

fn keys(object: &Json) -> Json {
    match object {
        Json::Object(map) => Json::Array(map.keys().cloned().map(Json::String).collect()),
        _ => Json::Null,
    }
}

fn values(object: Found<'_>) -> Json {
    match object {
        Cow::Borrowed(Json::Object(map)) => Json::Array(map.values().cloned().collect()),
        Cow::Owned(Json::Object(map)) => Json::Array(map.into_iter().map(|(_, v)| v).collect()),
        _ => Json::Null,
    }
}

/// Characters of a string (not bytes), elements, or members.
fn length(value: &Json) -> Json {
    match value {
        Json::String(s) => Json::from(s.chars().count()),
        Json::Array(items) => Json::from(items.len()),
        Json::Object(map) => Json::from(map.len()),
        _ => Json::Null,
    }
}

/// `map(&expr, array)`: nulls are kept, unlike in a projection.
fn map(mut args: Args<'_>) -> Result<Found<'_>, SearchError> {
    let expr = args.expref();
    let items = args.value();
    let (Some(expr), Some(items)) = (expr, items.as_array()) else {
        return owned(Json::Null);
    };
    let mut mapped = Vec::with_capacity(items.len());
    for item in items {
        mapped.push(eval(expr, item)?.into_owned());
    }
    owned(Json::Array(mapped))
}

/// `max` / `min` of numbers or strings; null for an empty array.
fn max_min(items: Found<'_>, greatest: bool) -> Found<'_> {
    let pick = items.as_array().and_then(|list| extreme(list, greatest));
    pick.map_or(Cow::Owned(Json::Null), |i| element(items, i))
}

/// `max_by` / `min_by`: the element whose key is greatest or least.
fn max_min_by(
    function: Function,
    mut args: Args<'_>,
    greatest: bool,
) -> Result<Found<'_>, SearchError> {
    let items = args.value();
    let Some(expr) = args.expref() else {
        return owned(Json::Null);
    };
    let keys = sort_keys(function.name(), &items, expr)?;
    Ok(extreme(&keys, greatest).map_or(Cow::Owned(Json::Null), |i| element(items, i)))
}

/// `sort_by(array, &expr)`: a stable sort, equal keys keep their order.
fn sort_by(mut args: Args<'_>) -> Result<Found<'_>, SearchError> {
    let items = args.value();
    let Some(expr) = args.expref() else {
        return owned(Json::Null);
    };
    let keys = sort_keys("sort_by", &items, expr)?;
    let mut positions: Vec<usize> = (0..keys.len()).collect();
    positions.sort_by(|&a, &b| order(&keys[a], &keys[b]).unwrap_or(Ordering::Equal));
    owned(Json::Array(reorder(items, &positions)))
}

/// Objects merged, later members replacing earlier ones.
fn merge(args: Args<'_>) -> Json {
    let mut merged = Map::new();
    for arg in args.0 {
        match arg {
            Arg::Value(Cow::Borrowed(Json::Object(map))) => {
                merged.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            Arg::Value(Cow::Owned(Json::Object(map))) => merged.extend(map),
            _ => {}
        }
    }
    Json::Object(merged)
}

/// The first argument that is not null.
fn not_null(args: Args<'_>) -> Found<'_> {
    for arg in args.0 {
        if let Arg::Value(value) = arg {
            if !value.is_null() {
                return value;
            }
        }
    }
    Cow::Owned(Json::Null)
}

/// A string's characters or an array's elements in reverse order.
fn reverse(value: Found<'_>) -> Json {
    match &*value {
        Json::String(s) => Json::String(s.chars().rev().collect()),
        _ => {
            let mut items = into_items(value);
            items.reverse();
            Json::Array(items)
        }
    }
}

/// Numbers or strings in ascending order.
fn sort(value: Found<'_>) -> Json {
    let mut items = into_items(value);
    items.sort_by(|a, b| order(a, b).unwrap_or(Ordering::Equal));
    Json::Array(items)
}

fn to_array(value: Found<'_>) -> Found<'_> {
    if value.is_array() {
        value
    } else {
        Cow::Owned(Json::Array(vec![value.into_owned()]))
    }
}

/// A string as it is, anything else as compact JSON.
fn to_string(value: Found<'_>) -> Found<'_> {
    if value.is_string() {
        value
    } else {
        Cow::Owned(Json::String(value.to_string()))
    }
}

fn to_number(value: Found<'_>) -> Found<'_> {
    match &*value {
        Json::Number(_) => value,
        Json::String(s) => Cow::Owned(parse_number(s)),
        _ => Cow::Owned(Json::Null),
    }
}

fn abs(value: &Json) -> Json {
    let Json::Number(n) = value else {
        return Json::Null;
    };
    if let Some(i) = n.as_i64() {
        // |i64::MIN| only fits in a u64.
        return Json::from(i.unsigned_abs());
    }
    if n.is_u64() {
        return value.clone();
    }
    float_json(n.as_f64().unwrap_or(0.0).abs())
}

/// `ceil` or `floor`: integers as they are, floats rounded to an integer.
fn round(value: &Json, how: fn(f64) -> f64) -> Json {
    match value {
        Json::Number(n) if n.is_f64() => float_to_json(how(n.as_f64().unwrap_or(0.0))),
        Json::Number(_) => value.clone(),
        _ => Json::Null,
    }
}

/// The sum: exact while every item is an integer and it fits in `i64`, a
/// float otherwise.
fn sum(items: &[Json]) -> Json {
    let mut exact: Option<i64> = Some(0);
    for item in items {
        exact = match (exact, item.as_i64()) {
            (Some(total), Some(i)) => total.checked_add(i),
            _ => None,
        };
        if exact.is_none() {
            break;
        }
    }
    match exact {
        Some(total) => Json::from(total),
        None => float_json(items.iter().filter_map(Json::as_f64).sum()),
    }
}

/// Index of the greatest (or least) item, the first of equals; `None` when
/// there are none.
fn extreme(items: &[Json], greatest: bool) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, item) in items.iter().enumerate() {
        let better = match best {
            None => true,
            Some(b) => {
                let c = order(item, &items[b]).unwrap_or(Ordering::Equal);
                if greatest {
                    c.is_gt()
                } else {
                    c.is_lt()
                }
            }
        };
        if better {
            best = Some(i);
        }
    }
    best
}

/// The key `expr` gives each item of `items`: all numbers or all strings.
fn sort_keys(name: &str, items: &Json, expr: &Ast) -> Result<Vec<Json>, SearchError> {
    let items = items.as_array().map_or(&[][..], Vec::as_slice);
    let mut keys = Vec::with_capacity(items.len());
    for item in items {
        let key = eval(expr, item)?.into_owned();
        let expected = keys.first().map_or_else(
            || key.is_number() || key.is_string(),
            |first: &Json| type_name(first) == type_name(&key),
        );
        if !expected {
            let wanted = keys.first().map_or("number or string", type_name);
            return Err(SearchError::invalid_type(format!(
                "{name}() expression must give {wanted} for every element, got {}",
                type_name(&key)
            )));
        }
        keys.push(key);
    }
    Ok(keys)
}

/// Item `i` of an array result, borrowed if the array is.
fn element(items: Found<'_>, i: usize) -> Found<'_> {
    match items {
        Cow::Borrowed(Json::Array(list)) => {
            list.get(i).map_or(Cow::Owned(Json::Null), Cow::Borrowed)
        }
        Cow::Owned(Json::Array(mut list)) if i < list.len() => Cow::Owned(list.swap_remove(i)),
        _ => Cow::Owned(Json::Null),
    }
}

/// The items of an array result (copied only if it is borrowed).
fn into_items(items: Found<'_>) -> Vec<Json> {
    match items {
        Cow::Borrowed(Json::Array(list)) => list.clone(),
        Cow::Owned(Json::Array(list)) => list,
        _ => Vec::new(),
    }
}

/// The items of an array result in the order of `positions`.
fn reorder(items: Found<'_>, positions: &[usize]) -> Vec<Json> {
    let mut slots: Vec<Option<Json>> = into_items(items).into_iter().map(Some).collect();
    positions
        .iter()
        .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// `to_number` of a string: an integer, else a float; null if it is
/// neither (including `inf` and `nan`, which are not JSON numbers).
fn parse_number(s: &str) -> Json {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Json::from(i);
    }
    let numeric = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    match s.parse::<f64>() {
        Ok(x) if numeric => Number::from_f64(x).map_or(Json::Null, Json::Number),
        _ => Json::Null,
    }
}
