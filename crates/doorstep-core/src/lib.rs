//! doorstep's domain core: the expression language, questionnaires, the
//! interview flow with its answers and paradata, residents and their
//! dispositions, scoring, and the quality-flag rules a supervisor checks.
//!
//! Pure: no terminal, no database, no cryptography, and no I/O beyond
//! reading a file it is given (a questionnaire, a resident list).

pub mod answer;
pub mod assessment;
pub mod assignment;
pub mod datetime_input;
pub mod estimate;
pub mod expr;
pub mod flags;
pub mod interview;
pub mod questionnaire;
pub mod scoring;
pub mod timestamp;
