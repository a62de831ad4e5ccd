//! Keyboard traps a newcomer met (issue 9, items 10–12): the help key the screen advertises
//! works where it is advertised, Esc leaves the URL field in one press, and every key the
//! method hint lists picks its method.

mod tui_support;

use crossterm::event::KeyCode;
use tui_support::Driver;
use xsign::tui::app::Focus;
use xsign::tui::keymap;

/// The bottom row of the screen.
fn status_row(d: &Driver) -> String {
    d.render()
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn at_start_the_status_bar_advertises_a_help_key_that_works_while_typing() {
    let mut d = Driver::new(120, 40);
    assert!(d.app.is_typing(), "the URL field takes keys at start");
    let status = status_row(&d);
    assert!(
        status.contains("F1 help"),
        "the status bar names the help key that works while typing: {status}"
    );
    // `?` is part of a URL here: it types, it does not open help
    d.key(KeyCode::Char('?'));
    assert_eq!(d.app.url.text(), "?");
    assert!(d.app.help.is_none());
    d.key(KeyCode::F(1));
    assert!(d.app.help.is_some(), "F1 opens help while typing");
}

/// Opens help with F1 in the state `setup` leaves, checks it is drawn, closes it and
/// checks the state is as before.
fn f1_opens_help_in(what: &str, setup: impl FnOnce(&mut Driver)) {
    let mut d = Driver::new(120, 40);
    setup(&mut d);
    let before = (d.app.focus, d.app.is_typing(), d.app.tab);
    let overlays = (
        d.app.confirm.is_some(),
        d.app.picker.is_some(),
        d.app.sabotage_menu,
        d.app.onboarding.is_some(),
    );
    d.key(KeyCode::F(1));
    assert!(d.app.help.is_some(), "{what}: F1 opens help");
    assert!(
        d.render().contains("Everywhere"),
        "{what}: help is drawn on top:\n{}",
        d.render()
    );
    d.key(KeyCode::F(1));
    assert!(d.app.help.is_none(), "{what}: F1 closes help");
    assert_eq!(
        (d.app.focus, d.app.is_typing(), d.app.tab),
        before,
        "{what}: back where it was"
    );
    let after = (
        d.app.confirm.is_some(),
        d.app.picker.is_some(),
        d.app.sabotage_menu,
        d.app.onboarding.is_some(),
    );
    assert_eq!(after, overlays, "{what}: the overlay is still there");
}

#[test]
fn f1_opens_help_from_every_mode() {
    f1_opens_help_in("URL, typing", |_| {});
    f1_opens_help_in("body, typing", |d| {
        d.key(KeyCode::Tab);
        d.key(KeyCode::Enter);
        assert_eq!((d.app.focus, d.app.editing), (Focus::Body, true));
    });
    f1_opens_help_in("method", |d| {
        d.key(KeyCode::Esc);
        d.key(KeyCode::Char('1'));
    });
    f1_opens_help_in("response search, typing", |d| {
        d.key(KeyCode::Esc);
        d.key(KeyCode::Char('5'));
        d.key(KeyCode::Char('/'));
        assert!(d.app.is_typing());
    });
    f1_opens_help_in("library filter, typing", |d| {
        d.key(KeyCode::F(6));
        d.key(KeyCode::Char('/'));
        assert!(d.app.is_typing());
    });
    f1_opens_help_in("save-as prompt", |d| d.ctrl('s'));
    f1_opens_help_in("feed tab", |d| d.key(KeyCode::F(3)));
    f1_opens_help_in("feed client ID, typing", |d| {
        d.key(KeyCode::F(3));
        d.key(KeyCode::Char('i'));
        assert!(d.app.is_typing());
    });
    f1_opens_help_in("lint confirmation", |d| {
        d.key(KeyCode::F(2)); // GET → POST
        d.type_str("/company");
        d.key(KeyCode::Esc);
        d.key(KeyCode::Esc);
        d.key(KeyCode::Char('3'));
        d.key(KeyCode::Enter);
        d.type_str("{\t}");
        d.ctrl('r');
        assert!(d.app.confirm.is_some());
    });
    f1_opens_help_in("profile picker", |d| {
        d.key(KeyCode::F(7));
        assert!(d.app.picker.is_some());
    });
    f1_opens_help_in("F4 menu", |d| {
        d.key(KeyCode::F(4));
        assert!(d.app.sabotage_menu);
    });
    f1_opens_help_in("first-run set-up", |d| {
        d.app.onboarding = Some(xsign::tui::onboarding::Onboarding::default());
    });
}

#[test]
fn the_demo_welcome_names_the_help_key_that_works_in_the_url_field() {
    let welcome = xsign::cli::demo::welcome(8001, &Default::default());
    assert!(welcome.contains("F1 for help"), "{welcome}");
    assert!(!welcome.contains("? for help"), "{welcome}");
    assert!(welcome.contains("qredo-v1-demo"), "{welcome}");
    let lines = xsign::cli::demo::qredo_lines().join("\n");
    assert!(
        lines.contains("xsign send GET /balance --profile qredo-v1-demo"),
        "{lines}"
    );
}

#[test]
fn one_esc_leaves_the_url_field_and_closes_the_endpoint_list() {
    let mut d = Driver::new(120, 40);
    d.type_str("/comp");
    assert!(d.app.url.completion.is_some(), "the endpoint list is open");
    d.key(KeyCode::Esc);
    assert!(d.app.url.completion.is_none(), "the list is closed");
    assert!(!d.app.is_typing(), "one Esc leaves the field");
    // the next letter is a key, not text: `x` is unbound, the URL is unchanged
    d.key(KeyCode::Char('x'));
    assert_eq!(d.app.url.text(), "/comp");
}

/// Sending what was typed closes the endpoint list, which would cover the answer (seen at
/// 80×24: `/company`, Ctrl-R, and the 405 sat under the list).
#[test]
fn sending_closes_the_endpoint_list() {
    let mut d = Driver::new(80, 24);
    d.type_str("/company");
    assert!(d.app.url.completion.is_some(), "the endpoint list is open");
    d.ctrl('r');
    assert!(d.app.url.completion.is_none(), "the list is closed on send");
    assert_eq!(
        d.app.url.text(),
        "/company",
        "what was typed is what is sent"
    );
}

#[test]
fn backspace_does_not_open_the_endpoint_list() {
    let mut d = Driver::new(120, 40);
    d.type_str("/comp");
    d.key(KeyCode::Enter); // picks the first endpoint; the list closes
    assert!(d.app.url.completion.is_none());
    let picked = d.app.url.text().to_string();
    d.key(KeyCode::End);
    d.key(KeyCode::Backspace);
    assert_eq!(d.app.url.text().len(), picked.len() - 1);
    assert!(
        d.app.url.completion.is_none(),
        "Backspace opened the list: {:?}",
        d.app.url.completion
    );
    d.ctrl('u');
    assert!(d.app.url.completion.is_none(), "Ctrl-U opened the list");
    // typing opens it again, and with the list open Backspace keeps it up to date
    d.type_str("/co");
    d.key(KeyCode::Backspace);
    assert_eq!(d.app.url.text(), "/c");
    assert!(
        d.app.url.completion.is_some(),
        "typed and corrected: listed"
    );
    // ↓ still opens it on purpose
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('2'));
    d.key(KeyCode::Down);
    assert!(d.app.url.completion.is_some(), "↓ lists endpoints");
}

#[test]
fn every_key_the_method_hint_lists_picks_its_method() {
    let hint = keymap::METHOD
        .iter()
        .find(|h| h.keys == "g p u d a")
        .expect("the method letters hint");
    let keys: Vec<&str> = hint.keys.split(' ').collect();
    let methods: Vec<&str> = hint.what.split(' ').collect();
    assert_eq!(keys.len(), methods.len(), "{} / {}", hint.keys, hint.what);
    let mut d = Driver::new(120, 40);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('1'));
    assert_eq!(d.app.focus, Focus::Method);
    // start from the last, so each key has to change something
    for (k, m) in keys.iter().zip(&methods).rev() {
        let c = k.chars().next().unwrap();
        d.key(KeyCode::Char(c));
        assert_eq!(d.app.method_name(), *m, "`{c}` in the method field");
    }
}

/// The config's `workbench.keys`, applied the way `xsign` and `xsign demo` apply it.
fn keymap_from_config(keys: serde_json::Value) -> (keymap::Keymap, Option<String>) {
    let config: xsign::store::Config =
        serde_json::from_value(serde_json::json!({"workbench": {"keys": keys}})).unwrap();
    let (_, map, problem) = xsign::tui::look(None, &config);
    (map, problem)
}

#[test]
fn keys_rebound_in_the_config_dispatch_and_every_screen_names_them() {
    let (map, problem) = keymap_from_config(serde_json::json!({"send": "F9", "library": "Ctrl-L"}));
    assert_eq!(problem, None);
    let mut d = Driver::new(120, 40);
    d.app.keymap = map;
    d.type_str("/assets");
    // the old send key does nothing now; the new one sends
    d.ctrl('r');
    assert!(d.take_effects().is_empty(), "Ctrl-R is no longer send");
    d.key(KeyCode::F(9));
    d.sent_job_id();
    // the library opens on Ctrl-L, and F6 is free
    d.key(KeyCode::Esc);
    d.key(KeyCode::F(6));
    assert!(!d.app.library.visible);
    d.ctrl('l');
    assert!(d.app.library.visible);
    // the request pane's title, the status bar and help name the new keys
    let screen = d.render();
    assert!(screen.contains("F9 send"), "{screen}");
    assert!(!screen.contains("Ctrl-R"), "{screen}");
    d.key(KeyCode::F(1));
    let help = d.render();
    assert!(help.contains("F9 sends; the response pane"), "{help}");
    assert!(
        help.lines()
            .any(|l| l.contains("F9 ") && l.contains("sign and send the request")),
        "{help}"
    );
    assert!(
        help.lines()
            .any(|l| l.contains("Ctrl-L") && l.contains("show / hide the library")),
        "{help}"
    );
}

#[test]
fn a_binding_that_cannot_apply_is_named_and_the_rest_work() {
    let (map, problem) = keymap_from_config(serde_json::json!({"send": "F7", "zoom": "F12"}));
    let problem = problem.expect("the clash is reported");
    assert!(
        problem.contains("workbench.keys.send: F7 is also profiles"),
        "{problem}"
    );
    let mut d = Driver::new(120, 40);
    d.app.keymap = map;
    d.app.notify(xsign::tui::app::Level::Error, problem);
    assert!(
        status_row(&d).contains("F7 is also profiles"),
        "{}",
        status_row(&d)
    );
    d.type_str("/assets");
    d.ctrl('r');
    d.sent_job_id();
    d.key(KeyCode::Esc);
    d.key(KeyCode::F(12));
    assert!(d.app.zoom, "zoom moved to F12");
}
