//! The supervisor's review app on a simulated day of two surveyors, each
//! with their own store and key, exporting signed batches into one inbox.

use std::path::Path;

use chrono::NaiveDate;
use doorstep_batch::{SigningKey, TrustedKeys, keygen};
use doorstep_core::assignment::Resident;
use doorstep_core::assignment::import::read_csv_bytes;
use doorstep_review::flags::Thresholds;
use doorstep_review::inbox::{InboxOptions, open_inbox};
use doorstep_store::Store;
use doorstep_store::simulate::{SimulateOptions, simulate};
use doorstep_tui::i18n::Lang;
use doorstep_tui::supervisor::ReviewApp;
use doorstep_tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tempfile::TempDir;

use super::text_of;

/// The demo residents of 翠竹园社区 only, the first two listed without a
/// community: a surveyor working there has records of two communities.
pub fn cuizhu_residents() -> Vec<Resident> {
    let csv = std::fs::read_to_string("examples/demo-residents.csv").unwrap();
    let report = read_csv_bytes(Path::new("cuizhu.csv"), csv.as_bytes(), None).unwrap();
    let mut residents: Vec<Resident> = report
        .residents
        .into_iter()
        .filter(|r| r.community.as_deref() == Some("翠竹园社区"))
        .collect();
    for r in residents.iter_mut().take(2) {
        r.community = None;
    }
    residents
}

/// One surveyor's day: simulated work, exported into `out`. wang01 works
/// the demo list (梧桐里社区 comes first), li02 翠竹园社区.
fn surveyor_day(root: &Path, id: &str, seed: u64, careless: bool, out: &Path, keys: &Path) {
    surveyor_day_of(root, id, seed, careless, 4, out, keys)
}

/// `surveyor_day` with `interviews` interviews.
fn surveyor_day_of(
    root: &Path,
    id: &str,
    seed: u64,
    careless: bool,
    interviews: usize,
    out: &Path,
    keys: &Path,
) {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open_in_dir(&dir).unwrap();
    let q = if id == "li02" {
        let q = doorstep_store::demo::questionnaire().unwrap();
        store
            .register_questionnaire(&q, doorstep_store::demo::BUNDLED_QUESTIONNAIRE)
            .unwrap();
        store.upsert_residents(&cuizhu_residents()).unwrap();
        store.set_active_questionnaire(&q.id, &q.version).unwrap();
        q
    } else {
        doorstep_store::demo::load(&store).unwrap()
    };
    let opts = SimulateOptions {
        interviews,
        seed,
        surveyor_id: id.into(),
        day: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        careless,
    };
    simulate(&store, &q, &opts).unwrap();
    let made = keygen(&dir, id, None, false).unwrap();
    std::fs::copy(&made.public_key_path, keys.join(format!("{id}.pub"))).unwrap();
    let key = SigningKey::load(&made.secret_key_path, |_| Ok(String::new())).unwrap();
    doorstep_store::export::export(&store, &key, out, &[]).unwrap();
}

pub struct Fixture {
    pub app: ReviewApp,
    pub root: TempDir,
}

/// The review app (supervisor sup01, colour off) on the day of wang01 and
/// li02: four interviews each on 2026-11-20, from fixed seeds.
pub fn fixture(ui: Lang) -> Fixture {
    fixture_with(ui, false)
}

/// The same day with li02 careless (rushed, straight-lined), so that the
/// quality flags fire.
pub fn careless_fixture(ui: Lang) -> Fixture {
    fixture_with(ui, true)
}

fn fixture_with(ui: Lang, careless_li02: bool) -> Fixture {
    let root = TempDir::new().unwrap();
    let out = root.path().join("inbox");
    let keys = root.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    surveyor_day(root.path(), "wang01", 1, false, &out, &keys);
    surveyor_day(root.path(), "li02", 2, careless_li02, &out, &keys);
    open_app(root, ui)
}

/// Six surveyors (S1 to S6) with two interviews each on the demo list:
/// more rows than the day summary's bands hold at 80×24.
pub fn six_surveyors_fixture(ui: Lang) -> Fixture {
    let root = TempDir::new().unwrap();
    let out = root.path().join("inbox");
    let keys = root.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    for n in 1..=6u64 {
        let id = format!("S{n}");
        surveyor_day_of(root.path(), &id, n, n == 6, 2, &out, &keys);
    }
    open_app(root, ui)
}

/// The day of wang01 and li02, li02's batch changed after signing (one
/// byte of a resident id, same size): it fails verification as tampered.
pub fn tampered_fixture(ui: Lang) -> Fixture {
    let root = TempDir::new().unwrap();
    let out = root.path().join("inbox");
    let keys = root.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    surveyor_day(root.path(), "wang01", 1, false, &out, &keys);
    surveyor_day(root.path(), "li02", 2, false, &out, &keys);
    let batch = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with("doorstep-li02") && name.ends_with(".jsonl")
        })
        .unwrap();
    let text = std::fs::read_to_string(&batch).unwrap();
    let at = text.rfind("\"CZ-0").unwrap() + 4;
    let mut bytes = text.into_bytes();
    bytes[at] = b'9';
    std::fs::write(&batch, bytes).unwrap();
    open_app(root, ui)
}

/// The review app on the batches in `root/inbox`, keys in `root/keys`.
fn open_app(root: TempDir, ui: Lang) -> Fixture {
    let out = root.path().join("inbox");
    let keys = root.path().join("keys");
    let trusted = TrustedKeys::load(&keys).unwrap();
    let opts = InboxOptions {
        keys: &trusted,
        identities: None,
        questionnaires: vec![doorstep_store::demo::questionnaire().unwrap()],
        thresholds: Thresholds::default(),
    };
    let inbox = open_inbox(&out, &opts).unwrap();
    std::fs::create_dir_all(root.path().join("supervisor")).unwrap();
    let store = Store::open_in_dir(&root.path().join("supervisor")).unwrap();
    let offset = Thresholds::default().utc_offset_hours;
    let mut app = ReviewApp::new(inbox, store, "sup01".into(), ui, offset);
    app.theme = Theme { color: false };
    Fixture { app, root }
}

/// The app drawn at `w`×`h`.
pub fn draw(app: &ReviewApp, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    t.backend().buffer().clone()
}

/// The app drawn at `w`×`h`, as text.
pub fn screen(app: &ReviewApp, w: u16, h: u16) -> String {
    text_of(&draw(app, w, h))
}
