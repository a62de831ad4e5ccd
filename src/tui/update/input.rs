//! Input that is not a key: paste, mouse, the body back from `$EDITOR`, a pasted curl.

use crate::store::import::CurlImport;
use crate::tui::app::{App, Effect, Focus, Level, Tab};
use crossterm::event::{MouseButton, MouseEventKind};
use ratatui::layout::Position;

impl App {
    pub(super) fn on_paste(&mut self, text: &str, fx: &mut Vec<Effect>) {
        if let Some(o) = &mut self.onboarding {
            o.paste(text);
            return;
        }
        match (self.tab, self.focus) {
            (Tab::Request, Focus::Body) => {
                self.editing = true;
                self.body.paste(text);
                self.request_changed();
                self.notify(
                    Level::Info,
                    format!("pasted {} bytes, kept exactly", text.len()),
                );
            }
            (Tab::Request, Focus::Url) if text.trim_start().starts_with("curl ") => {
                fx.push(Effect::ImportCurl(text.to_string()));
            }
            (Tab::Request, Focus::Url) => {
                self.editing = true;
                self.url.paste(text);
                self.request_changed();
            }
            (Tab::Request, Focus::Response) if self.response.search.editing => {
                self.response.search.query.paste(text);
            }
            (Tab::Request, Focus::Sidebar) if self.library.is_typing() => {
                match self.library.prompt.as_mut().and_then(|p| p.input_mut()) {
                    Some(input) => input.paste(text),
                    None => self.library.filter.paste(text),
                }
            }
            (Tab::Feed, _) if self.feed.editing_client => {
                self.feed.client_id.paste(text);
            }
            _ => self.notify(
                Level::Warn,
                "paste into the URL or the body: focus one first (click it, or Tab)",
            ),
        }
    }

    pub(super) fn on_mouse(&mut self, m: crossterm::event::MouseEvent) {
        if self.help.is_some() || self.confirm.is_some() {
            if let (Some(s), MouseEventKind::ScrollDown) = (self.help, m.kind) {
                self.help = Some(s + 3);
            }
            if let (Some(s), MouseEventKind::ScrollUp) = (self.help, m.kind) {
                self.help = Some(s.saturating_sub(3));
            }
            return;
        }
        let p = self.panes();
        let at = Position::new(m.column, m.row);
        let pane = p.pane_at(at, self.tab);
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(t) = p.tab_at(at) {
                    self.tab = t;
                    return;
                }
                let Some(focus) = pane else { return };
                if self.tab == Tab::Feed {
                    return;
                }
                self.stop_typing();
                self.focus = focus;
                self.editing = focus.is_text_field();
                match focus {
                    Focus::Body if p.body_inner.contains(at) => self.body.click(
                        (at.y - p.body_inner.y) as usize,
                        (at.x - p.body_inner.x) as usize,
                        p.body_inner.width as usize,
                    ),
                    Focus::Method => self.cycle_method(1),
                    _ => {}
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let d: isize = if m.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                match pane {
                    Some(Focus::Body) => self.body.scroll_lines(d),
                    Some(Focus::Response) => {
                        let page = self.response_page();
                        self.response.scroll_by(d, page);
                    }
                    Some(Focus::Signature) => {
                        self.sig.scroll = self.sig.scroll.saturating_add_signed(d)
                    }
                    _ if self.tab == Tab::Feed => {
                        let n = self.feed.items.len().saturating_sub(1);
                        self.feed.selected = self.feed.selected.saturating_add_signed(d).min(n);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// `$EDITOR` exited: take its bytes as the body when they are text.
    pub(super) fn on_editor_closed(
        &mut self,
        result: Result<Vec<u8>, crate::tui::errors::EditorError>,
    ) {
        match result {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    if text != self.body.to_text() {
                        self.body.set_text(&text);
                        self.request_changed();
                        self.notify(Level::Ok, "body updated from $EDITOR");
                    } else {
                        self.notify(Level::Info, "$EDITOR closed: body unchanged");
                    }
                }
                Err(_) => self.notify(
                    Level::Error,
                    "the edited body is not UTF-8 text; the body was left as it was",
                ),
            },
            Err(e) => self.notify(Level::Error, e.to_string()),
        }
    }

    /// A curl command pasted into the URL field, parsed by the runtime.
    pub(super) fn on_curl_imported(
        &mut self,
        result: Result<Box<CurlImport>, std::sync::Arc<crate::store::import::ImportError>>,
    ) {
        match result {
            Ok(import) => {
                let r = &import.request;
                let Ok(body) = String::from_utf8(r.body.clone()) else {
                    self.notify(Level::Error, "the curl body is not UTF-8 text: import it with `xsign import curl` instead");
                    return;
                };
                self.set_method(&r.method);
                self.url.set(&crate::store::import::relative_to(
                    &r.url,
                    &self.profile.base_url,
                ));
                self.body.set_text(&body);
                self.current = None;
                self.saved_body = None;
                self.request_changed();
                let mut text = format!("imported curl: {} {}", r.method, r.url);
                if !import.notes.is_empty() {
                    text.push_str(&format!(" ({})", import.notes.join("; ")));
                }
                self.notify(Level::Ok, text);
            }
            Err(e) => self.notify(
                Level::Error,
                format!("cannot import that curl command: {e}"),
            ),
        }
    }
}
