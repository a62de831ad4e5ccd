//! The status bar: the latest notice, or the keys that work in the focused pane.

use super::app::{App, Level, Tab};
use super::keymap::{Hint, Keymap, status_hints};
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let place = if app.tab == Tab::Feed {
        "feed".to_string()
    } else if app.is_typing() {
        format!("{} · typing", app.focus.name())
    } else {
        app.focus.name().to_string()
    };
    let right = Span::styled(format!(" {place} "), theme::key());
    let line = match &app.notice {
        Some(n) => {
            let style = match n.level {
                Level::Info => theme::info(),
                Level::Ok => theme::ok(),
                Level::Warn => theme::warning(),
                Level::Error => theme::error(),
            };
            let room = usize::from(area.width.saturating_sub(right.width() as u16));
            Line::from(Span::styled(
                format!(" {}", fit_words(&n.text, room.saturating_sub(1))),
                style,
            ))
        }
        None => hint_line(
            &app.keymap,
            &status_hints(app),
            area.width.saturating_sub(right.width() as u16),
        ),
    };
    let rw = right.width() as u16;
    let lw = area.width.saturating_sub(rw);
    buf.set_line(area.x, area.y, &line, lw);
    if area.width > rw {
        buf.set_span(area.x + lw, area.y, &right, rw);
    }
}

/// As many whole hints as fit in `room` cells, dropped from the end; when not even one
/// fits, just their keys, dropped the same way. Never a hint cut mid-word.
fn hint_line(keys: &Keymap, hints: &[&Hint], room: u16) -> Line<'static> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let line = |n: usize, with_what: bool| {
        let mut spans = vec![Span::raw(" ")];
        for (i, h) in hints.iter().take(n).enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme::dim()));
            }
            spans.push(Span::styled(keys.keys_of(h), bold));
            if with_what {
                spans.push(Span::styled(format!(" {}", h.what), theme::label()));
            }
        }
        Line::from(spans)
    };
    let fits = |l: &Line| l.width() <= room as usize;
    [true, false]
        .into_iter()
        .flat_map(|what| (1..=hints.len()).rev().map(move |n| (n, what)))
        .map(|(n, what)| line(n, what))
        .find(fits)
        .unwrap_or_else(|| line(0, false))
}

/// `text` within `room` cells: whole, or cut after its last whole word with `…`, so a notice
/// never ends mid-word ("Pick a saved reques").
pub fn fit_words(text: &str, room: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if next.width() + 1 > room {
            break;
        }
        out = next;
    }
    if out.is_empty() {
        // Not one word fits: as many characters as do.
        out = text
            .chars()
            .scan(0, |w, c| {
                *w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                (*w < room).then_some(c)
            })
            .collect();
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::fit_words;

    #[test]
    fn a_long_notice_is_cut_after_a_whole_word() {
        let t = "Demo: mock on 127.0.0.1:8001, throwaway key. Pick a saved request";
        assert_eq!(fit_words(t, 100), t);
        let cut = fit_words(t, 58);
        assert_eq!(
            cut,
            "Demo: mock on 127.0.0.1:8001, throwaway key. Pick a saved…"
        );
        assert!(fit_words("abcdefghij", 4).chars().count() <= 4);
        assert_eq!(fit_words("東京東京", 5), "東京…");
    }
}
