//! Loading a large questionnaire, and moving through an interview on it.
//! Run: `cargo bench --bench questionnaire`.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use doorstep_core::interview::{Answer, AnswerValue, Interview, Slot, Step};
use doorstep_core::questionnaire::{Questionnaire, load_str};

#[path = "support/synthetic.rs"]
mod synthetic;

fn rating(v: i64) -> Answer {
    Answer::Value(AnswerValue::Rating { value: v })
}

/// Answers the first half of the 1,000-question questionnaire and returns
/// the answers and where the surveyor stands (on an answered question).
fn half_done(q: &Questionnaire) -> (Vec<(Slot, Answer)>, Step) {
    let mut f = Interview::new(q, HashMap::new());
    let mut step = f.start();
    while let Some(Step::Question(slot)) = step {
        let answer = match q.questions[slot.question].kind.type_name() {
            "rating" => rating(4),
            "single_choice" => Answer::Value(AnswerValue::Choice {
                value: "f".into(),
                other: None,
            }),
            "multiple_choice" => Answer::Value(AnswerValue::Choices {
                values: vec!["a".into()],
                other: None,
            }),
            "integer" => Answer::Value(AnswerValue::Integer { value: 7 }),
            _ => Answer::Value(AnswerValue::Text {
                value: "好".into()
            }),
        };
        f.set_answer(slot, answer).unwrap();
        if slot.question >= q.questions.len() / 2 {
            break;
        }
        step = f.advance().unwrap();
    }
    (f.finished_answers(), step.unwrap())
}

fn load(c: &mut Criterion) {
    let text = synthetic::questionnaire(1000);
    c.bench_function("load and validate 1000 questions", |b| {
        b.iter(|| load_str(black_box(&text), "synthetic.toml").unwrap())
    });
}

fn next_question(c: &mut Criterion) {
    let q = load_str(&synthetic::questionnaire(1000), "synthetic.toml").unwrap();
    let (answers, at) = half_done(&q);
    // A fresh flow has nothing memoised: this is the cost right after an answer.
    c.bench_function("next question on 1000 questions (cold)", |b| {
        b.iter_batched(
            || Interview::restore(&q, HashMap::new(), answers.clone(), [], Some(at)),
            |mut f| {
                black_box(f.advance().unwrap());
                f // dropped outside the timing
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("answer then next on 1000 questions", |b| {
        b.iter_batched(
            || Interview::restore(&q, HashMap::new(), answers.clone(), [], Some(at)),
            |mut f| {
                let Step::Question(slot) = at else {
                    unreachable!()
                };
                f.set_answer(slot, rating(3)).unwrap();
                black_box(f.advance().unwrap());
                f
            },
            BatchSize::SmallInput,
        )
    });
}

fn repeats(c: &mut Criterion) {
    let q = load_str(&synthetic::with_repeat(), "repeat.toml").unwrap();
    let size = q.question_index("size").unwrap();
    let age = q.question_index("m_age").unwrap();
    let integer = |value| Answer::Value(AnswerValue::Integer { value });
    let mut group = c.benchmark_group("move inside a repeat");
    for members in [2u32, 200, 2000] {
        let mut answers = vec![(Slot::top(size), integer(members as i64))];
        for i in 0..members {
            let slot = Slot {
                question: age,
                instance: Some(i),
            };
            answers.push((slot, integer(30 + (i % 50) as i64)));
        }
        // Stand on the last member's age.
        let at = Slot {
            question: age,
            instance: Some(members - 1),
        };
        let flow = || {
            Interview::restore(
                &q,
                HashMap::new(),
                answers.clone(),
                [],
                Some(Step::Question(at)),
            )
        };
        // Each round changes the answer (dropping every memo, as a real edit
        // does), moves on, and jumps back.
        group.bench_function(format!("answer and next, {members} instances"), |b| {
            let mut f = flow();
            let mut value = 60;
            b.iter(|| {
                value = 121 - value;
                f.set_answer(at, integer(value)).unwrap();
                black_box(f.advance().unwrap());
                f.jump(at).unwrap();
                f.take_events();
            })
        });
        group.bench_function(format!("back and forth, {members} instances"), |b| {
            let mut f = flow();
            b.iter(|| {
                black_box(f.go_back());
                black_box(f.advance().unwrap());
                f.take_events();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, load, next_question, repeats);
criterion_main!(benches);
