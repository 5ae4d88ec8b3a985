//! The short description `doorstep check` prints.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{QuestionKind, Questionnaire};

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: String,
    pub version: String,
    pub title: String,
    pub languages: Vec<String>,
    pub default_language: String,
    pub content_hash: String,
    pub section_count: usize,
    pub repeat_count: usize,
    /// Every item, notes and calculates included.
    pub question_count: usize,
    /// Items per type; every type is present, zero when unused.
    pub types: BTreeMap<&'static str, usize>,
    pub choice_list_count: usize,
    pub dimensions: Vec<String>,
    pub scored_question_count: usize,
    pub special_responses: Vec<&'static str>,
}

impl Summary {
    pub fn of(q: &Questionnaire) -> Self {
        let mut types: BTreeMap<&'static str, usize> =
            QuestionKind::TYPE_NAMES.iter().map(|t| (*t, 0)).collect();
        for question in &q.questions {
            *types.entry(question.kind.type_name()).or_default() += 1;
        }
        Summary {
            id: q.id.clone(),
            version: q.version.clone(),
            title: q.title.get(&q.default_language).to_string(),
            languages: q.languages.clone(),
            default_language: q.default_language.clone(),
            content_hash: q.content_hash.clone(),
            section_count: q.sections.len(),
            repeat_count: q.sections.iter().filter(|s| s.repeat.is_some()).count(),
            question_count: q.questions.len(),
            types,
            choice_list_count: q.choice_lists.len(),
            dimensions: q.dimensions.iter().map(|d| d.id.clone()).collect(),
            scored_question_count: q
                .questions
                .iter()
                .filter(|x| {
                    matches!(
                        &x.kind,
                        QuestionKind::Rating {
                            scoring: Some(_),
                            ..
                        }
                    )
                })
                .count(),
            special_responses: q.special_responses.iter().map(|s| s.code()).collect(),
        }
    }

    /// The human-readable form: a few lines.
    pub fn to_text(&self) -> String {
        let types: Vec<String> = self
            .types
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        format!(
            "{} {} — {}\n\
             languages: {} (default {})\n\
             sections: {} ({} repeating)\n\
             questions: {} ({})\n\
             scored: {} in {} dimensions; choice lists: {}\n\
             special responses: {}\n\
             content hash: {}\n",
            self.id,
            self.version,
            self.title,
            self.languages.join(", "),
            self.default_language,
            self.section_count,
            self.repeat_count,
            self.question_count,
            types.join(", "),
            self.scored_question_count,
            self.dimensions.len(),
            self.choice_list_count,
            if self.special_responses.is_empty() {
                "none".to_string()
            } else {
                self.special_responses.join(", ")
            },
            self.content_hash,
        )
    }
}
