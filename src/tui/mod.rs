//! The surveyor's terminal app.

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
