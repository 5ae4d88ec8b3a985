//! The ingestion tab: the counts, the missing batches per device, the
//! files quarantined (conflicts first) with their reasons, and the
//! batches ingested — one scrolling page.

use doorstep_office::status::{self, Status};
use doorstep_office::views::{self, BatchLine, QuarantineLine};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::keys::OfficeAction;
use super::{OfficeApp, OfficeData, when};
use crate::i18n::{Lang, msg};
use crate::review_text::wrap;

#[derive(Default)]
pub struct IngestionTab {
    status: Option<Status>,
    batches: Vec<BatchLine>,
    quarantine: Vec<QuarantineLine>,
    scroll: usize,
    /// How far it scrolls at most, as last drawn.
    max_scroll: std::cell::Cell<usize>,
}

/// A file's name without its folder (the reason names it in full).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A quarantine kind in words.
pub fn kind_label(kind: &str, ui: Lang) -> String {
    doorstep_office::batch_source::kind_text(kind, ui)
}

impl IngestionTab {
    pub fn load(&mut self, data: &OfficeData) -> Result<(), String> {
        let err = |e: doorstep_office::OfficeError| e.to_string();
        self.status = Some(status::status(&data.db, data.settings.ingest.count).map_err(err)?);
        self.batches = views::batches(&data.db).map_err(err)?;
        self.quarantine = views::quarantine(&data.db).map_err(err)?;
        self.scroll = self.scroll.min(self.max_scroll.get());
        Ok(())
    }

    pub fn act(&mut self, action: OfficeAction) -> bool {
        let max = self.max_scroll.get();
        self.scroll = match action {
            OfficeAction::Up => self.scroll.saturating_sub(1),
            OfficeAction::Down => (self.scroll + 1).min(max),
            OfficeAction::PageUp => self.scroll.saturating_sub(10),
            OfficeAction::PageDown => (self.scroll + 10).min(max),
            _ => return false,
        };
        true
    }

    fn lines(&self, app: &OfficeApp, w: usize) -> Vec<Line<'static>> {
        let ui = app.ui;
        let t = &app.theme;
        let mut lines = Vec::new();
        let Some(s) = &self.status else {
            return lines;
        };
        lines.push(Line::from(Span::styled(
            msg!(
                ui,
                OfIngestCounts,
                ingested = s.batches.ingested,
                quarantined = s.batches.quarantined,
                conflicts = s.batches.conflicts,
                decisions = s.batches.decisions_files
            ),
            t.heading(),
        )));
        lines.push(Line::from(msg!(
            ui,
            OfInterviewCounts,
            total = s.interviews.total,
            counted = s.interviews.counted
        )));
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            msg!(ui, OfMissingTitle),
            t.heading(),
        )));
        if s.missing.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {}", msg!(ui, OfNoneMissing)),
                t.ok(),
            )));
        }
        for m in &s.missing {
            let seqs: Vec<String> = m.sequences.iter().map(u64::to_string).collect();
            let text = msg!(
                ui,
                OfMissingLine,
                surveyor = m.surveyor_id,
                device = m.device_id,
                seqs = seqs.join(", ")
            );
            for (i, part) in wrap(&text, w.saturating_sub(4)).into_iter().enumerate() {
                let lead = if i == 0 { "  ! " } else { "    " };
                lines.push(Line::from(Span::styled(
                    format!("{lead}{part}"),
                    t.warning(),
                )));
            }
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            msg!(ui, OfQuarantineTitle, n = self.quarantine.len()),
            t.heading(),
        )));
        if self.quarantine.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {}", msg!(ui, OfNoneQuarantined),),
                t.ok(),
            )));
        }
        for q in &self.quarantine {
            let style = if q.kind == "conflict" {
                t.error()
            } else {
                t.warning()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  [{}] ", kind_label(&q.kind, ui)), style),
                Span::raw(when(&q.first_seen)),
            ]));
            for part in wrap(file_name(&q.file), w.saturating_sub(6)) {
                lines.push(Line::from(Span::styled(
                    format!("      {part}"),
                    t.secondary(),
                )));
            }
            let reason = match (ui, &q.reason_zh) {
                (Lang::Zh, Some(zh)) => zh,
                _ => &q.reason,
            };
            for part in wrap(reason, w.saturating_sub(6)) {
                lines.push(Line::from(format!("      {part}")));
            }
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            msg!(ui, OfBatchesTitle, n = self.batches.len()),
            t.heading(),
        )));
        for b in &self.batches {
            lines.push(Line::from(msg!(
                ui,
                OfBatchLine,
                surveyor = b.surveyor_id,
                device = b.device_id,
                seq = b.sequence,
                interviews = b.interviews,
                visits = b.visits,
                at = when(&b.ingested_at)
            )));
        }
        lines
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, app: &OfficeApp) {
        let lines = self.lines(app, area.width as usize);
        let max = lines.len().saturating_sub(area.height as usize);
        self.max_scroll.set(max);
        let first = self.scroll.min(max);
        frame.render_widget(Paragraph::new(lines).scroll((first as u16, 0)), area);
    }
}
