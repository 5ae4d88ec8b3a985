//! doorstep: door-to-door resident satisfaction surveys.
//!
//! The domain core (`expr`, `questionnaire`, `interview`) knows nothing of
//! terminals or databases; storage, batch files and the UI are built around it.

pub mod expr;
pub mod interview;
pub mod questionnaire;
