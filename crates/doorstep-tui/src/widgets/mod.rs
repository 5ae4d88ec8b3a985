//! Reusable widgets.

pub mod popup;
pub mod text_field;
