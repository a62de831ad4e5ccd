//! `update`: the only place the state changes. Pure: it returns `Effect`s for the runtime
//! instead of doing I/O, so every message is unit-tested without a terminal.

use super::app::{
    App, Confirm, Current, Effect, Focus, Level, METHODS, Message, Sabotage, SendJob, SendState,
    Tab,
};
use super::json;
use super::layout::{self, Panes};
use super::lint_view::{self, LintInput};
use super::onboarding::{OnboardAction, OnboardMessage};
use super::profiles::{PickerAction, ProfilePicker};
use super::response::{ResponseState, ResponseTab};
use super::sidebar::{LibraryMessage, SidebarAction, StoreOp};
use super::sign_worker::SignJob;
use super::target;
use super::url_field::UrlKey;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use std::sync::Arc;

impl App {
    /// Applies one message; returns what the runtime must do.
    pub fn update(&mut self, msg: Message) -> Vec<Effect> {
        let mut fx = Vec::new();
        match msg {
            Message::Key(key) => self.on_key(key, &mut fx),
            Message::Paste(text) => self.on_paste(&text, &mut fx),
            Message::Mouse(m) => self.on_mouse(m),
            Message::Resize(w, h) => self.size = (w, h),
            Message::Tick(now) => {
                self.now = now;
                // A timestamp is only accepted for a short while: on any activity, re-sign a
                // stale one so the pane shows what a send would carry now.
                let signed_at = self.sig.latest.as_ref().and_then(|o| o.value);
                if matches!(signed_at, Some(crate::signing::AuthValue::Timestamp(t)) if t != now.unix)
                {
                    self.request_changed();
                }
            }
            Message::Signed(outcome) => {
                if self.sig.pending == Some(outcome.seq) {
                    self.sig.pending = None;
                }
                self.sig.latest = Some(outcome);
            }
            Message::Sent { id, result } => {
                let ours =
                    matches!(&self.send, SendState::InFlight { id: current, .. } if *current == id);
                self.on_sent(id, result);
                if ours {
                    self.on_sent_reload(&mut fx);
                }
            }
            Message::EditorClosed(result) => match result {
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
                Err(e) => self.notify(Level::Error, e),
            },
            Message::Feed(m) => {
                if let Some(n) = self.feed.apply(m) {
                    self.notify(Level::Info, n);
                }
            }
            Message::Library(m) => self.on_library(m, &mut fx),
            Message::Profiles(items) => {
                if let Some(p) = &mut self.picker {
                    p.selected = items
                        .iter()
                        .position(|i| i.name == self.profile.name)
                        .unwrap_or(0);
                    p.items = items;
                    p.loading = false;
                }
            }
            Message::ProfileSwitched(result) => match result {
                Ok(view) => {
                    let text = match view.problems.first() {
                        Some(p) => format!("profile {}: {p}", view.name),
                        None => format!("profile {} ({})", view.name, view.base_url),
                    };
                    let level = if view.problems.is_empty() {
                        Level::Ok
                    } else {
                        Level::Error
                    };
                    self.profile = view;
                    self.request_changed();
                    self.notify(level, text);
                }
                Err(e) => self.notify(Level::Error, e),
            },
            Message::Onboard(m) => {
                if let Some(o) = &mut self.onboarding {
                    o.apply(&m);
                }
                if let OnboardMessage::Ready { profile, note } = m {
                    self.onboarding = None;
                    fx.push(Effect::SwitchProfile(profile));
                    self.notify(Level::Ok, note);
                }
            }
            Message::CurlImported(result) => match result {
                Ok(import) => {
                    let r = &import.request;
                    let Ok(body) = String::from_utf8(r.body.clone()) else {
                        self.notify(Level::Error, "the curl body is not UTF-8 text: import it with `xsign import curl` instead");
                        return fx;
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
            },
            Message::Inspected(result) => match result {
                Ok(view) => {
                    self.response.set(ResponseState::Received(view));
                    self.focus = Focus::Response;
                    self.editing = false;
                    self.notify(
                        Level::Info,
                        "history entry in the inspector: b body, h headers",
                    );
                }
                Err(e) => self.notify(Level::Error, e),
            },
        }
        self.sync_view();
        if let Some(job) = self.sign_job() {
            fx.push(Effect::Sign(job));
        }
        fx
    }

    pub fn panes(&self) -> Panes {
        layout::compute(Rect::new(0, 0, self.size.0, self.size.1), self)
    }

    /// The URL, method or body changed: the signature must follow.
    pub fn request_changed(&mut self) {
        self.sig.dirty = true;
    }

    /// A snapshot to sign, when the signature is stale and the worker is free. Edits made
    /// while a job is out are coalesced into the next one.
    fn sign_job(&mut self) -> Option<SignJob> {
        if !self.sig.dirty || self.sig.pending.is_some() {
            return None;
        }
        self.sig.dirty = false;
        self.sig.seq += 1;
        self.sig.pending = Some(self.sig.seq);
        Some(SignJob {
            seq: self.sig.seq,
            method: self.method_name().to_string(),
            url: target::resolve(&self.profile.base_url, &self.url.text),
            body: self.body.to_bytes().into(),
            saved_body: self.saved_body.clone(),
        })
    }

    fn sync_view(&mut self) {
        let p = self.panes();
        self.body
            .scroll_to_cursor(p.body_inner.height as usize, p.body_inner.width as usize);
        self.url.scroll_to_cursor(p.url_inner.width as usize);
    }

    fn on_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.notice = None;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(o) = &mut self.onboarding {
            if ctrl && key.code == KeyCode::Char('c') {
                return self.quit(fx);
            }
            match o.key(key) {
                OnboardAction::None => {}
                OnboardAction::Skip => self.onboarding = None,
                OnboardAction::StartDemo => {
                    self.next = Some(super::app::Next::Demo);
                    self.quit(fx);
                }
                OnboardAction::Do(op) => fx.push(Effect::Onboard(op)),
            }
            return;
        }
        if let Some(scroll) = self.help {
            match key.code {
                KeyCode::Down | KeyCode::Char('j') => self.help = Some(scroll + 1),
                KeyCode::Up | KeyCode::Char('k') => self.help = Some(scroll.saturating_sub(1)),
                KeyCode::PageDown => self.help = Some(scroll + 10),
                KeyCode::PageUp => self.help = Some(scroll.saturating_sub(10)),
                KeyCode::Char('c') if ctrl => self.help = None,
                _ if matches!(
                    key.code,
                    KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::F(1)
                ) =>
                {
                    self.help = None
                }
                _ => {}
            }
            return;
        }
        if self.confirm.is_some() {
            self.on_confirm_key(key, fx);
            return;
        }
        if let Some(picker) = &mut self.picker {
            match picker.key(key) {
                PickerAction::None => {}
                PickerAction::Close => self.picker = None,
                PickerAction::Switch(name) => {
                    self.picker = None;
                    if name != self.profile.name {
                        fx.push(Effect::SwitchProfile(name));
                    }
                }
            }
            return;
        }
        if self.sabotage_menu {
            self.sabotage_menu = false;
            if let KeyCode::Char(c) = key.code
                && let Some(s) = Sabotage::ALL.into_iter().find(|s| s.key() == c)
            {
                self.send_sabotaged(s, fx);
            }
            return;
        }

        // Keys that are never typing: control keys and function keys.
        match key.code {
            KeyCode::Char('r') if ctrl => return self.start_send(fx),
            KeyCode::F(5) => return self.start_send(fx),
            KeyCode::F(1) => {
                self.help = Some(0);
                return;
            }
            KeyCode::F(2) => return self.cycle_method(1),
            KeyCode::F(3) => return self.toggle_tab(),
            KeyCode::F(6) => return self.toggle_library(fx),
            KeyCode::F(7) => {
                self.stop_typing();
                self.picker = Some(ProfilePicker {
                    loading: true,
                    ..Default::default()
                });
                fx.push(Effect::LoadProfiles);
                return;
            }
            KeyCode::Char('s') if ctrl => return self.save(fx),
            KeyCode::F(4) => {
                self.stop_typing();
                self.sabotage_menu = true;
                return;
            }
            KeyCode::Char('b') if ctrl => return self.take_offer(),
            KeyCode::Char('c') if ctrl => {
                if self.is_typing() {
                    self.stop_typing();
                    self.notify(Level::Info, "left the field: q or Ctrl-C quits");
                } else {
                    self.quit(fx);
                }
                return;
            }
            KeyCode::Esc if self.in_flight() => return self.cancel_send(fx),
            _ => {}
        }

        if self.tab == Tab::Feed {
            return self.on_feed_key(key, fx);
        }

        if self.is_typing() {
            return self.on_typing_key(key, fx);
        }

        // Navigation: single keys are commands here.
        match key.code {
            KeyCode::Char('q') => return self.quit(fx),
            KeyCode::Char('?') => {
                self.help = Some(0);
                return;
            }
            KeyCode::Tab => return self.cycle_focus(1),
            KeyCode::BackTab => return self.cycle_focus(-1),
            KeyCode::Char(c @ '1'..='5') => {
                self.focus = Focus::ORDER[(c as u8 - b'1') as usize];
                self.editing = self.focus == Focus::Url;
                return;
            }
            KeyCode::Char('f') => return self.toggle_tab(),
            KeyCode::Char('z') => {
                self.zoom = !self.zoom;
                return;
            }
            _ => {}
        }
        match self.focus {
            Focus::Sidebar => {
                let action = self.library.key(key);
                self.on_sidebar_action(action, fx);
            }
            Focus::Method => match key.code {
                KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Right | KeyCode::Down => {
                    self.cycle_method(1)
                }
                KeyCode::Left | KeyCode::Up => self.cycle_method(-1),
                KeyCode::Char(c) => {
                    // g, p, u, d, a pick a method by its letter
                    let c = c.to_ascii_uppercase();
                    let pick = match c {
                        'A' => Some(4),
                        _ => METHODS.iter().position(|m| m.starts_with(c)),
                    };
                    if let Some(i) = pick {
                        self.method = i;
                        self.request_changed();
                    }
                }
                _ => {}
            },
            Focus::Url => {
                if matches!(key.code, KeyCode::Enter | KeyCode::Char('i')) {
                    self.editing = true;
                }
            }
            Focus::Body => match key.code {
                KeyCode::Enter | KeyCode::Char('i') => self.editing = true,
                KeyCode::Char('w') => {
                    self.body.wrap = !self.body.wrap;
                    self.notify(
                        Level::Info,
                        if self.body.wrap {
                            "long lines wrap"
                        } else {
                            "long lines scroll sideways"
                        },
                    );
                }
                KeyCode::Char('c') => self.reformat(true),
                KeyCode::Char('p') => self.reformat(false),
                KeyCode::Char('e') => fx.push(Effect::OpenEditor(self.body.to_bytes())),
                KeyCode::Char('y') => fx.push(Effect::Copy {
                    what: "the body".into(),
                    text: self.body.to_text(),
                }),
                KeyCode::Down | KeyCode::Char('j') => self.body.scroll_lines(1),
                KeyCode::Up | KeyCode::Char('k') => self.body.scroll_lines(-1),
                _ => {}
            },
            Focus::Signature => self.on_signature_key(key, fx),
            Focus::Response => self.on_response_key(key, fx),
        }
    }

    fn on_typing_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.focus == Focus::Response {
            return self.on_search_key(key);
        }
        if self.focus == Focus::Sidebar {
            let action = self.library.key(key);
            return self.on_sidebar_action(action, fx);
        }
        match key.code {
            KeyCode::Esc => {
                if self.focus == Focus::Url && self.url.completion.is_some() {
                    self.url.completion = None;
                } else {
                    self.stop_typing();
                }
                return;
            }
            KeyCode::BackTab => {
                self.stop_typing();
                return self.cycle_focus(-1);
            }
            _ => {}
        }
        match self.focus {
            Focus::Url => match self.url.key(key) {
                UrlKey::Edited => self.request_changed(),
                UrlKey::Chose(e) => {
                    self.set_method(&e.method);
                    self.request_changed();
                    if let Some(example) = e.example_body() {
                        if self.body.is_empty() {
                            self.body.set_text(&example);
                            self.notify(
                                Level::Ok,
                                format!(
                                    "{} {}: example body inserted (Ctrl-Z in the body undoes)",
                                    e.method, e.path
                                ),
                            );
                        } else if self.body.to_text() != example {
                            self.offer = Some(example);
                            self.notify(
                                Level::Info,
                                format!(
                                    "{} {} has an example body: Ctrl-B replaces yours with it",
                                    e.method, e.path
                                ),
                            );
                        }
                    } else {
                        self.notify(
                            Level::Info,
                            format!("{} {}: {}", e.method, e.path, e.summary),
                        );
                    }
                }
                UrlKey::Moved => {}
                UrlKey::Unused => match key.code {
                    KeyCode::Enter | KeyCode::Tab => {
                        self.focus = Focus::Body;
                        self.editing = key.code == KeyCode::Enter;
                    }
                    _ => {}
                },
            },
            Focus::Body => {
                match key.code {
                    KeyCode::Char('o') if ctrl => return self.reformat(true),
                    KeyCode::Char('p') if ctrl => return self.reformat(false),
                    KeyCode::Char('e') if ctrl => {
                        fx.push(Effect::OpenEditor(self.body.to_bytes()));
                        return;
                    }
                    _ => {}
                }
                let page = self.panes().body_inner.height as usize;
                let before = self.body.revision();
                self.body.key(key, page.saturating_sub(1));
                if self.body.revision() != before {
                    self.request_changed();
                }
            }
            _ => {}
        }
    }

    fn stop_typing(&mut self) {
        self.editing = false;
        self.url.completion = None;
        self.response.search.editing = false;
        self.feed.editing_client = false;
        self.library.filtering = false;
        if self
            .library
            .prompt
            .as_ref()
            .is_some_and(|p| p.kind != super::sidebar::PromptKind::ConfirmDelete)
        {
            self.library.prompt = None;
        }
    }

    fn on_paste(&mut self, text: &str, fx: &mut Vec<Effect>) {
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
                self.response
                    .search
                    .query
                    .push_str(text.lines().next().unwrap_or(""));
            }
            (Tab::Request, Focus::Sidebar) if self.library.is_typing() => {
                let line = text.lines().next().unwrap_or("");
                match &mut self.library.prompt {
                    Some(p) => p.input.push_str(line),
                    None => self.library.filter.push_str(line),
                }
            }
            (Tab::Feed, _) if self.feed.editing_client => {
                self.feed.client_id.push_str(text.trim());
            }
            _ => self.notify(
                Level::Warn,
                "paste into the URL or the body: focus one first (click it, or Tab)",
            ),
        }
    }

    fn on_mouse(&mut self, m: crossterm::event::MouseEvent) {
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
                        let page = p.response_inner.height as usize;
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

    /// F6: shows the library (loading it the first time) and focuses it; hides it again.
    fn toggle_library(&mut self, fx: &mut Vec<Effect>) {
        self.stop_typing();
        if self.library.visible && self.focus == Focus::Sidebar {
            self.library.visible = false;
            self.focus = Focus::Url;
            self.editing = true;
            return;
        }
        self.library.visible = true;
        self.focus = Focus::Sidebar;
        self.editing = false;
        fx.push(Effect::Store(StoreOp::Load));
    }

    /// Ctrl-S: saves over the request being edited, or asks for a name.
    fn save(&mut self, fx: &mut Vec<Effect>) {
        match &self.current {
            Some(c) => {
                let request = self.request_named(&c.request.name);
                fx.push(Effect::Store(StoreOp::Save {
                    collection: c.collection.clone(),
                    request,
                    new_only: false,
                }));
            }
            None => {
                self.stop_typing();
                self.library.visible = true;
                self.focus = Focus::Sidebar;
                self.editing = false;
                let collection = self
                    .library
                    .collections
                    .first()
                    .map_or("default".to_string(), |c| c.name.clone());
                self.library.prompt = Some(super::sidebar::Prompt {
                    kind: super::sidebar::PromptKind::SaveAs,
                    input: format!("{collection}/"),
                    target: None,
                });
                if !self.library.loaded {
                    fx.push(Effect::Store(StoreOp::Load));
                }
            }
        }
    }

    fn on_sidebar_action(&mut self, action: SidebarAction, fx: &mut Vec<Effect>) {
        match action {
            SidebarAction::None => {}
            SidebarAction::Notice(n) => self.notify(Level::Info, n),
            SidebarAction::Leave => {
                self.focus = Focus::Body;
                self.editing = false;
                if self.size.0 < layout::WIDE {
                    self.library.visible = false;
                }
            }
            SidebarAction::Store(op) => fx.push(Effect::Store(op)),
            SidebarAction::SaveAs(collection, name) => {
                let request = self.request_named(&name);
                fx.push(Effect::Store(StoreOp::Save {
                    collection,
                    request,
                    new_only: true,
                }));
            }
            SidebarAction::Open(collection, request) => {
                let Ok(text) = String::from_utf8(request.body.clone()) else {
                    self.notify(
                        Level::Error,
                        format!(
                            "{collection}/{}: the saved body is not UTF-8 text, so it cannot be edited here; replay it with `xsign replay {collection}/{}`",
                            request.name, request.name
                        ),
                    );
                    return;
                };
                self.set_method(&request.method);
                self.url.set(&request.url);
                self.body.set_text(&text);
                self.saved_body = Some(request.body.clone().into());
                self.notify(
                    Level::Ok,
                    format!(
                        "opened {collection}/{}: Ctrl-R sends, Ctrl-S saves",
                        request.name
                    ),
                );
                self.current = Some(Current {
                    collection,
                    request,
                });
                self.request_changed();
                self.after_open();
            }
            SidebarAction::OpenHistory(entry) => {
                let Ok(text) = String::from_utf8(entry.body.clone()) else {
                    self.notify(
                        Level::Error,
                        "that body is not UTF-8 text: it cannot be edited here",
                    );
                    return;
                };
                self.set_method(&entry.method);
                let base = self.profile.base_url.trim_end_matches('/');
                let url = match entry.url.strip_prefix(base) {
                    Some(rest) if rest.starts_with('/') || rest.starts_with('?') => {
                        rest.to_string()
                    }
                    _ => entry.url.clone(),
                };
                self.url.set(&url);
                self.body.set_text(&text);
                self.current = None;
                self.saved_body = Some(entry.body.clone().into());
                self.request_changed();
                self.notify(
                    Level::Ok,
                    format!(
                        "history #{} loaded: Ctrl-R signs it afresh and sends",
                        entry.id
                    ),
                );
                self.after_open();
            }
            SidebarAction::InspectHistory(entry) => fx.push(Effect::InspectHistory(entry)),
        }
    }

    /// After opening a request: on a narrow screen the sidebar gives the room back.
    fn after_open(&mut self) {
        if self.size.0 < layout::WIDE {
            self.library.visible = false;
        }
        self.focus = Focus::Body;
        self.editing = false;
    }

    fn on_library(&mut self, m: LibraryMessage, fx: &mut Vec<Effect>) {
        self.library.apply(&m);
        match m {
            LibraryMessage::Loaded { warnings, .. } => {
                if let Some(w) = warnings.into_iter().next() {
                    self.notify(Level::Warn, w);
                }
            }
            LibraryMessage::Saved {
                collection,
                request,
            } => {
                self.notify(Level::Ok, format!("saved {collection}/{}", request.name));
                self.saved_body = Some(request.body.clone().into());
                self.current = Some(Current {
                    collection,
                    request,
                });
                self.request_changed();
                fx.push(Effect::Store(StoreOp::Load));
            }
            LibraryMessage::Renamed {
                collection,
                from,
                to,
            } => {
                if let Some(c) = &mut self.current
                    && c.collection == collection
                    && c.request.name == from
                {
                    c.request.name = to.clone();
                }
                self.notify(Level::Ok, format!("renamed {collection}/{from} to {to}"));
                fx.push(Effect::Store(StoreOp::Load));
            }
            LibraryMessage::Deleted { collection, name } => {
                if self
                    .current
                    .as_ref()
                    .is_some_and(|c| c.collection == collection && c.request.name == name)
                {
                    // The editor keeps the request; Ctrl-S would ask for a name again.
                    self.current = None;
                }
                self.notify(
                    Level::Ok,
                    format!("deleted {collection}/{name} (the editor still holds it: Ctrl-S saves it back)"),
                );
                fx.push(Effect::Store(StoreOp::Load));
            }
            LibraryMessage::Done(text) => {
                self.notify(Level::Ok, text);
                fx.push(Effect::Store(StoreOp::Load));
            }
            LibraryMessage::Failed(e) => self.notify(Level::Error, e),
        }
    }

    fn cycle_focus(&mut self, step: isize) {
        let n = Focus::ORDER.len() as isize;
        let i = Focus::ORDER
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0) as isize;
        self.focus = Focus::ORDER[((i + step).rem_euclid(n)) as usize];
        // The URL is a one-line field: focusing it starts typing. The body needs Enter,
        // because Tab inside it types a tab.
        self.editing = self.focus == Focus::Url;
    }

    fn cycle_method(&mut self, step: isize) {
        let n = METHODS.len() as isize;
        self.method = ((self.method as isize + step).rem_euclid(n)) as usize;
        self.request_changed();
    }

    fn toggle_tab(&mut self) {
        self.stop_typing();
        self.tab = match self.tab {
            Tab::Request => Tab::Feed,
            Tab::Feed => Tab::Request,
        };
    }

    fn take_offer(&mut self) {
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

    fn quit(&mut self, fx: &mut Vec<Effect>) {
        self.quit = true;
        fx.push(Effect::Quit);
    }

    fn reformat(&mut self, compact: bool) {
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

    fn on_signature_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
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

    fn on_response_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let page = self.panes().response_inner.height as usize;
        let r = &mut self.response;
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => r.scroll_by(1, page),
            KeyCode::Up | KeyCode::Char('k') => r.scroll_by(-1, page),
            KeyCode::PageDown | KeyCode::Char(' ') => r.scroll_by(page as isize, page),
            KeyCode::PageUp => r.scroll_by(-(page as isize), page),
            KeyCode::Home | KeyCode::Char('g') => r.scroll = 0,
            KeyCode::End | KeyCode::Char('G') => r.scroll_to(usize::MAX, page),
            KeyCode::Char('/') => {
                r.tab = ResponseTab::Body;
                r.search.editing = true;
                r.search.query.clear();
            }
            KeyCode::Char('n') => r.next_match(true, page),
            KeyCode::Char('N') => r.next_match(false, page),
            KeyCode::Char('b') => {
                r.tab = ResponseTab::Body;
                r.scroll = 0;
            }
            KeyCode::Char('h') => {
                r.tab = ResponseTab::Headers;
                r.scroll = 0;
            }
            KeyCode::Char('i') => {
                if r.view().is_some_and(|v| v.inspector.is_some()) {
                    r.tab = ResponseTab::Inspector;
                    r.scroll = 0;
                } else {
                    self.notify(Level::Info, "the inspector opens on a 1020 errPartnerAuth");
                }
            }
            KeyCode::Char('c') | KeyCode::Char('y') => match r.view() {
                Some(v) => fx.push(Effect::Copy {
                    what: "the response body".into(),
                    text: String::from_utf8_lossy(&v.body).into_owned(),
                }),
                None => self.notify(Level::Warn, "no response to copy yet"),
            },
            _ => {}
        }
    }

    fn on_search_key(&mut self, key: KeyEvent) {
        let page = self.panes().response_inner.height as usize;
        let s = &mut self.response.search;
        match key.code {
            KeyCode::Esc => {
                s.editing = false;
                s.query.clear();
                s.matches.clear();
            }
            KeyCode::Enter => {
                s.editing = false;
                self.response.run_search();
                let n = self.response.search.matches.len();
                if n == 0 {
                    let q = self.response.search.query.clone();
                    self.notify(Level::Warn, format!("no match for “{q}”"));
                } else {
                    self.response.show_current_match(page);
                    self.notify(
                        Level::Info,
                        format!("{n} matching lines: n next, N previous"),
                    );
                }
            }
            KeyCode::Backspace => {
                s.query.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => s.query.push(c),
            _ => {}
        }
    }

    fn on_feed_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        let typing = self.feed.is_typing();
        let (used, cmds, notice) = self.feed.key(key);
        for c in cmds {
            fx.push(Effect::Feed(c));
        }
        if let Some(n) = notice {
            self.notify(Level::Info, n);
        }
        if used || typing {
            return;
        }
        match key.code {
            KeyCode::Char('q') => self.quit(fx),
            KeyCode::Char('?') => self.help = Some(0),
            KeyCode::Char('f') | KeyCode::Esc | KeyCode::Tab => self.toggle_tab(),
            _ => {}
        }
    }

    /// Ctrl-R: checks the body and either sends it or asks first.
    fn start_send(&mut self, fx: &mut Vec<Effect>) {
        if self.tab == Tab::Feed {
            self.tab = Tab::Request;
        }
        if self.in_flight() {
            self.notify(
                Level::Warn,
                "a request is already in flight: Esc cancels it",
            );
            return;
        }
        let target = match target::resolve(&self.profile.base_url, &self.url.text) {
            Ok(t) => t,
            Err(e) => {
                self.focus = Focus::Url;
                self.editing = true;
                self.notify(Level::Error, e);
                return;
            }
        };
        if let Some(problem) = self
            .profile
            .problems
            .first()
            .filter(|_| self.profile.signing)
        {
            self.notify(Level::Error, format!("cannot send: {problem}"));
            return;
        }
        let body = self.body.to_bytes();
        let notes = lint_view::check(&LintInput {
            method: self.method_name(),
            url: &target.typed,
            body: &body,
            saved_body: self.saved_body.as_deref(),
            now_unix: self.now.unix,
        });
        if lint_view::needs_confirmation(&notes) {
            self.stop_typing();
            self.confirm = Some(Confirm { notes });
            return;
        }
        self.dispatch_send(target.wire, body.into(), None, fx);
    }

    /// F4: sends the request with a deliberate mistake, to see the 1020 and its explanation.
    fn send_sabotaged(&mut self, sabotage: Sabotage, fx: &mut Vec<Effect>) {
        if self.in_flight() {
            self.notify(
                Level::Warn,
                "a request is already in flight: Esc cancels it",
            );
            return;
        }
        if !self.profile.signing {
            self.notify(
                Level::Warn,
                "signing is off for this profile: there is no signature to break",
            );
            return;
        }
        if sabotage == Sabotage::StaleTimestamp
            && self.profile.mode != crate::signing::AuthMode::Timestamp
        {
            self.notify(
                Level::Warn,
                "this profile signs with nonces: a stale timestamp does not apply",
            );
            return;
        }
        match target::resolve(&self.profile.base_url, &self.url.text) {
            Ok(t) => {
                self.notify(
                    Level::Warn,
                    format!("sending with a mistake on purpose: {}", sabotage.label()),
                );
                self.dispatch_send(t.wire, self.body.to_bytes().into(), Some(sabotage), fx);
            }
            Err(e) => self.notify(Level::Error, e),
        }
    }

    fn dispatch_send(
        &mut self,
        url: String,
        body: Arc<[u8]>,
        sabotage: Option<Sabotage>,
        fx: &mut Vec<Effect>,
    ) {
        let id = self.next_id;
        self.next_id += 1;
        let method = self.method_name().to_string();
        self.send = SendState::InFlight {
            id,
            started_ms: self.now.mono_ms,
            method: method.clone(),
            url: url.clone(),
        };
        fx.push(Effect::Send(SendJob {
            id,
            method,
            url,
            body,
            sabotage,
            source: self
                .current
                .as_ref()
                .map(|c| format!("{}/{}", c.collection, c.request.name)),
        }));
    }

    fn on_confirm_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        match key.code {
            KeyCode::Esc => {
                self.confirm = None;
                self.notify(
                    Level::Info,
                    "not sent: fix the body, or Ctrl-R and Enter to send anyway",
                );
            }
            KeyCode::Enter => {
                self.confirm = None;
                match target::resolve(&self.profile.base_url, &self.url.text) {
                    Ok(t) => self.dispatch_send(t.wire, self.body.to_bytes().into(), None, fx),
                    Err(e) => self.notify(Level::Error, e),
                }
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.confirm = None;
            }
            KeyCode::Char(c) => {
                let Some(confirm) = &self.confirm else { return };
                let Some(fix) = confirm
                    .notes
                    .iter()
                    .filter_map(|n| n.fix.as_ref())
                    .find(|f| f.key == c)
                    .cloned()
                else {
                    return;
                };
                if fix.fix.applies_to_body() {
                    let fixed = fix.fix.apply(&self.body.to_bytes());
                    match String::from_utf8(fixed) {
                        Ok(text) => self.body.set_text(&text),
                        Err(_) => {
                            self.notify(Level::Error, "the fix did not give UTF-8 text");
                            return;
                        }
                    }
                } else {
                    let typed =
                        crate::store::collection::join_url(&self.profile.base_url, &self.url.text);
                    match fix.fix.apply_to_url(&typed) {
                        Some(url) => self.url.set(&url),
                        None => return,
                    }
                }
                self.request_changed();
                self.recheck_confirm(fix.label);
            }
            _ => {}
        }
    }

    /// After a one-key fix: the confirmation stays only while warnings remain.
    fn recheck_confirm(&mut self, done: &str) {
        let Ok(t) = target::resolve(&self.profile.base_url, &self.url.text) else {
            self.confirm = None;
            return;
        };
        let body = self.body.to_bytes();
        let notes = lint_view::check(&LintInput {
            method: self.method_name(),
            url: &t.typed,
            body: &body,
            saved_body: self.saved_body.as_deref(),
            now_unix: self.now.unix,
        });
        if lint_view::needs_confirmation(&notes) {
            self.confirm = Some(Confirm { notes });
            self.notify(Level::Ok, format!("{done}: done"));
        } else {
            self.confirm = None;
            self.notify(
                Level::Ok,
                format!("{done}: no warnings left. Ctrl-R sends (Ctrl-Z in the body undoes)"),
            );
        }
    }

    fn cancel_send(&mut self, fx: &mut Vec<Effect>) {
        if let SendState::InFlight { id, .. } = self.send {
            fx.push(Effect::CancelSend(id));
            self.send = SendState::Idle;
            self.notify(Level::Warn, "request cancelled: nothing was received");
        }
    }

    fn on_sent_reload(&mut self, fx: &mut Vec<Effect>) {
        fx.push(Effect::Store(StoreOp::Load));
    }

    fn on_sent(
        &mut self,
        id: u64,
        result: Result<Box<super::response::ResponseView>, super::app::SendFailure>,
    ) {
        match &self.send {
            SendState::InFlight { id: current, .. } if *current == id => {}
            _ => return, // cancelled or superseded
        }
        self.send = SendState::Idle;
        match result {
            Ok(view) => {
                let text = if view.inspector.is_some() {
                    format!(
                        "{} {}: signature refused. The inspector (response pane) explains why",
                        view.status, view.reason
                    )
                } else {
                    format!("{} {}", view.status, view.reason)
                };
                let level = if (200..300).contains(&view.status) {
                    Level::Ok
                } else {
                    Level::Warn
                };
                self.response.set(ResponseState::Received(view));
                self.notify(level, text);
            }
            Err(failure) => {
                self.notify(Level::Error, failure.message.clone());
                self.response.set(ResponseState::Failed {
                    message: failure.message,
                    sent: failure.sent,
                });
            }
        }
    }
}
