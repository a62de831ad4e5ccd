//! The response pane scrolls to its very last line: `G`, PgDn and the wheel stop with the
//! closing `}` of a pretty JSON body in view, zoomed or not.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use tui_support::Driver;
use xsign::tui::app::Message;
use xsign::tui::response::ResponseView;

/// A 200 whose pretty body is 42 lines, the last `}` alone on its line, with the response
/// pane focused.
fn long_response(w: u16, h: u16) -> Driver {
    let mut d = Driver::new(w, h);
    d.type_str("/company");
    d.key(KeyCode::Enter);
    d.ctrl('r');
    let id = d.sent_job_id();
    let fields: Vec<String> = (0..40).map(|i| format!("\"field{i:02}\":{i}")).collect();
    let body = format!("{{{},\"last\":\"the end\"}}", fields.join(","));
    let view = ResponseView::new(
        200,
        "OK",
        vec![("content-type".into(), "application/json".into())],
        body.into_bytes(),
        5,
        tui_support::sent_post_company(0),
    );
    assert!(view.lines.len() > 40);
    assert_eq!(view.lines.last().map(String::as_str), Some("}"));
    d.send(Message::Sent {
        id,
        result: Ok(Box::new(view)),
    });
    d.send(Message::Key(KeyEvent::from(KeyCode::Esc)));
    d.key(KeyCode::Char('5'));
    d
}

fn shows_the_end(d: &Driver) {
    let screen = d.render();
    assert!(screen.contains("\"the end\""), "{screen}");
    let closing = screen
        .lines()
        .any(|l| l.contains("│}") || l.contains("│ }") || l.trim_matches('"').starts_with('}'));
    assert!(closing, "the closing brace is not in view:\n{screen}");
}

#[test]
fn g_shows_the_last_line() {
    for (w, h) in [(80, 24), (120, 40), (200, 60), (200, 40)] {
        let mut d = long_response(w, h);
        d.key(KeyCode::Char('G'));
        shows_the_end(&d);
        d.key(KeyCode::Char('z'));
        d.key(KeyCode::Char('G'));
        shows_the_end(&d);
    }
}

#[test]
fn page_down_and_the_wheel_reach_the_last_line() {
    let mut d = long_response(120, 40);
    for _ in 0..10 {
        d.key(KeyCode::PageDown);
    }
    shows_the_end(&d);
    let mut d = long_response(120, 40);
    let at = d.app.panes().response_inner;
    for _ in 0..30 {
        d.send(Message::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: at.x + 2,
            row: at.y + 2,
            modifiers: KeyModifiers::NONE,
        }));
    }
    shows_the_end(&d);
}

/// A 200 whose headers hold a long `x-mock-detail`, sent with a 344-char x-sign, the
/// headers tab open in the focused response pane.
fn long_headers(w: u16, h: u16) -> (Driver, String, String) {
    let mut d = Driver::new(w, h);
    d.type_str("/company");
    d.key(KeyCode::Enter);
    d.ctrl('r');
    let id = d.sent_job_id();
    let detail: Vec<String> = (0..60).map(|i| format!("part{i:02}")).collect();
    let detail = format!("{}-THE-END", detail.join("-"));
    let x_sign: String = (0..344).map(|i| (b'A' + (i % 26) as u8) as char).collect();
    let mut sent = tui_support::sent_post_company(0);
    sent.x_sign = Some(x_sign.clone());
    let view = ResponseView::new(
        200,
        "OK",
        vec![
            ("content-type".into(), "application/json".into()),
            ("date".into(), "Tue, 14 Dec 2021 14:01:35 GMT".into()),
            ("x-mock-detail".into(), detail.clone()),
        ],
        b"{}".to_vec(),
        5,
        sent,
    );
    d.send(Message::Sent {
        id,
        result: Ok(Box::new(view)),
    });
    d.send(Message::Key(KeyEvent::from(KeyCode::Esc)));
    d.key(KeyCode::Char('5'));
    d.key(KeyCode::Char('h'));
    (d, detail, x_sign)
}

/// The insides of the screen's bordered rows, end to end: a value wrapped over full rows
/// reads back whole.
fn pane_text(d: &Driver) -> String {
    d.render()
        .lines()
        .map(|l| l.trim_matches('"'))
        .filter_map(|l| l.strip_prefix('│')?.strip_suffix('│'))
        .collect()
}

#[test]
fn long_header_values_wrap_whole() {
    let (mut d, detail, x_sign) = long_headers(120, 40);
    d.key(KeyCode::Char('z'));
    let text = pane_text(&d);
    assert!(
        text.contains(&format!("x-mock-detail: {detail}")),
        "{}",
        d.render()
    );
    assert!(
        text.contains(&format!("x-sign: {x_sign}")),
        "{}",
        d.render()
    );
    assert!(text.contains("date: Tue, 14 Dec 2021"), "{}", d.render());
}

#[test]
fn the_last_wrapped_header_row_is_reachable() {
    for (w, h) in [(80, 24), (120, 40)] {
        let (mut d, _, _) = long_headers(w, h);
        d.key(KeyCode::Char('G'));
        assert!(pane_text(&d).contains("part59-THE-END"), "{}", d.render());
        let (mut d, _, _) = long_headers(w, h);
        for _ in 0..40 {
            d.key(KeyCode::Char('j'));
        }
        assert!(pane_text(&d).contains("part59-THE-END"), "{}", d.render());
    }
}
