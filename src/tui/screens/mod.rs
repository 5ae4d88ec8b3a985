//! One module per screen.

pub mod interview;
