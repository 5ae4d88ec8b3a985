//! The terminal apps: the surveyor's app (`app`, `screens`, `data`) and
//! the supervisor's review app (`supervisor`, `review_text`), with what
//! they share (terminal and its event loop, keys, language, theme,
//! widgets).

pub mod app;
pub mod data;
pub mod i18n;
pub mod keys;
pub mod office;
pub mod review_text;
pub mod screens;
pub mod strata;
pub mod supervisor;
pub mod terminal;
pub mod theme;
pub mod widgets;
