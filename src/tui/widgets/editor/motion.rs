//! Cursor movement: by character, word, line and paragraph, and the selection's anchor.

use super::view::{char_at_col, display_col};
use super::{BodyEditor, Pos, byte_of, char_col, next_boundary, prev_boundary};

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl BodyEditor {
    pub(super) fn left_of(&self, (r, b): Pos) -> Pos {
        if b > 0 {
            (r, prev_boundary(&self.lines[r], b))
        } else if r > 0 {
            (r - 1, self.lines[r - 1].len())
        } else {
            (r, b)
        }
    }

    pub(super) fn right_of(&self, (r, b): Pos) -> Pos {
        if b < self.lines[r].len() {
            (r, next_boundary(&self.lines[r], b))
        } else if r + 1 < self.lines.len() {
            (r + 1, 0)
        } else {
            (r, b)
        }
    }

    pub(super) fn word_left(&self, (r, b): Pos) -> Pos {
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

    pub(super) fn word_right(&self, (r, b): Pos) -> Pos {
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

    pub(super) fn vertical(&mut self, rows: isize) -> Pos {
        let (r, b) = self.cursor;
        let goal = *self
            .goal
            .get_or_insert_with(|| display_col(&self.lines[r], char_col(&self.lines[r], b)));
        let nr = r.saturating_add_signed(rows).min(self.lines.len() - 1);
        let line = &self.lines[nr];
        (nr, byte_of(line, char_at_col(line, goal)))
    }

    pub(super) fn paragraph(&self, down: bool) -> Pos {
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

    pub(super) fn move_to(&mut self, to: Pos, select: bool, keep_goal: bool) {
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
}

#[cfg(test)]
mod tests {
    use super::super::BodyEditor;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
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
}
