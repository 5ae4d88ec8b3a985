//! The interface language and its texts: the one catalogue lives in the
//! core (`doorstep_core::lang`), so the verifier, the review and both apps
//! read the same words; this module names it for the apps.

pub use doorstep_core::lang::{EN, Lang, Msg, Strings, ZH};
pub use doorstep_core::msg;

#[cfg(test)]
mod tests {
    /// The surveyor's app takes every word from the catalogue: no text
    /// chosen on the spot by language (`pick("…", "…")`, `Lang::Zh =>`).
    #[test]
    fn the_surveyors_screens_have_no_inline_text_per_language() {
        let sources = [
            ("app.rs", include_str!("app.rs")),
            ("data.rs", include_str!("data.rs")),
            ("screens/check.rs", include_str!("screens/check.rs")),
            ("screens/help.rs", include_str!("screens/help.rs")),
            ("screens/interview.rs", include_str!("screens/interview.rs")),
            ("screens/list.rs", include_str!("screens/list.rs")),
            ("screens/resident.rs", include_str!("screens/resident.rs")),
            ("screens/setup.rs", include_str!("screens/setup.rs")),
            ("screens/summary.rs", include_str!("screens/summary.rs")),
        ];
        for (name, source) in sources {
            for (at, _) in source.match_indices(".pick(") {
                let after = source[at + ".pick(".len()..].trim_start();
                assert!(!after.starts_with('"'), "{name}: text picked inline");
            }
            assert!(!source.contains("Lang::Zh =>"), "{name}: text per language");
        }
    }
}
