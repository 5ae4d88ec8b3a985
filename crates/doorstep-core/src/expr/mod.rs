//! The expression language: the XLSForm/ODK subset used in `relevant`,
//! `constraint`, `calculation`, `choice_filter` and label interpolation.
//!
//! Expressions are parsed once, when the questionnaire loads; all errors
//! (syntax, unknown functions, arity, bad literal regexes) surface then.
//! Evaluation is total: it follows XPath 1.0 / ODK conversions and never
//! fails, so an unanswered question simply reads as [`Value::Empty`].

mod ast;
mod eval;
mod functions;
mod lexer;
mod parser;
mod print;
mod value;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use std::fmt;

pub use ast::{Ref, RefUse};
pub use value::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the expression source where the problem starts.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// What an expression can read while it is evaluated.
pub trait Env {
    /// `${name}` as seen from the current scope (inside a repeat: its own instance).
    fn question(&self, name: &str) -> Value;
    /// `${resident.attr}`
    fn resident(&self, attr: &str) -> Value;
    /// `.`
    fn current(&self) -> Value;
    /// A bare name in a choice filter.
    fn choice_field(&self, name: &str) -> Value;
    /// One value per repeat instance for `count(${name})` / `sum(${name})`.
    /// For the name of a repeat section, one `Value::Empty` per instance.
    fn aggregate(&self, name: &str) -> Vec<Value>;
    /// `position(..)`: 1-based index of the current repeat instance.
    fn position(&self) -> Option<usize>;
    fn today(&self) -> NaiveDate;
}

/// A parsed expression. Equality compares syntax trees, so
/// `parse(&e.to_string()) == Ok(e)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: ast::Node,
}

pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parser::parse(src).map(|root| Expr { root })
}

impl Expr {
    /// How deep evaluating the expression recurses (the tree's height).
    pub fn depth(&self) -> u32 {
        self.root.depth()
    }

    /// Everything the expression reads, each distinct use once, in order of
    /// first appearance. A name used both plainly and inside `count()`/`sum()`
    /// appears twice, once with each `aggregated` flag.
    pub fn references(&self) -> Vec<RefUse> {
        let mut out: Vec<RefUse> = Vec::new();
        self.root.walk(&mut |n| {
            let used = match n {
                ast::Node::Ref(r) => RefUse {
                    reference: r.clone(),
                    aggregated: false,
                },
                ast::Node::Aggregate(_, name) => RefUse {
                    reference: Ref::Question(name.clone()),
                    aggregated: true,
                },
                _ => return,
            };
            if !out.contains(&used) {
                out.push(used);
            }
        });
        out
    }

    /// Names of the functions called, each once, in order of first use
    /// (e.g. to reject `today()` where a stable value is required).
    pub fn functions(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        self.root.walk(&mut |n| {
            let name = match n {
                ast::Node::Call(f, _) => f.name(),
                ast::Node::Aggregate(a, _) => a.name(),
                ast::Node::Position => "position",
                ast::Node::RegexLiteral(..) => "regex",
                _ => return,
            };
            if !out.contains(&name) {
                out.push(name);
            }
        });
        out
    }

    pub fn eval(&self, env: &dyn Env) -> Value {
        eval::eval(&self.root, env)
    }

    /// `eval` then XPath boolean(): what `relevant` and `constraint` need.
    pub fn eval_bool(&self, env: &dyn Env) -> bool {
        self.eval(env).truthy()
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}
