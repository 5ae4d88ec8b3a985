//! Snapshots of every screen of the supervisor's review app, drawn on
//! ratatui's `TestBackend` at 80×24 (the smallest size it supports), in
//! English and in Chinese, with the colour-free theme. Plus the colour
//! rules: no colour with `NO_COLOR`, and never dimmed text.
//!
//! The day is simulated from fixed seeds on a fixed date, so names, times
//! and figures are the same from run to run; only the interview ids carry
//! each store's random device id, and are redacted, and the batches' day
//! (the day they were exported: today) is set to the simulated day.
//!
//! Snapshots live in `tests/it/snapshots/`; regenerate them with
//! `INSTA_UPDATE=always cargo test --test review_screens` and read the diff.

use doorstep_tui::i18n::Lang;
use doorstep_tui::supervisor::ReviewApp;
use doorstep_tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;

use crate::support;
use support::review::{
    Fixture, careless_fixture, draw, screen, six_surveyors_fixture, tampered_fixture,
};
use support::{check_colours, keys, press};

const LANGS: [Lang; 2] = [Lang::En, Lang::Zh];

/// The careless day. Its batches were exported today, but they are dated
/// the day the work was done, so the snapshots do not depend on the date.
fn fixture(ui: Lang) -> Fixture {
    let f = careless_fixture(ui);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20);
    for b in &f.app.inbox.batches {
        assert_eq!(b.day, day, "{}", b.path.display());
    }
    f
}

/// The screen as text, each interview id replaced by a placeholder as wide.
fn redacted(app: &ReviewApp) -> String {
    let mut text = screen(app, 80, 24);
    for it in &app.inbox.interviews {
        text = text.replace(&it.id, &"x".repeat(it.id.len()));
    }
    text
}

fn snap(app: &ReviewApp, name: &str, ui: Lang) {
    insta::assert_snapshot!(format!("review_{name}_{}", ui.code()), redacted(app));
}

/// Each screen in turn: the inbox, the interviews, those with one flag,
/// an interview in detail, the reject prompt, the day summary, the keys.
fn every_screen(ui: Lang) {
    let mut f = fixture(ui);
    let app = &mut f.app;
    snap(app, "inbox", ui);
    keys(app, "2");
    snap(app, "interviews", ui);
    // All, flagged, then the first flag: speeding.
    keys(app, "ff");
    let text = screen(app, 80, 24);
    assert!(
        text.contains(ui.pick("筛选: 速度过快", "filter: speeding")),
        "{text}"
    );
    snap(app, "interviews_speeding", ui);
    press(app, KeyCode::Enter);
    snap(app, "detail", ui);
    keys(app, "r");
    snap(app, "reject_prompt", ui);
    press(app, KeyCode::Enter);
    let text = screen(app, 80, 24);
    assert!(
        text.contains(ui.pick("驳回时请写明原因", "Say why")),
        "{text}"
    );
    press(app, KeyCode::Esc);
    press(app, KeyCode::Esc);
    keys(app, "?");
    snap(app, "help_interviews", ui);
    press(app, KeyCode::Esc);
    keys(app, "3");
    snap(app, "summary", ui);
}

/// `text` with every run of 12 or more lowercase hex digits (checksums,
/// which differ from run to run) replaced by as many `x`.
fn without_checksums(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(['\n']) {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
            continue;
        }
        if run.len() >= 12 {
            out.push_str(&"x".repeat(run.len()));
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// A batch changed after signing, selected in the inbox: its problem in
/// full, what it claimed to hold; and the day summary's note.
#[test]
fn a_failed_batch_in_the_inbox_and_the_summary() {
    for ui in LANGS {
        let mut f = tampered_fixture(ui);
        let app = &mut f.app;
        let bad = app
            .inbox
            .batches
            .iter()
            .position(|b| !b.is_valid())
            .unwrap();
        for _ in 0..bad {
            press(app, KeyCode::Down);
        }
        insta::assert_snapshot!(
            format!("review_inbox_failed_batch_{}", ui.code()),
            without_checksums(&redacted(app))
        );
        keys(app, "3");
        insta::assert_snapshot!(
            format!("review_summary_failed_batch_{}", ui.code()),
            without_checksums(&redacted(app))
        );
    }
}

/// Six surveyors: the day summary at the top and scrolled to the end.
#[test]
fn the_day_summary_of_six_surveyors_scrolled() {
    for ui in LANGS {
        let mut f = six_surveyors_fixture(ui);
        let app = &mut f.app;
        keys(app, "3");
        snap(app, "summary_six_top", ui);
        for _ in 0..4 {
            press(app, KeyCode::PageDown);
        }
        snap(app, "summary_six_end", ui);
    }
}

#[test]
fn every_screen_en() {
    every_screen(Lang::En);
}

#[test]
fn every_screen_zh() {
    every_screen(Lang::Zh);
}

/// Every screen of the app, in both languages, with `theme`.
fn sample_screens(theme: Theme) -> Vec<(String, Buffer)> {
    let mut out = Vec::new();
    for ui in LANGS {
        let mut f = fixture(ui);
        f.app.theme = theme;
        let app = &mut f.app;
        let mut shot = |app: &ReviewApp, name: &str| {
            out.push((format!("{name} ({})", ui.code()), draw(app, 80, 24)));
        };
        shot(app, "inbox");
        keys(app, "?");
        shot(app, "inbox help");
        press(app, KeyCode::Esc);
        keys(app, "2");
        shot(app, "interviews");
        keys(app, "f");
        press(app, KeyCode::Enter);
        shot(app, "detail");
        keys(app, "?");
        shot(app, "detail help");
        press(app, KeyCode::Esc);
        keys(app, "r");
        shot(app, "reject prompt");
        press(app, KeyCode::Enter);
        shot(app, "reject prompt with an error");
        keys(app, "ask again\n");
        shot(app, "detail after a decision");
        press(app, KeyCode::Esc);
        press(app, KeyCode::Down);
        keys(app, "a\n");
        shot(app, "interviews with decisions");
        keys(app, "3");
        shot(app, "summary");
    }
    out
}

#[test]
fn no_color_theme_sets_no_colours_and_nothing_is_dim() {
    check_colours(&sample_screens(Theme { color: false }), false);
}

#[test]
fn colour_theme_colours_and_never_dims_text() {
    check_colours(&sample_screens(Theme { color: true }), true);
}
