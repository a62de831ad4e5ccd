//! Draws the body editor: JSON colours, markers for the bytes that silently change a
//! signature (tab →, trailing space ·, CR ␍, controls), the cursor and the selection.
//! Only the visible window is walked.

use super::app::{App, Focus};
use super::clock::human_bytes;
use super::editor::{BodyEditor, cell_width, char_width};
use super::json::{Token, tokens_upto};
use super::response::token_style;
use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

/// The glyph drawn for a character that would otherwise be invisible or misleading.
pub fn marker(c: char) -> Option<char> {
    match c {
        '\t' => Some('→'),
        '\r' => Some('␍'),
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('␡'),
        c if crate::lint::is_invisible(c) => Some('¤'),
        _ => None,
    }
}

pub struct BodyView<'a> {
    pub editor: &'a BodyEditor,
    pub focused: bool,
    pub editing: bool,
}

impl Widget for BodyView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let e = self.editor;
        let (row, col) = e.cursor();
        let mode = if self.editing { " editing " } else { "" };
        let block = Block::bordered()
            .border_style(theme::border(self.focused))
            .title(Line::styled(" body ", theme::title(self.focused)))
            .title(Line::styled(mode, theme::dim()))
            .title(
                Line::styled(
                    format!(
                        " Ln {}, Col {} · {} ",
                        row + 1,
                        col + 1,
                        human_bytes(e.len_bytes())
                    ),
                    theme::label(),
                )
                .right_aligned(),
            );
        let inner = block.inner(area);
        block.render(area, buf);
        if e.is_empty() && !self.editing {
            Paragraph::new(vec![
                Line::styled("(empty body)", theme::dim()),
                Line::styled(
                    "Enter to edit, or pick an endpoint with an example body.",
                    theme::dim(),
                ),
            ])
            .wrap(Wrap { trim: true })
            .render(inner, buf);
            return;
        }
        let lines = e.lines();
        let selection = e.selection();
        let mut y = 0usize;
        let mut r = e.top;
        while y < inner.height as usize {
            let Some(line) = lines.get(r) else { break };
            let cursor = (self.editing && r == row).then_some(col);
            let rows_left = inner.height as usize - y;
            let area = Rect {
                y: inner.y + y as u16,
                height: rows_left as u16,
                ..inner
            };
            y += if e.wrap {
                let first = if r == e.top { e.top_seg } else { 0 };
                draw_wrapped(line, r, first, cursor, selection, area, buf)
            } else {
                draw_line(
                    line,
                    r,
                    e.left,
                    cursor,
                    selection,
                    Rect { height: 1, ..area },
                    buf,
                );
                1
            };
            r += 1;
        }
    }
}

fn selected(sel: Option<((usize, usize), (usize, usize))>, row: usize, col: usize) -> bool {
    match sel {
        Some((start, end)) => (row, col) >= start && (row, col) < end,
        None => false,
    }
}

/// One line from display column `left`.
fn draw_line(
    line: &str,
    row: usize,
    left: usize,
    cursor: Option<usize>,
    sel: Option<((usize, usize), (usize, usize))>,
    area: Rect,
    buf: &mut Buffer,
) {
    let width = area.width as usize;
    let trailing_from = line.trim_end_matches([' ', '\r']).len();
    // First pass: how far into the line the window reaches, so tokenizing stops there.
    let mut col = 0;
    let mut end_byte = line.len();
    for (i, c) in line.char_indices() {
        if col >= left + width {
            end_byte = i;
            break;
        }
        col += cell_width(c, col);
    }
    let toks = tokens_upto(line, end_byte);
    let mut tok = toks.iter().peekable();
    let mut col = 0;
    for (ci, (i, c)) in line.char_indices().enumerate() {
        if i >= end_byte {
            break;
        }
        let w = cell_width(c, col);
        let start = col;
        col += w;
        if col <= left {
            continue;
        }
        while tok.peek().is_some_and(|t| t.1 <= i) {
            tok.next();
        }
        let kind = tok
            .peek()
            .filter(|t| t.0 <= i)
            .map_or(Token::Other, |t| t.2);
        let mut style = token_style(kind);
        let mut glyph = c;
        if let Some(m) = marker(c) {
            glyph = m;
            style = theme::marker();
        } else if c == ' ' && i >= trailing_from {
            glyph = '·';
            style = theme::marker();
        }
        if selected(sel, row, ci) {
            style = style.patch(theme::selection());
        }
        if cursor == Some(ci) {
            style = style.patch(theme::cursor());
        }
        put(buf, area, start, left, glyph, w, style);
    }
    if let Some(c) = cursor
        && c >= line.chars().count()
        && col >= left
    {
        put(buf, area, col, left, ' ', 1, theme::cursor());
    }
}

/// One line soft-wrapped from its row `first_seg`, into `area` (as many rows as fit).
/// Returns the rows used. Walks the line once, up to the last visible character.
fn draw_wrapped(
    line: &str,
    row: usize,
    first_seg: usize,
    cursor: Option<usize>,
    sel: Option<((usize, usize), (usize, usize))>,
    area: Rect,
    buf: &mut Buffer,
) -> usize {
    let width = (area.width as usize).max(1);
    let rows = area.height as usize;
    let start_col = first_seg * width;
    let end_col = start_col + rows * width;
    let trailing_from = line.trim_end_matches([' ', '\r']).len();
    // How far into the line the window reaches, so tokenizing stops there.
    let mut col = 0;
    let mut end_byte = line.len();
    for (i, c) in line.char_indices() {
        if col >= end_col {
            end_byte = i;
            break;
        }
        col += cell_width(c, col);
    }
    let toks = tokens_upto(line, end_byte);
    let mut tok = toks.iter().peekable();
    let mut col = 0;
    let mut last_row = 0;
    let mut put_cell = |col: usize, symbol: char, style: Style, last_row: &mut usize| {
        if col < start_col || col >= end_col {
            return;
        }
        let rel = col - start_col;
        let (r, x) = (rel / width, rel % width);
        *last_row = (*last_row).max(r);
        let cell = &mut buf[(area.x + x as u16, area.y + r as u16)];
        let mut b = [0u8; 4];
        cell.set_symbol(symbol.encode_utf8(&mut b));
        cell.set_style(style);
    };
    for (ci, (i, c)) in line.char_indices().enumerate() {
        if i >= end_byte {
            break;
        }
        let w = cell_width(c, col);
        let start = col;
        col += w;
        if col <= start_col {
            continue;
        }
        while tok.peek().is_some_and(|t| t.1 <= i) {
            tok.next();
        }
        let kind = tok
            .peek()
            .filter(|t| t.0 <= i)
            .map_or(Token::Other, |t| t.2);
        let mut style = token_style(kind);
        let mut glyph = c;
        if let Some(m) = marker(c) {
            glyph = m;
            style = theme::marker();
        } else if c == ' ' && i >= trailing_from {
            glyph = '·';
            style = theme::marker();
        }
        if selected(sel, row, ci) {
            style = style.patch(theme::selection());
        }
        if cursor == Some(ci) {
            style = style.patch(theme::cursor());
        }
        if char_width(glyph) > 1 && (start + 1) % width == 0 {
            glyph = '?'; // a wide character cannot straddle two rows
        }
        for k in 0..w {
            put_cell(
                start + k,
                if k == 0 { glyph } else { ' ' },
                style,
                &mut last_row,
            );
        }
    }
    if let Some(c) = cursor
        && c >= line.chars().count()
    {
        put_cell(col, ' ', theme::cursor(), &mut last_row);
    }
    // Rows this line takes in the window: all of its remaining rows, as far as they fit.
    let total = super::editor::wrapped_rows(
        line,
        width,
        cursor.is_some_and(|c| c >= line.chars().count()),
    );
    (total.saturating_sub(first_seg))
        .clamp(1, rows.max(1))
        .max(last_row + 1)
        .min(rows.max(1))
}

/// Puts a glyph `w` cells wide at display column `start` (the first cell gets the glyph,
/// the rest of a tab is blank but keeps the marker's style).
fn put(
    buf: &mut Buffer,
    area: Rect,
    start: usize,
    left: usize,
    glyph: char,
    w: usize,
    style: Style,
) {
    for k in 0..w {
        let Some(x) = (start + k).checked_sub(left) else {
            continue;
        };
        if x >= area.width as usize {
            return;
        }
        let cell = &mut buf[(area.x + x as u16, area.y)];
        if k == 0 {
            let mut b = [0u8; 4];
            if char_width(glyph) > w.min(2) {
                cell.set_symbol("?");
            } else {
                cell.set_symbol(glyph.encode_utf8(&mut b));
            }
        } else {
            // the rest of a tab, or the second cell of a wide character
            cell.set_symbol(" ");
        }
        cell.set_style(style);
    }
}

/// Draws the body pane of the app.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    BodyView {
        editor: &app.body,
        focused: app.focus == Focus::Body,
        editing: app.editing && app.focus == Focus::Body,
    }
    .render(area, buf);
}
