//! One module per screen.

pub mod check;
pub mod help;
pub mod interview;
pub mod list;
pub mod resident;
pub mod setup;
pub mod summary;
