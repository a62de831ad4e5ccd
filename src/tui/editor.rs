//! The body editor: the body as lines (split on `\n` only, so a CR stays in its line's text
//! and the bytes round-trip exactly), a cursor, a selection and undo. We draw it ourselves
//! (see `body.rs`) so invisible bytes get markers and only the visible window is rendered.
//!
//! Why not `ratatui-textarea`: it recomputes a screen map over the whole text, one Unicode
//! width lookup per character, on every edit. In a 1 MB body that alone took ~9 ms per
//! keystroke. Here an edit touches only the lines it changes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A position: line and byte offset within it (always on a char boundary).
type Pos = (usize, usize);

/// One change, enough to undo and redo it.
#[derive(Debug, Clone)]
enum Edit {
    Insert { at: Pos, text: String },
    Delete { at: Pos, text: String },
}

impl Edit {
    fn bytes(&self) -> usize {
        match self {
            Edit::Insert { text, .. } | Edit::Delete { text, .. } => text.len(),
        }
    }
}

/// Undo keeps at most this many changes, and at most this many bytes of them.
const MAX_UNDO: usize = 200;
const MAX_UNDO_BYTES: usize = 32 << 20;

pub struct BodyEditor {
    lines: Vec<String>,
    /// Per line: only printable ASCII, so a byte is a char is a cell. Kept up to date by
    /// the two primitive changes, so long lines are not rescanned on every frame.
    plain: Vec<bool>,
    cursor: Pos,
    /// The other end of the selection, when selecting.
    anchor: Option<Pos>,
    /// The display column Up/Down aim for.
    goal: Option<usize>,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
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
            .field("lines", &self.lines.len())
            .field("revision", &self.revision)
            .field("cursor", &self.cursor)
            .finish()
    }
}

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
    rows_for_width(display_width(line), width, cursor_at_end)
}

/// Screen rows for a line `dw` cells wide.
pub fn rows_for_width(dw: usize, width: usize, cursor_at_end: bool) -> usize {
    let width = width.max(1);
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

/// Char column of byte offset `b` in `line`.
fn char_col(line: &str, b: usize) -> usize {
    if line.is_ascii() {
        b
    } else {
        line[..b].chars().count()
    }
}

/// Byte offset of char column `col` in `line` (its end when past it).
fn byte_of(line: &str, col: usize) -> usize {
    if line.is_ascii() {
        col.min(line.len())
    } else {
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }
}

fn prev_boundary(line: &str, b: usize) -> usize {
    line[..b]
        .chars()
        .next_back()
        .map_or(0, |c| b - c.len_utf8())
}

fn next_boundary(line: &str, b: usize) -> usize {
    line[b..].chars().next().map_or(b, |c| b + c.len_utf8())
}

/// Only printable ASCII: one byte, one char, one cell.
pub fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| (b' '..=b'~').contains(&b))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl BodyEditor {
    pub fn from_text(text: &str) -> Self {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        BodyEditor {
            plain: lines.iter().map(|l| is_plain(l)).collect(),
            lines,
            cursor: (0, 0),
            anchor: None,
            goal: None,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            top: 0,
            top_seg: 0,
            left: 0,
            wrap: true,
        }
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Whether line `row` is only printable ASCII.
    pub fn is_plain_line(&self, row: usize) -> bool {
        self.plain.get(row).copied().unwrap_or(false)
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// (row, char column), 0-based.
    pub fn cursor(&self) -> (usize, usize) {
        let (r, b) = self.cursor;
        if self.plain[r] {
            return (r, b);
        }
        (r, char_col(&self.lines[r], b))
    }

    /// The selection as ((row, char col), (row, char col)), start first.
    pub fn selection(&self) -> Option<((usize, usize), (usize, usize))> {
        let (s, e) = self.selection_bytes()?;
        Some((
            (s.0, char_col(&self.lines[s.0], s.1)),
            (e.0, char_col(&self.lines[e.0], e.1)),
        ))
    }

    fn selection_bytes(&self) -> Option<(Pos, Pos)> {
        let a = self.anchor?;
        if a == self.cursor {
            return None;
        }
        Some(if a < self.cursor {
            (a, self.cursor)
        } else {
            (self.cursor, a)
        })
    }

    pub fn len_bytes(&self) -> usize {
        self.lines.iter().map(String::len).sum::<usize>() + self.lines.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.lines.len() == 1 && self.lines[0].is_empty()
    }

    /// The body exactly as it will be signed and sent.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len_bytes());
        for (i, line) in self.lines.iter().enumerate() {
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

    // --- the two primitive changes; everything else is built on them -------------------

    /// Inserts `text` at `at`; returns where it ends.
    fn raw_insert(&mut self, at: Pos, text: &str) -> Pos {
        let (r, b) = at;
        let mut pieces = text.split('\n');
        let first = pieces.next().unwrap_or("");
        let rest: Vec<&str> = pieces.collect();
        let was_plain = self.plain[r];
        if rest.is_empty() {
            self.lines[r].insert_str(b, first);
            self.plain[r] = was_plain && is_plain(first);
            return (r, b + first.len());
        }
        let tail = self.lines[r].split_off(b);
        self.lines[r].push_str(first);
        self.plain[r] = if was_plain {
            is_plain(first)
        } else {
            is_plain(&self.lines[r])
        };
        let last = rest.len() - 1;
        let end = (r + rest.len(), rest[last].len());
        let tail_plain = was_plain || is_plain(&tail);
        let mut new_lines: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
        let mut new_plain: Vec<bool> = rest.iter().map(|s| is_plain(s)).collect();
        new_lines[last].push_str(&tail);
        new_plain[last] = new_plain[last] && tail_plain;
        self.lines.splice(r + 1..r + 1, new_lines);
        self.plain.splice(r + 1..r + 1, new_plain);
        end
    }

    /// Deletes `start..end`; returns the text removed.
    fn raw_delete(&mut self, start: Pos, end: Pos) -> String {
        if start.0 == end.0 {
            let removed: String = self.lines[start.0].drain(start.1..end.1).collect();
            if !self.plain[start.0] {
                self.plain[start.0] = is_plain(&self.lines[start.0]);
            }
            return removed;
        }
        let all_plain = self.plain[start.0] && self.plain[end.0];
        let mut removed = self.lines[start.0].split_off(start.1);
        for line in self.lines.drain(start.0 + 1..end.0) {
            removed.push('\n');
            removed.push_str(&line);
        }
        self.plain.drain(start.0 + 1..end.0);
        // `end` is now the line right after `start`
        let last = self.lines.remove(start.0 + 1);
        self.plain.remove(start.0 + 1);
        removed.push('\n');
        removed.push_str(&last[..end.1]);
        self.lines[start.0].push_str(&last[end.1..]);
        self.plain[start.0] = all_plain || is_plain(&self.lines[start.0]);
        removed
    }

    /// Where `text` inserted at `at` ends.
    fn end_of(at: Pos, text: &str) -> Pos {
        match text.rfind('\n') {
            None => (at.0, at.1 + text.len()),
            Some(i) => (at.0 + text.matches('\n').count(), text.len() - i - 1),
        }
    }

    fn record(&mut self, edit: Edit) {
        self.redo.clear();
        self.revision += 1;
        // Typing merges into one undo step until a newline or a jump.
        if let (Some(Edit::Insert { at, text }), Edit::Insert { at: at2, text: t2 }) =
            (self.undo.last_mut(), &edit)
            && Self::end_of(*at, text) == *at2
            && !t2.contains('\n')
            && !text.ends_with('\n')
            && text.len() < 4096
        {
            text.push_str(t2);
            return;
        }
        self.undo.push(edit);
        let mut bytes: usize = self.undo.iter().map(Edit::bytes).sum();
        while self.undo.len() > MAX_UNDO || (bytes > MAX_UNDO_BYTES && self.undo.len() > 1) {
            bytes -= self.undo.remove(0).bytes();
        }
    }

    fn insert(&mut self, text: &str) {
        self.delete_selection();
        if text.is_empty() {
            return;
        }
        let at = self.cursor;
        self.cursor = self.raw_insert(at, text);
        self.goal = None;
        self.record(Edit::Insert {
            at,
            text: text.to_string(),
        });
    }

    fn delete(&mut self, start: Pos, end: Pos) -> bool {
        if start == end {
            return false;
        }
        let text = self.raw_delete(start, end);
        self.cursor = start;
        self.goal = None;
        self.record(Edit::Delete { at: start, text });
        true
    }

    fn delete_selection(&mut self) -> bool {
        let sel = self.selection_bytes();
        self.anchor = None;
        match sel {
            Some((s, e)) => self.delete(s, e),
            None => false,
        }
    }

    pub fn undo(&mut self) -> bool {
        let Some(edit) = self.undo.pop() else {
            return false;
        };
        match &edit {
            Edit::Insert { at, text } => {
                self.raw_delete(*at, Self::end_of(*at, text));
                self.cursor = *at;
            }
            Edit::Delete { at, text } => {
                self.cursor = self.raw_insert(*at, text);
            }
        }
        self.redo.push(edit);
        self.anchor = None;
        self.revision += 1;
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(edit) = self.redo.pop() else {
            return false;
        };
        match &edit {
            Edit::Insert { at, text } => self.cursor = self.raw_insert(*at, text),
            Edit::Delete { at, text } => {
                self.raw_delete(*at, Self::end_of(*at, text));
                self.cursor = *at;
            }
        }
        self.undo.push(edit);
        self.anchor = None;
        self.revision += 1;
        true
    }

    // --- whole-body changes ------------------------------------------------------------

    /// Replaces the whole body (one undo step), cursor at the top.
    pub fn set_text(&mut self, text: &str) {
        if text == self.to_text() {
            return;
        }
        self.anchor = None;
        let end = (
            self.lines.len() - 1,
            self.lines.last().map_or(0, String::len),
        );
        self.delete((0, 0), end);
        self.cursor = (0, 0);
        self.insert(text);
        self.cursor = (0, 0);
        self.top = 0;
        self.top_seg = 0;
        self.left = 0;
    }

    /// Inserts pasted text at the cursor, byte for byte (after `normalize_paste`).
    pub fn paste(&mut self, text: &str) {
        let text = normalize_paste(text);
        self.insert(&text);
    }

    /// Moves the cursor to (row, char column), clamped to the text.
    pub fn jump(&mut self, row: usize, col: usize) {
        let r = row.min(self.lines.len() - 1);
        self.cursor = (r, byte_of(&self.lines[r], col));
        self.goal = None;
    }

    // --- movement -----------------------------------------------------------------------

    fn left_of(&self, (r, b): Pos) -> Pos {
        if b > 0 {
            (r, prev_boundary(&self.lines[r], b))
        } else if r > 0 {
            (r - 1, self.lines[r - 1].len())
        } else {
            (r, b)
        }
    }

    fn right_of(&self, (r, b): Pos) -> Pos {
        if b < self.lines[r].len() {
            (r, next_boundary(&self.lines[r], b))
        } else if r + 1 < self.lines.len() {
            (r + 1, 0)
        } else {
            (r, b)
        }
    }

    fn word_left(&self, (r, b): Pos) -> Pos {
        if b == 0 {
            return self.left_of((r, b));
        }
        let line = &self.lines[r];
        let mut i = b;
        let mut chars = line[..b].char_indices().rev().peekable();
        while let Some(&(j, c)) = chars.peek() {
            if is_word(c) {
                break;
            }
            i = j;
            chars.next();
        }
        while let Some(&(j, c)) = chars.peek() {
            if !is_word(c) {
                break;
            }
            i = j;
            chars.next();
        }
        (r, i)
    }

    fn word_right(&self, (r, b): Pos) -> Pos {
        let line = &self.lines[r];
        if b == line.len() {
            return self.right_of((r, b));
        }
        let mut i = b;
        let mut chars = line[b..].char_indices().map(|(j, c)| (b + j, c)).peekable();
        // Past the gap, then to the end of the next word.
        while let Some(&(_, c)) = chars.peek() {
            if is_word(c) {
                break;
            }
            chars.next();
        }
        while let Some(&(_, c)) = chars.peek() {
            if !is_word(c) {
                break;
            }
            chars.next();
        }
        if let Some(&(j, _)) = chars.peek() {
            i = j;
        } else {
            i = i.max(line.len());
        }
        (r, i)
    }

    fn vertical(&mut self, rows: isize) -> Pos {
        let (r, b) = self.cursor;
        let goal = *self
            .goal
            .get_or_insert_with(|| display_col(&self.lines[r], char_col(&self.lines[r], b)));
        let nr = r.saturating_add_signed(rows).min(self.lines.len() - 1);
        let line = &self.lines[nr];
        (nr, byte_of(line, char_at_col(line, goal)))
    }

    fn paragraph(&self, down: bool) -> Pos {
        let (mut r, _) = self.cursor;
        let blank = |r: usize| self.lines[r].trim().is_empty();
        if down {
            while r + 1 < self.lines.len() && blank(r) {
                r += 1;
            }
            while r + 1 < self.lines.len() && !blank(r) {
                r += 1;
            }
        } else {
            while r > 0 && blank(r) {
                r -= 1;
            }
            while r > 0 && !blank(r) {
                r -= 1;
            }
        }
        (r, 0)
    }

    fn move_to(&mut self, to: Pos, select: bool, keep_goal: bool) {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else {
            self.anchor = None;
        }
        self.cursor = to;
        if !keep_goal {
            self.goal = None;
        }
    }

    /// Handles a key while the body is being edited. Returns whether the key was used.
    pub fn key(&mut self, key: KeyEvent, page: usize) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let (r, b) = self.cursor;
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => self.insert(c.encode_utf8(&mut [0; 4])),
            KeyCode::Char('z') if ctrl => {
                self.undo();
            }
            KeyCode::Char('y') if ctrl => {
                self.redo();
            }
            KeyCode::Char('a') if ctrl => {
                let end = (
                    self.lines.len() - 1,
                    self.lines.last().map_or(0, String::len),
                );
                self.anchor = Some((0, 0));
                self.cursor = end;
            }
            KeyCode::Char('w') if ctrl => self.delete_word_back(),
            KeyCode::Char('k') if ctrl => {
                if !self.delete_selection() {
                    let end = if b == self.lines[r].len() {
                        self.right_of((r, b))
                    } else {
                        (r, self.lines[r].len())
                    };
                    self.delete((r, b), end);
                }
            }
            KeyCode::Enter => self.insert("\n"),
            KeyCode::Tab => self.insert("\t"),
            KeyCode::Backspace if ctrl || alt => self.delete_word_back(),
            KeyCode::Backspace => {
                if !self.delete_selection() {
                    let from = self.left_of((r, b));
                    self.delete(from, (r, b));
                }
            }
            KeyCode::Delete => {
                if !self.delete_selection() {
                    let to = self.right_of((r, b));
                    self.delete((r, b), to);
                }
            }
            KeyCode::Left => {
                let to = match (ctrl, self.selection_bytes()) {
                    (false, Some((s, _))) if !shift => s,
                    (true, _) => self.word_left((r, b)),
                    _ => self.left_of((r, b)),
                };
                self.move_to(to, shift, false);
            }
            KeyCode::Right => {
                let to = match (ctrl, self.selection_bytes()) {
                    (false, Some((_, e))) if !shift => e,
                    (true, _) => self.word_right((r, b)),
                    _ => self.right_of((r, b)),
                };
                self.move_to(to, shift, false);
            }
            KeyCode::Up if ctrl => {
                let to = self.paragraph(false);
                self.move_to(to, shift, false);
            }
            KeyCode::Down if ctrl => {
                let to = self.paragraph(true);
                self.move_to(to, shift, false);
            }
            KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
                let rows = match key.code {
                    KeyCode::Up => -1,
                    KeyCode::Down => 1,
                    KeyCode::PageUp => -(page.max(1) as isize),
                    _ => page.max(1) as isize,
                };
                let to = self.vertical(rows);
                self.move_to(to, shift, true);
            }
            KeyCode::Home => {
                let to = if ctrl { (0, 0) } else { (r, 0) };
                self.move_to(to, shift, false);
            }
            KeyCode::End => {
                let to = if ctrl {
                    (
                        self.lines.len() - 1,
                        self.lines.last().map_or(0, String::len),
                    )
                } else {
                    (r, self.lines[r].len())
                };
                self.move_to(to, shift, false);
            }
            _ => return false,
        }
        true
    }

    fn delete_word_back(&mut self) {
        if !self.delete_selection() {
            let from = self.word_left(self.cursor);
            self.delete(from, self.cursor);
        }
    }

    // --- the view -----------------------------------------------------------------------

    /// Keeps the cursor inside a `height` × `width` window.
    pub fn scroll_to_cursor(&mut self, height: usize, width: usize) {
        let (row, col) = self.cursor();
        let height = height.max(1);
        let width = width.max(1);
        let lines = &self.lines;
        let dcol = if self.plain[row] {
            col
        } else {
            display_col(&lines[row], col)
        };
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
                seg = self.rows_of(t, width, false) - 1;
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

    /// Screen rows line `row` takes when wrapped at `width`.
    pub fn rows_of(&self, row: usize, width: usize, cursor_at_end: bool) -> usize {
        if self.plain[row] {
            rows_for_width(self.lines[row].len(), width, cursor_at_end)
        } else {
            wrapped_rows(&self.lines[row], width, cursor_at_end)
        }
    }

    /// Mouse click at a row/display column of a window `width` wide.
    pub fn click(&mut self, row_in_view: usize, col_in_view: usize, width: usize) {
        let lines = &self.lines;
        let (row, dcol) = if self.wrap {
            let width = width.max(1);
            let (mut r, mut seg, mut left) = (self.top, self.top_seg, row_in_view);
            loop {
                let rows = self.rows_of(r, width, false);
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
        self.anchor = None;
        self.jump(row, col);
    }

    /// Scrolls the view by `rows` without moving the text (mouse wheel).
    pub fn scroll_lines(&mut self, rows: isize) {
        let max = self.lines.len().saturating_sub(1);
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
    fn undo_redo_across_lines_and_merged_typing() {
        let mut e = BodyEditor::from_text("ab");
        e.jump(0, 1);
        for c in "xyz".chars() {
            e.key(key(KeyCode::Char(c)), 10);
        }
        e.key(key(KeyCode::Enter), 10);
        assert_eq!(e.to_text(), "axyz\nb");
        e.undo();
        assert_eq!(e.to_text(), "axyzb");
        e.undo();
        assert_eq!(e.to_text(), "ab", "typing undoes as one step");
        e.redo();
        e.redo();
        assert_eq!(e.to_text(), "axyz\nb");
        // deleting a line break and undoing it
        e.jump(1, 0);
        e.key(key(KeyCode::Backspace), 10);
        assert_eq!(e.to_text(), "axyzb");
        e.undo();
        assert_eq!(e.to_text(), "axyz\nb");
    }

    #[test]
    fn movement_words_lines_and_selection_delete() {
        let mut e = BodyEditor::from_text("{\"name\": \"ACME Corp\"}\nsecond");
        e.key(KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL), 10);
        assert_eq!(e.cursor(), (0, 6));
        e.key(key(KeyCode::End), 10);
        e.key(key(KeyCode::Down), 10);
        assert_eq!(e.cursor(), (1, 6));
        e.key(KeyEvent::new(KeyCode::Home, KeyModifiers::SHIFT), 10);
        e.key(key(KeyCode::Delete), 10);
        assert_eq!(e.to_text(), "{\"name\": \"ACME Corp\"}\n");
        e.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL), 10);
        assert_eq!(e.to_text(), "{\"name\": \"ACME Corp\"}");
    }

    #[test]
    fn cr_in_a_line_survives_edits_around_it() {
        let mut e = BodyEditor::from_text("a\r\nb");
        e.jump(0, 2);
        e.key(key(KeyCode::Backspace), 10);
        assert_eq!(e.to_bytes(), b"a\nb");
        e.undo();
        assert_eq!(e.to_bytes(), b"a\r\nb");
    }

    #[test]
    fn plain_flags_follow_edits() {
        let mut e = BodyEditor::from_text("ab\ncd");
        assert!(e.is_plain_line(0) && e.is_plain_line(1));
        e.jump(0, 1);
        e.paste("\t");
        assert!(!e.is_plain_line(0));
        e.key(key(KeyCode::Backspace), 10);
        assert!(e.is_plain_line(0));
        e.paste("é\nx");
        assert!(!e.is_plain_line(0) && e.is_plain_line(1));
        e.jump(1, 0);
        e.key(key(KeyCode::Backspace), 10);
        assert_eq!(e.to_text(), "aéxb\ncd");
        assert!(!e.is_plain_line(0));
        e.undo();
        e.undo();
        assert_eq!(e.to_text(), "ab\ncd");
        assert!(
            e.lines()
                .iter()
                .enumerate()
                .all(|(i, l)| e.is_plain_line(i) == is_plain(l))
        );
    }

    #[test]
    fn selection_then_typing_replaces_it() {
        let mut e = BodyEditor::from_text("abc");
        e.key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL), 10);
        e.key(key(KeyCode::Char('x')), 10);
        assert_eq!(e.to_bytes(), b"x");
    }
}
