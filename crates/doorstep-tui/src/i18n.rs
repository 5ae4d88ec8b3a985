//! The interface language and its texts: the one catalogue lives in the
//! core (`doorstep_core::lang`), so the verifier, the review and both apps
//! read the same words; this module names it for the apps.

pub use doorstep_core::lang::{EN, Lang, Msg, Strings, ZH};
pub use doorstep_core::msg;
