//! The interview flow: navigation, answers, relevance and paradata.
//! Pure: no terminal, no database.

pub mod answer;

pub use answer::{Answer, AnswerValue, SpecialResponse};
