//! Handling one key and drawing the frame at 120x40, on the list and in an
//! interview. Run: `cargo bench --bench tui`. Besides criterion's estimate,
//! prints the median and 99th percentile of 20,000 single iterations.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use doorstep_core::assignment::Resident;
use doorstep_core::assignment::search::search_key;
use doorstep_core::assignment::status::ResidentStatus;
use doorstep_core::questionnaire::Questionnaire;
use doorstep_store::Store;
use doorstep_tui::app::App;
use doorstep_tui::data;
use doorstep_tui::i18n::Lang;
use doorstep_tui::screens::list::{ListEntry, ListScreen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn app(dir: &std::path::Path) -> App {
    let store = Store::open_in_dir(dir).unwrap();
    let q: &'static Questionnaire =
        Box::leak(Box::new(doorstep_store::demo::load(&store).unwrap()));
    let first = data::first_page(&store, 200).unwrap();
    App::new(store, q, Lang::Zh, "bench".into(), true, first)
}

fn percentiles(mut f: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..20_000)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

fn key_and_draw(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| app.draw(f)).unwrap();

    // The list: move down and up.
    let mut down = true;
    let mut step = |app: &mut App, terminal: &mut Terminal<TestBackend>| {
        app.handle_key(key(if down { KeyCode::Down } else { KeyCode::Up }));
        down = !down;
        terminal.draw(|f| app.draw(f)).unwrap();
    };
    c.bench_function("list: key + draw 120x40", |b| {
        b.iter(|| step(&mut app, &mut terminal))
    });
    let (p50, p99) = percentiles(|| step(&mut app, &mut terminal));
    println!("list: key + draw 120x40: median {p50:?}, p99 {p99:?}");

    // An interview, on a rating question: move the highlight (no save).
    app.handle_key(key(KeyCode::Enter)); // resident
    app.handle_key(key(KeyCode::Enter)); // start interview
    for k in [KeyCode::Enter, KeyCode::Char('1'), KeyCode::Enter] {
        app.handle_key(key(k)); // intro note, consent yes
    }
    let mut up = true;
    let mut interview_step = |app: &mut App, terminal: &mut Terminal<TestBackend>| {
        app.handle_key(key(if up { KeyCode::Up } else { KeyCode::Down }));
        up = !up;
        terminal.draw(|f| black_box(app).draw(f)).unwrap();
    };
    c.bench_function("interview: key + draw 120x40", |b| {
        b.iter(|| interview_step(&mut app, &mut terminal))
    });
    let (p50, p99) = percentiles(|| interview_step(&mut app, &mut terminal));
    println!("interview: key + draw 120x40: median {p50:?}, p99 {p99:?}");
}

/// 100,000 residents in two communities, with Chinese names and addresses.
fn many_residents() -> Vec<ListEntry> {
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
    const GIVEN: [&str; 8] = [
        "秀英", "建国", "丽华", "俊杰", "美玲", "国庆", "桂英", "海燕",
    ];
    (0..100_000u32)
        .map(|i| {
            let (community, street) = if i % 2 == 0 {
                ("梧桐里", "玄武区北京东路 63 号")
            } else {
                ("翠竹园", "鼓楼区中山北路 218 号")
            };
            let (b, u, r) = (i / 1000 + 1, i / 100 % 4 + 1, i % 100 + 101);
            ListEntry {
                resident: Resident {
                    resident_id: format!("R-{i:06}"),
                    name: format!("{}{}", SURNAMES[i as usize % 8], GIVEN[i as usize / 8 % 8]),
                    address: format!("{street}{community}{b}栋{u}单元{r}室"),
                    community: Some(format!("{community}社区")),
                    grid: None,
                    building: Some(b.to_string()),
                    unit: Some(u.to_string()),
                    room: Some(r.to_string()),
                    phone: Some(format!("138{i:08}")),
                    attributes: Default::default(),
                },
                status: ResidentStatus::ToVisit,
                appointment: None,
                visits: 0,
            }
        })
        .collect()
}

/// Search over 100,000 residents: building the search keys once (at load),
/// then one keystroke of a query (the whole list is searched again).
fn search(c: &mut Criterion) {
    let entries = many_residents();
    for _ in 0..3 {
        let t = Instant::now();
        let keys: Vec<_> = entries.iter().map(|e| search_key(&e.resident)).collect();
        let keys_time = t.elapsed();
        black_box(keys);
        let t = Instant::now();
        black_box(entries.clone());
        let clone_time = t.elapsed();
        let t = Instant::now();
        black_box(ListScreen::new(entries.clone()));
        println!(
            "search: 100,000 residents: search keys {keys_time:?}, the list (clone {clone_time:?} included) {:?}",
            t.elapsed()
        );
    }
    let mut list = ListScreen::new(entries.clone());
    c.bench_function("search: load 100,000 residents", |b| {
        b.iter(|| black_box(ListScreen::new(entries.clone())))
    });
    for c in ['/', '3', '0'] {
        list.handle_key(key(KeyCode::Char(c)));
    }
    let mut n = 0usize;
    c.bench_function("search: one keystroke over 100,000 residents", |b| {
        b.iter(|| {
            // "302", "30", "302", ...: the query changes at every keystroke.
            n += 1;
            if n % 2 == 1 {
                list.handle_key(key(KeyCode::Char('2')));
            } else {
                list.handle_key(key(KeyCode::Backspace));
            }
            black_box(list.selected_id())
        })
    });
}

criterion_group! {
    name = search_benches;
    config = Criterion::default().sample_size(10);
    targets = search
}
criterion_group!(benches, key_and_draw);
criterion_main!(benches, search_benches);
