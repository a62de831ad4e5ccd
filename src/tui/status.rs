//! The status bar: the latest notice, or the keys that work in the focused pane.

use super::app::{App, Level, Tab};
use super::keymap::{Hint, status_hints};
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
            Line::from(Span::styled(format!(" {}", n.text), style))
        }
        None => hint_line(
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
fn hint_line(hints: &[&Hint], room: u16) -> Line<'static> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let line = |n: usize, with_what: bool| {
        let mut spans = vec![Span::raw(" ")];
        for (i, h) in hints.iter().take(n).enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme::dim()));
            }
            spans.push(Span::styled(h.keys, bold));
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
