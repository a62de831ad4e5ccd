//! One single-line text input, used by every one-line field (URL, sidebar prompt and filter,
//! response search, onboarding fields, feed client ID): its text and cursor, the same editing
//! keys everywhere, paste, and how it draws.

use crate::tui::theme;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Cursor as a char index.
    cursor: usize,
    /// A selected char range, replaced by typing (a `{param}` after URL completion).
    selection: Option<(usize, usize)>,
    /// First visible char when drawn in a window narrower than the text.
    pub left: usize,
}

/// What a key did to the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKey {
    /// Not an editing key: the caller handles it (Enter, Esc, Tab, Up/Down, ...).
    Unused,
    /// The cursor moved; the text is the same.
    Moved,
    Edited,
}

/// `text` with each control character as its marker (ratatui would drop it from a span, and
/// what is signed must show every character).
use crate::tui::markers::shown;

fn byte_at(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// What Ctrl-W stops at: a space or a `/` (a word of a name, a segment of a path).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '/'
}

impl TextInput {
    /// The text, cursor at its end.
    pub fn new(text: &str) -> Self {
        TextInput {
            text: text.to_string(),
            cursor: text.chars().count(),
            ..Default::default()
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn selection(&self) -> Option<(usize, usize)> {
        self.selection
    }

    /// Selects chars `start..end` and puts the cursor at `end`.
    pub fn select(&mut self, start: usize, end: usize) {
        let len = self.text.chars().count();
        let (s, e) = (start.min(len), end.min(len));
        self.selection = (s < e).then_some((s, e));
        self.cursor = e;
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set(&mut self, text: &str) {
        *self = TextInput::new(text);
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    /// Takes the text out, leaving the input empty.
    pub fn take(&mut self) -> String {
        std::mem::take(self).text
    }

    fn delete_selection(&mut self) -> bool {
        let Some((s, e)) = self.selection.take() else {
            return false;
        };
        let (bs, be) = (byte_at(&self.text, s), byte_at(&self.text, e));
        self.text.replace_range(bs..be, "");
        self.cursor = s;
        true
    }

    /// Inserts `s` at the cursor (over the selection, if any).
    pub fn insert(&mut self, s: &str) {
        self.delete_selection();
        let at = byte_at(&self.text, self.cursor);
        self.text.insert_str(at, s);
        self.cursor += s.chars().count();
    }

    /// Pasted text: its first non-blank line, trimmed (a one-line field has no newline).
    pub fn paste(&mut self, s: &str) {
        let line = s.split(['\r', '\n']).find(|l| !l.trim().is_empty());
        self.insert(line.unwrap_or("").trim());
    }

    /// The editing keys, the same in every field: characters, Backspace, Delete, Left,
    /// Right, Home, End, Ctrl-U (clear), Ctrl-W (delete the word or path segment before
    /// the cursor), Ctrl-A / Ctrl-E (start / end).
    pub fn key(&mut self, key: KeyEvent) -> InputKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.clear();
                InputKey::Edited
            }
            KeyCode::Char('w') if ctrl => {
                if !self.delete_selection() {
                    let before: Vec<char> = self.text.chars().take(self.cursor).collect();
                    let mut start = self.cursor;
                    while start > 0 && is_separator(before[start - 1]) {
                        start -= 1;
                    }
                    while start > 0 && !is_separator(before[start - 1]) {
                        start -= 1;
                    }
                    self.selection = Some((start, self.cursor));
                    self.delete_selection();
                }
                InputKey::Edited
            }
            KeyCode::Char('a') if ctrl => self.move_to(0),
            KeyCode::Char('e') if ctrl => self.move_to(len),
            KeyCode::Char(c) if !ctrl && !alt => {
                self.insert(c.encode_utf8(&mut [0; 4]));
                InputKey::Edited
            }
            KeyCode::Backspace => {
                if !self.delete_selection() && self.cursor > 0 {
                    let at = byte_at(&self.text, self.cursor - 1);
                    self.text.remove(at);
                    self.cursor -= 1;
                }
                InputKey::Edited
            }
            KeyCode::Delete => {
                if !self.delete_selection() && self.cursor < len {
                    let at = byte_at(&self.text, self.cursor);
                    self.text.remove(at);
                }
                InputKey::Edited
            }
            KeyCode::Left => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Right => self.move_to((self.cursor + 1).min(len)),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(len),
            _ => InputKey::Unused,
        }
    }

    fn move_to(&mut self, to: usize) -> InputKey {
        self.selection = None;
        self.cursor = to;
        InputKey::Moved
    }

    /// Keeps the cursor in a window `width` chars wide (called by `update`, not by draw).
    pub fn scroll_to_cursor(&mut self, width: usize) {
        let width = width.max(1);
        if self.cursor < self.left {
            self.left = self.cursor;
        } else if self.cursor >= self.left + width {
            self.left = self.cursor + 1 - width;
        }
    }

    /// Draws the text from char `left` into one row of `area`, the selection highlighted
    /// and, when `focused`, the cursor. Returns the column after the text.
    pub fn render(&self, area: Rect, buf: &mut Buffer, focused: bool) -> u16 {
        let end = area.x + area.width;
        let mut x = area.x;
        for (i, c) in self.text.chars().enumerate().skip(self.left) {
            // A pasted tab or CR is part of what is signed: it is drawn as its marker, as in
            // the body, and never handed to the terminal raw.
            let (c, mut style) = match crate::tui::body::marker(c) {
                Some(m) => (m, theme::marker()),
                None => (c, Style::new()),
            };
            let w = c.width().unwrap_or(0).max(1) as u16;
            if x + w > end {
                break;
            }
            if self.selection.is_some_and(|(s, e)| i >= s && i < e) {
                style = theme::selection();
            }
            if focused && i == self.cursor {
                style = theme::cursor();
            }
            buf[(x, area.y)].set_char(c).set_style(style);
            x += w;
        }
        if focused && self.cursor >= self.text.chars().count() && x < end {
            buf[(x, area.y)].set_char(' ').set_style(theme::cursor());
        }
        x
    }

    /// The text as spans for a line of other spans, with the cursor when `focused`.
    pub fn spans(&self, focused: bool) -> Vec<Span<'static>> {
        if !focused {
            return vec![Span::raw(shown(&self.text))];
        }
        let at = byte_at(&self.text, self.cursor);
        let (before, rest) = self.text.split_at(at);
        let mut chars = rest.chars();
        let under = chars.next();
        let mut out = vec![Span::raw(shown(before))];
        match under {
            Some(c) => {
                out.push(Span::styled(
                    shown(c.encode_utf8(&mut [0; 4])),
                    theme::cursor(),
                ));
                out.push(Span::raw(shown(chars.as_str())));
            }
            None => out.push(Span::styled(" ", theme::cursor())),
        }
        out
    }

    /// Like `spans`, each char drawn as `mask` (a secret being typed).
    pub fn masked_spans(&self, mask: char, focused: bool) -> Vec<Span<'static>> {
        let masked = TextInput {
            text: std::iter::repeat_n(mask, self.text.chars().count()).collect(),
            cursor: self.cursor,
            selection: None,
            left: 0,
        };
        masked.spans(focused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(s: &str) -> TextInput {
        let mut t = TextInput::default();
        for c in s.chars() {
            assert_eq!(t.key(k(KeyCode::Char(c))), InputKey::Edited);
        }
        t
    }

    #[test]
    fn editing_keys_move_and_delete_by_char() {
        let mut t = typed("abé");
        t.key(k(KeyCode::Left));
        t.key(k(KeyCode::Backspace));
        assert_eq!((t.text(), t.cursor()), ("aé", 1));
        t.key(k(KeyCode::Home));
        t.key(k(KeyCode::Delete));
        assert_eq!(t.text(), "é");
        t.key(k(KeyCode::End));
        t.key(k(KeyCode::Char('x')));
        assert_eq!(t.text(), "éx");
        t.key(k(KeyCode::Right));
        assert_eq!(t.cursor(), 2, "Right stops at the end");
        assert_eq!(t.key(k(KeyCode::Enter)), InputKey::Unused);
        assert_eq!(t.key(ctrl('c')), InputKey::Unused);
    }

    #[test]
    fn ctrl_w_deletes_a_word_or_segment_and_ctrl_u_clears() {
        let mut t = typed("demo/create ACME");
        t.key(ctrl('w'));
        assert_eq!(t.text(), "demo/create ");
        t.key(ctrl('w'));
        assert_eq!(t.text(), "demo/");
        t.key(ctrl('w'));
        assert_eq!(t.text(), "");
        let mut t = typed("/company/abc");
        t.key(ctrl('w'));
        assert_eq!(t.text(), "/company/");
        t.key(ctrl('u'));
        assert!(t.is_empty());
    }

    #[test]
    fn typing_replaces_a_selection_and_paste_takes_one_line() {
        let mut t = TextInput::new("/company/{id}");
        t.select(9, 13);
        t.key(k(KeyCode::Char('7')));
        assert_eq!(t.text(), "/company/7");
        t.paste("\r\n  /x  \r\n/y");
        assert_eq!(t.text(), "/company/7/x");
    }

    #[test]
    fn spans_show_the_cursor_where_it_is() {
        let mut t = TextInput::new("ab");
        let text = |s: &[Span]| s.iter().map(|s| s.content.to_string()).collect::<Vec<_>>();
        assert_eq!(text(&t.spans(true)), ["ab", " "]);
        t.key(k(KeyCode::Left));
        assert_eq!(text(&t.spans(true)), ["a", "b", ""]);
        assert_eq!(text(&t.spans(false)), ["ab"]);
        assert_eq!(text(&t.masked_spans('•', true)), ["•", "•", ""]);
    }

    #[test]
    fn a_pasted_tab_or_cr_is_drawn_as_its_marker_not_raw() {
        let mut t = TextInput::new("");
        t.insert("a\tb\r");
        let text = |s: &[Span]| s.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(&t.spans(false)), "a→b␍");
        let area = Rect::new(0, 0, 10, 1);
        let mut buf = Buffer::empty(area);
        t.render(area, &mut buf, true);
        let row: String = (0..4).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(row, "a→b␍");
    }
}
