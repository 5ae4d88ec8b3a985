//! Scores and response rates: what the rankings are made of.
//!
//! A rated answer scores 0–100 along its scale (reverse items run the other
//! way); special responses and unanswered items carry no score. A
//! dimension's score is the weighted mean of its items' scores; an
//! interview's overall score is the weighted mean over all its scored items.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assignment::Disposition;
use crate::interview::{Answer, AnswerValue};
use crate::questionnaire::{QuestionKind, Questionnaire};

/// One interview's scores: per dimension, and overall.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InterviewScores {
    pub dimensions: BTreeMap<String, f64>,
    pub overall: Option<f64>,
}

/// Scores an interview from its answers, keyed by question id (answers
/// inside repeats are not scored).
pub fn score_interview<'a>(
    q: &Questionnaire,
    answers: impl IntoIterator<Item = (&'a str, &'a Answer)>,
) -> InterviewScores {
    // (weighted sum, weight) per dimension, and overall.
    let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut all = (0.0, 0.0);
    for (id, answer) in answers {
        let Some(question) = q.question(id) else {
            continue;
        };
        let QuestionKind::Rating {
            scoring: Some(s), ..
        } = &question.kind
        else {
            continue;
        };
        let Some(score) = item_score(question, answer) else {
            continue;
        };
        // Look up before inserting: no copy of the name per answer.
        let e = match sums.get_mut(&s.dimension) {
            Some(e) => e,
            None => sums.entry(s.dimension.clone()).or_default(),
        };
        e.0 += score * s.weight;
        e.1 += s.weight;
        all.0 += score * s.weight;
        all.1 += s.weight;
    }
    InterviewScores {
        dimensions: sums.into_iter().map(|(d, (s, w))| (d, s / w)).collect(),
        overall: (all.1 > 0.0).then(|| all.0 / all.1),
    }
}

/// A scored rating item's score, 0–100 along its scale (a reverse item
/// the other way); `None` for any other question, a special response, no
/// answer or a value off the scale.
pub fn item_score(question: &crate::questionnaire::Question, answer: &Answer) -> Option<f64> {
    let QuestionKind::Rating {
        min,
        max,
        scoring: Some(s),
        ..
    } = &question.kind
    else {
        return None;
    };
    let Answer::Value(AnswerValue::Rating { value }) = answer else {
        return None;
    };
    if max <= min || value < min || value > max {
        return None;
    }
    let score = (value - min) as f64 / (max - min) as f64 * 100.0;
    Some(if s.reverse { 100.0 - score } else { score })
}

/// Mean scores of a group (a community, a surveyor) over its interviews.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupScores {
    pub interviews: usize,
    pub dimensions: BTreeMap<String, f64>,
    pub overall: Option<f64>,
}

/// Each dimension's mean over the interviews that scored it.
pub fn mean_scores<'a>(scores: impl IntoIterator<Item = &'a InterviewScores>) -> GroupScores {
    let mut dims: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut overall = (0.0, 0usize);
    let mut n = 0;
    for s in scores {
        n += 1;
        for (d, v) in &s.dimensions {
            let e = dims.entry(d.clone()).or_default();
            e.0 += v;
            e.1 += 1;
        }
        if let Some(o) = s.overall {
            overall.0 += o;
            overall.1 += 1;
        }
    }
    GroupScores {
        interviews: n,
        dimensions: dims
            .into_iter()
            .map(|(d, (s, c))| (d, s / c as f64))
            .collect(),
        overall: (overall.1 > 0).then(|| overall.0 / overall.1 as f64),
    }
}

/// AAPOR Response Rate 1 from each sampled case's final disposition:
/// completes over all eligible cases and cases of unknown eligibility.
/// Moved and vacant addresses are not eligible and leave the base; an
/// appointment still pending counts as a non-contact.
pub fn response_rate_rr1(finals: impl IntoIterator<Item = Disposition>) -> Option<f64> {
    let (mut complete, mut base) = (0usize, 0usize);
    for d in finals {
        match d {
            Disposition::Moved | Disposition::VacantOrNotResidence => {}
            Disposition::Complete => {
                complete += 1;
                base += 1;
            }
            _ => base += 1,
        }
    }
    (base > 0).then(|| complete as f64 / base as f64)
}

/// AAPOR outcome rates of a set of sampled cases (Standard Definitions,
/// RR1 and RR3), from each case's final disposition, `None` for a sampled
/// resident never visited (eligibility unknown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ResponseRates {
    pub complete: usize,
    pub partial: usize,
    /// Refusals and break-offs.
    pub refusal: usize,
    /// No one at home, respondent away, appointment still pending.
    pub non_contact: usize,
    /// Language barrier, unable.
    pub other: usize,
    /// Never visited: eligibility unknown.
    pub unknown: usize,
    /// Moved, vacant, not a residence.
    pub ineligible: usize,
    /// I / (I + P + R + NC + O + U).
    pub rr1: Option<f64>,
    /// I / (I + P + R + NC + O + e·U), e the eligible share of the cases
    /// whose eligibility is known.
    pub rr3: Option<f64>,
}

/// RR1 and RR3 with the counts they come from.
pub fn response_rates(finals: impl IntoIterator<Item = Option<Disposition>>) -> ResponseRates {
    let mut r = ResponseRates::default();
    for d in finals {
        match d {
            None => r.unknown += 1,
            Some(Disposition::Complete) => r.complete += 1,
            Some(Disposition::Partial) => r.partial += 1,
            Some(Disposition::Refusal | Disposition::BreakOff) => r.refusal += 1,
            Some(
                Disposition::NoOneHome | Disposition::RespondentAway | Disposition::Appointment,
            ) => r.non_contact += 1,
            Some(Disposition::LanguageBarrier | Disposition::Unable) => r.other += 1,
            Some(Disposition::Moved | Disposition::VacantOrNotResidence) => r.ineligible += 1,
        }
    }
    let eligible = (r.complete + r.partial + r.refusal + r.non_contact + r.other) as f64;
    let known = eligible + r.ineligible as f64;
    let rr1_base = eligible + r.unknown as f64;
    r.rr1 = (rr1_base > 0.0).then(|| r.complete as f64 / rr1_base);
    // With no case of known eligibility, e cannot be estimated: RR3 would
    // be a guess.
    r.rr3 = (known > 0.0)
        .then(|| {
            let e = eligible / known;
            let base = eligible + e * r.unknown as f64;
            if base > 0.0 {
                r.complete as f64 / base
            } else {
                0.0
            }
        })
        .filter(|_| eligible > 0.0);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::load_str;

    const Q: &str = r#"
id = "s"
version = "1"
title = { en = "S" }
languages = ["en"]
default_language = "en"
[[dimensions]]
id = "env"
label = { en = "Environment" }
[[dimensions]]
id = "safety"
label = { en = "Safety" }
[[sections]]
id = "a"
title = { en = "A" }
[[sections.questions]]
id = "clean"
type = "rating"
label = { en = "Clean?" }
dimension = "env"
[[sections.questions]]
id = "green"
type = "rating"
label = { en = "Green?" }
dimension = "env"
weight = 3.0
[[sections.questions]]
id = "noise"
type = "rating"
min = 0
max = 10
label = { en = "Noise problems?" }
dimension = "safety"
reverse = true
[[sections.questions]]
id = "unscored"
type = "rating"
label = { en = "Unscored" }
"#;

    fn rating(v: i64) -> Answer {
        Answer::Value(AnswerValue::Rating { value: v })
    }

    #[test]
    fn scores_are_weighted_scaled_and_reversed() {
        let q = load_str(Q, "s.toml").unwrap();
        let (a, b, c, d) = (rating(5), rating(1), rating(2), rating(1));
        let s = score_interview(
            &q,
            [
                ("clean", &a),
                ("green", &b),
                ("noise", &c),
                ("unscored", &d),
            ],
        );
        // env: (100*1 + 0*3) / 4 = 25; safety: reverse of 20 = 80.
        assert_eq!(s.dimensions["env"], 25.0);
        assert_eq!(s.dimensions["safety"], 80.0);
        // overall: (100 + 0 + 80) / 5 = 36
        assert_eq!(s.overall, Some(36.0));
    }

    #[test]
    fn special_responses_carry_no_score() {
        let q = load_str(Q, "s.toml").unwrap();
        let dk = Answer::special(crate::interview::SpecialResponse::DontKnow);
        let a = rating(4);
        let s = score_interview(&q, [("clean", &dk), ("green", &a)]);
        assert_eq!(s.dimensions["env"], 75.0);
        assert!(!s.dimensions.contains_key("safety"));
        assert_eq!(
            score_interview(&q, [("clean", &dk)]),
            InterviewScores::default()
        );
    }

    #[test]
    fn group_means_count_only_interviews_that_scored_a_dimension() {
        let one = InterviewScores {
            dimensions: [("env".to_string(), 50.0)].into(),
            overall: Some(50.0),
        };
        let two = InterviewScores {
            dimensions: [("env".to_string(), 100.0), ("safety".to_string(), 20.0)].into(),
            overall: Some(60.0),
        };
        let g = mean_scores([&one, &two]);
        assert_eq!(g.interviews, 2);
        assert_eq!(g.dimensions["env"], 75.0);
        assert_eq!(g.dimensions["safety"], 20.0);
        assert_eq!(g.overall, Some(55.0));
    }

    #[test]
    fn rr1_and_rr3_by_hand() {
        use Disposition::*;
        // I=3, P=1, R=2, NC=2, O=0, ineligible 2, unknown 4.
        let finals = [
            Some(Complete),
            Some(Complete),
            Some(Complete),
            Some(Partial),
            Some(Refusal),
            Some(BreakOff),
            Some(NoOneHome),
            Some(Appointment),
            Some(Moved),
            Some(VacantOrNotResidence),
            None,
            None,
            None,
            None,
        ];
        let r = response_rates(finals);
        assert_eq!(
            (
                r.complete,
                r.partial,
                r.refusal,
                r.non_contact,
                r.ineligible,
                r.unknown
            ),
            (3, 1, 2, 2, 2, 4)
        );
        // RR1 = 3 / (8 + 4); e = 8/10, RR3 = 3 / (8 + 3.2).
        assert_eq!(r.rr1, Some(3.0 / 12.0));
        assert!((r.rr3.unwrap() - 3.0 / 11.2).abs() < 1e-12);
        // RR1 agrees with the older function when nobody is unvisited.
        let visited = [Complete, Refusal, Moved, NoOneHome];
        assert_eq!(
            response_rates(visited.map(Some)).rr1,
            response_rate_rr1(visited)
        );
        let none = response_rates([None, None]);
        assert_eq!((none.rr1, none.rr3), (Some(0.0), None));
        assert_eq!(response_rates([Some(Moved)]).rr1, None);
    }

    #[test]
    fn rr1_leaves_ineligible_addresses_out_of_the_base() {
        use Disposition::*;
        let rr1 = response_rate_rr1([
            Complete,
            Complete,
            Refusal,
            NoOneHome,
            Moved,
            VacantOrNotResidence,
            Partial,
            Appointment,
        ]);
        assert_eq!(rr1, Some(2.0 / 6.0));
        assert_eq!(response_rate_rr1([Moved]), None);
    }
}
