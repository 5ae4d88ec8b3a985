//! The supervisor's checks on a day's interviews: the inbox of verified
//! batches, quality flags, decisions and the hand-over to the office.

pub mod decisions_file;
pub mod demo;
pub mod figures;
pub mod flags;
pub mod handover;
pub mod inbox;
