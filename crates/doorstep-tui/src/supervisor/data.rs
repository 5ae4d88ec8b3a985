//! The review app's data layer: reading the decisions again when another
//! process wrote them, and recording one; both recount the figures.

use super::ReviewApp;
use doorstep_store::decisions::{Decision, DecisionKind};

impl ReviewApp {
    /// The figures again, after a decision or `x`: rejected interviews
    /// never count, flagged ones as `x` says (`Inbox::set_counting`).
    pub(super) fn recount(&mut self) {
        let rejected = self
            .decisions
            .values()
            .filter(|d| d.decision == DecisionKind::Rejected)
            .map(|d| d.interview_id.as_str());
        self.inbox.set_counting(rejected, self.leave_out_flagged);
        self.compute_figures();
    }

    /// Reads the decisions again when another process changed the store
    /// (a `review --decide` while the app is open). Cheap: one pragma when
    /// nothing changed; the app calls it on every tick.
    pub fn refresh_decisions(&mut self) {
        let Ok(version) = self.store.data_version() else {
            return;
        };
        if self.decisions_version == Some(version) {
            return;
        }
        self.decisions_version = Some(version);
        if let Ok(all) = self.store.decisions() {
            self.decisions = all
                .into_iter()
                .map(|d| (d.interview_id.clone(), d))
                .collect();
            self.recount();
        }
    }

    /// Records a decision in the store and takes it as stored (a comment
    /// kept from an earlier decision), then recounts.
    pub(super) fn record(&mut self, decision: Decision) -> Result<(), String> {
        self.store
            .record_decision(&decision)
            .map_err(|e| e.to_string())?;
        let stored = self.store.decision(&decision.interview_id).ok().flatten();
        self.decisions
            .insert(decision.interview_id.clone(), stored.unwrap_or(decision));
        self.decisions_version = self.store.data_version().ok();
        self.recount();
        Ok(())
    }
}
