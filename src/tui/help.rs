//! The help overlay (`?` or F1): every key, by pane, from the keymap.

use super::keymap::SECTIONS;
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

/// A rectangle centred in `area`, at most `w` × `h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(r);
    r
}

pub fn lines() -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(
            "Compose a request, watch the exact signed bytes, send, read the answer.",
            theme::label(),
        ),
        Line::styled(
            "The payload signed is value + URL + body, byte for byte: a tab, CR or newline changes it.",
            theme::label(),
        ),
    ];
    for s in SECTIONS {
        lines.push(Line::raw(""));
        lines.push(Line::styled(s.title, theme::title(true)));
        for h in s.hints {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<22}", h.keys),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(h.what),
            ]));
        }
    }
    lines
}

pub fn render(scroll: usize, area: Rect, buf: &mut Buffer) {
    let rect = centered(area, 84, area.height.saturating_sub(2).max(10));
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(theme::border(true))
        .title(Line::styled(" help ", theme::title(true)))
        .title(Line::styled(" ↑↓ scroll · Esc closes ", theme::dim()).right_aligned());
    let inner = block.inner(rect);
    block.render(rect, buf);
    let all = lines();
    let max = all.len().saturating_sub(inner.height as usize);
    Paragraph::new(all)
        .scroll((scroll.min(max) as u16, 0))
        .render(inner, buf);
}
