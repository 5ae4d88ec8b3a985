//! Expression costs: parsing happens once per questionnaire load, evaluation
//! on every screen refresh for every `relevant`, so the latter matters most.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use doorstep_core::expr::{Env, Value, parse};

struct BenchEnv;

impl Env for BenchEnv {
    fn question(&self, name: &str) -> Value {
        match name {
            "a" => Value::Number(4.0),
            "b" => Value::Text("w x y".into()),
            _ => Value::Empty,
        }
    }
    fn resident(&self, _: &str) -> Value {
        Value::Empty
    }
    fn current(&self) -> Value {
        Value::Empty
    }
    fn choice_field(&self, _: &str) -> Value {
        Value::Empty
    }
    fn aggregate(&self, _: &str) -> Vec<Value> {
        Vec::new()
    }
    fn position(&self) -> Option<usize> {
        None
    }
    fn today(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 15).unwrap()
    }
}

const RELEVANT: &str = "${satisfaction} <= 2 and (selected(${issues}, 'noise') \
                        or selected(${issues}, 'repairs')) and ${resident.tenure} != 'owner'";

fn benches(c: &mut Criterion) {
    c.bench_function("parse relevant", |b| b.iter(|| parse(black_box(RELEVANT))));

    let e = parse("${a} > 3 and selected(${b}, 'x')").unwrap();
    let env = BenchEnv;
    assert_eq!(e.eval(&env), Value::Bool(true));
    c.bench_function("eval a>3 and selected", |b| {
        b.iter(|| black_box(&e).eval(black_box(&env)))
    });
}

criterion_group!(expr_benches, benches);
criterion_main!(expr_benches);
