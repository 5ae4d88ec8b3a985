//! doorstep: door-to-door resident satisfaction surveys.
//!
//! The binary's library half: the logging set-up and the checked output
//! (`outln!`), which the binary and its tests share. Everything else lives in the workspace's crates
//! (`doorstep-core`, `doorstep-batch`, `doorstep-store`, `doorstep-review`,
//! `doorstep-tui`; see `docs/architecture.md`).

pub mod logging;
pub mod output;
