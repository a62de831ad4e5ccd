//! Draws the body editor: JSON colours, markers for the bytes that silently change a
//! signature (tab →, trailing space ·, CR ␍, controls), the cursor and the selection.
//! Only the visible window is walked.

use super::app::{App, Focus};
use super::json::{Token, tokens_after};
use super::response::token_style;
use super::theme;
use super::widgets::editor::{BodyEditor, cell_width, char_width, rows_for_width};
use super::widgets::wrap::Rows;
use crate::time::bytes_text as human_bytes;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

pub use super::markers::{marker, shown};

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
        // The position and size on the right, shortened rather than drawn over the name.
        let room = (area.width as usize).saturating_sub(2 + " body ".len() + mode.len());
        let place = [
            format!(
                " Ln {}, Col {} · {} ",
                row + 1,
                col + 1,
                human_bytes(e.len_bytes())
            ),
            format!(" Ln {}, Col {} ", row + 1, col + 1),
        ]
        .into_iter()
        .find(|t| t.chars().count() <= room)
        .unwrap_or_default();
        let block = Block::bordered()
            .border_style(theme::border(self.focused))
            .title(Line::styled(" body ", theme::title(self.focused)))
            .title(Line::styled(mode, theme::dim()))
            .title(Line::styled(place, theme::label()).right_aligned());
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
                editor: e,
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
        let cells = cell_width(c, col);
        // A zero-width character belongs with the one before it: the window ends before
        // the next character that takes a cell.
        if col >= to_col && cells > 0 {
            w.end_byte = i;
            break;
        }
        let next = col + cells;
        if !found && (next > from_col || from_col == 0) {
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
    /// The editor the line is from, and what it keeps of long lines.
    editor: &'a BodyEditor,
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
    let state = src.editor.json_state(src.row, win.start_byte);
    let toks = tokens_after(line, win.start_byte, win.end_byte, state);
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
    let mut last = None;
    walk(src, left, left + width, |col, glyph, w, style| {
        let x = col.checked_sub(left).filter(|&x| x < width);
        match x.map(|x| (area.x + x as u16, area.y)) {
            Some(at) if w > 0 => {
                put(
                    buf,
                    at,
                    glyph,
                    w.min(width - (at.0 - area.x) as usize),
                    style,
                );
                last = Some(at);
            }
            _ if w == 0 => join(buf, last, glyph),
            _ => {}
        }
    });
}

/// One line soft-wrapped from its row `first_seg`, into `area` (as many rows as fit), by
/// the one wrap rule: a character that does not fit in what is left of a row starts the
/// next row, whole. Returns the rows used. Walks only the visible part of the line.
fn draw_wrapped(src: Src<'_>, first_seg: usize, area: Rect, buf: &mut Buffer) -> usize {
    let width = (area.width as usize).max(1);
    let rows = (area.height as usize).max(1);
    let at_end = src
        .cursor
        .is_some_and(|c| c >= char_count(src.line, src.plain));
    // Printable ASCII is one cell per byte: rows are plain arithmetic.
    let wrapped = (!src.plain).then(|| src.editor.line_rows(src.row, width));
    let row_start = |seg: usize| match &wrapped {
        None => Some(seg * width).filter(|&c| c <= src.line.len()),
        Some(w) => w.start(seg).map(|s| s.1),
    };
    let start_col = row_start(first_seg).unwrap_or(usize::MAX);
    let end_col = row_start(first_seg + rows).unwrap_or(usize::MAX);
    let mut placer = Rows::new(width);
    let (mut r, mut r_col, mut last_row) = (0, start_col, 0);
    let mut last = None;
    walk(src, start_col, end_col, |col, glyph, w, style| {
        if placer.place(w) {
            r += 1;
            r_col = col;
        }
        if r >= rows {
            return;
        }
        last_row = last_row.max(r);
        if w == 0 {
            return join(buf, last, glyph);
        }
        let x = col.saturating_sub(r_col).min(width - 1);
        let at = (area.x + x as u16, area.y + r as u16);
        put(buf, at, glyph, w.min(width - x), style);
        last = Some(at);
    });
    // Rows this line takes in the window: its remaining rows, as far as they fit.
    let total = match &wrapped {
        None => rows_for_width(src.line.len(), width, at_end),
        Some(w) => w.count(at_end),
    };
    total
        .saturating_sub(first_seg)
        .max(last_row + 1)
        .clamp(1, rows)
}

/// Puts a glyph at `at`, taking `w` cells (the first gets the glyph; the rest of a tab is
/// blank but keeps the marker's style).
fn put(buf: &mut Buffer, at: (u16, u16), glyph: char, w: usize, style: Style) {
    let mut b = [0u8; 4];
    // A wide glyph cut by the pane edge (only when scrolled sideways) would spill over it.
    let symbol = if char_width(glyph) > w.max(1) {
        "›"
    } else {
        glyph.encode_utf8(&mut b)
    };
    for k in 0..w.max(1) {
        let cell = &mut buf[(at.0 + k as u16, at.1)];
        cell.set_symbol(if k == 0 { symbol } else { " " });
        cell.set_style(style);
    }
}

/// A zero-width character (a combining mark) joins the glyph drawn before it, as ratatui
/// draws text, unless that would make the glyph wider than the cells laid out for it (a
/// VS16 turning a one-cell symbol into a two-cell emoji).
fn join(buf: &mut Buffer, last: Option<(u16, u16)>, glyph: char) {
    let Some(at) = last else { return };
    let cell = &mut buf[at];
    let mut joined = cell.symbol().to_string();
    joined.push(glyph);
    if joined.cell_width() == cell.symbol().cell_width() {
        cell.set_symbol(&joined);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::editor::wrapped_rows;
    use crossterm::event::KeyCode;

    /// The body's one line drawn wrapped in a pane `width` cells wide: its rows, read back
    /// cell by cell (the cell after a wide glyph is its second half, not a character).
    fn drawn_rows(text: &str, width: u16) -> Vec<String> {
        let editor = BodyEditor::from_text(text);
        let area = Rect::new(0, 0, width + 2, 200);
        let mut buf = Buffer::empty(area);
        BodyView {
            editor: &editor,
            focused: false,
            editing: false,
        }
        .render(area, &mut buf);
        let mut rows = Vec::new();
        for y in 1..area.height - 1 {
            let mut row = String::new();
            let mut x = 1;
            while x <= width {
                let s = buf[(x, y)].symbol();
                row.push_str(s);
                x += s.cell_width().max(1);
            }
            rows.push(row);
        }
        let used = wrapped_rows(text, width as usize, false);
        assert!(rows[used..].iter().all(|r| r.trim().is_empty()), "{rows:?}");
        rows.truncate(used);
        rows
    }

    /// What the body pane shows for `text`: invisibles as their markers, trailing spaces as
    /// `·`. A VS16 is left out: it would widen the glyph before it past its cells.
    fn shown(text: &str) -> String {
        let trailing = text.trim_end_matches(' ').len();
        let tail = "·".repeat(text.len() - trailing);
        text[..trailing]
            .chars()
            .filter(|&c| c != '\u{fe0f}')
            .map(|c| marker(c).unwrap_or(c))
            .chain(tail.chars())
            .collect()
    }

    fn assert_drawn_exactly(text: &str, width: u16) {
        if text.is_empty() {
            return; // the pane shows its "(empty body)" note instead
        }
        let rows = drawn_rows(text, width);
        // Spaces are left out: the blank cell a wide glyph leaves at a row's end is one too.
        let drawn: String = rows.concat().chars().filter(|&c| c != ' ').collect();
        let want: String = shown(text).chars().filter(|&c| c != ' ').collect();
        assert_eq!(drawn, want, "at width {width}: {rows:?}");
    }

    #[test]
    fn wide_characters_wrap_whole_and_nothing_is_lost() {
        let zurich = "{\"name\":\"Zürich – 東京 😀\",\"city\":\"Genève\",\
                      \"team\":\"👨\u{200d}👩\u{200d}👧 שלום e\u{301}\"}";
        let tokyo = format!("{{\"name\":\"{}\"}}", "東京".repeat(40));
        for width in [5, 7, 10, 23, 38, 39, 40, 41, 57, 78] {
            assert_drawn_exactly(zurich, width);
            assert_drawn_exactly(&tokyo, width);
        }
        // the wide glyph that does not fit moves down whole: no `?`, no half glyph
        assert_eq!(drawn_rows("ab東京", 3), ["ab ", "東 ", "京 "]);
    }

    /// What the editor keeps of long lines (string states, wrapped rows) never shows: after
    /// each edit, before or inside the window, the pane and its scrolling are those of a
    /// fresh editor holding the same text.
    #[test]
    fn kept_long_lines_draw_as_a_fresh_editor() {
        let item = r#"{"name":"Zürich \"東京\" \\","n":-1.5e3,"ok":true,"t":"	"},"#;
        let line = format!("[{}]", item.repeat(400));
        let mut e = BodyEditor::from_text(&format!("{line}\n{line}"));
        let (area, mut seed) = (Rect::new(0, 0, 39, 12), 7u64);
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
        e.jump(0, 9000);
        for step in 0..400 {
            let (top, top_seg, left) = (e.top, e.top_seg, e.left);
            let row = next(e.lines().len());
            let chars = e.lines()[row].chars().count();
            // mostly near the cursor, sometimes anywhere
            let (r, c) = e.cursor();
            let (row, col) = if step % 3 == 0 {
                (row, next(chars + 1))
            } else {
                (r, c)
            };
            e.jump(row, col);
            let keys = [
                KeyCode::Char('"'),
                KeyCode::Char('\\'),
                KeyCode::Char('é'),
                KeyCode::Char('東'),
                KeyCode::Tab,
                KeyCode::Enter,
                KeyCode::Backspace,
                KeyCode::Delete,
                KeyCode::Char('x'),
            ];
            let k = keys[next(keys.len())];
            if step % 17 == 0 {
                e.undo();
            } else {
                e.key(crossterm::event::KeyEvent::from(k), 10);
            }
            e.wrap = step % 50 < 40;
            e.scroll_to_cursor(10, 37);
            let mut fresh = BodyEditor::from_text(&e.to_text());
            fresh.wrap = e.wrap;
            let (r, c) = e.cursor();
            fresh.jump(r, c);
            (fresh.top, fresh.top_seg, fresh.left) = (top, top_seg, left);
            fresh.scroll_to_cursor(10, 37);
            assert_eq!(
                (fresh.top, fresh.top_seg, fresh.left),
                (e.top, e.top_seg, e.left)
            );
            let draw = |editor: &BodyEditor| {
                let mut buf = Buffer::empty(area);
                BodyView {
                    editor,
                    focused: true,
                    editing: true,
                }
                .render(area, &mut buf);
                buf
            };
            assert_eq!(draw(&e), draw(&fresh), "step {step}: {k:?} at {r},{c}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_script_is_drawn_exactly(
            text in crate::tui::widgets::wrap::tests::mixed_text(),
            width in 2u16..40,
        ) {
            assert_drawn_exactly(&text, width);
        }
    }
}
