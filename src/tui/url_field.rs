//! The URL field: a `TextInput` with endpoint completion from the catalog and the
//! operations `xsign import openapi` saved.

use super::widgets::text_input::{InputKey, TextInput};
use crate::catalog::{Catalog, Endpoint};
use crossterm::event::{KeyCode, KeyEvent};

pub const MAX_COMPLETIONS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub items: Vec<&'static Endpoint>,
    pub selected: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlField {
    /// The text, cursor and selection (a `{param}` after completion).
    pub input: TextInput,
    pub completion: Option<Completion>,
}

/// What a key did to the field.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlKey {
    Unused,
    Moved,
    Edited,
    Chose(&'static Endpoint),
}

impl UrlField {
    pub fn new(text: &str) -> Self {
        UrlField {
            input: TextInput::new(text),
            completion: None,
        }
    }

    pub fn text(&self) -> &str {
        self.input.text()
    }

    pub fn set(&mut self, text: &str) {
        *self = UrlField::new(text);
    }

    /// Pasted text: the first line only (a URL has no newline).
    pub fn paste(&mut self, s: &str) {
        self.input.paste(s);
    }

    /// Recomputes the completion list for the text typed so far.
    pub fn refresh_completion(&mut self) {
        let text = self.input.text();
        let items: Vec<&'static Endpoint> = Catalog::with_imported()
            .complete(text, None)
            .into_iter()
            .filter(|e| !e.websocket)
            .collect();
        let exact = items.len() == 1 && items[0].url_template() == text;
        self.completion =
            (!items.is_empty() && !exact).then_some(Completion { items, selected: 0 });
    }

    /// Replaces the text with the endpoint's path and selects its first `{param}`.
    pub fn choose(&mut self, e: &'static Endpoint) {
        let text = e.complete_path(self.input.text());
        self.set(&text);
        if let (Some(s), Some(end)) = (text.find('{'), text.find('}')) {
            let s_chars = text[..s].chars().count();
            let e_chars = text[..=end].chars().count();
            self.input.select(s_chars, e_chars);
        }
    }

    /// The editing keys are the `TextInput`'s; ↓ ↑ and Enter / Tab drive the completion.
    /// Typing opens the list; deleting (Backspace, Ctrl-W, …) only updates a list already
    /// open, so correcting a URL does not pop a list up over it.
    pub fn key(&mut self, key: KeyEvent) -> UrlKey {
        let len_before = self.input.text().len();
        match self.input.key(key) {
            InputKey::Edited => {
                if self.completion.is_some() || self.input.text().len() > len_before {
                    self.refresh_completion();
                }
                return UrlKey::Edited;
            }
            InputKey::Moved => return UrlKey::Moved,
            InputKey::Unused => {}
        }
        match key.code {
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
        self.input.scroll_to_cursor(width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

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
        assert_eq!(f.text(), "/company/{company_id}");
        for c in "abc".chars() {
            f.key(k(KeyCode::Char(c)));
        }
        assert_eq!(f.text(), "/company/abc");
    }

    #[test]
    fn editing_keys() {
        let mut f = typed("/a/bé");
        f.key(k(KeyCode::Backspace));
        assert_eq!(f.text(), "/a/b");
        f.key(k(KeyCode::Home));
        f.key(k(KeyCode::Delete));
        assert_eq!(f.text(), "a/b");
        f.key(k(KeyCode::End));
        f.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(f.text(), "a/");
        f.paste("/x\r\n/y");
        assert_eq!(f.text(), "a//x");
    }
}
