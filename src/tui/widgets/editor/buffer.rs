//! The text's changes: two primitives (insert, delete) that keep the per-line plain flags,
//! undo and redo on top of them, and whole-body replacement and paste.

use super::{BodyEditor, Pos, byte_of, is_plain};

/// One change, enough to undo and redo it.
#[derive(Debug, Clone)]
pub(super) enum Edit {
    Insert {
        at: Pos,
        text: String,
    },
    Delete {
        at: Pos,
        text: String,
    },
    /// The whole text replaced (a fix, an example, a reformat): one step to undo.
    Replace {
        old: String,
        new: String,
    },
}

impl Edit {
    fn bytes(&self) -> usize {
        match self {
            Edit::Insert { text, .. } | Edit::Delete { text, .. } => text.len(),
            Edit::Replace { old, new } => old.len() + new.len(),
        }
    }
}

/// Undo keeps at most this many changes, and at most this many bytes of them.
const MAX_UNDO: usize = 200;
const MAX_UNDO_BYTES: usize = 32 << 20;

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
    // --- the two primitive changes; everything else is built on them -------------------

    /// Inserts `text` at `at`; returns where it ends.
    pub(super) fn raw_insert(&mut self, at: Pos, text: &str) -> Pos {
        let (r, b) = at;
        let mut pieces = text.split('\n');
        let first = pieces.next().unwrap_or("");
        let rest: Vec<&str> = pieces.collect();
        let was_plain = self.plain[r];
        if rest.is_empty() {
            self.memo.line_changed(r, b);
            self.lines[r].insert_str(b, first);
            self.plain[r] = was_plain && is_plain(first);
            return (r, b + first.len());
        }
        self.memo.lines_changed(r, b);
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
    pub(super) fn raw_delete(&mut self, start: Pos, end: Pos) -> String {
        if start.0 == end.0 {
            self.memo.line_changed(start.0, start.1);
            let removed: String = self.lines[start.0].drain(start.1..end.1).collect();
            if !self.plain[start.0] {
                self.plain[start.0] = is_plain(&self.lines[start.0]);
            }
            return removed;
        }
        self.memo.lines_changed(start.0, start.1);
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
    pub(super) fn end_of(at: Pos, text: &str) -> Pos {
        match text.rfind('\n') {
            None => (at.0, at.1 + text.len()),
            Some(i) => (at.0 + text.matches('\n').count(), text.len() - i - 1),
        }
    }

    pub(super) fn record(&mut self, edit: Edit) {
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

    pub(super) fn insert(&mut self, text: &str) {
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

    pub(super) fn delete(&mut self, start: Pos, end: Pos) -> bool {
        if start == end {
            return false;
        }
        let text = self.raw_delete(start, end);
        self.cursor = start;
        self.goal = None;
        self.record(Edit::Delete { at: start, text });
        true
    }

    pub(super) fn delete_selection(&mut self) -> bool {
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
            Edit::Replace { old, new } => self.raw_replace(new, old),
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
            Edit::Replace { old, new } => self.raw_replace(old, new),
        }
        self.undo.push(edit);
        self.anchor = None;
        self.revision += 1;
        true
    }

    // --- whole-body changes ------------------------------------------------------------

    /// Replaces the whole body (one undo step), cursor at the top.
    pub fn set_text(&mut self, text: &str) {
        let old = self.to_text();
        if text == old {
            return;
        }
        self.anchor = None;
        self.raw_replace(&old, text);
        self.goal = None;
        self.record(Edit::Replace {
            old,
            new: text.to_string(),
        });
        self.top = 0;
        self.top_seg = 0;
        self.left = 0;
    }

    /// The whole text `from` becomes `to`, unrecorded; the cursor goes to the top.
    fn raw_replace(&mut self, from: &str, to: &str) {
        self.raw_delete((0, 0), Self::end_of((0, 0), from));
        self.raw_insert((0, 0), to);
        self.cursor = (0, 0);
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
}

#[cfg(test)]
mod tests {
    use super::super::{BodyEditor, is_plain};
    use super::normalize_paste;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
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
}
