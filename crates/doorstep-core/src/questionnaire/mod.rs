//! Questionnaire definitions: the TOML format, loading with located
//! diagnostics, and the checked model the interview flow runs on.

pub mod diagnostic;
mod load;
mod model;
mod raw;
pub mod summary;

pub use diagnostic::{LoadError, Located};
pub use load::{STANDARD_RESIDENT_FIELDS, hex_sha256, label_references, load_file, load_str};
pub use model::*;
