//! Handling one key and drawing the frame at 120x40, on the list and in an
//! interview. Run: `cargo bench --bench tui`. Besides criterion's estimate,
//! prints the median and 99th percentile of 20,000 single iterations.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use doorstep::questionnaire::Questionnaire;
use doorstep::store::Store;
use doorstep::tui::app::App;
use doorstep::tui::data;
use doorstep::tui::i18n::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn app(dir: &std::path::Path) -> App {
    let store = Store::open_in_dir(dir).unwrap();
    let q: &'static Questionnaire = Box::leak(Box::new(doorstep::demo::load(&store).unwrap()));
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

criterion_group!(benches, key_and_draw);
criterion_main!(benches);
