//! The URL field: one line of text with a cursor, and endpoint completion from the catalog.

use crate::catalog::{Catalog, Endpoint};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub const MAX_COMPLETIONS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub items: Vec<&'static Endpoint>,
    pub selected: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlField {
    pub text: String,
    /// Cursor as a char index.
    pub cursor: usize,
    /// A selected char range, replaced by typing (a `{param}` after completion).
    pub selection: Option<(usize, usize)>,
    pub completion: Option<Completion>,
    /// First visible char, kept by `update`.
    pub left: usize,
}

/// What a key did to the field.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlKey {
    Unused,
    Moved,
    Edited,
    Chose(&'static Endpoint),
}

fn byte_at(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

impl UrlField {
    pub fn new(text: &str) -> Self {
        UrlField {
            text: text.to_string(),
            cursor: text.chars().count(),
            ..Default::default()
        }
    }

    pub fn set(&mut self, text: &str) {
        *self = UrlField::new(text);
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

    pub fn insert(&mut self, s: &str) {
        self.delete_selection();
        let at = byte_at(&self.text, self.cursor);
        self.text.insert_str(at, s);
        self.cursor += s.chars().count();
    }

    /// Pasted text: the first line only (a URL has no newline).
    pub fn paste(&mut self, s: &str) {
        let line = s.split(['\r', '\n']).find(|l| !l.trim().is_empty());
        self.insert(line.unwrap_or("").trim());
    }

    /// Recomputes the completion list for the text typed so far.
    pub fn refresh_completion(&mut self) {
        let items: Vec<&'static Endpoint> = Catalog::builtin()
            .complete(&self.text, None)
            .into_iter()
            .filter(|e| !e.websocket)
            .collect();
        let exact = items.len() == 1 && items[0].url_template() == self.text;
        self.completion =
            (!items.is_empty() && !exact).then_some(Completion { items, selected: 0 });
    }

    /// Replaces the text with the endpoint's path and selects its first `{param}`.
    pub fn choose(&mut self, e: &'static Endpoint) {
        let text = e.complete_path(&self.text);
        self.set(&text);
        if let (Some(s), Some(end)) = (text.find('{'), text.find('}')) {
            let s_chars = text[..s].chars().count();
            let e_chars = text[..=end].chars().count();
            self.selection = Some((s_chars, e_chars));
            self.cursor = e_chars;
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> UrlKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.set("");
                self.refresh_completion();
                UrlKey::Edited
            }
            KeyCode::Char('w') if ctrl => {
                if !self.delete_selection() {
                    let before: Vec<char> = self.text.chars().take(self.cursor).collect();
                    let mut start = self.cursor;
                    while start > 0 && before[start - 1] == '/' {
                        start -= 1;
                    }
                    while start > 0 && before[start - 1] != '/' {
                        start -= 1;
                    }
                    self.selection = Some((start, self.cursor));
                    self.delete_selection();
                }
                self.refresh_completion();
                UrlKey::Edited
            }
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.insert(c.encode_utf8(&mut [0; 4]));
                self.refresh_completion();
                UrlKey::Edited
            }
            KeyCode::Backspace => {
                if !self.delete_selection() && self.cursor > 0 {
                    let at = byte_at(&self.text, self.cursor - 1);
                    self.text.remove(at);
                    self.cursor -= 1;
                }
                self.refresh_completion();
                UrlKey::Edited
            }
            KeyCode::Delete => {
                if !self.delete_selection() && self.cursor < len {
                    let at = byte_at(&self.text, self.cursor);
                    self.text.remove(at);
                }
                self.refresh_completion();
                UrlKey::Edited
            }
            KeyCode::Left => {
                self.selection = None;
                self.cursor = self.cursor.saturating_sub(1);
                UrlKey::Moved
            }
            KeyCode::Right => {
                self.selection = None;
                self.cursor = (self.cursor + 1).min(len);
                UrlKey::Moved
            }
            KeyCode::Home => {
                self.selection = None;
                self.cursor = 0;
                UrlKey::Moved
            }
            KeyCode::End => {
                self.selection = None;
                self.cursor = len;
                UrlKey::Moved
            }
            KeyCode::Down | KeyCode::Up => {
                match &mut self.completion {
                    None => self.refresh_completion(),
                    Some(c) => {
                        let n = c.items.len().min(MAX_COMPLETIONS);
                        c.selected = if key.code == KeyCode::Down {
                            (c.selected + 1) % n
                        } else {
                            (c.selected + n - 1) % n
                        };
                    }
                }
                UrlKey::Moved
            }
            KeyCode::Enter | KeyCode::Tab => match self.completion.take() {
                Some(c) => {
                    let e = c.items[c.selected];
                    self.choose(e);
                    UrlKey::Chose(e)
                }
                None => UrlKey::Unused,
            },
            _ => UrlKey::Unused,
        }
    }

    /// Keeps the cursor in a window `width` chars wide.
    pub fn scroll_to_cursor(&mut self, width: usize) {
        let width = width.max(1);
        if self.cursor < self.left {
            self.left = self.cursor;
        } else if self.cursor >= self.left + width {
            self.left = self.cursor + 1 - width;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(s: &str) -> UrlField {
        let mut f = UrlField::default();
        for c in s.chars() {
            f.key(k(KeyCode::Char(c)));
        }
        f
    }

    #[test]
    fn typing_offers_endpoints() {
        let f = typed("/comp");
        let c = f.completion.as_ref().expect("completion");
        assert!(c.items.iter().any(|e| e.path == "/company"));
    }

    #[test]
    fn choosing_selects_the_first_parameter() {
        let mut f = typed("/company/");
        let c = f.completion.as_mut().unwrap();
        let i = c
            .items
            .iter()
            .position(|e| e.path == "/company/{company_id}" && e.method == "GET")
            .unwrap();
        c.selected = i;
        let r = f.key(k(KeyCode::Enter));
        assert!(matches!(r, UrlKey::Chose(e) if e.path == "/company/{company_id}"));
        assert_eq!(f.text, "/company/{company_id}");
        for c in "abc".chars() {
            f.key(k(KeyCode::Char(c)));
        }
        assert_eq!(f.text, "/company/abc");
    }

    #[test]
    fn editing_keys() {
        let mut f = typed("/a/bé");
        f.key(k(KeyCode::Backspace));
        assert_eq!(f.text, "/a/b");
        f.key(k(KeyCode::Home));
        f.key(k(KeyCode::Delete));
        assert_eq!(f.text, "a/b");
        f.key(k(KeyCode::End));
        f.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(f.text, "a/");
        f.paste("/x\r\n/y");
        assert_eq!(f.text, "a//x");
    }
}
