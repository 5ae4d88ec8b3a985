//! Canonical source form. Parentheses appear only where precedence or left
//! associativity needs them, so `parse(&e.to_string()) == Ok(e)`.

use std::fmt::{self, Write};

use super::ast::{Node, PREC_UNARY, Ref};
use super::value::number_to_text;

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Ref(r) => match r {
                Ref::Question(n) => write!(f, "${{{n}}}"),
                Ref::Resident(n) => write!(f, "${{resident.{n}}}"),
                Ref::Current => f.write_char('.'),
                Ref::ChoiceField(n) => f.write_str(n),
            },
            // Literals are finite and non-negative, where XPath's and Rust's
            // shortest round-trip forms agree.
            Node::Number(n) => f.write_str(&number_to_text(*n)),
            Node::Text(s) => quoted(f, s),
            Node::Neg(x) => {
                f.write_char('-')?;
                operand(f, x, x.precedence() < PREC_UNARY)
            }
            Node::Binary(op, l, r) => {
                let p = op.precedence();
                operand(f, l, l.precedence() < p)?;
                write!(f, " {} ", op.symbol())?;
                // Equal precedence on the right needs parentheses: the
                // parser associates to the left.
                operand(f, r, r.precedence() <= p)
            }
            Node::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_char(')')
            }
            Node::Aggregate(agg, name) => write!(f, "{}(${{{name}}})", agg.name()),
            Node::Position => f.write_str("position(..)"),
            Node::RegexLiteral(subject, pattern) => {
                write!(f, "regex({subject}, ")?;
                quoted(f, pattern.0.as_str())?;
                f.write_char(')')
            }
        }
    }
}

fn operand(f: &mut fmt::Formatter<'_>, n: &Node, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({n})")
    } else {
        write!(f, "{n}")
    }
}

/// XPath strings have no escapes, so the quote is chosen to fit the text.
/// Text holding both quote characters cannot come from the parser.
fn quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    let q = if s.contains('\'') { '"' } else { '\'' };
    write!(f, "{q}{s}{q}")
}
