//! The terminal apps: the surveyor's app (`app`, `screens`, `data`) and
//! the supervisor's review app (`review`, `review_text`), with what they
//! share (terminal, keys, language, theme, widgets).

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
