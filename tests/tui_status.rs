//! The status bar: hints come whole from the key table (dropped from the end when they do
//! not fit, never cut mid-word) and say what the focused field does; a copy says what went
//! on the clipboard, or why nothing did, and the message goes away by itself.

mod tui_support;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::Driver;
use xsign::tui::app::{Effect, Message};
use xsign::tui::clock::Moment;
use xsign::tui::errors::CopyError;
use xsign::tui::keymap::status_hints;

/// The status bar alone at `width` columns, as text.
fn status_text(d: &Driver, width: u16) -> String {
    let area = Rect::new(0, 0, width, 1);
    let mut buf = Buffer::empty(area);
    xsign::tui::status::render(&d.app, area, &mut buf);
    (0..width).map(|x| buf[(x, 0)].symbol()).collect()
}

/// The hints part of the status bar: what is left of the place label on the right.
fn hints_part(d: &Driver, width: u16) -> String {
    let text = status_text(d, width);
    let place = if d.app.is_typing() {
        format!(" {} · typing ", d.app.focus.name())
    } else {
        format!(" {} ", d.app.focus.name())
    };
    let cut = text.len().saturating_sub(place.len());
    assert!(text.ends_with(&place), "{text:?} lacks the label {place:?}");
    text[..cut].trim_end().to_string()
}

/// The states a newcomer meets, each with the focus where it leaves it.
fn states() -> Vec<(&'static str, Driver)> {
    let mut out = Vec::new();
    let d = Driver::new(120, 40);
    out.push(("URL, typing", d));
    let mut d = Driver::new(120, 40);
    d.type_str("/company");
    d.key(KeyCode::Enter); // picks POST /company from the list
    d.key(KeyCode::Esc);
    out.push(("URL", d));
    let mut d = Driver::new(120, 40);
    d.type_str("/company");
    d.key(KeyCode::Enter);
    d.key(KeyCode::Enter); // into the body
    out.push(("body, typing", d));
    for (name, pane) in [
        ("method", '1'),
        ("body", '3'),
        ("signature", '4'),
        ("response", '5'),
    ] {
        let mut d = Driver::new(120, 40);
        d.type_str("/company");
        d.key(KeyCode::Enter);
        d.key(KeyCode::Esc);
        d.key(KeyCode::Char(pane));
        out.push((name, d));
    }
    let mut d = Driver::new(120, 40);
    d.key(KeyCode::Esc);
    d.key(KeyCode::F(6));
    out.push(("library", d));
    for (_, d) in &mut out {
        d.app.notice = None;
    }
    out
}

#[test]
fn hints_are_dropped_whole_never_cut() {
    for (name, d) in states() {
        let table = status_hints(&d.app);
        let hints: Vec<String> = table
            .iter()
            .map(|h| format!("{} {}", h.keys, h.what))
            .collect();
        // too narrow for even one hint: the keys alone
        let keys: Vec<String> = table.iter().map(|h| h.keys.to_string()).collect();
        for width in [30, 40, 60, 80, 100, 120, 160, 200, 250] {
            let shown = hints_part(&d, width);
            let whole = (1..=hints.len())
                .map(|k| hints[..k].join(" · "))
                .chain((0..=keys.len()).map(|k| keys[..k].join(" · ")))
                .find(|prefix| shown.trim() == prefix.as_str());
            assert!(
                whole.is_some(),
                "{name} at {width}: {shown:?} is not whole hints of {hints:?}"
            );
            if width >= 80 {
                assert!(shown.contains(&hints[0]), "{name} at {width}: {shown:?}");
            }
        }
        // wide enough, every hint shows
        let all = hints.join(" · ");
        assert_eq!(hints_part(&d, all.len() as u16 + 30).trim(), all, "{name}");
    }
}

#[test]
fn the_url_field_says_what_enter_does_there() {
    let (_, d) = states().into_iter().find(|(n, _)| *n == "URL").unwrap();
    let text = status_text(&d, 200);
    assert!(text.contains("edit the URL"), "{text}");
    assert!(!text.contains("edit the body"), "{text}");
}

/// The x-sign copied from the signature pane: the effect asked of the runtime.
fn copy_x_sign() -> (Driver, String, String) {
    let mut d = Driver::new(120, 40);
    d.type_str("/company");
    d.key(KeyCode::Enter);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('4'));
    d.key(KeyCode::Char('x'));
    match d.take_effects().as_slice() {
        [Effect::Copy { what, text }] => {
            let (what, text) = (what.clone(), text.clone());
            (d, what, text)
        }
        other => panic!("expected one copy, got {other:?}"),
    }
}

#[test]
fn a_copy_says_what_went_on_the_clipboard_until_the_next_key_or_a_few_seconds() {
    let (mut d, what, text) = copy_x_sign();
    assert_eq!(what, "x-sign");
    let copied = |d: &mut Driver| {
        d.send(Message::Copied {
            what: what.clone(),
            chars: text.chars().count(),
            result: Ok(()),
        })
    };
    copied(&mut d);
    let want = format!("copied x-sign ({} chars)", text.chars().count());
    assert!(
        status_text(&d, 120).contains(&want),
        "{}",
        status_text(&d, 120)
    );
    d.key(KeyCode::Down);
    assert!(
        !status_text(&d, 120).contains("copied"),
        "the next key clears it"
    );
    copied(&mut d);
    let later = |ms| {
        Message::Tick(Moment {
            unix: tui_support::T0 + 1,
            mono_ms: ms,
        })
    };
    d.send(later(1_000));
    assert!(
        status_text(&d, 120).contains(&want),
        "still there after a second"
    );
    d.send(later(10_000));
    assert!(
        !status_text(&d, 120).contains("copied"),
        "gone after a few seconds"
    );
}

#[test]
fn a_failed_copy_says_why() {
    let (mut d, what, text) = copy_x_sign();
    d.send(Message::Copied {
        what,
        chars: text.chars().count(),
        result: Err(CopyError::Terminal("Broken pipe (os error 32)".into())),
    });
    let bar = status_text(&d, 200);
    assert!(bar.contains("could not copy x-sign"), "{bar}");
    assert!(bar.contains("Broken pipe"), "{bar}");
}
