//! Precedence-climbing parser over the token list. Everything that can be
//! checked statically (function names, arity, `count`/`sum`/`position`
//! arguments, literal regex patterns) is checked here, so evaluation never
//! has to report an error.

use super::ParseError;
use super::ast::{Aggregate, BinOp, Func, Node, Pattern, Ref};
use super::lexer::{Tok, Token, tokenize};

/// Deepest tree we build. Evaluation, printing and dropping recurse over
/// the tree, so this bounds their stack use; real forms stay far below it.
const MAX_DEPTH: u32 = 1000;
/// Deepest nesting of parentheses and calls, which bounds parser recursion.
const MAX_NESTING: u32 = 100;

pub(crate) fn parse(src: &str) -> Result<Node, ParseError> {
    let toks = tokenize(src)?;
    if toks.is_empty() {
        return Err(err(0, "empty expression"));
    }
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        nesting: 0,
    };
    let (node, _) = p.expr(1)?;
    if let Some(t) = p.toks.get(p.pos) {
        return Err(err(t.start, format!("unexpected '{}'", p.text(t))));
    }
    Ok(node)
}

fn err(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        offset,
        message: message.into(),
    }
}

/// A parsed sub-tree with its depth, tracked so the limit costs nothing.
type Parsed = (Node, u32);

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    nesting: u32,
}

impl Parser<'_> {
    fn text(&self, t: &Token) -> &str {
        &self.src[t.start..t.end]
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    /// Offset of the next token, or the end of the source.
    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |t| t.start)
    }

    /// An error about whatever comes next: the token's text, or the end.
    fn unexpected(&self) -> ParseError {
        match self.toks.get(self.pos) {
            Some(t) => err(t.start, format!("unexpected '{}'", self.text(t))),
            None => err(self.src.len(), "unexpected end of expression"),
        }
    }

    fn check_depth(&self, depth: u32, offset: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            Err(err(offset, "expression is nested too deeply"))
        } else {
            Ok(())
        }
    }

    fn enter(&mut self, offset: usize) -> Result<(), ParseError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(err(offset, "expression is nested too deeply"));
        }
        Ok(())
    }

    /// Only called after an operand, so a name here is an operator word.
    fn peek_binop(&self) -> Option<BinOp> {
        Some(match self.peek()? {
            Tok::Plus => BinOp::Add,
            Tok::Minus => BinOp::Sub,
            Tok::Star => BinOp::Mul,
            Tok::Eq => BinOp::Eq,
            Tok::Ne => BinOp::Ne,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::Name(n) => match n.as_str() {
                "or" => BinOp::Or,
                "and" => BinOp::And,
                "div" => BinOp::Div,
                "mod" => BinOp::Mod,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// Binary operators of precedence `min_prec` and above, left-associative.
    fn expr(&mut self, min_prec: u8) -> Result<Parsed, ParseError> {
        let (mut lhs, mut depth) = self.unary()?;
        while let Some(op) = self.peek_binop() {
            let prec = op.precedence();
            if prec < min_prec {
                break;
            }
            let at = self.here();
            self.pos += 1;
            let (rhs, rdepth) = self.expr(prec + 1)?;
            depth = 1 + depth.max(rdepth);
            if depth > MAX_DEPTH {
                // Left-associative chains make the tree as deep as they are
                // long: say so, rather than "nested" for a flat sum.
                return Err(err(
                    at,
                    format!(
                        "expression too long: more than {MAX_DEPTH} operators in a row; \
                         split it over several calculate questions"
                    ),
                ));
            }
            lhs = Node::Binary(op, Box::new(lhs), Box::new(rhs));
        }
        Ok((lhs, depth))
    }

    /// Unary minus, iteratively so that `------1` costs no stack.
    fn unary(&mut self) -> Result<Parsed, ParseError> {
        let start = self.here();
        let mut negations = 0u32;
        while self.peek() == Some(&Tok::Minus) {
            negations += 1;
            self.pos += 1;
        }
        let (mut node, depth) = self.primary()?;
        let depth = depth + negations;
        self.check_depth(depth, start)?;
        for _ in 0..negations {
            node = Node::Neg(Box::new(node));
        }
        Ok((node, depth))
    }

    fn primary(&mut self) -> Result<Parsed, ParseError> {
        let Some(t) = self.toks.get(self.pos) else {
            return Err(self.unexpected());
        };
        let start = t.start;
        let node = match &t.tok {
            Tok::Question(n) => Node::Ref(Ref::Question(n.clone())),
            Tok::Resident(n) => Node::Ref(Ref::Resident(n.clone())),
            Tok::Dot => Node::Ref(Ref::Current),
            Tok::Number(n) => Node::Number(*n),
            Tok::Str(s) => Node::Text(s.clone()),
            Tok::DotDot => {
                return Err(err(
                    start,
                    "'..' is only allowed as the argument of position()",
                ));
            }
            Tok::LParen => {
                self.pos += 1;
                self.enter(start)?;
                let inner = self.expr(1)?;
                self.nesting -= 1;
                self.close(start)?;
                return Ok(inner);
            }
            Tok::Name(n) => {
                if matches!(self.toks.get(self.pos + 1), Some(t) if t.tok == Tok::LParen) {
                    let name = n.clone();
                    return self.call(name, start);
                }
                Node::Ref(Ref::ChoiceField(n.clone()))
            }
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok((node, 1))
    }

    /// Expects the `)` matching the `(` at `open`.
    fn close(&mut self, open: usize) -> Result<(), ParseError> {
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
            return Ok(());
        }
        let found = match self.toks.get(self.pos) {
            Some(t) => format!("'{}'", self.text(t)),
            None => "end of expression".to_string(),
        };
        Err(err(
            self.here(),
            format!("expected ')' to close '(' at {open}, found {found}"),
        ))
    }

    /// A call; the current token is the function name, followed by `(`.
    fn call(&mut self, name: String, at: usize) -> Result<Parsed, ParseError> {
        enum Kind {
            Plain(Func),
            Agg(Aggregate),
        }
        let kind = match name.as_str() {
            "count" => Kind::Agg(Aggregate::Count),
            "sum" => Kind::Agg(Aggregate::Sum),
            "position" => return self.position(at),
            _ => match Func::from_name(&name) {
                Some(f) => Kind::Plain(f),
                None => return Err(err(at, format!("unknown function '{name}'"))),
            },
        };
        let open = self.toks[self.pos + 1].start;
        self.pos += 2;
        self.enter(open)?;

        let mut args = Vec::new();
        let mut starts = Vec::new();
        let mut depth = 0;
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
        } else {
            loop {
                starts.push(self.here());
                let (arg, d) = self.expr(1)?;
                args.push(arg);
                depth = depth.max(d);
                match self.peek() {
                    Some(Tok::Comma) => self.pos += 1,
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        let found = match self.toks.get(self.pos) {
                            Some(t) => format!("'{}'", self.text(t)),
                            None => "end of expression".to_string(),
                        };
                        return Err(err(
                            self.here(),
                            format!("expected ',' or ')' to close '(' at {open}, found {found}"),
                        ));
                    }
                }
            }
        }
        self.nesting -= 1;
        let depth = depth + 1;
        self.check_depth(depth, at)?;

        let node = match kind {
            Kind::Agg(agg) => {
                check_arity(agg.name(), (1, Some(1)), args.len(), at)?;
                match args.pop() {
                    Some(Node::Ref(Ref::Question(q))) => Node::Aggregate(agg, q),
                    _ => {
                        return Err(err(
                            starts[0],
                            format!(
                                "'{}' takes a ${{name}} reference as its argument",
                                agg.name()
                            ),
                        ));
                    }
                }
            }
            Kind::Plain(f) => {
                check_arity(f.name(), f.arity(), args.len(), at)?;
                match (f, &args[..]) {
                    (Func::Regex, [_, Node::Text(p)]) => {
                        let re = regex::Regex::new(p).map_err(|e| {
                            err(
                                starts[1],
                                format!("invalid regex pattern: {}", regex_reason(&e)),
                            )
                        })?;
                        let subject = args.swap_remove(0);
                        Node::RegexLiteral(Box::new(subject), Pattern(re))
                    }
                    _ => Node::Call(f, args),
                }
            }
        };
        Ok((node, depth))
    }

    /// `position(..)`: `..` is not an expression, so it is matched here
    /// rather than parsed as an argument.
    fn position(&mut self, at: usize) -> Result<Parsed, ParseError> {
        let open = self.toks[self.pos + 1].start;
        self.pos += 2;
        match self.peek() {
            Some(Tok::DotDot) => self.pos += 1,
            Some(Tok::RParen) => return Err(err(at, "'position' takes 1 argument, got 0")),
            _ => {
                return Err(err(
                    self.here(),
                    "position() only accepts '..' as its argument",
                ));
            }
        }
        self.close(open)?;
        Ok((Node::Position, 1))
    }
}

/// The regex crate's messages span several lines with a caret diagram;
/// the last line says what is wrong.
fn regex_reason(e: &regex::Error) -> String {
    let s = e.to_string();
    s.lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim().to_string())
        .unwrap_or_else(|| s.lines().next().unwrap_or("").to_string())
}

fn check_arity(
    name: &str,
    (min, max): (usize, Option<usize>),
    got: usize,
    at: usize,
) -> Result<(), ParseError> {
    if got >= min && max.is_none_or(|m| got <= m) {
        return Ok(());
    }
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let wanted = match max {
        Some(m) if m == min => format!("{min} {}", plural(min)),
        Some(m) if m == min + 1 => format!("{min} or {m} arguments"),
        Some(m) => format!("{min} to {m} arguments"),
        None => format!("at least {min} {}", plural(min)),
    };
    Err(err(at, format!("'{name}' takes {wanted}, got {got}")))
}
