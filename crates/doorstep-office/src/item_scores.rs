//! Each rated item's score (0–100) in one interview, for the report's
//! weakest items and importance–performance table. The same transform as
//! `doorstep_core::scoring::score_interview` uses for the dimensions: the
//! position on the item's scale, reverse items flipped, special responses
//! and unanswered items left out.

use std::collections::BTreeMap;

use doorstep_core::interview::{Answer, AnswerValue};
use doorstep_core::questionnaire::{QuestionKind, Questionnaire};

/// Item id → score of the scored rating items answered.
pub fn item_scores(q: &Questionnaire, answers: &BTreeMap<String, Answer>) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (id, answer) in answers {
        let Some(question) = q.question(id) else {
            continue;
        };
        let QuestionKind::Rating {
            min,
            max,
            scoring: Some(s),
            ..
        } = &question.kind
        else {
            continue;
        };
        let Answer::Value(AnswerValue::Rating { value }) = answer else {
            continue;
        };
        if max <= min || value < min || value > max {
            continue;
        }
        let score = (value - min) as f64 / (max - min) as f64 * 100.0;
        out.insert(id.clone(), if s.reverse { 100.0 - score } else { score });
    }
    out
}
