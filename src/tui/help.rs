//! The help overlay (`?` or F1): every key, by pane, from the keymap.

use super::keymap::{Command, EVERYWHERE, Keymap, SECTIONS};
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

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

/// A bordered dialog `w` wide, centred in `area` and as tall as `lines` once wrapped.
pub fn render_dialog(
    area: Rect,
    buf: &mut Buffer,
    w: u16,
    title: Line<'_>,
    border: Style,
    lines: Vec<Line<'_>>,
) {
    let text_width = w.saturating_sub(2).max(1);
    let needed: u16 = lines
        .iter()
        .map(|l| (l.width() as u16).div_ceil(text_width).max(1))
        .sum();
    let rect = centered(area, w, needed + 2);
    Clear.render(rect, buf);
    let block = Block::bordered().border_style(border).title(title);
    let inner = block.inner(rect);
    block.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// Every key by pane, the global ones as `keys` binds them.
pub fn lines(keys: &Keymap) -> Vec<Line<'static>> {
    let send = keys.name(Command::Send);
    let sabotage = keys.name(Command::Sabotage);
    let response = keys.name(Command::FocusPane(4));
    let zoom = keys.name(Command::Zoom);
    let mut lines = vec![
        Line::styled("Getting started", theme::title(true)),
        Line::raw("  1. Type a path in the URL field (↓ lists the endpoints; Enter picks one)."),
        Line::raw("  2. Enter moves to the body; type or paste JSON. Esc leaves the field."),
        Line::raw("  3. Watch the signature pane: payload, SHA-256 and x-sign follow every key."),
        Line::raw(format!(
            "  4. {send} sends; the response pane shows the answer ({response} focuses it, {zoom} zooms)."
        )),
        Line::raw(format!(
            "  5. {sabotage} sends with a mistake on purpose; the inspector explains the 1020."
        )),
        Line::raw(""),
        // One line each, wrapped by the pane: broken by hand for one width, they left a
        // lone word on a row at 80 columns.
        Line::styled(
            "The payload signed is timestamp (or nonce) + URL + body, byte for byte, with no separators: a tab, a CR or a trailing newline changes it, and so the signature.",
            theme::label(),
        ),
    ];
    for s in SECTIONS {
        lines.push(Line::raw(""));
        lines.push(Line::styled(s.title, theme::title(true)));
        for h in s.hints {
            // the global section as bound now, with the config's keys
            let shown = if std::ptr::eq(s.hints, EVERYWHERE) {
                keys.keys_of(h)
            } else {
                h.keys.to_string()
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {shown:<22}"),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(h.what),
            ]));
        }
    }
    lines
}

pub fn render(scroll: usize, keys: &Keymap, area: Rect, buf: &mut Buffer) {
    let rect = centered(area, 84, area.height.saturating_sub(2).max(10));
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(theme::border(true))
        .title(Line::styled(" help ", theme::title(true)))
        .title(Line::styled(" ↑↓ scroll · Esc closes ", theme::dim()).right_aligned());
    let inner = block.inner(rect);
    block.render(rect, buf);
    let all = lines(keys);
    let max = all.len().saturating_sub(inner.height as usize);
    Paragraph::new(all)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .scroll((scroll.min(max) as u16, 0))
        .render(inner, buf);
}
