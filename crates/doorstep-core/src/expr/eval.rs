//! Tree-walking evaluation. Total: every input yields a value.

use std::cmp::Ordering;

use super::Env;
use super::ast::{Aggregate, BinOp, Node, Ref};
use super::functions::call;
use super::value::{Value, compare, equals};

pub(crate) fn eval(node: &Node, env: &dyn Env) -> Value {
    match node {
        Node::Ref(r) => match r {
            Ref::Question(n) => env.question(n),
            Ref::Resident(n) => env.resident(n),
            Ref::Current => env.current(),
            Ref::ChoiceField(n) => env.choice_field(n),
        },
        Node::Number(n) => Value::Number(*n),
        Node::Text(s) => Value::Text(s.clone()),
        Node::Neg(x) => Value::Number(-eval(x, env).as_number()),
        Node::Binary(op, l, r) => binary(*op, l, r, env),
        Node::Call(f, args) => call(*f, args, env, eval),
        Node::Aggregate(Aggregate::Count, n) => Value::Number(env.aggregate(n).len() as f64),
        // ODK's sum() is NaN as soon as one instance is unanswered; we count
        // such instances as 0 so one skipped member does not blank a total.
        Node::Aggregate(Aggregate::Sum, n) => Value::Number(
            env.aggregate(n)
                .iter()
                .map(Value::as_number)
                .filter(|x| !x.is_nan())
                // Not `.sum()`: it starts from -0.0, which would print as "-0".
                .fold(0.0, |a, b| a + b),
        ),
        Node::Position => Value::Number(env.position().map_or(f64::NAN, |p| p as f64)),
        Node::RegexLiteral(subject, pattern) => {
            Value::Bool(pattern.0.is_match(&eval(subject, env).to_text()))
        }
    }
}

fn binary(op: BinOp, l: &Node, r: &Node, env: &dyn Env) -> Value {
    // `and`/`or` short-circuit, as in XPath.
    match op {
        BinOp::Or => Value::Bool(eval(l, env).truthy() || eval(r, env).truthy()),
        BinOp::And => Value::Bool(eval(l, env).truthy() && eval(r, env).truthy()),
        _ => strict(op, &eval(l, env), &eval(r, env)),
    }
}

/// An operator applied to both operands' values.
fn strict(op: BinOp, a: &Value, b: &Value) -> Value {
    use BinOp::*;
    let ord = || compare(a, b);
    let num = |f: fn(f64, f64) -> f64| Value::Number(f(a.as_number(), b.as_number()));
    match op {
        Or => Value::Bool(a.truthy() || b.truthy()),
        And => Value::Bool(a.truthy() && b.truthy()),
        Eq => Value::Bool(equals(a, b)),
        Ne => Value::Bool(!equals(a, b)),
        Lt => Value::Bool(ord() == Some(Ordering::Less)),
        Le => Value::Bool(matches!(ord(), Some(Ordering::Less | Ordering::Equal))),
        Gt => Value::Bool(ord() == Some(Ordering::Greater)),
        Ge => Value::Bool(matches!(ord(), Some(Ordering::Greater | Ordering::Equal))),
        Add => num(|x, y| x + y),
        Sub => num(|x, y| x - y),
        Mul => num(|x, y| x * y),
        Div => num(|x, y| x / y),
        Mod => num(|x, y| x % y),
    }
}
