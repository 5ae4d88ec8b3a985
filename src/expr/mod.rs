//! The expression language: the XLSForm/ODK subset used in `relevant`,
//! `constraint`, `calculation`, `choice_filter` and label interpolation.
//!
//! PLACEHOLDER API: the real parser and evaluator replace this file.

use chrono::NaiveDate;
use std::fmt;

/// A value as expressions see it. ODK is weakly typed; conversions follow it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Unanswered, not relevant, or a special response.
    Empty,
    Bool(bool),
    Number(f64),
    Text(String),
    Date(NaiveDate),
}

impl Value {
    /// XPath boolean(): empty and "" and 0/NaN are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Empty => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Text(s) => !s.is_empty(),
            Value::Date(_) => true,
        }
    }
}

/// Something an expression reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref {
    /// `${name}`
    Question(String),
    /// `${resident.attr}`
    Resident(String),
    /// `.` — the answer being checked (constraints).
    Current,
    /// A bare name, e.g. `county` in a choice filter: a field of the choice.
    ChoiceField(String),
}

/// A reference together with how it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUse {
    pub reference: Ref,
    /// True when the reference is the argument of `count()` or `sum()`,
    /// i.e. it reads every instance of a repeat rather than one value.
    pub aggregated: bool,
}

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

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    _private: (),
}

pub fn parse(_src: &str) -> Result<Expr, ParseError> {
    Err(ParseError {
        offset: 0,
        message: "expression parser not yet implemented".into(),
    })
}

impl Expr {
    pub fn references(&self) -> Vec<RefUse> {
        Vec::new()
    }
    pub fn eval(&self, _env: &dyn Env) -> Value {
        Value::Empty
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}
