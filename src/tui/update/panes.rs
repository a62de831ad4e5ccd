//! The keys of the body, signature and response panes when not typing, and the response
//! search field.

use crate::tui::app::{App, Effect, Level};
use crate::tui::json;
use crate::tui::response::ResponseKey;
use crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn take_offer(&mut self) {
        match self.offer.take() {
            Some(example) => {
                self.body.set_text(&example);
                self.request_changed();
                self.notify(
                    Level::Ok,
                    "example body inserted (Ctrl-Z in the body undoes)",
                );
            }
            None => self.notify(
                Level::Info,
                "no example body on offer: pick an endpoint in the URL field",
            ),
        }
    }

    pub(super) fn reformat(&mut self, compact: bool) {
        let bytes = self.body.to_bytes();
        let result = if compact {
            json::compact(&bytes)
        } else {
            json::pretty(&bytes)
        };
        match result {
            Ok(out) if out == bytes => self.notify(
                Level::Info,
                if compact {
                    "the body is already compact"
                } else {
                    "the body is already pretty-printed"
                },
            ),
            Ok(out) => {
                self.body
                    .set_text(std::str::from_utf8(&out).expect("JSON reformatting keeps UTF-8"));
                self.request_changed();
                self.notify(
                    Level::Ok,
                    if compact {
                        "compacted: the signature covers the new bytes (Ctrl-Z undoes)"
                    } else {
                        "pretty-printed with 2 spaces: send these exact bytes (Ctrl-Z undoes)"
                    },
                );
            }
            Err(e) => self.notify(Level::Error, e.to_string()),
        }
    }

    pub(super) fn on_signature_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let latest = self.sig.latest.as_ref();
        match key.code {
            KeyCode::Char('x') => match latest.and_then(|o| o.x_sign.clone()) {
                Some(x) => fx.push(Effect::Copy {
                    what: "x-sign".into(),
                    text: x,
                }),
                None => self.notify(Level::Warn, "no x-sign to copy yet"),
            },
            KeyCode::Char('h') => match latest.and_then(|o| Some((o.value?, o.x_sign.clone()?))) {
                Some((value, x)) => fx.push(Effect::Copy {
                    what: "the signature headers".into(),
                    text: format!("{}: {value}\nx-sign: {x}\n", value.header_name()),
                }),
                None => self.notify(Level::Warn, "no signature to copy yet"),
            },
            KeyCode::Char('s') => match latest.and_then(|o| o.hash_hex.clone()) {
                Some(h) => fx.push(Effect::Copy {
                    what: "the SHA-256".into(),
                    text: h,
                }),
                None => self.notify(Level::Warn, "no hash yet"),
            },
            KeyCode::Down | KeyCode::Char('j') => self.sig.scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => self.sig.scroll = self.sig.scroll.saturating_sub(1),
            _ => {}
        }
    }

    /// The window on the response: rows shown at once, and their width.
    pub(super) fn response_page(&self) -> crate::tui::response::Page {
        let area = crate::tui::response::content_area(self, self.panes().response_inner);
        crate::tui::response::Page {
            rows: area.height as usize,
            width: area.width as usize,
        }
    }

    pub(super) fn on_response_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let page = self.response_page();
        let done = self.response.key(key, page);
        self.on_response_done(done, fx);
    }

    pub(super) fn on_search_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let page = self.response_page();
        let done = self.response.search_key(key, page);
        self.on_response_done(done, fx);
    }

    fn on_response_done(&mut self, done: ResponseKey, fx: &mut Vec<Effect>) {
        match done {
            ResponseKey::Done => {}
            ResponseKey::Copy(text) => fx.push(Effect::Copy {
                what: "the response body".into(),
                text,
            }),
            ResponseKey::Notice(level, text) => self.notify(level, text),
        }
    }
}
