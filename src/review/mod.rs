//! The supervisor's checks on a day's interviews.

pub mod flags;
