//! One module per screen.

pub mod help;
pub mod interview;
pub mod list;
pub mod resident;
pub mod review;
pub mod setup;
pub mod summary;
