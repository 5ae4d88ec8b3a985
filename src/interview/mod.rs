//! The interview flow: navigation, answers, relevance and paradata.
//! Pure: no terminal, no database.

pub mod answer;
mod flow;
mod messages;
pub mod paradata;

pub use answer::{Answer, AnswerValue, SpecialResponse};
pub use flow::{
    AnswerChange, AnswerError, Clock, Ending, Interview, Problem, Progress, Slot, Step,
    display_value,
};
pub use paradata::{EventKind, ParadataEvent};
