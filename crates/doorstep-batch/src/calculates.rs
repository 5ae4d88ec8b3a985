//! Checking the calculates a record carries: each value is recomputed from
//! the record's answers with the questionnaire the batch names (found by
//! its content hash), so a forged or stale value is a record problem.
//!
//! Only what the answers decide is checked: a calculate whose value or
//! relevance depends (directly or through other questions, sections and
//! repeat counts) on the resident's fields or on `today()` cannot be
//! recomputed from the record alone, and its recorded value is taken as
//! it is (it must still name a calculate of the questionnaire).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use doorstep_core::expr::{Expr, Ref};
use doorstep_core::interview::{Interview, Slot};
use doorstep_core::questionnaire::{QuestionKind, Questionnaire, RepeatCount};

use crate::format::{
    BatchInterview, CalculateProblem, InterviewCheck, QuestionnaireRef, RecordProblem,
    parse_answer_key, recorded_calculates,
};

/// The questionnaires a verification recomputes calculates with, by
/// content hash (cheap to clone).
#[derive(Clone, Default)]
pub struct KnownQuestionnaires {
    by_hash: HashMap<String, Arc<Checked>>,
}

impl std::fmt::Debug for KnownQuestionnaires {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.by_hash.keys()).finish()
    }
}

impl KnownQuestionnaires {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a questionnaire (a second one with the same text changes nothing).
    pub fn add(&mut self, q: Questionnaire) {
        if self.by_hash.contains_key(&q.content_hash) {
            return;
        }
        self.by_hash
            .insert(q.content_hash.clone(), Arc::new(Checked::new(q)));
    }

    pub fn extend(&mut self, qs: impl IntoIterator<Item = Questionnaire>) {
        qs.into_iter().for_each(|q| self.add(q));
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// The questionnaire an interview of a batch naming `refs` used.
    pub(crate) fn for_interview(
        &self,
        refs: &[QuestionnaireRef],
        i: &BatchInterview,
    ) -> Option<&Checked> {
        let r = refs
            .iter()
            .find(|r| r.id == i.questionnaire_id && r.version == i.questionnaire_version)?;
        self.by_hash.get(&r.content_hash).map(|c| &**c)
    }
}

impl InterviewCheck for KnownQuestionnaires {
    fn check(&self, refs: &[QuestionnaireRef], i: &BatchInterview) -> Option<RecordProblem> {
        check(i, self.for_interview(refs, i)?)
    }
}

/// A questionnaire, and which of its questions the answers alone decide.
pub(crate) struct Checked {
    q: Questionnaire,
    /// Per question: its value (a calculate's) and its relevance depend on
    /// answers only, not on the resident's fields nor on the day.
    answers_only: Vec<bool>,
    /// Per question: the checked calculates read its answer (directly or
    /// through others, their relevance, their sections' relevance and
    /// repeat counts). Only these answers go into the recomputation: the
    /// others cannot change what is compared.
    needed: Vec<bool>,
}

impl Checked {
    fn new(q: Questionnaire) -> Self {
        let (answers_only, needed) = dependencies(&q);
        Checked {
            q,
            answers_only,
            needed,
        }
    }
}

/// Whether an expression reads outside the answers, and the names it reads.
fn reads(e: &Expr, outside: &mut bool, names: &mut Vec<String>) {
    for r in e.references() {
        match r.reference {
            Ref::Resident(_) => *outside = true,
            Ref::Question(name) => names.push(name),
            _ => {}
        }
    }
    if e.functions().contains(&"today") {
        *outside = true;
    }
}

/// Per question: whether the answers alone decide its value and relevance
/// (a fixpoint over the questions, no recursion: chains may be long), and
/// whether a calculate so decided reads it (`Checked::needed`).
fn dependencies(q: &Questionnaire) -> (Vec<bool>, Vec<bool>) {
    let sections: HashMap<&str, usize> = q
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    // Each section's own outside flag and the question names it reads.
    let section_deps: Vec<(bool, Vec<String>)> = q
        .sections
        .iter()
        .map(|s| {
            let (mut outside, mut names) = (false, Vec::new());
            if let Some(e) = &s.relevant {
                reads(e, &mut outside, &mut names);
            }
            if let Some(r) = &s.repeat
                && let RepeatCount::Computed(e) = &r.count
            {
                reads(e, &mut outside, &mut names);
            }
            (outside, names)
        })
        .collect();
    // Per question: outside now, and the questions it depends on.
    let mut outside = vec![false; q.questions.len()];
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); q.questions.len()];
    for (i, question) in q.questions.iter().enumerate() {
        let (mut out, mut names) = section_deps[question.section].clone();
        if let Some(e) = &question.relevant {
            reads(e, &mut out, &mut names);
        }
        if let QuestionKind::Calculate { calculation } = &question.kind {
            reads(calculation, &mut out, &mut names);
        }
        for name in names {
            if let Some(j) = q.question_index(&name) {
                deps[i].push(j);
            } else if let Some(&s) = sections.get(name.as_str()) {
                // `count(${section})`: the section's relevance and count.
                let (o, section_names) = &section_deps[s];
                out |= *o;
                deps[i].extend(section_names.iter().filter_map(|n| q.question_index(n)));
            }
        }
        outside[i] = out;
    }
    loop {
        let mut changed = false;
        for i in 0..outside.len() {
            if !outside[i] && deps[i].iter().any(|&j| outside[j]) {
                outside[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let answers_only: Vec<bool> = outside.into_iter().map(|o| !o).collect();
    // What the checked calculates read, through any chain of others.
    let mut needed = vec![false; q.questions.len()];
    let mut stack: Vec<usize> = (0..q.questions.len())
        .filter(|&i| {
            answers_only[i] && matches!(q.questions[i].kind, QuestionKind::Calculate { .. })
        })
        .collect();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut needed[i], true) {
            continue;
        }
        stack.extend(deps[i].iter().copied().filter(|&j| !needed[j]));
    }
    (answers_only, needed)
}

/// What is wrong with the calculates `i` records, recomputed with `c`.
/// A record without calculates (made before they were recorded) is not
/// checked.
pub(crate) fn check(i: &BatchInterview, c: &Checked) -> Option<RecordProblem> {
    if i.calculates.is_empty() {
        return None;
    }
    let q = &c.q;
    let problem = |key: &str, problem| {
        Some(RecordProblem::Calculate {
            key: key.to_string(),
            problem,
        })
    };
    // Every key must be a calculate of the questionnaire.
    for key in i.calculates.keys() {
        let Some(idx) = parse_answer_key(key).and_then(|(id, _)| q.question_index(id)) else {
            return problem(key, CalculateProblem::NotACalculate);
        };
        if !matches!(q.questions[idx].kind, QuestionKind::Calculate { .. }) {
            return problem(key, CalculateProblem::NotACalculate);
        }
    }
    let computed = recompute(i, c);
    for (key, value) in &i.calculates {
        let Some((id, _)) = parse_answer_key(key) else {
            continue;
        };
        let idx = q.question_index(id).expect("checked above");
        if c.answers_only[idx] && computed.get(key) != Some(value) {
            return problem(key, CalculateProblem::Differs);
        }
    }
    for key in computed.keys() {
        let idx = parse_answer_key(key)
            .and_then(|(id, _)| q.question_index(id))
            .expect("the flow's own keys");
        if c.answers_only[idx] && !i.calculates.contains_key(key) {
            return problem(key, CalculateProblem::Missing);
        }
    }
    None
}

/// The calculates the record's answers give (those the answers alone
/// decide: only the answers they read are given to the flow).
fn recompute(i: &BatchInterview, c: &Checked) -> BTreeMap<String, String> {
    let q = &c.q;
    let mut answers = Vec::with_capacity(i.answers.len());
    // Instances added through "add another?" are not in the record: as
    // many as its answers and calculates show.
    let mut added: HashMap<usize, u32> = HashMap::new();
    let keys = i
        .answers
        .iter()
        .map(|(k, a)| (k, Some(a)))
        .chain(i.calculates.keys().map(|k| (k, None)));
    for (key, answer) in keys {
        let Some((id, instance)) = parse_answer_key(key) else {
            continue;
        };
        let Some(question) = q.question_index(id) else {
            continue;
        };
        if let (Some(n), Some(s)) = (instance, q.repeat_of(question))
            && matches!(
                q.sections[s].repeat.as_ref().map(|r| &r.count),
                Some(RepeatCount::AskAnother(_))
            )
        {
            let seen = added.entry(s).or_default();
            *seen = (*seen).max(n.saturating_add(1));
        }
        if let Some(a) = answer
            && c.needed[question]
        {
            answers.push((Slot { question, instance }, a.clone()));
        }
    }
    let resident = HashMap::from([("resident_id".to_string(), i.resident_id.clone())]);
    // The day is never read by what is checked; the interview's own.
    let started = i.started_at;
    let flow =
        Interview::restore(q, resident, answers, added, None).with_clock(Arc::new(move || started));
    recorded_calculates(&flow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{BatchInterview, InterviewOutcome, answer_key};
    use chrono::{TimeZone, Utc};
    use doorstep_core::answer::{Answer, AnswerValue};
    use doorstep_core::assignment::Disposition;
    use doorstep_core::questionnaire::load_str;

    const SOURCE: &str = r#"
id = "calc"
version = "1"
title = { zh = "计算", en = "Calculates" }
languages = ["zh", "en"]
default_language = "en"
resident_attributes = ["age_group"]

[[sections]]
id = "main"
title = { zh = "主", en = "Main" }

[[sections.questions]]
id = "size"
type = "integer"
label = { zh = "人数", en = "Size" }

[[sections.questions]]
id = "adults"
type = "calculate"
calculation = "${size} - sum(${is_child})"

[[sections.questions]]
id = "greeting"
type = "calculate"
calculation = "concat('hi ', ${resident.age_group})"

[[sections.questions]]
id = "big"
type = "calculate"
relevant = "${size} > 2"
calculation = "'big'"

[[sections]]
id = "members"
title = { zh = "成员", en = "Members" }
repeat = { count = "${size}", max = 20 }

[[sections.questions]]
id = "age"
type = "integer"
label = { zh = "年龄", en = "Age" }

[[sections.questions]]
id = "is_child"
type = "calculate"
calculation = "if(${age} < 18, 1, 0)"

[[sections]]
id = "lights"
title = { zh = "路灯", en = "Lights" }
repeat = { ask_another = { zh = "还有吗？", en = "Another?" }, max = 10 }

[[sections.questions]]
id = "light_no"
type = "calculate"
calculation = "position(..)"
"#;

    fn int(v: i64) -> Answer {
        Answer::Value(AnswerValue::Integer { value: v })
    }

    /// An interview of `q` with these answers, its calculates as the app
    /// records them (two lights added through "add another?").
    fn record(q: &Questionnaire, answers: &[(&str, Option<u32>, i64)]) -> BatchInterview {
        let resident = HashMap::from([("age_group".to_string(), "old".to_string())]);
        let slots: Vec<(Slot, Answer)> = answers
            .iter()
            .map(|(id, inst, v)| {
                let question = q.question_index(id).unwrap();
                (
                    Slot {
                        question,
                        instance: *inst,
                    },
                    int(*v),
                )
            })
            .collect();
        let lights = q.section_index("lights").unwrap();
        let flow = Interview::restore(q, resident, slots.clone(), [(lights, 2)], None);
        BatchInterview {
            id: "i1".into(),
            resident_id: "R1".into(),
            community: None,
            questionnaire_id: "calc".into(),
            questionnaire_version: "1".into(),
            surveyor_id: "S1".into(),
            device_id: "d".into(),
            started_at: Utc.with_ymd_and_hms(2026, 11, 3, 9, 0, 0).unwrap(),
            ended_at: None,
            status: InterviewOutcome::Completed,
            disposition: Disposition::Complete,
            answers: slots
                .into_iter()
                .map(|(s, a)| (answer_key(&q.questions[s.question].id, s.instance), a))
                .collect(),
            notes: BTreeMap::new(),
            calculates: recorded_calculates(&flow),
            paradata: Vec::new(),
        }
    }

    fn checked() -> Checked {
        let q = load_str(SOURCE, "calc.toml").unwrap_or_else(|e| panic!("{e}"));
        Checked::new(q)
    }

    fn calc_problem(i: &BatchInterview, c: &Checked) -> Option<(String, CalculateProblem)> {
        match check(i, c) {
            None => None,
            Some(RecordProblem::Calculate { key, problem }) => Some((key, problem)),
            Some(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_the_answers_the_checked_calculates_read_are_needed() {
        let c = checked();
        let needed: Vec<&str> =
            c.q.questions
                .iter()
                .enumerate()
                .filter(|(i, _)| c.needed[*i])
                .map(|(_, q)| q.id.as_str())
                .collect();
        // `greeting` reads the resident: not checked, so nothing it reads
        // is needed for it; `age` is read through `is_child`, `size`
        // through the members' repeat count and `big`'s relevance.
        assert_eq!(
            needed,
            ["size", "adults", "big", "age", "is_child", "light_no"]
        );
    }

    #[test]
    fn calculates_in_repeats_are_recorded_per_instance_and_check_out() {
        let c = checked();
        let i = record(
            &c.q,
            &[
                ("size", None, 3),
                ("age", Some(0), 40),
                ("age", Some(1), 9),
                ("age", Some(2), 12),
            ],
        );
        let got: Vec<(&str, &str)> = i
            .calculates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("adults", "1"),
                ("big", "big"),
                ("greeting", "hi old"),
                ("is_child[0]", "0"),
                ("is_child[1]", "1"),
                ("is_child[2]", "1"),
                ("light_no[0]", "1"),
                ("light_no[1]", "2"),
            ]
        );
        assert_eq!(calc_problem(&i, &c), None);
        // The resident's fields are not in the record: that one is not
        // recomputed, the others are.
        assert!(!c.answers_only[c.q.question_index("greeting").unwrap()]);
        assert!(c.answers_only[c.q.question_index("adults").unwrap()]);
        let mut j = i.clone();
        j.calculates.insert("greeting".into(), "hi young".into());
        assert_eq!(calc_problem(&j, &c), None);
    }

    #[test]
    fn a_forged_stale_missing_or_unknown_calculate_is_a_record_problem() {
        let c = checked();
        let i = record(
            &c.q,
            &[("size", None, 2), ("age", Some(0), 40), ("age", Some(1), 9)],
        );
        assert_eq!(calc_problem(&i, &c), None);
        assert!(!i.calculates.contains_key("big"), "not relevant: cleared");

        let mut forged = i.clone();
        forged.calculates.insert("is_child[1]".into(), "0".into());
        assert_eq!(
            calc_problem(&forged, &c),
            Some(("is_child[1]".into(), CalculateProblem::Differs))
        );
        // Stale: an answer changed after the value was computed.
        let mut stale = i.clone();
        stale.answers.insert("age[1]".into(), int(30));
        assert_eq!(
            calc_problem(&stale, &c),
            Some(("adults".into(), CalculateProblem::Differs))
        );
        // A value for a calculate that is not relevant.
        let mut extra = i.clone();
        extra.calculates.insert("big".into(), "big".into());
        assert_eq!(
            calc_problem(&extra, &c),
            Some(("big".into(), CalculateProblem::Differs))
        );
        let mut missing = i.clone();
        missing.calculates.remove("adults");
        assert_eq!(
            calc_problem(&missing, &c),
            Some(("adults".into(), CalculateProblem::Missing))
        );
        for key in ["size", "nothing", "is_child[x]"] {
            let mut unknown = i.clone();
            unknown.calculates.insert(key.into(), "1".into());
            assert_eq!(
                calc_problem(&unknown, &c),
                Some((key.into(), CalculateProblem::NotACalculate))
            );
        }
        // A record made before calculates were recorded is not checked.
        let mut old = i.clone();
        old.calculates.clear();
        assert_eq!(calc_problem(&old, &c), None);
    }
}
