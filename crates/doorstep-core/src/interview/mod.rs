//! The interview flow: navigation, answers, relevance and paradata.
//! Pure: no terminal, no database.

mod flow;
mod messages;
pub mod paradata;

pub use crate::answer::{self, Answer, AnswerValue, SpecialResponse};
pub use flow::{
    AnswerChange, AnswerError, Clock, Ending, Interview, Problem, Progress, Slot, Step,
    display_value,
};
pub use paradata::{EventKind, ParadataEvent};
