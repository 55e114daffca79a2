//! A Pratt (top-down operator precedence) parser from tokens to an [`Ast`],
//! with jmespath.py's binding powers so that expressions group as botocore
//! groups them.
//!
//! Two limits keep hostile input harmless: the parser recurses at most
//! [`MAX_DEPTH`] times, and no tree deeper than [`MAX_DEPTH`] is built (the
//! evaluator and `Drop` recurse over the tree).

use super::ast::{Ast, Comparator, Kind, Slice};
use super::error::{ErrorKind, ExprError};
use super::functions::Function;
use super::lexer::{tokenize, Spanned, Token};
use super::MAX_DEPTH;

/// Parses a whole expression.
pub(super) fn parse(expression: &str) -> Result<Ast, ExprError> {
    let mut parser = Parser {
        expression,
        tokens: tokenize(expression)?,
        pos: 0,
        depth: 0,
    };
    let ast = parser.expression(0)?;
    match parser.peek() {
        Token::Eof => Ok(ast),
        other => Err(parser.error(&format!("unexpected {other} after a complete expression"))),
    }
}

/// How strongly a token binds to the expression on its left; a loop in
/// `Parser::expression_inner` keeps extending the left side while the next
/// token binds more strongly than the caller's power.
fn binding_power(token: &Token) -> u8 {
    match token {
        Token::Pipe => 1,
        Token::Or => 2,
        Token::And => 3,
        Token::Compare(_) => 5,
        Token::Flatten => 9,
        Token::Star => 20,
        Token::Filter => 21,
        Token::Dot => 40,
        Token::Not => 45,
        Token::LBrace => 50,
        Token::LBracket => 55,
        Token::LParen => 60,
        _ => 0,
    }
}

/// Tokens binding less than this end the right side of a projection
/// (`a[*].b | c`: the pipe is not part of the projection).
const PROJECTION_STOP: u8 = 10;

struct Parser<'s> {
    expression: &'s str,
    tokens: Vec<Spanned>,
    /// Index of the next token (the last one is always `Eof`).
    pos: usize,
    /// Current recursion depth of [`Parser::expression`].
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> &Token {
        let last = self.tokens.len() - 1;
        &self.tokens[(self.pos + ahead).min(last)].token
    }

    /// Takes the next token (`Eof` again and again at the end).
    fn advance(&mut self) -> Token {
        let last = self.tokens.len() - 1;
        let i = self.pos.min(last);
        if i < last {
            self.pos += 1;
            std::mem::replace(&mut self.tokens[i].token, Token::Eof)
        } else {
            Token::Eof
        }
    }

    /// Byte offset of the next token.
    fn offset(&self) -> usize {
        let last = self.tokens.len() - 1;
        self.tokens[self.pos.min(last)].offset
    }

    fn error(&self, message: &str) -> ExprError {
        self.error_of(ErrorKind::Syntax, message)
    }

    fn error_of(&self, kind: ErrorKind, message: &str) -> ExprError {
        ExprError::new(self.expression, kind, self.offset(), message)
    }

    fn expect(&mut self, token: &Token) -> Result<(), ExprError> {
        if self.peek() == token {
            self.advance();
            Ok(())
        } else {
            Err(self.error(&format!("expected {token}, found {}", self.peek())))
        }
    }

    /// A node, unless it makes the tree too deep.
    fn node(&self, kind: Kind) -> Result<Ast, ExprError> {
        self.checked(Ast::new(kind))
    }

    fn checked(&self, ast: Ast) -> Result<Ast, ExprError> {
        if ast.depth > MAX_DEPTH {
            Err(self.too_deep())
        } else {
            Ok(ast)
        }
    }

    fn too_deep(&self) -> ExprError {
        self.error_of(
            ErrorKind::TooDeep,
            &format!("expression nested more than {MAX_DEPTH} levels deep"),
        )
    }

    /// An expression whose operators bind more strongly than
    /// `binding_power`. Every nested parse goes through here, so this is
    /// where recursion is counted.
    fn expression(&mut self, binding_power: u8) -> Result<Ast, ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth += 1;
        let result = self.expression_inner(binding_power);
        self.depth -= 1;
        result
    }

    fn expression_inner(&mut self, power: u8) -> Result<Ast, ExprError> {
        let offset = self.offset();
        let token = self.advance();
        let mut left = self.nud(token, offset)?;
        while power < binding_power(self.peek()) {
            left = self.led(left)?;
        }
        Ok(left)
    }

    /// A token at the start of an expression ("null denotation"). Like
    /// [`Parser::led`], a dispatcher to one small function per case, which
    /// keeps the frames of the recursion small in debug builds too.
    fn nud(&mut self, token: Token, offset: usize) -> Result<Ast, ExprError> {
        match token {
            Token::Literal(value) => self.node(Kind::Literal(value)),
            Token::Identifier(name) => self.node(Kind::Field(name)),
            Token::QuotedIdentifier(name) => self.quoted_field(name),
            Token::At => Ok(Ast::identity()),
            Token::Star => self.nud_star(),
            Token::Filter => self.filter(Ast::identity()),
            Token::LBrace => self.multi_select_hash(),
            Token::LParen => self.parenthesized(),
            Token::Flatten => self.flatten(Ast::identity()),
            Token::Not => self.not(),
            Token::LBracket => self.nud_bracket(),
            Token::Expref => self.expref(),
            other => Err(self.unexpected(&other, offset)),
        }
    }

    /// A token after a complete left side ("left denotation").
    fn led(&mut self, left: Ast) -> Result<Ast, ExprError> {
        let offset = self.offset();
        match self.advance() {
            Token::Dot => self.dot(left),
            Token::Pipe => self.pipe(left),
            Token::Or => self.or(left),
            Token::And => self.and(left),
            Token::Compare(op) => self.comparison(op, left),
            Token::LParen => self.call(left, offset),
            Token::Filter => self.filter(left),
            Token::Flatten => self.flatten(left),
            Token::LBracket => self.led_bracket(left),
            other => Err(self.unexpected(&other, offset)),
        }
    }

    #[cold]
    fn unexpected(&self, token: &Token, offset: usize) -> ExprError {
        ExprError::new(
            self.expression,
            ErrorKind::Syntax,
            offset,
            &format!("unexpected {token}"),
        )
    }

    /// `"name"`, which cannot be a function name.
    fn quoted_field(&mut self, name: String) -> Result<Ast, ExprError> {
        if *self.peek() == Token::LParen {
            return Err(self.error("a function name cannot be quoted"));
        }
        self.node(Kind::Field(name))
    }

    /// `*` at the start: the values of the current object.
    fn nud_star(&mut self) -> Result<Ast, ExprError> {
        // `[a, *]`: nothing to project.
        let rhs = if *self.peek() == Token::RBracket {
            Ast::identity()
        } else {
            self.projection_rhs(binding_power(&Token::Star))?
        };
        self.value_projection(Ast::identity(), rhs)
    }

    fn parenthesized(&mut self) -> Result<Ast, ExprError> {
        let inner = self.expression(0)?;
        self.expect(&Token::RParen)?;
        Ok(inner)
    }

    /// `left[]` and what is projected on the result.
    fn flatten(&mut self, left: Ast) -> Result<Ast, ExprError> {
        let lhs = self.node(Kind::Flatten(Box::new(left)))?;
        let rhs = self.projection_rhs(binding_power(&Token::Flatten))?;
        self.projection(lhs, rhs)
    }

    fn not(&mut self) -> Result<Ast, ExprError> {
        let inner = self.expression(binding_power(&Token::Not))?;
        self.node(Kind::Not(Box::new(inner)))
    }

    /// `[` at the start: an index, a slice, `[*]` or a multi-select list.
    fn nud_bracket(&mut self) -> Result<Ast, ExprError> {
        match (self.peek(), self.peek_at(1)) {
            (Token::Number(_) | Token::Colon, _) => {
                let index = self.index_or_slice()?;
                self.index_expression(Ast::identity(), index)
            }
            (Token::Star, Token::RBracket) => {
                self.advance();
                self.advance();
                let rhs = self.projection_rhs(binding_power(&Token::Star))?;
                self.projection(Ast::identity(), rhs)
            }
            _ => self.multi_select_list(),
        }
    }

    fn expref(&mut self) -> Result<Ast, ExprError> {
        let inner = self.expression(0)?;
        self.node(Kind::Expref(Box::new(inner)))
    }

    /// `left.` followed by `*`, an identifier, a function call or a
    /// multi-select.
    fn dot(&mut self, left: Ast) -> Result<Ast, ExprError> {
        if *self.peek() == Token::Star {
            self.advance();
            let rhs = self.projection_rhs(binding_power(&Token::Dot))?;
            self.value_projection(left, rhs)
        } else {
            let rhs = self.dot_rhs(binding_power(&Token::Dot))?;
            self.checked(Ast::chain(left, rhs))
        }
    }

    fn pipe(&mut self, left: Ast) -> Result<Ast, ExprError> {
        let rhs = self.expression(binding_power(&Token::Pipe))?;
        self.checked(Ast::chain(left, rhs))
    }

    fn or(&mut self, left: Ast) -> Result<Ast, ExprError> {
        let rhs = self.expression(binding_power(&Token::Or))?;
        self.node(Kind::Or(Box::new(left), Box::new(rhs)))
    }

    fn and(&mut self, left: Ast) -> Result<Ast, ExprError> {
        let rhs = self.expression(binding_power(&Token::And))?;
        self.node(Kind::And(Box::new(left), Box::new(rhs)))
    }

    fn comparison(&mut self, op: Comparator, left: Ast) -> Result<Ast, ExprError> {
        let rhs = self.expression(binding_power(&Token::Compare(op)))?;
        self.node(Kind::Compare(op, Box::new(left), Box::new(rhs)))
    }

    /// `left[`: an index, a slice or `[*]`.
    fn led_bracket(&mut self, left: Ast) -> Result<Ast, ExprError> {
        if matches!(self.peek(), Token::Number(_) | Token::Colon) {
            let index = self.index_or_slice()?;
            self.index_expression(left, index)
        } else {
            self.expect(&Token::Star)?;
            self.expect(&Token::RBracket)?;
            let rhs = self.projection_rhs(binding_power(&Token::Star))?;
            self.projection(left, rhs)
        }
    }

    fn projection(&self, lhs: Ast, rhs: Ast) -> Result<Ast, ExprError> {
        self.node(Kind::Projection {
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        })
    }

    fn value_projection(&self, lhs: Ast, rhs: Ast) -> Result<Ast, ExprError> {
        self.node(Kind::ValueProjection {
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        })
    }

    /// `[?condition]` after `lhs`, and what is projected on the matches.
    fn filter(&mut self, lhs: Ast) -> Result<Ast, ExprError> {
        let condition = self.expression(0)?;
        self.expect(&Token::RBracket)?;
        let rhs = self.projection_rhs(binding_power(&Token::Filter))?;
        self.node(Kind::Filter {
            lhs: Box::new(lhs),
            condition: Box::new(condition),
            rhs: Box::new(rhs),
        })
    }

    /// `left[n]` is an index; `left[a:b]` projects what follows onto the slice.
    fn index_expression(&mut self, left: Ast, index: Ast) -> Result<Ast, ExprError> {
        let is_slice = matches!(index.kind, Kind::Slice(_));
        let indexed = self.checked(Ast::chain(left, index))?;
        if is_slice {
            let rhs = self.projection_rhs(binding_power(&Token::Star))?;
            self.projection(indexed, rhs)
        } else {
            Ok(indexed)
        }
    }

    /// After `[`, with a number or `:` next: `n]` or `start:stop:step]`.
    fn index_or_slice(&mut self) -> Result<Ast, ExprError> {
        if *self.peek() != Token::Colon && *self.peek_at(1) != Token::Colon {
            let Token::Number(n) = self.advance() else {
                return Err(self.error("expected an index"));
            };
            self.expect(&Token::RBracket)?;
            return self.node(Kind::Index(n));
        }
        let mut parts = [None; 3];
        let mut part = 0;
        loop {
            match self.peek() {
                Token::RBracket => break,
                Token::Colon if part < 2 => {
                    part += 1;
                    self.advance();
                }
                Token::Number(n) if parts[part].is_none() => {
                    parts[part] = Some(*n);
                    self.advance();
                }
                other => {
                    return Err(self.error(&format!("unexpected {other} in a slice")));
                }
            }
        }
        let step = parts[2].unwrap_or(1);
        if step == 0 {
            return Err(self.error_of(ErrorKind::InvalidValue, "a slice step cannot be 0"));
        }
        self.advance();
        self.node(Kind::Slice(Slice {
            start: parts[0],
            stop: parts[1],
            step,
        }))
    }

    /// What a projection applies to each element: nothing if the next
    /// token ends the projection, else `[...]`, `[?...]` or `.rhs`.
    fn projection_rhs(&mut self, power: u8) -> Result<Ast, ExprError> {
        let next = self.peek();
        if binding_power(next) < PROJECTION_STOP {
            return Ok(Ast::identity());
        }
        match next {
            Token::LBracket | Token::Filter => self.expression(power),
            Token::Dot => {
                self.advance();
                self.dot_rhs(power)
            }
            other => Err(self.error(&format!("unexpected {other} after a projection"))),
        }
    }

    /// What may follow a `.`: an identifier (or function call), `*`, a
    /// multi-select list or a multi-select hash.
    fn dot_rhs(&mut self, power: u8) -> Result<Ast, ExprError> {
        match self.peek() {
            Token::Identifier(_) | Token::QuotedIdentifier(_) | Token::Star => {
                self.expression(power)
            }
            Token::LBracket => {
                self.advance();
                self.multi_select_list()
            }
            Token::LBrace => {
                self.advance();
                self.multi_select_hash()
            }
            other => Err(self.error(&format!(
                "expected an identifier, `*`, `[` or `{{` after `.`, found {other}"
            ))),
        }
    }

    /// After `[`: `a, b, ...]`.
    fn multi_select_list(&mut self) -> Result<Ast, ExprError> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            if *self.peek() == Token::RBracket {
                self.advance();
                return self.node(Kind::MultiList(items));
            }
            self.expect(&Token::Comma)?;
        }
    }

    /// After `{`: `key: value, ...}`.
    fn multi_select_hash(&mut self) -> Result<Ast, ExprError> {
        let mut pairs = Vec::new();
        loop {
            let key = match self.advance() {
                Token::Identifier(key) | Token::QuotedIdentifier(key) => key,
                other => {
                    return Err(self.error(&format!("expected a key, found {other}")));
                }
            };
            self.expect(&Token::Colon)?;
            pairs.push((key, self.expression(0)?));
            match self.advance() {
                Token::Comma => {}
                Token::RBrace => return self.node(Kind::MultiHash(pairs)),
                other => {
                    return Err(self.error(&format!("expected `,` or `}}`, found {other}")));
                }
            }
        }
    }

    /// `name(args...)` with `left` the name; the function must exist and
    /// take that many arguments.
    fn call(&mut self, left: Ast, offset: usize) -> Result<Ast, ExprError> {
        let Kind::Field(name) = &left.kind else {
            return Err(ExprError::new(
                self.expression,
                ErrorKind::Syntax,
                offset,
                "`(` after something that is not a function name",
            ));
        };
        let mut args = Vec::new();
        if *self.peek() == Token::RParen {
            self.advance();
        } else {
            loop {
                args.push(self.expression(0)?);
                match self.advance() {
                    Token::Comma => {}
                    Token::RParen => break,
                    other => {
                        return Err(self.error(&format!("expected `,` or `)`, found {other}")));
                    }
                }
            }
        }
        let at = |kind, message: String| ExprError::new(self.expression, kind, offset, &message);
        let Some(function) = Function::lookup(name) else {
            return Err(at(
                ErrorKind::UnknownFunction,
                format!("unknown function `{name}()`"),
            ));
        };
        if let Err(message) = function.check_arity(args.len()) {
            return Err(at(ErrorKind::InvalidArity, message));
        }
        self.node(Kind::Call(function, args))
    }
}
