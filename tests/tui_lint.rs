//! What the workbench claims about a request (issue 9, items 16–19 and 24): a URL warning
//! only when what is signed is not what is sent, fixes that keep what the user wrote (a
//! relative URL stays relative) and undo texts that are true.

mod tui_support;

use crossterm::event::KeyCode;
use tui_support::{BASE, Driver, T0};
use xsign::signing::{AuthValue, Payload};
use xsign::tui::app::{Effect, Focus};
use xsign::tui::lint_view::Severity;

/// A URL typed (after F2 for POST), the URL field left.
fn request(post: bool, url: &str) -> Driver {
    let mut d = Driver::new(120, 40);
    if post {
        d.key(KeyCode::F(2)); // GET → POST
    }
    d.type_str(url);
    d.key(KeyCode::Esc);
    d
}

/// From outside a field: into the body, editing.
fn edit_body(d: &mut Driver) {
    d.key(KeyCode::Tab);
    d.key(KeyCode::Enter);
    assert_eq!((d.app.focus, d.app.editing), (Focus::Body, true));
}

fn live_warnings(d: &Driver) -> Vec<String> {
    d.app
        .sig
        .latest
        .as_ref()
        .expect("signed")
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn a_url_with_a_space_is_signed_as_sent_and_sends_without_a_warning() {
    // issue 9 #16: the pane signs %20 and the mock answers 200, yet a warning fired.
    let mut d = request(false, "/company/search?query=ACME Corp");
    let live = d.app.sig.latest.clone().expect("signed");
    let wire = format!("{BASE}/company/search?query=ACME%20Corp");
    assert_eq!(
        live.hash_hex,
        Some(Payload::new(AuthValue::Timestamp(T0), &wire, b"").hash_hex()),
        "the pane signs the wire form"
    );
    assert_eq!(live_warnings(&d), Vec::<String>::new());
    // Still said, as a note: the URL goes on the wire encoded, and that is what is signed.
    assert!(
        live.findings
            .iter()
            .any(|f| f.severity == Severity::Info && f.message.contains("ACME%20Corp")),
        "{:?}",
        live.findings
    );
    d.ctrl('r');
    assert!(d.app.confirm.is_none(), "nothing to confirm");
    match d.take_effects().as_slice() {
        [Effect::Send(job)] => assert_eq!(job.url, wire),
        other => panic!("expected a send: {other:?}"),
    }
}

#[test]
fn the_url_fix_keeps_a_relative_url_relative_and_its_undo_text_is_true() {
    // issue 9 #16: `u` wrote the base URL (the demo's random port) into the field and said
    // "Ctrl-Z in the body undoes".
    let mut d = request(true, "/company/search?query=ACME Corp");
    edit_body(&mut d);
    d.type_str("{\t}"); // a tab: a warning, so the confirmation opens
    d.ctrl('r');
    let confirm = d.app.confirm.clone().expect("the confirmation");
    assert!(
        confirm
            .notes
            .iter()
            .any(|n| n.fix.as_ref().is_some_and(|f| f.key == 'u')),
        "{confirm:?}"
    );
    d.key(KeyCode::Char('u'));
    assert_eq!(d.app.url.text(), "/company/search?query=ACME%20Corp");
    let notice = d.app.notice.clone().expect("a notice").text;
    assert!(!notice.contains("Ctrl-Z in the body"), "{notice}");
    assert!(
        notice.contains("/company/search?query=ACME Corp"),
        "says what the field held: {notice}"
    );
    // A path without a leading slash keeps its style.
    assert_eq!(
        xsign::tui::target::wire_field(BASE, "company/search?query=a b").as_deref(),
        Some("company/search?query=a%20b")
    );
    assert_eq!(
        xsign::tui::target::wire_field(BASE, "HTTP://Example.test:80/a b").as_deref(),
        Some("http://example.test/a%20b"),
        "an absolute URL stays absolute"
    );
    assert_eq!(
        xsign::tui::target::wire_field(BASE, "/../../x"),
        None,
        "a path that climbs out of the base cannot stay relative"
    );
}

#[test]
fn the_tab_fix_says_a_true_undo_and_one_ctrl_z_brings_the_body_back() {
    let mut d = request(true, "/company");
    edit_body(&mut d);
    let body = "{\t\"name\":\"New\tACME Corp\"}";
    d.send(xsign::tui::app::Message::Paste(body.into()));
    d.ctrl('r');
    assert!(d.app.confirm.is_some());
    d.key(KeyCode::Char('t'));
    assert_eq!(
        d.app.body.to_text(),
        "{  \"name\":\"New\\tACME Corp\"}",
        "the tab in the string is escaped, not turned into spaces"
    );
    let notice = d.app.notice.clone().expect("a notice").text;
    assert!(notice.contains("Ctrl-Z in the body undoes"), "{notice}");
    assert!(d.app.confirm.is_none(), "no warning left");
    d.key(KeyCode::Enter); // edit the body again
    d.ctrl('z');
    assert_eq!(d.app.body.to_text(), body, "one Ctrl-Z undoes the fix");
}
