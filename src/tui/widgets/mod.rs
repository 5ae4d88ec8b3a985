//! Reusable widgets.

pub mod text_field;
