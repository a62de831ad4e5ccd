//! The editor's keys while the body is being edited.

use super::BodyEditor;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl BodyEditor {
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
}

#[cfg(test)]
mod tests {
    use super::super::BodyEditor;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    fn selection_then_typing_replaces_it() {
        let mut e = BodyEditor::from_text("abc");
        e.key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL), 10);
        e.key(key(KeyCode::Char('x')), 10);
        assert_eq!(e.to_bytes(), b"x");
    }
}
