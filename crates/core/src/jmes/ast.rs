//! The syntax tree of a compiled expression. Every node knows its depth, so
//! the parser can refuse trees that would recurse too deeply when evaluated
//! or dropped.

use serde_json::Value as Json;

use super::functions::Function;

/// A node of the syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Ast {
    /// What the node does.
    pub kind: Kind,
    /// 1 for a leaf, else one more than its deepest child.
    pub depth: usize,
}

/// The node types. "Current value" is the value a node is evaluated on.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    /// `@`, and the implicit right side of a projection: the current value.
    Identity,
    /// `foo`: a member of the current value if it is an object, else null.
    Field(String),
    /// `[n]`: an element of the current value if it is an array (negative
    /// counts from the end), else null.
    Index(i64),
    /// `[start:stop:step]` on an array, as Python slices it.
    Slice(Slice),
    /// Each node evaluated on the result of the one before: `a.b`, `a[0]`,
    /// `a | b`. Kept flat so long paths do not make deep trees.
    Chain(Vec<Ast>),
    /// `lhs[*] rhs`, `lhs[] rhs`, `lhs[1:] rhs`: `rhs` on each element of
    /// `lhs` (which must be an array); null results are left out.
    Projection { lhs: Box<Ast>, rhs: Box<Ast> },
    /// `lhs.* rhs`: `rhs` on each value of `lhs` (which must be an object).
    ValueProjection { lhs: Box<Ast>, rhs: Box<Ast> },
    /// `lhs[?condition] rhs`: a projection of the elements for which
    /// `condition` is true.
    Filter {
        lhs: Box<Ast>,
        condition: Box<Ast>,
        rhs: Box<Ast>,
    },
    /// The array `inner` returns with its array elements merged into it.
    Flatten(Box<Ast>),
    /// `a == b` and the other comparisons.
    Compare(Comparator, Box<Ast>, Box<Ast>),
    /// `a || b`: `a` if it is true, else `b`.
    Or(Box<Ast>, Box<Ast>),
    /// `a && b`: `a` if it is false, else `b`.
    And(Box<Ast>, Box<Ast>),
    /// `!a`
    Not(Box<Ast>),
    /// `[a, b]`
    MultiList(Vec<Ast>),
    /// `{k: a, l: b}`
    MultiHash(Vec<(String, Ast)>),
    /// `` `json` `` or `'raw'`.
    Literal(Json),
    /// `name(args...)`, resolved and arity-checked when compiled.
    Call(Function, Vec<Ast>),
    /// `&expr`: an expression passed to a function unevaluated.
    Expref(Box<Ast>),
}

/// A slice's bounds; the step is never 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slice {
    /// First index (default: the start, or the end for a negative step).
    pub start: Option<i64>,
    /// Index to stop before (default: past the end in the step's direction).
    pub stop: Option<i64>,
    /// Distance between elements.
    pub step: i64,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Comparator {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparator {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "==",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }
}

impl Ast {
    /// A node with its depth worked out from its children.
    pub fn new(kind: Kind) -> Ast {
        let deepest = |nodes: &mut dyn Iterator<Item = &Ast>| nodes.map(|n| n.depth).max();
        let children = match &kind {
            Kind::Identity
            | Kind::Field(_)
            | Kind::Index(_)
            | Kind::Slice(_)
            | Kind::Literal(_) => None,
            Kind::Chain(nodes) | Kind::MultiList(nodes) | Kind::Call(_, nodes) => {
                deepest(&mut nodes.iter())
            }
            Kind::MultiHash(pairs) => deepest(&mut pairs.iter().map(|(_, n)| n)),
            Kind::Projection { lhs, rhs }
            | Kind::ValueProjection { lhs, rhs }
            | Kind::Compare(_, lhs, rhs)
            | Kind::Or(lhs, rhs)
            | Kind::And(lhs, rhs) => Some(lhs.depth.max(rhs.depth)),
            Kind::Filter {
                lhs,
                condition,
                rhs,
            } => Some(lhs.depth.max(condition.depth).max(rhs.depth)),
            Kind::Flatten(inner) | Kind::Not(inner) | Kind::Expref(inner) => Some(inner.depth),
        };
        Ast {
            kind,
            depth: 1 + children.unwrap_or(0),
        }
    }

    /// `right` evaluated on the result of `left`, appended to `left` if it
    /// is a chain already.
    pub fn chain(left: Ast, right: Ast) -> Ast {
        match left.kind {
            Kind::Identity => right,
            Kind::Chain(mut nodes) => {
                let depth = left.depth.max(right.depth + 1);
                nodes.push(right);
                Ast {
                    kind: Kind::Chain(nodes),
                    depth,
                }
            }
            _ => Ast::new(Kind::Chain(vec![left, right])),
        }
    }

    /// The current value.
    pub fn identity() -> Ast {
        Ast::new(Kind::Identity)
    }
}
