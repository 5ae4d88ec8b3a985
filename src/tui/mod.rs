//! The surveyor's terminal app.

pub mod i18n;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;
