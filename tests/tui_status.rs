//! The status bar: hints come whole from the key table (dropped from the end when they do
//! not fit, never cut mid-word) and say what the focused field does; a copy says what went
//! on the clipboard, or why nothing did, and the message goes away by itself.

mod tui_support;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::Driver;
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
