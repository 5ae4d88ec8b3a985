//! doorstep: door-to-door resident satisfaction surveys.
//!
//! The domain core (`expr`, `questionnaire`, `interview`, `assignment`)
//! knows nothing of terminals or databases; storage, batch files and the UI
//! are built around it.

pub mod assignment;
pub mod batch;
pub mod expr;
pub mod interview;
pub mod questionnaire;
pub mod store;
