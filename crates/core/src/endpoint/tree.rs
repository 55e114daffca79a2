//! The compiled form of a rule set: expressions with references resolved to
//! scope slots, templates pre-parsed and function names resolved.

use super::path::AttrPath;
use super::template::Template;
use super::val::Val;

/// An expression: an argument, a URL, a header value or an error message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A literal (string without references, boolean or integer).
    Lit(Val),
    /// A string with references.
    Template(Template),
    /// A parameter or assigned variable.
    Ref(usize),
    /// `getAttr(target, "path")`, with the path parsed.
    GetAttr(Box<Expr>, AttrPath),
    /// A call of any other function.
    Call(Box<Call>),
}

/// A function call with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    /// The function.
    pub func: Func,
    /// Its arguments.
    pub args: Vec<Expr>,
}

/// The functions of the rules language (`getAttr` is [`Expr::GetAttr`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    IsSet,
    Not,
    StringEquals,
    BooleanEquals,
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    Split,
    Coalesce,
    Ite,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

impl Func {
    /// Looks a function up by its rule-set name; also returns the number of
    /// arguments it takes (`None`: two or more).
    pub(crate) fn by_name(name: &str) -> Option<(Func, Option<usize>)> {
        Some(match name {
            "isSet" => (Func::IsSet, Some(1)),
            "not" => (Func::Not, Some(1)),
            "stringEquals" => (Func::StringEquals, Some(2)),
            "booleanEquals" => (Func::BooleanEquals, Some(2)),
            "substring" => (Func::Substring, Some(4)),
            "uriEncode" => (Func::UriEncode, Some(1)),
            "parseURL" => (Func::ParseUrl, Some(1)),
            "isValidHostLabel" => (Func::IsValidHostLabel, Some(2)),
            "split" => (Func::Split, Some(3)),
            "coalesce" => (Func::Coalesce, None),
            "ite" => (Func::Ite, Some(3)),
            "aws.partition" => (Func::AwsPartition, Some(1)),
            "aws.parseArn" => (Func::AwsParseArn, Some(1)),
            "aws.isVirtualHostableS3Bucket" => (Func::AwsIsVirtualHostableS3Bucket, Some(2)),
            _ => return None,
        })
    }

    /// The rule-set name, for error messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Func::IsSet => "isSet",
            Func::Not => "not",
            Func::StringEquals => "stringEquals",
            Func::BooleanEquals => "booleanEquals",
            Func::Substring => "substring",
            Func::UriEncode => "uriEncode",
            Func::ParseUrl => "parseURL",
            Func::IsValidHostLabel => "isValidHostLabel",
            Func::Split => "split",
            Func::Coalesce => "coalesce",
            Func::Ite => "ite",
            Func::AwsPartition => "aws.partition",
            Func::AwsParseArn => "aws.parseArn",
            Func::AwsIsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
        }
    }
}

/// A rule condition: a call whose result must be set and not `false`,
/// optionally bound to a variable for the rest of the rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    /// The call.
    pub expr: Expr,
    /// The scope slot the result is assigned to.
    pub assign: Option<usize>,
}

/// A rule: conditions and what to do when they all hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    /// Conditions, evaluated in order.
    pub conditions: Vec<Condition>,
    /// The outcome.
    pub action: Action,
}

/// What a rule does when its conditions hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Resolve to this endpoint.
    Endpoint(Box<EndpointNode>),
    /// Fail with this message.
    Error(Expr),
    /// Try these rules in order.
    Tree(Vec<Rule>),
}

/// An endpoint rule's result template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EndpointNode {
    /// The URL.
    pub url: Expr,
    /// Header name → value expressions.
    pub headers: Vec<(String, Vec<Expr>)>,
    /// Properties (strings inside are templates).
    pub properties: Vec<(String, Prop)>,
}

/// A property value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Prop {
    /// JSON without any template inside.
    Json(serde_json::Value),
    /// A string with references.
    Template(Template),
    /// An array containing templates.
    Array(Vec<Prop>),
    /// An object containing templates.
    Object(Vec<(String, Prop)>),
}
