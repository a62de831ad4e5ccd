//! Workbench speed, on the numbers users feel:
//! - a keystroke in a 1 MB body until the signature pane is redrawn (2048-bit key),
//!   for a pretty body (many lines) and a compact one (one 1 MB line);
//! - a full 200×60 frame showing a 1 MB JSON response.
//!
//! Besides criterion's estimates, each keystroke case prints p50/p99 over 300 keystrokes
//! and where the median keystroke's time went.

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xsign::signing::{AuthMode, PrivateKey};
use xsign::tui::app::{App, Effect, Focus, Message};
use xsign::tui::clock::FixedClock;
use xsign::tui::response::{ResponseState, ResponseView, SentRequest};
use xsign::tui::session::Session;
use xsign::tui::sign_worker;
use xsign::tui::stores::Stores;

const T0: i64 = 1639490495;
const BASE: &str = "http://127.0.0.1:8001/api/v1/p";

fn session() -> Arc<Session> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-rsa2048.pkcs1.pem");
    let key = PrivateKey::from_file(&p).expect("fixture key");
    assert_eq!(key.info().bits, 2048);
    Arc::new(Session::for_key(
        "bench",
        BASE,
        key,
        "bench-api-key",
        AuthMode::Timestamp,
        FixedClock::shared(T0),
        &stores(),
    ))
}

/// Stores in a temp dir kept for the run (the benches sign, they do not write).
fn stores() -> Stores {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("a temp dir"));
    Stores::in_dirs(&dir.path().join("config"), &dir.path().join("data"))
}

/// At least 1 MiB of JSON: an array of companies, pretty (2 spaces) or compact.
fn big_json(pretty: bool) -> String {
    let mut items = Vec::new();
    let mut i = 0;
    loop {
        items.push(
            serde_json::json!({"company_id": format!("2ByeOaQwcMGt2KMlvBhlEp{i:05}"),
            "name": format!("Company {i}"), "city": "Paris", "country": "FR", "domain": ""}),
        );
        i += 1;
        if i % 256 == 0 {
            let v = serde_json::Value::Array(items.clone());
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                v.to_string()
            };
            if text.len() >= 1 << 20 {
                return text;
            }
        }
    }
}

/// An app editing a 1 MB body of POST /company, cursor in the middle of it.
fn editing(session: &Session, body: &str) -> App {
    let mut app = App::new(session.view.clone(), (200, 60), session.clock.now());
    app.set_method("POST");
    app.url.set("/company");
    app.body.set_text(body);
    app.focus = Focus::Body;
    app.editing = true;
    let lines = app.body.lines().len();
    let mid = lines / 2;
    let col = app.body.lines()[mid].chars().count() / 2;
    app.body.jump(mid, col);
    app
}

/// Where one keystroke's time went: `update` (the edit and the body snapshot), the
/// signer (hash and RSA, with the lint beside it on a second thread), the frame with the
/// new x-sign, and, for a large body, the lint's findings and the frame that shows them.
#[derive(Default, Clone, Copy)]
struct Phases {
    update: Duration,
    sign: Duration,
    draw: Duration,
    /// From the keystroke to the frame with the new x-sign.
    to_signature_frame: Duration,
}

/// One keystroke through update, the signer, update again and a full frame; then the
/// lint's report, update and a frame again when it comes separately.
fn keystroke(
    app: &mut App,
    session: &Session,
    term: &mut Terminal<TestBackend>,
    key: KeyCode,
) -> Phases {
    let mut p = Phases::default();
    let start = Instant::now();
    let mut fx = app.update(Message::Key(KeyEvent::from(key)));
    p.update = start.elapsed();
    while let Some(e) = fx.pop() {
        if let Effect::Sign(job) = e {
            let t = Instant::now();
            sign_worker::sign_in_steps(session, &job, &mut |r| {
                let msg = match r {
                    sign_worker::SignReport::Signed(o) => {
                        p.sign += t.elapsed();
                        Message::Signed(o)
                    }
                    sign_worker::SignReport::Linted { seq, findings } => {
                        Message::Linted { seq, findings }
                    }
                };
                let t = Instant::now();
                let _ = app.update(msg);
                p.update += t.elapsed();
                let t = Instant::now();
                term.draw(|f| f.render_widget(&*app, f.area())).unwrap();
                p.draw += t.elapsed();
                if p.to_signature_frame.is_zero() {
                    p.to_signature_frame = start.elapsed();
                }
            });
        }
    }
    p
}

/// Typing and deleting in turn, so the body stays 1 MB.
fn key_for(i: usize) -> KeyCode {
    if i.is_multiple_of(2) {
        KeyCode::Char('x')
    } else {
        KeyCode::Backspace
    }
}

/// Keystrokes timed per body shape: 300, or `XSIGN_BENCH_KEYSTROKES` (fewer under a
/// profiler, e.g. `valgrind --tool=callgrind`).
fn keystrokes() -> usize {
    std::env::var("XSIGN_BENCH_KEYSTROKES")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(300)
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99), *samples.last().unwrap())
}

fn bench_keystroke(c: &mut Criterion) {
    let session = session();
    for (name, pretty) in [("pretty", true), ("one_line", false)] {
        let body = big_json(pretty);
        let mut app = editing(&session, &body);
        let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
        keystroke(&mut app, &session, &mut term, KeyCode::Char('x'));
        let n = keystrokes();
        let mut samples = Vec::with_capacity(n);
        let mut phases = Vec::with_capacity(n);
        for i in 0..n {
            let t = Instant::now();
            phases.push(keystroke(&mut app, &session, &mut term, key_for(i)));
            samples.push(t.elapsed());
        }
        let (p50, p99, max) = percentiles(samples);
        let (s50, s99, smax) = percentiles(phases.iter().map(|p| p.to_signature_frame).collect());
        let median = |f: fn(&Phases) -> Duration| percentiles(phases.iter().map(f).collect()).0;
        eprintln!(
            "keystroke_1mb_{name}: body {} bytes, {} lines; {n} keystrokes: to the x-sign's \
             frame p50 {s50:?}, p99 {s99:?}, max {smax:?}; to the lint's frame p50 {p50:?}, \
             p99 {p99:?}, max {max:?} (p50 update {:?}, sign {:?}, draws {:?})",
            app.body.len_bytes(),
            app.body.lines().len(),
            median(|p| p.update),
            median(|p| p.sign),
            median(|p| p.draw),
        );
        c.bench_function(&format!("keystroke_1mb_{name}_to_signature_frame"), |b| {
            let mut i = 0;
            b.iter(|| {
                let p = keystroke(&mut app, &session, &mut term, key_for(i));
                i += 1;
                p
            })
        });
    }
}

/// The parts of a keystroke, to see where the time goes.
fn bench_parts(c: &mut Criterion) {
    let session = session();
    for (name, pretty) in [("pretty", true), ("one_line", false)] {
        let body = big_json(pretty);
        let app = editing(&session, &body);
        c.bench_function(&format!("part_snapshot_1mb_{name}"), |b| {
            b.iter(|| black_box(app.body.to_bytes()))
        });
        let job = sign_worker::SignJob {
            seq: 1,
            method: "POST".into(),
            url: xsign::tui::target::resolve(BASE, "/company"),
            body: app.body.to_bytes().into(),
            saved_body: None,
        };
        c.bench_function(&format!("part_sign_and_lint_1mb_{name}"), |b| {
            b.iter(|| black_box(sign_worker::sign(&session, &job)))
        });
        let body = app.body.to_bytes();
        let url = format!("{BASE}/company");
        c.bench_function(&format!("part_lint_1mb_{name}"), |b| {
            b.iter(|| {
                black_box(xsign::tui::lint_view::check(
                    &xsign::tui::lint_view::LintInput {
                        method: "POST",
                        url: &url,
                        signed_url: &url,
                        body: &body,
                        saved_body: None,
                        now_unix: T0,
                        scheme: xsign::signing::Scheme::PartnerRsa,
                    },
                ))
            })
        });
        c.bench_function(&format!("part_lint_scan_1mb_{name}"), |b| {
            b.iter(|| black_box(xsign::lint::body::scan(&body)))
        });
        c.bench_function(&format!("part_lint_json_parse_1mb_{name}"), |b| {
            b.iter(|| black_box(serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok()))
        });
        c.bench_function(&format!("part_hash_and_rsa2048_1mb_{name}"), |b| {
            use xsign::signing::RequestSigner;
            let signer = session.signer.clone().unwrap();
            let value = xsign::signing::AuthValue::Timestamp(T0);
            b.iter(|| black_box(signer.sign("POST", &url, &body, value)))
        });
    }
}

fn bench_response_frame(c: &mut Criterion) {
    let session = session();
    let body = big_json(false).into_bytes();
    let started = Instant::now();
    let view = ResponseView::new(
        200,
        "OK",
        vec![("content-type".into(), "application/json".into())],
        body,
        40,
        SentRequest {
            method: "GET".into(),
            url: format!("{BASE}/company/search"),
            value: None,
            hash_hex: None,
            x_sign: None,
            body_len: 0,
        },
    );
    eprintln!(
        "response_1mb: pretty-printed once into {} lines in {:?} (off the draw loop)",
        view.lines.len(),
        started.elapsed()
    );
    let mut app = App::new(session.view.clone(), (200, 60), session.clock.now());
    app.response.set(ResponseState::Received(Box::new(view)));
    app.focus = Focus::Response;
    app.editing = false;
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut scroll = 0usize;
    c.bench_function("frame_200x60_1mb_json_response", |b| {
        b.iter(|| {
            // scroll a line each frame so every frame draws new content
            scroll = (scroll + 1) % 10_000;
            app.response.scroll = scroll;
            term.draw(|f| f.render_widget(&app, f.area())).unwrap();
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(4));
    targets = bench_keystroke, bench_parts, bench_response_frame
}
criterion_main!(benches);
