//! The response pane's keys: scroll, tabs, copy, and the search field.

use super::{Page, ResponsePane, ResponseTab};
use crate::tui::app::Level;
use crate::tui::widgets::text_input::InputKey;
use crossterm::event::{KeyCode, KeyEvent};

/// What a key in the response pane asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKey {
    /// Handled here (or not a key of the pane).
    Done,
    /// Copy the response body.
    Copy(String),
    Notice(Level, String),
}

impl ResponsePane {
    /// A key while the pane has focus and the search is not being typed; `page` is the
    /// window on the pane's text.
    pub fn key(&mut self, key: KeyEvent, page: Page) -> ResponseKey {
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.scroll_by(1, page),
            KeyCode::Up | KeyCode::Char('k') => self.scroll_by(-1, page),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll_by(page.rows as isize, page),
            KeyCode::PageUp => self.scroll_by(-(page.rows as isize), page),
            KeyCode::Home | KeyCode::Char('g') => self.scroll = 0,
            KeyCode::End | KeyCode::Char('G') => self.scroll_to(usize::MAX, page),
            KeyCode::Char('/') => {
                self.tab = ResponseTab::Body;
                self.search.editing = true;
                self.search.query.clear();
            }
            KeyCode::Char('n') => self.next_match(true, page),
            KeyCode::Char('N') => self.next_match(false, page),
            KeyCode::Char('b') => {
                self.tab = ResponseTab::Body;
                self.scroll = 0;
            }
            KeyCode::Char('h') => {
                self.tab = ResponseTab::Headers;
                self.scroll = 0;
            }
            KeyCode::Char('i') => {
                if self.view().is_some_and(|v| v.inspector.is_some()) {
                    self.tab = ResponseTab::Inspector;
                    self.scroll = 0;
                } else {
                    return ResponseKey::Notice(
                        Level::Info,
                        "the inspector opens on a 1020 errPartnerAuth".into(),
                    );
                }
            }
            KeyCode::Char('c') | KeyCode::Char('y') => {
                return match self.view() {
                    Some(v) => ResponseKey::Copy(String::from_utf8_lossy(&v.body).into_owned()),
                    None => ResponseKey::Notice(Level::Warn, "no response to copy yet".into()),
                };
            }
            _ => {}
        }
        ResponseKey::Done
    }

    /// A key while the search query is being typed: Enter searches, Esc cancels, the rest
    /// edits the query (the `TextInput` keys).
    pub fn search_key(&mut self, key: KeyEvent, page: Page) -> ResponseKey {
        match key.code {
            KeyCode::Esc => {
                let s = &mut self.search;
                s.editing = false;
                s.query.clear();
                s.matches.clear();
            }
            KeyCode::Enter => {
                self.search.editing = false;
                self.run_search();
                let n = self.search.matches.len();
                if n == 0 {
                    let q = self.search.query.text();
                    return ResponseKey::Notice(Level::Warn, format!("no match for “{q}”"));
                }
                self.show_current_match(page);
                return ResponseKey::Notice(
                    Level::Info,
                    format!("{n} matching lines: n next, N previous"),
                );
            }
            _ => {
                if self.search.query.key(key) == InputKey::Unused {
                    return ResponseKey::Done;
                }
            }
        }
        ResponseKey::Done
    }
}
