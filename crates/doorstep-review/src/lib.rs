//! The supervisor's checks on a day's interviews: the inbox of verified
//! batches, quality flags, decisions and the hand-over to the office.

pub mod demo;
pub mod figures;
/// The quality-flag rules live in the core (they are pure).
pub use doorstep_core::flags;
pub mod handover;
pub mod inbox;
