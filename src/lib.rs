//! doorstep: door-to-door resident satisfaction surveys.
//!
//! The domain core (`expr`, `questionnaire`, `interview`, `assignment`)
//! knows nothing of terminals or databases; storage, batch files and the UI
//! are built around it.

pub mod answer;
pub mod app_lock;
pub mod assignment;
pub mod batch;
pub mod config;
pub mod datetime_input;
pub mod demo;
pub mod export;
pub mod expr;
pub mod fsutil;
pub mod interview;
pub mod logging;
pub mod questionnaire;
pub mod review;
pub mod scoring;
pub mod simulate;
pub mod store;
pub mod timestamp;
pub mod tui;
