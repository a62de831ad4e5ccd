//! The body editor: a `TextArea` used as a line buffer with cursor, selection and undo.
//! We draw it ourselves (see `body.rs`) so invisible bytes get markers and only the visible
//! window is rendered.
//!
//! Byte-exactness: the body is the lines joined with `\n`. A CR stays inside a line's text,
//! so `a\r\nb` is the lines `a\r` and `b`. TextArea strips a CR before each `\n` when inserting
//! text, so pastes that hold a CR are spliced into the lines directly.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

pub struct BodyEditor {
    ta: TextArea<'static>,
    /// Bumped on every change of the text, so the signer knows a snapshot is stale.
    revision: u64,
    /// First visible line and first visible display column: kept by `update`, read by
    /// `draw`. With `wrap`, `top_seg` is the first visible row within line `top`.
    pub top: usize,
    pub top_seg: usize,
    pub left: usize,
    /// Soft-wrap long lines (a compact JSON body is one long line).
    pub wrap: bool,
}

impl Default for BodyEditor {
    fn default() -> Self {
        BodyEditor::from_text("")
    }
}

impl std::fmt::Debug for BodyEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyEditor")
            .field("lines", &self.ta.lines().len())
            .field("revision", &self.revision)
            .field("cursor", &self.ta.cursor())
            .finish()
    }
}

fn new_textarea(lines: Vec<String>) -> TextArea<'static> {
    let mut ta = TextArea::new(lines);
    // A Tab key inserts a real tab byte: the user sees the marker and the lint warning,
    // rather than us silently changing what they typed.
    ta.set_hard_tab_indent(true);
    ta.set_max_histories(100);
    ta
}

/// The display width of one character at display column `col`. Tabs run to the next stop
/// of 4; control characters show as one-cell pictures.
pub fn cell_width(c: char, col: usize) -> usize {
    if (' '..='~').contains(&c) {
        return 1; // the common case, without a table lookup
    }
    match c {
        '\t' => 4 - col % 4,
        c if (c as u32) < 0x20 || c == '\u{7f}' => 1,
        c => char_width(c),
    }
}

pub fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    ratatui::text::Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Display width of the first `chars` characters of `line`.
pub fn display_col(line: &str, chars: usize) -> usize {
    if line.is_ascii() && !line.bytes().any(|b| b < b' ' || b == 0x7f) {
        return chars.min(line.len());
    }
    let mut col = 0;
    for c in line.chars().take(chars) {
        col += cell_width(c, col);
    }
    col
}

/// Display width of a whole line.
pub fn display_width(line: &str) -> usize {
    if line.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return line.len();
    }
    let mut col = 0;
    for c in line.chars() {
        col += cell_width(c, col);
    }
    col
}

/// Screen rows a line takes when wrapped at `width`; `cursor_at_end` makes room for the
/// cursor after a line that exactly fills its last row.
pub fn wrapped_rows(line: &str, width: usize, cursor_at_end: bool) -> usize {
    let width = width.max(1);
    let dw = display_width(line);
    let rows = dw.div_ceil(width).max(1);
    if cursor_at_end && dw > 0 && dw.is_multiple_of(width) {
        rows + 1
    } else {
        rows
    }
}

/// The character index at display column `target` (or the line's end).
pub fn char_at_col(line: &str, target: usize) -> usize {
    let mut col = 0;
    for (i, c) in line.chars().enumerate() {
        let w = cell_width(c, col);
        if col + w > target {
            return i;
        }
        col += w;
    }
    line.chars().count()
}

/// Terminals turn each LF of a paste into CR (xterm, tmux). A paste with no LF at all but
/// with CRs is taken as such: `\r\r` was CRLF, a lone `\r` was LF. A paste that holds an LF
/// came through untouched and is kept byte for byte.
pub fn normalize_paste(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\n') || !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\r') {
                chars.next();
                out.push_str("\r\n");
            } else {
                out.push('\n');
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl BodyEditor {
    pub fn from_text(text: &str) -> Self {
        BodyEditor {
            ta: new_textarea(text.split('\n').map(str::to_string).collect()),
            revision: 0,
            top: 0,
            top_seg: 0,
            left: 0,
            wrap: true,
        }
    }

    pub fn lines(&self) -> &[String] {
        self.ta.lines()
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// (row, char column), 0-based.
    pub fn cursor(&self) -> (usize, usize) {
        let c = self.ta.cursor();
        (c.0, c.1)
    }

    pub fn selection(&self) -> Option<((usize, usize), (usize, usize))> {
        self.ta.selection_range()
    }

    pub fn len_bytes(&self) -> usize {
        let lines = self.ta.lines();
        lines.iter().map(String::len).sum::<usize>() + lines.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.ta.is_empty()
    }

    /// The body exactly as it will be signed and sent.
    pub fn to_bytes(&self) -> Vec<u8> {
        let lines = self.ta.lines();
        let mut out = Vec::with_capacity(self.len_bytes());
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(line.as_bytes());
        }
        out
    }

    pub fn to_text(&self) -> String {
        String::from_utf8(self.to_bytes()).expect("lines are strings")
    }

    /// Replaces the whole body. Text without CR goes through the TextArea so it can be
    /// undone; text with CR is loaded as lines.
    pub fn set_text(&mut self, text: &str) {
        if text == self.to_text() {
            return;
        }
        if text.contains('\r') {
            let (top, left) = (self.top, self.left);
            self.ta = new_textarea(text.split('\n').map(str::to_string).collect());
            self.top = top;
            self.left = left;
        } else {
            self.ta.select_all();
            self.ta.cut();
            self.ta.insert_str(text);
            self.ta.move_cursor(CursorMove::Top);
            self.ta.move_cursor(CursorMove::Head);
        }
        self.revision += 1;
    }

    /// Inserts pasted text at the cursor, byte for byte (after `normalize_paste`).
    pub fn paste(&mut self, text: &str) {
        let text = normalize_paste(text);
        if text.is_empty() {
            return;
        }
        if !text.contains('\r') {
            self.ta.insert_str(&*text);
        } else {
            self.splice(&text);
        }
        self.revision += 1;
    }

    /// Inserts `text` at the cursor by rebuilding the lines: the only way to keep a CR that
    /// ends a line, which `TextArea::insert_str` would drop.
    fn splice(&mut self, text: &str) {
        if self.ta.is_selecting() {
            self.ta.cut();
        }
        let (row, col) = self.cursor();
        let mut lines: Vec<String> = self.ta.lines().to_vec();
        let line = &lines[row];
        let at = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
        let prefix = line[..at].to_string();
        let suffix = line[at..].to_string();
        let pieces: Vec<&str> = text.split('\n').collect();
        let last = pieces.len() - 1;
        let mut new_lines = Vec::with_capacity(pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            let mut s = String::new();
            if i == 0 {
                s.push_str(&prefix);
            }
            s.push_str(piece);
            new_lines.push(s);
        }
        let cursor_col = new_lines[last].chars().count();
        new_lines[last].push_str(&suffix);
        lines.splice(row..=row, new_lines);
        self.ta = new_textarea(lines);
        self.jump(row + last, cursor_col);
    }

    /// Moves the cursor to (row, char column). TextArea jumps take u16 coordinates and
    /// moving char by char is linear per step in a long line, so a far column is reached by
    /// splitting the line there, landing on the head of its second half and joining the
    /// halves again: the text is unchanged, the undo history is reset.
    pub fn jump(&mut self, row: usize, col: usize) {
        let max = u16::MAX as usize;
        let row = row.min(self.ta.lines().len() - 1);
        if row <= max && col <= max {
            self.ta
                .move_cursor(CursorMove::Jump(row as u16, col as u16));
            return;
        }
        let mut lines = self.ta.lines().to_vec();
        let at = lines[row]
            .char_indices()
            .nth(col)
            .map_or(lines[row].len(), |(i, _)| i);
        let tail = lines[row][at..].to_string();
        lines[row].truncate(at);
        lines.insert(row + 1, tail);
        self.ta = new_textarea(lines);
        let next = row + 1;
        if next <= max {
            self.ta.move_cursor(CursorMove::Jump(next as u16, 0));
        } else {
            self.ta.move_cursor(CursorMove::Jump(max as u16, 0));
            for _ in max..next {
                self.ta.move_cursor(CursorMove::Down);
            }
            self.ta.move_cursor(CursorMove::Head);
        }
        self.ta.delete_newline();
        self.ta.set_max_histories(100);
    }

    /// Handles a key while the body is being edited. Returns whether the key was used.
    pub fn key(&mut self, key: KeyEvent, page: usize) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let before = self.ta.lines().len();
        let modified = match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                self.ta.insert_char(c);
                true
            }
            KeyCode::Char('z') if ctrl => self.ta.undo(),
            KeyCode::Char('y') if ctrl => self.ta.redo(),
            KeyCode::Char('a') if ctrl => {
                self.ta.select_all();
                false
            }
            KeyCode::Char('w') if ctrl => self.ta.delete_word(),
            KeyCode::Char('k') if ctrl => self.ta.delete_line_by_end(),
            KeyCode::Enter => {
                self.ta.insert_newline();
                true
            }
            KeyCode::Tab => {
                self.ta.insert_char('\t');
                true
            }
            KeyCode::Backspace if ctrl || alt => self.ta.delete_word(),
            KeyCode::Backspace => self.ta.delete_char(),
            KeyCode::Delete => self.ta.delete_next_char(),
            KeyCode::Left | KeyCode::Right | KeyCode::Up | KeyCode::Down => {
                let m = match (key.code, ctrl) {
                    (KeyCode::Left, false) => CursorMove::Back,
                    (KeyCode::Left, true) => CursorMove::WordBack,
                    (KeyCode::Right, false) => CursorMove::Forward,
                    (KeyCode::Right, true) => CursorMove::WordForward,
                    (KeyCode::Up, false) => CursorMove::Up,
                    (KeyCode::Up, true) => CursorMove::ParagraphBack,
                    (KeyCode::Down, false) => CursorMove::Down,
                    _ => CursorMove::ParagraphForward,
                };
                self.moved(m, shift);
                false
            }
            KeyCode::Home => {
                self.moved(
                    if ctrl {
                        CursorMove::Top
                    } else {
                        CursorMove::Head
                    },
                    shift,
                );
                false
            }
            KeyCode::End => {
                self.moved(
                    if ctrl {
                        CursorMove::Bottom
                    } else {
                        CursorMove::End
                    },
                    shift,
                );
                false
            }
            KeyCode::PageUp | KeyCode::PageDown => {
                let m = if key.code == KeyCode::PageUp {
                    CursorMove::Up
                } else {
                    CursorMove::Down
                };
                for _ in 0..page.max(1) {
                    self.moved(m, shift);
                }
                false
            }
            _ => return false,
        };
        if modified || before != self.ta.lines().len() {
            self.revision += 1;
        }
        true
    }

    fn moved(&mut self, m: CursorMove, shift: bool) {
        if shift && !self.ta.is_selecting() {
            self.ta.start_selection();
        } else if !shift {
            self.ta.cancel_selection();
        }
        self.ta.move_cursor(m);
    }

    /// Keeps the cursor inside a `height` × `width` window.
    pub fn scroll_to_cursor(&mut self, height: usize, width: usize) {
        let (row, col) = self.cursor();
        let height = height.max(1);
        let width = width.max(1);
        let lines = self.ta.lines();
        let line = &lines[row];
        let dcol = display_col(line, col);
        if !self.wrap {
            self.top_seg = 0;
            if row < self.top {
                self.top = row;
            } else if row >= self.top + height {
                self.top = row + 1 - height;
            }
            if dcol < self.left {
                self.left = dcol.saturating_sub(width / 4);
            } else if dcol >= self.left + width {
                self.left = dcol + 1 - width + width / 4;
                self.left = self.left.min(dcol);
            }
            return;
        }
        self.left = 0;
        let cseg = dcol / width;
        // Above the window: the cursor's row becomes the first.
        if (row, cseg) < (self.top, self.top_seg) {
            self.top = row;
            self.top_seg = cseg;
            return;
        }
        // The highest top that still shows the cursor on the last row.
        let (mut t, mut seg) = (row, cseg);
        let mut budget = height - 1;
        while budget > 0 {
            if seg > 0 {
                let step = seg.min(budget);
                seg -= step;
                budget -= step;
            } else if t > 0 {
                t -= 1;
                seg = wrapped_rows(&lines[t], width, false) - 1;
                budget -= 1;
            } else {
                break;
            }
        }
        if (self.top, self.top_seg) < (t, seg) {
            self.top = t;
            self.top_seg = seg;
        }
    }

    /// Mouse click at a row/display column of a window `width` wide.
    pub fn click(&mut self, row_in_view: usize, col_in_view: usize, width: usize) {
        let lines = self.ta.lines();
        let (row, dcol) = if self.wrap {
            let width = width.max(1);
            let (mut r, mut seg, mut left) = (self.top, self.top_seg, row_in_view);
            loop {
                let rows = wrapped_rows(&lines[r], width, false);
                if seg + left < rows || r + 1 >= lines.len() {
                    break (r, (seg + left).min(rows - 1) * width + col_in_view);
                }
                left -= rows - seg;
                seg = 0;
                r += 1;
            }
        } else {
            (
                (self.top + row_in_view).min(lines.len() - 1),
                self.left + col_in_view,
            )
        };
        let col = char_at_col(&lines[row], dcol);
        self.ta.cancel_selection();
        self.jump(row, col);
    }

    /// Scrolls the view by `rows` without moving the text (mouse wheel).
    pub fn scroll_lines(&mut self, rows: isize) {
        let max = self.ta.lines().len().saturating_sub(1);
        self.top = self.top.saturating_add_signed(rows).min(max);
        self.top_seg = 0;
        let (row, col) = self.cursor();
        if row < self.top {
            self.jump(self.top, col);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_builds_the_body() {
        let mut e = BodyEditor::default();
        for c in "{\"a\":1}".chars() {
            e.key(key(KeyCode::Char(c)), 10);
        }
        e.key(key(KeyCode::Enter), 10);
        e.key(key(KeyCode::Tab), 10);
        assert_eq!(e.to_bytes(), b"{\"a\":1}\n\t");
        assert!(e.revision() >= 9);
    }

    #[test]
    fn empty_body_is_no_bytes() {
        assert_eq!(BodyEditor::default().to_bytes(), b"");
        assert!(BodyEditor::default().is_empty());
    }

    #[test]
    fn paste_keeps_crlf_and_trailing_newline() {
        let mut e = BodyEditor::default();
        let pasted = "{\r\n  \"a\": 1\r\n}\r\n";
        e.paste(pasted);
        assert_eq!(e.to_bytes(), pasted.as_bytes());
        assert_eq!(e.len_bytes(), pasted.len());
        // typing continues at the end of the paste
        e.key(key(KeyCode::Char('x')), 10);
        assert_eq!(e.to_bytes(), b"{\r\n  \"a\": 1\r\n}\r\nx");
    }

    #[test]
    fn paste_in_the_middle_of_a_line() {
        let mut e = BodyEditor::from_text("[]");
        e.jump(0, 1);
        e.paste("1,\r\n2");
        assert_eq!(e.to_bytes(), b"[1,\r\n2]");
        assert_eq!(e.cursor(), (1, 1));
    }

    #[test]
    fn paste_without_cr_is_exact_and_undoable() {
        let mut e = BodyEditor::default();
        let pasted = "{\n\t\"a\": \"é\"  \n}\n";
        e.paste(pasted);
        assert_eq!(e.to_bytes(), pasted.as_bytes());
        e.key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL), 10);
        assert_eq!(e.to_bytes(), b"");
    }

    #[test]
    fn terminal_converted_newlines_become_newlines_again() {
        assert_eq!(normalize_paste("{\r\"a\":1\r}\r"), "{\n\"a\":1\n}\n");
        assert_eq!(normalize_paste("a\r\rb"), "a\r\nb");
        assert_eq!(normalize_paste("a\r\nb\r"), "a\r\nb\r");
        let mut e = BodyEditor::default();
        e.paste("{\r\r}\r\r");
        assert_eq!(e.to_bytes(), b"{\r\n}\r\n");
    }

    #[test]
    fn set_text_round_trips() {
        let mut e = BodyEditor::default();
        for t in ["", "\n", "a\r", "a\r\nb\r\n", "{\"a\":1}"] {
            e.set_text(t);
            assert_eq!(e.to_bytes(), t.as_bytes(), "{t:?}");
        }
    }

    #[test]
    fn display_columns_expand_tabs() {
        assert_eq!(display_col("\tab", 1), 4);
        assert_eq!(display_col("a\tb", 2), 4);
        assert_eq!(char_at_col("\tab", 4), 1);
        assert_eq!(char_at_col("\tab", 2), 0);
        assert_eq!(display_col("é漢", 2), 3);
    }

    #[test]
    fn scroll_follows_cursor() {
        let text: String = (0..100).map(|i| format!("{i}\n")).collect();
        let mut e = BodyEditor::from_text(&text);
        e.jump(50, 0);
        e.scroll_to_cursor(10, 20);
        assert_eq!(e.top, 41);
        e.jump(3, 0);
        e.scroll_to_cursor(10, 20);
        assert_eq!(e.top, 3);
        let long = "x".repeat(1 << 20);
        let mut e = BodyEditor::from_text(&long);
        e.wrap = false;
        e.jump(0, 700_000);
        assert_eq!(e.cursor(), (0, 700_000));
        assert_eq!(e.to_bytes().len(), 1 << 20, "the text is unchanged");
        e.scroll_to_cursor(10, 40);
        assert!(e.left <= 700_000 && 700_000 < e.left + 40);
    }

    #[test]
    fn wrapped_scroll_keeps_the_cursor_row_in_view() {
        // three lines of 25, 5 and 10 cells in a 10-wide window: rows 3, 1, 1
        let mut e = BodyEditor::from_text(&format!(
            "{}\n{}\n{}",
            "a".repeat(25),
            "b".repeat(5),
            "c".repeat(10)
        ));
        e.jump(2, 10);
        e.scroll_to_cursor(3, 10);
        // the cursor sits after a full row, on a row of its own: the window shows
        // line 1, line 2 and the cursor row
        assert_eq!((e.top, e.top_seg), (1, 0));
        e.jump(0, 24);
        e.scroll_to_cursor(3, 10);
        assert_eq!((e.top, e.top_seg), (0, 2));
        e.click(1, 3, 10);
        assert_eq!(e.cursor(), (1, 3));
        assert_eq!(wrapped_rows("abcd", 2, true), 3);
        assert_eq!(wrapped_rows("", 2, true), 1);
    }

    #[test]
    fn selection_then_typing_replaces_it() {
        let mut e = BodyEditor::from_text("abc");
        e.key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL), 10);
        e.key(key(KeyCode::Char('x')), 10);
        assert_eq!(e.to_bytes(), b"x");
    }
}
