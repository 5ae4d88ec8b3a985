//! doorstep: door-to-door resident satisfaction surveys.
//!
//! The domain core lives in the `doorstep-core` crate (no terminal, no
//! database); the batch files in `doorstep-batch`, the surveyor's store and data
//! directory in `doorstep-store`, the supervisor's side in `doorstep-review`. Their modules are re-exported here
//! under their old paths.

pub use doorstep_batch::{self as batch, fsutil};
pub use doorstep_core::{
    answer, assignment, datetime_input, expr, interview, questionnaire, scoring, timestamp,
};
pub use doorstep_review as review;
pub use doorstep_store::{self as store, app_lock, config, demo, export, simulate};

pub mod logging;
pub mod tui;
