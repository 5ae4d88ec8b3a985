//! The terminal apps: the surveyor's app (`app`, `screens`, `data`) and
//! the supervisor's review app (`review`, `review_text`), with what they
//! share (terminal, keys, language, theme, widgets).

// The lower crates under the paths `data.rs` still uses (`doorstep_store`,
// ...): kept until the edits of that file on the i11 transactions branch
// are merged, then rewritten to the crate names.
use doorstep_batch as batch;
use doorstep_core::{assignment, interview, questionnaire};
use doorstep_store as store;
use doorstep_store::export;

pub mod app;
pub mod data;
pub mod i18n;
pub mod keys;
pub mod review;
pub mod review_text;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;
