//! The errors of compiling ([`ExprError`]) and evaluating ([`SearchError`])
//! an expression, and their kinds.

use std::fmt;

/// What went wrong, named as the JMESPath specification and its compliance
/// suite name the error types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not valid JMESPath (`syntax`).
    Syntax,
    /// Nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH) (a syntax error
    /// of this implementation, so hostile input cannot exhaust the stack).
    TooDeep,
    /// A call of a function that does not exist (`unknown-function`).
    UnknownFunction,
    /// A function called with the wrong number of arguments
    /// (`invalid-arity`).
    InvalidArity,
    /// A value that is never allowed, such as a slice step of 0
    /// (`invalid-value`).
    InvalidValue,
    /// A function argument of the wrong type (`invalid-type`); found while
    /// searching, as it depends on the document.
    InvalidType,
}

impl ErrorKind {
    /// The compliance suite's name of the kind (`syntax`, `invalid-type`,
    /// ...); `too-deep` for [`ErrorKind::TooDeep`].
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::TooDeep => "too-deep",
            ErrorKind::UnknownFunction => "unknown-function",
            ErrorKind::InvalidArity => "invalid-arity",
            ErrorKind::InvalidValue => "invalid-value",
            ErrorKind::InvalidType => "invalid-type",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An expression that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// The expression.
    pub expression: String,
    /// The parser's message, with the byte offset where it stopped.
    pub message: String,
    /// What kind of error it is.
    pub kind: ErrorKind,
}

impl ExprError {
    /// An error of `kind` at byte `offset` of `expression`.
    pub(super) fn new(expression: &str, kind: ErrorKind, offset: usize, message: &str) -> Self {
        ExprError {
            expression: expression.to_string(),
            message: format!("{message} (at offset {offset})"),
            kind,
        }
    }
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

/// A search that failed at run time: a function given an argument of the
/// wrong type. [`Expr::search`](super::Expr::search) turns it into `null`;
/// [`Expr::try_search`](super::Expr::try_search) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchError {
    /// What kind of error it is (so far always [`ErrorKind::InvalidType`]).
    pub kind: ErrorKind,
    /// What was wrong.
    pub message: String,
}

impl SearchError {
    /// An `invalid-type` error.
    pub(super) fn invalid_type(message: String) -> Self {
        SearchError {
            kind: ErrorKind::InvalidType,
            message,
        }
    }
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JMESPath {}: {}", self.kind, self.message)
    }
}

impl std::error::Error for SearchError {}
