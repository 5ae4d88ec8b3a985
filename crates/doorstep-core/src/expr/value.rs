//! Values and the XPath 1.0 conversions between them.

use chrono::NaiveDate;
use std::cmp::Ordering;
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

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();

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

    /// XPath number(). Empty and non-numeric text are NaN; a date is its
    /// number of days since 1970-01-01, as in ODK (so date - date = days).
    pub fn as_number(&self) -> f64 {
        match self {
            Value::Empty => f64::NAN,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::Text(s) => text_to_number(s),
            Value::Date(d) => (*d - EPOCH).num_days() as f64,
        }
    }

    /// XPath string(): integers without `.0`, dates as YYYY-MM-DD.
    pub fn to_text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => number_to_text(*n),
            Value::Text(s) => s.clone(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// A date, or text in the exact form YYYY-MM-DD.
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            Value::Text(s) => text_to_date(s),
            _ => None,
        }
    }

    /// True for `Empty` and for "" — what `coalesce()` skips.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.is_empty(),
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// XPath's Number production only (optional minus, digits, one dot): Rust's
/// parser would also take "inf", "1e5" or "+3", which XPath reads as NaN.
pub(crate) fn text_to_number(s: &str) -> f64 {
    let t = s.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    let mut digits = 0;
    let mut dots = 0;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            _ => return f64::NAN,
        }
    }
    if digits == 0 || dots > 1 {
        return f64::NAN;
    }
    t.parse().unwrap_or(f64::NAN)
}

pub(crate) fn number_to_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == 0.0 {
        // XPath has no negative zero in its string form.
        "0".into()
    } else {
        // Rust's shortest round-trip form; never exponent notation and no
        // trailing ".0" for integers, which is what XPath wants.
        n.to_string()
    }
}

fn text_to_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

/// XPath `=` (the caller negates for `!=`).
pub(crate) fn equals(a: &Value, b: &Value) -> bool {
    use Value::*;
    match (a, b) {
        (Bool(_), _) | (_, Bool(_)) => a.truthy() == b.truthy(),
        (Number(_), _) | (_, Number(_)) => a.as_number() == b.as_number(),
        (Date(x), Date(y)) => x == y,
        // Compared as dates so that padding around date text is ignored,
        // as it is around numeric text; anything else compares as strings.
        (Date(d), Text(_)) => b.as_date().map_or(a.to_text() == b.to_text(), |o| o == *d),
        (Text(_), Date(d)) => a.as_date().map_or(a.to_text() == b.to_text(), |o| o == *d),
        _ => a.to_text() == b.to_text(),
    }
}

/// XPath relational comparison, with dates compared as dates when one side
/// is a date and the other is a date or date text. Otherwise numeric, so
/// anything NaN compares false (`None`).
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    if (matches!(a, Value::Date(_)) || matches!(b, Value::Date(_)))
        && let (Some(x), Some(y)) = (a.as_date(), b.as_date())
    {
        return Some(x.cmp(&y));
    }
    a.as_number().partial_cmp(&b.as_number())
}
