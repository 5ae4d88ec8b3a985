//! Tokens of the XPath subset. Operator words (`and`, `or`, `div`, `mod`)
//! come out as plain names; the parser decides from position whether a name
//! is an operator or an operand, as XPath does.

use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// `${name}`
    Question(String),
    /// `${resident.attr}`
    Resident(String),
    Name(String),
    Number(f64),
    Str(String),
    Dot,
    DotDot,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Byte offsets of the token in the source.
    pub start: usize,
    pub end: usize,
}

fn err(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        offset,
        message: message.into(),
    }
}

pub(crate) fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

pub(crate) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

pub(crate) fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(is_name_start) && cs.all(is_name_char)
}

pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while let Some(c) = src[i..].chars().next() {
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            ',' => (Tok::Comma, 1),
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            '*' => (Tok::Star, 1),
            '=' => (Tok::Eq, 1),
            '!' if next == Some(b'=') => (Tok::Ne, 2),
            '<' if next == Some(b'=') => (Tok::Le, 2),
            '<' => (Tok::Lt, 1),
            '>' if next == Some(b'=') => (Tok::Ge, 2),
            '>' => (Tok::Gt, 1),
            '.' if next == Some(b'.') => (Tok::DotDot, 2),
            '.' if next.is_some_and(|b| b.is_ascii_digit()) => number(src, i)?,
            '.' => (Tok::Dot, 1),
            '0'..='9' => number(src, i)?,
            '\'' | '"' => {
                let body = &src[i + 1..];
                let close = body
                    .find(c)
                    .ok_or_else(|| err(start, "unterminated string"))?;
                (Tok::Str(body[..close].to_string()), close + 2)
            }
            '$' => reference(src, i)?,
            c if is_name_start(c) => {
                let len = src[i..]
                    .find(|c: char| !is_name_char(c))
                    .unwrap_or(src.len() - i);
                (Tok::Name(src[i..i + len].to_string()), len)
            }
            c => return Err(err(start, format!("unexpected character '{c}'"))),
        };
        i += len;
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

/// XPath Number: Digits ('.' Digits?)? | '.' Digits — no sign, no exponent.
fn number(src: &str, start: usize) -> Result<(Tok, usize), ParseError> {
    let b = src.as_bytes();
    let mut i = start;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let text = &src[start..i];
    // Digits with at most one dot always parse ("3." too), but may overflow;
    // an infinite literal could not be printed back as a number.
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((Tok::Number(n), i - start)),
        _ => Err(err(start, format!("number '{text}' is too large"))),
    }
}

fn reference(src: &str, start: usize) -> Result<(Tok, usize), ParseError> {
    let rest = &src[start..];
    if !rest.starts_with("${") {
        return Err(err(start, "unexpected character '$'"));
    }
    let Some(close) = rest.find('}') else {
        return Err(err(start, "unterminated reference: missing '}'"));
    };
    let inner = &rest[2..close];
    let len = close + 1;
    let text = &rest[..len];
    if inner.is_empty() {
        return Err(err(start, "empty reference '${}'"));
    }
    if let Some(attr) = inner.strip_prefix("resident.") {
        if is_name(attr) {
            return Ok((Tok::Resident(attr.to_string()), len));
        }
        return Err(err(
            start,
            format!("invalid resident attribute in '{text}'"),
        ));
    }
    if is_name(inner) {
        Ok((Tok::Question(inner.to_string()), len))
    } else {
        Err(err(start, format!("invalid question name in '{text}'")))
    }
}
