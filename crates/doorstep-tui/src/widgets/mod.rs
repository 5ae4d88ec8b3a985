//! Reusable widgets.

pub mod popup;
pub mod tabbed;
pub mod text_field;
