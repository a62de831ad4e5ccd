//! Draws the body editor: JSON colours, markers for the bytes that silently change a
//! signature (tab →, trailing space ·, CR ␍, controls), the cursor and the selection.
//! Only the visible window is walked.

use super::app::{App, Focus};
use super::json::{Token, tokens_window};
use super::response::token_style;
use super::theme;
use super::widgets::editor::{BodyEditor, cell_width, char_width, rows_for_width, wrapped_rows};
use crate::time::bytes_text as human_bytes;
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
            let src = Src {
                line,
                plain: e.is_plain_line(r),
                row: r,
                cursor,
                sel: selection,
            };
            y += if e.wrap {
                let first = if r == e.top { e.top_seg } else { 0 };
                draw_wrapped(src, first, area, buf)
            } else {
                draw_line(src, e.left, Rect { height: 1, ..area }, buf);
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

/// Where display columns `from_col..to_col` of a line lie.
struct Window {
    start_byte: usize,
    /// Display column and char index of the character at `start_byte`.
    start_col: usize,
    start_ci: usize,
    end_byte: usize,
}

fn window(line: &str, plain: bool, from_col: usize, to_col: usize) -> Window {
    if plain {
        let start = from_col.min(line.len());
        return Window {
            start_byte: start,
            start_col: start,
            start_ci: start,
            end_byte: to_col.min(line.len()),
        };
    }
    let mut w = Window {
        start_byte: line.len(),
        start_col: 0,
        start_ci: 0,
        end_byte: line.len(),
    };
    let mut found = false;
    let mut col = 0;
    for (ci, (i, c)) in line.char_indices().enumerate() {
        if col >= to_col {
            w.end_byte = i;
            break;
        }
        let next = col + cell_width(c, col);
        if !found && next > from_col {
            found = true;
            w.start_byte = i;
            w.start_col = col;
            w.start_ci = ci;
        }
        col = next;
    }
    if !found {
        w.start_col = col;
        w.start_ci = line.chars().count();
    }
    w
}

fn char_count(line: &str, plain: bool) -> usize {
    if plain || line.is_ascii() {
        line.len()
    } else {
        line.chars().count()
    }
}

/// One line to draw, and what marks it: the cursor (a char column) and the selection.
#[derive(Clone, Copy)]
struct Src<'a> {
    line: &'a str,
    /// Only printable ASCII (see `BodyEditor::is_plain_line`).
    plain: bool,
    row: usize,
    cursor: Option<usize>,
    sel: Option<((usize, usize), (usize, usize))>,
}

/// Calls `cell(col, char, width, style)` for each character in display columns
/// `from_col..to_col`, styled: JSON colours, markers, selection, cursor.
fn walk(
    src: Src<'_>,
    from_col: usize,
    to_col: usize,
    mut cell: impl FnMut(usize, char, usize, Style),
) -> usize {
    let line = src.line;
    let trailing_from = line.trim_end_matches([' ', '\r']).len();
    let win = window(line, src.plain, from_col, to_col);
    let toks = tokens_window(line, win.start_byte, win.end_byte);
    let mut tok = toks.iter().peekable();
    let mut col = win.start_col;
    for (ci, (off, c)) in (win.start_ci..).zip(line[win.start_byte..win.end_byte].char_indices()) {
        let i = win.start_byte + off;
        let w = cell_width(c, col);
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
        if selected(src.sel, src.row, ci) {
            style = style.patch(theme::selection());
        }
        if src.cursor == Some(ci) {
            style = style.patch(theme::cursor());
        }
        cell(col, glyph, w, style);
        col += w;
    }
    if let Some(c) = src.cursor
        && c >= char_count(line, src.plain)
        && win.end_byte == line.len()
    {
        cell(col, ' ', 1, theme::cursor());
    }
    col
}

/// One line from display column `left`.
fn draw_line(src: Src<'_>, left: usize, area: Rect, buf: &mut Buffer) {
    let width = area.width as usize;
    walk(src, left, left + width, |col, glyph, w, style| {
        put(buf, area, col, left, glyph, w, style)
    });
}

/// One line soft-wrapped from its row `first_seg`, into `area` (as many rows as fit).
/// Returns the rows used. Walks only the visible part of the line.
fn draw_wrapped(src: Src<'_>, first_seg: usize, area: Rect, buf: &mut Buffer) -> usize {
    let width = (area.width as usize).max(1);
    let rows = (area.height as usize).max(1);
    let start_col = first_seg * width;
    let end_col = start_col + rows * width;
    let mut last_row = 0;
    walk(src, start_col, end_col, |col, glyph, w, style| {
        let glyph = if char_width(glyph) > 1 && (col + 1) % width == 0 {
            '?' // a wide character cannot straddle two rows
        } else {
            glyph
        };
        for k in 0..w {
            let c = col + k;
            if c < start_col || c >= end_col {
                continue;
            }
            let rel = c - start_col;
            let (r, x) = (rel / width, rel % width);
            last_row = last_row.max(r);
            let cell = &mut buf[(area.x + x as u16, area.y + r as u16)];
            let mut b = [0u8; 4];
            cell.set_symbol(if k == 0 {
                glyph.encode_utf8(&mut b)
            } else {
                " "
            });
            cell.set_style(style);
        }
    });
    // Rows this line takes in the window: its remaining rows, as far as they fit.
    let at_end = src
        .cursor
        .is_some_and(|c| c >= char_count(src.line, src.plain));
    let total = if src.plain {
        rows_for_width(src.line.len(), width, at_end)
    } else {
        wrapped_rows(src.line, width, at_end)
    };
    total
        .saturating_sub(first_seg)
        .max(last_row + 1)
        .clamp(1, rows)
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
