//! Every terminal size draws without a panic: each size from 1×1 to 20×8 and a few hundred
//! seeded random ones up to 250×80, with a response, the inspector, help and the feed shown.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tui_support::Driver;
use xsign::tui::app::Message;
use xsign::tui::response::ResponseView;

/// The demo's first steps: `POST /company` composed, sent, and answered with a 1020 whose
/// inspector is open.
fn answered() -> Driver {
    let mut d = Driver::new(80, 24);
    d.type_str("/company");
    d.key(KeyCode::Enter);
    d.ctrl('r');
    let id = d.sent_job_id();
    let view = ResponseView::new(
        401,
        "Unauthorized",
        vec![("content-type".into(), "application/json".into())],
        br#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}"#.to_vec(),
        3,
        tui_support::sent_post_company(107),
    );
    d.send(Message::Sent {
        id,
        result: Ok(Box::new(view)),
    });
    d
}

/// The states drawn at each size: the response, the inspector over it, help, the feed tab.
fn states() -> Vec<Driver> {
    let plain = answered();
    let mut response = answered();
    response.send(Message::Key(KeyEvent::from(KeyCode::Esc)));
    response.key(KeyCode::Char('5'));
    let mut zoomed = answered();
    zoomed.send(Message::Key(KeyEvent::from(KeyCode::Esc)));
    zoomed.key(KeyCode::Char('5'));
    zoomed.key(KeyCode::Char('z'));
    let mut help = answered();
    help.key(KeyCode::F(1));
    let mut feed = answered();
    feed.key(KeyCode::F(3));
    vec![plain, response, zoomed, help, feed, Driver::new(80, 24)]
}

fn draw(d: &mut Driver, (w, h): (u16, u16)) {
    d.send(Message::Resize(w, h));
    let screen = d.render();
    assert!(
        screen.chars().any(|c| !c.is_whitespace() && c != '"'),
        "{w}×{h} drew nothing:\n{screen}"
    );
}

#[test]
fn every_small_size_draws() {
    let mut states = states();
    for w in 1..=20 {
        for h in 1..=8 {
            for d in &mut states {
                draw(d, (w, h));
            }
        }
    }
}

#[test]
fn random_sizes_draw() {
    let mut rng = StdRng::seed_from_u64(9);
    let mut states = states();
    // Each size in turn goes to the next state (a debug-build draw at 250×80 is slow), and
    // the states keep their scroll and layout from one resize to the next, as a user's do.
    for i in 0..300 {
        let size = (rng.random_range(1..=250), rng.random_range(1..=80));
        let n = states.len();
        draw(&mut states[i % n], size);
    }
}

#[test]
fn the_minimum_draws_the_panes() {
    let mut d = answered();
    draw(&mut d, xsign::tui::layout::MIN);
    let screen = d.render();
    assert!(!screen.contains("too small"), "{screen}");
    assert!(screen.contains("POST"), "{screen}");
    assert!(screen.contains("401 Unauthorized · 3 ms"), "{screen}");
}

#[test]
fn below_the_minimum_says_so() {
    let mut d = answered();
    d.send(Message::Resize(40, 4));
    let screen = d.render();
    assert!(screen.contains("too small"), "{screen}");
    assert!(screen.contains("40×4"), "{screen}");
}
