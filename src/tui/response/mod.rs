//! The response pane's state: what arrived (status, headers, the body pretty-printed once,
//! when it arrives, off the draw loop) and how the user looks at it (tab, scroll, search).
//! Keys in `keys.rs`; drawing, which styles only the visible window, in `view.rs`.

mod keys;
mod view;

pub use keys::ResponseKey;
pub use view::{
    SPINNER, body_line, content_area, header_rows, render, render_body, render_headers,
    status_line, token_style,
};

use super::inspector::InspectorView;
use super::json;
use super::widgets::text_input::TextInput;
use crate::signing::AuthValue;
use std::sync::Arc;

/// What was actually sent: shown beside the response and used by the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub value: Option<AuthValue>,
    pub hash_hex: Option<String>,
    pub x_sign: Option<String>,
    pub body_len: usize,
}

/// A response, ready to draw.
#[derive(Debug, Clone)]
pub struct ResponseView {
    pub status: u16,
    pub reason: String,
    pub elapsed_ms: u64,
    pub headers: Vec<(String, String)>,
    pub body: Arc<[u8]>,
    pub is_json: bool,
    /// The body as lines: pretty-printed JSON, or the text as it came.
    pub lines: Arc<Vec<String>>,
    pub sent: SentRequest,
    pub inspector: Option<InspectorView>,
    /// Something to know beside the response (a cut body, a history write that failed).
    pub note: Option<String>,
    /// After a `qredo-v2` call: the token now cached (`Some(None)`: none, it was refused or
    /// could not be had); `None` for other schemes.
    pub token: Option<Option<crate::store::token::TokenTimes>>,
}

impl ResponseView {
    /// Builds the view; pretty-prints a JSON body. Runs in the network task.
    pub fn new(
        status: u16,
        reason: impl Into<String>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        elapsed_ms: u64,
        sent: SentRequest,
    ) -> Self {
        let (is_json, text) = match json::pretty(&body) {
            Ok(p) => (true, String::from_utf8_lossy(&p).into_owned()),
            Err(_) => (false, String::from_utf8_lossy(&body).into_owned()),
        };
        let lines = if body.is_empty() {
            Vec::new()
        } else {
            // Drawn as markers: a control character in a response (`ESC ] 0;…`) is seen.
            text.split('\n').map(crate::tui::markers::shown).collect()
        };
        ResponseView {
            status,
            reason: reason.into(),
            elapsed_ms,
            headers: headers
                .into_iter()
                .map(|(k, v)| {
                    (
                        crate::tui::markers::shown(&k),
                        crate::tui::markers::shown(&v),
                    )
                })
                .collect(),
            body: body.into(),
            is_json,
            lines: Arc::new(lines),
            sent,
            inspector: None,
            note: None,
            token: None,
        }
    }

    /// The Partner API's bad-signature answer: code 1020 (number or string) or errPartnerAuth.
    pub fn is_partner_auth_error(&self) -> bool {
        crate::diagnose::ApiError::partner_auth(self.status, &self.body).is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseTab {
    #[default]
    Body,
    Headers,
    Inspector,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: TextInput,
    /// Typing the query: keys go to it.
    pub editing: bool,
    /// Line numbers that match.
    pub matches: Vec<usize>,
    pub current: usize,
}

#[derive(Debug, Clone, Default)]
pub enum ResponseState {
    #[default]
    Empty,
    Failed {
        message: String,
        sent: Option<SentRequest>,
    },
    Received(Box<ResponseView>),
}

/// The window the scrolled content is seen through: rows in view and cells per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub rows: usize,
    pub width: usize,
}

/// The pane: what arrived plus how the user is looking at it.
#[derive(Debug, Clone, Default)]
pub struct ResponsePane {
    pub state: ResponseState,
    pub tab: ResponseTab,
    pub scroll: usize,
    pub search: Search,
}

impl ResponsePane {
    pub fn view(&self) -> Option<&ResponseView> {
        match &self.state {
            ResponseState::Received(v) => Some(v),
            _ => None,
        }
    }

    pub fn set(&mut self, state: ResponseState) {
        let inspector = matches!(&state, ResponseState::Received(v) if v.inspector.is_some());
        self.state = state;
        self.scroll = 0;
        self.tab = if inspector {
            ResponseTab::Inspector
        } else {
            ResponseTab::Body
        };
        // A search belongs to the response it was made in: its label (`/BTC 0/0`) over
        // the next one read as a search of that one. One being typed is kept, to run on
        // this response at Enter.
        if self.search.editing {
            self.run_search();
        } else {
            self.search = Search::default();
        }
    }

    /// Number of lines in the current tab, for scrolling; the headers tab counts the rows
    /// its long values wrap into at `width`.
    pub fn line_count(&self, width: usize) -> usize {
        match (&self.state, self.tab) {
            (ResponseState::Received(v), ResponseTab::Body) => v.lines.len(),
            (ResponseState::Received(v), ResponseTab::Headers) => header_rows(v, width).len(),
            (ResponseState::Received(v), ResponseTab::Inspector) => {
                v.inspector.as_ref().map_or(0, |i| i.line_count())
            }
            _ => 0,
        }
    }

    pub fn scroll_by(&mut self, delta: isize, page: Page) {
        let max = self.line_count(page.width).saturating_sub(page.rows.max(1));
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    pub fn scroll_to(&mut self, line: usize, page: Page) {
        let max = self.line_count(page.width).saturating_sub(page.rows.max(1));
        self.scroll = line.min(max);
    }

    /// Finds the query in the body lines (case-insensitive) and jumps to the first match.
    pub fn run_search(&mut self) {
        self.search.matches.clear();
        self.search.current = 0;
        let Some(v) = self.view() else { return };
        let q = self.search.query.text().to_lowercase();
        if q.is_empty() {
            return;
        }
        let matches: Vec<usize> = v
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.to_lowercase().contains(&q))
            .map(|(i, _)| i)
            .collect();
        self.search.matches = matches;
    }

    pub fn next_match(&mut self, forward: bool, page: Page) {
        let n = self.search.matches.len();
        if n == 0 {
            return;
        }
        self.search.current = if forward {
            (self.search.current + 1) % n
        } else {
            (self.search.current + n - 1) % n
        };
        self.show_current_match(page);
    }

    pub fn show_current_match(&mut self, page: Page) {
        if let Some(&line) = self.search.matches.get(self.search.current) {
            self.tab = ResponseTab::Body;
            self.scroll_to(line.saturating_sub(page.rows / 3), page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent() -> SentRequest {
        SentRequest {
            method: "GET".into(),
            url: "http://x/".into(),
            value: None,
            hash_hex: None,
            x_sign: None,
            body_len: 0,
        }
    }

    #[test]
    fn control_characters_from_the_server_are_shown_as_markers() {
        let v = ResponseView::new(
            500,
            "",
            vec![("x-note".into(), "a\u{1b}]0;PWNED\u{7}".into())],
            b"oops \x1b[2J\tend".to_vec(),
            1,
            sent(),
        );
        assert_eq!(v.lines[0], "oops \u{241b}[2J\u{2192}end");
        assert_eq!(v.headers[0].1, "a\u{241b}]0;PWNED\u{2407}");
        // The URL as sent, in the headers tab, too.
        let mut v = v;
        v.sent.url = "https://x/\u{1b}]0;PWNED\u{7}".into();
        let first: String = header_rows(&v, 200)[0]
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert!(
            first.ends_with("https://x/\u{241b}]0;PWNED\u{2407}"),
            "{first}"
        );
    }

    #[test]
    fn json_bodies_are_pretty_lines() {
        let v = ResponseView::new(200, "OK", vec![], br#"{"a":[1,2]}"#.to_vec(), 3, sent());
        assert!(v.is_json);
        assert_eq!(v.lines.len(), 6);
        assert!(!v.is_partner_auth_error());
    }

    #[test]
    fn the_1020_is_recognised_as_number_or_string() {
        for body in [
            r#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}"#,
            r#"{"code":"1020","msg":"x"}"#,
            r#"{"code":401,"msg":"errPartnerAuth"}"#,
        ] {
            let v = ResponseView::new(401, "", vec![], body.as_bytes().to_vec(), 1, sent());
            assert!(v.is_partner_auth_error(), "{body}");
        }
    }

    #[test]
    fn search_finds_lines_and_wraps() {
        let mut p = ResponsePane::default();
        p.set(ResponseState::Received(Box::new(ResponseView::new(
            200,
            "OK",
            vec![],
            br#"{"a":"ACME","b":"x","c":"acme"}"#.to_vec(),
            1,
            sent(),
        ))));
        p.search.query = TextInput::new("acme");
        p.run_search();
        assert_eq!(p.search.matches, vec![1, 3]);
        let page = Page {
            rows: 10,
            width: 40,
        };
        p.next_match(true, page);
        assert_eq!(p.search.current, 1);
        p.next_match(true, page);
        assert_eq!(p.search.current, 0);
    }
}
