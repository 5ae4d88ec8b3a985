//! TOML → checked [`Questionnaire`], collecting every problem with its place.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use toml::Spanned;

use super::diagnostic::{Diagnostic, LoadError};
use super::model::*;
use super::raw::*;
use crate::answer::{AnswerValue, SpecialResponse};
use crate::expr::{self, Expr, Ref};

/// Resident columns every assignment list may carry; others must be
/// declared in `resident_attributes` before expressions may read them.
pub const STANDARD_RESIDENT_FIELDS: [&str; 9] = [
    "resident_id",
    "name",
    "address",
    "community",
    "grid",
    "building",
    "unit",
    "room",
    "phone",
];

/// The largest weight of a rating in its dimension's score.
pub const MAX_WEIGHT: f64 = 1000.0;

/// Loads and checks a questionnaire file.
pub fn load_file(path: &Path) -> Result<Questionnaire, LoadError> {
    let name = path.display().to_string();
    let bytes = crate::fs::read_regular(path, crate::fs::limits::QUESTIONNAIRE, "a questionnaire")
        .map_err(|e| {
            LoadError::whole_file(&name, format!("cannot read the file: {}", e.reason()))
        })?;
    let source = crate::fs::utf8_located(bytes)
        .map_err(|e| LoadError::whole_file(&name, format!("not UTF-8 text: {e}")))?;
    load_str(&source, &name)
}

/// Loads and checks questionnaire text; `file` names it in diagnostics.
pub fn load_str(source: &str, file: &str) -> Result<Questionnaire, LoadError> {
    let raw: RawQuestionnaire = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            return Err(LoadError::from_diagnostics(
                file,
                source,
                vec![Diagnostic { span, message }],
            ));
        }
    };
    let mut loader = Loader {
        source,
        diagnostics: Vec::new(),
        languages: Vec::new(),
    };
    let questionnaire = loader.build(raw);
    if loader.diagnostics.is_empty() {
        Ok(questionnaire)
    } else {
        Err(LoadError::from_diagnostics(
            file,
            source,
            loader.diagnostics,
        ))
    }
}

/// Where an expression sits, which decides what it may refer to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExprPlace {
    Relevant,
    Constraint,
    Calculation,
    ChoiceFilter,
    RepeatCount,
    Label,
}

/// An expression parsed but not yet checked against the whole questionnaire.
struct PendingExpr {
    expr: Expr,
    span: Range<usize>,
    place: ExprPlace,
    /// The repeat section the expression is evaluated in, if any.
    scope: Option<SectionIdx>,
    /// For choice filters: the attribute names the choices carry.
    choice_fields: Option<HashSet<String>>,
    /// The calculate question this expression computes, for cycle checks.
    calculate: Option<QuestionIdx>,
    /// Whose value or relevance the expression decides (a question's
    /// `relevant` or `calculation`, a section's `relevant` or repeat
    /// `count`): the edges of the dependency check.
    owner: Option<Owner>,
}

/// What an expression belongs to, in the dependency graph.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    Question(QuestionIdx),
    Section(SectionIdx),
}

/// The deepest evaluation a questionnaire may need: the expression depths
/// (tree heights) plus one per question along the longest chain of
/// dependencies. Evaluation recurses along such a chain, so this bounds its
/// stack (a chain of 10,000 calculates overflowed it); real forms need a
/// few dozen.
pub const MAX_EVALUATION_DEPTH: u32 = 3000;

struct Loader<'s> {
    source: &'s str,
    diagnostics: Vec<Diagnostic>,
    languages: Vec<String>,
}

impl Loader<'_> {
    fn problem(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            span,
            message: message.into(),
        });
    }

    fn build(&mut self, raw: RawQuestionnaire) -> Questionnaire {
        self.languages = raw
            .languages
            .get_ref()
            .iter()
            .map(|l| l.get_ref().clone())
            .collect();
        if self.languages.is_empty() {
            self.problem(raw.languages.span(), "at least one language is needed");
        }
        let mut seen = HashSet::new();
        for l in raw.languages.get_ref() {
            if !seen.insert(l.get_ref()) {
                self.problem(
                    l.span(),
                    format!("language '{}' is listed twice", l.get_ref()),
                );
            }
        }
        if !self.languages.contains(raw.default_language.get_ref()) {
            self.problem(
                raw.default_language.span(),
                format!(
                    "default language '{}' is not one of the languages {:?}",
                    raw.default_language.get_ref(),
                    self.languages
                ),
            );
        }
        self.check_identifier(&raw.id, "questionnaire id");
        if raw.version.get_ref().trim().is_empty() {
            self.problem(raw.version.span(), "version must not be empty");
        }
        let title = self.text(&raw.title, "title");

        let mut special_responses = Vec::new();
        for s in &raw.special_responses {
            match SpecialResponse::from_code(s.get_ref()) {
                Some(sr) if !special_responses.contains(&sr) => special_responses.push(sr),
                Some(_) => self.problem(
                    s.span(),
                    format!("special response '{}' is listed twice", s.get_ref()),
                ),
                None => self.problem(
                    s.span(),
                    format!(
                        "unknown special response '{}' (expected dont_know or refused)",
                        s.get_ref()
                    ),
                ),
            }
        }

        let resident_attributes: Vec<String> = raw
            .resident_attributes
            .iter()
            .map(|a| {
                self.check_identifier(a, "resident attribute");
                a.get_ref().clone()
            })
            .collect();

        let mut dimensions = Vec::new();
        let mut dimension_ids = HashSet::new();
        for d in &raw.dimensions {
            let d = d.get_ref();
            self.check_identifier(&d.id, "dimension id");
            if !dimension_ids.insert(d.id.get_ref().clone()) {
                self.problem(
                    d.id.span(),
                    format!("duplicate dimension '{}'", d.id.get_ref()),
                );
            }
            let label = self.text(&d.label, "label");
            dimensions.push(Dimension {
                id: d.id.get_ref().clone(),
                label,
            });
        }

        let mut choice_lists = BTreeMap::new();
        for (name, choices) in &raw.choices {
            self.check_identifier(name, "choice list name");
            let mut values = HashSet::new();
            let mut list = Vec::new();
            for c in choices {
                let c = c.get_ref();
                if c.value.get_ref().is_empty() || c.value.get_ref().contains(char::is_whitespace) {
                    self.problem(
                        c.value.span(),
                        format!(
                            "choice value '{}' must be non-empty and without spaces (multiple-choice answers are space-separated)",
                            c.value.get_ref()
                        ),
                    );
                }
                if !values.insert(c.value.get_ref().clone()) {
                    self.problem(
                        c.value.span(),
                        format!(
                            "duplicate choice value '{}' in list '{}'",
                            c.value.get_ref(),
                            name.get_ref()
                        ),
                    );
                }
                let label = self.text(&c.label, "label");
                list.push(Choice {
                    value: c.value.get_ref().clone(),
                    label,
                    exclusive: c.exclusive,
                    attributes: c.attributes.clone(),
                });
            }
            if list.is_empty() {
                self.problem(
                    name.span(),
                    format!("choice list '{}' has no choices", name.get_ref()),
                );
            }
            choice_lists.insert(name.get_ref().clone(), list);
        }

        // First pass: every identifier, so references can be checked in any order.
        let mut by_id: foldhash::HashMap<String, QuestionIdx> = Default::default();
        let mut section_by_id: foldhash::HashMap<String, SectionIdx> = Default::default();
        let mut id_spans: HashMap<String, Range<usize>> = HashMap::new();
        let mut next_q = 0;
        for (si, s) in raw.sections.iter().enumerate() {
            let s = s.get_ref();
            self.check_identifier(&s.id, "section id");
            self.claim_id(&s.id, &mut id_spans);
            section_by_id.entry(s.id.get_ref().clone()).or_insert(si);
            for q in &s.questions {
                let q = q.get_ref();
                self.check_identifier(&q.id, "question id");
                self.claim_id(&q.id, &mut id_spans);
                by_id.entry(q.id.get_ref().clone()).or_insert(next_q);
                next_q += 1;
            }
        }

        let mut pending: Vec<PendingExpr> = Vec::new();
        let mut sections = Vec::new();
        let mut questions = Vec::new();
        for (si, rs) in raw.sections.iter().enumerate() {
            let rs_span = rs.span();
            let rs = rs.get_ref();
            let start = questions.len();
            let repeat = rs
                .repeat
                .as_ref()
                .and_then(|r| self.repeat(r, si, &mut pending));
            let scope = repeat.as_ref().map(|_| si);
            let before = pending.len();
            let relevant = rs
                .relevant
                .as_ref()
                .and_then(|e| self.expr(e, ExprPlace::Relevant, scope, &mut pending));
            own(&mut pending, before, Owner::Section(si));
            for rq in &rs.questions {
                let qi = questions.len();
                questions.push(self.question(
                    rq,
                    si,
                    qi,
                    scope,
                    &choice_lists,
                    &dimension_ids,
                    &mut pending,
                ));
            }
            if rs.questions.is_empty() {
                self.problem(
                    rs_span.clone(),
                    format!("section '{}' has no questions", rs.id.get_ref()),
                );
            }
            sections.push(Section {
                id: rs.id.get_ref().clone(),
                title: self.text(&rs.title, "title"),
                relevant,
                repeat,
                questions: start..questions.len(),
            });
        }
        if questions.is_empty() {
            self.problem(0..0, "the questionnaire has no questions");
        }

        let mut q = Questionnaire {
            id: raw.id.get_ref().clone(),
            version: raw.version.get_ref().clone(),
            title,
            languages: self.languages.clone(),
            default_language: raw.default_language.get_ref().clone(),
            special_responses,
            resident_attributes,
            dimensions,
            choice_lists,
            sections,
            questions,
            quotas: Vec::new(),
            content_hash: hex_sha256(self.source.as_bytes()),
            by_id,
            section_by_id,
        };
        self.check_references(&q, &pending);
        self.check_dependencies(&q, &pending);
        q.quotas = raw
            .quotas
            .iter()
            .filter_map(|r| self.quota(r, &q))
            .collect();
        q
    }

    fn claim_id(&mut self, id: &Spanned<String>, seen: &mut HashMap<String, Range<usize>>) {
        if let Some(first) = seen.get(id.get_ref()) {
            let (line, _) = super::diagnostic::line_column(self.source, first.start);
            self.problem(
                id.span(),
                format!(
                    "duplicate identifier '{}' (first used on line {line})",
                    id.get_ref()
                ),
            );
        } else {
            seen.insert(id.get_ref().clone(), id.span());
        }
    }

    fn check_identifier(&mut self, id: &Spanned<String>, what: &str) {
        if !is_identifier(id.get_ref()) {
            self.problem(
                id.span(),
                format!(
                    "{what} '{}' must start with a letter or '_' and hold only letters, digits, '_' and '-'",
                    id.get_ref()
                ),
            );
        }
    }

    /// Checks that a text has every language of the questionnaire, and no other.
    fn text(&mut self, raw: &RawText, field: &str) -> LocalText {
        let map = raw.get_ref();
        for lang in self.languages.clone() {
            match map.get(&lang) {
                None => self.problem(raw.span(), format!("{field} is missing language '{lang}'")),
                Some(t) if t.get_ref().trim().is_empty() => {
                    self.problem(t.span(), format!("{field} in '{lang}' is empty"))
                }
                Some(_) => {}
            }
        }
        for (lang, t) in map {
            if !self.languages.contains(lang) {
                self.problem(
                    t.span(),
                    format!(
                        "{field} has language '{lang}', which is not in languages {:?}",
                        self.languages
                    ),
                );
            }
        }
        LocalText(
            map.iter()
                .map(|(k, v)| (k.clone(), v.get_ref().clone()))
                .collect(),
        )
    }

    fn text_with_refs(
        &mut self,
        raw: &RawText,
        field: &str,
        scope: Option<SectionIdx>,
        pending: &mut Vec<PendingExpr>,
    ) -> LocalText {
        for t in raw.get_ref().values() {
            // Labels may show answers: `${name}` pieces are checked like expressions.
            for (offset, piece) in label_references(t.get_ref()) {
                let start = self.content_start(t.span()) + offset;
                match expr::parse(piece) {
                    Ok(expr) => pending.push(PendingExpr {
                        expr,
                        span: start..start + piece.len(),
                        place: ExprPlace::Label,
                        scope,
                        choice_fields: None,
                        calculate: None,
                        owner: None,
                    }),
                    Err(e) => self.problem(
                        start..start + piece.len(),
                        format!("bad reference '{}': {e}", crate::text::shorten(piece, 80)),
                    ),
                }
            }
        }
        self.text(raw, field)
    }

    /// Byte offset of the first character inside a TOML string literal.
    fn content_start(&self, span: Range<usize>) -> usize {
        let rest = &self.source[span.start.min(self.source.len())..];
        if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            // A newline right after the opening quotes is not part of the string.
            let after = span.start + 3;
            if self.source[after..].starts_with('\n') {
                after + 1
            } else if self.source[after..].starts_with("\r\n") {
                after + 2
            } else {
                after
            }
        } else if rest.starts_with('"') || rest.starts_with('\'') {
            span.start + 1
        } else {
            span.start
        }
    }

    fn expr(
        &mut self,
        raw: &Spanned<String>,
        place: ExprPlace,
        scope: Option<SectionIdx>,
        pending: &mut Vec<PendingExpr>,
    ) -> Option<Expr> {
        let start = self.content_start(raw.span());
        match expr::parse(raw.get_ref()) {
            Ok(e) => {
                pending.push(PendingExpr {
                    expr: e.clone(),
                    span: start..raw.span().end,
                    place,
                    scope,
                    choice_fields: None,
                    calculate: None,
                    owner: None,
                });
                Some(e)
            }
            Err(e) => {
                let at = start + e.offset;
                self.problem(
                    at..at + 1,
                    format!(
                        "bad expression '{}': {}",
                        crate::text::shorten(raw.get_ref(), 80),
                        e.message
                    ),
                );
                None
            }
        }
    }

    fn repeat(
        &mut self,
        raw: &Spanned<RawRepeat>,
        si: SectionIdx,
        pending: &mut Vec<PendingExpr>,
    ) -> Option<Repeat> {
        const DEFAULT_MAX: u32 = 1000;
        let r = raw.get_ref();
        let max = match &r.max {
            Some(m) if *m.get_ref() < 1 || *m.get_ref() > 100_000 => {
                self.problem(m.span(), "repeat max must be between 1 and 100000");
                DEFAULT_MAX
            }
            Some(m) => *m.get_ref() as u32,
            None => DEFAULT_MAX,
        };
        let count = match (&r.count, &r.ask_another) {
            (Some(c), None) => match c.get_ref() {
                RawCount::Fixed(n) if *n < 0 || *n > max as i64 => {
                    self.problem(
                        c.span(),
                        format!("repeat count {n} must be between 0 and max ({max})"),
                    );
                    return None;
                }
                RawCount::Fixed(n) => RepeatCount::Fixed(*n as u32),
                RawCount::Expr(src) => {
                    let spanned = Spanned::new(c.span(), src.clone());
                    let before = pending.len();
                    let e = self.expr(&spanned, ExprPlace::RepeatCount, None, pending)?;
                    own(pending, before, Owner::Section(si));
                    RepeatCount::Computed(e)
                }
            },
            (None, Some(prompt)) => RepeatCount::AskAnother(self.text(prompt, "ask_another")),
            _ => {
                self.problem(
                    raw.span(),
                    "a repeat needs exactly one of 'count' (a number or an expression) or 'ask_another' (a prompt)",
                );
                return None;
            }
        };
        let _ = si;
        Some(Repeat { count, max })
    }

    #[allow(clippy::too_many_arguments)]
    fn question(
        &mut self,
        raw: &Spanned<RawQuestion>,
        section: SectionIdx,
        qi: QuestionIdx,
        scope: Option<SectionIdx>,
        choice_lists: &BTreeMap<String, Vec<Choice>>,
        dimension_ids: &HashSet<String>,
        pending: &mut Vec<PendingExpr>,
    ) -> Question {
        let span = raw.span();
        let r = raw.get_ref();
        let type_name = r.kind.get_ref().as_str();
        let id = r.id.get_ref().clone();

        let kind = match type_name {
            "single_choice" | "multiple_choice" => {
                let spec = self.choice_spec(r, scope, choice_lists, pending);
                if type_name == "single_choice" {
                    QuestionKind::SingleChoice(spec)
                } else {
                    QuestionKind::MultipleChoice(spec)
                }
            }
            "rating" => {
                let min = self.int_field(&r.min, "min").unwrap_or(1);
                let max = self.int_field(&r.max, "max").unwrap_or(5);
                if min >= max {
                    self.problem(
                        r.min.as_ref().map_or(span.clone(), |m| m.span()),
                        format!("rating min ({min}) must be below max ({max})"),
                    );
                }
                // In i128: min and max near the i64 limits must not wrap
                // around into a "short" scale.
                let points = i128::from(max) - i128::from(min) + 1;
                if points > 21 {
                    self.problem(
                        span.clone(),
                        format!("a rating scale of {points} points is too long (at most 21)"),
                    );
                }
                let scoring = match &r.dimension {
                    Some(d) => {
                        if !dimension_ids.contains(d.get_ref()) {
                            self.problem(d.span(), format!("unknown dimension '{}'", d.get_ref()));
                        }
                        let weight = r.weight.as_ref().map_or(1.0, |w| *w.get_ref());
                        if let Some(w) = &r.weight
                            && !(*w.get_ref() > 0.0 && *w.get_ref() <= MAX_WEIGHT)
                        {
                            // 1e308 would pass "positive" and make every mean
                            // score inf/inf = NaN.
                            self.problem(
                                w.span(),
                                format!("weight must be a number above 0 and at most {MAX_WEIGHT}"),
                            );
                        }
                        Some(Scoring {
                            dimension: d.get_ref().clone(),
                            weight,
                            reverse: r.reverse,
                        })
                    }
                    None => {
                        if let Some(w) = &r.weight {
                            self.problem(w.span(), "weight needs a dimension");
                        }
                        None
                    }
                };
                QuestionKind::Rating {
                    min,
                    max,
                    min_label: r.min_label.as_ref().map(|t| self.text(t, "min_label")),
                    max_label: r.max_label.as_ref().map(|t| self.text(t, "max_label")),
                    scoring,
                }
            }
            "yes_no" => QuestionKind::YesNo,
            "integer" => {
                let min = self.int_field(&r.min, "min");
                let max = self.int_field(&r.max, "max");
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    self.problem(span.clone(), format!("min ({a}) is above max ({b})"));
                }
                QuestionKind::Integer { min, max }
            }
            "decimal" => {
                let min = self.num_field(&r.min, "min");
                let max = self.num_field(&r.max, "max");
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    self.problem(span.clone(), format!("min ({a}) is above max ({b})"));
                }
                QuestionKind::Decimal { min, max }
            }
            "text" => {
                let max_length = match &r.max_length {
                    Some(m) if *m.get_ref() < 1 => {
                        self.problem(m.span(), "max_length must be at least 1");
                        None
                    }
                    Some(m) => Some(*m.get_ref() as usize),
                    None => None,
                };
                QuestionKind::Text {
                    multiline: r.multiline,
                    max_length,
                }
            }
            "date" => QuestionKind::Date,
            "time" => QuestionKind::Time,
            "note" => QuestionKind::Note,
            "calculate" => match &r.calculation {
                Some(c) => {
                    let before = pending.len();
                    match self.expr(c, ExprPlace::Calculation, scope, pending) {
                        Some(calculation) => {
                            if let Some(p) = pending.get_mut(before) {
                                p.calculate = Some(qi);
                            }
                            own(pending, before, Owner::Question(qi));
                            QuestionKind::Calculate { calculation }
                        }
                        None => QuestionKind::Note,
                    }
                }
                None => {
                    self.problem(
                        span.clone(),
                        format!("calculate '{id}' needs a 'calculation'"),
                    );
                    QuestionKind::Note
                }
            },
            other => {
                self.problem(
                    r.kind.span(),
                    format!(
                        "unknown question type '{other}' (expected one of {})",
                        QuestionKind::TYPE_NAMES.join(", ")
                    ),
                );
                QuestionKind::Note
            }
        };
        self.check_fields_apply(r, type_name);

        let label = match &r.label {
            Some(l) => self.text_with_refs(l, "label", scope, pending),
            None if type_name == "calculate" => LocalText::default(),
            None => {
                self.problem(span.clone(), format!("question '{id}' has no label"));
                LocalText::default()
            }
        };
        let hint = r
            .hint
            .as_ref()
            .map(|h| self.text_with_refs(h, "hint", scope, pending));
        let before = pending.len();
        let relevant = r
            .relevant
            .as_ref()
            .and_then(|e| self.expr(e, ExprPlace::Relevant, scope, pending));
        own(pending, before, Owner::Question(qi));
        let answerable = kind.is_answerable();
        let constraint = match &r.constraint {
            Some(c) if !answerable => {
                self.problem(
                    c.span(),
                    format!("a {type_name} has no answer to constrain"),
                );
                None
            }
            Some(c) => self.expr(c, ExprPlace::Constraint, scope, pending),
            None => None,
        };
        let constraint_message = r
            .constraint_message
            .as_ref()
            .map(|m| self.text(m, "constraint_message"));
        if r.required && !answerable {
            self.problem(r.kind.span(), format!("a {type_name} cannot be required"));
        }
        let default = match &r.default {
            Some(d) if !answerable => {
                self.problem(d.span(), format!("a {type_name} takes no default"));
                None
            }
            Some(d) => self.default_value(d, &kind),
            None => None,
        };
        let ends_interview = r
            .ends_interview
            .as_ref()
            .and_then(|e| self.ends_interview(e, &kind, type_name));
        Question {
            id,
            section,
            kind,
            label,
            hint,
            required: r.required,
            relevant,
            constraint,
            constraint_message,
            default,
            allow_special: r.allow_special.unwrap_or(true),
            ends_interview,
        }
    }

    /// `ends_interview`: on yes/no and choice questions, with answer values
    /// the question can take and an interview-ending outcome.
    fn ends_interview(
        &mut self,
        raw: &Spanned<RawEndsInterview>,
        kind: &QuestionKind,
        type_name: &str,
    ) -> Option<EndsInterview> {
        let r = raw.get_ref();
        let allowed: Vec<String> = match kind {
            QuestionKind::YesNo => vec!["yes".into(), "no".into()],
            QuestionKind::SingleChoice(spec) | QuestionKind::MultipleChoice(spec) => {
                spec.choices.iter().map(|c| c.value.clone()).collect()
            }
            _ => {
                // An unknown type is reported already.
                if QuestionKind::TYPE_NAMES.contains(&type_name) {
                    self.problem(
                        raw.span(),
                        format!(
                            "'ends_interview' applies only to yes_no, single_choice and multiple_choice, not to {type_name}"
                        ),
                    );
                }
                return None;
            }
        };
        let when: Vec<String> = match r.when.get_ref() {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(items) if !items.is_empty() => {
                let texts: Option<Vec<String>> = items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect();
                match texts {
                    Some(t) => t,
                    None => {
                        self.problem(
                            r.when.span(),
                            "'when' must be an answer value or a list of answer values (text)",
                        );
                        return None;
                    }
                }
            }
            _ => {
                self.problem(
                    r.when.span(),
                    "'when' must be an answer value or a list of answer values (text)",
                );
                return None;
            }
        };
        let mut ok = true;
        for w in &when {
            if !allowed.contains(w) {
                ok = false;
                self.problem(
                    r.when.span(),
                    format!(
                        "'{w}' is not an answer of this question (expected one of {})",
                        allowed.join(", ")
                    ),
                );
            }
        }
        let outcome = EndsInterview::OUTCOMES
            .into_iter()
            .find(|d| d.code() == r.outcome.get_ref());
        if outcome.is_none() {
            ok = false;
            self.problem(
                r.outcome.span(),
                format!(
                    "unknown outcome '{}' (expected refusal or break_off)",
                    r.outcome.get_ref()
                ),
            );
        }
        Some(EndsInterview {
            when,
            outcome: outcome?,
        })
        .filter(|_| ok)
    }

    fn choice_spec(
        &mut self,
        r: &RawQuestion,
        scope: Option<SectionIdx>,
        choice_lists: &BTreeMap<String, Vec<Choice>>,
        pending: &mut Vec<PendingExpr>,
    ) -> ChoiceSpec {
        let Some(list_name) = &r.choices else {
            self.problem(
                r.kind.span(),
                format!(
                    "a {} question needs 'choices' (the name of a choice list)",
                    r.kind.get_ref()
                ),
            );
            return ChoiceSpec {
                list: String::new(),
                choices: Arc::from(Vec::new()),
                other: r.other,
                filter: None,
            };
        };
        let mut choices = match choice_lists.get(list_name.get_ref()) {
            Some(list) => list.clone(),
            None => {
                self.problem(
                    list_name.span(),
                    format!("unknown choice list '{}'", list_name.get_ref()),
                );
                Vec::new()
            }
        };
        if r.other && !choices.iter().any(|c| c.value == OTHER_CHOICE) {
            choices.push(Choice {
                value: OTHER_CHOICE.to_string(),
                label: LocalText(
                    self.languages
                        .iter()
                        .map(|l| (l.clone(), other_label(l).to_string()))
                        .collect(),
                ),
                exclusive: false,
                attributes: BTreeMap::new(),
            });
        }
        let filter = r.choice_filter.as_ref().and_then(|f| {
            let before = pending.len();
            let e = self.expr(f, ExprPlace::ChoiceFilter, scope, pending)?;
            if let Some(p) = pending.get_mut(before) {
                let mut fields: HashSet<String> = ["value".to_string()].into();
                for c in &choices {
                    fields.extend(c.attributes.keys().cloned());
                }
                p.choice_fields = Some(fields);
            }
            Some(e)
        });
        ChoiceSpec {
            list: list_name.get_ref().clone(),
            choices: Arc::from(choices),
            other: r.other,
            filter,
        }
    }

    /// Fields that make sense only for some types are refused elsewhere, so a
    /// typo'd type or a misplaced field does not pass silently.
    fn check_fields_apply(&mut self, r: &RawQuestion, t: &str) {
        let choice = matches!(t, "single_choice" | "multiple_choice");
        let ranged = matches!(t, "rating" | "integer" | "decimal");
        let checks: [(Option<Range<usize>>, bool, &str, &str); 10] = [
            (
                r.choices.as_ref().map(|s| s.span()),
                choice,
                "choices",
                "single_choice and multiple_choice",
            ),
            (
                r.choice_filter.as_ref().map(|s| s.span()),
                choice,
                "choice_filter",
                "single_choice and multiple_choice",
            ),
            (
                r.min.as_ref().map(|s| s.span()),
                ranged,
                "min",
                "rating, integer and decimal",
            ),
            (
                r.max.as_ref().map(|s| s.span()),
                ranged,
                "max",
                "rating, integer and decimal",
            ),
            (
                r.min_label.as_ref().map(|s| s.span()),
                t == "rating",
                "min_label",
                "rating",
            ),
            (
                r.max_label.as_ref().map(|s| s.span()),
                t == "rating",
                "max_label",
                "rating",
            ),
            (
                r.dimension.as_ref().map(|s| s.span()),
                t == "rating",
                "dimension",
                "rating",
            ),
            (
                r.max_length.as_ref().map(|s| s.span()),
                t == "text",
                "max_length",
                "text",
            ),
            (
                r.calculation.as_ref().map(|s| s.span()),
                t == "calculate",
                "calculation",
                "calculate",
            ),
            (
                r.weight.as_ref().map(|s| s.span()),
                t == "rating",
                "weight",
                "rating",
            ),
        ];
        for (span, applies, field, types) in checks {
            if let Some(span) = span
                && !applies
                && QuestionKind::TYPE_NAMES.contains(&t)
            {
                self.problem(
                    span,
                    format!("'{field}' applies only to {types}, not to {t}"),
                );
            }
        }
        if r.other && !choice && QuestionKind::TYPE_NAMES.contains(&t) {
            self.problem(
                r.kind.span(),
                format!("'other' applies only to single_choice and multiple_choice, not to {t}"),
            );
        }
        if r.multiline && t != "text" && QuestionKind::TYPE_NAMES.contains(&t) {
            self.problem(
                r.kind.span(),
                format!("'multiline' applies only to text, not to {t}"),
            );
        }
        if r.reverse && t != "rating" && QuestionKind::TYPE_NAMES.contains(&t) {
            self.problem(
                r.kind.span(),
                format!("'reverse' applies only to rating, not to {t}"),
            );
        }
        if let (Some(m), None) = (&r.constraint_message, &r.constraint) {
            self.problem(m.span(), "constraint_message without a constraint");
        }
        if let (Some(h), "calculate") = (&r.hint, t) {
            self.problem(h.span(), "a calculate is never shown, so it takes no hint");
        }
    }

    fn int_field(&mut self, v: &Option<Spanned<toml::Value>>, field: &str) -> Option<i64> {
        let v = v.as_ref()?;
        match v.get_ref() {
            toml::Value::Integer(i) => Some(*i),
            other => {
                self.problem(
                    v.span(),
                    format!("{field} must be a whole number, not {}", describe(other)),
                );
                None
            }
        }
    }

    fn num_field(&mut self, v: &Option<Spanned<toml::Value>>, field: &str) -> Option<f64> {
        let v = v.as_ref()?;
        match v.get_ref() {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) if f.is_finite() => Some(*f),
            toml::Value::Float(f) => {
                self.problem(
                    v.span(),
                    format!("{field} must be a finite number, not {f}"),
                );
                None
            }
            other => {
                self.problem(
                    v.span(),
                    format!("{field} must be a number, not {}", describe(other)),
                );
                None
            }
        }
    }

    fn default_value(
        &mut self,
        d: &Spanned<toml::Value>,
        kind: &QuestionKind,
    ) -> Option<AnswerValue> {
        let v = d.get_ref();
        let parsed = match (kind, v) {
            (QuestionKind::SingleChoice(spec), toml::Value::String(s)) => spec
                .choices
                .iter()
                .any(|c| &c.value == s)
                .then(|| AnswerValue::Choice {
                    value: s.clone(),
                    other: None,
                }),
            (QuestionKind::MultipleChoice(spec), toml::Value::String(s)) => {
                let values: Vec<String> = s.split_whitespace().map(str::to_string).collect();
                values
                    .iter()
                    .all(|v| spec.choices.iter().any(|c| &c.value == v))
                    .then_some(AnswerValue::Choices {
                        values,
                        other: None,
                    })
            }
            (QuestionKind::Rating { min, max, .. }, toml::Value::Integer(i)) => (min..=max)
                .contains(&i)
                .then_some(AnswerValue::Rating { value: *i }),
            (QuestionKind::YesNo, toml::Value::Boolean(b)) => {
                Some(AnswerValue::YesNo { value: *b })
            }
            (QuestionKind::Integer { min, max }, toml::Value::Integer(i)) => {
                (min.is_none_or(|m| *i >= m) && max.is_none_or(|m| *i <= m))
                    .then_some(AnswerValue::Integer { value: *i })
            }
            (
                QuestionKind::Decimal { min, max },
                toml::Value::Integer(_) | toml::Value::Float(_),
            ) => {
                let f = v
                    .as_float()
                    .unwrap_or_else(|| v.as_integer().unwrap_or(0) as f64);
                (min.is_none_or(|m| f >= m) && max.is_none_or(|m| f <= m))
                    .then_some(AnswerValue::Decimal { value: f })
            }
            (QuestionKind::Text { max_length, .. }, toml::Value::String(s)) => max_length
                .is_none_or(|m| s.chars().count() <= m)
                .then(|| AnswerValue::Text { value: s.clone() }),
            (QuestionKind::Date, toml::Value::String(s)) => {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .map(|value| AnswerValue::Date { value })
            }
            (QuestionKind::Date, toml::Value::Datetime(dt)) => dt
                .date
                .and_then(|d| {
                    chrono::NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                })
                .map(|value| AnswerValue::Date { value }),
            (QuestionKind::Time, toml::Value::String(s)) => {
                chrono::NaiveTime::parse_from_str(s, "%H:%M")
                    .ok()
                    .map(|value| AnswerValue::Time { value })
            }
            _ => None,
        };
        if parsed.is_none() {
            self.problem(
                d.span(),
                format!(
                    "default {v} is not a valid answer for type {}",
                    kind.type_name()
                ),
            );
        }
        parsed
    }

    fn quota(&mut self, raw: &Spanned<RawQuota>, q: &Questionnaire) -> Option<Quota> {
        let r = raw.get_ref();
        let Some(question) = q.question(r.question.get_ref()) else {
            self.problem(
                r.question.span(),
                format!("unknown question '{}'", r.question.get_ref()),
            );
            return None;
        };
        let QuestionKind::SingleChoice(spec) = &question.kind else {
            self.problem(
                r.question.span(),
                "a quota counts the answers of a single_choice question",
            );
            return None;
        };
        let mut targets = BTreeMap::new();
        for (value, n) in &r.targets {
            if !spec.choices.iter().any(|c| &c.value == value.get_ref()) {
                self.problem(
                    value.span(),
                    format!(
                        "'{}' is not a choice of question '{}'",
                        value.get_ref(),
                        question.id
                    ),
                );
            }
            if *n.get_ref() < 0 {
                self.problem(n.span(), "a quota target cannot be negative");
            }
            targets.insert(value.get_ref().clone(), (*n.get_ref()).max(0) as u32);
        }
        Some(Quota {
            question: question.id.clone(),
            targets,
        })
    }

    /// Every reference must name something that exists and is visible from
    /// where the expression is evaluated (ODK's repeat scoping).
    fn check_references(&mut self, q: &Questionnaire, pending: &[PendingExpr]) {
        for p in pending {
            for r in p.expr.references() {
                let message = match &r.reference {
                    Ref::Question(name) => self.question_ref_problem(q, p, name, r.aggregated),
                    Ref::Resident(attr) => (!STANDARD_RESIDENT_FIELDS.contains(&attr.as_str())
                        && !q.resident_attributes.contains(attr))
                    .then(|| {
                        format!(
                            "unknown resident attribute '{attr}': declare it in resident_attributes"
                        )
                    }),
                    Ref::Current => (p.place != ExprPlace::Constraint).then(|| {
                        "'.' (the answer being checked) is only meaningful in a constraint"
                            .to_string()
                    }),
                    Ref::ChoiceField(name) => match &p.choice_fields {
                        Some(fields) if fields.contains(name) => None,
                        Some(_) => Some(format!("the choices have no attribute '{name}'")),
                        None => Some(format!(
                            "unknown name '{name}': write ${{{name}}} to refer to a question"
                        )),
                    },
                };
                if let Some(message) = message {
                    let span = self.reference_span(p, &r.reference);
                    self.problem(span, message);
                }
            }
        }
    }

    fn question_ref_problem(
        &self,
        q: &Questionnaire,
        p: &PendingExpr,
        name: &str,
        aggregated: bool,
    ) -> Option<String> {
        if let Some(si) = q.section_index(name) {
            return match (&q.sections[si].repeat, aggregated) {
                (Some(_), true) => None,
                (Some(_), false) => Some(format!(
                    "'{name}' is a repeat; use count(${{{name}}}) to count its instances"
                )),
                (None, _) => Some(format!("'{name}' is a section, not a question")),
            };
        }
        let Some(target) = q.question_index(name) else {
            return Some(format!("unknown question '{name}'"));
        };
        let target_repeat = q.repeat_of(target);
        if aggregated {
            return target_repeat.is_none().then(|| {
                format!("'{name}' is not inside a repeat, so count()/sum() over it means nothing")
            });
        }
        match target_repeat {
            Some(rs) if p.scope != Some(rs) => Some(format!(
                "'{name}' is inside repeat '{}'; outside it use count() or sum()",
                q.sections[rs].id
            )),
            _ => None,
        }
    }

    /// The place of a reference inside its expression, for the diagnostic.
    fn reference_span(&self, p: &PendingExpr, r: &Ref) -> Range<usize> {
        let text = &self.source[p.span.clone()];
        let needle = match r {
            Ref::Question(n) => format!("${{{n}}}"),
            Ref::Resident(a) => format!("${{resident.{a}}}"),
            Ref::Current => ".".to_string(),
            Ref::ChoiceField(n) => n.clone(),
        };
        match text.find(&needle) {
            Some(i) => p.span.start + i..p.span.start + i + needle.len(),
            None => p.span.clone(),
        }
    }

    /// Checks the graph of what each question's value and relevance read
    /// (its `relevant`, its `calculation`, its section's `relevant` and
    /// repeat `count`): a cycle is an error (at run time it would be cut
    /// silently), and so is a chain deeper than [`MAX_EVALUATION_DEPTH`]
    /// (evaluation recurses along it). Iterative, so that the check itself
    /// cannot overflow the stack however long the chain.
    fn check_dependencies(&mut self, q: &Questionnaire, pending: &[PendingExpr]) {
        let nq = q.questions.len();
        let node_of = |o: Owner| match o {
            Owner::Question(i) => i,
            Owner::Section(s) => nq + s,
        };
        let n = nq + q.sections.len();
        // Edges: (target, span of the expression, whether it is a
        // calculation edge between calculates).
        let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        let mut cost: Vec<u32> = vec![1; n];
        let mut spans: Vec<Range<usize>> = Vec::with_capacity(pending.len());
        let mut calc_edge: Vec<bool> = Vec::with_capacity(pending.len());
        // A question is relevant only where its section is.
        for (qi, question) in q.questions.iter().enumerate() {
            edges[qi].push((nq + question.section, usize::MAX));
        }
        for p in pending {
            let Some(owner) = p.owner else { continue };
            let from = node_of(owner);
            cost[from] = cost[from].max(1 + p.expr.depth());
            let at = spans.len();
            spans.push(p.span.clone());
            calc_edge.push(p.calculate.is_some());
            for r in p.expr.references() {
                if let Ref::Question(name) = &r.reference
                    && let Some(t) = q.question_index(name)
                {
                    edges[from].push((t, at));
                }
            }
        }
        let name = |i: usize| -> String {
            if i < nq {
                q.questions[i].id.clone()
            } else {
                format!("section {}", q.sections[i - nq].id)
            }
        };
        // 0 = unseen, 1 = on the stack, 2 = done; depth = the deepest
        // evaluation starting at the node.
        let mut state = vec![0u8; n];
        let mut depth = vec![0u32; n];
        let mut reported_deep = false;
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            // (node, next edge to follow, edge that led here)
            let mut stack: Vec<(usize, usize, usize)> = vec![(start, 0, usize::MAX)];
            state[start] = 1;
            while let Some(top) = stack.last_mut() {
                let (node, next, _) = *top;
                if let Some(&(t, e)) = edges[node].get(next) {
                    top.1 += 1;
                    match state[t] {
                        0 => {
                            state[t] = 1;
                            stack.push((t, 0, e));
                        }
                        1 => {
                            // A cycle: from t's place on the stack to here.
                            let from = stack.iter().position(|f| f.0 == t).unwrap_or(0);
                            let members: Vec<usize> = stack[from..].iter().map(|f| f.0).collect();
                            let mut names: Vec<String> = members.iter().map(|m| name(*m)).collect();
                            names.push(name(t));
                            let via: Vec<usize> = stack[from + 1..]
                                .iter()
                                .map(|f| f.2)
                                .chain(std::iter::once(e))
                                .collect();
                            let all_calc = via.iter().all(|v| calc_edge.get(*v) == Some(&true));
                            let at = via
                                .iter()
                                .find_map(|v| spans.get(*v).cloned())
                                .unwrap_or(0..0);
                            let message = if all_calc {
                                format!("calculation cycle: {}", names.join(" → "))
                            } else {
                                format!(
                                    "dependency cycle: {} (each needs the one after it, through \
                                     relevant, calculation or repeat count; at run time the cycle \
                                     would be cut silently)",
                                    names.join(" → ")
                                )
                            };
                            self.problem(at, message);
                        }
                        _ => {}
                    }
                } else {
                    let below = edges[node]
                        .iter()
                        .map(|(t, _)| if state[*t] == 2 { depth[*t] } else { 0 })
                        .max()
                        .unwrap_or(0);
                    depth[node] = cost[node].saturating_add(below);
                    state[node] = 2;
                    stack.pop();
                    if depth[node] > MAX_EVALUATION_DEPTH && !reported_deep {
                        reported_deep = true;
                        let at = edges[node]
                            .iter()
                            .find_map(|(_, e)| spans.get(*e).cloned())
                            .unwrap_or(0..0);
                        self.problem(
                            at,
                            format!(
                                "'{}' starts a chain of dependencies too deep to evaluate \
                                 (depth {} over the limit of {MAX_EVALUATION_DEPTH}: each \
                                 relevant or calculation reads the next); shorten the chain",
                                name(node),
                                depth[node]
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// A TOML value as the author wrote it, for "must be X, not ...": `1.5`,
/// `the text "3"`, `a table`; never serde's bare type names ("float").
fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::String(t) => format!("the text \"{}\"", crate::text::shorten(t, 40)),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

/// Marks the expressions pushed since `before` as `owner`'s.
fn own(pending: &mut [PendingExpr], before: usize, owner: Owner) {
    for p in pending.iter_mut().skip(before) {
        p.owner = Some(owner);
    }
}

/// The `${...}` pieces of a label, with their byte offsets.
pub fn label_references(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("${") {
        let start = from + i;
        match text[start..].find('}') {
            Some(j) => {
                out.push((start, &text[start..start + j + 1]));
                from = start + j + 1;
            }
            None => {
                out.push((start, &text[start..]));
                break;
            }
        }
    }
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn other_label(lang: &str) -> &'static str {
    crate::lang::Msg::OtherSpecify.text(crate::lang::Lang::from_code(lang))
}

pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
