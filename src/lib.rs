//! doorstep: door-to-door resident satisfaction surveys.
//!
//! The domain core lives in the `doorstep-core` crate (no terminal, no
//! database); the batch files in `doorstep-batch`. Their modules are re-exported here
//! under their old paths.

pub use doorstep_batch::{self as batch, fsutil};
pub use doorstep_core::{
    answer, assignment, datetime_input, expr, interview, questionnaire, scoring, timestamp,
};

pub mod app_lock;
pub mod config;
pub mod demo;
pub mod export;
pub mod logging;
pub mod review;
pub mod simulate;
pub mod store;
pub mod tui;
