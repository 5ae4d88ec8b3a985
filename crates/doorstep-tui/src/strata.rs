//! The progress of a stratified list (`office sample`: residents with a
//! `stratum` column) as one more line under the quotas: each stratum's
//! completed interviews against its target, `东园 18-34/f 1/3`. A list
//! without strata gets no line.

use crate::i18n::Lang;
use crate::screens::list::QuotaLine;
use doorstep_core::assignment::reserves::StratumProgress;

/// The longest stratum label shown (characters), so many strata still fit
/// on the line's two rows at 80 columns.
const LABEL_CHARS: usize = 14;

/// The line, or `None` when the list has no strata. The community is named
/// only when the list spans several.
pub fn strata_line(progress: &[StratumProgress], ui: Lang) -> Option<QuotaLine> {
    let first = progress.first()?;
    let several = progress.iter().any(|p| p.community != first.community);
    let cells = progress
        .iter()
        .map(|p| {
            let label = if several {
                format!("{} {}", p.community, p.stratum)
            } else {
                p.stratum.clone()
            };
            (
                crate::screens::check::truncate(&label, LABEL_CHARS),
                p.completed,
                p.target,
            )
        })
        .collect();
    Some(QuotaLine {
        question_label: match ui {
            Lang::Zh => "分层".into(),
            Lang::En => "strata".into(),
        },
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(community: &str, stratum: &str, completed: u32, target: u32) -> StratumProgress {
        StratumProgress {
            community: community.into(),
            stratum: stratum.into(),
            target,
            completed,
            released: 0,
            hidden: 0,
        }
    }

    #[test]
    fn no_strata_no_line() {
        assert_eq!(strata_line(&[], Lang::En), None);
    }

    #[test]
    fn community_is_named_only_when_there_are_several() {
        let one = strata_line(&[p("东园", "a", 1, 3), p("东园", "b", 0, 2)], Lang::Zh).unwrap();
        assert_eq!(one.question_label, "分层");
        assert_eq!(
            one.cells,
            vec![("a".to_string(), 1, 3), ("b".to_string(), 0, 2)]
        );
        let two = strata_line(&[p("东园", "a", 1, 3), p("西园", "a", 0, 2)], Lang::En).unwrap();
        assert_eq!(two.cells[1].0, "西园 a");
    }
}
