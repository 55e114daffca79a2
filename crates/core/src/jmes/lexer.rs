//! Splits an expression into tokens, following the lexical rules of the
//! JMESPath specification (and of jmespath.py, botocore's implementation,
//! where the specification leaves room).

use std::fmt;

use serde_json::Value as Json;

use super::ast::Comparator;
use super::error::{ErrorKind, ExprError};

/// One token of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    /// `foo`: an unquoted identifier.
    Identifier(String),
    /// `"foo"`: a quoted identifier, JSON escapes decoded.
    QuotedIdentifier(String),
    /// `-12`: an index or slice bound (saturated to the `i64` range).
    Number(i64),
    /// `` `json` `` or `'raw string'`.
    Literal(Json),
    /// `.`
    Dot,
    /// `*`
    Star,
    /// `[]`
    Flatten,
    /// `[?`
    Filter,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `@`
    At,
    /// `&` (an expression reference)
    Expref,
    /// `|`
    Pipe,
    /// `||`
    Or,
    /// `&&`
    And,
    /// `!`
    Not,
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`
    Compare(Comparator),
    /// The end of the expression.
    Eof,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Identifier(name) => write!(f, "identifier `{name}`"),
            Token::QuotedIdentifier(name) => write!(f, "quoted identifier {name:?}"),
            Token::Number(n) => write!(f, "number {n}"),
            Token::Literal(_) => f.write_str("literal"),
            Token::Dot => f.write_str("`.`"),
            Token::Star => f.write_str("`*`"),
            Token::Flatten => f.write_str("`[]`"),
            Token::Filter => f.write_str("`[?`"),
            Token::LBracket => f.write_str("`[`"),
            Token::RBracket => f.write_str("`]`"),
            Token::LBrace => f.write_str("`{`"),
            Token::RBrace => f.write_str("`}`"),
            Token::LParen => f.write_str("`(`"),
            Token::RParen => f.write_str("`)`"),
            Token::Comma => f.write_str("`,`"),
            Token::Colon => f.write_str("`:`"),
            Token::At => f.write_str("`@`"),
            Token::Expref => f.write_str("`&`"),
            Token::Pipe => f.write_str("`|`"),
            Token::Or => f.write_str("`||`"),
            Token::And => f.write_str("`&&`"),
            Token::Not => f.write_str("`!`"),
            Token::Compare(c) => write!(f, "`{}`", c.as_str()),
            Token::Eof => f.write_str("the end of the expression"),
        }
    }
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Spanned {
    /// The token.
    pub token: Token,
    /// Where it starts in the expression.
    pub offset: usize,
}

/// The tokens of `expression`, ending with [`Token::Eof`].
pub(super) fn tokenize(expression: &str) -> Result<Vec<Spanned>, ExprError> {
    let mut lexer = Lexer {
        src: expression,
        pos: 0,
    };
    let mut tokens = Vec::new();
    loop {
        let spanned = lexer.next_token()?;
        let end = spanned.token == Token::Eof;
        tokens.push(spanned);
        if end {
            return Ok(tokens);
        }
    }
}

struct Lexer<'s> {
    src: &'s str,
    /// Byte offset of the next character.
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes `c` if it is next.
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn error(&self, offset: usize, message: &str) -> ExprError {
        ExprError::new(self.src, ErrorKind::Syntax, offset, message)
    }

    fn next_token(&mut self) -> Result<Spanned, ExprError> {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
        let offset = self.pos;
        let Some(c) = self.bump() else {
            return Ok(Spanned {
                token: Token::Eof,
                offset,
            });
        };
        let token = match c {
            '.' => Token::Dot,
            '*' => Token::Star,
            ']' => Token::RBracket,
            '{' => Token::LBrace,
            '}' => Token::RBrace,
            '(' => Token::LParen,
            ')' => Token::RParen,
            ',' => Token::Comma,
            ':' => Token::Colon,
            '@' => Token::At,
            '[' if self.eat(']') => Token::Flatten,
            '[' if self.eat('?') => Token::Filter,
            '[' => Token::LBracket,
            '|' if self.eat('|') => Token::Or,
            '|' => Token::Pipe,
            '&' if self.eat('&') => Token::And,
            '&' => Token::Expref,
            '!' if self.eat('=') => Token::Compare(Comparator::Ne),
            '!' => Token::Not,
            '<' if self.eat('=') => Token::Compare(Comparator::Le),
            '<' => Token::Compare(Comparator::Lt),
            '>' if self.eat('=') => Token::Compare(Comparator::Ge),
            '>' => Token::Compare(Comparator::Gt),
            '=' if self.eat('=') => Token::Compare(Comparator::Eq),
            '=' => return Err(self.error(offset, "`=` is not an operator (use `==`)")),
            'a'..='z' | 'A'..='Z' | '_' => {
                while matches!(self.peek(), Some('a'..='z' | 'A'..='Z' | '0'..='9' | '_')) {
                    self.pos += 1;
                }
                Token::Identifier(self.src[offset..self.pos].to_string())
            }
            '0'..='9' | '-' => self.number(offset)?,
            '"' => self.quoted_identifier(offset)?,
            '\'' => self.raw_string(offset)?,
            '`' => self.literal(offset)?,
            other => return Err(self.error(offset, &format!("unexpected character {other:?}"))),
        };
        Ok(Spanned { token, offset })
    }

    /// `-?[0-9]+`, the first character consumed.
    fn number(&mut self, offset: usize) -> Result<Token, ExprError> {
        while matches!(self.peek(), Some('0'..='9')) {
            self.pos += 1;
        }
        let text = &self.src[offset..self.pos];
        if text == "-" {
            return Err(self.error(offset, "`-` must be followed by digits"));
        }
        // Only overflow can fail here: an index that large is out of range
        // whatever its exact value, so saturate.
        let n = text.parse::<i64>().unwrap_or(if text.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        });
        Ok(Token::Number(n))
    }

    /// The text up to the next unescaped `delim` (the opening one consumed),
    /// escapes left as they are; the closing `delim` is consumed.
    fn delimited(&mut self, delim: char, offset: usize) -> Result<&str, ExprError> {
        let start = self.pos;
        loop {
            match self.bump() {
                None => return Err(self.error(offset, &format!("unclosed {delim}"))),
                // A backslash escapes the next character, whatever it is.
                Some('\\') => {
                    if self.bump().is_none() {
                        return Err(self.error(offset, &format!("unclosed {delim}")));
                    }
                }
                Some(c) if c == delim => return Ok(&self.src[start..self.pos - 1]),
                Some(_) => {}
            }
        }
    }

    /// `"..."`: JSON string syntax.
    fn quoted_identifier(&mut self, offset: usize) -> Result<Token, ExprError> {
        let raw = self.delimited('"', offset)?;
        serde_json::from_str::<String>(&format!("\"{raw}\""))
            .map(Token::QuotedIdentifier)
            .map_err(|e| self.error(offset, &format!("invalid quoted identifier: {e}")))
    }

    /// `'...'`: only `\'` is an escape; other backslashes are kept.
    fn raw_string(&mut self, offset: usize) -> Result<Token, ExprError> {
        let raw = self.delimited('\'', offset)?;
        Ok(Token::Literal(Json::String(raw.replace("\\'", "'"))))
    }

    /// `` `...` ``: JSON with `` \` `` for a backtick. Text that is not JSON
    /// is read as the contents of a JSON string, the deprecated form that
    /// jmespath.py still accepts (`` `foo` `` is `"foo"`).
    fn literal(&mut self, offset: usize) -> Result<Token, ExprError> {
        let raw = self.delimited('`', offset)?.replace("\\`", "`");
        if let Ok(json) = serde_json::from_str::<Json>(&raw) {
            return Ok(Token::Literal(json));
        }
        serde_json::from_str::<String>(&format!("\"{}\"", raw.trim_start()))
            .map(|s| Token::Literal(Json::String(s)))
            .map_err(|_| self.error(offset, "invalid JSON literal"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(expression: &str) -> Vec<Token> {
        tokenize(expression)
            .unwrap()
            .into_iter()
            .map(|s| s.token)
            .collect()
    }

    #[test]
    fn splits_operators_and_literals() {
        assert_eq!(
            tokens("a[?b<=`1`]||'x\\'y'"),
            vec![
                Token::Identifier("a".into()),
                Token::Filter,
                Token::Identifier("b".into()),
                Token::Compare(Comparator::Le),
                Token::Literal(Json::from(1)),
                Token::RBracket,
                Token::Or,
                Token::Literal(Json::from("x'y")),
                Token::Eof,
            ]
        );
        assert_eq!(
            tokens("foo[] [ -3 \"a\\\"b\" `bar`"),
            vec![
                Token::Identifier("foo".into()),
                Token::Flatten,
                Token::LBracket,
                Token::Number(-3),
                Token::QuotedIdentifier("a\"b".into()),
                Token::Literal(Json::from("bar")),
                Token::Eof,
            ]
        );
        assert_eq!(
            tokens("[99999999999999999999999]")[1],
            Token::Number(i64::MAX)
        );
    }

    #[test]
    fn rejects_bad_input_with_offsets() {
        for (bad, offset) in [
            ("a = b", 2),
            ("'open", 0),
            ("\"\\u\"", 0),
            ("`\"a`", 0),
            ("a#", 1),
            ("-", 0),
            ("\"\\", 0),
            ("é", 0),
        ] {
            let err = tokenize(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Syntax, "{bad}");
            assert!(
                err.message.ends_with(&format!("(at offset {offset})")),
                "{bad}: {}",
                err.message
            );
        }
    }
}
