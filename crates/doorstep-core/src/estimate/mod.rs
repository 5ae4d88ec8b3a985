//! Estimates from a calibrated sample: the statistics behind the office's
//! scores (`docs/method.md`).
//!
//! A community's interviews carry base weights (register count over
//! interviews counted). [`rake`] calibrates them to the register's margins
//! (age group, gender, ...) by raking; [`calibrated_mean`] gives the
//! weighted mean of a measure with its standard error by linearisation of
//! the calibration estimator, as R's `survey` package computes
//! `svymean(~y, calibrate(design, ~a+b, population, calfun = "raking"),
//! na.rm = TRUE)`.
//!
//! [`fay_herriot`] shrinks small communities' estimates toward their
//! street's mean; [`rank_intervals`] ranks with a seeded bootstrap.
//!
//! Pure arithmetic on slices: no I/O, no database.

mod lsq;
mod mean;
mod rake;
mod ranks;
mod shrink;
mod student;

pub use mean::{Estimate, calibrated_mean};
pub use rake::{Calibration, Collapse, Margin, RakeError, rake};
pub use ranks::{Rank, rank_intervals};
pub use shrink::{Direct, FayHerriot, Shrunk, fay_herriot};
pub use student::t_quantile;
