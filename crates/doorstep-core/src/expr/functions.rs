//! The function library. Arity was checked by the parser, so argument
//! indexing below is always in bounds for a parsed tree; a hand-built tree
//! with missing arguments reads them as `Empty` rather than panicking.

use super::Env;
use super::ast::{Func, Node};
use super::value::Value;

/// `eval` evaluates an argument: passed in (not imported) so that the
/// evaluator calls the library and never the other way round, and
/// arguments stay lazy (`if`, `coalesce`).
pub(crate) fn call(
    f: Func,
    args: &[Node],
    env: &dyn Env,
    eval: fn(&Node, &dyn Env) -> Value,
) -> Value {
    let arg = |i: usize| args.get(i).map_or(Value::Empty, |a| eval(a, env));
    let text = |i: usize| arg(i).to_text();
    let num = |i: usize| arg(i).as_number();
    match f {
        Func::Not => Value::Bool(!arg(0).truthy()),
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
        Func::Boolean => Value::Bool(arg(0).truthy()),
        Func::Selected => {
            let (list, item) = (text(0), text(1));
            let item = item.trim();
            Value::Bool(list.split_whitespace().any(|t| t == item))
        }
        Func::CountSelected => Value::Number(text(0).split_whitespace().count() as f64),
        Func::StringLength => {
            let v = if args.is_empty() {
                env.current()
            } else {
                arg(0)
            };
            Value::Number(v.to_text().chars().count() as f64)
        }
        // Patterns that are not literals compile per call; an invalid one
        // matches nothing rather than failing the evaluation.
        Func::Regex => {
            Value::Bool(regex::Regex::new(&text(1)).is_ok_and(|re| re.is_match(&text(0))))
        }
        Func::If => {
            if arg(0).truthy() {
                arg(1)
            } else {
                arg(2)
            }
        }
        Func::Coalesce => {
            let a = arg(0);
            if a.is_empty() { arg(1) } else { a }
        }
        Func::Concat => Value::Text((0..args.len()).map(text).collect()),
        Func::Int => Value::Number(num(0).trunc()),
        Func::Number => Value::Number(num(0)),
        Func::Today => Value::Date(env.today()),
        Func::String => Value::Text(text(0)),
        Func::Round => Value::Number(if args.len() > 1 {
            round_to(num(0), num(1))
        } else {
            num(0).round()
        }),
        Func::Contains => Value::Bool(text(0).contains(&text(1))),
        Func::StartsWith => Value::Bool(text(0).starts_with(&text(1))),
        Func::Substr => {
            let s: Vec<char> = text(0).chars().collect();
            let start = slice_index(num(1), s.len());
            let end = if args.len() > 2 {
                slice_index(num(2), s.len())
            } else {
                s.len()
            };
            Value::Text(s.get(start..end).unwrap_or_default().iter().collect())
        }
        Func::Min => Value::Number(fold_nan((0..args.len()).map(num), f64::min)),
        Func::Max => Value::Number(fold_nan((0..args.len()).map(num), f64::max)),
    }
}

/// ODK (JavaRosa) rounds half away from zero, as `f64::round` does.
/// `digits` may be negative (round to tens, hundreds, ...).
fn round_to(x: f64, digits: f64) -> f64 {
    if digits.is_nan() {
        return f64::NAN;
    }
    if !x.is_finite() {
        return x;
    }
    // Beyond ±400 the scale factor is infinite or zero for every f64.
    let d = digits.trunc().clamp(-400.0, 400.0) as i32;
    let scale = 10f64.powi(d.abs());
    if d >= 0 {
        let y = x * scale;
        // Too many digits to matter, or the scaling overflowed.
        if !y.is_finite() || scale.is_infinite() {
            x
        } else {
            y.round() / scale
        }
    } else if scale.is_infinite() {
        0.0
    } else {
        (x / scale).round() * scale
    }
}

/// ODK `substr` indices are 0-based with an exclusive end; like the
/// JavaScript `slice` Enketo uses, negatives count from the end and NaN is 0.
fn slice_index(i: f64, len: usize) -> usize {
    let i = if i.is_nan() { 0.0 } else { i.trunc() };
    let len_f = len as f64;
    let i = if i < 0.0 {
        (len_f + i).max(0.0)
    } else {
        i.min(len_f)
    };
    i as usize
}

/// Like a fold with `f64::min`/`max`, except that any NaN wins, as in XPath.
fn fold_nan(xs: impl Iterator<Item = f64>, f: fn(f64, f64) -> f64) -> f64 {
    let mut acc: Option<f64> = None;
    for x in xs {
        if x.is_nan() {
            return f64::NAN;
        }
        acc = Some(acc.map_or(x, |a| f(a, x)));
    }
    acc.unwrap_or(f64::NAN)
}
