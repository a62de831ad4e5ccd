//! The library: show and hide it, save, open saved requests and history entries, and
//! what the store answers.

use crate::store::Request;
use crate::store::StoreError;
use crate::store::collection::{relative_to, split_target};
use crate::store::history::HistoryEntry;
use crate::tui::app::{App, Current, Effect, Focus, Level};
use crate::tui::keymap::Command;
use crate::tui::layout;
use crate::tui::response::{ResponseState, ResponseView};
use crate::tui::sidebar::{LibraryMessage, Prompt, SidebarAction, StoreAction, StoreOp};

impl App {
    pub(super) fn toggle_library(&mut self, fx: &mut Vec<Effect>) {
        self.stop_typing();
        if self.library.visible && self.focus == Focus::Sidebar {
            self.leave_library(true);
            return;
        }
        self.focus_library();
        fx.push(Effect::Store(StoreOp::Load));
    }

    /// Shows the library and gives it the keys, remembering which pane had them.
    fn focus_library(&mut self) {
        if self.focus != Focus::Sidebar {
            self.library.return_focus = Some(self.focus);
        }
        self.library.visible = true;
        self.focus = Focus::Sidebar;
        self.editing = false;
    }

    /// Gives the keys back to the pane that had them before the library (the body when
    /// it was focused another way), outside typing; `hide` also hides it.
    fn leave_library(&mut self, hide: bool) {
        self.focus = self.library.return_focus.take().unwrap_or(Focus::Body);
        self.editing = false;
        if hide {
            self.library.visible = false;
        }
    }

    /// Ctrl-S. A request never saved asks for `collection/name`. One opened from (or saved
    /// to) a collection is written again only after `y`, the changes named, since a stray
    /// Ctrl-S would otherwise replace it with whatever was typed since; unchanged, nothing
    /// is written.
    pub(super) fn save(&mut self, fx: &mut Vec<Effect>) {
        let prompt = match self.current.clone() {
            Some(c) => {
                let request = self.request_named(&c.request.name);
                if request == c.request {
                    let text = format!(
                        "{}/{}: nothing changed since it was saved",
                        c.collection, c.request.name
                    );
                    return self.notify(Level::Info, text);
                }
                let text = format!(
                    "y overwrites {}/{} ({}); any other key keeps it",
                    c.collection,
                    request.name,
                    changes(&c.request, &request)
                );
                self.notify(Level::Warn, text);
                Prompt::ConfirmOverwrite {
                    collection: c.collection,
                    request,
                }
            }
            None => {
                let collection = self
                    .library
                    .collections
                    .first()
                    .map_or("default".to_string(), |c| c.name.clone());
                Prompt::save_as(&collection)
            }
        };
        self.stop_typing();
        self.focus_library();
        self.library.prompt = Some(prompt);
        if !self.library.loaded {
            fx.push(Effect::Store(StoreOp::Load));
        }
    }

    pub(super) fn on_sidebar_action(&mut self, action: SidebarAction, fx: &mut Vec<Effect>) {
        match action {
            SidebarAction::None => {}
            SidebarAction::Notice(n) => self.notify(Level::Info, n),
            SidebarAction::Leave => self.leave_library(self.size.0 < layout::WIDE),
            SidebarAction::Store(op) => fx.push(Effect::Store(op)),
            SidebarAction::RunScenario(item) => self.run_scenario(&item, fx),
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
                        "opened {collection}/{}: {} sends, {} saves",
                        request.name,
                        self.keymap.name(Command::Send),
                        self.keymap.name(Command::Save)
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
                if self.load_history(&entry) {
                    self.notify(
                        Level::Ok,
                        format!(
                            "history #{} loaded: {} signs it afresh and sends",
                            entry.id,
                            self.keymap.name(Command::Send)
                        ),
                    );
                    self.after_open();
                }
            }
            // The verdict and the request it is about, side by side: the entry's request
            // goes into the request pane as Enter would load it.
            SidebarAction::InspectHistory(entry) => {
                self.load_history(&entry);
                fx.push(Effect::InspectHistory(entry));
            }
        }
    }

    /// Puts a history entry's request (method, URL under the profile's base, exact body
    /// bytes) in the editor. False, with a notice, when the body is not text the editor
    /// can hold: then the editor keeps what it had.
    fn load_history(&mut self, entry: &HistoryEntry) -> bool {
        if entry.body_cut() {
            self.notify(
                Level::Error,
                format!(
                    "history #{}: its {}-byte body was kept only in part (the first 64 KiB), so it cannot be loaded (the request pane keeps its request)",
                    entry.id,
                    entry.sent_body_len()
                ),
            );
            return false;
        }
        let Ok(text) = std::str::from_utf8(&entry.body) else {
            self.notify(
                Level::Error,
                format!(
                    "history #{}: the body is not UTF-8 text, so it cannot be edited here (the request pane keeps its request); `xsign history show {}` prints it",
                    entry.id, entry.id
                ),
            );
            return false;
        };
        self.set_method(&entry.method);
        self.url
            .set(&relative_to(&self.profile.base_url, &entry.url));
        self.body.set_text(text);
        self.current = None;
        self.saved_body = Some(std::sync::Arc::from(&entry.body[..]));
        self.request_changed();
        true
    }

    pub(super) fn after_open(&mut self) {
        if self.size.0 < layout::WIDE {
            self.library.visible = false;
        }
        // An opened request is edited in the body, wherever the keys came from.
        self.library.return_focus = None;
        self.focus = Focus::Body;
        self.editing = false;
    }

    pub(super) fn on_library(&mut self, m: LibraryMessage, fx: &mut Vec<Effect>) {
        self.library.apply(&m);
        match m {
            LibraryMessage::Loaded { warnings, .. } => {
                if let Some(w) = warnings.into_iter().next() {
                    self.notify(Level::Warn, w);
                }
            }
            // The list followed; nothing to say.
            LibraryMessage::History { .. } => {}
            LibraryMessage::Saved {
                collection,
                request,
            } => {
                // What was written, so a save is never a surprise.
                self.notify(
                    Level::Ok,
                    format!(
                        "saved {collection}/{}: {} {}, body {}",
                        request.name,
                        request.method,
                        request.url,
                        crate::time::bytes_text(request.body.len())
                    ),
                );
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
                    format!(
                        "deleted {collection}/{name} (the editor still holds it: {} saves it back)",
                        self.keymap.name(Command::Save)
                    ),
                );
                fx.push(Effect::Store(StoreOp::Load));
            }
            LibraryMessage::Done(text) => {
                self.notify(Level::Ok, text);
                fx.push(Effect::Store(StoreOp::Load));
            }
            // Save-as over a request that exists: asked, as Ctrl-S over an opened one is,
            // so a second run of the same steps can replace it with one key.
            LibraryMessage::Failed {
                action: StoreAction::Save,
                ref error,
            } if let StoreError::Exists {
                what: "request",
                name,
                ..
            } = &**error
                && let (collection, Some(name)) = split_target(name) =>
            {
                let request = self.request_named(name);
                self.notify(
                    Level::Warn,
                    format!("{collection}/{name} exists: y replaces it with this request; any other key keeps it"),
                );
                self.library.prompt = Some(Prompt::ConfirmOverwrite {
                    collection: collection.to_string(),
                    request,
                });
                self.focus_library();
            }
            LibraryMessage::Failed { action, error } => self.notify(
                Level::Error,
                format!("{}: {error}{}", action.not_done(), action.kept()),
            ),
        }
    }

    /// A history entry, diagnosed, for the inspector.
    pub(super) fn on_inspected(
        &mut self,
        result: Result<Box<ResponseView>, crate::tui::errors::InspectError>,
    ) {
        match result {
            Ok(view) => {
                self.response.set(ResponseState::Received(view));
                self.focus = Focus::Response;
                self.editing = false;
                if let Some(id) = self.scenario.opened.take() {
                    self.notify(
                        Level::Info,
                        format!(
                            "history #{id}, the scenario step's exchange: b body, h headers, i inspector, {} back to the steps",
                            self.keymap.name(Command::Scenario)
                        ),
                    );
                } else if !self
                    .notice
                    .as_ref()
                    .is_some_and(|n| n.level == Level::Error)
                {
                    let text = format!(
                        "history entry in the inspector, its request in the editor: b body, h headers, {} sends it again",
                        self.keymap.name(Command::Send)
                    );
                    self.notify(Level::Info, text);
                }
            }
            Err(e) => {
                self.scenario.opened = None;
                self.notify(Level::Error, e.to_string());
            }
        }
    }
}

/// What saving `now` over `saved` changes: "URL /a → /b, body 107 B → 3 B".
fn changes(saved: &Request, now: &Request) -> String {
    let mut out = Vec::new();
    if saved.method != now.method {
        out.push(format!("method {} → {}", saved.method, now.method));
    }
    if saved.url != now.url {
        out.push(format!("URL {} → {}", saved.url, now.url));
    }
    if saved.body != now.body {
        let size = |b: &[u8]| crate::time::bytes_text(b.len());
        out.push(format!("body {} → {}", size(&saved.body), size(&now.body)));
    }
    out.join(", ")
}
